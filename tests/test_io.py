import pickle

import numpy as np
import pytest
import soundfile as sf
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from skdeepfake import AudioLoader, AudioLoadError
from skdeepfake.io import fix_length, load_audio

from .conftest import SR, tone, write_audio


def dominant_frequency(y, sr):
    spectrum = np.abs(np.fft.rfft(y * np.hanning(len(y))))
    return np.fft.rfftfreq(len(y), 1 / sr)[np.argmax(spectrum)]


# -- shapes, crop and pad -------------------------------------------------


def test_output_is_fixed_length_float32_for_every_input_kind(tmp_path):
    arrays_ = [np.ones(100, np.float32), np.ones(50000, np.float64)]
    paths = [write_audio(tmp_path / f"{i}.wav", a) for i, a in enumerate(arrays_)]
    loader = AudioLoader(duration=2.0)
    for X in (arrays_, paths, [str(p) for p in paths], np.ones((2, 777))):
        out = loader.fit_transform(X)
        assert out.shape == (2, 32000)
        assert out.dtype == np.float32


@pytest.mark.parametrize("crop, expected_start", [("start", 0), ("center", 40), ("random", None)])
def test_crop_modes(crop, expected_start):
    y = np.arange(100, dtype=np.float32)
    out = AudioLoader(sr=1000, duration=0.02, crop=crop, random_state=0).fit_transform([y])
    start = int(out[0, 0])
    np.testing.assert_array_equal(out[0], y[start : start + 20])
    if expected_start is not None:
        assert start == expected_start


def test_random_crop_is_reproducible_and_varies_across_clips():
    X = np.tile(np.arange(1000, dtype=np.float32), (8, 1))
    a = AudioLoader(sr=1000, duration=0.01, crop="random", random_state=3).transform(X)
    b = AudioLoader(sr=1000, duration=0.01, crop="random", random_state=3).transform(X)
    np.testing.assert_array_equal(a, b)
    assert len(set(a[:, 0])) > 1


def test_repeat_padding_tiles_the_clip_and_constant_pads_zeros():
    y = np.array([1.0, 2.0, 3.0], dtype=np.float32)
    rep = AudioLoader(sr=1000, duration=0.007).fit_transform([y])[0]
    np.testing.assert_array_equal(rep, [1, 2, 3, 1, 2, 3, 1])
    zero = AudioLoader(sr=1000, duration=0.007, pad_mode="constant").fit_transform([y])[0]
    np.testing.assert_array_equal(zero, [1, 2, 3, 0, 0, 0, 0])


def test_exact_length_is_untouched():
    y = np.linspace(-1, 1, 32000).astype(np.float32)
    np.testing.assert_array_equal(AudioLoader().fit_transform([y])[0], y)


def test_fix_length_keeps_equal_lengths_and_refuses_bad_options():
    y = np.arange(5.0)
    np.testing.assert_array_equal(fix_length(y, 5, crop="random", random_state=0), y)
    with pytest.raises(ValueError, match="'crop' parameter of fix_length"):
        fix_length(np.ones(10), 5, crop="bogus")
    with pytest.raises(ValueError, match="'pad_mode' parameter of fix_length"):
        fix_length(np.ones(3), 5, pad_mode="mirror")


# -- formats, resampling, channels ------------------------------------------


@pytest.mark.parametrize(
    "ext, subtype",
    [
        ("wav", "PCM_U8"),
        ("wav", "PCM_16"),
        ("wav", "PCM_24"),
        ("wav", "PCM_32"),
        ("wav", "FLOAT"),
        ("flac", "PCM_16"),
        ("ogg", "VORBIS"),
        ("mp3", "MPEG_LAYER_III"),
    ],
)
def test_every_format_decodes_to_the_same_tone(tmp_path, ext, subtype):
    if subtype not in sf.available_subtypes(ext.upper() if ext != "mp3" else "MP3"):
        pytest.skip(f"libsndfile here cannot write {ext}/{subtype}")
    path = write_audio(tmp_path / f"tone.{ext}", tone(440, 1.0), subtype=subtype)
    out = AudioLoader(duration=1.0).fit_transform([path])[0]
    assert abs(dominant_frequency(out, SR) - 440) < 5
    assert 0.3 < np.abs(out).max() < 0.7


@pytest.mark.parametrize("orig_sr", [8000, 22050, 44100, 48000])
def test_resampling_keeps_pitch_and_duration(tmp_path, orig_sr):
    path = write_audio(tmp_path / "t.wav", tone(1000, 1.0, sr=orig_sr), sr=orig_sr)
    y, sr = load_audio(path, sr=SR)
    assert sr == SR
    assert abs(len(y) - SR) <= 1
    assert abs(dominant_frequency(y, SR) - 1000) < 3


