"""Every public function validates its arguments (scikit-learn's validate_params)."""

import ast
import importlib
import inspect
from pathlib import Path

import pytest
from sklearn.utils._param_validation import InvalidParameterError

import skdeepfake
from skdeepfake.registry import MODELS

MODULES = [
    "skdeepfake.io",
    "skdeepfake.features",
    "skdeepfake.datasets",
    "skdeepfake.labels",
    "skdeepfake.pipelines",
    "skdeepfake.windows",
    "skdeepfake.scoring",
    "skdeepfake.metrics",
    "skdeepfake.benchmark",
    "skdeepfake.persistence",
    "skdeepfake.augment",
    "skdeepfake.explain",
    "skdeepfake.models.cnn",
    "skdeepfake.pretrained",
    "skdeepfake.fusion",
]

# Public functions without validate_params, each with its reason.
EXEMPT = {
    # one factory per registry row, each forwarding to the assembler
    **{
        f"skdeepfake.pipelines.make_{name}_pipeline": "forwards **params to make_detector, which validates"
        for name in MODELS
    },
    "skdeepfake.augment.codec_formats": "takes no arguments",
    "skdeepfake.augment.transform_classes": "takes no arguments",
    "skdeepfake.pretrained.load_detector": "takes no arguments",
    "skdeepfake.pretrained.detector_pipeline": "takes no arguments",
    "skdeepfake.features.fits_only_input_length": "takes any estimator; answers False for others",
    "skdeepfake.metrics.det_curve_asvspoof": "deprecated alias; asvspoof_det_curve validates",
    "skdeepfake.metrics.eer_scorer": "a scorer, called by scikit-learn as scorer(estimator, X, y)",
    "skdeepfake.metrics.min_dcf_scorer": "a scorer, called by scikit-learn as scorer(estimator, X, y)",
    "skdeepfake.metrics.cllr_scorer": "a scorer, called by scikit-learn as scorer(estimator, X, y)",
}


def _public_functions():
    for name in MODULES:
        module = importlib.import_module(name)
        for attr in getattr(module, "__all__", []):
            obj = getattr(module, attr)
            if inspect.isfunction(obj) or (callable(obj) and hasattr(obj, "__wrapped__")):
                if inspect.isclass(obj):
                    continue
                yield f"{name}.{attr}", obj


FUNCTIONS = sorted(dict(_public_functions()).items())


def test_the_list_of_public_functions_is_not_empty():
    assert len(FUNCTIONS) >= 25


@pytest.mark.parametrize("qualname, func", FUNCTIONS, ids=[q for q, _ in FUNCTIONS])
def test_public_function_is_wrapped_by_validate_params(qualname, func):
    if qualname in EXEMPT:
        pytest.skip(EXEMPT[qualname])
    # validate_params wraps the function (functools.wraps sets __wrapped__).
    assert hasattr(func, "__wrapped__"), f"{qualname} does not validate its arguments"


BAD_CALLS = [
    ("skdeepfake.io.load_audio", dict(path=3), "path"),
    ("skdeepfake.io.fix_length", dict(y=[0.0, 1.0], n_samples=0), "n_samples"),
    ("skdeepfake.metrics.min_dcf", dict(y_true=[0, 1], y_score=[0.1, 0.9], p_spoof=2.0), "p_spoof"),
    ("skdeepfake.metrics.cllr", dict(y_true=[0, 1], y_score=[0.1, 0.9], scores="odds"), "scores"),
    ("skdeepfake.metrics.make_min_dcf_scorer", dict(c_fa=-1.0), "c_fa"),
    ("skdeepfake.windows.window_bounds", dict(n_samples=10, sr=0, window=1.0, hop=1.0), "sr"),
    ("skdeepfake.pipelines.make_detector", dict(model="svm"), "model"),
    ("skdeepfake.fusion.make_fused_detector", dict(cv=1), "cv"),
    ("skdeepfake.metrics.min_cllr", dict(y_true=[0, 1], y_score=[0.1, 0.9], pos_label=[1]), "pos_label"),
    ("skdeepfake.pipelines.make_frontend", dict(features="lfcc", output="images"), "output"),
    ("skdeepfake.datasets.make_synthetic_speech", dict(n_samples=1), "n_samples"),
    ("skdeepfake.datasets.load_audio_folder", dict(root="x", check="yes"), "check"),
    ("skdeepfake.features.featurize_files", dict(X=[], featurizer=3), "featurizer"),
    ("skdeepfake.benchmark.run_benchmark", dict(estimators=[], X=[], y=[]), "estimators"),
    ("skdeepfake.persistence.load_model", dict(path=None), "path"),
    ("skdeepfake.labels.spoof_label", dict(labels=[0, 1], pos_label=object()), "pos_label"),
    ("skdeepfake.models.cnn.min_input_size", dict(n_blocks=0), "n_blocks"),
]


