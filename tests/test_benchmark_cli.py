import csv
import io
import json
import subprocess
import sys
import warnings

import numpy as np
import pandas as pd
import pytest
import soundfile as sf
import soxr

from skdeepfake.benchmark import ShortcutWarning, audio_cues, run_benchmark, shortcut_audit
from skdeepfake.cli import main
from skdeepfake.persistence import FORMAT_VERSION, ModelFileError, load_model, save_model
from skdeepfake.pipelines import make_cnn_pipeline, make_dnn_pipeline, make_xgb_pipeline
from skdeepfake.windows import WindowedClassifier, window_bounds

from .conftest import write_audio


@pytest.fixture(scope="module")
def xgb(speech):
    return make_xgb_pipeline(n_estimators=30, random_state=0).fit(speech.data, speech.target)


# -- shortcut audit and runner ------------------------------------------------------


def test_audit_finds_a_length_shortcut_and_warns():
    rng = np.random.default_rng(0)
    y = np.arange(60) % 2
    X = [0.1 * rng.normal(size=int(16000 * (1.0 if label else 2.0) * rng.uniform(0.9, 1.1))) for label in y]
    with pytest.warns(ShortcutWarning, match="'duration' alone separates"):
        audit = shortcut_audit(X, y, cv=3)
    assert audit.loc["duration", "shortcut"]
    assert audit.loc["duration", "roc_auc"] > 0.9
    assert not audit.loc["rms_db", "shortcut"]


def test_audit_measures_silence_and_sample_rate_from_files(tmp_path):
    quiet = np.r_[np.zeros(8000), 0.5 * np.ones(16000), np.zeros(4000)].astype(np.float32)
    path = write_audio(tmp_path / "a.wav", quiet, sr=16000)
    path2 = write_audio(tmp_path / "b.wav", quiet, sr=8000)
    cues = audio_cues([path, path2])
    assert cues.loc[0, "leading_silence"] == pytest.approx(0.5)
    assert cues.loc[0, "trailing_silence"] == pytest.approx(0.25)
    assert cues["sample_rate"].tolist() == [16000.0, 8000.0]
    assert cues.loc[1, "duration"] == pytest.approx(3.5)


def test_run_benchmark_cv_and_given_split(speech):
    X, y = speech.data[:120], speech.target[:120]
    with warnings.catch_warnings():
        warnings.simplefilter("error", ShortcutWarning)  # synthetic data has no shortcut
        results = run_benchmark({"xgb": make_xgb_pipeline(n_estimators=20)}, X, y, cv=3, progress=False)
    frame = results.to_frame()
    assert list(frame.index) == ["xgb"]
    assert {
        "accuracy",
        "balanced_accuracy",
        "roc_auc",
        "eer",
        "min_dcf",
        "fit_seconds",
        "predict_seconds",
        "eer_std",
    } <= set(frame.columns)
    assert frame.loc["xgb", "roc_auc"] > 0.8
    assert len(results.scores) == 3
    assert len(results.predictions["xgb"][0]) == 120
    assert "| xgb |" in results.to_markdown()
    assert "Shortcut audit" in results.to_markdown()
    assert json.loads(results.to_json())["summary"]["xgb"]["accuracy"] > 0.5

    split = run_benchmark(
        {"xgb": make_xgb_pipeline(n_estimators=20)},
        X[:80],
        y[:80],
        X_test=X[80:],
        y_test=y[80:],
        param_grids={"xgb": {"model__max_depth": [2, 3]}},
        audit=False,
        progress=False,
    )
    assert split.scores["split"].tolist() == ["test"]
    assert split.best_params["xgb"][0]["model__max_depth"] in (2, 3)
    assert split.audit is None


def test_run_benchmark_argument_errors(speech):
    with pytest.raises(ValueError, match="param_grids names unknown"):
        run_benchmark({"a": make_xgb_pipeline()}, speech.data, speech.target, param_grids={"b": {}})
    with pytest.raises(ValueError, match="both X_test and y_test"):
        run_benchmark({"a": make_xgb_pipeline()}, speech.data, speech.target, X_test=speech.data)


# -- windows -------------------------------------------------------------------------


def test_window_bounds_cover_the_recording():
    bounds = window_bounds(16000 * 7 + 5, 16000, window=2.0, hop=1.0)
    assert bounds[0] == (0, 32000)
    assert bounds[-1][1] == 16000 * 7 + 5
    assert all(e - s == 32000 for s, e in bounds)
    with pytest.raises(ValueError, match="'window' parameter of window_bounds"):
        window_bounds(10, 16000, window=0, hop=1)


