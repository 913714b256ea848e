"""Vocoded copies of bona fide training recordings: the vocoders, the sampler, and fit-only use."""

import librosa
import numpy as np
import pytest
import soxr

from skdeepfake.augment import GriffinLimVocoder, LPCVocoder, VocodedCopies
from skdeepfake.persistence import load_model, save_model
from skdeepfake.pipelines import make_detector

CALLS = []


class _Spy:
    """A vocoder that counts its calls (in a module-level list, so that its hash never changes)."""

    def __call__(self, samples, sample_rate):
        CALLS.append(len(samples))
        return samples[::-1].copy()


def _envelope(x, sr):
    return np.log(np.abs(librosa.stft(x, n_fft=512 * sr // 16000)) ** 2 + 1e-10).mean(axis=1)


@pytest.mark.parametrize("vocoder", [GriffinLimVocoder(n_iter=8), LPCVocoder()], ids=["griffin-lim", "lpc"])
@pytest.mark.parametrize("sr", [16000, 22050])
def test_vocoders_keep_length_rate_and_spectral_envelope(speech, vocoder, sr):
    for clip in speech.data[:3]:
        x = soxr.resample(np.asarray(clip, np.float32), 16000, sr).astype(np.float32)
        y = vocoder(x, sr)
        assert y.shape == x.shape
        assert y.dtype == np.float32
        assert np.all(np.isfinite(y))
        assert not np.allclose(y, x, atol=1e-3)  # a copy-synthesis, not the recording
        assert np.corrcoef(_envelope(x, sr), _envelope(y, sr))[0, 1] > 0.8
        level = np.sqrt(np.mean(y**2) / np.mean(x**2))
        assert 0.3 < level < 3


def test_lpc_vocoder_is_stable_on_a_pure_tone():
    x = np.sin(2 * np.pi * 220 * np.arange(16000) / 16000).astype(np.float32)
    y = LPCVocoder()(x, 16000)
    assert np.all(np.isfinite(y))
    assert np.abs(y).max() < 10


def test_copies_of_the_bona_fide_recordings_are_labelled_spoofed_and_paired(speech):
    X, y = speech.data[:8], np.where(speech.target[:8] == 1, "fake", "real")
    sampler = VocodedCopies([LPCVocoder(), _Spy()])
    X_out, y_out = sampler.fit_resample(X, y)
    real = np.flatnonzero(y == "real")
    assert X_out.shape == (8 + 2 * len(real), X.shape[1])
    assert y_out[:8].tolist() == y.tolist()
    assert set(y_out[8:]) == {"fake"}
    assert sampler.source_.tolist() == [*range(8), *real, *real]
    assert sampler.vocoder_.tolist() == [-1] * 8 + [0] * len(real) + [1] * len(real)
    np.testing.assert_array_equal(X_out[8 + len(real)], X[real[0]][::-1])
    # lists of recordings of any lengths
    clips = [X[0][:5000], X[1], X[2][:9000]]
    out, labels = VocodedCopies([_Spy()]).fit_resample(clips, [0, 1, 0])
    assert [len(c) for c in out] == [5000, 32000, 9000, 5000, 9000]
    assert labels.tolist() == [0, 1, 0, 1, 1]


def test_bad_input_is_named():
    with pytest.raises(ValueError, match="takes waveforms, not paths"):
        VocodedCopies([LPCVocoder()]).fit_resample(["a.wav", "b.wav"], [0, 1])
    with pytest.raises(ValueError, match="non-empty list of callables"):
        VocodedCopies([]).fit_resample(np.zeros((2, 100)), [0, 1])
    with pytest.raises(ValueError, match="labels"):
        VocodedCopies([LPCVocoder()]).fit_resample(np.zeros((2, 100)), ["cat", "dog"])


def test_the_pipeline_vocodes_in_fit_only_and_a_cache_vocodes_once(speech, tmp_path):
    X, y = speech.data[:24], speech.target[:24]
    detector = make_detector("linear", augment=VocodedCopies([_Spy()], memory=str(tmp_path)))
    CALLS.clear()
    detector.fit(X, y)
    assert len(CALLS) == int(np.sum(y == 0))
    CALLS.clear()
    detector.predict_proba(X)
    assert CALLS == []  # never at prediction
    detector.fit(X, y)
    assert CALLS == []  # the cache has every copy


def test_a_detector_trained_with_vocoded_copies_saves_and_loads(speech, tmp_path):
    X, y = speech.data[:16], speech.target[:16]
    detector = make_detector("linear", augment=VocodedCopies([GriffinLimVocoder(n_iter=4), LPCVocoder()]))
    detector.fit(X, y)
    path = tmp_path / "vocoded.skdf"
    save_model(detector, path)
    loaded = load_model(path)
    np.testing.assert_array_equal(loaded.predict_proba(X[:4]), detector.predict_proba(X[:4]))
    assert loaded.named_steps["augment"].vocoders[0].n_iter == 4
