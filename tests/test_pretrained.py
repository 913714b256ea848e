"""The pretrained speech-encoder front-end, on tiny randomly initialised encoders."""

import pickle

import numpy as np
import pytest
from sklearn.base import clone

pytest.importorskip("transformers", reason="needs skdeepfake[pretrained]")

from skdeepfake.features import SpeechEncoder  # noqa: E402
from skdeepfake.persistence import load_model, save_model  # noqa: E402
from skdeepfake.pipelines import make_detector  # noqa: E402

TINY = {
    "model_type": "wav2vec2",
    "hidden_size": 8,
    "num_hidden_layers": 3,
    "num_attention_heads": 2,
    "intermediate_size": 16,
    "conv_dim": (8, 8),
    "conv_kernel": (10, 3),
    "conv_stride": (5, 2),
    "num_conv_pos_embeddings": 8,
    "num_conv_pos_embedding_groups": 2,
}


@pytest.fixture(scope="module")
def clips():
    return np.random.default_rng(0).normal(scale=0.1, size=(6, 3200)).astype(np.float32)


def test_shapes_of_statistics_and_frames(clips):
    stats = SpeechEncoder(config=TINY, layer=2).fit_transform(clips)
    assert stats.shape == (6, 16)
    assert stats.dtype == np.float32
    names = SpeechEncoder(config=TINY, layer=2).fit(clips).get_feature_names_out()
    assert names[:2].tolist() == ["layer2_0_mean", "layer2_0_std"]
    assert len(names) == 16
    frames = SpeechEncoder(config=TINY, layer=(0, -1), output="frames").fit_transform(clips)
    n_frames = ((3200 - 10) // 5 + 1 - 3) // 2 + 1  # the convolutional front-end's output length
    assert frames.shape == (6, 16, n_frames)


def test_layer_choice(clips):
    by_layer = {i: SpeechEncoder(config=TINY, layer=i).fit_transform(clips) for i in (0, 1, 3, -1)}
    assert not np.allclose(by_layer[0], by_layer[1])
    np.testing.assert_array_equal(by_layer[3], by_layer[-1])
    both = SpeechEncoder(config=TINY, layer=(0, 3), output="frames").fit_transform(clips)
    first = SpeechEncoder(config=TINY, layer=0, output="frames").fit_transform(clips)
    np.testing.assert_array_equal(both[:, :8], first)
    with pytest.raises(ValueError, match="layer 4 does not exist.*0 \\(front-end\\) to 3"):
        SpeechEncoder(config=TINY, layer=4).fit(clips)


def test_batching_equals_one_by_one(clips):
    encoder = SpeechEncoder(config=TINY, layer=2, batch_size=4).fit(clips)
    one_by_one = np.concatenate([encoder.transform(clips[i : i + 1]) for i in range(len(clips))])
    # On the CPU each clip runs on its own: identical, not merely close, whatever the batch.
    np.testing.assert_array_equal(encoder.transform(clips), one_by_one)
    np.testing.assert_array_equal(encoder.transform(clips[::-1]), one_by_one[::-1])
    recordings = [clips[0], clips[1, :2000]]  # of different lengths: each over its own frames
    pooled = SpeechEncoder(config=TINY, layer=2).fit(recordings).transform(recordings)
    np.testing.assert_array_equal(pooled[0], encoder.transform(clips[:1])[0])


def test_clone_pickle_and_a_local_directory(clips, tmp_path):
    encoder = SpeechEncoder(config=TINY, layer=2, random_state=3).fit(clips)
    expected = encoder.transform(clips)
    np.testing.assert_array_equal(clone(encoder).fit(clips).transform(clips), expected)
    np.testing.assert_array_equal(pickle.loads(pickle.dumps(encoder)).transform(clips), expected)
    assert not np.allclose(SpeechEncoder(config=TINY, layer=2, random_state=4).fit_transform(clips), expected)
    encoder.encoder_.save_pretrained(tmp_path / "encoder")
    local = SpeechEncoder(model=str(tmp_path / "encoder"), layer=2, local_files_only=True).fit(clips)
    np.testing.assert_allclose(local.transform(clips), expected, atol=1e-6)


def test_offline_error_names_the_model_and_how_to_fetch_it(clips):
    # local_files_only: what an offline machine gets, without touching the network
    with pytest.raises(
        OSError, match="(?s)cannot load the encoder 'no-such-org/no-such-encoder'.*hf download"
    ):
        SpeechEncoder(model="no-such-org/no-such-encoder", local_files_only=True).fit(clips)


def test_bad_parameters_are_named(clips):
    with pytest.raises(ValueError, match="16 kHz"):
        SpeechEncoder(config=TINY, sr=22050).fit(clips)
    with pytest.raises(ValueError, match="model_type"):
        SpeechEncoder(config={"hidden_size": 8}).fit(clips)


def test_a_detector_on_encoder_features_saves_and_loads(speech, tmp_path):
    X, y = np.asarray(speech.data[:24]), speech.target[:24]
    detector = make_detector("linear", features=SpeechEncoder(config=TINY, layer=2)).fit(X, y)
    save_model(detector, tmp_path / "m.skdf")
    loaded = load_model(tmp_path / "m.skdf")
    np.testing.assert_allclose(loaded.predict_proba(X), detector.predict_proba(X), atol=1e-6)
