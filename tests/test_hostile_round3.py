"""Hostile input, round 3: one folder contract for every corpus, bounded costs, safe text, named errors."""

import os
import time
import warnings

import numpy as np
import pytest

from skdeepfake.augment import GriffinLimVocoder, LPCVocoder, VocodedCopies
from skdeepfake.cli import main
from skdeepfake.datasets import (
    SilentRecordingWarning,
    files_below,
    load_audio_folder,
    load_corpus,
    load_in_the_wild,
)
from skdeepfake.explain import occlusion
from skdeepfake.fusion import make_fused_detector
from skdeepfake.io import load_audio
from skdeepfake.pipelines import make_linear_pipeline
from skdeepfake.scoring import score_files

from .conftest import SR, tone, write_audio


@pytest.fixture(scope="module")
def linear(speech):
    return make_linear_pipeline().fit(speech.data[:40], speech.target[:40])


def _corpus(root, speech, n=6, bad=True):
    """real/ and fake/ with ``n`` good clips each, plus an undecodable and a 1-sample file."""
    for label, name in ((0, "real"), (1, "fake")):
        clips = [x for x, t in zip(speech.data, speech.target) if t == label][:n]
        for i, x in enumerate(clips):
            write_audio(root / name / f"{name}{i}.wav", x)
    if bad:
        (root / "fake" / "broken.wav").write_bytes(b"RIFF not really")
        write_audio(root / "real" / "one_sample.wav", np.array([0.1], np.float32))
    return root


# -- one contract for every corpus ------------------------------------------------------


def test_a_protocol_cannot_name_files_outside_its_folder_or_list_one_twice(tmp_path):
    root = tmp_path / "itw"
    root.mkdir()
    (root / "meta.csv").write_text(
        "file,speaker,label\n"
        "0.wav,A,spoof\n1.wav,A,bona-fide\n/etc/hostname,A,spoof\n../x.wav,A,spoof\n"
        "0.wav,A,bona-fide\n1.wav,A,bona-fide\n2.wav,B,spoof\n"
    )
    data = load_in_the_wild(root, check_exists=False)
    assert [os.path.basename(f) for f in data.filenames] == ["1.wav", "2.wav"]
    reasons = {os.path.basename(p): r for p, r in data.skipped}
    assert "outside the corpus folder" in reasons["hostname"]
    assert "outside the corpus folder" in reasons["x.wav"]
    assert "listed as both bona fide and spoofed" in reasons["0.wav"]
    assert sum("listed more than once" in r for _, r in data.skipped) == 1
    assert len(data.skipped) == 5  # both listings of 0.wav, the second of 1.wav, and the two outside


def test_load_corpus_checks_every_corpus_as_train_checks_its_folder(tmp_path, speech):
    root = _corpus(tmp_path / "c", speech)
    name, data = load_corpus(str(root), check=True, min_duration=0.02)
    assert name == "c"
    assert len(data.filenames) == 12
    reasons = {os.path.basename(p): r for p, r in data.skipped}
    assert "cannot be decoded" in reasons["broken.wav"]
    assert "too short" in reasons["one_sample.wav"]
    assert len(data.target) == len(data.filenames)


def test_cross_corpus_benchmark_skips_bad_files_in_train_and_test(tmp_path, speech, capsys):
    train = _corpus(tmp_path / "train", speech, n=8)
    test = tmp_path / "itw"
    clips = speech.data[40:52]
    for i, x in enumerate(clips):
        write_audio(test / f"{i}.wav", x)
    (test / "bad.wav").write_bytes(b"garbage")
    write_audio(test / "short.wav", np.array([0.1], np.float32))
    rows = [f"{i}.wav,S{i % 3},{'spoof' if t else 'bona-fide'}" for i, t in enumerate(speech.target[40:52])]
    rows += ["bad.wav,S0,spoof", "short.wav,S1,bona-fide"]
    (test / "meta.csv").write_text("file,speaker,label\n" + "\n".join(rows) + "\n")
    code = main(
        [
            "benchmark",
            "--train",
            str(train),
            "--test",
            f"in_the_wild:{test}",
            "--models",
            "linear",
            "--out",
            str(tmp_path / "out"),
        ]
    )
    err = capsys.readouterr().err
    assert code == 0, err
    for name, reason in [
        ("broken.wav", "cannot be decoded"),
        ("one_sample.wav", "too short"),
        ("bad.wav", "cannot be decoded"),
        ("short.wav", "too short"),
    ]:
        assert any(name in line and reason in line for line in err.splitlines()), (name, err)
    assert (tmp_path / "out").is_dir()


