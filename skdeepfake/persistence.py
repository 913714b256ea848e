"""Saving and loading fitted detectors without pickle.

Pickles execute code when loaded, and model files get shared. A skdeepfake
model file is instead a zip archive that holds only data:

``manifest.json``
    ``format`` (``"skdeepfake-model"``), ``format_version`` (an int), the
    skdeepfake version that wrote it, and ``model``: a tree in which each
    estimator is its class (one of :func:`saveable_classes`), its
    parameters and its fitted state, as JSON; nested estimators (pipeline
    steps, feature unions, the mixtures of a GMM) are subtrees.
``arrays.npz``
    The numeric arrays the tree refers to, read with ``allow_pickle=False``.
``blobs/...``
    State that a class stores in its own format: Keras networks as
    ``.keras`` files (loaded with ``safe_mode=True``, so no Python code is
    deserialised), XGBoost boosters as JSON.

Loading instantiates only the allowed classes, with parameters and
attributes that are plain data. A class whose state is more than arrays
and numbers serialises itself with one pair of methods,
``_skdf_export(self) -> (state, blobs)`` and the class method
``_skdf_import(cls, params, state, blobs)``; every other class is restored
by setting its public fitted attributes (those ending in ``_``).
Featurizers learn only the input length, so they are refitted on silence.

Files of format version 1 (skdeepfake 0.1) still load. A file written by a
newer format version, or a damaged file, raises :class:`ModelFileError`.
"""

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
    "saveable_classes",
    "ModelFileError",
    "FORMAT_VERSION",
    "MAX_MODEL_BYTES",
]

#: Version of the model-file layout written by :func:`save_model`.
FORMAT_VERSION = 2
_FORMAT = "skdeepfake-model"
_MAX_DEPTH = 64  # nesting of the manifest's tree; deeper is refused, not recursed into
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


def saveable_classes():
    """The classes a model file may hold, by qualified name.

    Every public skdeepfake estimator, and the scikit-learn building blocks
    of its pipelines.

    Returns
    -------
    dict of str to type

    Examples
    --------
    >>> from skdeepfake.persistence import saveable_classes
    >>> "sklearn.linear_model.LogisticRegression" in saveable_classes()
    True
    """
    from imblearn.pipeline import Pipeline as SamplingPipeline
    from sklearn.linear_model import LogisticRegression
    from sklearn.mixture import GaussianMixture
    from sklearn.pipeline import FeatureUnion, Pipeline
    from sklearn.preprocessing import StandardScaler

    from . import features, models
    from .augment import Augmenter
    from .io import AudioLoader
    from .windows import WindowedClassifier

    classes = [
        Pipeline,
        FeatureUnion,
        StandardScaler,
        LogisticRegression,
        GaussianMixture,
        SamplingPipeline,
        AudioLoader,
        WindowedClassifier,
        Augmenter,
        *(
            getattr(features, name)
            for name in features.__all__
            if isinstance(getattr(features, name), type) and name != "FrameFeaturizer"
        ),
        models.XGBoostClassifier,
        models.GMMClassifier,
    ]
    names = {f"{c.__module__.split('.')[0]}.{_public_path(c)}": c for c in classes}
    # The Keras detectors are named without importing TensorFlow.
    for name in ("DNNClassifier", "CustomCNNClassifier", "LCNNClassifier"):
        names[f"skdeepfake.models.{name}"] = None
    return names


def _public_path(cls):
    module = cls.__module__
    if module.startswith("sklearn."):
        public = ".".join(p for p in module.split(".")[1:] if not p.startswith("_"))
        return f"{public}.{cls.__name__}"
    top = {"skdeepfake.io": "", "skdeepfake.windows": "windows."}.get(module)
    if top is not None:
        return f"{top}{cls.__name__}"
    return f"{module.split('.')[1]}.{cls.__name__}"


def _resolve(name, classes):
    if name not in classes:
        raise ModelFileError(f"the manifest names class {name!r}, which model files may not hold.")
    if classes[name] is None:
        from . import models

        return getattr(models, name.rsplit(".", 1)[1])
    return classes[name]


# -- writing ------------------------------------------------------------------------------


