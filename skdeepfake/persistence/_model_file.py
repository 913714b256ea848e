"""Writing and reading model files of format version 3 (skops inside a bounded zip)."""

import io
import json
import os
import warnings
import zipfile
from pathlib import Path

from sklearn.utils._param_validation import HasMethods, validate_params

from .._version import __version__
from ._checks import (
    FORMAT,
    FORMAT_VERSION,
    MAX_SCHEMA_DEPTH,
    ModelFileError,
    check_manifest,
    check_model,
    check_sizes,
)
from ._formats import load_v1_or_v2
from ._trust import (
    TRUSTED_CLASSES,
    check_trees,
    check_trustable,
    is_code,
    refused_types,
    schema_types,
    trusted_types,
)

__all__ = ["save_model", "load_model", "is_trusted_type", "TRUSTED_CLASSES"]

_MEMBER = "model.skops"


@validate_params({"name": [str]}, prefer_skip_nested_validation=True)
def is_trusted_type(name):
    """Whether a model file may hold objects of the class named ``module.Class``.

    True for the classes of :data:`TRUSTED_CLASSES` only, under the name
    skops stores (the defining module): skdeepfake's estimators and the
    scikit-learn and imbalanced-learn classes of the documented
    compositions. Nothing is imported to find out.

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
    >>> is_trusted_type("numpy.lib._datasource.DataSource"), is_trusted_type("sklearn.tree._tree.Tree")
    (False, False)
    >>> is_trusted_type("builtins.eval"), is_trusted_type("os.system")
    (False, False)
    """
    return name in trusted_types()


def _schema(data, path):
    with zipfile.ZipFile(io.BytesIO(data)) as inner:
        check_sizes(inner, None, path)
        return schema_types(json.loads(inner.read("schema.json")), path, MAX_SCHEMA_DEPTH)


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
    pairs = _schema(data, "the model")
    refused = refused_types(pairs)
    code = sorted({name for loader, name in pairs if name in refused and is_code(loader, name)})
    if code:
        raise ModelFileError(
            f"Cannot save this model: it holds {', '.join(code)}, which model files may not hold "
            "(functions and classes of other packages are code). Keras callbacks act only in fit: "
            "set them to None before saving (e.g. model.set_params(model__callbacks=None))."
        )
    if refused:
        warnings.warn(
            f"The model holds {', '.join(refused)}, outside skdeepfake's table of trusted classes "
            f"(persistence.TRUSTED_CLASSES); load_model will refuse the file unless told "
            f"load_model(path, trusted={refused!r}).",
            UserWarning,
            stacklevel=2,
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
    {"path": [str, os.PathLike], "trusted": [list, tuple, None]},
    prefer_skip_nested_validation=True,
)
def load_model(path, trusted=None):
    """Load a model saved by :func:`save_model`; no code from the file is executed.

    Every type the file names is checked against :data:`TRUSTED_CLASSES`
    and skops' data loaders before any object is built or any module
    imported; the rest is refused by name.

    Parameters
    ----------
    path : str or pathlib.Path
        The model file.
    trusted : list of str or None, default=None
        Further scikit-learn, imbalanced-learn or XGBoost classes to rebuild,
        by the names the refusal lists (e.g. a random forest's
        ``"sklearn.ensemble._forest.RandomForestClassifier"``,
        ``"sklearn.tree._classes.DecisionTreeClassifier"`` and
        ``"sklearn.tree._tree.Tree"``). Trust only files you made or whose
        source you trust. The names are checked before the file is opened
        (:func:`~skdeepfake.persistence._trust.check_trustable`): each must be
        a class defined in one of those packages that does not act when
        garbage-collected; functions, builtins, test helpers and other
        packages' classes are refused, and a trusted class is rebuilt only
        from its stored state, never called with the file's arguments.
        Decision trees are checked all the same: every child and feature
        index must lie within the tree and the data.

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
    ValueError
        If ``trusted`` names anything but a trustable class.
    ImportError
        If the file holds a network (a Keras detector, or a shipped detector)
        and TensorFlow is not installed; the message says what to install.

    Examples
    --------
    See :func:`save_model`.
    """
    path = Path(path)
    check_trustable(trusted or ())
    _check_model_path(path)
    try:
        with zipfile.ZipFile(path) as zf:
            check_sizes(zf, {"manifest.json": None}, path)
            manifest = json.loads(zf.read("manifest.json"))
            check_manifest(manifest, path)
            check_sizes(zf, manifest.get("members"), path)
            if manifest["format_version"] < 3:
                return load_v1_or_v2(zf, manifest, path)
            data = zf.read(_MEMBER)
        model = _load_skops(data, path, tuple(trusted or ()))
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
    check_trees(model, path)
    return model


def _check_model_path(path):
    """A regular file, or a ModelFileError saying what the path is instead."""
    import stat

    try:
        mode = path.stat().st_mode
    except FileNotFoundError:
        if path.is_symlink():
            raise ModelFileError(f"{path}: is a broken symbolic link, not a model file.") from None
        raise ModelFileError(f"{path}: no such model file.") from None
    except OSError as err:
        raise ModelFileError(f"{path}: cannot be read ({err.strerror}).") from None
    if stat.S_ISDIR(mode):
        raise ModelFileError(f"{path}: is a folder, not a model file.")
    if not stat.S_ISREG(mode):
        raise ModelFileError(
            f"{path}: is a device, pipe or socket, not a model file; refused without reading it."
        )


def _load_skops(data, path, trusted):
    import skops.io as sio

    pairs = _schema(data, path)
    refused = refused_types(pairs, trusted)
    if refused:
        code = sorted({name for loader, name in pairs if name in refused and is_code(loader, name)})
        if code:
            how = "model files may not hold them"
        else:
            how = (
                "they are outside skdeepfake's table of trusted classes; if you made the file or "
                f"trust its source, load it with load_model(path, trusted={refused!r})"
            )
        raise ModelFileError(f"{path}: holds {', '.join(refused)}; {how}. Refused unloaded.")
    try:
        return sio.loads(data, trusted=sorted({name for _, name in pairs}))
    except ImportError as err:
        if err.name == "tensorflow":  # a network's file without the extra: its message says what to install
            raise ImportError(f"{path}: holds a network. {err}", name=err.name) from err
        raise ModelFileError(f"{path}: the model could not be rebuilt (ImportError: {err}).") from err
    except Exception as err:  # a schema that passed the checks but does not rebuild
        raise ModelFileError(
            f"{path}: the model could not be rebuilt ({type(err).__name__}: {err})."
        ) from err
