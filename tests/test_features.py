import librosa
import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from skdeepfake import HandcraftedFeatures, MelSpectrogram
from skdeepfake.features import FEATURE_GROUPS

SR = 16000


@pytest.fixture(scope="module")
def clips(speech):
    return np.asarray(speech.data[:6])


# -- MelSpectrogram ---------------------------------------------------------


def test_mel_matches_librosa_clip_by_clip(clips):
    out = MelSpectrogram().fit_transform(clips)
    assert out.shape == (6, 128, 63)
    assert out.dtype == np.float32
    for x, got in zip(clips, out):
        ref = librosa.power_to_db(librosa.feature.melspectrogram(y=x, sr=SR), ref=np.max)
        np.testing.assert_allclose(got, ref, atol=1e-3)


@pytest.mark.parametrize(
    "params",
    [
        dict(n_fft=1024, hop_length=256, n_mels=64, fmin=50.0, fmax=7000.0),
        dict(n_fft=512, hop_length=160, n_mels=40, top_db=60.0),
        dict(top_db=None),
    ],
)
def test_mel_matches_librosa_for_other_settings(clips, params):
    mel = MelSpectrogram(**params).fit(clips)
    out = mel.transform(clips[:2])
    top_db = params.pop("top_db", 80.0)
    for x, got in zip(clips[:2], out):
        ref = librosa.power_to_db(
            librosa.feature.melspectrogram(y=x, sr=SR, **params), ref=np.max, top_db=top_db
        )
        np.testing.assert_allclose(got, ref, atol=2e-3)


def test_mel_batch_size_does_not_change_values(clips):
    a = MelSpectrogram(batch_size=1).fit_transform(clips)
    b = MelSpectrogram(batch_size=64).fit_transform(clips)
    np.testing.assert_array_equal(a, b)


def test_mel_flatten_and_feature_names(clips):
    mel = MelSpectrogram(n_mels=8, flatten=True).fit(clips)
    out = mel.transform(clips)
    names = mel.get_feature_names_out()
    assert out.shape == (6, 8 * 63) == (6, len(names))
    assert names[0] == "mel_000_frame_000"
    assert names[-1] == "mel_007_frame_062"
    np.testing.assert_array_equal(out.reshape(6, 8, 63), MelSpectrogram(n_mels=8).fit_transform(clips))
    assert not hasattr(MelSpectrogram(), "get_feature_names_out")


def test_mel_accepts_float64_and_returns_float32(clips):
    out = MelSpectrogram().fit_transform(clips.astype(np.float64))
    assert out.dtype == np.float32


def test_mel_rejects_clips_shorter_than_one_frame():
    with pytest.raises(ValueError, match="at least 2048 samples.*X has 1000 samples"):
        MelSpectrogram().fit(np.zeros((2, 1000), np.float32))


def test_mel_rejects_other_lengths_after_fit(clips):
    mel = MelSpectrogram().fit(clips)
    with pytest.raises(ValueError, match="X has 16000 features"):
        mel.transform(clips[:, :16000])


@pytest.mark.parametrize("bad", [np.nan, np.inf])
def test_mel_rejects_nan_and_inf(clips, bad):
    X = clips.copy()
    X[1, 10] = bad
    with pytest.raises(ValueError, match="Input X contains"):
        MelSpectrogram().fit(X)


@pytest.mark.parametrize("X", [np.zeros((2, 3, 4000)), np.zeros(4000)])
def test_mel_rejects_wrong_ndim(X):
    with pytest.raises(ValueError, match="2D array|dim 3"):
        MelSpectrogram().fit(X)


def test_mel_of_silence_is_finite():
    out = MelSpectrogram().fit_transform(np.zeros((2, 4096), np.float32))
    assert np.isfinite(out).all()


# -- HandcraftedFeatures -----------------------------------------------------


def _librosa_reference(x, n_mfcc=20):
    mfcc = librosa.feature.mfcc(y=x, sr=SR, n_mfcc=n_mfcc)
    return {
        "mfcc": mfcc,
        "mfcc_delta": librosa.feature.delta(mfcc),
        "spectral_contrast": librosa.feature.spectral_contrast(y=x, sr=SR, n_bands=5),
        "zcr": librosa.feature.zero_crossing_rate(x),
        "spectral_centroid": librosa.feature.spectral_centroid(y=x, sr=SR),
        "spectral_bandwidth": librosa.feature.spectral_bandwidth(y=x, sr=SR),
        "spectral_rolloff": librosa.feature.spectral_rolloff(y=x, sr=SR),
        "spectral_flatness": librosa.feature.spectral_flatness(y=x),
        "rms": librosa.feature.rms(y=x),
        "chroma": librosa.feature.chroma_stft(y=x, sr=SR, tuning=0.0),
    }


