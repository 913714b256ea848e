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

* the trust policy: one table of classes, :data:`TRUSTED_CLASSES`
  (skdeepfake's estimators and the documented compositions), plus plain
  data; every other type the file names is refused by name before any
  object is built or module imported (:func:`load_model`'s ``trusted``
  admits more scikit-learn classes by name, trees bounds-checked);
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

from ._checks import FORMAT_VERSION, MAX_MODEL_BYTES, ModelFileError
from ._model_file import TRUSTED_CLASSES, is_trusted_type, load_model, save_model
from ._trust import check_trustable

__all__ = [
    "save_model",
    "load_model",
    "is_trusted_type",
    "check_trustable",
    "TRUSTED_CLASSES",
    "ModelFileError",
    "FORMAT_VERSION",
    "MAX_MODEL_BYTES",
]
