"""The study's Custom-CNN on log-mel spectrograms."""

from numbers import Integral, Real

from sklearn.utils._param_validation import Interval, validate_params

from ..utils._docstring import Substitution
from ._keras import KerasDetector, keras
from ._params import KERAS_FIT_PARAMETERS_DOC, KERAS_PARAMETER_CONSTRAINTS
from ._scaling import PerFrequencyScaler  # re-exported: its documented home before 0.2

__all__ = ["CustomCNNClassifier", "PerFrequencyScaler", "SpecAugment", "min_input_size"]


@keras.saving.register_keras_serializable(package="skdeepfake")
class SpecAugment(keras.layers.Layer):
    """SpecAugment-style masking, active only while training.

    Each call masks ``n_masks`` random bands of frequency rows and
    ``n_masks`` random spans of time frames in every sample, each up to
    ``max_fraction`` of that axis, by setting them to 0 (the mean after
    standardisation). At inference the layer passes its input through.

    Parameters
    ----------
    n_masks : int, default=2
        Frequency masks and time masks per sample.
    max_fraction : float, default=0.1
        Largest mask width as a fraction of the axis.
    seed : int or None, default=None
        Seed of the masks.

    Examples
    --------
    >>> import numpy as np
    >>> from skdeepfake.models.cnn import SpecAugment
    >>> x = np.ones((1, 50, 60, 1), np.float32)
    >>> masked = np.asarray(SpecAugment(seed=0)(x, training=True))
    >>> bool((masked == 0).any()), bool((np.asarray(SpecAugment()(x)) == x).all())
    (True, True)
    """

    def __init__(self, n_masks=2, max_fraction=0.1, seed=None, **kwargs):
        super().__init__(**kwargs)
        self.n_masks = n_masks
        self.max_fraction = max_fraction
        self.seed = seed
        self.seed_generator = keras.random.SeedGenerator(seed)

    def _mask(self, x, axis):
        ops = keras.ops
        batch, size = ops.shape(x)[0], ops.shape(x)[axis]
        max_width = max(int(size * self.max_fraction), 1)
        widths = ops.floor(keras.random.uniform((batch, 1), 0, max_width + 1, seed=self.seed_generator))
        starts = ops.floor(keras.random.uniform((batch, 1), seed=self.seed_generator) * (size - widths + 1))
        position = ops.cast(ops.arange(size), "float32")[None, :]
        masked = ops.logical_and(position >= starts, position < starts + widths)
        shape = (-1, size, 1, 1) if axis == 1 else (-1, 1, size, 1)
        return ops.where(ops.reshape(masked, shape), ops.zeros_like(x), x)

    def call(self, inputs, training=None):
        if not training:
            return inputs
        x = inputs
        for _ in range(self.n_masks):
            x = self._mask(x, axis=1)
            x = self._mask(x, axis=2)
        return x

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        config = super().get_config()
        config.update(n_masks=self.n_masks, max_fraction=self.max_fraction, seed=self.seed)
        return config


@validate_params(
    {
        "n_blocks": [Interval(Integral, 1, None, closed="left")],
        "kernel_size": [Interval(Integral, 1, None, closed="left")],
        "pool_size": [Interval(Integral, 1, None, closed="left")],
    },
    prefer_skip_nested_validation=True,
)
def min_input_size(n_blocks=4, kernel_size=3, pool_size=2):
    """Smallest height and width that survive the CNN's conv/pool blocks.

    Each block is a 'valid' convolution (losing ``kernel_size - 1``) and a
    'valid' max-pooling (dividing by ``pool_size``, rounding down).

    Parameters
    ----------
    n_blocks : int, default=4
    kernel_size : int, default=3
    pool_size : int, default=2

    Returns
    -------
    int

    Examples
    --------
    >>> from skdeepfake.models.cnn import min_input_size
    >>> min_input_size()
    46
    """
    size = 1
    for _ in range(n_blocks):
        size = size * pool_size + kernel_size - 1
    return size