def test_handcrafted_matches_per_clip_librosa(clips):
    hf = HandcraftedFeatures(stats=("mean", "std", "min", "max", "median")).fit(clips)
    out = pd.DataFrame(hf.transform(clips), columns=hf.get_feature_names_out())
    for i, x in enumerate(clips):
        for group, values in _librosa_reference(x).items():
            for stat, fn in [("mean", np.mean), ("std", np.std), ("max", np.max)]:
                expected = fn(values, axis=-1)
                cols = [
                    c
                    for c in out.columns
                    if c.startswith(group + "_")
                    and c.endswith("_" + stat)
                    and (c[len(group) + 1 : len(group) + 3].isdigit() or values.shape[0] == 1)
                ]
                got = out.loc[i, cols].to_numpy(dtype=float)
                np.testing.assert_allclose(
                    got,
                    expected,
                    rtol=2e-3,
                    atol=2e-3 * (np.abs(expected).max() + 1e-3),
                    err_msg=f"{group}_{stat}",
                )


def test_handcrafted_feature_names():
    hf = HandcraftedFeatures().fit(np.zeros((1, 32000), np.float32))
    names = hf.get_feature_names_out().tolist()
    assert "mfcc_03_mean" in names
    assert "mfcc_delta_19_std" in names
    assert "spectral_contrast_05_mean" in names
    assert "chroma_11_std" in names
    assert {"zcr_mean", "rms_std", "spectral_flatness_mean"} <= set(names)
    assert len(names) == len(set(names)) == (20 + 20 + 6 + 1 + 1 + 1 + 1 + 1 + 1 + 12) * 2


@pytest.mark.parametrize("group", FEATURE_GROUPS)
def test_each_group_alone(clips, group):
    hf = HandcraftedFeatures(features=(group,), stats=("mean",)).fit(clips)
    out = hf.transform(clips)
    assert out.shape[1] == len(hf.get_feature_names_out())
    assert all(n.startswith(group) for n in hf.get_feature_names_out())
    assert np.isfinite(out).all()


def test_group_selection_keeps_canonical_order(clips):
    hf = HandcraftedFeatures(features=["zcr", "mfcc"], n_mfcc=3, stats=("max",)).fit(clips)
    assert hf.get_feature_names_out().tolist() == ["mfcc_00_max", "mfcc_01_max", "mfcc_02_max", "zcr_max"]


def test_pandas_output(clips):
    hf = HandcraftedFeatures(features=("zcr", "rms")).set_output(transform="pandas")
    df = hf.fit_transform(clips)
    assert isinstance(df, pd.DataFrame)
    assert df.columns.tolist() == ["zcr_mean", "zcr_std", "rms_mean", "rms_std"]


def test_handcrafted_batching_is_invisible(clips):
    a = HandcraftedFeatures(batch_size=1).fit_transform(clips)
    b = HandcraftedFeatures(batch_size=6).fit_transform(clips)
    np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize(
    "params, message",
    [
        (dict(features=("mfcc", "loudness")), "features=.*unknown"),
        (dict(features=()), "features=.*unknown or empty"),
        (dict(stats=("mean", "mode")), "stats=.*unknown"),
    ],
)
def test_handcrafted_bad_parameters(clips, params, message):
    with pytest.raises(ValueError, match=message):
        HandcraftedFeatures(**params).fit(clips)


def test_handcrafted_too_short_for_deltas():
    with pytest.raises(ValueError, match="'mfcc_delta' needs at least 9 frames"):
        HandcraftedFeatures().fit(np.zeros((2, 3000), np.float32))
    out = HandcraftedFeatures(features=("mfcc",)).fit_transform(np.zeros((2, 3000), np.float32))
    assert np.isfinite(out).all()


def test_handcrafted_rejects_clips_shorter_than_one_frame():
    with pytest.raises(ValueError, match="at least 2048 samples"):
        HandcraftedFeatures().fit(np.zeros((2, 100), np.float32))


# -- properties on random waveforms ---------------------------------------------


waveforms = arrays(
    np.float32,
    st.tuples(st.integers(1, 4), st.integers(2048, 6000)),
    elements=st.floats(-1, 1, width=32),
)


@settings(max_examples=25, deadline=None)
@given(X=waveforms)
def test_mel_is_finite_bounded_and_per_clip(X):
    out = MelSpectrogram(n_mels=32).fit_transform(X)
    assert np.isfinite(out).all()
    assert (out <= 1e-4).all()
    assert (out >= -80.0 - 1e-3).all()
    single = MelSpectrogram(n_mels=32).fit_transform(X[-1:])
    np.testing.assert_allclose(out[-1], single[0], atol=1e-4)


@settings(max_examples=15, deadline=None)
@given(X=waveforms)
def test_handcrafted_is_finite_on_any_waveform(X):
    out = HandcraftedFeatures(
        features=("mfcc", "spectral_contrast", "zcr", "rms", "spectral_flatness")
    ).fit_transform(X)
    assert np.isfinite(out).all()
