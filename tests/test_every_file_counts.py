"""No single input stops a run: every file is scored or reported, and the run's own checks come first."""

import csv
import io
import os
import stat

import numpy as np
import pytest
import soundfile as sf

from skdeepfake.cli import main
from skdeepfake.cli._outputs import atomic_folder
from skdeepfake.metrics import equal_error_rate
from skdeepfake.scoring import min_recording_duration, score_files

from .conftest import write_audio


@pytest.fixture(scope="module")
def corpus(tmp_path_factory, speech):
    root = tmp_path_factory.mktemp("files") / "corpus"
    for i in range(24):
        write_audio(root / speech.target_names[speech.target[i]] / f"c{i:02d}.wav", speech.data[i])
    return root


@pytest.fixture(scope="module")
def linear_model(corpus, tmp_path_factory):
    """The pooled linear detector, trained through the command line."""
    path = tmp_path_factory.mktemp("model") / "linear.skdf"
    assert main(["train", "--data", str(corpus), "--model", "linear", "--out", str(path)]) == 0
    return path


def _predict(model, *paths, options=()):
    return main(["predict", "--model", str(model), *options, *map(str, paths)])


def _rows(out):
    return list(csv.DictReader(io.StringIO(out), delimiter="\t"))


def test_short_absurd_long_and_vanished_files_are_skipped_with_their_reasons(
    linear_model, speech, tmp_path, capsys
):
    good = write_audio(tmp_path / "good.wav", speech.data[0])
    short = write_audio(tmp_path / "short.wav", speech.data[0][:100])  # under one LFCC frame
    loud = write_audio(tmp_path / "loud.wav", np.full(16000, 3e38, np.float32), subtype="FLOAT")
    long_name = tmp_path / ("x" * 250) / ("y" * 250) / ("z" * 5000 + ".wav")
    gone = tmp_path / "gone.wav"
    capsys.readouterr()
    assert _predict(linear_model, short, good, loud, long_name, gone) == 0
    captured = capsys.readouterr()
    assert [r["file"] for r in _rows(captured.out)] == [str(good)]
    err = captured.err
    assert f"skipped {short}: too short: 100 samples (0.006 s at 16000 Hz)" in err
    assert f"skipped {loud}: holds samples up to 3e+38" in err
    assert f"skipped {long_name}: cannot be read (File name too long)" in err
    assert f"skipped {gone}: file does not exist" in err
    assert "scored 1 file(s); skipped 4; 5 in all" in err


def test_training_skips_files_too_short_for_the_front_end_before_fitting(corpus, speech, tmp_path, capsys):
    root = tmp_path / "corpus"
    for label in ("real", "fake"):
        for path in sorted((corpus / label).glob("*.wav")):
            write_audio(root / label / path.name, sf.read(path, dtype="float32")[0])
    short = write_audio(root / "fake" / "short.wav", speech.data[0][:100])
    assert main(["train", "--data", str(root), "--out", str(tmp_path / "m.skdf")]) == 0
    err = capsys.readouterr().err
    assert (
        f"skipped {short}: too short: 0.006 s; the detector's front-end needs at least 0.020 s" in err
    )  # one 20-ms LFCC frame
    out = tmp_path / "bench"
    assert (
        main(["benchmark", "--data", str(root), "--models", "linear,xgb", "--cv", "2", "--out", str(out)])
        == 0
    )
    assert "too short" in capsys.readouterr().err
    assert (out / "results.csv").exists()


def test_a_file_deleted_after_the_folder_check_is_reported_and_training_goes_on(
    corpus, tmp_path, capsys, monkeypatch
):
    import skdeepfake.cli._commands as commands

    root = tmp_path / "corpus"
    for label in ("real", "fake"):
        for path in sorted((corpus / label).glob("*.wav")):
            write_audio(root / label / path.name, sf.read(path, dtype="float32")[0])
    victim = root / "fake" / sorted(os.listdir(root / "fake"))[0]
    check = commands._check_classes

    def check_then_delete(y, what):
        check(y, what)
        victim.unlink()

    monkeypatch.setattr(commands, "_check_classes", check_then_delete)
    assert main(["train", "--data", str(root), "--model", "xgb", "--out", str(tmp_path / "m.skdf")]) == 0
    err = capsys.readouterr().err
    assert f"skipped {victim}: file does not exist. (since the folder was checked); running again" in err