@Substitution(keras_fit_parameters=KERAS_FIT_PARAMETERS_DOC)
class CustomCNNClassifier(KerasDetector):
    """The study's Custom-CNN: four conv/pool blocks on log-mel spectrograms.

    Conv2D(3x3, ReLU) + MaxPooling(2x2) with 32, 64, 128 and 128 filters,
    then Flatten -> Dense(512, ReLU) -> Dropout(0.5) -> Dense(1, sigmoid);
    Adam (learning rate 1e-4), binary cross-entropy, batch 32, 50 epochs.
    Convolutions and pooling use Keras' default 'valid' padding, as the code
    behind the study's results does (its text says 'same'). On the study's
    own 224x224x3 images the network has 9,679,041 parameters.

    Inputs are standardised per frequency band with statistics learned in
    ``fit`` (:class:`PerFrequencyScaler`). Built on scikeras'
    ``KerasClassifier``; a true scikit-learn classifier.

    Parameters
    ----------
    filters : tuple of int, default=(32, 64, 128, 128)
        Filters of each conv block; one block per entry.
    kernel_size : int, default=3
        Height and width of the convolution kernels.
    pool_size : int, default=2
        Height and width of the max-pooling windows.
    dense_units : int, default=512
        Units of the dense layer after flattening.
    dropout : float, default=0.5
        Dropout rate before the output.
    spec_augment : bool, default=False
        Mask random frequency bands and time spans of each training input
        (:class:`SpecAugment`); inactive at prediction.
    mixed_precision : bool, default=False
        Compute in float16 with float32 weights ("mixed_float16") and loss
        scaling: faster training on GPUs with tensor cores. On a CPU it is
        slower; leave it off there. The output layer stays float32.
    learning_rate : float, default=1e-4
        Adam's learning rate.
    epochs : int, default=50
        Passes over the training data.
    batch_size : int, default=32
        Samples per gradient step (and per predict batch).
    validation_split : float, default=0.0
        Fraction of the training data (the last rows) held out to report
        ``val_loss`` and drive early stopping.
    early_stopping : bool, default=False
        Stop when the monitored loss stops improving for ``patience``
        epochs and keep the best weights.
    patience : int, default=5
        Epochs without improvement before early stopping.
    class_weight : dict, "balanced" or None, default=None
        Weights of the classes in the loss.
    random_state : int, RandomState instance or None, default=None
        Seeds weights, dropout and shuffling.
    verbose : int or "tqdm", default=0
        Keras' progress output during fit (0 silent, 1 progress bar, 2 one
        line per epoch), or ``"tqdm"`` for a tqdm bar over the epochs
        (``tqdm.keras.TqdmCallback``).
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
        The fitted per-band standardiser.

    See Also
    --------
    skdeepfake.MelSpectrogram : the study's input for this network.
    DNNClassifier : the study's other network.
    LCNNClassifier : the ASVspoof 2021 baseline network.

    Notes
    -----
    X is ``(n, n_mels, n_frames)`` from :class:`~skdeepfake.MelSpectrogram`,
    or ``(n, height, width, channels)``. Both height and width must be at
    least :func:`min_input_size` (46 for the default four blocks); 2-second
    16 kHz clips give 128 x 63.

    References
    ----------
    .. [1] Audio Deepfake Detection using Deep Neural Network and Custom Convolutional Neural
       Networks (the study skdeepfake grew out of).

    Examples
    --------
    >>> import numpy as np
    >>> from skdeepfake import CustomCNNClassifier
    >>> rng = np.random.default_rng(0)
    >>> X = rng.normal(size=(8, 48, 48)).astype(np.float32)
    >>> y = np.array([0, 1] * 4)
    >>> cnn = CustomCNNClassifier(filters=(4, 4, 4, 4), dense_units=8, epochs=1,
    ...                           random_state=0).fit(X, y)
    >>> cnn.predict_proba(X).shape
    (8, 2)
    """

    _parameter_constraints = {
        **KERAS_PARAMETER_CONSTRAINTS,
        "filters": [tuple, list],
        "kernel_size": [Interval(Integral, 1, None, closed="left")],
        "pool_size": [Interval(Integral, 1, None, closed="left")],
        "dense_units": [Interval(Integral, 1, None, closed="left")],
        "dropout": [Interval(Real, 0, 1, closed="left")],
        "spec_augment": ["boolean"],
        "mixed_precision": ["boolean"],
    }

    def __init__(
        self,
        filters=(32, 64, 128, 128),
        kernel_size=3,
        pool_size=2,
        dense_units=512,
        dropout=0.5,
        spec_augment=False,
        mixed_precision=False,
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
        self.filters = filters
        self.kernel_size = kernel_size
        self.pool_size = pool_size
        self.dense_units = dense_units
        self.dropout = dropout
        self.spec_augment = spec_augment
        self.mixed_precision = mixed_precision
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
        if not self.filters or not all(isinstance(f, Integral) and f >= 1 for f in self.filters):
            raise ValueError(
                f"filters={self.filters!r} must be a non-empty tuple of positive ints (the "
                "filters of each conv block)."
            )
        if len(shape) not in (3, 4):
            raise ValueError(
                "CustomCNNClassifier needs spectrograms of shape (n, n_mels, n_frames) "
                f"or (n, height, width, channels); got X with shape {shape}. Use "
                "MelSpectrogram() (without flatten)."
            )
        smallest = min_input_size(len(self.filters), self.kernel_size, self.pool_size)
        if min(shape[1], shape[2]) < smallest:
            raise ValueError(
                f"CustomCNNClassifier with {len(self.filters)} conv/pool blocks needs "
                f"inputs of at least {smallest} x {smallest}; got {shape[1]} x "
                f"{shape[2]}. Use longer clips or more mel bands, or fewer blocks "
                "(filters=...)."
            )

    def _make_input_encoder(self):
        return PerFrequencyScaler()

    def _build_network(self, input_shape, seeds):
        height, width = input_shape[:2]
        channels = input_shape[2] if len(input_shape) == 3 else 1
        policy = "mixed_float16" if self.mixed_precision else None
        model = keras.Sequential(name="custom_cnn")
        model.add(keras.Input(shape=(height, width, channels)))
        if self.spec_augment:
            model.add(SpecAugment(seed=next(seeds)))
        for n_filters in self.filters:
            model.add(
                keras.layers.Conv2D(
                    n_filters,
                    self.kernel_size,
                    activation="relu",
                    kernel_initializer=keras.initializers.GlorotUniform(seed=next(seeds)),
                    dtype=policy,
                )
            )
            model.add(keras.layers.MaxPooling2D(self.pool_size, dtype=policy))
        model.add(keras.layers.Flatten())
        model.add(
            keras.layers.Dense(
                self.dense_units,
                activation="relu",
                kernel_initializer=keras.initializers.GlorotUniform(seed=next(seeds)),
                dtype=policy,
            )
        )
        model.add(keras.layers.Dropout(self.dropout, seed=next(seeds), dtype=policy))
        model.add(
            keras.layers.Dense(
                1,
                activation="sigmoid",
                kernel_initializer=keras.initializers.GlorotUniform(seed=next(seeds)),
                dtype="float32",  # a float32 probability, also under mixed precision
            )
        )
        return model
