"""The detector shipped in the package: it loads safely, scores, and its card tells the truth about the file."""

import hashlib
import json
import subprocess
import sys

import numpy as np
import pytest
from sklearn.base import clone

from skdeepfake import pretrained
from skdeepfake.cli import main
from skdeepfake.pretrained import MODEL_CARD, MODEL_FILE, detector_pipeline, load_detector

from .conftest import write_audio


@pytest.fixture(scope="module")
def detector():
    return load_detector()


def test_the_shipped_detector_is_a_fitted_two_class_detector(detector, speech):
    assert detector.classes_.tolist() == [0, 1]
    proba = detector.predict_proba(speech.data[:6])
    assert proba.shape == (6, 2)
    assert np.all(np.isfinite(proba))
    np.testing.assert_allclose(proba.sum(axis=1), 1, rtol=1e-6)
    # whole recordings of any length, as a pooled detector takes them
    assert detector.predict_proba([speech.data[0][:8000], np.tile(speech.data[1], 3)]).shape == (2, 2)


def test_it_is_the_documented_configuration(detector):
    shipped, documented = clone(detector).get_params(), detector_pipeline().get_params()
    assert shipped.keys() == documented.keys()
    for name in shipped:
        assert repr(shipped[name]) == repr(documented[name]), name


def test_the_card_names_the_file_it_describes():
    card = MODEL_CARD.read_text(encoding="utf-8")
    data = MODEL_FILE.read_bytes()
    assert hashlib.sha256(data).hexdigest() in card
    assert f"{len(data):,} bytes" in card
    for section in ("## Training data", "## How well it does", "## Intended use", "## Limits"):
        assert section in card
    # every corpus it was trained on, with its licence
    for licence in ("CC-BY 4.0", "CC0 1.0", "BSD-3-Clause", "Apache-2.0", "MIT", "EUPL-1.2", "public domain"):
        assert licence in card


def test_a_missing_file_is_named(monkeypatch, tmp_path):
    monkeypatch.setattr(pretrained, "MODEL_FILE", tmp_path / "detector.skdf")
    with pytest.raises(FileNotFoundError, match="pretrained detector is missing"):
        load_detector()


def test_its_package_and_card_import_no_tensorflow():
    """The detector is a network (it needs TensorFlow to load), but naming and checking it does not."""
    code = (
        "import sys; from skdeepfake.pretrained import model_file_digest, detector_files; "
        "model_file_digest(); detector_files(); print('tensorflow' in sys.modules)"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "False"


def test_it_is_aasist_l_held_fixed_and_calibrated_on_sources_weighed_alike(detector):
    """The documented recipe: the published network unchanged, a calibration that found evidence, a domain."""
    from sklearn.frozen import FrozenEstimator

    from skdeepfake.calibration import AbstainingDetector
    from skdeepfake.features import LFCC, LinearSubbands

    model = detector[-1]
    assert isinstance(model, AbstainingDetector), model
    assert model.balance == "groups", model.balance
    assert isinstance(model.estimator_, FrozenEstimator)
    parts = [type(step) for _, step in model.domain_transformer_.transformer_list]
    assert parts == [LFCC, LinearSubbands]
    published = load_detector("aasist-l")
    x = np.random.default_rng(0).normal(scale=0.1, size=(2, 64600)).astype(np.float32)
    np.testing.assert_allclose(model.estimator_.predict_proba(x), published[-1].predict_proba(x), rtol=1e-5)
    a, b = model.calibration_
    assert a > 0, "a calibration slope of 0 would make every verdict 'uncertain'"
    assert np.isfinite(model.ood_threshold_)


def test_predict_and_explain_without_a_model_use_it_and_say_so(speech, tmp_path, capsys, detector):
    path = write_audio(tmp_path / "clip.wav", speech.data[3])
    assert main(["predict", str(path)]) == 0
    captured = capsys.readouterr()
    header, row = captured.out.strip().splitlines()
    assert header.split("\t") == ["file", "p_fake", "label", "reason"]
    expected = detector.predict_proba([str(path)])[0, 1]
    assert float(row.split("\t")[1]) == pytest.approx(expected, abs=1e-4)
    assert "pretrained detector (detector.skdf)" in captured.err
    assert "MODEL_CARD.md" in captured.err
    out = tmp_path / "map.png"
    assert main(["explain", str(path), "--out", str(out), "--segments", "4", "--bands", "4"]) == 0
    assert "pretrained detector" in capsys.readouterr().err
    assert json.loads(out.with_suffix(".json").read_text())["model"] == "pretrained"


def test_the_card_is_the_one_source_of_the_files_digest():
    size, sha256 = pretrained.model_file_digest()
    data = MODEL_FILE.read_bytes()
    assert (size, sha256) == (len(data), hashlib.sha256(data).hexdigest())


@pytest.mark.parametrize("change", ["appended", "replaced"])
def test_an_altered_shipped_file_is_refused_before_loading(change, monkeypatch, tmp_path, capsys):
    from skdeepfake.persistence import ModelFileError

    data = MODEL_FILE.read_bytes()
    altered = tmp_path / "detector.skdf"
    # appended: same archive plus a byte (the size differs); replaced: same size, one byte changed
    altered.write_bytes(data + b"\0" if change == "appended" else data[:-1] + bytes([data[-1] ^ 1]))
    monkeypatch.setattr(pretrained, "MODEL_FILE", altered)
    message = "holds .* bytes, but its model card says" if change == "appended" else "its SHA-256 is"
    with pytest.raises(ModelFileError, match=f"{message}.*replaced or altered"):
        load_detector()
    assert main(["predict", str(write_audio(tmp_path / "a.wav", np.zeros(16000) + 0.1))]) == 2
    assert "replaced or altered" in capsys.readouterr().err
