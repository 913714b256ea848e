import numpy as np
import pytest

from skdeepfake.datasets import (
    load_audio_folder,
    load_for,
    load_for_combined,
    make_synthetic_speech,
)

from .conftest import write_audio


def test_synthetic_shape_labels_and_determinism():
    a = make_synthetic_speech(n_samples=8, duration=0.5, sr=8000, random_state=1)
    b = make_synthetic_speech(n_samples=8, duration=0.5, sr=8000, random_state=1)
    assert a.data.shape == (8, 4000)
    assert a.data.dtype == np.float32
    assert a.target.tolist() == [0, 1] * 4
    assert a.target_names.tolist() == ["real", "fake"]
    np.testing.assert_array_equal(a.data, b.data)
    c = make_synthetic_speech(n_samples=8, duration=0.5, sr=8000, random_state=2)
    assert not np.array_equal(a.data, c.data)
    assert "vocoder" in a.DESCR


def test_synthetic_weights_and_bounds():
    d = make_synthetic_speech(n_samples=10, duration=0.3, weights=0.3, random_state=0)
    assert d.target.sum() == 3
    assert np.isfinite(d.data).all()
    assert np.abs(d.data).max() <= 1.0


def test_synthetic_classes_are_not_separated_by_level(speech):
    from sklearn.metrics import roc_auc_score

    rms = np.sqrt((np.asarray(speech.data) ** 2).mean(axis=1))
    assert 0.3 < roc_auc_score(speech.target, rms) < 0.7


@pytest.mark.parametrize(
    "kwargs, message",
    [
        (dict(n_samples=0), "n_samples"),
        (dict(duration=0), "duration"),
        (dict(sr=100), "sr"),
        (dict(weights=1.5), "weights"),
    ],
)
def test_synthetic_bad_arguments(kwargs, message):
    with pytest.raises(ValueError, match=message):
        make_synthetic_speech(**kwargs)


def test_audio_folder_lists_files_at_any_depth(audio_tree, speech):
    data = load_audio_folder(audio_tree)
    assert len(data.filenames) == 20
    assert data.skipped == []
    names = [f.split("/")[-1] for f in data.filenames]
    expected = {f"clip_{i:02d}.wav": t for i, t in enumerate(speech.target[:20])}
    assert [expected[n] for n in names] == data.target.tolist()
    assert any("/sub/" in f for f in data.filenames)


def test_audio_folder_reports_unreadable_files(audio_tree):
    (audio_tree / "fake" / "broken.wav").write_bytes(b"not a wav at all")
    write_audio(audio_tree / "real" / "empty.wav", np.zeros(0, np.float32))
    (audio_tree / "real" / ".DS_Store").write_bytes(b"\x00")
    with pytest.warns(UserWarning, match="skipped 2 unusable file"):
        data = load_audio_folder(audio_tree)
    reasons = dict(data.skipped)
    assert len(data.filenames) == 20
    assert "cannot be decoded" in reasons[str(audio_tree / "fake" / "broken.wav")]
    assert "no audio samples" in reasons[str(audio_tree / "real" / "empty.wav")]
    assert "2 skipped" in data.DESCR


def test_audio_folder_errors_name_the_folder(tmp_path):
    with pytest.raises(FileNotFoundError, match="no such folder"):
        load_audio_folder(tmp_path / "missing")
    (tmp_path / "real").mkdir()
    with pytest.raises(FileNotFoundError, match="expected a 'fake/' folder"):
        load_audio_folder(tmp_path)


def _for_tree(root, version_dir, splits=("training", "validation", "testing"), n=2):
    for split in splits:
        for label in ("real", "fake"):
            for i in range(n):
                write_audio(
                    root / version_dir / split / label / f"{label}_{i}.wav",
                    np.full(1600, 0.1 * (i + 1), np.float32),
                )


@pytest.mark.parametrize(
    "folder, version",
    [
        ("for-norm", "for-norm"),
        ("for-2seconds", "for-2sec"),
        ("for-2sec", "for-2seconds"),
        ("for-rerecording", "for-rerec"),
        ("for-original", "for-original"),
        ("for-norm/for-norm", "for-norm"),
    ],
)
def test_for_versions_and_archive_names(tmp_path, folder, version):
    _for_tree(tmp_path, folder)
    for split, alias in [("training", "train"), ("validation", "val"), ("testing", "test")]:
        data = load_for(tmp_path, version=version, split=alias)
        assert data.split == split
        assert sorted(data.target.tolist()) == [0, 0, 1, 1]
        assert all(f"/{split}/" in f for f in data.filenames)
    assert load_for(tmp_path / folder.split("/")[0], version=version).version.startswith("for-")


def test_for_combined_concatenates_three_versions(tmp_path):
    _for_tree(tmp_path, "for-norm")
    _for_tree(tmp_path, "for-2seconds")
    _for_tree(tmp_path, "for-rerecording")
    _for_tree(tmp_path, "for-original")
    data = load_for_combined(tmp_path, split="testing")
    assert len(data.filenames) == 12
    assert sorted(set(data.source)) == ["for-2sec", "for-norm", "for-rerec"]
    assert data.version == "for-combined"
    assert not any("for-original" in f for f in data.filenames)


def test_for_missing_pieces_explain_what_to_download(tmp_path):
    with pytest.raises(FileNotFoundError, match="no FoR 'for-norm' folder.*unpack"):
        load_for(tmp_path, "for-norm")
    _for_tree(tmp_path, "for-norm", splits=("training",))
    with pytest.raises(FileNotFoundError, match="no 'testing' folder"):
        load_for(tmp_path, "for-norm", "testing")
    with pytest.raises(ValueError, match="Unknown FoR version 'for-3sec'"):
        load_for(tmp_path, "for-3sec")
    with pytest.raises(ValueError, match="Unknown FoR split 'dev2'"):
        load_for(tmp_path, "for-norm", "dev2")


def test_for_reports_unreadable_files(tmp_path):
    _for_tree(tmp_path, "for-norm", splits=("testing",))
    (tmp_path / "for-norm" / "testing" / "fake" / "bad.wav").write_bytes(b"RIFF")
    with pytest.warns(UserWarning, match="skipped 1"):
        data = load_for(tmp_path, "for-norm", "testing")
    assert data.skipped[0][0].endswith("bad.wav")
