"""Pickle and skops state through each class's own export and import.

Classes whose state is more than plain attributes (a Keras network, an
XGBoost booster, featurizers' caches, augmentation chains) define one pair
of methods, ``_skdf_export(self) -> (state, blobs)`` and the class method
``_skdf_import(cls, params, state, blobs)``; this mixin turns the pair into
``__getstate__``/``__setstate__``, so that :mod:`pickle`, joblib and
:mod:`skops.io` (skdeepfake's model files) all store that data and nothing
else.
"""

__all__ = ["ExportedState"]


class ExportedState:
    """Mixin: ``__getstate__``/``__setstate__`` from ``_skdf_export``/``_skdf_import``."""

    def __getstate__(self):
        state, blobs = self._skdf_export()
        params = {k: v for k, v in self.get_params(deep=False).items() if k not in state}
        return {"skdf_params": params, "skdf_state": state, "skdf_blobs": blobs}

    def __setstate__(self, data):
        if not (isinstance(data, dict) and "skdf_state" in data):
            self.__dict__.update(data)  # state written before this mixin
            return
        rebuilt = type(self)._skdf_import(data["skdf_params"], data["skdf_state"], data["skdf_blobs"])
        self.__dict__.update(rebuilt.__dict__)