def test_a_class_missing_is_refused_before_any_featurising(tmp_path, speech, capsys):
    root = tmp_path / "corpus"
    for i in range(4):
        write_audio(root / "real" / f"r{i}.wav", speech.data[i])
    (root / "fake").mkdir()
    assert main(["train", "--data", str(root), "--out", str(tmp_path / "m.skdf")]) == 2
    err = capsys.readouterr().err
    assert "training data: 4 real, 0 fake" in err
    assert "error: training data holds no fake recordings" in err


def test_silent_dc_and_phase_cancelled_recordings_are_scored_with_a_warning(
    linear_model, speech, tmp_path, capsys
):
    x = np.asarray(speech.data[0])
    silent = write_audio(tmp_path / "silent.wav", np.zeros(32000, np.float32))
    dc = write_audio(tmp_path / "dc.wav", np.full(32000, 0.25, np.float32), subtype="FLOAT")
    cancelled = write_audio(tmp_path / "cancelled.wav", np.stack([x, -x], axis=1))
    capsys.readouterr()
    assert _predict(linear_model, silent, dc, cancelled) == 0
    captured = capsys.readouterr()
    assert len(_rows(captured.out)) == 3
    assert f"warning: {silent}: digital silence" in captured.err
    assert f"warning: {dc}: a constant (DC) signal" in captured.err
    # 16-bit rounding leaves the mix-down within an LSB of zero: silent, if not digitally so
    assert f"warning: {cancelled}: silent (peak below -90 dBFS)" in captured.err


@pytest.mark.parametrize(
    "options, message",
    [
        (["--threshold", "nan"], "a probability is between 0 and 1"),
        (["--threshold", "-1"], "a probability is between 0 and 1"),
        (["--threshold", "2"], "a probability is between 0 and 1"),
        (["--window", "0"], "expected a positive, finite number of seconds"),
        (["--max-duration", "0"], "expected a positive, finite number of seconds"),
    ],
)
def test_bad_option_values_are_refused_by_name(linear_model, tmp_path, options, message, capsys):
    with pytest.raises(SystemExit) as info:
        _predict(linear_model, tmp_path / "x.wav", options=options)
    assert info.value.code == 2
    assert message in capsys.readouterr().err


def test_max_duration_applies_to_predict_and_windows_bound_from_the_command_line(
    linear_model, speech, tmp_path, capsys
):
    clip = write_audio(tmp_path / "three.wav", np.resize(np.asarray(speech.data[0]), 48000))
    capsys.readouterr()
    assert _predict(linear_model, clip, options=["--max-duration", "1"]) == 1
    assert "more than max_duration=1 s" in capsys.readouterr().err
    assert _predict(linear_model, clip, options=["--window", "2", "--hop", "0.00001"]) == 2
    assert "hop" in capsys.readouterr().err


def test_aggregate_changes_a_pooled_models_score_and_window_rows_carry_labels(
    linear_model, speech, tmp_path, capsys
):
    clip = write_audio(tmp_path / "long.wav", np.concatenate(list(speech.data[:4])))  # 8 s
    scores = {}
    for how in (None, "mean", "max", "median"):
        capsys.readouterr()
        assert _predict(linear_model, clip, options=["--aggregate", how] if how else []) == 0
        scores[how] = float(_rows(capsys.readouterr().out)[0]["p_fake"])
    assert scores["max"] >= scores["median"]
    assert scores["max"] >= scores["mean"]
    assert len(set(scores.values())) > 1  # the pooled score and the aggregates differ
    assert _predict(linear_model, clip, options=["--windows"]) == 0
    windows = _rows(capsys.readouterr().out)[1:]
    assert windows
    assert all(w["label"] in ("real", "fake") for w in windows)
    assert all((float(w["p_fake"]) >= 0.5) == (w["label"] == "fake") for w in windows)


