"""The one module that touches scikeras.

scikeras 0.13 is the last release and is unmaintained. On scikit-learn >= 1.6
its ``KerasClassifier`` declares no tags (it still uses the removed
``_more_tags``/``_estimator_type``), so ``sklearn.base.is_classifier`` is
False: cross-validation then silently uses KFold instead of StratifiedKFold
and meta-estimators that need a classifier refuse it. :class:`KerasDetector`
fixes that and fixes the rest of the wrapper for our binary detectors:

* correct ``__sklearn_tags__`` (a binary classifier);
* input validation with :func:`sklearn.utils.validation.validate_data`;
* the network is built and compiled by the subclass from explicit,
  tunable constructor parameters (``learning_rate``, ``dropout``, ...);
* seeded weights, dropout and shuffling, so one ``random_state`` gives one
  model, without scikeras' switch to TensorFlow's slower deterministic
  kernels (which it was also seen to leave on, process-wide);
* ``predict_proba`` of shape ``(n, 2)`` for one sample too (scikeras
  squeezes it to ``(2,)``), computed by calling the network directly
  instead of the slow ``Model.predict``;
* early stopping, Keras callbacks and metrics from constructor parameters
  (fresh copies for every fit, so estimators stay clone-safe), and tqdm's
  own Keras progress bar (``tqdm.keras.TqdmCallback``);
* export and import of the fitted state for pickle-free model files
  (``_skdf_export`` / ``_skdf_import``).

Everything else the detectors need is plain Keras, reached through
:func:`skdeepfake.models._tf.import_keras`. Replacing scikeras means replacing this
module only.
"""

import contextlib
import copy
import itertools
import tempfile
from pathlib import Path

import numpy as np
from sklearn.base import _fit_context
from sklearn.exceptions import NotFittedError
from sklearn.utils import check_random_state
from sklearn.utils._tags import ClassifierTags
from sklearn.utils.validation import check_is_fitted, validate_data

from ..base import BinaryDetectorMixin
from ..labels import spoof_column
from ..utils._state import ExportedState
from . import _backend
from ._metrics_data import metrics_from_data, metrics_to_data
from ._ocsoftmax import OCSoftmaxLoss, with_oc_softmax
from ._tf import import_keras, quiet_stderr

keras = import_keras()

with quiet_stderr():  # scikeras imports TensorFlow, whatever the backend
    from scikeras.wrappers import KerasClassifier  # noqa: E402

__all__ = ["KerasDetector", "keras"]