def test_stereo_is_mixed_down_to_the_channel_mean(tmp_path):
    left = tone(440, 0.5)
    stereo = np.stack([left, np.zeros_like(left)], axis=1)
    path = write_audio(tmp_path / "st.wav", stereo, subtype="FLOAT")
    y, _ = load_audio(path)
    np.testing.assert_allclose(y, left / 2, atol=1e-6)


@pytest.mark.parametrize(
    "ext, subtype", [("wav", "PCM_24"), ("wav", "PCM_32"), ("wav", "FLOAT"), ("flac", "PCM_16")]
)
@pytest.mark.parametrize("channels", [1, 2])
def test_samples_are_soundfiles_own_whole_or_as_an_excerpt(tmp_path, ext, subtype, channels):
    # The loader reads into its own buffers (soundfile's buffer_read_into); the values must be
    # exactly what soundfile.read gives, mixed down the same way, for a whole file and an excerpt.
    samples = (0.5 * np.random.default_rng(1).uniform(-1, 1, size=(5000, channels))).astype(np.float32)
    path = tmp_path / f"clip.{ext}"
    sf.write(path, samples, SR, subtype=subtype)
    expected = sf.read(path, dtype="float32", always_2d=True)[0].mean(axis=1, dtype=np.float32)
    y, _ = load_audio(path)
    np.testing.assert_array_equal(y, expected)
    head, _ = load_audio(path, first=0.1)  # 1,600 samples at 16 kHz
    np.testing.assert_array_equal(head, expected[:1600])


@pytest.mark.parametrize("channels", [1, 2])
def test_16_bit_pcm_reads_exactly_as_libsndfile_converts_it(tmp_path, channels):
    # load_audio scales int16 itself (faster); the values must be libsndfile's.
    rng = np.random.default_rng(0)
    samples = rng.integers(-32768, 32768, size=(4000, channels), dtype=np.int16)
    path = tmp_path / "pcm16.wav"
    sf.write(path, samples, SR, subtype="PCM_16")
    expected = sf.read(path, dtype="float32", always_2d=True)[0].mean(axis=1, dtype=np.float32)
    y, _ = load_audio(path)
    assert y.dtype == np.float32
    np.testing.assert_array_equal(y, expected)
    assert y.min() >= -1.0
    assert y.max() < 1.0


def test_parallel_decoding_matches_serial(tmp_path, speech):
    paths = [write_audio(tmp_path / f"{i}.wav", c, subtype="FLOAT") for i, c in enumerate(speech.data[:6])]
    serial = AudioLoader().fit_transform(paths)
    parallel = AudioLoader(n_jobs=2).fit_transform(paths)
    np.testing.assert_array_equal(serial, parallel)
    np.testing.assert_allclose(serial, speech.data[:6], atol=1e-7)


def test_loader_pickles():
    loader = AudioLoader(duration=1.5, crop="center")
    assert pickle.loads(pickle.dumps(loader)).get_params() == loader.get_params()


# -- bad input ----------------------------------------------------------------


def test_missing_file_is_named(tmp_path):
    missing = tmp_path / "nope.wav"
    with pytest.raises(AudioLoadError, match="nope.wav: file does not exist"):
        AudioLoader().transform([missing])


def test_corrupt_file_is_named(tmp_path):
    path = tmp_path / "corrupt.wav"
    path.write_bytes(b"RIFF\x24\x00\x00\x00WAVEfmt garbage garbage garbage")
    with pytest.raises(AudioLoadError, match="corrupt.wav: cannot be decoded"):
        AudioLoader().transform([path])


def test_truncated_file_is_named(tmp_path):
    path = write_audio(tmp_path / "cut.wav", tone(440, 1.0), subtype="PCM_16")
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    with pytest.raises(AudioLoadError, match="cut.wav: is truncated"):
        AudioLoader().transform([path])


def test_non_audio_file_is_named(tmp_path):
    path = tmp_path / "notes.txt"
    path.write_text("this is not audio\n" * 50)
    with pytest.raises(AudioLoadError, match="notes.txt: cannot be decoded"):
        AudioLoader().transform([path])


def test_empty_file_is_named(tmp_path):
    path = write_audio(tmp_path / "empty.wav", np.zeros(0, np.float32))
    with pytest.raises(AudioLoadError, match="empty.wav: holds no audio samples"):
        AudioLoader().transform([path])


