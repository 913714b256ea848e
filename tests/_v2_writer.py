"""Writing model files of format version 2, so that tests can check they still load.

skdeepfake itself writes version 3 only; this is the 0.2 development writer,
kept beside the tests that need it.
"""

import io
import json
import zipfile

import numpy as np

from skdeepfake.persistence import ModelFileError
from skdeepfake.persistence._formats._v2 import _v2_classes


class _Writer:
    def __init__(self):
        self.arrays, self.blobs = {}, {}
        self.classes = _v2_classes()
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


def write_v2(model, path):
    """Write ``model`` in format version 2 (for tests of backward compatibility)."""
    writer = _Writer()
    tree = writer.encode(model, type(model).__name__)
    buffer = io.BytesIO()
    np.savez(buffer, **writer.arrays)
    members = {"arrays.npz": buffer.getvalue(), **writer.blobs}
    manifest = {
        "format": "skdeepfake-model",
        "format_version": 2,
        "skdeepfake_version": "0.2.0.dev",
        "model": tree,
        "members": {name: len(data) for name, data in members.items()},
    }
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("manifest.json", json.dumps(manifest, indent=1))
        for member, data in members.items():
            zf.writestr(member, data)