def test_a_folder_too_deep_to_read_is_reported_and_the_rest_is_listed(tmp_path, speech):
    root = tmp_path / "deep"
    write_audio(root / "real" / "a.wav", speech.data[0])
    # 20 folders of 250-character names: deeper than PATH_MAX, made relative to open folders
    fd = os.open(root / "real", os.O_RDONLY)
    try:
        for _ in range(20):
            os.mkdir("d" * 250, dir_fd=fd)
            inner = os.open("d" * 250, os.O_RDONLY, dir_fd=fd)
            os.close(fd)
            fd = inner
    finally:
        os.close(fd)
    unlisted = []
    found = files_below(root / "real", unlisted)
    assert [p.name for p in found] == ["a.wav"]
    assert unlisted
    assert "cannot be read" in unlisted[0][1]


def test_silent_training_recordings_are_used_with_a_warning(tmp_path, speech):
    root = _corpus(tmp_path / "c", speech, bad=False)
    write_audio(root / "real" / "silence.wav", np.zeros(SR, np.float32))
    write_audio(root / "real" / "dc.wav", np.full(SR, 0.25, np.float32))
    stereo = np.stack([tone(duration=1.0), -tone(duration=1.0)], axis=1)  # cancels when mixed down
    write_audio(root / "real" / "cancelled.wav", stereo)
    with pytest.warns(SilentRecordingWarning, match="3 recording\\(s\\) are silent or constant"):
        data = load_audio_folder(root)
    assert len(data.filenames) == 15
    assert {os.path.basename(p) for p, _ in data.notes} == {"silence.wav", "dc.wav", "cancelled.wav"}


def test_cli_training_reports_silent_recordings(tmp_path, speech, capsys):
    root = _corpus(tmp_path / "c", speech, bad=False)
    write_audio(root / "real" / "silence.wav", np.zeros(SR, np.float32))
    code = main(["train", "--data", str(root), "--model", "linear", "--out", str(tmp_path / "m.skdf")])
    err = capsys.readouterr().err
    assert code == 0, err
    assert "warning:" in err
    assert "silence.wav: digital silence" in err


# -- safe text and bounded user patterns --------------------------------------------------


def test_control_characters_in_skipped_names_are_escaped_on_stderr(tmp_path, linear, capsys):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "evil\x1b]0;owned\x07.wav").write_bytes(b"not audio")
    write_audio(folder / "good.wav", tone(duration=1.0))
    main(["predict", "--model", str(_saved(linear, tmp_path)), str(folder)])
    err = capsys.readouterr().err
    assert "\x1b" not in err
    assert "\x07" not in err
    assert "evil\\x1b]0;owned\\x07.wav" in err


def _saved(model, tmp_path):
    from skdeepfake.persistence import save_model

    path = tmp_path / "m.skdf"
    if not path.exists():
        save_model(model, path)
    return path


def _grouped_corpus(root, speech, manifest=None):
    _corpus(root, speech, bad=False)
    if manifest is not None:
        (root / "manifest.csv").write_text(manifest)
    return root


def test_a_backtracking_groups_pattern_is_stopped_in_bounded_time(tmp_path, speech, capsys):
    root = _grouped_corpus(tmp_path / "c", speech)
    write_audio(root / "real" / ("a" * 40 + "!.wav"), speech.data[0])
    start = time.monotonic()
    code = main(["benchmark", "--data", str(root), "--groups", "re:^(a|aa)+$", "--models", "linear"])
    assert time.monotonic() - start < 60
    assert code == 2
    assert "ran longer than" in capsys.readouterr().err


