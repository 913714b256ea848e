"""Claims the pages make about the code, checked against the code.

The gallery and the doctests run code; these check the prose a newcomer reads
first (README, getting started, long recordings) where it names models,
defaults or commands, so that a change of default cannot leave a page behind.
"""

import re
from pathlib import Path

import pytest

from skdeepfake.cli._parser import DEMO_MODELS
from skdeepfake.registry import DEFAULT_MODEL, MODELS

ROOT = Path(__file__).resolve().parents[1]
# The names the pages give the registry's models.
SPOKEN = {
    "linear": "linear",
    "xgb": "XGBoost",
    "dnn": "DNN",
    "cnn": "CNN",
    "gmm": "GMM",
    "lcnn": "LCNN",
    "oneclass": "one-class",
    "rawnet2": "RawNet2",
    "aasist": "AASIST",
}


def _spoken_list(names):
    names = [SPOKEN[n] for n in names]
    return ", ".join(names[:-1]) + " and " + names[-1]


def _text(relative):
    return (ROOT / relative).read_text(encoding="utf-8")


def test_every_model_has_a_spoken_name():
    assert set(SPOKEN) >= set(MODELS), f"no spoken name for {sorted(set(MODELS) - set(SPOKEN))}"


@pytest.mark.parametrize("page", ["README.md", "docs/getting_started.rst"])
def test_the_pages_name_the_models_make_demo_compares(page):
    spoken = _spoken_list(DEMO_MODELS)
    text = " ".join(_text(page).split())
    found = text.count(spoken)
    assert found >= 1, f"{page} does not say the demo compares the {spoken} detectors"
    for wrong in ("three detectors", "the CNN, the DNN and XGBoost"):
        assert wrong not in text, f"{page} still says {wrong!r}"


def test_long_recordings_names_the_pipelines_that_pool_whole_recordings():
    first = " ".join(_text("docs/user_guide/long_recordings.rst").split("\n\n")[1].split())
    pooled = [n for n, spec in MODELS.items() if spec.whole_recording == "pooled"]
    spoken = _spoken_list(pooled)
    assert spoken in first, (
        f"long_recordings.rst should say the {spoken} pipelines pool; it says: {first[:200]}"
    )


def _python_blocks(text):
    fenced = re.findall(r"```python\n(.*?)```", text, flags=re.S)
    directive = re.findall(r"\.\. code-block:: python\n\n((?:    .*\n|\n)+)", text)
    return fenced + directive


@pytest.mark.parametrize("page", ["README.md", "docs/getting_started.rst"])
def test_the_quickstarts_read_p_fake_the_robust_way_with_the_default_model(page):
    quick = _python_blocks(_text(page))[0]
    factory = f"make_{DEFAULT_MODEL}_pipeline"
    assert factory in quick, f"{page}'s quickstart does not use the default detector ({factory})"
    assert "spoof_scores(" in quick, f"{page}'s quickstart does not read P(fake) with spoof_scores"
    assert "[:, 1]" not in quick, f"{page}'s quickstart indexes predict_proba's columns"


# Helpers that are not a featurizer, model or metric of the field: no paper to cite.
_NOT_METHODS = {"FrameFeaturizer", "featurize_files", "pool_recording", "fits_only_input_length"}
# Names that apply a published method (the rest are scorers, scalers and aliases that point to one).
_PUBLISHED = {
    "MelSpectrogram", "HandcraftedFeatures", "LFCC", "CQCC", "LinearSubbands", "SpeechEncoder",
    "DNNClassifier", "CustomCNNClassifier", "LCNNClassifier", "RawNet2Classifier", "AASISTClassifier",
    "GMMClassifier", "XGBoostClassifier", "BonaFideOneClass", "asvspoof_det_curve", "equal_error_rate",
    "min_dcf", "cllr", "min_cllr", "bootstrap_interval", "DETCurveDisplay",
}  # fmt: skip


def _public(module_name):
    import importlib
    import inspect

    module = importlib.import_module(module_name)
    for name in module.__all__:
        obj = getattr(module, name)
        if (inspect.isclass(obj) or inspect.isfunction(obj)) and name not in _NOT_METHODS:
            yield name, inspect.getdoc(obj) or ""


@pytest.mark.parametrize("module_name", ["skdeepfake.features", "skdeepfake.models", "skdeepfake.metrics"])
def test_every_featurizer_model_and_metric_says_where_it_comes_from(module_name):
    """librosa's habit: See Also on each, and References for each that implements a published method."""
    checked = 0
    for name, doc in _public(module_name):
        assert "\nSee Also\n--------" in doc, f"{module_name}.{name} has no See Also section"
        if name in _PUBLISHED:
            assert "\nReferences\n----------" in doc, f"{module_name}.{name} cites no reference"
        checked += 1
    assert checked >= 6


def test_one_docstring_sharing_mechanism():
    """Shared docstring blocks are filled by utils._docstring.Substitution alone, and none is left unfilled."""
    import inspect
    import re
    from pathlib import Path

    import skdeepfake
    from skdeepfake import models

    package = Path(skdeepfake.__file__).parent
    others = [
        str(p.relative_to(package))
        for p in package.rglob("*.py")
        if "__init_subclass__" in p.read_text(encoding="utf-8")
        and ".__doc__" in p.read_text(encoding="utf-8")
    ]
    assert others == [], f"docstrings rewritten outside Substitution in {others}"
    for name in models.__all__:
        doc = inspect.getdoc(getattr(models, name)) or ""
        assert not re.search(r"%\(\w+\)s", doc), f"{name}: a shared block was left unfilled"
