import hashlib
import io
import json
import random
import zipfile

import numpy as np
import pytest
import scipy.signal
from audiomentations import AddGaussianSNR, Compose, Gain
from sklearn.base import clone
from sklearn.model_selection import GridSearchCV, StratifiedKFold

from skdeepfake.augment import (
    Augmenter,
    CodecRoundTrip,
    RawBoost,
    codec_formats,
    make_augmentation,
)
from skdeepfake.cli import main
from skdeepfake.persistence import ModelFileError, load_model, save_model
from skdeepfake.pipelines import make_cnn_pipeline, make_detector

SR = 16000


@pytest.fixture
def clip(speech):
    return np.asarray(speech.data[0], dtype=np.float32)


def snr_db(clean, noisy):
    clean, noisy = np.asarray(clean, np.float64), np.asarray(noisy, np.float64)
    return 10 * np.log10(np.sum(clean**2) / np.sum((noisy - clean) ** 2))


# -- RawBoost against the paper's equations, on cases whose draws are fixed -------------------

FIXED_BAND = dict(
    n_bands=1,
    min_freq=1000.0,
    max_freq=1000.0,
    min_bandwidth=400.0,
    max_bandwidth=400.0,
    min_coeff=31,
    max_coeff=31,
)


def band_pass(gain_db=0.0):
    """The one filter FIXED_BAND allows, by hand: 31 Hamming taps, 800-1200 Hz, peak = gain.

    scipy's firwin with two cut-offs and its default ``pass_zero=True`` is a
    band-stop: the authors' code calls the cascade "notch" filters.
    """
    b = scipy.signal.firwin(31, [800.0, 1200.0], window="hamming", fs=SR)
    _, h = scipy.signal.freqz(b, 1, fs=SR)
    return 10 ** (gain_db / 20) * b / np.abs(h).max()