class KerasDetector(BinaryDetectorMixin, ExportedState, KerasClassifier):
    """Base class of the Keras detectors: a binary scikit-learn classifier.

    Subclasses define ``__init__`` with explicit parameters (which must
    include ``learning_rate``, ``epochs``, ``batch_size``,
    ``validation_split``, ``early_stopping``, ``patience``, ``class_weight``,
    ``random_state``, ``verbose`` and ``objective``), and implement

    * ``_build_network(input_shape, seeds)``: the uncompiled Keras model,
      ending in one sigmoid unit (or a ``Dense`` layer and what makes one
      unit of it: ``objective="oc-softmax"`` replaces that last ``Dense``
      layer and what follows); ``seeds`` is an iterator of layer seeds;
    * ``_make_input_encoder()``: an unfitted scikit-learn transformer that
      standardises X and gives it the network's input shape;
    * ``_check_input_shape(shape)``: raise a ValueError for unusable X.

    The network's output is the probability of ``classes_[1]``. Subclasses
    share the documentation of ``callbacks`` and ``metrics`` with
    ``@Substitution(keras_fit_parameters=KERAS_FIT_PARAMETERS_DOC)``
    (:mod:`skdeepfake.utils._docstring`, the library's one mechanism).

    See Also
    --------
    scikeras.wrappers.KerasClassifier : the wrapper it builds on (scikeras 0.13).
    DNNClassifier, CustomCNNClassifier : two of its subclasses, the study's networks.
    network_gradients : gradients of a fitted network, for explanations.
    """

    # scikeras reads these settings as attributes. Held on the class, they
    # are fixed choices of this library rather than tunable parameters.
    model = None
    build_fn = None
    warm_start = False
    optimizer = "adam"
    loss = "binary_crossentropy"
    shuffle = True
    run_eagerly = False
    validation_batch_size = None
    #: Samples per network call in predict: bounds its memory (a subclass whose
    #: activations per sample are large, as on raw waveforms, sets fewer).
    _predict_chunk = 256

    # -- scikeras hooks -------------------------------------------------

    def _keras_build_fn(self, meta):
        seeds = _layer_seeds(self.random_state)
        model = self._build_network(meta["X_shape_"][1:], seeds)
        loss = "binary_crossentropy"
        if self.objective == "oc-softmax":
            fake_column = spoof_column(self.classes_)
            model = with_oc_softmax(model, fake_column, next(seeds))
            loss = OCSoftmaxLoss(fake_column)
        optimizer = keras.optimizers.Adam(learning_rate=self.learning_rate)
        if getattr(self, "mixed_precision", False):
            # float16 gradients underflow without loss scaling.
            optimizer = keras.optimizers.LossScaleOptimizer(optimizer)
        model.compile(
            optimizer=optimizer,
            loss=loss,
            metrics=_fresh_metrics(self.metrics),
            # True on an instance: no traced train step (tracing a large network costs more
            # than a handful of eager steps; tests set it for their one-batch fits).
            run_eagerly=self.run_eagerly,
        )
        return model

    def _build_keras_model(self):
        # Layers get explicit seeds in _keras_build_fn; scikeras' own seeding
        # context (which also forces slow deterministic kernels) is bypassed.
        with _bypass_scikeras_seeding(self):
            return super()._build_keras_model()

    def _fit_keras_model(self, *args, **kwargs):
        if self.verbose == "tqdm":
            kwargs["verbose"] = 0  # tqdm's bar replaces Keras' output
        self._initialize_callbacks()  # fresh copies for this fit (partial_fit too)
        try:
            with _bypass_scikeras_seeding(self) as seed, _backend.seeded(seed):
                result = super()._fit_keras_model(*args, **kwargs)
        finally:
            # The fit's callbacks hold the network and open bars: not fitted state.
            self._fit_callbacks = []
        _keras_history_names(self)
        return result

    @property
    def feature_encoder(self):
        return self._make_input_encoder()

    def _initialize_callbacks(self):
        super()._initialize_callbacks()
        # Copies: a callback given as a parameter is never bound to a model,
        # so the estimator can be cloned, refitted and pickled.
        self._fit_callbacks = [copy.deepcopy(cb) for cb in self._fit_callbacks]
        if self.verbose == "tqdm":
            from tqdm.keras import TqdmCallback

            self._fit_callbacks.append(
                TqdmCallback(verbose=0, desc=f"training {type(self).__name__}", leave=False, disable=None)
            )
        if self.early_stopping:
            monitor = "val_loss" if self.validation_split else "loss"
            self._fit_callbacks.append(
                keras.callbacks.EarlyStopping(
                    monitor=monitor, patience=self.patience, restore_best_weights=True
                )
            )

    def _validate_data(self, X=None, y=None, reset=False, y_numeric=False):
        if X is not None:
            # Keras computes in float32; one dtype for fit and predict.
            kwargs = dict(allow_nd=True, dtype=np.float32, reset=reset)
            if y is not None:
                X, y = validate_data(self, X, y, **kwargs)
            else:
                X = validate_data(self, X, **kwargs)
            self._check_input_shape(X.shape)
        if y is not None and reset:
            self._fit_classes(y)  # the two-class check; scikeras sets classes_ itself below
        if X is not None and y is None and not reset:
            # Predicting: validate_data has checked X already, and scikeras'
            # second full pass is a measurable share of one file's latency.
            # Only its check of the trailing dimensions remains to be done.
            if X.shape[1:] != tuple(self.X_shape_[1:]):
                raise ValueError(
                    f"X has shape {X.shape[1:]} per sample, but this "
                    f"{type(self).__name__} was fitted on {tuple(self.X_shape_[1:])}."
                )
            return X, None
        return super()._validate_data(X, y, reset=reset, y_numeric=y_numeric)

    def _predict_raw(self, X, **kwargs):
        # Keras' Model.predict costs tens of milliseconds per call (it builds
        # a data pipeline each time); the backend's compiled call over
        # bounded chunks (skdeepfake.models._backend) takes a few.
        if not self.initialized_:
            raise NotFittedError(
                f"This {type(self).__name__} instance is not fitted yet. Call "
                "'fit' with appropriate arguments before using this estimator."
            )
        X, _ = self._validate_data(X=X, y=None)
        X = np.asarray(self.feature_encoder_.transform(X), dtype=np.float32)
        network = _backend.predict_function(self.model_, X.shape[1:])
        step = self._predict_chunk
        outputs = [network(X[i : i + step]) for i in range(0, len(X), step)]
        return np.concatenate(outputs, axis=0)

    # -- scikit-learn API -----------------------------------------------

    def predict_proba(self, X):
        """Probability of each class, columns in ``classes_`` order.

        Parameters
        ----------
        X : array-like
            Inputs shaped as in ``fit``.

        Returns
        -------
        ndarray of shape (n_samples, 2)
            Column 1 is the network's sigmoid output, P(``classes_[1]``).
        """
        check_is_fitted(self)
        # scikeras squeezes its output, returning shape (2,) for one sample.
        p = self._predict_raw(X)[:, 0].astype(np.float64)
        return np.column_stack([1.0 - p, p])

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y, sample_weight=None):
        """Build a new network and train it on (X, y).

        Parameters
        ----------
        X : array-like
            Training inputs (see the class docstring for the shape).
        y : array-like of shape (n_samples,)
            Labels of two classes, e.g. 0/1 or "real"/"fake".
        sample_weight : array-like of shape (n_samples,), default=None
            Weights of the samples in the loss.

        Returns
        -------
        self
            The fitted detector.
        """
        return super().fit(X, y, sample_weight=sample_weight)

    @_fit_context(prefer_skip_nested_validation=True)
    def partial_fit(self, X, y, classes=None, sample_weight=None):
        """Train for one more epoch, building the network on the first call.

        Parameters
        ----------
        X : array-like
            Training inputs.
        y : array-like of shape (n_samples,)
            Labels.
        classes : array-like of shape (2,), default=None
            Both labels; needed on the first call if y lacks one.
        sample_weight : array-like of shape (n_samples,), default=None
            Weights of the samples in the loss.

        Returns
        -------
        self
            The detector.
        """
        return super().partial_fit(X, y, classes=classes, sample_weight=sample_weight)

    # -- model files (skdeepfake.persistence) -------------------------------

    def _skdf_export(self):
        """(state, blobs): classes, input shape, history, the input encoder's
        statistics, and the network as a ``.keras`` file."""
        # Metrics are a parameter this class stores itself, as data.
        options = {"metrics": metrics_to_data(self.metrics)}
        if not self.__sklearn_is_fitted__():
            return options, {}
        encoder = self.feature_encoder_
        state = {
            **options,
            "classes": self.classes_,
            "input_shape": list(self.X_shape_[1:]),
            "history": {k: [float(x) for x in v] for k, v in getattr(self, "history_", {}).items()},
            "encoder": {
                k: np.asarray(v)
                for k, v in vars(encoder).items()
                if k.endswith("_") and not k.startswith("_") and np.asarray(v).dtype.kind in "fiu"
            },
        }
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "network.keras"
            self.model_.save(path)
            return state, {"network.keras": path.read_bytes()}

    @classmethod
    def _skdf_import(cls, params, state, blobs):
        """Rebuild a fitted detector; the network is loaded with ``safe_mode``."""
        metrics = metrics_from_data(state.get("metrics"))
        detector = cls(**params, metrics=metrics)
        if "classes" not in state:
            return detector
        if "network.keras" not in blobs:
            raise ValueError("the model file holds no network for this Keras detector.")
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "network.keras"
            path.write_bytes(blobs["network.keras"])
            network = keras.saving.load_model(path, safe_mode=True)
        detector.initialize(np.zeros([2, *state["input_shape"]], np.float32), np.asarray(state["classes"]))
        detector.model_ = network
        for key, value in state["encoder"].items():
            value = np.asarray(value)
            setattr(detector.feature_encoder_, key, value.item() if value.ndim == 0 else value)
        detector.history_ = state.get("history", {})
        return detector

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.estimator_type = "classifier"
        tags.classifier_tags = ClassifierTags(multi_class=False, poor_score=True)
        tags.target_tags.required = True
        tags.input_tags.allow_nan = False
        tags.non_deterministic = self.random_state is None
        return tags

    def __sklearn_is_fitted__(self):
        return hasattr(self, "model_")


