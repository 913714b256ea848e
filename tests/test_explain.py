"""Explanations find what was planted: a narrow-band marker in one time-frequency cell of the fakes."""

import matplotlib

matplotlib.use("Agg")

import numpy as np
import pytest
import scipy.signal
import scipy.stats

from skdeepfake.explain import (
    FeatureImportanceDisplay,
    RelevanceDisplay,
    deletion_curve,
    feature_importance,
    gradient_map,
    occlusion,
)
from skdeepfake.pipelines import make_cnn_pipeline, make_linear_pipeline, make_xgb_pipeline

SR = 16000
# The marker: band-limited noise at 5-6 kHz from 0.5 to 1.0 s, the cell (band 5, segment 1) of
# an 8 x 4 grid of a 2-s recording (1-kHz bands, 0.5-s segments).
BAND, SEGMENT, GRID = 5, 1, {"n_bands": 8, "n_segments": 4}


def _marker(n, rng):
    sos = scipy.signal.butter(8, [5100, 5900], btype="band", fs=SR, output="sos")
    burst = scipy.signal.sosfilt(sos, rng.normal(size=n)).astype(np.float32)
    envelope = np.zeros(n, np.float32)
    envelope[int(0.55 * SR) : int(0.95 * SR)] = 1.0
    return 0.05 * burst / np.abs(burst).max() * envelope


@pytest.fixture(scope="module")
def planted(speech):
    """Real clips, and fakes that are the same kind of clips plus the marker."""
    rng = np.random.default_rng(0)
    real = np.asarray(speech.data[speech.target == 0][:60], np.float32)
    fake = np.asarray(speech.data[speech.target == 0][60:120], np.float32) + np.stack(
        [_marker(2 * SR, rng) for _ in range(60)]
    )
    X = np.concatenate([real[:50], fake[:50]])
    y = np.r_[np.zeros(50), np.ones(50)].astype(int)
    return (
        X,
        y,
        fake[50:],
        np.concatenate([real[50:], fake[50:]]),
        np.r_[np.zeros(10), np.ones(10)].astype(int),
    )


def _near_the_marker(relevance):
    band, segment = np.unravel_index(np.argmax(relevance), relevance.shape)
    return abs(band - BAND) <= 1 and abs(segment - SEGMENT) <= 1


@pytest.fixture(scope="module")
def linear(planted):
    X, y, *_ = planted
    return make_linear_pipeline().fit(X, y)


@pytest.fixture(scope="module")
def cnn(planted):
    X, y, *_ = planted
    return make_cnn_pipeline(
        filters=(8, 8, 8), dense_units=16, epochs=15, learning_rate=1e-3, random_state=0
    ).fit(X, y)


def test_occlusion_of_a_pooled_linear_detector_finds_the_marker(linear, planted):
    for x in planted[2][:3]:
        result = occlusion(linear, x, **GRID)
        assert result.relevance.shape == (8, 4)
        assert result.score > 0.5
        assert _near_the_marker(result.relevance), np.round(result.relevance, 3)
        np.testing.assert_allclose(result.frequencies, np.linspace(0, 8000, 9))
        np.testing.assert_allclose(result.times, np.linspace(0, 2, 5))


def test_occlusion_of_a_windowed_xgboost_finds_the_marker(planted):
    X, y, fakes, *_ = planted
    windowed = make_xgb_pipeline(n_estimators=50, whole_recording=True, duration=1.0, random_state=0).fit(
        X, y
    )
    result = occlusion(windowed, fakes[0], **GRID)
    assert _near_the_marker(result.relevance), np.round(result.relevance, 3)


def test_occlusion_of_the_cnn_finds_the_marker_and_noise_masks_too(cnn, planted):
    x = planted[2][0]
    assert _near_the_marker(occlusion(cnn, x, **GRID).relevance)
    assert _near_the_marker(occlusion(cnn, x, target="logit", **GRID).relevance)