def fir(x, b):
    n = len(b) + 1  # the delay of half the filter removed
    return scipy.signal.lfilter(b, 1, np.pad(x, (0, n)))[n // 2 : n // 2 + len(x)]


def test_rawboost_lnl_linear_is_the_band_pass_filter(clip):
    out = RawBoost("lnl", n_orders=1, **FIXED_BAND)(clip, SR)
    expected = fir(clip.astype(np.float64), band_pass())
    expected -= expected.mean()
    np.testing.assert_allclose(out, expected, atol=1e-6)


def test_rawboost_lnl_second_order_is_attenuated_by_the_bias(clip):
    x = clip.astype(np.float64)
    out = RawBoost("lnl", n_orders=2, min_bias_db=6.0, max_bias_db=6.0, **FIXED_BAND)(clip, SR)
    expected = fir(x, band_pass()) + fir(x**2, band_pass(-6.0))
    expected -= expected.mean()
    if np.abs(expected).max() > 1:
        expected /= np.abs(expected).max()
    np.testing.assert_allclose(out, expected, atol=1e-6)


def test_rawboost_ssi_adds_noise_at_the_drawn_snr(clip):
    sharp = {**FIXED_BAND, "min_coeff": 401, "max_coeff": 401}
    out = RawBoost("ssi", min_snr_db=20.0, max_snr_db=20.0, **sharp)(clip, SR)
    assert snr_db(clip, out) == pytest.approx(20.0, abs=0.01)
    power = np.abs(np.fft.rfft(out.astype(np.float64) - clip)) ** 2  # coloured: notched out
    freqs = np.fft.rfftfreq(len(clip), 1 / SR)
    in_notch = power[(freqs > 900) & (freqs < 1100)].sum() / power.sum()
    assert in_notch < 0.1 * (200 / 8000)  # white noise would put 2.5% there


def test_rawboost_isd_touches_at_most_p_percent_within_the_gain(clip):
    x = np.linspace(-0.3, 0.3, 20000).astype(np.float32)  # 3x its peak stays below 1: no rescaling
    np.random.seed(3)
    out = RawBoost("isd", max_impulse_percent=10.0, impulse_gain=2.0)(x, SR)
    np.random.seed(3)
    n_expected = int(len(x) * np.random.uniform(0, 10.0) / 100)  # the draw of beta, replayed
    changed = np.flatnonzero(out != x)
    assert 0 < len(changed) <= n_expected
    assert np.all(np.abs(out - x)[changed] <= 2.0 * np.abs(x[changed]) + 1e-7)
    assert np.array_equal(RawBoost("isd", impulse_gain=0.0)(x, SR), x)


@pytest.mark.parametrize("algorithm", [1, 2, 3, 4, 5, 6, 7, 8, "lnl||isd"])
def test_rawboost_every_algorithm_keeps_length_and_range(clip, algorithm):
    np.random.seed(0)
    out = RawBoost(algorithm)(clip, SR)
    assert out.shape == clip.shape
    assert out.dtype == np.float32
    assert np.isfinite(out).all()
    assert not np.array_equal(out, clip)


def test_rawboost_rejects_unknown_algorithms():
    with pytest.raises(ValueError, match="choose 1-8"):
        RawBoost(9)
    with pytest.raises(ValueError, match="choose 1-8"):
        RawBoost("lnl+xyz")


# -- codec round trips -----------------------------------------------------------------------------


@pytest.mark.parametrize("codec", ["mp3", "opus", "vorbis"])
def test_codec_round_trip_changes_the_signal_and_keeps_length(clip, codec):
    if codec not in codec_formats():
        with pytest.raises(ValueError, match="cannot encode"):
            CodecRoundTrip(codec)
        return
    out = CodecRoundTrip(codec, bitrate_kbps=32, vorbis_quality=0.5, p=1.0)(clip, SR)
    assert out.shape == clip.shape
    assert out.dtype == np.float32
    assert not np.allclose(out, clip, atol=1e-4)
    assert np.corrcoef(out, clip)[0, 1] > 0.5  # lossy, but the same sound


@pytest.mark.parametrize("codec", ["mp3", "opus"])
def test_codec_bitrate_matters(clip, codec):
    if codec not in codec_formats():
        pytest.skip(f"this libsndfile cannot encode {codec}")
    low = CodecRoundTrip(codec, bitrate_kbps=16, p=1.0)(clip, SR)
    high = CodecRoundTrip(codec, bitrate_kbps=128, p=1.0)(clip, SR)
    assert snr_db(clip, high) > snr_db(clip, low) + 3


def test_opus_at_an_unsupported_rate_is_resampled_and_back(clip):
    if "opus" not in codec_formats():
        pytest.skip("no opus")
    y = clip[:22050]
    assert CodecRoundTrip("opus", p=1.0)(y, 22050).shape == y.shape


def test_codec_rejects_unknown_codecs():
    with pytest.raises(ValueError, match="choose from"):
        CodecRoundTrip("aac")


# -- the sampler -------------------------------------------------------------------------------


def test_augmenter_adds_labelled_copies_and_says_where_each_comes_from(speech):
    X, y = np.asarray(speech.data[:6]), speech.target[:6]
    aug = Augmenter(AddGaussianSNR(min_snr_db=10, max_snr_db=10, p=1.0), n_copies=2, random_state=0)
    X_aug, y_aug = aug.fit_resample(X, y)
    assert X_aug.shape == (18, X.shape[1])
    np.testing.assert_array_equal(aug.sample_indices_, np.tile(np.arange(6), 3))
    np.testing.assert_array_equal(y_aug, y[aug.sample_indices_])
    np.testing.assert_array_equal(X_aug[:6], X)
    for k in range(6, 18):
        assert snr_db(X[aug.sample_indices_[k]], X_aug[k]) == pytest.approx(10, abs=0.2)
    only, _ = Augmenter(Gain(p=1.0), include_original=False, random_state=0).fit_resample(list(X), y)
    assert isinstance(only, list)
    assert len(only) == 6


def test_augmenter_is_reproducible_and_leaves_global_generators_alone(speech):
    X, y = np.asarray(speech.data[:4]), speech.target[:4]
    chain = Compose([AddGaussianSNR(p=0.5), RawBoost(p=0.5)])
    random.seed(7)
    np.random.seed(7)
    before = (random.random(), np.random.rand())
    random.seed(7)
    np.random.seed(7)
    a, _ = Augmenter(chain, random_state=1).fit_resample(X, y)
    b, _ = Augmenter(chain, random_state=1).fit_resample(X, y)
    assert (random.random(), np.random.rand()) == before
    np.testing.assert_array_equal(a, b)
    c, _ = Augmenter(chain, random_state=2).fit_resample(X, y)
    assert not np.array_equal(a[4:], c[4:])


def test_augmenter_keeps_each_copy_at_its_recordings_length():
    from audiomentations import TimeStretch

    X = [np.random.RandomState(0).uniform(-0.5, 0.5, n).astype(np.float32) for n in (8000, 12000)]
    out, _ = Augmenter(TimeStretch(min_rate=0.8, max_rate=0.8, p=1.0), random_state=0).fit_resample(X, [0, 1])
    assert [len(o) for o in out] == [8000, 12000, 8000, 12000]


def test_augmenter_refuses_paths_and_mismatched_labels(speech):
    with pytest.raises(ValueError, match="after the AudioLoader"):
        Augmenter(Gain()).fit_resample(["a.wav", "b.wav"], [0, 1])
    with pytest.raises(ValueError):
        Augmenter(Gain()).fit_resample(np.asarray(speech.data[:3]), [0, 1])
    with pytest.raises(ValueError, match="n_copies"):
        Augmenter(Gain(), n_copies=-1).fit_resample(np.asarray(speech.data[:2]), [0, 1])


# -- leak-freedom by construction --------------------------------------------------------------

SEEN = []


class Spy:
    """An augmentation that records the fingerprint of every clip it is given."""

    p = 1.0

    def __call__(self, samples, sample_rate):
        SEEN.append(fingerprint(samples))
        return samples * 0.5


def fingerprint(clip):
    return hashlib.sha1(np.asarray(clip, np.float32)[:4000].tobytes()).hexdigest()


@pytest.mark.parametrize("whole_recording", ["pooled", "windows"])
def test_cross_validation_never_augments_a_test_recording(speech, whole_recording):
    X, y = np.asarray(speech.data[:40]), speech.target[:40]
    prints = np.array([fingerprint(c) for c in X])
    detector = make_detector(
        "linear", features="lfcc", whole_recording=whole_recording, augment=Augmenter(Spy(), random_state=0)
    )
    for train, test in StratifiedKFold(4, shuffle=True, random_state=0).split(X, y):
        SEEN.clear()
        fitted = clone(detector).fit(X[train], y[train])
        assert SEEN, "the augmentation was never called"
        if whole_recording == "pooled":
            assert set(SEEN) == set(prints[train])
        assert not set(SEEN) & set(prints[test])
        SEEN.clear()
        fitted.predict_proba(X[test])
        assert SEEN == []  # prediction never augments


def test_windowed_training_adds_copies_of_windows_weighted_by_recording(speech):
    X, y = [np.tile(c, 2) for c in speech.data[:10]], speech.target[:10]
    plain = make_detector("linear", features="lfcc", whole_recording="windows").fit(X, y)
    augmented = make_detector(
        "linear",
        features="lfcc",
        whole_recording="windows",
        augment=Augmenter(Gain(p=1.0), n_copies=2, random_state=0),
    ).fit(X, y)
    assert augmented.n_windows_ == 3 * plain.n_windows_


def test_grid_search_tunes_the_augmentation(speech):
    X, y = np.asarray(speech.data[:32]), speech.target[:32]
    detector = make_detector("linear", features="lfcc", augment=Augmenter(Gain(p=1.0), random_state=0))
    search = GridSearchCV(
        detector, {"augment__n_copies": [0, 1], "augment__augmentation": [Gain(p=1.0), RawBoost("ssi")]}, cv=2
    )
    search.fit(X, y)
    assert len(search.cv_results_["params"]) == 4


# -- saving augmented detectors ---------------------------------------------------------------


def test_augmented_detectors_save_and_load_with_identical_scores(speech, tmp_path):
    X, y = np.asarray(speech.data[:30]), speech.target[:30]
    chain = make_augmentation("rawboost,noise,filter")
    detector = make_detector("linear", features="lfcc", augment=Augmenter(chain, random_state=0)).fit(X, y)
    save_model(detector, tmp_path / "m.skdf")
    loaded = load_model(tmp_path / "m.skdf")
    np.testing.assert_array_equal(loaded.predict_proba(X), detector.predict_proba(X))
    assert repr(loaded.named_steps["augment"].augmentation) == repr(chain)
    loaded.fit(X, y)  # the chain came back whole: refitting augments again


def test_augmentations_that_are_code_are_refused_both_ways(speech, tmp_path):
    import pickle

    X, y = np.asarray(speech.data[:20]), speech.target[:20]
    detector = make_detector("linear", features="lfcc", augment=Augmenter(Spy())).fit(X, y)
    pickle.loads(pickle.dumps(detector))  # parallel workers still get it
    with pytest.raises(ModelFileError, match="holds tests.test_augment.Spy, which model files may not"):
        save_model(detector, tmp_path / "spy.skdf")
    good = make_detector("linear", features="lfcc", augment=Augmenter(Gain())).fit(X, y)
    save_model(good, tmp_path / "m.skdf")
    with zipfile.ZipFile(tmp_path / "m.skdf") as zf:
        members = {n: zf.read(n) for n in zf.namelist()}
    with zipfile.ZipFile(io.BytesIO(members["model.skops"])) as inner:
        parts = {n: inner.read(n) for n in inner.namelist()}
    assert b"audiomentations.Gain" in parts["schema.json"]
    parts["schema.json"] = parts["schema.json"].replace(b"audiomentations.Gain", b"os.system")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as inner:
        for name, data in parts.items():
            inner.writestr(name, data)
    members["model.skops"] = buffer.getvalue()
    manifest = json.loads(members["manifest.json"])
    manifest["members"]["model.skops"] = len(members["model.skops"])
    members["manifest.json"] = json.dumps(manifest)
    with zipfile.ZipFile(tmp_path / "tampered.skdf", "w") as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    with pytest.raises(ModelFileError, match="'os.system' may not be loaded"):
        load_model(tmp_path / "tampered.skdf")


# -- named chains and the command line --------------------------------------------------------


def test_make_augmentation_names_and_errors(tmp_path):
    chain = make_augmentation(["noise", "gain", "shift", "filter", "rawboost", "codec", "telephone"])
    assert len(chain.transforms) == 7
    clip = (0.3 * np.sin(2 * np.pi * 5000 * np.arange(16000) / SR)).astype(np.float32)  # 5 kHz
    through = make_augmentation("telephone")(clip, SR)[2000:-2000]  # away from the edges
    assert np.sqrt(np.mean(through**2)) < 0.1 * np.sqrt(np.mean(clip**2))  # -20 dB: above its band
    with pytest.raises(ValueError, match="unknown augmentation"):
        make_augmentation("reverb")
    with pytest.raises(ValueError, match="needs a folder"):
        make_augmentation("ir")
    with pytest.raises(ValueError, match="no augmentation"):
        make_augmentation(" , ")


def test_cli_train_augments_and_the_model_file_says_so(audio_tree, tmp_path, capsys):
    model = tmp_path / "m.skdf"
    assert (
        main(
            [
                "train",
                "--data",
                str(audio_tree),
                "--model",
                "linear",
                "--augment",
                "rawboost,codec",
                "--augment-copies",
                "2",
                "--out",
                str(model),
            ]
        )
        == 0
    )
    augmenter = load_model(model).named_steps["augment"]
    assert augmenter.n_copies == 2
    assert [type(t).__name__ for t in augmenter.augmentation.transforms] == ["RawBoost", "CodecRoundTrip"]
    with pytest.raises(SystemExit):
        main(["train", "--data", str(audio_tree), "--augment", "reverb", "--out", str(tmp_path / "x.skdf")])
    assert "unknown augmentation 'reverb'" in capsys.readouterr().err


def test_spec_augment_is_training_only_and_saves_safely(speech, tmp_path):
    from skdeepfake.models.cnn import SpecAugment

    x = np.random.default_rng(0).normal(size=(4, 64, 63, 1)).astype(np.float32)
    layer = SpecAugment(seed=0)
    masked = np.asarray(layer(x, training=True))
    assert 0 < (masked == 0).mean() < 0.5
    np.testing.assert_array_equal(np.asarray(layer(x, training=False)), x)

    X, y = np.asarray(speech.data[:24]), speech.target[:24]
    pipe = make_cnn_pipeline(
        spec_augment=True, filters=(4, 4, 4, 4), dense_units=8, epochs=1, random_state=0
    ).fit(X, y)
    # No masks at inference: the network's output equals the model without its SpecAugment layer.
    model = pipe.named_steps["model"]
    inputs = model.feature_encoder_.transform(pipe[:-1].transform(X))
    without = model.model_.layers[1:]
    out = inputs
    for layer in without:
        out = layer(out, training=False)
    # The compiled predict path and eager layer calls may fuse ops differently: float32
    # rounding over a few small layers, far below what a mask left on would change.
    np.testing.assert_allclose(pipe.predict_proba(X)[:, 1], np.asarray(out)[:, 0], atol=1e-5)
    save_model(pipe, tmp_path / "m.skdf")
    np.testing.assert_array_equal(load_model(tmp_path / "m.skdf").predict_proba(X), pipe.predict_proba(X))


def test_a_new_sampler_implements_only_fit_resample_private():
    """The sampler base validates and records sample_indices_; a subclass writes _fit_resample alone."""
    from numbers import Integral

    from sklearn.utils._param_validation import Interval, InvalidParameterError

    from skdeepfake.augment._sampler import BaseWaveformSampler

    class Reversed(BaseWaveformSampler):
        _parameter_constraints = {"n_copies": [Interval(Integral, 1, None, closed="left")]}

        def __init__(self, n_copies=1):
            self.n_copies = n_copies

        def _fit_resample(self, clips, y):
            sources = list(range(len(clips))) * (1 + self.n_copies)
            out = list(clips) + [c[::-1].copy() for c in clips] * self.n_copies
            return out, y[sources], sources

    X = np.random.default_rng(0).normal(size=(3, 800)).astype(np.float32)
    X_out, y_out = Reversed(n_copies=2).fit_resample(X, [0, 1, 0])
    assert X_out.shape == (9, 800)  # a 2-D input stays 2-D
    assert y_out.tolist() == [0, 1, 0] * 3
    sampler = Reversed().fit(X, [0, 1, 0])
    assert not hasattr(sampler, "sample_indices_")  # fit only checks
    with pytest.raises(InvalidParameterError, match="n_copies"):
        Reversed(n_copies=0).fit_resample(X, [0, 1, 0])
    with pytest.raises(ValueError, match="Reversed takes waveforms, not paths"):
        Reversed().fit_resample(["a.wav", "b.wav"], [0, 1])