@pytest.mark.parametrize("qualname, kwargs, param", BAD_CALLS, ids=[q for q, _, _ in BAD_CALLS])
def test_a_bad_argument_is_named(qualname, kwargs, param):
    module, name = qualname.rsplit(".", 1)
    func = getattr(importlib.import_module(module), name)
    with pytest.raises(InvalidParameterError, match=f"'{param}' parameter of {name}"):
        func(**kwargs)


def test_the_displays_module_moved_with_a_deprecation():
    import subprocess
    import sys

    code = "import warnings; warnings.simplefilter('error'); from skdeepfake.displays import DETCurveDisplay"
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert proc.returncode != 0
    assert "skdeepfake.displays is deprecated" in proc.stderr
    from skdeepfake.metrics import DETCurveDisplay  # the new home  # noqa: F401


def _package_modules():
    """(path inside the package, source) of every module of skdeepfake, for the structure tests."""
    package = Path(skdeepfake.__file__).parent
    return [
        (path.relative_to(package), path.read_text(encoding="utf-8"))
        for path in sorted(package.rglob("*.py"))
    ]


def test_topics_import_each_others_public_names_only():
    """A module reaches into another topic's private module or name nowhere (utils and _version are shared)."""
    shared = {"utils", "_version"}
    reaching = []
    for path, source in _package_modules():
        parts = path.with_suffix("").parts
        topic = parts[0]
        for node in ast.walk(ast.parse(source)):
            if not isinstance(node, ast.ImportFrom) or node.level == 0:
                continue
            # The imported module as a path inside the package (a package's __init__ counts as a part).
            target = list(parts[: len(parts) - node.level]) + (node.module.split(".") if node.module else [])
            if not target or target[0] == topic or target[0] in shared:
                continue
            names = [a.name for a in node.names]
            private_module = any(p.startswith("_") for p in target[1:])
            private_name = [n for n in names if n.startswith("_") and n != "__version__"]
            if private_module or private_name:
                reaching.append(f"{path}:{node.lineno}: {'.'.join(target)} {names}")
    assert not reaching, "imports of another topic's private module or name:\n" + "\n".join(reaching)


def test_no_module_is_over_400_lines():
    """The house rule: a module that grows past it is split along a concept (CONTRIBUTING)."""
    lengths = {str(path): len(source.splitlines()) for path, source in _package_modules()}
    long = {name: n for name, n in lengths.items() if n > 400}
    assert len(lengths) > 50, f"only {len(lengths)} modules found in skdeepfake"
    assert not long, f"modules over 400 lines: {long}"


# fit methods without scikit-learn's _fit_context, each with its reason.
FIT_WITHOUT_CONTEXT = {
    "explain/_importance.py:_GroupedModel": "a private adapter for permutation_importance; its fit does nothing",
}


def test_every_fit_runs_in_fit_context():
    """scikit-learn's habit: ``fit`` validates the parameters through ``_fit_context``, never by hand."""
    fits, missing = [], []
    for path, source in _package_modules():
        for node in ast.walk(ast.parse(source)):
            if not isinstance(node, ast.ClassDef):
                continue
            for item in node.body:
                if isinstance(item, ast.FunctionDef) and item.name == "fit":
                    where = f"{path}:{node.name}"
                    fits.append(where)
                    decorators = {ast.unparse(d).split("(")[0] for d in item.decorator_list}
                    if "_fit_context" not in decorators and where not in FIT_WITHOUT_CONTEXT:
                        missing.append(where)
    assert len(fits) >= 10, fits
    assert not missing, f"fit without _fit_context: {missing}"
