"""Featurising in batches, mixed precision, and scale-out on a real Dask cluster."""

import numpy as np
import pytest
from sklearn.model_selection import GridSearchCV, cross_val_score

from skdeepfake import HandcraftedFeatures, MelSpectrogram
from skdeepfake.benchmark import run_benchmark
from skdeepfake.cli import main
from skdeepfake.features import featurize_files
from skdeepfake.pipelines import make_xgb_pipeline

from .conftest import write_audio


def test_featurize_files_equals_loader_then_featurizer(speech, tmp_path):
    paths = [write_audio(tmp_path / f"{i}.wav", c, subtype="FLOAT") for i, c in enumerate(speech.data[:11])]
    expected = MelSpectrogram().fit_transform(np.asarray(speech.data[:11]))
    for n_jobs in (None, 2):
        got = featurize_files(paths, MelSpectrogram(), batch_size=4, n_jobs=n_jobs)
        np.testing.assert_allclose(got, expected, atol=1e-4)
    fitted = HandcraftedFeatures(features=("zcr",)).fit(np.asarray(speech.data[:1]))
    assert featurize_files(paths, fitted, batch_size=5).shape == (11, 2)


def test_mixed_precision_option_builds_a_float16_network():
    from skdeepfake.models import CustomCNNClassifier

    X = np.random.default_rng(0).normal(size=(8, 48, 48)).astype(np.float32)
    cnn = CustomCNNClassifier(
        filters=(4, 4, 4, 4), dense_units=8, epochs=1, mixed_precision=True, random_state=0
    ).fit(X, [0, 1] * 4)
    policies = [layer.dtype_policy.name for layer in cnn.model_.layers]
    assert policies[0] == "mixed_float16"
    assert policies[-1] == "float32"
    proba = cnn.predict_proba(X)
    assert proba.dtype == np.float64
    assert np.isfinite(proba).all()


@pytest.fixture(scope="module")
def cluster():
    distributed = pytest.importorskip("dask.distributed")
    with distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1", dashboard_address=None
    ) as cluster:
        with distributed.Client(cluster) as client:
            yield cluster, client


def test_grid_search_and_cross_validation_on_dask_equal_local(cluster, speech):
    import joblib

    X, y = np.asarray(speech.data[:80]), speech.target[:80]
    grid = {"model__max_depth": [2, 3]}
    local = GridSearchCV(make_xgb_pipeline(n_estimators=20, random_state=0, n_jobs=1), grid, cv=3).fit(X, y)
    local_cv = cross_val_score(make_xgb_pipeline(n_estimators=20, random_state=0, n_jobs=1), X, y, cv=3)
    with joblib.parallel_backend("dask"):
        remote = GridSearchCV(
            make_xgb_pipeline(n_estimators=20, random_state=0, n_jobs=1), grid, cv=3, n_jobs=-1
        ).fit(X, y)
        remote_cv = cross_val_score(
            make_xgb_pipeline(n_estimators=20, random_state=0, n_jobs=1), X, y, cv=3, n_jobs=-1
        )
        features = featurize_files(list(X[:20]), MelSpectrogram(), batch_size=5, n_jobs=-1)
    np.testing.assert_allclose(remote.cv_results_["mean_test_score"], local.cv_results_["mean_test_score"])
    np.testing.assert_allclose(remote_cv, local_cv)
    np.testing.assert_allclose(features, MelSpectrogram().fit_transform(X[:20]), atol=1e-4)


def test_benchmark_runner_on_dask_equals_local(cluster, speech):
    import joblib

    X, y = np.asarray(speech.data[:60]), speech.target[:60]
    models = {"xgb": make_xgb_pipeline(n_estimators=20, random_state=0, n_jobs=1)}
    local = run_benchmark(models, X, y, cv=3, audit=False, progress=False)
    with joblib.parallel_backend("dask"):
        remote = run_benchmark(models, X, y, cv=3, audit=False, progress=False, n_jobs=-1)
    cols = ["accuracy", "roc_auc", "eer", "min_dcf"]
    np.testing.assert_allclose(remote.scores[cols], local.scores[cols])


def test_cli_scheduler_option(cluster, tmp_path, capsys):
    cluster_, _ = cluster
    out = tmp_path / "out"
    assert (
        main(
            [
                "benchmark",
                "--models",
                "xgb",
                "--n-samples",
                "30",
                "--no-audit",
                "--scheduler",
                cluster_.scheduler_address,
                "--out",
                str(out),
            ]
        )
        == 0
    )
    assert "Running on the Dask cluster" in capsys.readouterr().out
    assert (out / "results.csv").exists()