@pytest.mark.parametrize("mask", ["noise", "attenuate"])
def test_occlusion_does_not_depend_on_threads_or_batches(linear, planted, mask):
    x = planted[2][1]
    # The masked waveforms are the same; the detector's float32 features of a
    # batch may differ in the last bit with the batch's composition (BLAS
    # blocking), so scores (~0.5) agree to a few float32 ulps.
    same = {"rtol": 0, "atol": 1e-6}
    one = occlusion(linear, x, mask=mask, **GRID)
    for n_jobs, batch_size in [(2, None), (2, 3), (None, 5)]:
        other = occlusion(linear, x, mask=mask, n_jobs=n_jobs, batch_size=batch_size, **GRID)
        np.testing.assert_allclose(other.relevance, one.relevance, **same)
    curve = deletion_curve(linear, x, one, n_random=2, mask=mask)
    threaded = deletion_curve(linear, x, one, n_random=2, mask=mask, n_jobs=2)
    np.testing.assert_allclose(threaded.by_relevance, curve.by_relevance, **same)
    np.testing.assert_allclose(threaded.at_random, curve.at_random, **same)
    reseeded = occlusion(linear, x, mask=mask, random_state=1, **GRID).relevance
    assert np.allclose(reseeded, one.relevance, **same) == (mask == "attenuate")  # only noise is random


def test_a_masked_cell_is_the_inverse_of_the_masked_stft():
    from skdeepfake.explain._occlusion import _istft, _Masker

    x = np.random.default_rng(0).standard_normal(SR).astype(np.float32)
    masker = _Masker(x, SR, 8, 4, "attenuate", 60.0)
    S = masker.S.copy()
    rows, cols = masker.band_of == 5, masker.segment_of == 1
    S[np.ix_(rows, cols)] *= 1e-3
    np.testing.assert_allclose(masker.cell(5, 1, 0), _istft(S, SR), atol=1e-5)


def test_the_deletion_curve_falls_faster_than_random_order(linear, planted):
    x = planted[2][0]
    result = occlusion(linear, x, **GRID)
    curve = deletion_curve(linear, x, result, n_random=5)
    assert curve.by_relevance[0] == pytest.approx(result.score, abs=1e-6)
    assert curve.auc_relevance < curve.auc_random
    assert curve.by_relevance[1] < curve.at_random[1]  # the first cell removed matters most


def _cell_contrast(result):
    """Mean relevance in the marker's cell over the map's mean."""
    band = (result.frequencies > 5000) & (result.frequencies < 6000)
    when = (result.times > 0.5) & (result.times < 1.0)
    return result.relevance[np.ix_(band, when)].mean() / abs(result.relevance.mean())


@pytest.mark.parametrize("method", ["hirescam", "input_x_gradient"])
def test_gradient_maps_point_at_the_marker_and_a_random_network_does_not_agree(cnn, planted, method):
    x = planted[2][0]
    trained = gradient_map(cnn, x, method=method)
    assert trained.relevance.shape == (128, 63)
    assert trained.times[1] == pytest.approx(512 / SR)
    assert _cell_contrast(trained) > 5, _cell_contrast(trained)
    # Adebayo et al. (2018): re-initialised weights must change the map
    network = cnn.named_steps["model"].model_
    saved = [w.copy() for w in network.get_weights()]
    rng = np.random.default_rng(0)
    try:
        network.set_weights([rng.normal(0, 0.1, size=w.shape).astype(w.dtype) for w in saved])
        random = gradient_map(cnn, x, method=method)
        rho = scipy.stats.spearmanr(trained.relevance.ravel(), random.relevance.ravel())[0]
        assert rho < 0.5, rho
    finally:
        network.set_weights(saved)
    assert gradient_map(cnn, x, method=method).relevance == pytest.approx(trained.relevance)


def test_gradcam_is_offered_with_the_same_axes(cnn, planted):
    result = gradient_map(cnn, planted[2][0], method="gradcam")
    assert result.relevance.shape == (128, 63)
    assert (result.relevance >= 0).all()
    assert result.frequencies[0] < result.frequencies[-1] <= SR / 2


