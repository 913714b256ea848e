"""Import Keras lazily, and TensorFlow quietly when it is the backend.

``import skdeepfake`` must stay fast, so nothing imports Keras until a
neural model is needed. The backend is Keras' choice (``KERAS_BACKEND``:
``tensorflow`` by default, or ``jax``, ``torch``). TensorFlow's C++ runtime writes start-up notices
(CUDA probing, CPU instruction sets) straight to file descriptor 2, before
any Python logging setting applies; they are muted while it loads. Python
exceptions still propagate.
"""

import contextlib
import importlib.util
import os
import sys

__all__ = ["import_keras", "quiet_stderr", "NETWORK_EXTRA"]

#: What a user installs for the neural detectors and the shipped ones (networks
#: too). TensorFlow is an extra, as in scikeras (``scikeras[tensorflow]``): the
#: tabular detectors do not need its 2 GB.
NETWORK_EXTRA = "pip install 'skdeepfake[tensorflow]'"


def _require_tensorflow():
    # scikeras 0.13 imports TensorFlow whatever KERAS_BACKEND says, so every
    # network needs it, not only the TensorFlow backend.
    if importlib.util.find_spec("tensorflow") is None:
        raise ImportError(
            "The neural detectors (DNN, CNN, LCNN, AASIST and the other Keras models, and so the "
            f"shipped detectors) need TensorFlow, which is not installed: {NETWORK_EXTRA}. The GMM, "
            "linear, XGBoost and one-class detectors work without it (skdeepfake train; then "
            "predict --model FILE).",
            name="tensorflow",
        )


@contextlib.contextmanager
def quiet_stderr():
    try:
        fd = sys.stderr.fileno()
    except (AttributeError, ValueError, OSError):  # no real stderr (e.g. notebooks)
        yield
        return
    sys.stderr.flush()
    saved = os.dup(fd)
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(devnull, fd)
        yield
    finally:
        os.dup2(saved, fd)
        os.close(devnull)
        os.close(saved)


def import_keras():
    """Return the ``keras`` module, loading its backend first if needed.

    ``KERAS_BACKEND`` defaults to ``tensorflow`` (set unless the user chose
    another); with TensorFlow, ``TF_CPP_MIN_LOG_LEVEL=3`` too, and its
    start-up notices are muted.
    """
    _require_tensorflow()
    if "keras" in sys.modules:
        return sys.modules["keras"]
    os.environ.setdefault("KERAS_BACKEND", "tensorflow")
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")  # scikeras imports TensorFlow on any backend
    if os.environ["KERAS_BACKEND"] != "tensorflow":
        import keras

        return keras
    with quiet_stderr():
        import keras
        import tensorflow as tf

        # Probing for a GPU logs a CUDA error on machines without one.
        tf.config.list_physical_devices("GPU")

    tf.get_logger().setLevel("ERROR")
    try:
        import absl.logging

        absl.logging.set_verbosity(absl.logging.ERROR)
    except ImportError:  # absl comes with TensorFlow, but stay safe
        pass
    return keras