def test_windowed_scores_equal_clip_scores(xgb, speech):
    long = np.concatenate(speech.data[:4])
    scorer = WindowedClassifier.from_fitted(xgb, window=2.0, hop=2.0)
    windows = scorer.predict_windows([long])
    np.testing.assert_allclose(windows["p_fake"], xgb.predict_proba(speech.data[:4])[:, 1], rtol=1e-6)
    assert windows["start"].tolist() == [0.0, 2.0, 4.0, 6.0]
    for aggregate, fn in [("mean", np.mean), ("max", np.max), ("median", np.median)]:
        scorer.set_params(aggregate=aggregate)
        assert scorer.predict_proba([long])[0, 1] == pytest.approx(fn(windows["p_fake"]))
    assert len(scorer.predict_windows([speech.data[0][:8000]])) == 1


# -- model files ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "make",
    [
        lambda: make_xgb_pipeline(n_estimators=10, random_state=0),
        lambda: make_dnn_pipeline(epochs=2, random_state=0, features=("mfcc", "zcr")),
        lambda: make_cnn_pipeline(epochs=1, filters=(4, 4, 4, 4), dense_units=8, random_state=0),
    ],
)
def test_save_load_round_trip_gives_identical_scores(make, speech, tmp_path):
    X, y = speech.data[:40], speech.target_names[speech.target[:40]]
    pipe = make().fit(X, y)
    save_model(pipe, tmp_path / "m.skdf")
    loaded = load_model(tmp_path / "m.skdf")
    np.testing.assert_array_equal(loaded.predict_proba(X), pipe.predict_proba(X))
    assert loaded.classes_.tolist() == pipe.classes_.tolist()
    assert loaded.get_params()["model__random_state"] == 0


def test_model_file_holds_no_pickle(xgb, tmp_path):
    import zipfile

    import skops.io as sio

    from skdeepfake.persistence import is_trusted_type

    save_model(xgb, tmp_path / "m.skdf")
    with zipfile.ZipFile(tmp_path / "m.skdf") as zf:
        assert sorted(zf.namelist()) == ["manifest.json", "model.skops"]
        manifest = json.loads(zf.read("manifest.json"))
        data = zf.read("model.skops")
    assert manifest["format_version"] == FORMAT_VERSION == 3
    with zipfile.ZipFile(io.BytesIO(data)) as inner:
        names = inner.namelist()
        schema = json.loads(inner.read("schema.json"))
    assert all(n == "schema.json" or n.endswith((".npy", ".bin")) for n in names)  # arrays, bytes
    assert schema["__class__"] == "Pipeline"
    untrusted = sio.get_untrusted_types(data=data)
    assert "skdeepfake.models.xgb.XGBoostClassifier" in untrusted
    assert all(is_trusted_type(t) for t in untrusted)


def test_version_2_files_still_load(speech, tmp_path):
    from ._v2_writer import write_v2

    X, y = speech.data[:30], speech.target[:30]
    for pipe in (
        make_xgb_pipeline(n_estimators=10, random_state=0).fit(X, y),
        make_dnn_pipeline(epochs=1, random_state=0, features=("mfcc",)).fit(X, y),
    ):
        write_v2(pipe, tmp_path / "v2.skdf")
        np.testing.assert_array_equal(
            load_model(tmp_path / "v2.skdf").predict_proba(X), pipe.predict_proba(X)
        )


def test_version_1_files_still_load(speech, tmp_path):
    """A file as skdeepfake 0.1 wrote it: flat steps, booster.json at the top."""
    import io
    import zipfile

    from skdeepfake.pipelines import make_xgb_pipeline

    X, y = speech.data[:30], speech.target[:30]
    # skdeepfake 0.1's XGBoost pipeline: handcrafted features of a 2-s excerpt
    pipe = make_xgb_pipeline(features="handcrafted", whole_recording=False, n_estimators=10, random_state=0)
    pipe.fit(X, y)
    params = {
        k: (list(v) if isinstance(v, tuple) else v)
        for k, v in pipe.named_steps["features"].get_params().items()
    }
    manifest = {
        "format": "skdeepfake-model",
        "format_version": 1,
        "skdeepfake_version": "0.1.0",
        "steps": [
            {"name": "loader", "class": "AudioLoader", "params": pipe.named_steps["loader"].get_params()},
            {"name": "features", "class": "HandcraftedFeatures", "params": params, "n_features_in": 32000},
            {
                "name": "model",
                "class": "XGBoostClassifier",
                "params": pipe.named_steps["model"].get_params(),
                "state": {"classes": [0, 1], "n_features_in": pipe.named_steps["model"].n_features_in_},
            },
        ],
        "windowed": None,
    }
    buffer = io.BytesIO()
    np.savez(buffer)
    path = tmp_path / "v1.skdf"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("manifest.json", json.dumps(manifest))
        zf.writestr("arrays.npz", buffer.getvalue())
        zf.writestr(
            "booster.json",
            bytes(pipe.named_steps["model"].booster_.get_booster().save_raw(raw_format="json")),
        )
    np.testing.assert_array_equal(load_model(path).predict_proba(X), pipe.predict_proba(X))


