"""A Keras detector's ``metrics`` parameter in a model file: data, rebuilt only from keras.metrics.

A model file must not name code to run, so a metric is stored as its name,
or as the class name and config of one of Keras' own metrics; loading
instantiates nothing else (the trust rules of :mod:`skdeepfake.persistence`).
"""

from ._tf import import_keras

keras = import_keras()

__all__ = ["metrics_to_data", "metrics_from_data"]


def metrics_to_data(metrics):
    """Metric names as they are, Metric objects as Keras' serialised config."""
    if metrics is None:
        return None
    out = []
    for m in metrics:
        if not isinstance(m, str) and not _is_keras_metric(type(m).__name__, type(m).__module__):
            raise ValueError(
                f"metric {m!r} is not one of keras.metrics, so a model file cannot hold it; "
                "give it by name or use a built-in metric."
            )
        out.append(m if isinstance(m, str) else {"class": type(m).__name__, "config": m.get_config()})
    return out


def metrics_from_data(data):
    """Rebuild metrics, instantiating only classes of keras.metrics."""
    if data is None:
        return None
    out = []
    for m in data:
        if isinstance(m, str):
            out.append(m)
        elif (
            isinstance(m, dict)
            and _is_keras_metric(m.get("class"), "keras.")
            and isinstance(m.get("config"), dict)
        ):
            out.append(getattr(keras.metrics, m["class"]).from_config(m["config"]))
        else:
            raise ValueError(f"metric {str(m)[:80]!r}: not a keras.metrics class.")
    return out


def _is_keras_metric(name, module):
    cls = getattr(keras.metrics, str(name), None)
    return (
        isinstance(cls, type) and issubclass(cls, keras.metrics.Metric) and str(module).startswith("keras.")
    )