class _Writer:
    def __init__(self):
        self.arrays, self.blobs = {}, {}
        self.classes = saveable_classes()
        self.names = {cls: name for name, cls in self.classes.items() if cls is not None}

    def encode(self, value, where):
        from sklearn.base import BaseEstimator

        if value is None or isinstance(value, (bool, str)):
            return value
        if isinstance(value, (int, float, np.integer, np.floating, np.bool_)):
            return value.item() if isinstance(value, np.generic) else value
        if isinstance(value, np.ndarray):
            if value.dtype.kind in "biuf":
                key = f"a{len(self.arrays)}"
                self.arrays[key] = value
                return {"array": key}
            if value.dtype.kind in "UO" and all(isinstance(v, str) for v in value.ravel()):
                return {"strings": value.tolist(), "dtype": value.dtype.kind}
        if isinstance(value, (list, tuple)):
            return {"tuple" if isinstance(value, tuple) else "list": [self.encode(v, where) for v in value]}
        if isinstance(value, dict) and all(isinstance(k, str) for k in value):
            return {"dict": {k: self.encode(v, f"{where}.{k}") for k, v in value.items()}}
        if isinstance(value, BaseEstimator):
            return self.estimator(value, where)
        raise ModelFileError(
            f"Cannot save {where}={value!r}: only numbers, strings, arrays and estimators can be saved."
        )

    def estimator(self, est, where):
        name = self._class_name(type(est), where)
        if hasattr(est, "_skdf_export"):
            try:
                state, blobs = est._skdf_export()
            except ValueError as err:
                raise ModelFileError(f"Cannot save {where}: {err}") from None
        else:
            state, blobs = _fitted_attributes(est), {}
        params = {}
        for key, value in est.get_params(deep=False).items():
            if key in state:
                continue  # a parameter the class stores itself, as data
            if key == "random_state" and not (value is None or isinstance(value, int)):
                value = None  # a RandomState instance is not data; it only seeded the fit
            params[key] = self.encode(value, f"{where}.{key}")
        node = {"class": name, "params": params, "state": self.encode(state, f"{where}(fitted)")}
        if blobs:
            node["blobs"] = {}
            for local, data in blobs.items():
                member = f"blobs/{len(self.blobs)}-{local}"
                self.blobs[member] = data
                node["blobs"][local] = member
        return node

    def _class_name(self, cls, where):
        if cls in self.names:
            return self.names[cls]
        name = f"skdeepfake.models.{cls.__name__}"
        if cls.__module__.startswith("skdeepfake.models") and name in self.classes:
            return name
        raise ModelFileError(
            f"{where} is a {cls.__module__}.{cls.__name__}, which model files cannot hold; "
            f"they hold {', '.join(sorted(self.classes))}."
        )


def _fitted_attributes(est):
    return {k: v for k, v in vars(est).items() if k.endswith("_") and not k.startswith("_")}


