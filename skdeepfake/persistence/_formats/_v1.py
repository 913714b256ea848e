"""Reading model files of format version 1 (skdeepfake 0.1).

Version 1 stored a flat list of pipeline steps, each one of a fixed set of
skdeepfake classes. :func:`skdeepfake.persistence.load_model` still reads
such files through :func:`build_v1`; :func:`skdeepfake.persistence.save_model`
writes version 3.
"""

import numpy as np
from sklearn.pipeline import Pipeline

# Parameters stored as JSON lists that the estimators take as tuples.
_TUPLE_PARAMS = {"hidden_layer_sizes", "filters", "features", "stats"}


class _V1Error(ValueError):
    pass


def _step_classes():
    from ...features import HandcraftedFeatures, MelSpectrogram
    from ...io import AudioLoader
    from ...models import XGBoostClassifier

    classes = {c.__name__: c for c in (AudioLoader, MelSpectrogram, HandcraftedFeatures, XGBoostClassifier)}
    return classes


def _keras_classes():
    from ...models import CustomCNNClassifier, DNNClassifier

    return {c.__name__: c for c in (DNNClassifier, CustomCNNClassifier)}


def _restore_params(params):
    return {k: tuple(v) if k in _TUPLE_PARAMS and isinstance(v, list) else v for k, v in params.items()}


def build_v1(manifest, arrays, blobs):
    """The fitted model of a version-1 manifest."""
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
            raise _V1Error(f"unknown step class {cls_name!r} in the manifest.")
        steps.append((name, step))
    pipeline = Pipeline(steps)
    windowed = manifest.get("windowed")
    if windowed:
        from ...windows import WindowedClassifier

        params = {k: v for k, v in windowed.items() if k != "classes"}
        return WindowedClassifier.from_fitted(pipeline, **params)
    return pipeline


def _load_keras_step(cls, name, params, state, arrays, blobs):
    """A version-1 Keras step through the class's own import (version 2's)."""
    prefix = f"{name}.encoder."
    encoder = {k[len(prefix) :]: v for k, v in arrays.items() if k.startswith(prefix)}
    return cls._skdf_import(params, {**state, "encoder": encoder}, blobs)


def _load_xgb_step(cls, params, state, blobs):
    """A version-1 XGBoost step through the class's own import (version 2's)."""
    return cls._skdf_import(params, state, blobs)