def test_gradient_maps_of_the_dnn_and_lcnn_name_their_rows(speech):
    from skdeepfake.pipelines import make_detector

    X, y = speech.data[:16], speech.target[:16]
    dnn = make_detector("dnn", epochs=1, random_state=0).fit(X, y)
    result = gradient_map(dnn, X[0])
    assert result.relevance.shape == (len(result.rows),)
    assert result.rows[0] == "mfcc_00_mean"
    lcnn = make_detector("lcnn", epochs=1, random_state=0).fit(X, y)
    result = gradient_map(lcnn, X[0], method="hirescam")
    assert result.rows[:2] == ["lfcc_00", "lfcc_01"]
    assert result.frequencies is None
    assert result.relevance.shape == (60, len(result.times))
    with pytest.raises(ValueError, match="gradcam needs a network with a 2-D feature map"):
        gradient_map(dnn, X[0], method="gradcam")


def test_grouped_importance_of_a_pooled_detector(planted):
    X, y, _, X_test, y_test = planted
    union = make_linear_pipeline(features="lfcc+cqcc+subbands+mfcc").fit(X, y)
    result = feature_importance(union, X_test, y_test, by="family", n_repeats=3)
    assert set(result.importances["group"]) >= {"lfcc", "cqcc", "band", "mfcc"}
    assert result.importances["mean"].iloc[0] == result.importances["mean"].max()
    assert result.raw.shape == (len(result.importances), 3)


def test_the_displays_draw(linear, planted):
    x = planted[2][0]
    display = RelevanceDisplay.from_estimator(linear, x, **GRID)
    assert display.colorbar_.ax.get_ylabel() == "drop of P(fake) when masked"
    table = feature_importance(linear, planted[3], planted[4], by="family", n_repeats=2).importances
    assert len(FeatureImportanceDisplay.from_importances(table).ax_.patches) == len(table)


def test_bad_inputs_are_named(linear):
    with pytest.raises(ValueError, match="x must be one recording"):
        occlusion(linear, np.zeros((2, 100)))
    with pytest.raises(ValueError, match="gradient_map explains the Keras detectors"):
        gradient_map(linear, np.zeros(32000, np.float32))


def test_cli_explain_writes_the_map_and_its_cells(linear, planted, tmp_path, capsys):
    import json

    from skdeepfake.cli import main
    from skdeepfake.persistence import save_model

    from .conftest import write_audio

    save_model(linear, tmp_path / "linear.skdf")
    write_audio(tmp_path / "fake.wav", planted[2][0])
    args = ["explain", "--model", str(tmp_path / "linear.skdf"), str(tmp_path / "fake.wav")]
    assert main([*args, "--out", str(tmp_path / "map.png"), "--bands", "8", "--segments", "4"]) == 0
    assert (tmp_path / "map.png").read_bytes()[:4] == b"\x89PNG"
    record = json.loads((tmp_path / "map.json").read_text())
    assert len(record["cells"]) == 32
    assert record["grid"] == {"n_bands": 8, "n_segments": 4}
    top = record["cells"][0]
    assert top["low_hz"] >= 4000
    assert top["high_hz"] <= 7000
    assert top["start_s"] <= 1.0 < top["end_s"] + 0.5
    assert "masking it lowers the score" in capsys.readouterr().out
    assert main([*args, "--out", str(tmp_path / "missing" / "map.png")]) == 2
    assert "is not a folder" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        main([*args, "--out", str(tmp_path / "m.png"), "--bands", "0"])


def test_gradient_maps_do_not_flip_with_the_label_names(planted):
    """The network's sigmoid is P(classes_[1]): with "fake" sorting first the map must not change sign.

    Two networks trained on the same data with the labels named two ways learn the same evidence;
    before the sign was taken from the spoofed label, their maps correlated at -0.4.
    """
    real, fake = "real", "fake"
    from skdeepfake.pipelines import make_detector

    X, y, fakes, *_ = planted
    params = dict(epochs=20, learning_rate=1e-3, random_state=0)
    numeric = make_detector("dnn", **params).fit(X, y)
    named = make_detector("dnn", **params).fit(X, np.where(y == 1, fake, real))
    a, b = gradient_map(numeric, fakes[0]), gradient_map(named, fakes[0])
    assert b.p_fake == pytest.approx(a.p_fake, abs=0.2)
    rho = scipy.stats.pearsonr(a.relevance, b.relevance)[0]
    assert rho > 0.2, f"maps of the same evidence correlate at {rho:.2f}"
