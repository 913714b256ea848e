"""One-class softmax (Zhang, Jiang and Duan, 2021) as the networks' ``objective``."""

import numpy as np
import pytest

from skdeepfake.labels import spoof_scores
from skdeepfake.metrics import equal_error_rate
from skdeepfake.models import DNNClassifier, RawNet2Classifier
from skdeepfake.models._ocsoftmax import OCSoftmax, OCSoftmaxLoss, keras
from skdeepfake.persistence import load_model, save_model


def _paper_loss(cosine, spoof, alpha=20.0, m_real=0.9, m_fake=0.2):
    """The paper's equation, in numpy: mean of log(1 + exp(alpha (m_y - s)(-1)^y)), y = 1 for spoofed."""
    m = np.where(spoof, m_fake, m_real)
    return np.mean(np.log1p(np.exp(alpha * (m - cosine) * np.where(spoof, -1.0, 1.0))))


@pytest.mark.parametrize("fake_column", [0, 1])
def test_the_head_and_loss_compute_the_papers_score_and_loss(fake_column):
    rng = np.random.default_rng(0)
    x = rng.normal(size=(12, 5)).astype(np.float32)
    head = OCSoftmax(fake_column=fake_column, seed=0)
    out = keras.ops.convert_to_numpy(head(x))[:, 0]
    w = keras.ops.convert_to_numpy(head.direction)[:, 0]
    cosine = x @ w / np.linalg.norm(x, axis=1) / np.linalg.norm(w)
    p_fake = out if fake_column == 1 else 1 - out
    np.testing.assert_allclose(p_fake, (1 - cosine) / 2, atol=1e-6)
    spoof = rng.random(12) < 0.5
    y_true = np.where(spoof, fake_column, 1 - fake_column).astype(np.float32)[:, None]
    loss = float(keras.ops.convert_to_numpy(OCSoftmaxLoss(fake_column)(y_true, out[:, None])))
    np.testing.assert_allclose(loss, _paper_loss(cosine, spoof), rtol=1e-5)


def _separable(n=60, d=8, seed=0):
    rng = np.random.default_rng(seed)
    y = np.r_[np.zeros(n // 2), np.ones(n // 2)].astype(int)
    X = rng.normal(size=(n, d)).astype(np.float32)
    X[:, 0] += 3 * (2 * y - 1)
    return X, y


def test_a_dnn_trained_with_it_separates_and_does_not_flip_with_the_label_names(tmp_path):
    X, y = _separable()
    p_fake = {}
    for names in ([0, 1], ["real", "fake"], ["bonafide", "spoof"]):
        labels = np.asarray(names)[y]
        model = DNNClassifier(objective="oc-softmax", epochs=30, learning_rate=1e-2, random_state=0)
        model.fit(X, labels)
        p_fake[str(names)] = spoof_scores(model, X)[0]
    eer = equal_error_rate(y, p_fake["[0, 1]"])[0]
    assert eer < 0.1, eer
    # the column of "fake" holds (1 - cos)/2 whichever way the names sort: the same scores
    np.testing.assert_allclose(p_fake["['real', 'fake']"], p_fake["[0, 1]"], atol=1e-5)
    np.testing.assert_allclose(p_fake["['bonafide', 'spoof']"], p_fake["[0, 1]"], atol=1e-5)
    save_model(model, tmp_path / "oc.skdf")
    loaded = load_model(tmp_path / "oc.skdf")
    np.testing.assert_array_equal(loaded.predict_proba(X), model.predict_proba(X))
    assert loaded.objective == "oc-softmax"
    assert (
        loaded.model_.get_layer("oc_softmax").fake_column == model.model_.get_layer("oc_softmax").fake_column
    )


def test_a_waveform_network_takes_the_head_in_place_of_its_logits():
    rng = np.random.default_rng(0)
    X = rng.normal(scale=0.1, size=(8, 3300)).astype(np.float32)
    model = RawNet2Classifier(
        gru_units=8, gru_layers=1, fc_units=8, epochs=1, objective="oc-softmax", random_state=0
    ).fit(X, np.array([0, 1] * 4))
    names = [layer.name for layer in model.model_.layers]
    assert names[-1] == "oc_softmax"
    assert "logits" not in names
    proba = model.predict_proba(X)
    assert proba.shape == (8, 2)
    np.testing.assert_allclose(proba.sum(axis=1), 1.0, atol=1e-6)


def test_an_unknown_objective_is_refused_naming_it():
    X, y = _separable(n=10)
    with pytest.raises(ValueError, match="objective"):
        DNNClassifier(objective="hinge", epochs=1).fit(X, y)