def test_newer_format_and_damaged_files_are_refused(xgb, tmp_path):
    import zipfile

    path = tmp_path / "m.skdf"
    save_model(xgb, path)
    with zipfile.ZipFile(path) as zf:
        members = {n: zf.read(n) for n in zf.namelist()}
    manifest = json.loads(members["manifest.json"])
    manifest["format_version"] = FORMAT_VERSION + 1
    newer = tmp_path / "newer.skdf"
    with zipfile.ZipFile(newer, "w") as zf:
        for n, data in members.items():
            zf.writestr(n, json.dumps(manifest) if n == "manifest.json" else data)
    with pytest.raises(ModelFileError, match=f"format version {FORMAT_VERSION + 1}.*Upgrade skdeepfake"):
        load_model(newer)
    damaged = tmp_path / "damaged.skdf"
    damaged.write_bytes(path.read_bytes()[:200])
    with pytest.raises(ModelFileError, match="damaged or not a skdeepfake model"):
        load_model(damaged)
    with pytest.raises(ModelFileError, match="no such model file"):
        load_model(tmp_path / "missing.skdf")


class _Doubler:
    """A class outside the trusted packages."""

    def __call__(self, X):
        return 2 * X


def test_any_scikit_learn_step_saves_and_code_cannot(speech, tmp_path):
    from sklearn.naive_bayes import GaussianNB
    from sklearn.pipeline import Pipeline
    from sklearn.preprocessing import FunctionTransformer

    from skdeepfake import AudioLoader, HandcraftedFeatures

    X, y = speech.data[:20], speech.target[:20]
    steps = [("loader", AudioLoader()), ("features", HandcraftedFeatures(features=("zcr",)))]
    pipe = Pipeline([*steps, ("model", GaussianNB())]).fit(X, y)
    save_model(pipe, tmp_path / "nb.skdf")
    np.testing.assert_array_equal(load_model(tmp_path / "nb.skdf").predict_proba(X), pipe.predict_proba(X))
    for func, name in [(abs, "builtins.abs"), (_Doubler(), "tests.test_benchmark_cli._Doubler")]:
        code = Pipeline([*steps, ("f", FunctionTransformer(func)), ("model", GaussianNB())]).fit(X, y)
        with pytest.raises(ModelFileError, match=f"holds {name}, which model files may not hold"):
            save_model(code, tmp_path / "code.skdf")


def test_a_version_2_manifest_naming_another_class_is_refused(xgb, tmp_path):
    import zipfile

    from ._v2_writer import write_v2

    path = tmp_path / "m.skdf"
    write_v2(xgb, path)
    with zipfile.ZipFile(path) as zf:
        members = {n: zf.read(n) for n in zf.namelist()}
    text = members["manifest.json"].decode().replace("sklearn.pipeline.Pipeline", "os.system")
    with zipfile.ZipFile(path, "w") as zf:
        for n, data in members.items():
            zf.writestr(n, text if n == "manifest.json" else data)
    with pytest.raises(ModelFileError, match="class 'os.system', which model files may not hold"):
        load_model(path)


# -- command line --------------------------------------------------------------------------


@pytest.fixture(scope="module")
def corpus(tmp_path_factory, speech):
    root = tmp_path_factory.mktemp("cli") / "corpus"
    for i, (clip, label) in enumerate(zip(speech.data[:60], speech.target[:60])):
        write_audio(root / speech.target_names[label] / f"c{i:02d}.wav", clip)
    (root / "fake" / "corrupt.wav").write_bytes(b"RIFF....WAVEgarbage")
    return root


def test_cli_help_is_fast_and_light():
    code = "import sys; from skdeepfake.cli import build_parser; build_parser(); assert 'tensorflow' not in sys.modules"
    subprocess.run([sys.executable, "-c", code], check=True)
    out = subprocess.run([sys.executable, "-m", "skdeepfake", "--help"], capture_output=True, text=True)
    assert out.returncode == 0
    assert "benchmark" in out.stdout


