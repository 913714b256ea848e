"""Saving and loading fitted detectors without pickle.

Pickles execute code when loaded, and model files get shared. A skdeepfake
model file is a zip archive of two members:

``manifest.json``
    ``format`` (``"skdeepfake-model"``), ``format_version`` (3), the
    skdeepfake and skops versions that wrote it, and the byte size of each
    member.
``model.skops``
    The fitted estimator, written by :func:`skops.io.dumps`: a JSON schema of
    the object tree with its arrays as ``.npy`` files. skops stores any
    composition of scikit-learn estimators (``Pipeline``,
    ``CalibratedClassifierCV``, ``StackingClassifier``, a grid search's
    ``best_estimator_``, ...) and rebuilds it without running code from the
    file: it only instantiates types its caller trusts.

Why skops and not a format of our own: skops already knows the internals of
every scikit-learn estimator, which a hand-written tree of classes did not
(format version 2 refused ``CalibratedClassifierCV``). What skdeepfake adds
around it:

* the trust policy (:func:`is_trusted_type`): classes, never functions,
  from scikit-learn, imbalanced-learn, XGBoost, NumPy, SciPy,
  audiomentations and skdeepfake; anything else is refused by name, at save
  and at load;
* classes with state beyond plain attributes store data only, through one
  pair of methods each (``_skdf_export``/``_skdf_import``): Keras networks
  as ``.keras`` files loaded with ``safe_mode=True``, XGBoost boosters as
  JSON, augmentation chains as class names and arguments;
* bounds before anything is parsed: declared member sizes, a cap on the
  uncompressed size (:data:`MAX_MODEL_BYTES`) and on the compression ratio
  of both archives, and a nesting limit on the schema;
* after loading, every estimator's parameters are validated against its
  constraints, and the model must be a fitted two-class detector whose
  classes say which one is spoofed.

Files of format versions 1 and 2 (skdeepfake 0.1 and the 0.2 development
versions) still load. A file of a newer format version, or a damaged file,
raises :class:`ModelFileError`.
"""

import importlib
import io
import json
import os
import zipfile
from pathlib import Path

import numpy as np
from sklearn.utils._param_validation import HasMethods, validate_params

from ._version import __version__

__all__ = [
    "save_model",
    "load_model",
    "is_trusted_type",
    "TRUSTED_PACKAGES",
    "ModelFileError",
    "FORMAT_VERSION",
    "MAX_MODEL_BYTES",
]

#: Version of the model-file layout written by :func:`save_model`.
FORMAT_VERSION = 3
_FORMAT = "skdeepfake-model"
_MEMBER = "model.skops"
_MAX_DEPTH = 200  # nesting of the skops schema; deeper is refused, not recursed into
#: Largest uncompressed size of a model file's contents, in bytes (512 MiB).
MAX_MODEL_BYTES = 512 * 2**20
_MAX_RATIO = 1000  # uncompressed / compressed beyond this is a zip bomb, not a model
#: Packages whose classes a model file may hold.
TRUSTED_PACKAGES = ("sklearn", "imblearn", "skdeepfake", "xgboost", "numpy", "scipy", "audiomentations")


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


@validate_params({"name": [str]}, prefer_skip_nested_validation=True)
def is_trusted_type(name):
    """Whether a model file may hold objects of the type named ``module.Class``.

    Trusted are the classes (not functions, not modules) defined in one of
    :data:`TRUSTED_PACKAGES`. Only modules of those packages are imported to
    find out.

    Parameters
    ----------
    name : str
        A qualified type name, as :func:`skops.io.get_untrusted_types` lists.

    Returns
    -------
    bool

    Examples
    --------
    >>> from skdeepfake.persistence import is_trusted_type
    >>> is_trusted_type("sklearn.calibration.CalibratedClassifierCV")
    True
    >>> is_trusted_type("builtins.eval"), is_trusted_type("numpy.load"), is_trusted_type("os.system")
    (False, False, False)
    """
    module, _, attr = name.rpartition(".")
    if module.split(".")[0] not in TRUSTED_PACKAGES or not attr:
        return False
    try:
        obj = getattr(importlib.import_module(module), attr)
    except (ImportError, AttributeError, ValueError):
        return False
    return isinstance(obj, type) and obj.__module__.split(".")[0] in TRUSTED_PACKAGES


def _refused(untrusted):
    return sorted(t for t in untrusted if not is_trusted_type(t))


