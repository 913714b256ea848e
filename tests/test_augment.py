import numpy as np
import pytest

from skdeepfake.augment import (
    AddNoise,
    BandLimit,
    Gain,
    Reencode,
    Resample,
    TimeShift,
    augment,
    reencoding_formats,
)
from skdeepfake.persistence import load_model, save_model
from skdeepfake.pipelines import make_cnn_pipeline

SR = 16000


def spectrum_energy_above(y, hz):
    spec = np.abs(np.fft.rfft(y)) ** 2
    freqs = np.fft.rfftfreq(len(y), 1 / SR)
    return spec[freqs > hz].sum() / spec.sum()


@pytest.fixture
def clip(speech):
    return np.asarray(speech.data[0], dtype=np.float64)


def test_add_noise_hits_the_snr(clip):
    rng = np.random.RandomState(0)
    noisy = AddNoise(snr_db=15)(clip, SR, rng)
    snr = 10 * np.log10(np.mean(clip**2) / np.mean((noisy - clip) ** 2))
    assert snr == pytest.approx(15, abs=0.1)


def test_gain_scales_and_clips(clip):
    rng = np.random.RandomState(0)
    np.testing.assert_allclose(Gain(db=-6.0206)(clip, SR, rng), clip / 2, rtol=1e-4)
    assert np.abs(Gain(db=40)(clip, SR, rng)).max() <= 1.0


def test_time_shift_is_a_rotation(clip):
    shifted = TimeShift(max_seconds=0.5)(clip, SR, np.random.RandomState(3))
    assert sorted(shifted.tolist()) == sorted(clip.tolist())
    assert not np.array_equal(shifted, clip)


def test_band_limit_removes_high_frequencies(clip):
    noisy = clip + 0.05 * np.random.RandomState(0).standard_normal(len(clip))
    limited = BandLimit(cutoff_hz=3000)(noisy, SR, np.random.RandomState(0))
    assert spectrum_energy_above(limited, 4000) < 0.05 * spectrum_energy_above(noisy, 4000)


def test_resample_round_trip_keeps_length_and_loses_the_top(clip):
    noisy = clip + 0.05 * np.random.RandomState(0).standard_normal(len(clip))
    out = Resample(rates=(8000,))(noisy, SR, np.random.RandomState(0))
    assert out.shape == clip.shape
    assert spectrum_energy_above(out, 4200) < 0.01 * spectrum_energy_above(noisy, 4200) + 1e-6


@pytest.mark.parametrize("fmt", ["mp3", "ogg"])
def test_reencode(clip, fmt):
    if fmt not in reencoding_formats():
        with pytest.raises(ValueError, match="cannot encode"):
            Reencode(fmt)(clip, SR, np.random.RandomState(0))
        return
    out = Reencode(fmt, quality=0.5)(clip, SR, np.random.RandomState(0))
    assert out.shape == clip.shape and np.isfinite(out).all()
    assert not np.allclose(out, clip)
    assert np.corrcoef(out, clip)[0, 1] > 0.5  # lossy, but the same sound


def test_augment_is_reproducible_and_keeps_labels(speech):
    X, y = np.asarray(speech.data[:6]), speech.target[:6]
    augs = [AddNoise(), Gain(), TimeShift(0.1), BandLimit()]
    a_X, a_y = augment(X, y, augs, n_copies=2, random_state=0)
    b_X, _ = augment(X, y, augs, n_copies=2, random_state=0)
    assert a_X.shape == (18, X.shape[1]) and a_X.dtype == np.float32
    np.testing.assert_array_equal(a_X, b_X)
    np.testing.assert_array_equal(a_X[:6], X)
    assert a_y.tolist() == y.tolist() * 3
    only, only_y = augment(list(X), y, augs, include_original=False, random_state=1)
    assert isinstance(only, list) and len(only) == 6 and only_y.tolist() == y.tolist()


def test_augment_rejects_paths_and_mismatched_labels(speech):
    with pytest.raises(ValueError, match="load the files"):
        augment(["a.wav"], [0], [Gain()])
    with pytest.raises(ValueError, match="different lengths"):
        augment(np.asarray(speech.data[:3]), [0, 1], [Gain()])


def test_spec_augment_is_training_only_and_saves_safely(speech, tmp_path):
    from skdeepfake.models.cnn import SpecAugment

    x = np.random.default_rng(0).normal(size=(4, 64, 63, 1)).astype(np.float32)
    layer = SpecAugment(seed=0)
    masked = np.asarray(layer(x, training=True))
    assert 0 < (masked == 0).mean() < 0.5
    np.testing.assert_array_equal(np.asarray(layer(x, training=False)), x)

    X, y = np.asarray(speech.data[:24]), speech.target[:24]
    pipe = make_cnn_pipeline(spec_augment=True, filters=(4, 4, 4, 4), dense_units=8, epochs=1,
                             random_state=0).fit(X, y)
    # No masks at inference: the network's output equals the model without its SpecAugment layer.
    model = pipe.named_steps["model"]
    inputs = model.feature_encoder_.transform(pipe[:-1].transform(X))
    without = model.model_.layers[1:]
    out = inputs
    for layer in without:
        out = layer(out, training=False)
    np.testing.assert_allclose(pipe.predict_proba(X)[:, 1], np.asarray(out)[:, 0], atol=1e-6)
    save_model(pipe, tmp_path / "m.skdf")
    np.testing.assert_array_equal(load_model(tmp_path / "m.skdf").predict_proba(X), pipe.predict_proba(X))
