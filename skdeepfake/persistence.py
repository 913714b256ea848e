"""Saving and loading fitted detectors without pickle.

Pickles execute code when loaded, and model files get shared. A skdeepfake
model file is instead a zip archive that holds only data:

``manifest.json``
    ``format`` (``"skdeepfake-model"``), ``format_version`` (an int), the
    skdeepfake version that wrote it, and the pipeline: for each step its
    name, its class (one of a fixed list of skdeepfake classes) and its
    parameters as JSON; ``windowed`` holds the window settings of a
    whole-recording model (or null).
``arrays.npz``
    Fitted numeric state (e.g. the input standardiser's statistics), read
    with ``allow_pickle=False``.
``network.keras``
    For the DNN and the CNN: the network in Keras' native format, loaded
    with ``safe_mode=True`` (no Python code is deserialised).
``booster.json``
    For XGBoost: the booster in XGBoost's JSON format.

Featurizers and the loader are stateless apart from the input length, so
they are rebuilt from their parameters. Loading a file written by a newer
format version, or a damaged file, raises :class:`ModelFileError`.
"""

import io
import json
import tempfile
import zipfile
from pathlib import Path

import numpy as np
from sklearn.pipeline import Pipeline

from ._version import __version__

__all__ = ["save_model", "load_model", "ModelFileError", "FORMAT_VERSION"]

#: Version of the model-file layout written by :func:`save_model`.
FORMAT_VERSION = 1
_FORMAT = "skdeepfake-model"
# Parameters stored as JSON lists that the estimators take as tuples.
_TUPLE_PARAMS = {"hidden_layer_sizes", "filters", "features", "stats"}


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


def _step_classes():
    from .features import HandcraftedFeatures, MelSpectrogram
    from .io import AudioLoader
    from .models import XGBoostClassifier

    classes = {c.__name__: c for c in (AudioLoader, MelSpectrogram, HandcraftedFeatures, XGBoostClassifier)}
    return classes


def _keras_classes():
    from .models import CustomCNNClassifier, DNNClassifier

    return {c.__name__: c for c in (DNNClassifier, CustomCNNClassifier)}


def _json_params(estimator):
    params = {}
    for key, value in estimator.get_params(deep=False).items():
        if isinstance(value, tuple):
            value = list(value)
        if key == "random_state" and not (value is None or isinstance(value, int)):
            value = None  # a RandomState instance is not data; it only seeded the fit
        try:
            json.dumps(value)
        except TypeError:
            raise ModelFileError(
                f"Cannot save parameter {type(estimator).__name__}.{key}={value!r}: only "
                "JSON-representable parameters can be saved."
            ) from None
        params[key] = value
    return params


def _restore_params(params):
    return {k: tuple(v) if k in _TUPLE_PARAMS and isinstance(v, list) else v for k, v in params.items()}


