"""What a model file may hold: one table, checked on the schema before anything is built.

skops rebuilds an object tree from a JSON schema, and each node of the
schema names a loader (how to rebuild it) and a type (what to rebuild).
Trusting a whole package is not safe: NumPy's ``DataSource`` deletes a
folder of its choosing when it is garbage-collected, and scikit-learn's
``Tree`` indexes its node arrays unchecked. So a model file may hold only

* the estimator classes of :data:`TRUSTED_CLASSES`, which skdeepfake's own
  estimators and the compositions its user guide documents need, each
  named with the reason; and
* plain data in skops' data loaders: ``dict``, ``list``, ``tuple``, ``str``,
  ``bytes``, JSON values, NumPy arrays and scalars of numeric or string
  types, SciPy sparse matrices.

Anything else is refused by name before any object is built or any module
imported, unless the caller trusts that type by name
(``load_model(path, trusted=[...])``, ``--trust`` on the command line).
What a caller may trust is itself an allowlist (:func:`check_trustable`):
a class defined in scikit-learn, imbalanced-learn or XGBoost, that does not
act when garbage-collected, and only where the file rebuilds an object or
names a type; never a function, a builtin, a test helper or another
package's class. Functions, bound methods and ``functools.partial`` are
never in the table: a model file holds no code.
"""

import re
from functools import lru_cache
from importlib import import_module

import numpy as np
from sklearn.utils._param_validation import validate_params

from ..registry import FRONTENDS, MODELS

__all__ = [
    "TRUSTED_CLASSES",
    "TRUSTABLE_PACKAGES",
    "trusted_types",
    "check_trustable",
    "schema_types",
    "refused_types",
    "is_code",
    "check_trees",
]

#: The packages whose classes a caller may trust by name, beyond the table.
TRUSTABLE_PACKAGES = ("sklearn", "imblearn", "xgboost")
# The skops loaders that rebuild an instance of a class (from its stored
# state, never by calling it with the file's arguments) or name a type: the
# only places where a caller-trusted name is admitted. A name under any
# other loader (FunctionNode, ConstructorFromReduceNode, a data loader that
# calls its type) is refused even when trusted.
_CLASS_LOADERS = frozenset({"ObjectNode", "TreeNode", "LossNode", "TypeNode"})
# Classes that are not estimators but hold a fitted estimator's data, and
# that a trusted estimator may need (trees, boosting's predictors, losses).
_DATA_MODULES = ("sklearn.tree._tree", "sklearn._loss.", "sklearn.ensemble._hist_gradient_boosting.")
_QUALIFIED = re.compile(r"[A-Za-z_]\w*(\.[A-Za-z_]\w*)+")

