"""Augmentation chains as plain data, for model files.

A transform is saved as its class (one of :func:`transform_classes`) and
its constructor arguments; loading calls only those constructors with
numbers, strings, lists and nested transforms, so a model file cannot name
code to run.
"""

import inspect
import os

import numpy as np

__all__ = ["transform_classes", "transform_to_spec", "transform_from_spec"]

_MAX_DEPTH = 16


def transform_classes():
    """The transforms a model file may hold: audiomentations' and ours, by name.

    Returns
    -------
    dict of str to type

    Examples
    --------
    >>> from skdeepfake.augment import transform_classes
    >>> "audiomentations.Compose" in transform_classes()
    True
    """
    import audiomentations
    from audiomentations.core.composition import BaseCompose
    from audiomentations.core.transforms_interface import BaseTransform

    from ._codecs import CodecRoundTrip
    from ._rawboost import RawBoost

    classes = {
        f"audiomentations.{name}": obj
        for name, obj in vars(audiomentations).items()
        if isinstance(obj, type)
        and issubclass(obj, (BaseTransform, BaseCompose))
        and not name.startswith("Base")
    }
    classes.update({f"skdeepfake.augment.{c.__name__}": c for c in (RawBoost, CodecRoundTrip)})
    return classes


def _plain(value, where):
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if isinstance(value, os.PathLike):
        return os.fspath(value)
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, np.ndarray) and value.dtype.kind in "biuf":
        return value.tolist()
    if isinstance(value, (list, tuple)):
        return [_plain(v, where) for v in value]
    if callable(value) and hasattr(value, "p"):
        return transform_to_spec(value, where)
    raise ValueError(f"cannot save {where}={value!r}: not a number, string, list or transform.")


def transform_to_spec(transform, where="transform"):
    """A transform (or chain) as a JSON-ready dict: ``{"class": ..., "args": {...}}``.

    Raises
    ------
    ValueError
        If it is not one of :func:`transform_classes`, or an argument is
        not plain data.
    """
    names = {cls: name for name, cls in transform_classes().items()}
    if type(transform) not in names:
        raise ValueError(
            f"cannot save {where}: {type(transform).__module__}.{type(transform).__name__} is "
            "not an audiomentations or skdeepfake.augment transform."
        )
    args = {}
    for key, param in inspect.signature(type(transform).__init__).parameters.items():
        if key in ("self", "seed") or param.kind in (param.VAR_POSITIONAL, param.VAR_KEYWORD):
            continue
        if not hasattr(transform, key):
            if param.default is param.empty:
                raise ValueError(f"cannot save {where}: it does not keep its argument {key!r}.")
            continue  # not kept by the transform: its default applies again
        args[key] = _plain(getattr(transform, key), f"{where}.{key}")
    return {"class": names[type(transform)], "args": args}


def transform_from_spec(spec, depth=0):
    """Rebuild a transform from :func:`transform_to_spec`'s dict, calling only allowed classes.

    Raises
    ------
    ValueError
        If the spec names another class or holds anything but plain data.
    """
    if depth > _MAX_DEPTH:
        raise ValueError(f"transform nests deeper than {_MAX_DEPTH} levels.")
    if not isinstance(spec, dict) or set(spec) != {"class", "args"} or not isinstance(spec["args"], dict):
        raise ValueError(f"not a transform: {str(spec)[:80]!r}.")
    classes = transform_classes()
    if spec["class"] not in classes:
        raise ValueError(f"transform class {spec['class']!r} may not be loaded.")

    def rebuild(value):
        if isinstance(value, dict):
            return transform_from_spec(value, depth + 1)
        if isinstance(value, list):
            return [rebuild(v) for v in value]
        if value is None or isinstance(value, (bool, int, float, str)):
            return value
        raise ValueError(f"unexpected value in a transform: {str(value)[:80]!r}.")

    return classes[spec["class"]](**{str(k): rebuild(v) for k, v in spec["args"].items()})
