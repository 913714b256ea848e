"""The checks every model file passes, whatever its format version.

Bounds before parsing (member sizes, compression ratio, nesting) and, after
loading, the model itself (valid parameters, a fitted two-class detector).
Shared by the format-3 reader and the readers of versions 1 and 2, which is
why they live apart from both.
"""

import numpy as np

from .._version import __version__

__all__ = [
    "ModelFileError",
    "FORMAT_VERSION",
    "FORMAT",
    "MAX_MODEL_BYTES",
    "check_sizes",
    "MAX_SCHEMA_DEPTH",
    "estimators",
    "check_manifest",
    "check_model",
]

#: Version of the model-file layout written by :func:`~skdeepfake.persistence.save_model`.
FORMAT_VERSION = 3
FORMAT = "skdeepfake-model"

#: Deepest nesting of a model file's schema; deeper is refused, not recursed into.
MAX_SCHEMA_DEPTH = 200
#: Largest uncompressed size of a model file's contents, in bytes (512 MiB).
MAX_MODEL_BYTES = 512 * 2**20
_MAX_RATIO = 1000  # uncompressed / compressed beyond this is a zip bomb, not a model


class ModelFileError(ValueError):
    """A model file is damaged, of another kind, or from a newer format.

    Examples
    --------
    >>> from skdeepfake.persistence import ModelFileError, load_model
    >>> try:
    ...     load_model("missing.skdf")
    ... except ModelFileError as err:
    ...     print(err)
    missing.skdf: no such model file.
    """


def check_sizes(zf, declared, path):
    """Refuse, before reading, members larger than declared or than any model."""
    total = 0
    for info in zf.infolist():
        name = info.filename
        if declared is not None and declared.get(name) is not None and info.file_size != declared[name]:
            raise ModelFileError(
                f"{path}: member {name!r} holds {info.file_size} bytes but the manifest "
                f"declares {declared[name]}; the file was altered."
            )
        if info.file_size > 2**20 and info.file_size > _MAX_RATIO * max(info.compress_size, 1):
            raise ModelFileError(
                f"{path}: member {name!r} would expand from {info.compress_size} to "
                f"{info.file_size} bytes; refused as a decompression bomb."
            )
        total += info.file_size
    if total > MAX_MODEL_BYTES:
        raise ModelFileError(
            f"{path}: holds {total} bytes uncompressed, more than MAX_MODEL_BYTES "
            f"({MAX_MODEL_BYTES}); refused."
        )


def estimators(model, fill_new_parameters=False):
    """The model and every estimator nested in its parameters or fitted attributes.

    With ``fill_new_parameters``, a constructor parameter an estimator lacks
    (added to its class after the file was written) is set to its default
    on the way: a new parameter's default keeps the behaviour it had.
    """
    from sklearn.base import BaseEstimator

    seen, stack = [], [model]
    while stack:
        est = stack.pop()
        if not isinstance(est, BaseEstimator) or any(est is s for s in seen):
            continue
        seen.append(est)
        if fill_new_parameters:
            _fill_new_parameters(est)
        for value in list(est.get_params(deep=False).values()) + list(vars(est).values()):
            if isinstance(value, np.ndarray) and value.dtype == object:  # e.g. boosted trees
                value = list(value.ravel())
            items = value if isinstance(value, (list, tuple)) else [value]
            for item in items:
                stack.extend(item if isinstance(item, (list, tuple)) else [item])
    return seen


def _fill_new_parameters(est):
    import inspect

    for name, parameter in inspect.signature(type(est).__init__).parameters.items():
        if name != "self" and parameter.default is not parameter.empty and name not in vars(est):
            setattr(est, name, parameter.default)


def check_model(model, path):
    """A loaded model's parameters are valid (one added since the file was written takes its default) and it is a fitted two-class detector."""
    from sklearn.utils._param_validation import InvalidParameterError
    from sklearn.utils.validation import check_is_fitted

    from ..labels import spoof_label

    for est in estimators(model, fill_new_parameters=True):
        if hasattr(est, "_parameter_constraints"):
            try:
                est._validate_params()  # the classes' own parameter constraints are the schema
            except InvalidParameterError as err:
                raise ModelFileError(f"{path}: {type(est).__name__}: {err}") from None
        for key in ("steps", "transformer_list", "estimators"):
            if key in est.get_params(deep=False) and not est.get_params(deep=False)[key]:
                raise ModelFileError(f"{path}: {type(est).__name__}: {key} is empty.")
    check_is_fitted(model)
    classes = getattr(model, "classes_", None)
    if classes is None:
        raise ModelFileError(f"{path}: the model has no classes_: it is not a fitted detector.")
    try:
        spoof_label(np.asarray(classes))
    except ValueError as err:
        raise ModelFileError(f"{path}: the model's classes: {err}") from None


def check_manifest(manifest, path):
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise ModelFileError(f"{path}: not a skdeepfake model file.")
    version = manifest.get("format_version")
    if not isinstance(version, int):
        raise ModelFileError(f"{path}: damaged manifest (no format_version).")
    if version > FORMAT_VERSION:
        raise ModelFileError(
            f"{path}: written with model format version {version} by skdeepfake "
            f"{manifest.get('skdeepfake_version', '?')}; this skdeepfake ({__version__}) "
            f"reads versions up to {FORMAT_VERSION}. Upgrade skdeepfake to load it."
        )
    members = manifest.get("members")
    if members is not None and not (
        isinstance(members, dict)
        and all(
            isinstance(k, str) and isinstance(v, int) and not isinstance(v, bool) for k, v in members.items()
        )
    ):
        raise ModelFileError(
            f"{path}: damaged manifest (members must map member names to byte sizes, got {str(members)[:60]!r})."
        )
    if version == 2 and "model" not in manifest:
        raise ModelFileError(f"{path}: damaged manifest (no model).")