#: The classes a model file may hold without being trusted by the caller,
#: ``(module, class): why``: every model and front-end of
#: :mod:`skdeepfake.registry`, the classes that hold them together, and the
#: scikit-learn and imbalanced-learn classes of the documented compositions.
#: skdeepfake's are named by their defining module (so that the table needs
#: no import, and TensorFlow stays unloaded); the others by their public
#: module, the stored name being read from the class.
TRUSTED_CLASSES = {
    **{(spec.module, spec.cls): "a front-end" for spec in FRONTENDS.values() if spec.module},
    **{
        (spec.module, spec.cls): "a model"
        for spec in MODELS.values()
        if spec.module.startswith("skdeepfake.")
    },
    ("skdeepfake.io", "AudioLoader"): "the loader of every pipeline",
    ("skdeepfake.windows", "WindowedClassifier"): "whole-recording detectors in windows",
    ("skdeepfake.fusion", "LogOdds"): "the members' log-odds in a fused detector",
    ("skdeepfake.calibration", "AbstainingDetector"): "calibrated detectors that can say uncertain",
    ("sklearn.frozen", "FrozenEstimator"): "a network fitted elsewhere, calibrated as it is",
    ("skdeepfake.augment._sampler", "Augmenter"): "augmentation in fit (its chain is stored as data)",
    ("skdeepfake.augment._vocoders", "VocodedCopies"): "vocoded copies of bona fide recordings in fit",
    ("skdeepfake.augment._vocoders", "GriffinLimVocoder"): "a vocoder of VocodedCopies",
    ("skdeepfake.augment._vocoders", "LPCVocoder"): "a vocoder of VocodedCopies",
    ("skdeepfake.features._constant_q", "ConstantQ"): "the CQT filters a fitted CQCC holds",
    ("skdeepfake.features._spectral", "BandedFilterbank"): "the filters a fitted front-end holds",
    ("sklearn.pipeline", "Pipeline"): "every pipeline",
    ("sklearn.pipeline", "FeatureUnion"): "several front-ends side by side",
    ("imblearn.pipeline", "Pipeline"): "pipelines with augmentation",
    ("sklearn.preprocessing", "StandardScaler"): "scaling before the linear, DNN and GMM models",
    ("sklearn.linear_model", "LogisticRegression"): "the linear detector; stacking's final estimator",
    ("sklearn.mixture", "GaussianMixture"): "the GMM detector's two mixtures; the one-class detector's",
    ("sklearn.svm", "OneClassSVM"): "the one-class detector, method='svm'",
    ("sklearn.naive_bayes", "GaussianNB"): "a pipeline ending in a scikit-learn classifier (user guide)",
    ("sklearn.calibration", "CalibratedClassifierCV"): "calibrated detectors",
    ("sklearn.calibration", "_CalibratedClassifier"): "a fitted CalibratedClassifierCV's folds",
    ("sklearn.calibration", "_SigmoidCalibration"): "calibration, method='sigmoid'",
    ("sklearn.isotonic", "IsotonicRegression"): "calibration, method='isotonic'",
    ("sklearn.ensemble", "StackingClassifier"): "fused detectors",
    ("sklearn.ensemble", "VotingClassifier"): "fused detectors",
    ("sklearn.preprocessing", "LabelEncoder"): "the classes of stacking and voting",
}

# The loaders that rebuild data, and the types each may name. A loader builds
# its type from the stored value (DictNode calls it, NdArrayNode applies it to
# the array), so the type is checked here too.
_NUMBERS = frozenset(
    f"numpy.{t.__name__}" for t in set(np.sctypeDict.values()) if np.dtype(t).kind in "biufcU"
)


@lru_cache(maxsize=1)
def _data_loaders():
    from sklearn.utils import Bunch  # the named members of stacking and voting: a dict

    return {
        "DictNode": frozenset({"builtins.dict", f"{Bunch.__module__}.{Bunch.__qualname__}"}),
        "ListNode": frozenset({"builtins.list"}),
        "TupleNode": frozenset({"builtins.tuple"}),
        "BytesNode": frozenset({"builtins.bytes"}),
        "NdArrayNode": frozenset({"numpy.ndarray"}) | _NUMBERS,
        "SparseMatrixNode": frozenset(
            {f"scipy.sparse._{k}.{k}_{m}" for k in ("csr", "csc") for m in ("matrix", "array")}
        ),
        # A reference to a type, e.g. the key types of a dict.
        "TypeNode": frozenset({"builtins.str", "builtins.int", "builtins.float", "builtins.bool"}) | _NUMBERS,
    }


# These rebuild nothing named by the file: json.loads of the value, or an
# object already built (and checked) earlier in the same file.
_ANY_TYPE_LOADERS = frozenset({"JsonNode", "CachedNode"})


@lru_cache(maxsize=1)
def trusted_types():
    """The stored names (``module.Class`` as skops writes them) of :data:`TRUSTED_CLASSES`."""
    names = {}
    for (module, name), why in TRUSTED_CLASSES.items():
        if module.startswith("skdeepfake."):
            names[f"{module}.{name}"] = why
        else:  # where the class is defined may change between versions
            cls = getattr(import_module(module), name)
            names[f"{cls.__module__}.{cls.__qualname__}"] = why
    return names


