"""The light CNN (LCNN) with max-feature-map activations of ASVspoof 2019."""

from numbers import Integral, Real

from sklearn.utils._param_validation import Interval

from ..utils._docstring import Substitution
from ._keras import KerasDetector, keras
from ._params import KERAS_FIT_PARAMETERS_DOC, KERAS_PARAMETER_CONSTRAINTS
from ._scaling import PerFrequencyScaler

__all__ = ["LCNNClassifier", "MaxFeatureMap", "LCNN_LAYERS"]

#: The LCNN of Lavrentyeva et al. (2019), Table 1: ``("conv", kernel,
#: filters)`` is a convolution whose ``filters`` outputs a max-feature-map
#: halves, ``("pool",)`` a 2 x 2 max-pooling, ``("bn",)`` batch normalisation.
LCNN_LAYERS = (
    ("conv", 5, 64),
    ("pool",),
    ("conv", 1, 64),
    ("bn",),
    ("conv", 3, 96),
    ("pool",),
    ("bn",),
    ("conv", 1, 96),
    ("bn",),
    ("conv", 3, 128),
    ("pool",),
    ("conv", 1, 128),
    ("bn",),
    ("conv", 3, 64),
    ("bn",),
    ("conv", 1, 64),
    ("bn",),
    ("conv", 3, 64),
    ("pool",),
)


