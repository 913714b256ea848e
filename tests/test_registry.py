"""The registry is the one list of models and front-ends: every row builds, fits, saves and loads."""

import importlib
import inspect
import sys

import numpy as np
import pytest

import skdeepfake
from skdeepfake import pipelines
from skdeepfake.cli._parser import DEMO_MODELS, MODELS, NEURAL, build_parser
from skdeepfake.persistence import load_model, save_model
from skdeepfake.registry import DEFAULT_MODEL, FRONTENDS
from skdeepfake.registry import MODELS as REGISTRY

SMALL = {
    "xgb": {"n_estimators": 3},
    "gmm": {"n_components": 2},
    "dnn": {"epochs": 1},
    "cnn": {"epochs": 1, "filters": (4, 4, 4, 4), "dense_units": 8},
    "lcnn": {"epochs": 1},
    # the raw-waveform networks on 0.25-s excerpts (4,000 samples; 64,600 by default)
    "aasist": {"variant": "AASIST-L", "epochs": 1, "duration": 0.25},
    "rawnet2": {"gru_units": 8, "gru_layers": 1, "fc_units": 8, "epochs": 1, "duration": 0.25},
}


@pytest.mark.parametrize("name", list(REGISTRY))
def test_every_model_builds_fits_saves_and_loads(name, speech, tmp_path):
    X, y = speech.data[:24], speech.target[:24]
    detector = pipelines.make_detector(name, random_state=0, **SMALL.get(name, {})).fit(X, y)
    model = detector.steps[-1][1]
    spec = REGISTRY[name]
    assert type(model).__name__ == spec.cls
    assert type(model).__module__.startswith(spec.module)
    save_model(detector, tmp_path / "m.skdf")
    np.testing.assert_array_equal(load_model(tmp_path / "m.skdf").predict_proba(X), detector.predict_proba(X))
    factory = getattr(pipelines, f"make_{name}_pipeline")
    assert type(factory().steps[-1][1]) is type(model)


@pytest.mark.parametrize("name", [n for n, spec in FRONTENDS.items() if not spec.pretrained])
def test_every_front_end_builds_and_summarises(name, speech):
    X = np.asarray(speech.data[:3])
    features = pipelines.make_frontend(name, output="stats").fit(X)
    out = features.transform(X)
    assert out.shape[0] == 3
    assert np.isfinite(out).all()
    assert len(features.get_feature_names_out()) == out.shape[1]


def test_everything_that_lists_models_derives_from_the_registry():
    assert MODELS == tuple(REGISTRY) == tuple(pipelines.MODELS)
    assert set(NEURAL) == {n for n, s in REGISTRY.items() if s.keras}
    assert set(DEMO_MODELS) <= set(MODELS)
    parser = build_parser()
    train = next(
        a for a in parser._subparsers._group_actions[0].choices["train"]._actions if a.dest == "model"
    )
    assert tuple(train.choices) == MODELS
    assert (
        train.default
        == DEFAULT_MODEL
        == inspect.signature(pipelines.make_detector).parameters["model"].default
    )
    for spec in REGISTRY.values():  # every class is where its row says
        assert inspect.isclass(getattr(importlib.import_module(spec.module), spec.cls))
        if spec.module.startswith("skdeepfake.models"):
            assert spec.cls in skdeepfake.__all__
            assert spec.cls in skdeepfake.models.__all__
    for spec in FRONTENDS.values():
        assert all(part in FRONTENDS for part in spec.parts)
        assert spec.parts or inspect.isclass(getattr(importlib.import_module(spec.module), spec.cls))


def test_reading_the_registry_imports_nothing_heavy():
    import subprocess

    code = (
        "import sys; import skdeepfake.registry, skdeepfake.cli; skdeepfake.cli.build_parser(); "
        "heavy = {'tensorflow', 'xgboost', 'keras', 'torch'} & set(sys.modules); assert not heavy, heavy"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_a_registry_row_added_at_run_time_is_a_model_of_the_assembler_and_its_factory(speech, monkeypatch):
    """Adding a model is its module plus one row: the assembler and make_<name>_pipeline follow."""
    from skdeepfake import pipelines
    from skdeepfake.registry import MODELS, ModelSpec

    row = ModelSpec("sklearn.naive_bayes", "GaussianNB", "lfcc", "stats", "pooled", scaled=True)
    monkeypatch.setitem(MODELS, "nb", row)
    X, y = speech.data[:20], speech.target[:20]
    built = pipelines.make_detector("nb")
    assert [name for name, _ in built.steps] == ["loader", "features", "scaler", "model"]
    assert type(built.named_steps["model"]).__name__ == "GaussianNB"
    factory = pipelines.make_nb_pipeline
    assert factory.__name__ == "make_nb_pipeline"
    assert "GaussianNB" in factory.__doc__
    assert factory().fit(X, y).predict_proba(X).shape == (20, 2)
    with pytest.raises(AttributeError, match="make_svm_pipeline"):
        pipelines.make_svm_pipeline  # noqa: B018