@validate_params({"names": [list, tuple], "what": [str]}, prefer_skip_nested_validation=True)
def check_trustable(names, what="trusted"):
    """Refuse, before anything is loaded, any name a caller may not trust.

    Parameters
    ----------
    names : list of str
        Qualified class names (``module.Class``, as a refusal lists them).
    what : str, default="trusted"
        How the caller calls the argument, for the message (``--trust`` on
        the command line).

    Raises
    ------
    ValueError
        Naming the first refused name and why: not a qualified name; outside
        scikit-learn, imbalanced-learn and XGBoost (no module of another
        package is imported to find out); a test helper; not found; a
        function or another object rather than a class; a class re-exported
        from another package; a class that acts when garbage-collected; or a
        class that is neither an estimator nor the data of one (trees,
        boosting's predictors, losses).

    See Also
    --------
    load_model : checks its ``trusted`` names with this before opening the file.
    is_trusted_type : the classes a model file may hold without being trusted.

    Examples
    --------
    >>> from skdeepfake.persistence import check_trustable
    >>> check_trustable(["sklearn.ensemble._forest.RandomForestClassifier"])
    >>> try:
    ...     check_trustable(["os.system"], what="--trust")
    ... except ValueError as err:
    ...     print(str(err)[:31])
    --trust: 'os.system' is outside
    """
    for name in names:
        problem = _untrustable(name)
        if problem:
            raise ValueError(
                f"{what}: {name!r} {problem}. Only classes of scikit-learn, imbalanced-learn and "
                "XGBoost can be trusted; never a function, a builtin or another package's class."
            )


def _untrustable(name):
    """Why ``name`` may not be trusted, or None. Imports only modules of the trustable packages."""
    if not isinstance(name, str) or not _QUALIFIED.fullmatch(name):
        return "is not a qualified class name such as 'sklearn.tree._tree.Tree'"
    parts = name.split(".")
    if parts[0] not in TRUSTABLE_PACKAGES:
        return f"is outside {', '.join(TRUSTABLE_PACKAGES)}"
    if any(part in ("tests", "_testing", "testing", "conftest") for part in parts):
        return "is a test helper, not a model class"
    module, obj = None, None
    for split in range(len(parts) - 1, 0, -1):  # the longest importable module prefix
        try:
            module = import_module(".".join(parts[:split]))
        except ImportError:
            continue
        obj = module
        for attr in parts[split:]:
            obj = getattr(obj, attr, None)
        break
    if obj is None:
        return "names no class"
    if not isinstance(obj, type):
        return f"is a {type(obj).__name__}, not a class"
    defined = f"{obj.__module__}.{obj.__qualname__}"
    if defined != name:
        if obj.__module__.split(".")[0] not in TRUSTABLE_PACKAGES:
            return f"is {defined}, a class of another package"
        return f"is stored as {defined!r}: trust it by that name"
    if any("__del__" in vars(base) for base in obj.__mro__ if base is not object):
        return "acts when garbage-collected (__del__)"
    from sklearn.base import BaseEstimator

    if not (issubclass(obj, BaseEstimator) or name.startswith(_DATA_MODULES)):
        return "is neither an estimator nor the data of one (a tree, a loss)"
    return None


def schema_types(schema, path, max_depth):
    """Every ``(loader, type)`` pair a skops schema names, nesting bounded.

    The walk visits every mapping of the JSON, a superset of the nodes skops
    rebuilds, so that nothing can hide from it.
    """
    from ._checks import ModelFileError

    found, stack = set(), [(schema, 0)]
    while stack:
        node, depth = stack.pop()
        if depth > max_depth:
            raise ModelFileError(f"{path}: the model's schema nests deeper than {max_depth} levels.")
        if isinstance(node, dict):
            if "__loader__" in node:
                found.add((str(node["__loader__"]), f"{node.get('__module__')}.{node.get('__class__')}"))
            children = node.values()
        elif isinstance(node, list):
            children = node
        else:
            continue
        stack.extend((child, depth + 1) for child in children if isinstance(child, (dict, list)))
    return found