@validate_params(
    {"model": [HasMethods(["predict_proba"])], "path": [str, os.PathLike]},
    prefer_skip_nested_validation=True,
)
def save_model(model, path):
    """Save a fitted model to a safe, versioned model file.

    Parameters
    ----------
    model : estimator
        A fitted two-class detector: any composition of scikit-learn,
        imbalanced-learn, XGBoost and skdeepfake estimators, e.g. a pipeline
        of :mod:`skdeepfake.pipelines`, a ``CalibratedClassifierCV`` or a
        ``StackingClassifier`` of them.
    path : str or pathlib.Path
        Where to write the file (conventionally ``*.skdf``).

    Raises
    ------
    ModelFileError
        If the model holds an object of an untrusted type (a function, a
        class of another package, a Keras callback: see
        :func:`is_trusted_type`), or its classes do not say which one is
        spoofed (:func:`skdeepfake.labels.spoof_label`).

    Examples
    --------
    >>> import tempfile, os
    >>> from skdeepfake.datasets import make_synthetic_speech
    >>> from skdeepfake.pipelines import make_xgb_pipeline
    >>> from skdeepfake.persistence import save_model, load_model
    >>> data = make_synthetic_speech(n_samples=20, random_state=0)
    >>> pipe = make_xgb_pipeline(n_estimators=10, random_state=0).fit(data.data, data.target)
    >>> path = os.path.join(tempfile.mkdtemp(), "detector.skdf")
    >>> save_model(pipe, path)
    >>> bool((load_model(path).predict_proba(data.data) == pipe.predict_proba(data.data)).all())
    True
    """
    import skops
    import skops.io as sio
    from sklearn.utils.validation import check_is_fitted

    from .labels import spoof_label

    check_is_fitted(model)
    if hasattr(model, "classes_"):
        try:  # a model file is read as P(fake): its classes must say which one is spoofed
            spoof_label(model.classes_)
        except ValueError as err:
            raise ModelFileError(f"Cannot save this model: {err}") from None
    try:
        data = sio.dumps(model)
    except (
        TypeError,
        ValueError,
        AttributeError,
        RecursionError,
        sio.exceptions.UnsupportedTypeException,
    ) as err:
        raise ModelFileError(f"Cannot save this model: {type(err).__name__}: {err}") from None
    refused = _refused(sio.get_untrusted_types(data=data))
    if refused:
        raise ModelFileError(
            f"Cannot save this model: it holds {', '.join(refused)}, which model files may not hold "
            f"(only classes of {', '.join(TRUSTED_PACKAGES)}). Keras callbacks act only in fit: "
            "set them to None before saving (e.g. model.set_params(model__callbacks=None))."
        )
    manifest = {
        "format": _FORMAT,
        "format_version": FORMAT_VERSION,
        "skdeepfake_version": __version__,
        "skops_version": skops.__version__,
        "members": {_MEMBER: len(data)},
    }
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_STORED) as zf:
        zf.writestr("manifest.json", json.dumps(manifest, indent=1))
        zf.writestr(_MEMBER, data)  # itself a compressed archive


@validate_params(
    {"path": [str, os.PathLike]},
    prefer_skip_nested_validation=True,
)
def load_model(path):
    """Load a model saved by :func:`save_model`; no code from the file is executed.

    Parameters
    ----------
    path : str or pathlib.Path
        The model file.

    Returns
    -------
    estimator
        The fitted model, giving the same scores as the one saved.

    Raises
    ------
    ModelFileError
        If the file is missing, damaged, not a skdeepfake model, holds an
        untrusted type, or was written by a newer format version than this
        skdeepfake reads.

    Examples
    --------
    See :func:`save_model`.
    """
    path = Path(path)
    if not path.is_file():
        raise ModelFileError(f"{path}: no such model file.")
    try:
        with zipfile.ZipFile(path) as zf:
            _check_sizes(zf, {"manifest.json": None}, path)
            manifest = json.loads(zf.read("manifest.json"))
            _check_manifest(manifest, path)
            _check_sizes(zf, manifest.get("members"), path)
            if manifest["format_version"] < 3:
                from ._persistence_v2 import load_v1_or_v2

                return load_v1_or_v2(zf, manifest, path)
            data = zf.read(_MEMBER)
        model = _load_skops(data, path)
    except ModelFileError:
        raise
    except (
        zipfile.BadZipFile,
        KeyError,
        json.JSONDecodeError,
        ValueError,
        OSError,
        EOFError,
        RecursionError,
    ) as err:
        raise ModelFileError(f"{path}: damaged or not a skdeepfake model file ({err}).") from err
    _check_model(model, path)
    return model


def _load_skops(data, path):
    import skops.io as sio

    with zipfile.ZipFile(io.BytesIO(data)) as inner:
        _check_sizes(inner, None, path)
        _check_depth(json.loads(inner.read("schema.json")), path)
    untrusted = sio.get_untrusted_types(data=data)
    refused = _refused(untrusted)
    if refused:
        raise ModelFileError(
            f"{path}: holds {', '.join(refused)}, which model files may not hold; refused unloaded."
        )
    try:
        return sio.loads(data, trusted=untrusted)
    except Exception as err:  # a schema that passed the checks but does not rebuild
        raise ModelFileError(
            f"{path}: the model could not be rebuilt ({type(err).__name__}: {err})."
        ) from err


def _check_depth(node, path, depth=0):
    if depth > _MAX_DEPTH:
        raise ModelFileError(f"{path}: the model's schema nests deeper than {_MAX_DEPTH} levels.")
    children = node.values() if isinstance(node, dict) else node if isinstance(node, list) else ()
    for child in children:
        if isinstance(child, (dict, list)):
            _check_depth(child, path, depth + 1)


def _check_sizes(zf, declared, path):
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


def _estimators(model):
    """The model and every estimator nested in its parameters or fitted attributes."""
    from sklearn.base import BaseEstimator

    seen, stack = [], [model]
    while stack:
        est = stack.pop()
        if not isinstance(est, BaseEstimator) or any(est is s for s in seen):
            continue
        seen.append(est)
        for value in list(est.get_params(deep=False).values()) + list(vars(est).values()):
            items = value if isinstance(value, (list, tuple)) else [value]
            for item in items:
                stack.extend(item if isinstance(item, (list, tuple)) else [item])
    return seen


def _check_model(model, path):
    """A loaded model's parameters are valid and it is a fitted two-class detector."""
    from sklearn.utils._param_validation import InvalidParameterError
    from sklearn.utils.validation import check_is_fitted

    from .labels import spoof_label

    for est in _estimators(model):
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


def _check_manifest(manifest, path):
    if not isinstance(manifest, dict) or manifest.get("format") != _FORMAT:
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
    if version == 2 and "model" not in manifest:
        raise ModelFileError(f"{path}: damaged manifest (no model).")