def test_names_that_look_like_formulas_are_neutralised_in_csv(
    linear_model, speech, tmp_path, capsys, monkeypatch
):
    paths = [
        write_audio(tmp_path / name, speech.data[0]) for name in ("=1+2.wav", "@sum.wav", "+x.wav", "-y.wav")
    ]
    capsys.readouterr()
    monkeypatch.chdir(tmp_path)  # relative names, so that the cell starts with the name
    assert _predict(linear_model, *[p.name for p in paths], options=["--format", "csv", "--"]) == 0
    cells = [row[0] for row in csv.reader(io.StringIO(capsys.readouterr().out))][1:]
    assert cells == ["'=1+2.wav", "'@sum.wav", "'+x.wav", "'-y.wav"]


def test_output_files_follow_the_umask(corpus, tmp_path, capsys):
    old = os.umask(0o022)
    try:
        model = tmp_path / "m.skdf"
        assert main(["train", "--data", str(corpus), "--model", "xgb", "--out", str(model)]) == 0
        assert stat.S_IMODE(os.stat(model).st_mode) == 0o644
        with atomic_folder(tmp_path / "results") as out:
            (out / "a.txt").write_text("x")
        assert stat.S_IMODE(os.stat(tmp_path / "results").st_mode) == 0o755
    finally:
        os.umask(old)


def test_concurrent_writers_leave_one_results_folder_and_nothing_hidden(tmp_path):
    first, second = atomic_folder(tmp_path / "out"), atomic_folder(tmp_path / "out")
    a, b = first.__enter__(), second.__enter__()
    (a / "who").write_text("first")
    (b / "who").write_text("second")
    second.__exit__(None, None, None)
    first.__exit__(None, None, None)
    assert (tmp_path / "out" / "who").read_text() == "first"  # the last to finish
    assert sorted(os.listdir(tmp_path)) == ["out"]


def test_an_out_folder_the_system_refuses_fails_before_any_work(tmp_path, capsys):
    assert main(["benchmark", "--models", "linear", "--out", "/proc/skdeepfake-test/out"]) == 2
    err = capsys.readouterr().err
    assert "--out /proc/skdeepfake-test/out: cannot create it" in err


def test_a_collapsed_detector_has_an_eer_of_one_half():
    assert equal_error_rate([0, 1, 1, 0, 1], np.full(5, 0.84))[0] == 0.5


def test_an_object_array_of_waveforms_fits_as_it_predicts(speech):
    from skdeepfake.pipelines import make_xgb_pipeline

    X = np.empty(6, dtype=object)
    X[:] = [np.asarray(c) for c in speech.data[:6]]
    pipe = make_xgb_pipeline(n_estimators=2).fit(X, speech.target[:6])
    assert pipe.predict_proba(X).shape == (6, 2)


def test_a_long_file_is_scored_while_it_is_decoded(linear_model, speech, tmp_path, monkeypatch):
    import skdeepfake.scoring._plan as plan  # where the streaming threshold is read
    from skdeepfake.persistence import load_model

    model = load_model(linear_model)
    clip = write_audio(tmp_path / "long.wav", np.concatenate(list(speech.data[:10])))  # 20 s
    whole = next(score_files(model, [clip])).p_fake
    monkeypatch.setattr(plan, "CHUNK_SAMPLES", 2**16)  # 20 s is now "long": streamed
    streamed = list(score_files(model, [clip]))
    assert streamed[0].error is None
    assert streamed[0].p_fake == pytest.approx(whole, abs=1e-4)
    assert min_recording_duration(model) == pytest.approx(320 / 16000)  # one 20-ms LFCC frame


def test_a_long_file_is_scored_window_by_window_while_it_is_decoded(speech, tmp_path, monkeypatch):
    import skdeepfake.scoring._plan as plan  # where the streaming threshold is read
    from skdeepfake.pipelines import make_xgb_pipeline

    model = make_xgb_pipeline(n_estimators=3, whole_recording=True).fit(speech.data[:8], speech.target[:8])
    clip = write_audio(tmp_path / "long.wav", np.concatenate(list(speech.data[:10])))
    whole = next(score_files(model, [clip], windows=True, aggregate="max"))
    monkeypatch.setattr(plan, "CHUNK_SAMPLES", 2**16)
    streamed = next(score_files(model, [clip], windows=True, aggregate="max"))
    assert streamed.p_fake == pytest.approx(whole.p_fake)
    np.testing.assert_allclose(streamed.windows.to_numpy(), whole.windows.to_numpy(), rtol=1e-6)