@pytest.mark.parametrize(
    "groups, manifest, message",
    [
        ("speaker", "file,corpus\nreal/real0.wav,x\n", "manifest.csv has no such column"),
        (
            "speaker",
            "file,speaker,speaker\nreal/real0.wav,a,b\n",
            "names the column\\(s\\) 'speaker' more than once",
        ),
        ("re:^zzz(\\d)", None, "the pattern matches none of the"),
    ],
)
def test_a_groups_option_that_cannot_work_is_refused_before_decoding(
    groups, manifest, message, tmp_path, speech, capsys, monkeypatch
):
    import re

    import skdeepfake.datasets._screen as screen

    root = _grouped_corpus(tmp_path / "c", speech, manifest)

    def no_decoding(*args, **kwargs):
        raise AssertionError("a file was decoded before --groups was checked")

    monkeypatch.setattr(screen, "inspect_audio", no_decoding)
    code = main(["benchmark", "--data", str(root), "--groups", groups, "--models", "linear"])
    assert code == 2
    assert re.search(message, capsys.readouterr().err)


def test_a_single_group_is_refused_with_the_option_named(tmp_path, speech, capsys):
    root = _grouped_corpus(tmp_path / "c", speech)
    # two groups ("real", "fake") for the default 5 folds
    code = main(["benchmark", "--data", str(root), "--groups", "re:^(real|fake)", "--models", "linear"])
    err = capsys.readouterr().err
    assert code == 2
    assert "2 group(s) for 5 folds" in err
    assert "--leave-one-group-out" in err
    code = main(["benchmark", "--data", str(root), "--groups", "re:(\\.wav)$", "--models", "linear"])
    err = capsys.readouterr().err
    assert code == 2
    assert "--groups re:(\\.wav)$: every file is in one group" in err


def test_a_file_listed_twice_with_two_groups_is_refused_by_name(tmp_path, speech, capsys):
    manifest = "file,speaker\nreal/real0.wav,a\nreal/real0.wav,b\n"
    root = _grouped_corpus(tmp_path / "c", speech, manifest)
    with pytest.raises(ValueError, match="lists .*real0.wav more than once with different values"):
        load_audio_folder(root)


# -- arguments checked where they are given, errors naming them -----------------------------


@pytest.mark.parametrize(
    "argv, message",
    [
        (["predict", "--max-duration", "inf", "x.wav"], "--max-duration: expected a positive, finite"),
        (["predict", "--max-duration", "nan", "x.wav"], "--max-duration: expected a positive, finite"),
        (["predict", "--window", "1e-9", "x.wav"], "--window: a window is 0.01 to 600 seconds"),
        (["explain", "x.wav", "--out", "m.png", "--first", "-1"], "--first: expected a positive"),
    ],
)
def test_out_of_range_options_are_refused_at_parsing_by_name(argv, message, capsys):
    with pytest.raises(SystemExit) as info:
        main(argv)
    assert info.value.code == 2
    assert message in capsys.readouterr().err


def test_score_files_reports_non_paths_per_file(linear, tmp_path):
    good = write_audio(tmp_path / "good.wav", tone(duration=1.0))
    rows = list(score_files(linear, [None, 3, str(good)]))
    assert [r.error is None for r in rows] == [False, False, True]
    assert "not a file path (NoneType)" in rows[0].error
    assert "not a file path (int)" in rows[1].error
    with pytest.raises(ValueError, match="'path' parameter of load_audio"):
        load_audio(3)


def test_fuse_and_model_together_are_refused(tmp_path, capsys):
    with pytest.raises(SystemExit):
        main(["train", "--data", str(tmp_path), "--fuse", "linear,xgb", "--model", "dnn", "--out", "m.skdf"])
    assert "not allowed with argument --fuse" in capsys.readouterr().err


def test_a_model_named_twice_in_a_fusion_is_refused_at_construction():
    with pytest.raises(ValueError, match="models: 'xgb' named more than once"):
        make_fused_detector(["linear", "xgb", "xgb"])


