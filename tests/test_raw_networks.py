"""RawNet2 and AASIST: the ports against the reference's logits, the published weights, and the estimator contract.

``tests/data/raw_networks_reference.npz`` holds what the reference
implementation (https://github.com/clovaai/aasist at the commit it records)
computed, in PyTorch, for two inputs: AASIST's and AASIST-L's logits with the
published weights, and a small RawNet2's logits and GRU input with seeded
random weights that the file also holds (``scripts/raw_networks_reference.py``).
No PyTorch and no reference code are needed here.
"""

import json
from pathlib import Path

import keras
import numpy as np
import pytest
from sklearn.base import clone
from sklearn.utils._param_validation import InvalidParameterError

from skdeepfake.models import AASISTClassifier, RawNet2Classifier
from skdeepfake.pipelines import make_detector
from skdeepfake.pretrained import convert_aasist_checkpoint, convert_rawnet2_checkpoint, load_detector

REFERENCE = np.load(Path(__file__).parent / "data" / "raw_networks_reference.npz")
INPUTS = REFERENCE["inputs"].astype(np.float32) / 32768.0
RAWNET2 = json.loads(str(REFERENCE["rawnet2_config"]))
RAWNET2_PARAMS = dict(
    sinc_filters=RAWNET2["filts"][0],
    first_conv=RAWNET2["first_conv"],
    channels=(RAWNET2["filts"][1][1], RAWNET2["filts"][2][1]),
    gru_units=RAWNET2["gru_node"],
    gru_layers=RAWNET2["nb_gru_layer"],
    fc_units=RAWNET2["nb_fc_node"],
)


def _output_of(network, layer_name, x):
    inner = keras.Model(network.inputs[0], network.get_layer(layer_name).output)
    return np.asarray(inner(x, training=False), dtype=np.float64)


def _rawnet2_state():
    prefix = "rawnet2_state/"
    return {k[len(prefix) :]: REFERENCE[k] for k in REFERENCE.files if k.startswith(prefix)}


@pytest.mark.parametrize("name", ["aasist", "aasist-l"])
def test_the_shipped_aasist_weights_reproduce_the_reference_logits(name):
    detector = load_detector(name)
    network = detector.named_steps["model"].model_
    # The reference's columns are (spoof, bona fide); ours follow classes_ = [0 (bona fide), 1 (spoof)].
    expected = REFERENCE[f"{name}_logits"][:, ::-1]
    np.testing.assert_allclose(_output_of(network, "logits", INPUTS), expected, atol=1e-4, rtol=0)
    # Through the whole pipeline from waveforms: P(fake) is the reference's softmax of spoof.
    softmax_spoof = 1 / (1 + np.exp(expected[:, 0] - expected[:, 1]))
    np.testing.assert_allclose(detector.predict_proba(list(INPUTS))[:, 1], softmax_spoof, atol=1e-5)
    assert detector.classes_.tolist() == [0, 1]


def test_the_small_rawnet2_reproduces_the_reference():
    detector = convert_rawnet2_checkpoint(_rawnet2_state(), **RAWNET2_PARAMS)
    network = detector.model_
    before_gru = network.layers[network.layers.index(network.get_layer("bn_before_gru")) + 1].name
    np.testing.assert_allclose(
        _output_of(network, before_gru, INPUTS), REFERENCE["rawnet2_gru_input"], atol=1e-4, rtol=0
    )
    logits = _output_of(network, "logits", INPUTS)
    log_softmax = logits - np.log(np.exp(logits).sum(axis=1, keepdims=True))
    np.testing.assert_allclose(log_softmax, REFERENCE["rawnet2_logits"][:, ::-1], atol=1e-4, rtol=0)


def _trainable(network):
    return sum(int(np.prod(w.shape)) for w in network.trainable_weights)


@pytest.mark.parametrize(
    "make, published, unused",
    [
        # the residual blocks' first batch norms: in the reference, never applied
        (lambda: AASISTClassifier(), 297_866, 2 * (32 + 32 + 64 + 64 + 64)),
        (lambda: AASISTClassifier(variant="AASIST-L"), 85_306, 2 * (32 + 32 + 24 + 24 + 24)),
        (lambda: RawNet2Classifier(), 17_621_410, 2 * (20 + 20 + 128 + 128 + 128)),
    ],
)
def test_the_published_parameter_counts(make, published, unused):
    detector = make()
    detector.initialize(np.zeros((2, 64600), np.float32), np.array([0, 1]))
    assert _trainable(detector.model_) + unused == published


def test_a_checkpoint_of_another_shape_or_with_a_missing_or_extra_tensor_is_refused():
    state = _rawnet2_state()
    with pytest.raises(ValueError, match="has shape .* but this network needs"):
        convert_rawnet2_checkpoint(state)  # the published configuration is larger
    missing = {k: v for k, v in state.items() if k != "fc1_gru.bias"}
    with pytest.raises(ValueError, match="no tensor 'fc1_gru.bias'"):
        convert_rawnet2_checkpoint(missing, **RAWNET2_PARAMS)
    with pytest.raises(ValueError, match="does not use: surplus"):
        convert_rawnet2_checkpoint({**state, "surplus": np.zeros(1)}, **RAWNET2_PARAMS)
    with pytest.raises(ValueError, match="no tensor 'first_bn.weight'"):
        convert_aasist_checkpoint({}, "AASIST-L", input_length=3000)
    with pytest.raises(InvalidParameterError, match="variant"):
        convert_aasist_checkpoint({}, "AASIST-XL")