@validate_params(
    {"model": [HasMethods(["predict_proba"])], "path": [str, os.PathLike]},
    prefer_skip_nested_validation=True,
)
def save_model(model, path):
    """Save a fitted model to a safe, versioned model file.

    Parameters
    ----------
    model : estimator
        A fitted pipeline or classifier made of :func:`saveable_classes`,
        e.g. from :mod:`skdeepfake.pipelines` (with or without
        ``whole_recording``).
    path : str or pathlib.Path
        Where to write the file (conventionally ``*.skdf``).

    Raises
    ------
    ModelFileError
        If a part is not a saveable class, a parameter is not data, or the
        model's classes do not say which one is spoofed
        (:func:`skdeepfake.labels.spoof_label`).

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
    from sklearn.utils.validation import check_is_fitted

    from .labels import spoof_label

    check_is_fitted(model)
    if hasattr(model, "classes_"):
        try:  # a model file is read as P(fake): its classes must say which one is spoofed
            spoof_label(model.classes_)
        except ValueError as err:
            raise ModelFileError(f"Cannot save this model: {err}") from None
    writer = _Writer()
    tree = writer.encode(model, type(model).__name__)
    manifest = {
        "format": _FORMAT,
        "format_version": FORMAT_VERSION,
        "skdeepfake_version": __version__,
        "model": tree,
    }
    buffer = io.BytesIO()
    np.savez(buffer, **writer.arrays)
    members = {"arrays.npz": buffer.getvalue(), **writer.blobs}
    manifest["members"] = {name: len(data) for name, data in members.items()}
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("manifest.json", json.dumps(manifest, indent=1))
        for member, data in members.items():
            zf.writestr(member, data)


# -- reading ------------------------------------------------------------------------------


class _Reader:
    def __init__(self, arrays, blobs):
        self.arrays, self.blobs = arrays, blobs
        self.classes = saveable_classes()

    def decode(self, node, depth=0):
        if depth > _MAX_DEPTH:
            raise ModelFileError(f"the manifest nests deeper than {_MAX_DEPTH} levels.")
        if node is None or isinstance(node, (bool, int, float, str)):
            return node
        if not isinstance(node, dict) or len(node) == 0:
            raise ModelFileError(f"unexpected value in the manifest: {str(node)[:80]!r}.")
        if "array" in node:
            if node["array"] not in self.arrays:
                raise ModelFileError(f"the manifest names array {node['array']!r}, which the file lacks.")
            return self.arrays[node["array"]]
        if "strings" in node:
            return np.asarray(node["strings"], dtype=object if node.get("dtype") == "O" else None)
        if "list" in node or "tuple" in node:
            items = [self.decode(v, depth + 1) for v in node.get("list", node.get("tuple"))]
            return items if "list" in node else tuple(items)
        if "dict" in node:
            return {str(k): self.decode(v, depth + 1) for k, v in node["dict"].items()}
        if "class" in node:
            return self.estimator(node, depth)
        raise ModelFileError(f"unexpected entry in the manifest: {sorted(node)[:5]}.")

    def estimator(self, node, depth):
        cls = _resolve(node["class"], self.classes)
        params = {k: self.decode(v, depth + 1) for k, v in (node.get("params") or {}).items()}
        state = self.decode(node.get("state"), depth + 1) or {}
        blobs = {}
        for local, member in (node.get("blobs") or {}).items():
            if member not in self.blobs:
                raise ModelFileError(f"the manifest names {member!r}, which the file lacks.")
            blobs[local] = self.blobs[member]
        if not isinstance(state, dict):
            raise ModelFileError(f"{node['class']}: its fitted state is not a mapping.")
        for key in ("steps", "transformer_list"):
            if key in params and not params[key]:
                raise ModelFileError(f"{node['class']}: {key} is empty.")
        if hasattr(cls, "_skdf_import"):
            try:
                est = cls._skdf_import(params, state, blobs)
            except (TypeError, ValueError, KeyError) as err:
                raise ModelFileError(f"{node['class']}: {err}") from None
            if hasattr(est, "_parameter_constraints"):
                est._validate_params()
            return est
        est = cls(**params)
        if hasattr(est, "_parameter_constraints"):
            est._validate_params()  # the classes' own parameter constraints are the schema
        for key, value in state.items():
            if not (key.endswith("_") and not key.startswith("_")):
                raise ModelFileError(f"{node['class']}: unexpected attribute {key!r} in the manifest.")
            setattr(est, key, value)
        return est


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
        If the file is missing, damaged, not a skdeepfake model, or written
        by a newer format version than this skdeepfake reads.

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
            with np.load(io.BytesIO(zf.read("arrays.npz")), allow_pickle=False) as npz:
                arrays = {k: npz[k] for k in npz.files}
            blobs = {
                n: zf.read(n)
                for n in zf.namelist()
                if n.startswith("blobs/") or n in ("network.keras", "booster.json")
            }
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
    try:
        if manifest["format_version"] == 1:
            from ._persistence_v1 import build_v1

            return build_v1(manifest, arrays, blobs)
        model = _Reader(arrays, blobs).decode(manifest["model"])
        _check_model(model)
        return model
    except ModelFileError as err:
        raise ModelFileError(f"{path}: {err}") from None
    except Exception as err:  # a manifest that passed the checks but does not rebuild
        raise ModelFileError(
            f"{path}: the model could not be rebuilt ({type(err).__name__}: {err})."
        ) from err


def _check_sizes(zf, declared, path):
    """Refuse, before reading, members larger than declared or than any model."""
    infos = {info.filename: info for info in zf.infolist()}
    total = 0
    for name, info in infos.items():
        if declared is not None and name in declared and declared[name] is not None:
            if info.file_size != declared[name]:
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


def _check_model(model):
    from sklearn.utils.validation import check_is_fitted

    from .labels import spoof_label

    check_is_fitted(model)
    classes = getattr(model, "classes_", None)
    if classes is None:
        raise ModelFileError("the model has no classes_: it is not a fitted detector.")
    try:
        spoof_label(classes)
    except ValueError as err:
        raise ModelFileError(f"the model's classes: {err}") from None


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
    if version >= 2 and "model" not in manifest:
        raise ModelFileError(f"{path}: damaged manifest (no model).")
