"""RawNet2: sinc filters, residual blocks with filter-wise scaling and a GRU on the raw waveform (Tak et al., 2021)."""

from numbers import Integral

from sklearn.utils._param_validation import Interval

from ..utils._bounds import SAMPLE_RATE
from ..utils._docstring import Substitution
from ._keras import keras
from ._params import KERAS_FIT_PARAMETERS_DOC, KERAS_PARAMETER_CONSTRAINTS
from ._sinc import SincFilterbank, TwoClassSigmoid, WaveformDetector

__all__ = ["RawNet2Classifier", "RawNet2FrontEnd", "FMSResidualBlock", "build_rawnet2"]

ops = keras.ops


@keras.saving.register_keras_serializable(package="skdeepfake")
class RawNet2FrontEnd(keras.layers.Layer):
    """Sinc filters, magnitude, max-pooling by 3, batch norm and SELU: ``(n, samples)`` -> ``(n, frames, filters)``."""

    def __init__(self, n_filters, kernel_size, sr, **kwargs):
        super().__init__(**kwargs)
        self.n_filters, self.kernel_size, self.sr = int(n_filters), int(kernel_size), int(sr)
        self.sinc = SincFilterbank(n_filters, kernel_size, sr, name="Sinc_conv")
        self.first_bn = keras.layers.BatchNormalization(epsilon=1e-5, momentum=0.9, name="first_bn")

    def build(self, input_shape):
        self.sinc.build(input_shape)
        self.first_bn.build((None, None, self.n_filters))

    def call(self, x, training=False):
        x = ops.max_pool(ops.abs(self.sinc(x)), 3, strides=3, padding="valid")
        return ops.selu(self.first_bn(x, training=training))

    def compute_output_shape(self, input_shape):
        frames = self.sinc.compute_output_shape(input_shape)[1]
        return (input_shape[0], None if frames is None else frames // 3, self.n_filters)

    def get_config(self):
        return {
            **super().get_config(),
            "n_filters": self.n_filters,
            "kernel_size": self.kernel_size,
            "sr": self.sr,
        }


@keras.saving.register_keras_serializable(package="skdeepfake")
class FMSResidualBlock(keras.layers.Layer):
    r"""RawNet2's residual block and its filter-wise feature map scaling, on ``(n, frames, channels)``.

    conv (3) -> batch norm -> leaky ReLU (0.3) -> conv (3), plus the input
    (through a 1-tap convolution when the channels change), max-pooling by 3;
    then :math:`x \leftarrow x \odot s + s` with
    :math:`s = \sigma(W \bar{x} + b)` from the mean over time. As in the
    reference, the first convolution reads the block's input itself (its
    batch norm before it is unused and omitted here).
    """

    def __init__(self, in_channels, out_channels, **kwargs):
        super().__init__(**kwargs)
        self.in_channels, self.out_channels = int(in_channels), int(out_channels)
        self.conv1 = keras.layers.Conv1D(out_channels, 3, padding="same", name="conv1")
        self.bn2 = keras.layers.BatchNormalization(epsilon=1e-5, momentum=0.9, name="bn2")
        self.conv2 = keras.layers.Conv1D(out_channels, 3, padding="same", name="conv2")
        self.conv_downsample = (
            keras.layers.Conv1D(out_channels, 1, name="conv_downsample")
            if in_channels != out_channels
            else None
        )
        self.fc_attention = keras.layers.Dense(out_channels, name="fc_attention")

    def build(self, input_shape):
        self.conv1.build((None, None, self.in_channels))
        self.bn2.build((None, None, self.out_channels))
        self.conv2.build((None, None, self.out_channels))
        if self.conv_downsample is not None:
            self.conv_downsample.build((None, None, self.in_channels))
        self.fc_attention.build((None, self.out_channels))

    def call(self, x, training=False):
        out = ops.leaky_relu(self.bn2(self.conv1(x), training=training), negative_slope=0.3)
        out = self.conv2(out)
        if self.conv_downsample is not None:
            x = self.conv_downsample(x)
        out = ops.max_pool(out + x, 3, strides=3, padding="valid")
        scale = ops.expand_dims(ops.sigmoid(self.fc_attention(ops.mean(out, axis=1))), 1)
        return out * scale + scale

    def compute_output_shape(self, input_shape):
        n, frames, _ = input_shape
        return (n, None if frames is None else frames // 3, self.out_channels)

    def get_config(self):
        return {**super().get_config(), "in_channels": self.in_channels, "out_channels": self.out_channels}


def build_rawnet2(
    input_length,
    *,
    sinc_filters=20,
    first_conv=1024,
    channels=(20, 128),
    gru_units=1024,
    gru_layers=3,
    fc_units=1024,
    sr=16000,
    seeds=None,
):
    """The uncompiled RawNet2 network: ``(n, input_length)`` -> P(``classes_[1]``).

    A ``keras.Sequential`` of :class:`RawNet2FrontEnd`, six
    :class:`FMSResidualBlock` (two of ``channels[0]``, four of
    ``channels[1]``), batch norm and SELU, ``gru_layers`` GRUs (the last
    step of the last), a linear layer of ``fc_units``, the two logits (layer
    ``"logits"``) and :class:`~skdeepfake.models._sinc.TwoClassSigmoid`.
    """
    seeds = seeds if seeds is not None else iter(lambda: None, 0)

    def init():
        return keras.initializers.GlorotUniform(seed=next(seeds))

    small, large = channels
    model = keras.Sequential(name="rawnet2")
    model.add(keras.Input(shape=(input_length,)))
    model.add(RawNet2FrontEnd(sinc_filters, first_conv, sr, name="front_end"))
    for i, (c_in, c_out) in enumerate(
        [
            (sinc_filters, small),
            (small, small),
            (small, large),
            (large, large),
            (large, large),
            (large, large),
        ]
    ):
        model.add(FMSResidualBlock(c_in, c_out, name=f"block{i}"))
    model.add(keras.layers.BatchNormalization(epsilon=1e-5, momentum=0.9, name="bn_before_gru"))
    model.add(keras.layers.Activation("selu"))
    for i in range(gru_layers):
        model.add(
            keras.layers.GRU(
                gru_units,
                return_sequences=i < gru_layers - 1,
                kernel_initializer=init(),
                recurrent_initializer=keras.initializers.Orthogonal(seed=next(seeds)),
                name=f"gru_{i}",
            )
        )
    model.add(keras.layers.Dense(fc_units, kernel_initializer=init(), name="fc1_gru"))
    model.add(keras.layers.Dense(2, kernel_initializer=init(), name="logits"))
    model.add(TwoClassSigmoid(name="p"))
    return model


@Substitution(keras_fit_parameters=KERAS_FIT_PARAMETERS_DOC)
class RawNet2Classifier(WaveformDetector):
    """RawNet2, the ASVspoof 2021 end-to-end baseline, on the raw waveform.

    The network of Tak et al. (2021) as the reference implementations
    compute it (the ASVspoof 2021 baseline, and ``RawNet2Spoof`` of
    https://github.com/clovaai/aasist): 20 fixed mel-spaced sinc filters of
    1,025 taps (:func:`~skdeepfake.models._sinc.sinc_filters`), magnitude,
    max-pooling by 3, batch norm and SELU; six residual blocks with
    filter-wise feature map scaling (:class:`FMSResidualBlock`); batch norm
    and SELU; three GRU layers of 1,024 units, whose last step goes
    through a linear layer of 1,024 units to two logits. The published
    configuration has 17,620,562 parameters in its forward pass (the
    reference's 17,621,410 also count 848 of unused batch norms). Input is
    the raw waveform, ``(n, n_samples)``: 64,600 samples by default in
    ``make_detector("rawnet2")``.

    Parameters
    ----------
    sinc_filters : int, default=20
        Sinc filters.
    first_conv : int, default=1024
        Their taps (raised to an odd 1,025).
    channels : tuple of int, default=(20, 128)
        Channels of the first two residual blocks and of the other four.
    gru_units : int, default=1024
        Units of each GRU layer.
    gru_layers : int, default=3
        GRU layers.
    fc_units : int, default=1024
        Units of the linear layer before the logits.
    sr : int, default=16000
        Sample rate the sinc filters are designed for; the loader's.
    learning_rate : float, default=1e-4
        Adam's learning rate (the reference's).
    epochs : int, default=100
        Passes over the training data (the reference's).
    batch_size : int, default=32
        Samples per gradient step (the reference's).
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
        Keras' progress output, or ``"tqdm"`` for a bar over the epochs.
    %(keras_fit_parameters)s

    Attributes
    ----------
    classes_ : ndarray of shape (2,)
        The labels; ``predict_proba`` columns follow this order.
    model_ : keras.Model
        The network; layer ``"logits"`` gives the two logits in ``classes_`` order.
    history_ : dict
        Per-epoch ``loss`` and metrics.
    feature_encoder_ : FunctionTransformer
        The identity: the network reads the waveform as it is.

    See Also
    --------
    AASISTClassifier : Graph attention on the same sinc front-end.

    References
    ----------
    .. [1] H. Tak, J. Patino, M. Todisco, A. Nautsch, N. Evans and A. Larcher,
       "End-to-end anti-spoofing with RawNet2", ICASSP 2021.
    .. [2] J. Jung, S. Kim, H. Shim, J. Kim and H.-J. Yu, "Improved RawNet with
       feature map scaling for text-independent speaker verification using
       raw waveforms", Interspeech 2020.

    Examples
    --------
    >>> from skdeepfake.pipelines import make_detector
    >>> detector = make_detector("rawnet2", gru_units=256, epochs=20)
    >>> [name for name, _ in detector.steps], detector.named_steps["loader"].n_samples_out
    (['loader', 'model'], 64600)
    """

    # Tens of MB of activations per 64,600-sample input in predict.
    _predict_chunk = 16

    _parameter_constraints = {
        **KERAS_PARAMETER_CONSTRAINTS,
        "sinc_filters": [Interval(Integral, 1, 1024, closed="both")],
        "first_conv": [Interval(Integral, 1, 2**16, closed="both")],
        "channels": [tuple],
        "gru_units": [Interval(Integral, 1, 2**14, closed="both")],
        "gru_layers": [Interval(Integral, 1, 16, closed="both")],
        "fc_units": [Interval(Integral, 1, 2**14, closed="both")],
        "sr": [SAMPLE_RATE],
    }

    def __init__(
        self,
        sinc_filters=20,
        first_conv=1024,
        channels=(20, 128),
        gru_units=1024,
        gru_layers=3,
        fc_units=1024,
        sr=16000,
        learning_rate=1e-4,
        epochs=100,
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
        self.sinc_filters = sinc_filters
        self.first_conv = first_conv
        self.channels = channels
        self.gru_units = gru_units
        self.gru_layers = gru_layers
        self.fc_units = fc_units
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

    _registry_name = "rawnet2"

    def _first_conv(self):
        return self.first_conv

    def _check_input_shape(self, shape):
        if len(self.channels) != 2 or not all(
            isinstance(c, Integral) and 0 < c <= 4096 for c in self.channels
        ):
            raise ValueError(f"channels={self.channels!r}: give two channel counts between 1 and 4096.")
        super()._check_input_shape(shape)

    def _build_network(self, input_shape, seeds):
        return build_rawnet2(
            input_shape[0],
            sinc_filters=self.sinc_filters,
            first_conv=self.first_conv,
            channels=tuple(self.channels),
            gru_units=self.gru_units,
            gru_layers=self.gru_layers,
            fc_units=self.fc_units,
            sr=self.sr,
            seeds=seeds,
        )