def test_the_factory_reads_the_waveform_with_the_references_excerpt():
    pipe = make_detector("aasist")
    assert [name for name, _ in pipe.steps] == ["loader", "model"]
    assert pipe.named_steps["loader"].n_samples_out == 64600
    assert pipe.named_steps["loader"].pad_mode == "repeat"
    assert make_detector("rawnet2").named_steps["loader"].n_samples_out == 64600
    assert make_detector("aasist", sr=8000).named_steps["model"].sr == 8000
    with pytest.raises(ValueError, match="reads the raw waveform and takes no front-end"):
        make_detector("aasist", features="lfcc")


def test_too_short_waveforms_are_refused_with_the_fix():
    with pytest.raises(ValueError, match=r"at least 2315 samples.*AudioLoader\(duration=...\)"):
        AASISTClassifier(epochs=1).fit(np.zeros((4, 2000), np.float32), [0, 1, 0, 1])
    with pytest.raises(ValueError, match=r"at least 3211 samples"):
        RawNet2Classifier(epochs=1).fit(np.zeros((4, 3000), np.float32), [0, 1, 0, 1])


@pytest.fixture(scope="module")
def fitted(speech):
    """One small fit of each, from 2-s waveforms through their pipelines (a fit costs tens of seconds)."""
    X, y = speech.data[:16], speech.target[:16]
    models = {
        "aasist": make_detector("aasist", variant="AASIST-L", duration=0.25, epochs=1, random_state=0),
        "rawnet2": make_detector(
            "rawnet2", duration=0.25, gru_units=8, gru_layers=1, fc_units=8, epochs=1, random_state=0
        ),
    }
    for model in models.values():
        # Eager: tracing AASIST's train step takes ~30 s, running this one batch a few
        # (the traced path is tested through the registry, tests/test_registry.py).
        model[-1].run_eagerly = True
        model.fit(X, y)
        del model[-1].run_eagerly  # scikeras lists it among the parameters when set
    return models, X


def test_they_fit_and_predict_from_waveforms(fitted):
    # (saving and loading every registry model: tests/test_registry.py)
    models, X = fitted
    for model in models.values():
        proba = model.predict_proba(X)
        assert proba.shape == (16, 2)
        assert np.all(np.isfinite(proba))
        assert clone(model).get_params().keys() == model.get_params().keys()


def test_gradient_maps_of_the_waveform_networks(fitted):
    from skdeepfake.explain import gradient_map

    models, X = fitted
    for name in ("aasist", "rawnet2"):  # input x gradient: one value per sample of the excerpt
        result = gradient_map(models[name], X[0])
        assert result.relevance.shape == (4000,)
        assert np.isfinite(result.relevance).all()
        assert result.times[-1] == pytest.approx(3999 / 16000)
    # HiResCAM of AASIST: its last block's map, 70 // 3 = 23 sinc bands x frames, named in Hz
    result = gradient_map(models["aasist"], X[0], method="hirescam")
    assert result.relevance.shape[0] == 23
    assert len(result.rows) == 23
    assert result.rows[0].endswith("Hz")
    assert np.all(np.diff(result.frequencies) > 0)
    assert result.frequencies[-1] < 8000
    assert np.abs(result.relevance).sum() > 0
    with pytest.raises(ValueError, match="2-D feature map.*RawNet2Classifier has none"):
        gradient_map(models["rawnet2"], X[0], method="hirescam")


# scikit-learn's checks that do not depend on the input's shape (the others
# feed a few columns, shorter than any waveform these networks take).
_SHAPE_FREE_CHECKS = [
    "check_parameters_default_constructible",
    "check_no_attributes_set_in_init",
    "check_get_params_invariance",
    "check_set_params",
    "check_estimator_cloneable",
    "check_estimator_repr",
    "check_do_not_raise_errors_in_init_or_set_params",
    "check_valid_tag_types",
]


@pytest.mark.parametrize("check", _SHAPE_FREE_CHECKS)
@pytest.mark.parametrize(
    "estimator", [AASISTClassifier(), RawNet2Classifier()], ids=lambda e: type(e).__name__
)
def test_the_shape_free_sklearn_checks(estimator, check):
    import sklearn.utils.estimator_checks as checks

    getattr(checks, check)(type(estimator).__name__, clone(estimator))


@pytest.mark.parametrize("name", ["aasist", "aasist-l"])
def test_each_shipped_aasist_has_a_card_that_names_its_file_and_licence(name):
    import hashlib

    from skdeepfake.pretrained import DETECTORS, detector_files, model_file_digest

    file, card = detector_files(name)
    data, text = file.read_bytes(), card.read_text(encoding="utf-8")
    assert model_file_digest(name) == (len(data), hashlib.sha256(data).hexdigest())
    for section in ("## Training data and licence", "## How well it does", "## Intended use", "## Limits"):
        assert section in text, section
    assert DETECTORS[name][2]["variant"] in text
    assert "MIT" in text
    assert "0.5" in text
    licence = (file.parent / "LICENSE_AASIST.txt").read_text(encoding="utf-8")
    assert "NAVER Corp." in licence
    assert "Permission is hereby granted" in licence


def test_predict_takes_a_shipped_detectors_name(tmp_path, capsys):
    import soundfile as sf

    from skdeepfake.cli import main

    path = tmp_path / "clip.wav"
    sf.write(path, INPUTS[1], 16000)
    assert main(["predict", "--model", "aasist-l", str(path)]) == 0
    captured = capsys.readouterr()
    assert "published AASIST-L weights" in captured.err
    assert "MODEL_CARD_AASIST-L.md" in captured.err
    row = captured.out.strip().splitlines()[1].split("\t")
    expected = REFERENCE["aasist-l_logits"][1]  # (spoof, bona fide)
    assert float(row[1]) == pytest.approx(1 / (1 + np.exp(expected[1] - expected[0])), abs=1e-4)