def save_model(pipeline, path):
    """Save a fitted skdeepfake pipeline to a safe, versioned model file.

    Parameters
    ----------
    pipeline : sklearn.pipeline.Pipeline or WindowedClassifier
        A fitted pipeline of skdeepfake steps, as made by
        :mod:`skdeepfake.pipelines` (with or without ``whole_recording``).
    path : str or pathlib.Path
        Where to write the file (conventionally ``*.skdf``).

    Raises
    ------
    ModelFileError
        If a step is not a skdeepfake class or a parameter is not data.

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

    from .windows import WindowedClassifier

    windowed = None
    if isinstance(pipeline, WindowedClassifier):
        check_is_fitted(pipeline)
        windowed = {k: v for k, v in pipeline.get_params(deep=False).items() if k != "estimator"}
        if callable(windowed["aggregate"]):
            raise ModelFileError("A WindowedClassifier with a callable aggregate cannot be saved.")
        if not (windowed["random_state"] is None or isinstance(windowed["random_state"], int)):
            windowed["random_state"] = None  # it only drew training windows
        windowed["classes"] = pipeline.classes_.tolist()
        pipeline = pipeline.estimator_
    if not isinstance(pipeline, Pipeline):
        raise ModelFileError(f"save_model expects a fitted Pipeline, got {type(pipeline).__name__}.")
    check_is_fitted(pipeline)
    known = {**_step_classes(), **_keras_classes()}
    steps, arrays, blobs = [], {}, {}
    n_features = None
    for name, step in pipeline.steps:
        cls_name = type(step).__name__
        if known.get(cls_name) is not type(step):
            raise ModelFileError(
                f"Step {name!r} is a {cls_name}; only skdeepfake's own classes "
                f"({', '.join(sorted(known))}) can be saved."
            )
        entry = {"name": name, "class": cls_name, "params": _json_params(step)}
        if hasattr(step, "n_features_in_") and cls_name in ("MelSpectrogram", "HandcraftedFeatures"):
            entry["n_features_in"] = int(step.n_features_in_)
        if cls_name in _keras_classes():
            meta, state, network = step._export_fitted_state()
            entry["state"] = meta
            arrays.update({f"{name}.{k}": v for k, v in state.items()})
            with tempfile.TemporaryDirectory() as tmp:
                network.save(Path(tmp) / "network.keras")
                blobs["network.keras"] = (Path(tmp) / "network.keras").read_bytes()
        elif cls_name == "XGBoostClassifier":
            entry["state"] = {
                "classes": step.classes_.tolist(),
                "n_features_in": int(step.n_features_in_),
            }
            blobs["booster.json"] = bytes(step.booster_.get_booster().save_raw(raw_format="json"))
        steps.append(entry)
        n_features = entry.get("n_features_in", n_features)
    manifest = {
        "format": _FORMAT,
        "format_version": FORMAT_VERSION,
        "skdeepfake_version": __version__,
        "steps": steps,
        "windowed": windowed,
    }
    buffer = io.BytesIO()
    np.savez(buffer, **arrays)
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("manifest.json", json.dumps(manifest, indent=2))
        zf.writestr("arrays.npz", buffer.getvalue())
        for member, data in blobs.items():
            zf.writestr(member, data)


def load_model(path):
    """Load a pipeline saved by :func:`save_model`; no code is executed.

    Parameters
    ----------
    path : str or pathlib.Path
        The model file.

    Returns
    -------
    sklearn.pipeline.Pipeline or WindowedClassifier
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
            manifest = json.loads(zf.read("manifest.json"))
            _check_manifest(manifest, path)
            with np.load(io.BytesIO(zf.read("arrays.npz")), allow_pickle=False) as npz:
                arrays = {k: npz[k] for k in npz.files}
            blobs = {n: zf.read(n) for n in zf.namelist() if n in ("network.keras", "booster.json")}
    except ModelFileError:
        raise
    except (zipfile.BadZipFile, KeyError, json.JSONDecodeError, ValueError, OSError, EOFError) as err:
        raise ModelFileError(f"{path}: damaged or not a skdeepfake model file ({err}).") from err
    try:
        return _build_pipeline(manifest, arrays, blobs)
    except ModelFileError:
        raise
    except Exception as err:  # a manifest that passed the checks but does not rebuild
        raise ModelFileError(f"{path}: the model could not be rebuilt ({type(err).__name__}: {err}).") from err


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


def _build_pipeline(manifest, arrays, blobs):
    plain, keras_classes = _step_classes(), _keras_classes()
    steps = []
    for entry in manifest["steps"]:
        name, cls_name = entry["name"], entry["class"]
        params = _restore_params(entry["params"])
        if cls_name in keras_classes:
            step = _load_keras_step(keras_classes[cls_name], name, params, entry["state"], arrays, blobs)
        elif cls_name == "XGBoostClassifier":
            step = _load_xgb_step(plain[cls_name], params, entry["state"], blobs)
        elif cls_name in plain:
            step = plain[cls_name](**params)
            if "n_features_in" in entry:  # featurizers: refit on silence of the right length
                step.fit(np.zeros((1, entry["n_features_in"]), np.float32))
        else:
            raise ModelFileError(f"unknown step class {cls_name!r} in the manifest.")
        steps.append((name, step))
    pipeline = Pipeline(steps)
    windowed = manifest.get("windowed")
    if windowed:
        from .windows import WindowedClassifier

        params = {k: v for k, v in windowed.items() if k != "classes"}
        return WindowedClassifier.from_fitted(pipeline, **params)
    return pipeline


def _load_keras_step(cls, name, params, state, arrays, blobs):
    from ._tf import import_keras

    keras = import_keras()
    if "network.keras" not in blobs:
        raise ModelFileError("the manifest names a Keras model but the file holds no network.keras.")
    with tempfile.TemporaryDirectory() as tmp:
        network_path = Path(tmp) / "network.keras"
        network_path.write_bytes(blobs["network.keras"])
        network = keras.saving.load_model(network_path, safe_mode=True)
    prefix = f"{name}."
    own = {k[len(prefix):]: v for k, v in arrays.items() if k.startswith(prefix)}
    return cls._from_fitted_state(params, state, own, network)


def _load_xgb_step(cls, params, state, blobs):
    from xgboost import XGBClassifier

    if "booster.json" not in blobs:
        raise ModelFileError("the manifest names an XGBoost model but the file holds no booster.json.")
    step = cls(**params)
    booster = XGBClassifier()
    booster.load_model(bytearray(blobs["booster.json"]))
    step.booster_ = booster
    step.classes_ = np.asarray(state["classes"])
    step.n_features_in_ = state["n_features_in"]
    return step
