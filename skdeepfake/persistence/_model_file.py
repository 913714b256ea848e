"""Writing and reading model files of format version 3 (skops inside a bounded zip)."""

import importlib
import io
import json
import os
import zipfile
from pathlib import Path

from sklearn.utils._param_validation import HasMethods, validate_params

from .._version import __version__
from ._checks import (
    FORMAT,
    FORMAT_VERSION,
    ModelFileError,
    check_depth,
    check_manifest,
    check_model,
    check_sizes,
)
from ._formats import load_v1_or_v2

__all__ = ["save_model", "load_model", "is_trusted_type", "TRUSTED_PACKAGES"]

_MEMBER = "model.skops"
#: Packages whose classes a model file may hold.
TRUSTED_PACKAGES = ("sklearn", "imblearn", "skdeepfake", "xgboost", "numpy", "scipy", "audiomentations")


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

    from ..labels import spoof_label

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
        "format": FORMAT,
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
            check_sizes(zf, {"manifest.json": None}, path)
            manifest = json.loads(zf.read("manifest.json"))
            check_manifest(manifest, path)
            check_sizes(zf, manifest.get("members"), path)
            if manifest["format_version"] < 3:
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
    check_model(model, path)
    return model


def _load_skops(data, path):
    import skops.io as sio

    with zipfile.ZipFile(io.BytesIO(data)) as inner:
        check_sizes(inner, None, path)
        check_depth(json.loads(inner.read("schema.json")), path)
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
