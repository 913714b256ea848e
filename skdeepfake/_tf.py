"""Import Keras on TensorFlow lazily and quietly.

``import skdeepfake`` must stay fast, so nothing imports TensorFlow until a
neural model is needed. TensorFlow's C++ runtime writes start-up notices
(CUDA probing, CPU instruction sets) straight to file descriptor 2, before
any Python logging setting applies; they are muted while it loads. Python
exceptions still propagate.
"""

import contextlib
import os
import sys

__all__ = ["import_keras"]


@contextlib.contextmanager
def _quiet_stderr():
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
    """Return the ``keras`` module, loading TensorFlow first if needed.

    Sets ``KERAS_BACKEND=tensorflow`` and ``TF_CPP_MIN_LOG_LEVEL=3`` unless
    the user already chose otherwise.
    """
    if "keras" in sys.modules and "tensorflow" in sys.modules:
        return sys.modules["keras"]
    os.environ.setdefault("KERAS_BACKEND", "tensorflow")
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    with _quiet_stderr():
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
