"""Memory bounded by design: streaming decoding, chunked pooling, windows cut batch by batch."""

import tracemalloc

import numpy as np
import pytest
import soundfile as sf

import skdeepfake.features._base as base
import skdeepfake.features._pooling as pooling
from skdeepfake.features import CQCC, LFCC, FrameFeaturizer, LinearSubbands, pool_recording
from skdeepfake.io import AudioBlocks, AudioLoadError, load_audio
from skdeepfake.windows import WindowedClassifier

ALL_STATS = ("mean", "std", "min", "max", "median", "p10", "p25", "p75", "p90")


@pytest.fixture(scope="module")
def recording(speech):
    return np.concatenate(list(speech.data[:10]))  # 20 s of synthetic speech


@pytest.fixture
def small_chunks(monkeypatch):
    monkeypatch.setattr(pooling, "CHUNK_SAMPLES", 2**15)  # 2 s: a 20-s recording is ten chunks
    monkeypatch.setattr(base, "CHUNK_SAMPLES", 2**15)


@pytest.mark.parametrize(
    "featurizer",
    [
        LFCC(output="stats", stats=ALL_STATS),
        LFCC(output="stats", stats=ALL_STATS, cmvn="mean_variance", n_deltas=1),
        LFCC(output="stats", stats=ALL_STATS, cmvn="mean"),
        LinearSubbands(output="stats", stats=ALL_STATS),
        CQCC(output="stats", stats=ALL_STATS),
    ],
    ids=["lfcc", "lfcc-mvn", "lfcc-cmn", "subbands", "cqcc"],
)
def test_chunked_statistics_equal_the_whole_recordings(featurizer, recording, small_chunks):
    featurizer.fit([recording])
    whole = featurizer._transform_batch(recording[np.newaxis])[0]  # all frames at once
    rng = np.random.default_rng(0)
    blocks = np.split(recording, np.sort(rng.integers(0, len(recording), 9)))  # as a decoder yields them
    (chunked,) = pool_recording([featurizer], blocks)
    scale = np.abs(whole).reshape(-1, len(ALL_STATS)).max(axis=1).repeat(len(ALL_STATS))
    np.testing.assert_allclose(chunked, whole, rtol=1e-4, atol=1e-4 * scale.max())
    # transform takes the same path for a recording longer than a chunk
    np.testing.assert_allclose(featurizer.transform([recording])[0], chunked, rtol=1e-6, atol=1e-6)


def test_percentiles_come_from_an_even_subsample_beyond_the_cap(recording, small_chunks, monkeypatch):
    monkeypatch.setattr(pooling, "MAX_KEPT_FRAMES", 300)  # of about 2000 frames
    lfcc = LFCC(output="stats", stats=("mean", "p10", "median", "p90")).fit([recording])
    whole = lfcc._transform_batch(recording[np.newaxis])[0].reshape(-1, 4)
    (pooled,) = pool_recording([lfcc], [recording])
    pooled = pooled.reshape(-1, 4)
    np.testing.assert_allclose(pooled[:, 0], whole[:, 0], rtol=1e-4, atol=1e-4)  # the mean: every frame
    spread = whole[:, 3] - whole[:, 1]
    assert np.all(np.abs(pooled[:, 1:] - whole[:, 1:]) <= 0.15 * spread[:, None])  # close, not equal
    assert not np.allclose(pooled[:, 1:], whole[:, 1:], rtol=1e-6, atol=1e-6)


class _Chunkwise(FrameFeaturizer):
    """Frames that depend on the whole input (like an encoder's attention): its mean, repeated."""

    def __init__(self, output="stats", stats=("mean", "max"), batch_size=8, n_jobs=None, verbose=False):
        self.output, self.stats, self.batch_size, self.n_jobs, self.verbose = (
            output,
            stats,
            batch_size,
            n_jobs,
            verbose,
        )

    def _setup(self):
        self.ready_ = True

    def _length_requirements(self):
        return [(100, "a frame")]

    def _frames(self, X):
        return np.repeat(X.mean(axis=1, keepdims=True)[:, :, None], 4, axis=2).astype(np.float32)

    def _row_names(self):
        return ["mean"]


def test_a_featurizer_without_a_geometry_runs_on_consecutive_chunks(small_chunks):
    x = np.r_[np.zeros(2**15), np.ones(2**15), np.full(50, 5.0)].astype(np.float32)
    featurizer = _Chunkwise().fit([x])
    mean, peak = featurizer.transform([x])[0]
    # two chunks of 4 frames each (0 and 1); the 50-sample tail is too short for a frame
    assert (mean, peak) == (0.5, 1.0)


def test_pooling_a_long_recording_holds_a_chunk_not_the_recording(recording):
    lfcc = LFCC(output="stats").fit([recording])
    peaks = {}
    for minutes in (1, 10):
        y = np.resize(recording, 16000 * 60 * minutes)
        tracemalloc.start()
        lfcc.transform([y])
        peaks[minutes] = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
    # all frames at once would take ~4 bytes x 257 bins x 100 frames/s: 62 MB for 10 minutes
    assert peaks[10] < 1.6 * peaks[1], peaks