def test_cli_benchmark_on_builtin_data(tmp_path, capsys):
    out = tmp_path / "out"
    assert main(["benchmark", "--models", "xgb", "--n-samples", "40", "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "xgb" in printed
    assert "Shortcut audit" in printed
    for name in ["results.csv", "results.md", "results.json", "roc.png", "det.png", "confusion_xgb.png"]:
        assert (out / name).stat().st_size > 0
    assert pd.read_csv(out / "results.csv")["model"].tolist() == ["xgb"]


def test_cli_benchmark_on_a_folder_reports_bad_files(corpus, tmp_path, capsys):
    out = tmp_path / "out"
    assert (
        main(
            [
                "benchmark",
                "--data",
                str(corpus),
                "--models",
                "xgb",
                "--cv",
                "3",
                "--no-audit",
                "--out",
                str(out),
            ]
        )
        == 0
    )
    captured = capsys.readouterr()  # the CLI lists the skipped file itself; nothing is warned
    assert "corrupt.wav" in captured.err
    assert "61 found, 60 used, 1 skipped" in captured.err
    assert (out / "results.md").exists()


def test_cli_benchmark_on_a_for_tree_with_keras_training_curves(tmp_path, speech, capsys):
    root = tmp_path / "for"
    for split, rows in [("training", range(0, 40)), ("testing", range(40, 60))]:
        for i in rows:
            label = speech.target_names[speech.target[i]]
            write_audio(root / "for-2seconds" / split / label / f"{i}.wav", speech.data[i])
    out = tmp_path / "out"
    assert (
        main(
            [
                "benchmark",
                "--data",
                str(root),
                "--layout",
                "for",
                "--for-version",
                "for-2sec",
                "--models",
                "dnn,xgb",
                "--epochs",
                "2",
                "--out",
                str(out),
            ]
        )
        == 0
    )
    assert "FoR for-2sec, training -> testing" in capsys.readouterr().out
    assert (out / "training_dnn.png").exists()
    assert json.loads((out / "results.json").read_text())["scores"][0]["split"] == "test"


def test_cli_train_then_predict_long_stereo_44k_and_bad_files(corpus, tmp_path, speech, capsys):
    model = tmp_path / "detector.skdf"
    train = ["train", "--data", str(corpus), "--model", "xgb", "--whole-recording", "--out", str(model)]
    assert main(train) == 0
    assert "corrupt.wav" in capsys.readouterr().err  # listed by the CLI, not warned
    # two minutes of stereo 44.1 kHz audio
    mono = np.resize(np.concatenate(speech.data[:20]), 16000 * 120)
    y44 = soxr.resample(mono, 16000, 44100)
    long_path = tmp_path / "long.wav"
    sf.write(long_path, np.stack([y44, 0.5 * y44], axis=1), 44100)
    flac = write_audio(tmp_path / "clip.flac", speech.data[1])
    capsys.readouterr()
    rc = main(
        [
            "predict",
            "--model",
            str(model),
            "--windows",
            "--window",
            "2",
            "--hop",
            "2",
            str(long_path),
            str(flac),
            str(corpus / "fake"),
            str(tmp_path / "missing.wav"),
        ]
    )
    captured = capsys.readouterr()
    assert rc == 0
    rows = list(csv.reader(io.StringIO(captured.out), delimiter="\t"))
    assert rows[0] == ["file", "start", "end", "p_fake", "label", "reason"]
    long_row = next(r for r in rows if r[0] == str(long_path) and r[1] == "")
    assert 0.0 <= float(long_row[3]) <= 1.0
    assert long_row[4] in ("real", "fake")
    long_windows = [r for r in rows if r[0] == str(long_path) and r[1] != ""]
    assert len(long_windows) == 60  # 60 two-second windows
    assert np.mean([float(r[3]) for r in long_windows]) == pytest.approx(float(long_row[3]), abs=1e-4)
    assert "corrupt.wav" in captured.err
    assert "missing.wav: file does not exist" in captured.err
    assert "skipped 2" in captured.err
    assert any(r[0] == str(flac) for r in rows)


@pytest.mark.parametrize("objective", ["cross-entropy", "oc-softmax"])
def test_cli_train_and_predict_round_trip_with_a_keras_model(objective, corpus, tmp_path, capsys):
    model = tmp_path / "dnn.skdf"
    command = ["train", "--data", str(corpus), "--model", "dnn", "--epochs", "3", "--objective", objective]
    assert main([*command, "--out", str(model)]) == 0
    assert "corrupt.wav" in capsys.readouterr().err  # listed by the CLI, not warned
    assert load_model(model).named_steps["model"].objective == objective
    clip = sorted((corpus / "real").glob("*.wav"))[0]
    capsys.readouterr()
    assert main(["predict", "--model", str(model), str(clip)]) == 0
    first = capsys.readouterr().out.splitlines()[1]
    assert main(["predict", "--model", str(model), str(clip)]) == 0
    assert capsys.readouterr().out.splitlines()[1] == first


def test_cli_errors_are_reported_not_raised(tmp_path, capsys):
    assert main(["predict", "--model", str(tmp_path / "nope.skdf"), "x.wav"]) == 2
    assert "no such model file" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        main(["benchmark", "--models", "cnn,svm"])


def test_cli_whole_recording_train_benchmark_and_predict(tmp_path, capsys):
    from skdeepfake.datasets import make_synthetic_speech

    data = make_synthetic_speech(n_samples=16, duration=(0.5, 6.0), random_state=3)
    root = tmp_path / "varlen"
    for i, (clip, label) in enumerate(zip(data.data, data.target)):
        write_audio(root / data.target_names[label] / f"{i}.wav", clip, subtype="FLOAT")
    model = tmp_path / "w.skdf"
    assert (
        main(["train", "--data", str(root), "--model", "xgb", "--whole-recording", "--out", str(model)]) == 0
    )
    loaded = load_model(model)
    assert isinstance(loaded, WindowedClassifier)
    capsys.readouterr()
    assert (
        main(
            [
                "predict",
                "--model",
                str(model),
                "--aggregate",
                "max",
                "--windows",
                str(root / "fake" / "1.wav"),
            ]
        )
        == 0
    )
    rows = list(csv.reader(io.StringIO(capsys.readouterr().out), delimiter="\t"))
    window_scores = [float(r[3]) for r in rows[2:]]
    assert len(window_scores) >= 2
    assert rows[1][1] == ""
    assert float(rows[1][3]) == pytest.approx(max(window_scores), abs=1e-4)
    assert main(["predict", "--model", str(model), "--window", "3", str(root / "fake" / "1.wav")]) == 2
    assert "cannot change" in capsys.readouterr().err
    out_dir = tmp_path / "bench"
    assert (
        main(
            [
                "benchmark",
                "--models",
                "xgb",
                "--n-samples",
                "24",
                "--durations",
                "0.5,6",
                "--whole-recording",
                "--out",
                str(out_dir),
            ]
        )
        == 0
    )
    assert "whole recordings" in capsys.readouterr().out


def test_cli_train_default_is_the_pooled_lfcc_xgboost_detector_and_predicts(corpus, tmp_path, capsys):
    from skdeepfake.pipelines import make_detector

    model = tmp_path / "default.skdf"
    assert main(["train", "--data", str(corpus), "--out", str(model)]) == 0
    assert "corrupt.wav" in capsys.readouterr().err  # listed by the CLI, not warned
    loaded = load_model(model)
    assert loaded.named_steps["loader"].duration is None  # pooled over whole recordings
    # the factory's default, seeded by --seed (0)
    assert repr(loaded.named_steps["features"]) == repr(make_detector("xgb").named_steps["features"])
    assert type(loaded.named_steps["model"]).__name__ == "XGBoostClassifier"
    assert loaded.classes_.tolist() == [0, 1]  # trained on 0/1: column 1 is P(fake)
    capsys.readouterr()
    assert main(["predict", "--model", str(model), "--windows", str(corpus / "fake")]) == 0
    rows = list(csv.reader(io.StringIO(capsys.readouterr().out), delimiter="\t"))
    recordings = [r for r in rows[1:] if r[1] == ""]
    assert len(recordings) == 30
    assert np.mean([r[4] == "fake" for r in recordings]) > 0.6


def test_one_metrics_table_feeds_the_runner_and_the_command_line(speech, monkeypatch):
    """A metric added to the table reaches the results and the CLI's summary, with nothing else edited."""
    from sklearn.metrics import average_precision_score

    from skdeepfake.benchmark import _results
    from skdeepfake.cli._commands import _summary_table

    monkeypatch.setitem(
        _results._METRIC_FUNCTIONS,
        "average_precision",
        lambda y, pred, score, pos: average_precision_score(y == pos, score),
    )
    monkeypatch.setattr(_results, "METRICS", [*_results.METRICS, "average_precision"])
    import skdeepfake.benchmark as benchmark

    monkeypatch.setattr(benchmark, "METRICS", _results.METRICS)
    X, y = speech.data[:60], speech.target[:60]
    results = run_benchmark(
        {"xgb": make_xgb_pipeline(n_estimators=10)}, X, y, cv=2, audit=False, progress=False
    )
    assert 0.0 <= results.to_frame().loc["xgb", "average_precision"] <= 1.0
    assert "average_precision" in _summary_table(results).columns
