"""Hostile input: every bad file used or reported, bounded resources, tampered model files, CLI outputs."""

import csv
import io
import json
import os
import subprocess
import sys
import threading
import tracemalloc
import wave
import zipfile

import numpy as np
import pytest

from skdeepfake import AudioLoader, AudioLoadError
from skdeepfake.cli import main
from skdeepfake.datasets import load_audio_folder
from skdeepfake.io import fix_length, load_audio
from skdeepfake.persistence import ModelFileError, load_model, save_model
from skdeepfake.pipelines import make_xgb_pipeline

from .conftest import tone, write_audio

SR = 16000


def _wav_declaring(path, rate, n_frames=32000):
    """A valid 16-bit WAV whose header declares ``rate`` Hz."""
    with wave.open(str(path), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes(np.zeros(n_frames, np.int16).tobytes())
    return path


def _bad_files(folder):
    """One file of every bad kind, with the reason each must be reported for."""
    folder.mkdir(parents=True, exist_ok=True)
    cases = {}
    (folder / "random.mp3").write_bytes(np.random.default_rng(0).bytes(4000))
    cases["random.mp3"] = "cannot be decoded as audio: the format is not recognised"
    (folder / "random.wav").write_bytes(np.random.default_rng(1).bytes(4000))
    cases["random.wav"] = "cannot be decoded as audio"
    (folder / "empty.wav").write_bytes(b"")
    cases["empty.wav"] = "cannot be decoded as audio"
    write_audio(folder / "silent0.wav", np.zeros(0, np.float32))
    cases["silent0.wav"] = "holds no audio samples"
    good = folder / "trunc_src.wav"
    write_audio(good, tone(duration=1.0))
    (folder / "truncated.wav").write_bytes(good.read_bytes()[:20000])
    good.unlink()
    cases["truncated.wav"] = "is truncated"
    y = tone(duration=0.5)
    y[10] = np.nan
    write_audio(folder / "nan.wav", y, subtype="FLOAT")
    cases["nan.wav"] = "contains NaN or infinite"
    y[10] = np.inf
    write_audio(folder / "inf.wav", y, subtype="FLOAT")
    cases["inf.wav"] = "contains NaN or infinite"
    _wav_declaring(folder / "one_hertz.wav", 1, n_frames=30000)
    cases["one_hertz.wav"] = "sample rate of 1 Hz, outside the accepted"
    os.mkfifo(folder / "pipe.wav")
    cases["pipe.wav"] = "is a named pipe (FIFO), not a regular file"
    os.symlink(folder / "nowhere.wav", folder / "broken.wav")
    cases["broken.wav"] = "is a broken symbolic link"
    os.symlink(folder / "loop_b.wav", folder / "loop_a.wav")
    os.symlink(folder / "loop_a.wav", folder / "loop_b.wav")
    cases["loop_a.wav"] = "is a symbolic link loop"
    cases["loop_b.wav"] = "is a symbolic link loop"
    return cases


@pytest.fixture
def hostile_corpus(tmp_path, speech):
    root = tmp_path / "corpus"
    for i in range(24):
        write_audio(root / speech.target_names[speech.target[i]] / f"good_{i:02d}.wav", speech.data[i])
    cases = _bad_files(root / "fake" / "bad")
    return root, cases


def test_every_bad_file_is_reported_with_its_reason_and_counts_add_up(hostile_corpus):
    root, cases = hostile_corpus
    with pytest.warns(UserWarning, match=f"skipped {len(cases)} unusable"):
        data = load_audio_folder(root)
    reasons = {os.path.basename(path): reason for path, reason in data.skipped}
    assert set(reasons) == set(cases)
    for name, expected in cases.items():
        assert expected in reasons[name], (name, reasons[name])
    assert len(data.filenames) == 24
    assert len(data.filenames) + len(data.skipped) == 24 + len(cases)


def test_cli_train_and_predict_survive_every_bad_file(hostile_corpus, tmp_path, capsys):
    root, cases = hostile_corpus
    model = tmp_path / "m.skdf"
    assert main(["train", "--data", str(root), "--model", "xgb", "--out", str(model)]) == 0
    err = capsys.readouterr().err
    assert f"files: {24 + len(cases)} found, 24 used, {len(cases)} skipped" in err
    assert main(["predict", "--model", str(model), str(root)]) == 0
    captured = capsys.readouterr()
    rows = list(csv.reader(io.StringIO(captured.out), delimiter="\t"))
    assert len(rows) == 1 + 24
    assert f"scored 24 file(s); skipped {len(cases)}; {24 + len(cases)} in all" in captured.err
    for name in cases:
        assert name in captured.err


def test_featurize_files_skips_and_reports_bad_files(hostile_corpus):
    from skdeepfake.features import LFCC, featurize_files

    root, cases = hostile_corpus
    files = sorted(str(p) for p in root.rglob("*") if not p.is_dir())
    result = featurize_files(files, LFCC(output="stats"), batch_size=8, errors="skip")
    assert len(result.index) == 24
    assert len(result.skipped) == len(cases)
    assert len(result.index) + len(result.skipped) == len(files)
    assert result.features.shape == (24, 240)
    good = [files[i] for i in result.index]
    np.testing.assert_allclose(result.features, featurize_files(good, LFCC(output="stats")), rtol=1e-6)
    with pytest.raises(AudioLoadError):
        featurize_files(files, LFCC(output="stats"))


def test_a_bad_cnn_filters_value_is_named():
    from skdeepfake import CustomCNNClassifier

    with pytest.raises(ValueError, match=r"filters=\('a',\) must be a non-empty tuple of positive ints"):
        CustomCNNClassifier(filters=("a",), epochs=1).fit(np.zeros((2, 48, 48), np.float32), [0, 1])


def _returns_within(fn, seconds):
    outcome = {}

    def run():
        try:
            outcome["value"] = fn()
        except Exception as err:  # the outcome under test
            outcome["error"] = err

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    thread.join(seconds)
    assert not thread.is_alive(), f"did not return within {seconds} s"
    return outcome


def test_a_fifo_is_refused_without_blocking(tmp_path):
    fifo = tmp_path / "pipe.wav"
    os.mkfifo(fifo)
    outcome = _returns_within(lambda: load_audio(fifo), 10)
    assert isinstance(outcome["error"], AudioLoadError)
    assert "named pipe" in str(outcome["error"])
    outcome = _returns_within(lambda: AudioLoader().transform([fifo]), 10)
    assert isinstance(outcome["error"], AudioLoadError)


def test_an_unreadable_file_is_said_to_be_unreadable(tmp_path, monkeypatch):
    # Permission is diagnosed once the open has failed; os.access stands in for a
    # mode that the root user of a CI machine would read anyway.
    path = tmp_path / "locked.wav"
    path.write_bytes(b"not audio at all" * 8)
    with pytest.raises(AudioLoadError, match="cannot be decoded as audio"):
        AudioLoader().transform([path])
    monkeypatch.setattr(os, "access", lambda *args, **kwargs: False)
    with pytest.raises(AudioLoadError, match=r"locked\.wav: cannot be read \(permission denied\)"):
        AudioLoader().transform([path])


def test_a_tiny_file_declaring_1_hz_costs_no_memory(tmp_path):
    path = _wav_declaring(tmp_path / "one_hertz.wav", 1, n_frames=32000)
    tracemalloc.start()
    with pytest.raises(AudioLoadError, match="sample rate of 1 Hz"):
        AudioLoader().transform([path])
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert peak < 5 * 2**20  # resampling it to 16 kHz would take gigabytes


def test_fixed_length_loading_reads_only_the_excerpt_it_keeps(tmp_path):
    rng = np.random.default_rng(0)
    long = (0.1 * rng.standard_normal(22050 * 600)).astype(np.float32)  # 10 min at 22.05 kHz
    path = write_audio(tmp_path / "long.wav", long, sr=22050, subtype="PCM_16")
    loader = AudioLoader(duration=2.0)
    loader.transform([path])
    tracemalloc.start()
    excerpt = loader.transform([path])[0]
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert peak < 4 * 2**20  # the whole file decoded would be 53 MB as float32
    whole, _ = load_audio(path, sr=SR)
    np.testing.assert_allclose(excerpt, whole[: 2 * SR], atol=1e-5)
    with pytest.raises(AudioLoadError, match="more than max_duration=60 s"):
        AudioLoader(duration=None, max_duration=60).transform([path])


def test_bad_parameters_are_named():
    with pytest.raises(ValueError, match="'crop' parameter of fix_length"):
        fix_length(np.zeros(10), 5, crop="bogus")
    with pytest.raises(ValueError, match="duration=1e-06 s is shorter than one sample"):
        AudioLoader(duration=1e-6).transform([np.zeros(100, np.float32)])


# -- tampered model files ----------------------------------------------------------------


@pytest.fixture(scope="module")
def fitted_xgb(speech):
    return make_xgb_pipeline(n_estimators=5, random_state=0).fit(speech.data[:20], speech.target[:20])


@pytest.fixture(scope="module")
def model_file(fitted_xgb, tmp_path_factory):
    path = tmp_path_factory.mktemp("model") / "m.skdf"
    save_model(fitted_xgb, path)
    return path


@pytest.fixture(scope="module")
def v2_file(fitted_xgb, tmp_path_factory):
    from ._v2_writer import write_v2

    path = tmp_path_factory.mktemp("model") / "v2.skdf"
    write_v2(fitted_xgb, path)
    return path


def _rewrite(src, dst, manifest=None, extra=None, schema=None, inner_extra=None):
    with zipfile.ZipFile(src) as zf:
        members = {n: zf.read(n) for n in zf.namelist()}
    if schema is not None or inner_extra:
        with zipfile.ZipFile(io.BytesIO(members["model.skops"])) as inner:
            parts = {n: inner.read(n) for n in inner.namelist()}
        if schema is not None:
            parts["schema.json"] = json.dumps(schema(json.loads(parts["schema.json"])))
        parts.update(inner_extra or {})
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as inner:
            for name, data in parts.items():
                inner.writestr(name, data)
        members["model.skops"] = buffer.getvalue()
        if manifest is None:
            manifest = lambda m: {**m, "members": {"model.skops": len(members["model.skops"])}}  # noqa: E731
    if manifest is not None:
        members["manifest.json"] = json.dumps(manifest(json.loads(members["manifest.json"])))
    members.update(extra or {})
    with zipfile.ZipFile(dst, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return dst


def _nested(depth):
    node = 1
    for _ in range(depth):
        node = {"list": [node]}
    return node


def _set_steps(m, steps):
    m["model"]["params"]["steps"] = steps
    return m


def _one_class(m):
    model = m["model"]["params"]["steps"]["list"][-1]["tuple"][1]
    model["state"]["dict"]["classes"] = {"list": [0]}
    return m


@pytest.mark.parametrize(
    "tamper, message",
    [
        (lambda m: _set_steps(m, {"list": []}), "steps is empty"),
        (lambda m: _set_steps(m, _nested(100)), "nests deeper than 64"),
        (_one_class, "the model's classes"),
        (lambda m: {**m, "members": {**m["members"], "arrays.npz": 10}}, "manifest declares 10"),
        (lambda m: {**m, "model": {"class": "builtins.eval", "params": {}}}, "may not hold"),
    ],
)
def test_tampered_version_2_manifests_are_refused_by_name(v2_file, tmp_path, tamper, message):
    path = _rewrite(v2_file, tmp_path / "t.skdf", manifest=tamper)
    with pytest.raises(ModelFileError, match=message):
        load_model(path)


def _find(node, test):
    """The first dict in a skops schema for which ``test`` holds."""
    if isinstance(node, dict):
        if test(node):
            return node
        children = node.values()
    elif isinstance(node, list):
        children = node
    else:
        return None
    for child in children:
        found = _find(child, test)
        if found is not None:
            return found
    return None


def _retype(schema, cls, module, name):
    node = _find(schema, lambda n: n.get("__class__") == cls)
    node["__module__"], node["__class__"] = module, name
    return schema


def _empty_steps(schema):
    pipeline = _find(schema, lambda n: n.get("__class__") == "Pipeline")
    steps = _find(pipeline, lambda n: isinstance(n.get("content"), dict) and "steps" in n["content"])
    steps["content"]["steps"]["content"] = []
    return schema


def _deep(schema):
    node = {"__class__": "list", "__module__": "builtins", "__loader__": "ListNode", "content": []}
    for _ in range(300):
        node = {**node, "content": [node]}
    loader = _find(schema, lambda n: n.get("__class__") == "AudioLoader")
    loader["content"] = node
    return schema


@pytest.mark.parametrize(
    "tamper, message",
    [
        (lambda s: _retype(s, "XGBoostClassifier", "os", "system"), "holds os.system"),
        (lambda s: _retype(s, "AudioLoader", "builtins", "eval"), "holds builtins.eval"),
        (lambda s: _retype(s, "AudioLoader", "numpy", "load"), "holds numpy.load"),
        (_empty_steps, "steps is empty"),
        (_deep, "nests deeper than 200"),
    ],
)
def test_tampered_model_files_are_refused_by_name(model_file, tmp_path, tamper, message):
    path = _rewrite(model_file, tmp_path / "t.skdf", schema=tamper)
    with pytest.raises(ModelFileError, match=message):
        load_model(path)


def test_altered_sizes_and_inner_bombs_are_refused(model_file, tmp_path):
    path = _rewrite(
        model_file, tmp_path / "sizes.skdf", manifest=lambda m: {**m, "members": {"model.skops": 10}}
    )
    with pytest.raises(ModelFileError, match="manifest declares 10"):
        load_model(path)
    bomb = np.zeros(64 * 2**20, np.uint8).tobytes()
    path = _rewrite(model_file, tmp_path / "inner.skdf", inner_extra={"x.npy": bomb})
    with pytest.raises(ModelFileError, match="decompression bomb"):
        load_model(path)


def test_a_manifest_too_deep_for_the_json_parser_is_a_model_file_error(model_file, tmp_path):
    deep = (
        '{"format": "skdeepfake-model", "format_version": 2, "model": '
        + '{"list": [' * 200_000
        + "1"
        + "]}" * 200_000
        + "}"
    )
    path = _rewrite(model_file, tmp_path / "deep.skdf", extra={"manifest.json": deep})
    with pytest.raises(ModelFileError):
        load_model(path)


def test_a_decompression_bomb_is_refused_before_reading(model_file, tmp_path):
    bomb = np.zeros(64 * 2**20, np.uint8).tobytes()  # 64 MiB of zeros, ~64 KiB compressed
    path = _rewrite(model_file, tmp_path / "bomb.skdf", extra={"blobs/9-x.bin": bomb})
    assert path.stat().st_size < 2**20
    tracemalloc.start()
    with pytest.raises(ModelFileError, match="decompression bomb"):
        load_model(path)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert peak < 16 * 2**20


def test_loading_an_xgboost_model_does_not_import_tensorflow(model_file):
    code = (
        f"import sys; from skdeepfake.persistence import load_model; load_model({str(model_file)!r}); "
        "assert 'tensorflow' not in sys.modules, 'tensorflow imported'"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


# -- command-line outputs ------------------------------------------------------------------


@pytest.fixture
def small_corpus(tmp_path, speech):
    root = tmp_path / "small"
    for i in range(20):
        write_audio(root / speech.target_names[speech.target[i]] / f"c{i}.wav", speech.data[i])
    return root


def test_file_names_with_control_characters_cannot_forge_rows(small_corpus, tmp_path, speech, capsys):
    import pandas as pd

    model = tmp_path / "m.skdf"
    assert main(["train", "--data", str(small_corpus), "--model", "xgb", "--out", str(model)]) == 0
    names = ("a\tb.wav", "c\nfake\t0.9999.wav", "x\rvictim.wav", "back\\slash\x07.wav")
    odd = [write_audio(tmp_path / name, speech.data[0]) for name in names]
    capsys.readouterr()
    escaped = [
        str(p)
        .replace("\\", "\\\\")
        .replace("\t", "\\t")
        .replace("\n", "\\n")
        .replace("\r", "\\r")
        .replace("\x07", "\\x07")
        for p in odd
    ]
    for fmt, delimiter in (("tsv", "\t"), ("csv", ",")):
        assert main(["predict", "--model", str(model), "--format", fmt, *map(str, odd)]) == 0
        out = capsys.readouterr().out
        assert len(out.splitlines()) == 5  # one physical line per row, for every reader
        rows = list(csv.reader(io.StringIO(out), delimiter=delimiter))
        assert [r[0] for r in rows[1:]] == escaped
        assert len(rows) == 5
        assert pd.read_csv(io.StringIO(out), sep=delimiter)["file"].tolist() == escaped
    assert main(["predict", "--model", str(model), "--format", "json", *map(str, odd)]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert [json.loads(line)["file"] for line in lines] == [str(p) for p in odd]


@pytest.mark.parametrize("case", ["missing folder", "a folder", "not a model"])
def test_bad_out_paths_fail_in_one_line_before_any_work(small_corpus, tmp_path, capsys, case):
    out = {
        "missing folder": tmp_path / "nope" / "m.skdf",
        "a folder": tmp_path,
        "not a model": tmp_path / "notes.txt",
    }[case]
    if case == "not a model":
        out.write_text("precious")
    assert main(["train", "--data", str(small_corpus), "--model", "xgb", "--out", str(out)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1
    assert err[0].startswith("skdeepfake train: error: --out")
    assert "Traceback" not in "".join(err)
    if case == "not a model":
        assert out.read_text() == "precious"
        assert (
            main(["train", "--data", str(small_corpus), "--model", "xgb", "--out", str(out), "--force"]) == 0
        )
        assert zipfile.is_zipfile(out)


def test_interrupted_benchmark_leaves_the_old_results_whole(tmp_path, monkeypatch, capsys):
    from skdeepfake.benchmark import BenchmarkResults

    out = tmp_path / "bench"
    assert main(["benchmark", "--models", "xgb", "--n-samples", "30", "--no-audit", "--out", str(out)]) == 0
    before = {p.name: p.read_bytes() for p in out.iterdir()}

    def interrupted(results):
        raise KeyboardInterrupt

    monkeypatch.setattr(BenchmarkResults, "figures", interrupted)
    assert (
        main(
            [
                "benchmark",
                "--models",
                "xgb",
                "--n-samples",
                "30",
                "--seed",
                "1",
                "--no-audit",
                "--out",
                str(out),
            ]
        )
        == 130
    )
    assert "interrupted" in capsys.readouterr().err
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before
    assert [p.name for p in tmp_path.iterdir()] == ["bench"]  # no partial folder left
