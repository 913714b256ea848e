"""The study's DNN: a multilayer perceptron on handcrafted features."""

from numbers import Integral, Real

from sklearn.preprocessing import StandardScaler
from sklearn.utils._param_validation import Interval

from ..utils._docstring import Substitution
from ._keras import KerasDetector, keras
from ._params import KERAS_FIT_PARAMETERS_DOC, KERAS_PARAMETER_CONSTRAINTS

__all__ = ["DNNClassifier"]


@Substitution(keras_fit_parameters=KERAS_FIT_PARAMETERS_DOC)
class DNNClassifier(KerasDetector):
    """Dense neural network on a feature matrix, as in the study.

    Dense(128, relu) -> Dropout(0.5) -> Dense(64, relu) -> Dropout(0.5) ->
    Dense(1, sigmoid), trained with Adam (learning rate 1e-4) on binary
    cross-entropy, batch 32, 50 epochs. Inputs are standardised with
    statistics learned in ``fit``. Built on scikeras' ``KerasClassifier``
    (Keras 3, TensorFlow backend) and a true scikit-learn classifier:
    ``is_classifier`` is True, so cross-validation stratifies.

    Parameters
    ----------
    hidden_layer_sizes : tuple of int, default=(128, 64)
        Units of each hidden ReLU layer.
    dropout : float, default=0.5
        Dropout rate after each hidden layer.
    learning_rate : float, default=1e-4
        Adam's learning rate.
    epochs : int, default=50
        Passes over the training data.
    batch_size : int, default=32
        Samples per gradient step (and per predict batch).
    validation_split : float, default=0.0
        Fraction of the training data (the last rows) held out to report
        ``val_loss`` in ``history_`` and to drive early stopping.
    early_stopping : bool, default=False
        Stop when the monitored loss (``val_loss`` if ``validation_split``
        else ``loss``) has not improved for ``patience`` epochs, and keep the
        best weights.
    patience : int, default=5
        Epochs without improvement before early stopping.
    class_weight : dict, "balanced" or None, default=None
        Weights of the classes in the loss.
    random_state : int, RandomState instance or None, default=None
        Seeds weights, dropout and shuffling: the same int gives the same
        predictions from run to run on CPU.
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
    n_features_in_ : int
        Number of features seen in ``fit``.
    feature_encoder_ : sklearn.preprocessing.StandardScaler
        The fitted input standardiser.

    See Also
    --------
    skdeepfake.HandcraftedFeatures : The study's inputs for this network.
    skdeepfake.pipelines.make_dnn_pipeline : Audio-to-prediction pipeline.

    References
    ----------
    .. [1] Audio Deepfake Detection using Deep Neural Network and Custom Convolutional Neural
       Networks (the study skdeepfake grew out of).

    Examples
    --------
    >>> import numpy as np
    >>> from skdeepfake import DNNClassifier
    >>> rng = np.random.default_rng(0)
    >>> X = rng.normal(size=(40, 5)).astype(np.float32)
    >>> y = np.where(X[:, 0] > 0, "fake", "real")
    >>> clf = DNNClassifier(epochs=3, random_state=0).fit(X, y)
    >>> clf.classes_.tolist(), clf.predict_proba(X[:2]).shape
    (['fake', 'real'], (2, 2))
    """

    _parameter_constraints = {
        **KERAS_PARAMETER_CONSTRAINTS,
        "hidden_layer_sizes": [tuple, list],
        "dropout": [Interval(Real, 0, 1, closed="left")],
    }

    def __init__(
        self,
        hidden_layer_sizes=(128, 64),
        dropout=0.5,
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
        self.hidden_layer_sizes = hidden_layer_sizes
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
        if len(shape) != 2:
            raise ValueError(
                f"DNNClassifier needs a 2-D feature matrix (n_samples, n_features); "
                f"got X with shape {shape}. Use HandcraftedFeatures, or "
                "MelSpectrogram(flatten=True)."
            )
        if not all(isinstance(u, Integral) and u >= 1 for u in self.hidden_layer_sizes):
            raise ValueError(f"hidden_layer_sizes must hold positive ints, got {self.hidden_layer_sizes!r}.")

    def _make_input_encoder(self):
        return StandardScaler()

    def _build_network(self, input_shape, seeds):
        layers = [keras.Input(shape=tuple(input_shape))]
        for units in self.hidden_layer_sizes:
            layers.append(
                keras.layers.Dense(
                    units,
                    activation="relu",
                    kernel_initializer=keras.initializers.GlorotUniform(seed=next(seeds)),
                )
            )
            layers.append(keras.layers.Dropout(self.dropout, seed=next(seeds)))
        layers.append(
            keras.layers.Dense(
                1,
                activation="sigmoid",
                kernel_initializer=keras.initializers.GlorotUniform(seed=next(seeds)),
            )
        )
        return keras.Sequential(layers, name="dnn")