def _keras_history_names(detector):
    """``history_`` under Keras' own metric names (scikeras renames ``auc`` to ``a_u_c``)."""
    from scikeras.utils import metric_name

    for key in list(detector.model_.history.history):
        if key == "loss" or key.startswith("val_"):
            continue
        try:
            renamed = metric_name(key)
        except ValueError:
            continue
        if renamed != key and renamed in detector.history_:
            # This fit's values; earlier partial_fit calls' are under ``key`` already.
            detector.history_[key] = detector.history_.get(key, []) + detector.history_.pop(renamed)


def _fresh_metrics(metrics):
    """Metrics for one compile: names as given, Metric objects rebuilt from their config."""
    if metrics is None:
        return None
    return [m if isinstance(m, str) else type(m).from_config(m.get_config()) for m in metrics]


@contextlib.contextmanager
def _bypass_scikeras_seeding(estimator):
    """Hide the seed from scikeras for the duration; yield it."""
    seed = estimator._random_state
    estimator._random_state = None
    try:
        yield seed
    finally:
        estimator._random_state = seed


def _layer_seeds(random_state):
    """Endless seeds for the layers' initialisers and dropout (None if unseeded)."""
    if random_state is None:
        yield from itertools.repeat(None)
    rng = check_random_state(random_state)
    while True:
        yield int(rng.randint(np.iinfo(np.int32).max))
