"""What differs between Keras' backends: the fast predict path and seeding.

Everything else in the networks is backend-neutral Keras (``keras.ops``,
``keras.random``, seeded initialisers). Each function here has one branch
per backend, each with that backend's own tool: a traced
``tf.function``, ``jax.jit`` of the model's stateless call, or an eager
call under ``torch.no_grad``.
"""

import contextlib
import random
import weakref

import numpy as np

from ..labels import LOG_ODDS_EPS
from ._tf import import_keras

keras = import_keras()

__all__ = ["backend", "predict_function", "seeded", "network_gradients"]

_COMPILED = weakref.WeakKeyDictionary()  # fitted keras.Model -> its predict function


def backend():
    """The Keras backend in use: ``"tensorflow"``, ``"jax"`` or ``"torch"``."""
    return keras.backend.backend()


def predict_function(model, input_shape):
    """``f(x: float32 ndarray) -> ndarray``: the network in inference mode, compiled once.

    Kept in a module-level weak map, not on the estimator: predicting must
    not change the estimator's state, and compiled functions do not pickle.
    """
    function = _COMPILED.get(model)
    if function is None:
        function = _BUILDERS[backend()](weakref.ref(model), input_shape)
        _COMPILED[model] = function
    return function


def _tensorflow(model, input_shape):
    import tensorflow as tf

    signature = [tf.TensorSpec([None, *input_shape], tf.float32)]
    traced = tf.function(lambda x: model()(x, training=False), input_signature=signature)
    # Calling the concrete function skips tf.function's argument matching.
    concrete = traced.get_concrete_function()
    return lambda x: concrete(tf.convert_to_tensor(x, tf.float32)).numpy()


def _jax(model, input_shape):
    import jax

    @jax.jit
    def call(trainable, non_trainable, x):
        return model().stateless_call(trainable, non_trainable, x, training=False)[0]

    def predict(x):
        net = model()
        trainable = [v.value for v in net.trainable_variables]
        non_trainable = [v.value for v in net.non_trainable_variables]
        return np.asarray(call(trainable, non_trainable, x))

    return predict


def _torch(model, input_shape):
    import torch

    def predict(x):
        net = model()
        device = next((v.value.device for v in net.weights), "cpu")
        with torch.no_grad():
            return net(torch.as_tensor(x, device=device), training=False).detach().cpu().numpy()

    return predict


_BUILDERS = {"tensorflow": _tensorflow, "jax": _jax, "torch": _torch}


@contextlib.contextmanager
def seeded(seed):
    """Seed the generators training draws from (shuffling), restoring them after.

    Python's and NumPy's global generators and the backend's own; unlike
    ``keras.utils.set_random_seed``, the previous states come back, so code
    around a fit is unaffected. TensorFlow's op determinism is left alone:
    on the CPU the kernels used here are deterministic already.
    """
    if seed is None:
        yield
        return
    py_state, np_state = random.getstate(), np.random.get_state()
    random.seed(seed)
    np.random.seed(seed)
    with _backend_seed(seed):
        try:
            yield
        finally:
            random.setstate(py_state)
            np.random.set_state(np_state)


@contextlib.contextmanager
def _backend_seed(seed):
    name = backend()
    if name == "tensorflow":
        import tensorflow as tf
        from tensorflow.python.eager import context

        previous = context.global_seed()
        tf.random.set_seed(seed)
        try:
            yield
        finally:
            tf.random.set_seed(previous)
    elif name == "torch":
        import torch

        with torch.random.fork_rng(devices=[]):
            torch.manual_seed(seed)
            yield
    else:  # jax has no global generator; Keras shuffles arrays with NumPy's there
        yield


def network_gradients(model, x, split=None):
    """Gradients of a Keras network's log-odds with respect to its input and one layer's output.

    The explanations (:func:`~skdeepfake.explain.gradient_map`) are built
    from them. With :math:`z` the log-odds of the network's sigmoid output,
    :math:`x` its input and :math:`A` the output of layer ``split``, it
    returns :math:`\\partial z / \\partial x`, :math:`A` and
    :math:`\\partial z / \\partial A`, each per sample, computed with the
    active Keras backend's own differentiation (TensorFlow's
    ``GradientTape``, ``jax.grad`` or PyTorch's autograd).

    Parameters
    ----------
    model : keras.Sequential
        A fitted detector's network (``model_`` of a
        :class:`KerasDetector`), ending in one sigmoid unit.
    x : array-like of shape (n_samples, ...)
        The network's input (after the detector's ``feature_encoder_``).
    split : int or None, default=None
        Index of the layer whose output and gradient are returned too; None
        for none.

    Returns
    -------
    (ndarray, ndarray or None, ndarray or None)
        ``(dz/dx, A, dz/dA)`` as NumPy arrays; the last two are None without
        ``split``.

    See Also
    --------
    skdeepfake.explain.gradient_map : saliency and Grad-CAM maps from them.
    """
    x = np.asarray(x, dtype=np.float32)
    return _GRADIENTS[backend()](model, x, split)


def _forward(layers, h, split):
    feature = None
    for i, layer in enumerate(layers):
        h = layer(h, training=False)
        if i == split:
            feature = h
    return h, feature


def _log_odds(p, _=None):
    # skdeepfake.labels.log_odds inside the graph (its clipping rule, on the backend's tensors),
    # summed: the gradients are those of the batch's total log-odds.
    ops = keras.ops
    p = ops.clip(p, LOG_ODDS_EPS, 1 - LOG_ODDS_EPS)
    return ops.sum(ops.log(p) - ops.log(1 - p))


def _tf_gradients(model, x, split):
    import tensorflow as tf

    x = tf.convert_to_tensor(x)
    head = model.layers[split + 1 :] if split is not None else []
    with tf.GradientTape(persistent=True) as tape:
        tape.watch(x)
        p, feature = _forward(model.layers, x, split)
        z = _log_odds(p, tf.math)
        if feature is not None:  # the head again from the watched feature map
            tape.watch(feature)
            z_head = _log_odds(_forward(head, feature, None)[0], tf.math)
    dx = tape.gradient(z, x).numpy()
    if feature is None:
        return dx, None, None
    return dx, feature.numpy(), tape.gradient(z_head, feature).numpy()


def _jax_gradients(model, x, split):
    import jax
    import jax.numpy as jnp

    def z_of_x(v):
        return _log_odds(_forward(model.layers, v, None)[0], jnp)

    dx = np.asarray(jax.grad(z_of_x)(jnp.asarray(x)))
    if split is None:
        return dx, None, None
    feature = _forward(model.layers[: split + 1], jnp.asarray(x), None)[0]

    def z_of_feature(a):
        return _log_odds(_forward(model.layers[split + 1 :], a, None)[0], jnp)

    return dx, np.asarray(feature), np.asarray(jax.grad(z_of_feature)(feature))


def _torch_gradients(model, x, split):
    import torch

    device = next((v.value.device for v in model.weights), "cpu")
    x = torch.as_tensor(x, device=device).requires_grad_(True)
    p, feature = _forward(model.layers, x, split)
    z = _log_odds(p, torch)
    if feature is None:
        (dx,) = torch.autograd.grad(z, x)
        return dx.cpu().numpy(), None, None
    dx, da = torch.autograd.grad(z, [x, feature])
    return dx.cpu().numpy(), feature.detach().cpu().numpy(), da.cpu().numpy()


_GRADIENTS = {"tensorflow": _tf_gradients, "jax": _jax_gradients, "torch": _torch_gradients}
