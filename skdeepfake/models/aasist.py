"""AASIST and AASIST-L: spectro-temporal graph attention on the raw waveform (Jung et al., 2022)."""

import numpy as np
from sklearn.utils._param_validation import StrOptions

from ..utils._bounds import SAMPLE_RATE
from ..utils._docstring import Substitution
from ._aasist_layers import ResidualBlock2D, SincFrontEnd, SpectroTemporalGraph
from ._keras import keras
from ._params import KERAS_FIT_PARAMETERS_DOC, KERAS_PARAMETER_CONSTRAINTS
from ._sinc import TwoClassSigmoid, WaveformDetector, sinc_band_edges

__all__ = ["AASISTClassifier", "AASIST_VARIANTS", "build_aasist"]

#: The two published configurations (``config/AASIST.conf`` and
#: ``config/AASIST-L.conf`` of the reference): sinc filters, first-convolution
#: taps, the residual blocks' (in, out) channels, the graph layers' widths,
#: the pooling ratios (spectral, temporal, after HS-GAL) and the
#: temperatures (GAT-S, GAT-T, HS-GAL).
AASIST_VARIANTS = {
    "AASIST": {
        "sinc_filters": 70,
        "first_conv": 128,
        "blocks": ((1, 32), (32, 32), (32, 64), (64, 64), (64, 64), (64, 64)),
        "gat_dims": (64, 32),
        "pool_ratios": (0.5, 0.7, 0.5),
        "temperatures": (2.0, 2.0, 100.0),
    },
    "AASIST-L": {
        "sinc_filters": 70,
        "first_conv": 128,
        "blocks": ((1, 32), (32, 32), (32, 24), (24, 24), (24, 24), (24, 24)),
        "gat_dims": (24, 32),
        "pool_ratios": (0.4, 0.5, 0.7),
        "temperatures": (2.0, 2.0, 100.0),
    },
}


def _variant(name):
    if name not in AASIST_VARIANTS:
        raise ValueError(f"variant={name!r}: choose one of {', '.join(AASIST_VARIANTS)}.")
    return AASIST_VARIANTS[name]


def build_aasist(input_length, variant="AASIST", sr=16000, seeds=None):
    """The uncompiled AASIST network of ``variant``: ``(n, input_length)`` -> P(``classes_[1]``).

    A ``keras.Sequential`` of :class:`SincFrontEnd`, six
    :class:`ResidualBlock2D`, :class:`SpectroTemporalGraph`, dropout, the two
    logits (layer ``"logits"``) and :class:`TwoClassSigmoid`. ``seeds`` is an
    iterator of seeds for the initialisers and dropout (None: unseeded).
    """
    config = _variant(variant)
    seeds = seeds if seeds is not None else iter(lambda: None, 0)
    model = keras.Sequential(name=variant.lower().replace("-", "_"))
    model.add(keras.Input(shape=(input_length,)))
    model.add(SincFrontEnd(config["sinc_filters"], config["first_conv"], sr, name="front_end"))
    for i, (c_in, c_out) in enumerate(config["blocks"]):
        model.add(ResidualBlock2D(c_in, c_out, name=f"encoder_{i}"))
    model.add(
        SpectroTemporalGraph(
            config["gat_dims"], config["pool_ratios"], config["temperatures"], seed=next(seeds), name="graph"
        )
    )
    model.add(keras.layers.Dropout(0.5, seed=next(seeds)))
    model.add(
        keras.layers.Dense(2, name="logits", kernel_initializer=keras.initializers.GlorotUniform(next(seeds)))
    )
    model.add(TwoClassSigmoid(name="p"))
    return model