def test_decoding_streams_and_mixes_down_block_by_block(tmp_path):
    path = tmp_path / "wide.flac"
    with sf.SoundFile(path, "w", 96000, 8, subtype="PCM_16", format="FLAC") as f:
        tone = (0.1 * np.sin(np.arange(96000) / 10)).astype(np.float32)
        for _ in range(30):
            f.write(np.repeat(tone[:, None], 8, axis=1))
    tracemalloc.start()
    y, sr = load_audio(path, sr=16000)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert sr == 16000
    assert len(y) == 30 * 16000
    # all channels at once: 30 s x 96 kHz x 8 x 4 bytes = 92 MB; a block and the output here
    assert peak < 25 * 2**20, peak / 2**20
    blocks = AudioBlocks(path, 16000)
    np.testing.assert_array_equal(np.concatenate(list(blocks)), y)
    with pytest.raises(ValueError, match="iterated once"):
        list(blocks)


@pytest.mark.parametrize(
    "rate, channels, subtype", [(16000, 1, "PCM_16"), (44100, 2, "FLOAT"), (22050, 1, "PCM_24")]
)
def test_a_one_block_file_is_read_as_the_blocks_read_it(tmp_path, rate, channels, subtype):
    """read_all's short path (one read, no buffer) gives the samples the block iteration gives."""
    path = tmp_path / "clip.wav"
    rng = np.random.default_rng(rate)
    sf.write(path, (0.2 * rng.standard_normal((rate, channels))).astype(np.float32), rate, subtype=subtype)
    for first in (None, 0.5):
        with AudioBlocks(path, 16000, first=first) as blocks:
            assert blocks.n_read <= blocks._block_frames(), "the file must take the one-block path"
            whole = blocks.read_all()
        iterated = np.concatenate(list(AudioBlocks(path, 16000, first=first)))
        np.testing.assert_array_equal(whole, iterated)
        assert whole.dtype == np.float32 and whole.flags.c_contiguous, (whole.dtype, whole.flags)


def test_absurd_float_samples_are_refused_by_name(tmp_path):
    path = tmp_path / "loud.wav"
    sf.write(path, np.full(16000, 3e38, dtype=np.float32), 16000, subtype="FLOAT")
    with pytest.raises(AudioLoadError, match=r"loud\.wav: holds samples up to 3e\+38, beyond \+-1000"):
        load_audio(path)


@pytest.mark.parametrize(
    "params, message",
    [
        ({"hop": 1e-6}, "hop"),
        ({"window": 1e-9}, "window"),
        ({"window": 100000.0}, "window"),
        ({"window": 2.0, "hop": 0.015}, "hop=0.015 s is too short for window=2 s"),
    ],
)
def test_window_and_hop_are_bounded(params, message, speech):
    from skdeepfake.pipelines import make_xgb_pipeline

    clf = make_xgb_pipeline(n_estimators=2, whole_recording=True)
    with pytest.raises(ValueError, match=message):
        clf.set_params(**params).fit(speech.data[:4], speech.target[:4])


def test_a_model_file_asking_for_microsecond_hops_is_refused(speech, tmp_path):
    from skdeepfake.persistence import ModelFileError, load_model, save_model
    from skdeepfake.pipelines import make_xgb_pipeline

    clf = make_xgb_pipeline(n_estimators=2, whole_recording=True).fit(speech.data[:6], speech.target[:6])
    clf.hop = 1e-6  # as a tampered file would say
    path = tmp_path / "m.skdf"
    save_model(clf, path)
    with pytest.raises(ModelFileError, match="WindowedClassifier.*hop"):
        load_model(path)


def test_windows_are_cut_batch_by_batch(speech):
    from skdeepfake.pipelines import make_xgb_pipeline

    clf = make_xgb_pipeline(n_estimators=2, whole_recording=True, hop=0.02)
    clf.set_params(batch_size=64).fit(speech.data[:4], speech.target[:4])
    long = np.resize(np.asarray(speech.data[0]), 16000 * 30)  # 1,400 windows at a 20-ms hop
    sizes = [len(w) for _, _, w in clf._iter_batches([long])]
    assert max(sizes) <= 64
    assert sum(sizes) == 1401
    assert isinstance(clf, WindowedClassifier)


@pytest.mark.parametrize("seconds", [0.7, 2.0, 5.0, 6.3, 11.0])
def test_windows_scored_from_a_stream_equal_the_whole_recordings(speech, seconds):
    from skdeepfake.pipelines import make_xgb_pipeline

    clf = make_xgb_pipeline(n_estimators=3, whole_recording=True, random_state=0)
    clf.set_params(batch_size=3).fit(speech.data[:8], speech.target[:8])
    y = np.resize(np.concatenate(list(speech.data[8:14])), int(seconds * 16000)).astype(np.float32)
    blocks = np.split(y, np.sort(np.random.default_rng(1).integers(0, len(y), 5)))
    whole, streamed = clf.predict_windows([y]), clf.predict_windows_stream(blocks)
    np.testing.assert_allclose(streamed[["start", "end"]], whole[["start", "end"]])
    np.testing.assert_allclose(streamed["p_fake"], whole["p_fake"], rtol=1e-6)