# -- explanations: cost bounded, silence and short files said --------------------------------


def test_occlusion_refuses_a_cost_beyond_its_budget_before_any_work(linear, monkeypatch):
    import skdeepfake.explain._occlusion as occ

    def never(*args, **kwargs):
        raise AssertionError("work started before the cost was checked")

    monkeypatch.setattr(occ, "_Masker", never)
    x = tone(duration=2.0)
    with pytest.raises(ValueError, match="256001 masked versions.*--segments, --bands.*--first"):
        occlusion(linear, x, n_segments=1000, n_bands=256)
    with pytest.raises(ValueError, match="max_samples"):
        occlusion(linear, x, n_segments=20, n_bands=16, max_samples=10**6)


def test_occlusion_names_a_sample_rate_out_of_bounds(linear):
    with pytest.raises(ValueError, match="'sr' parameter of occlusion must be an int in the range"):
        occlusion(linear, tone(duration=1.0), sr=10**9)


def test_explain_says_when_a_recording_is_silent_or_too_short(linear, tmp_path, capsys):
    model = str(_saved(linear, tmp_path))
    silent = write_audio(tmp_path / "silent.wav", np.zeros(SR, np.float32))
    code = main(
        ["explain", str(silent), "--model", model, "--out", str(tmp_path / "m.png"), "--segments", "4"]
    )
    assert code == 0
    assert "silent.wav: digital silence" in capsys.readouterr().err
    short = write_audio(tmp_path / "short.wav", np.array([0.1, -0.1], np.float32))
    code = main(["explain", str(short), "--model", model, "--out", str(tmp_path / "m.png")])
    err = capsys.readouterr().err
    assert code == 2
    assert "short.wav: too short to explain" in err
    assert "X[0]" not in err


def test_explain_first_explains_an_excerpt(linear, tmp_path, capsys):
    model = str(_saved(linear, tmp_path))
    long = write_audio(tmp_path / "long.wav", tone(duration=3.0))
    out = tmp_path / "m.png"
    assert (
        main(["explain", str(long), "--model", model, "--out", str(out), "--first", "1", "--segments", "4"])
        == 0
    )
    import json

    record = json.loads(out.with_suffix(".json").read_text())
    assert max(cell["end_s"] for cell in record["cells"]) == pytest.approx(1.0, abs=0.01)


# -- vocoded copies of recordings that cannot make one ---------------------------------------


def test_vocoded_copies_leave_out_recordings_that_cannot_make_a_copy():
    rng = np.random.default_rng(0)
    speechlike = rng.standard_normal(SR).astype(np.float32) * 0.1
    X = [
        speechlike,
        np.zeros(SR, np.float32),
        np.full(SR, 0.3, np.float32),
        np.array([0.1], np.float32),
        np.full(SR, 3e38, np.float32),
        speechlike.copy(),
    ]
    y = [0, 0, 0, 0, 0, 1]
    with pytest.warns(UserWarning, match="left out 4 copy\\(ies\\).*first: recording 1: digital silence"):
        X_out, y_out = VocodedCopies([GriffinLimVocoder(n_iter=2), LPCVocoder()]).fit_resample(X, y)
    assert len(X_out) == 8
    assert y_out.tolist() == [0, 0, 0, 0, 0, 1, 1, 1]
    for copy in X_out[6:]:
        assert np.isfinite(copy).all()
        assert np.abs(copy).max() < 10


def test_vocoded_copies_of_good_recordings_warn_nothing():
    rng = np.random.default_rng(1)
    X = [rng.standard_normal(SR).astype(np.float32) * 0.1 for _ in range(3)]
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        X_out, _ = VocodedCopies([LPCVocoder()]).fit_resample(X, [0, 0, 1])
    assert len(X_out) == 5


def test_a_manifest_that_is_not_a_file_is_named_not_ignored(tmp_path, speech):
    root = _corpus(tmp_path / "c", speech, bad=False)
    (root / "manifest.csv").symlink_to("/dev/zero")
    with pytest.raises(ValueError, match="manifest.csv: is not a regular file"):
        load_audio_folder(root)