@Substitution(keras_fit_parameters=KERAS_FIT_PARAMETERS_DOC)
class AASISTClassifier(WaveformDetector):
    """AASIST (or AASIST-L): graph attention over spectral and temporal nodes of the raw waveform.

    The network of Jung et al. (2022) as its reference implementation
    computes it: fixed mel-spaced sinc filters on the 16 kHz waveform
    (:func:`~skdeepfake.models._sinc.sinc_filters`), magnitude, 3 x 3
    max-pooling, batch norm and SELU; six residual blocks of 2 x 3
    convolutions, each pooling time by 3; a spectral graph (one node per
    band, the maximum over time, plus learned positions) and a temporal
    graph (one node per frame, the maximum over bands), each through graph
    attention and graph pooling; two branches of two heterogeneous stacking
    graph attention layers (HS-GAL) with a learned master node each, joined
    by their element-wise maximum; the readout of the maxima of the nodes' magnitudes,
    their means and the master node; dropout 0.5; two logits. ``AASIST``
    has 297,354 parameters in its forward pass, ``AASIST-L`` 85,034 (the
    published 297,866 and 85,306 also count batch norms that the
    reference defines and never applies; see :class:`ResidualBlock2D`).

    Published weights, trained on ASVspoof 2019 LA, convert to this class
    (``skdeepfake.pretrained.load_detector("aasist")``). Input is the raw
    waveform, ``(n, n_samples)``, with no scaling: the reference's
    64,600 samples (4.0375 s, repeat-padded) by default in
    ``make_detector("aasist")``.

    Parameters
    ----------
    variant : {"AASIST", "AASIST-L"}, default="AASIST"
        The published configuration (:data:`AASIST_VARIANTS`).
    sr : int, default=16000
        Sample rate the sinc filters are designed for; the loader's.
    learning_rate : float, default=1e-4
        Adam's learning rate (the reference's, which also decays it by a
        cosine schedule and uses weight decay 1e-4: pass a
        ``keras.callbacks.LearningRateScheduler`` to follow it).
    epochs : int, default=100
        Passes over the training data (the reference's).
    batch_size : int, default=24
        Samples per gradient step (the reference's).
    validation_split : float, default=0.0
        Fraction of the training data held out to report ``val_loss``.
    early_stopping : bool, default=False
        Stop when the monitored loss stops improving.
    patience : int, default=5
        Epochs without improvement before early stopping.
    class_weight : dict, "balanced" or None, default=None
        Weights of the classes in the loss (the reference weighs bona fide
        9 : 1 against its ninefold spoofed majority).
    random_state : int, RandomState instance or None, default=None
        Seeds weights, dropout and shuffling.
    verbose : int or "tqdm", default=0
        Keras' progress output, or ``"tqdm"`` for a bar over the epochs.
    %(keras_fit_parameters)s

    Attributes
    ----------
    classes_ : ndarray of shape (2,)
        The labels; ``predict_proba`` columns follow this order.
    model_ : keras.Model
        The network; layer ``"logits"`` gives the two logits, in
        ``classes_`` order.
    history_ : dict
        Per-epoch ``loss`` and metrics.
    feature_encoder_ : FunctionTransformer
        The identity: the network reads the waveform as it is.

    See Also
    --------
    RawNet2Classifier : The ASVspoof 2021 raw-waveform baseline.
    LCNNClassifier : The LFCC-LCNN baseline.

    References
    ----------
    .. [1] J. Jung, H.-S. Heo, H. Tak, H. Shim, J. S. Chung, B.-J. Lee,
       H.-J. Yu and N. Evans, "AASIST: Audio anti-spoofing using integrated
       spectro-temporal graph attention networks", ICASSP 2022.
    .. [2] Reference implementation and weights:
       https://github.com/clovaai/aasist (MIT licence, NAVER Corp.).

    Examples
    --------
    >>> from skdeepfake.models import AASISTClassifier
    >>> from skdeepfake.pipelines import make_detector
    >>> detector = make_detector("aasist", variant="AASIST-L", epochs=20)
    >>> detector.named_steps["loader"].n_samples_out, type(detector[-1]).__name__
    (64600, 'AASISTClassifier')
    """

    # About 0.2 GB of activations per 64,600-sample input in predict.
    _predict_chunk = 8

    _parameter_constraints = {
        **KERAS_PARAMETER_CONSTRAINTS,
        "variant": [StrOptions(set(AASIST_VARIANTS))],
        "sr": [SAMPLE_RATE],
    }

    def __init__(
        self,
        variant="AASIST",
        sr=16000,
        learning_rate=1e-4,
        epochs=100,
        batch_size=24,
        validation_split=0.0,
        early_stopping=False,
        patience=5,
        class_weight=None,
        random_state=None,
        verbose=0,
        objective="cross-entropy",
        callbacks=None,
        metrics=None,
    ):
        self.variant = variant
        self.sr = sr
        self.learning_rate = learning_rate
        self.epochs = epochs
        self.batch_size = batch_size
        self.validation_split = validation_split
        self.early_stopping = early_stopping
        self.patience = patience
        self.class_weight = class_weight
        self.random_state = random_state
        self.verbose = verbose
        self.objective = objective
        self.callbacks = callbacks
        self.metrics = metrics

    _registry_name = "aasist"

    def _first_conv(self):
        return _variant(self.variant)["first_conv"]

    def _feature_map_axes(self, n_rows, n_frames, n_samples):
        """Names, centre frequencies (Hz) and times (s) of the last residual block's map.

        Its rows are the sinc bands pooled by three (band ``3i`` to ``3i + 2``),
        its frames ``n_samples / n_frames`` samples each.
        """
        edges = sinc_band_edges(_variant(self.variant)["sinc_filters"], self.sr)
        low, high = edges[0 : 3 * n_rows : 3], edges[3 : 3 * n_rows + 3 : 3]
        names = [f"{lo:.0f}-{hi:.0f} Hz" for lo, hi in zip(low, high)]
        times = (np.arange(n_frames) + 0.5) * n_samples / n_frames / self.sr
        return names, (low + high) / 2, times

    def _build_network(self, input_shape, seeds):
        return build_aasist(input_shape[0], self.variant, self.sr, seeds)