def refused_types(pairs, trusted=()):
    """The type names among ``pairs`` that neither the table nor ``trusted`` admits.

    ``trusted`` must have passed :func:`check_trustable`; its names are
    admitted only under the loaders that rebuild a class's instance or name
    a type.
    """
    classes, extra = trusted_types(), set(trusted)
    refused = set()
    for loader, name in pairs:
        if loader in _ANY_TYPE_LOADERS or (name in extra and loader in _CLASS_LOADERS):
            continue
        if loader == "ObjectNode" and name in classes:
            continue
        if name in _data_loaders().get(loader, ()):
            continue
        refused.add(name)
    return sorted(refused)


def is_code(loader, name):
    """Whether a refused ``(loader, name)`` is code, which no caller can trust either."""
    return loader not in _CLASS_LOADERS or name.split(".")[0] not in TRUSTABLE_PACKAGES


def check_trees(model, path):
    """Refuse decision trees whose node arrays point outside themselves.

    scikit-learn follows a tree's child and feature indices without bounds
    checks, so a crafted file could make ``predict`` read memory outside the
    model. Trees load only when the caller trusts them by name, and then
    each node must have both of its children after it, or none, and an
    internal node must split on a feature the estimator was fitted on.
    """
    from ._checks import ModelFileError, estimators

    for est in estimators(model):
        n_features = getattr(est, "n_features_in_", None)
        for where, nodes in _node_arrays(est):
            problem = _nodes_problem(nodes, n_features)
            if problem:
                raise ModelFileError(f"{path}: {type(est).__name__}.{where}: {problem}; refused.")


def _node_arrays(est):
    """``(where, (left, right, feature, threshold, is_leaf))`` of each tree ``est`` holds itself."""
    from sklearn.ensemble._hist_gradient_boosting.predictor import TreePredictor
    from sklearn.tree._tree import Tree

    for key, value in vars(est).items():
        items = _flatten(value)
        for i, item in enumerate(items):
            where = f"{key}[{i}]" if len(items) > 1 else key
            if isinstance(item, Tree):
                n = item.__getstate__()["nodes"]
                if len(n) != item.node_count:
                    yield where, None
                    continue
                leaf = (n["left_child"] == -1) & (n["right_child"] == -1)
                yield where, (n["left_child"], n["right_child"], n["feature"], n["threshold"], leaf)
            elif isinstance(item, TreePredictor):
                n = item.nodes
                yield where, (n["left"], n["right"], n["feature_idx"], n["num_threshold"], n["is_leaf"] != 0)


def _flatten(value):
    if isinstance(value, np.ndarray) and value.dtype == object:
        value = list(value.ravel())
    if isinstance(value, (list, tuple)):
        return [item for v in value for item in _flatten(v)]
    return [value]


def _nodes_problem(nodes, n_features):
    if nodes is None:
        return "its node count does not match its nodes"
    left, right, feature, threshold, leaf = nodes
    count, index, internal = len(left), np.arange(len(left)), ~leaf
    for name, child in (("left child", left), ("right child", right)):
        bad = internal & ((child <= index) | (child >= count))
        if bad.any():
            return f"node {int(index[bad][0])} has {name} {int(child[bad][0])} (of {count} nodes)"
    limit = n_features if n_features is not None else np.iinfo(np.int64).max
    bad = internal & ((feature < 0) | (feature >= limit))
    if bad.any():
        return f"node {int(index[bad][0])} splits on feature {int(feature[bad][0])} of {n_features}"
    if not np.isfinite(threshold[internal]).all():
        return "a split threshold is not finite"
    return None