@keras.saving.register_keras_serializable(package="skdeepfake")
class MaxFeatureMap(keras.layers.Layer):
    r"""Max-feature-map activation: the elementwise maximum of two channel halves.

    For an input with :math:`2C` channels,
    :math:`y_c = \max(x_c, x_{c + C})`, :math:`c < C` (Wu et al., 2018):
    a competitive activation that halves the channels and acts as feature
    selection, the core of the light CNN.

    Examples
    --------
    >>> import numpy as np
    >>> from skdeepfake.models.lcnn import MaxFeatureMap
    >>> x = np.array([[1.0, 5.0, 3.0, 2.0]], np.float32)
    >>> np.asarray(MaxFeatureMap()(x)).tolist()
    [[3.0, 5.0]]
    """

    def call(self, inputs):
        first, second = keras.ops.split(inputs, 2, axis=-1)
        return keras.ops.maximum(first, second)

    def compute_output_shape(self, input_shape):
        return (*input_shape[:-1], input_shape[-1] // 2)


@Substitution(keras_fit_parameters=KERAS_FIT_PARAMETERS_DOC)
class LCNNClassifier(KerasDetector):
    """Light CNN with max-feature-map activations, on frame-level features.

    The network of the STC system, best single system of ASVspoof 2019 LA
    (Lavrentyeva et al., 2019), and the back-end of the ASVspoof 2021
    LFCC-LCNN baseline: nine convolutions (5 x 5, then alternating 1 x 1
    and 3 x 3), each followed by a max-feature-map (:class:`MaxFeatureMap`)
    that halves its channels, four 2 x 2 max-poolings, batch
    normalisation as in the paper's Table 1 (:data:`LCNN_LAYERS`), then
    FC(160) -> MFM(80) -> batch norm -> dropout -> one sigmoid unit. The
    convolutions are 'same'-padded, so any input of at least 16 x 16 works.

    Input features are standardised per row (feature) with statistics
    learned in ``fit``, like the Custom-CNN's.

    Parameters
    ----------
    dense_units : int, default=160
        Units of the fully connected layer before its max-feature-map.
    dropout : float, default=0.75
        Dropout rate before the output (the paper's 0.75).
    learning_rate : float, default=1e-4
        Adam's learning rate (the ASVspoof 2021 baseline's 3e-4 with
        decay; 1e-4 here, as the library's other networks).
    epochs : int, default=50
        Passes over the training data.
    batch_size : int, default=32
        Samples per gradient step.
    validation_split : float, default=0.0
        Fraction of the training data held out to report ``val_loss``.
    early_stopping : bool, default=False
        Stop when the monitored loss stops improving.
    patience : int, default=5
        Epochs without improvement before early stopping.
    class_weight : dict, "balanced" or None, default=None
        Weights of the classes in the loss.
    random_state : int, RandomState instance or None, default=None
        Seeds weights, dropout and shuffling.
    verbose : int or "tqdm", default=0
        Keras' progress output, or ``"tqdm"`` for a tqdm bar over the
        epochs (``tqdm.keras.TqdmCallback``).
    %(keras_fit_parameters)s

    Attributes
    ----------
    classes_ : ndarray of shape (2,)
        The labels; ``predict_proba`` columns follow this order.
    model_ : keras.Model
        The trained network.
    history_ : dict
        Per-epoch ``loss`` and each of ``metrics`` (with ``val_`` twins
        when ``validation_split`` is set).
    feature_encoder_ : PerFrequencyScaler
        The fitted per-row standardiser.

    See Also
    --------
    skdeepfake.LFCC : the front-end of the LFCC-LCNN baseline.
    CustomCNNClassifier : the study's CNN.
    AASISTClassifier : an end-to-end network on the raw waveform.

    Notes
    -----
    X is ``(n, n_features, n_frames)``, e.g. from
    ``LFCC(output="frames")`` (60 x 201 for 2-s clips), or
    ``(n, height, width, channels)``.

    References
    ----------
    .. [1] G. Lavrentyeva, S. Novoselov, A. Tseren, M. Volkova, A. Gorlanov
       and A. Kozlov, "STC antispoofing systems for the ASVspoof2019
       challenge", Interspeech 2019.
    .. [2] X. Wu, R. He, Z. Sun and T. Tan, "A light CNN for deep face
       representation with noisy labels", IEEE TIFS 13(11), 2018.

    Examples
    --------
    >>> import numpy as np
    >>> from skdeepfake.models import LCNNClassifier
    >>> rng = np.random.default_rng(0)
    >>> X = rng.normal(size=(8, 20, 32)).astype(np.float32)
    >>> y = np.array([0, 1] * 4)
    >>> lcnn = LCNNClassifier(epochs=1, random_state=0).fit(X, y)
    >>> lcnn.predict_proba(X).shape
    (8, 2)
    """

    _parameter_constraints = {
        **KERAS_PARAMETER_CONSTRAINTS,
        "dense_units": [Interval(Integral, 2, None, closed="left")],
        "dropout": [Interval(Real, 0, 1, closed="left")],
    }

    def __init__(
        self,
        dense_units=160,
        dropout=0.75,
        learning_rate=1e-4,
        epochs=50,
        batch_size=32,
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
        self.dense_units = dense_units
        self.dropout = dropout
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

    def _check_input_shape(self, shape):
        if len(shape) not in (3, 4):
            raise ValueError(
                "LCNNClassifier needs frame-level features of shape (n, n_features, "
                f"n_frames) or (n, height, width, channels); got X with shape {shape}. "
                "Use LFCC(output='frames')."
            )
        if min(shape[1], shape[2]) < 16:
            raise ValueError(
                f"LCNNClassifier needs inputs of at least 16 x 16 (four 2 x 2 "
                f"poolings); got {shape[1]} x {shape[2]}."
            )
        if self.dense_units % 2:
            raise ValueError(f"dense_units={self.dense_units} must be even: its max-feature-map halves it.")

    def _make_input_encoder(self):
        return PerFrequencyScaler()

    def _build_network(self, input_shape, seeds):
        height, width = input_shape[:2]
        channels = input_shape[2] if len(input_shape) == 3 else 1

        def init():
            return keras.initializers.GlorotUniform(seed=next(seeds))

        model = keras.Sequential(name="lcnn")
        model.add(keras.Input(shape=(height, width, channels)))
        for layer in LCNN_LAYERS:
            if layer[0] == "conv":
                _, kernel, filters = layer
                model.add(keras.layers.Conv2D(filters, kernel, padding="same", kernel_initializer=init()))
                model.add(MaxFeatureMap())
            elif layer[0] == "pool":
                model.add(keras.layers.MaxPooling2D(2))
            else:
                model.add(keras.layers.BatchNormalization())
        model.add(keras.layers.Flatten())
        model.add(keras.layers.Dense(self.dense_units, kernel_initializer=init()))
        model.add(MaxFeatureMap())
        model.add(keras.layers.BatchNormalization())
        model.add(keras.layers.Dropout(self.dropout, seed=next(seeds)))
        model.add(keras.layers.Dense(1, activation="sigmoid", kernel_initializer=init()))
        return model
