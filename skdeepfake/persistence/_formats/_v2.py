"""Model files of format versions 1 and 2 (skdeepfake 0.1 and 0.2 development).

Version 2 stored a tree of allowed classes with their parameters and fitted
state as JSON, arrays in ``arrays.npz`` and blobs (Keras networks, XGBoost
boosters) beside them. :func:`skdeepfake.persistence.load_model` still reads
it (and version 1, through :mod:`skdeepfake.persistence._formats._v1`);
its writer lives in the tests (``tests/_v2_writer.py``), which make version-2 files.
"""

import io

import numpy as np

from .._checks import ModelFileError, check_model

_MAX_DEPTH = 64  # nesting of the manifest's tree; deeper is refused, not recursed into


def _v2_classes():
    """The classes a version-2 file may hold, by qualified name (the table of 0.2.dev)."""
    from imblearn.pipeline import Pipeline as SamplingPipeline
    from sklearn.linear_model import LogisticRegression
    from sklearn.mixture import GaussianMixture
    from sklearn.pipeline import FeatureUnion, Pipeline
    from sklearn.preprocessing import StandardScaler

    from ... import features, models
    from ...augment import Augmenter
    from ...io import AudioLoader
    from ...windows import WindowedClassifier

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
        from ... import models

        return getattr(models, name.rsplit(".", 1)[1])
    return classes[name]


# -- reading ------------------------------------------------------------------------------


class _Reader:
    def __init__(self, arrays, blobs):
        self.arrays, self.blobs = arrays, blobs
        self.classes = _v2_classes()

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


def load_v1_or_v2(zf, manifest, path):
    """The fitted model of a version-1 or version-2 file (sizes already checked)."""
    try:
        with np.load(io.BytesIO(zf.read("arrays.npz")), allow_pickle=False) as npz:
            arrays = {k: npz[k] for k in npz.files}
        blobs = {
            n: zf.read(n)
            for n in zf.namelist()
            if n.startswith("blobs/") or n in ("network.keras", "booster.json")
        }
    except KeyError as err:
        raise ModelFileError(f"{path}: damaged or not a skdeepfake model file ({err}).") from err
    try:
        if manifest["format_version"] == 1:
            from ._v1 import build_v1

            model = build_v1(manifest, arrays, blobs)
        else:
            model = _Reader(arrays, blobs).decode(manifest["model"])
    except ModelFileError as err:
        raise ModelFileError(f"{path}: {err}") from None
    except Exception as err:  # a manifest that passed the checks but does not rebuild
        raise ModelFileError(
            f"{path}: the model could not be rebuilt ({type(err).__name__}: {err})."
        ) from err
    check_model(model, path)
    return model