def test_zero_byte_file_is_named(tmp_path):
    path = tmp_path / "zero.wav"
    path.write_bytes(b"")
    with pytest.raises(AudioLoadError, match="zero.wav"):
        AudioLoader().transform([path])


def test_nan_samples_in_a_file_are_named(tmp_path):
    y = tone(440, 0.5)
    y[100] = np.nan
    path = write_audio(tmp_path / "nan.wav", y, subtype="FLOAT")
    with pytest.raises(AudioLoadError, match="nan.wav: contains NaN or infinite"):
        AudioLoader().transform([path])


@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf])
def test_nan_or_inf_in_arrays_are_named(bad):
    X = np.zeros((3, 100), np.float32)
    X[2, 5] = bad
    with pytest.raises(ValueError, match=r"X contains NaN or infinite samples in clip\(s\) \[2\]"):
        AudioLoader().fit_transform(X)
    with pytest.raises(ValueError, match=r"X\[1\] contains NaN"):
        AudioLoader().fit_transform([np.zeros(10), np.full(10, bad)])


@pytest.mark.parametrize(
    "X, message",
    [
        (np.zeros((2, 3), dtype=np.int16), "integer dtype int16"),
        (np.zeros((2, 3, 4)), "must be a 2-D array"),
        (np.zeros(10), "1-D array of numbers"),
        ("clip.wav", "single path"),
        ([], "X is empty"),
        ([np.zeros((2, 10))], r"X\[0\] must be a 1-D waveform"),
        (["a.wav", np.zeros(3)], "mixes file paths and waveforms"),
        ([np.zeros(0)], r"X\[0\] is empty"),
        (np.zeros((2, 3), dtype=complex), "Complex data not supported"),
    ],
)
def test_wrong_x_gets_a_clear_error(X, message):
    with pytest.raises(ValueError, match=message):
        AudioLoader().fit_transform(X)


def test_x_and_y_of_different_lengths():
    with pytest.raises(ValueError, match="X has 2 clips, y has 3 labels"):
        AudioLoader().fit(np.zeros((2, 10)), [0, 1, 1])


def test_bad_parameters_are_named():
    with pytest.raises(ValueError, match="'crop' parameter"):
        AudioLoader(crop="middle").fit_transform(np.zeros((1, 10)))
    with pytest.raises(ValueError, match="'duration' parameter"):
        AudioLoader(duration=0).fit_transform(np.zeros((1, 10)))


# -- properties ----------------------------------------------------------------


@settings(max_examples=40, deadline=None)
@given(
    clip=arrays(np.float32, st.integers(1, 3000), elements=st.floats(-1, 1, width=32)),
    n_out=st.integers(1, 2000),
    crop=st.sampled_from(["start", "center", "random"]),
    pad=st.sampled_from(["repeat", "constant"]),
)
def test_fix_length_properties(clip, n_out, crop, pad):
    out = fix_length(clip, n_out, crop, pad, random_state=0)
    assert out.shape == (n_out,)
    if len(clip) >= n_out:
        # a contiguous excerpt of the clip
        starts = [s for s in range(len(clip) - n_out + 1) if np.array_equal(clip[s : s + n_out], out)]
        assert starts
    elif pad == "repeat":
        np.testing.assert_array_equal(out[: len(clip)], clip)
        np.testing.assert_array_equal(
            out[len(clip) : 2 * len(clip)], clip[: max(0, min(len(clip), n_out - len(clip)))]
        )
    else:
        np.testing.assert_array_equal(out[len(clip) :], 0)


def test_parameters_set_after_a_transform_are_checked_again(monkeypatch):
    """transform validates once per parameter set: an unchanged loader is not re-checked, a changed one is."""
    from sklearn.utils._param_validation import InvalidParameterError

    loader = AudioLoader(duration=0.5)
    X = np.zeros((2, SR), dtype=np.float32)
    calls = []
    original = AudioLoader._validate_params
    monkeypatch.setattr(AudioLoader, "_validate_params", lambda self: calls.append(1) or original(self))
    loader.transform(X)
    loader.transform(X)
    assert len(calls) == 1, f"validated {len(calls)} times for one parameter set"
    loader.set_params(crop="nowhere")
    with pytest.raises(InvalidParameterError, match="crop"):
        loader.transform(X)
    loader.crop = "center"
    assert loader.transform(X).shape == (2, SR // 2)
    assert len(calls) == 3, calls
    loader.max_duration = -1.0
    with pytest.raises(InvalidParameterError, match="max_duration"):
        loader.fit(X)
