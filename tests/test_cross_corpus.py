"""Train on one corpus, test on others; speaker-disjoint folds inside one."""

import numpy as np
import pandas as pd
import pytest
from sklearn.base import BaseEstimator, ClassifierMixin

from skdeepfake.benchmark import cross_corpus_benchmark, run_benchmark
from skdeepfake.cli import main
from skdeepfake.datasets import make_synthetic_speech
from skdeepfake.pipelines import make_linear_pipeline, make_xgb_pipeline

from .conftest import write_audio


@pytest.fixture(scope="module")
def corpora():
    a = make_synthetic_speech(n_samples=40, random_state=0)
    b = make_synthetic_speech(n_samples=30, duration=(1.0, 3.0), random_state=1)
    c = make_synthetic_speech(n_samples=24, random_state=2)
    attack = np.full(24, "-", dtype=object)
    fakes = np.flatnonzero(c.target == 1)
    attack[fakes] = np.where(np.arange(len(fakes)) % 2, "V2", "V1")
    return (a.data, a.target), {"B": (b.data, b.target), "C": (c.data, c.target, attack)}


class SpyClassifier(ClassifierMixin, BaseEstimator):
    """Records every clip it is fitted on, and scores by the clip's mean."""

    seen = []

    def fit(self, X, y):
        SpyClassifier.seen.extend(np.asarray(x).tobytes() for x in X)
        self.classes_ = np.unique(y)
        return self

    def predict_proba(self, X):
        p = np.array([float(np.mean(np.abs(x)) > 0.05) for x in X])
        return np.column_stack([1 - p, p])


def test_matrix_shapes_per_attack_and_no_test_file_in_fitting(corpora):
    train, tests = corpora
    SpyClassifier.seen = []
    results = cross_corpus_benchmark(
        {"spy": SpyClassifier(), "xgb": make_xgb_pipeline(n_estimators=10, random_state=0)}, train, tests
    )
    assert results.matrix().shape == (2, 2)
    assert list(results.matrix().columns) == ["B", "C"]
    assert results.matrix("min_dcf").notna().all().all()
    test_clips = {np.asarray(x).tobytes() for X, *_ in tests.values() for x in X}
    assert SpyClassifier.seen
    assert not test_clips & set(SpyClassifier.seen)
    assert len(SpyClassifier.seen) == len(train[0])  # fitted once, on the training corpus only
    attacks = results.per_attack[results.per_attack.model == "xgb"]
    assert attacks["attack"].tolist() == ["V1", "V2"]
    assert attacks["corpus"].eq("C").all()
    y, p = results.predictions[("xgb", "C")]
    assert results.scores.query("model == 'xgb' and corpus == 'C'")["n_spoof"].item() == int(y.sum())


def test_parallel_and_dask_give_the_same_matrix(corpora):
    import joblib
    from dask.distributed import Client, LocalCluster

    train, tests = corpora
    estimators = {
        "linear": make_linear_pipeline(whole_recording=False),
        "xgb": make_xgb_pipeline(n_estimators=10, random_state=0, n_jobs=1),
    }
    local = cross_corpus_benchmark(estimators, train, tests).matrix()
    threads = cross_corpus_benchmark(estimators, train, tests, n_jobs=2).matrix()
    pd.testing.assert_frame_equal(local, threads)
    with (
        LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1", dashboard_address=None
        ) as cluster,
        Client(cluster),
    ):
        with joblib.parallel_backend("dask"):
            on_dask = cross_corpus_benchmark(estimators, train, tests, n_jobs=-1).matrix()
    pd.testing.assert_frame_equal(local, on_dask)


def test_a_test_corpus_sharing_files_with_training_is_refused(tmp_path, corpora):
    train, _ = corpora
    files = [write_audio(tmp_path / f"{i}.wav", x) for i, x in enumerate(train[0][:10])]
    with pytest.raises(ValueError, match="shares 2 file"):
        cross_corpus_benchmark(
            {"xgb": make_xgb_pipeline(n_estimators=5)},
            (files, train[1][:10]),
            {"B": (files[:2], train[1][:2])},
        )


def test_speaker_disjoint_folds_when_speakers_are_known():
    data = make_synthetic_speech(n_samples=40, random_state=0)
    speakers = np.repeat(np.arange(10), 4)
    seen = []

    class Recorder(SpyClassifier):
        def fit(self, X, y):
            seen.append({np.asarray(x).tobytes() for x in X})
            return super().fit(X, y)

    run_benchmark(
        {"spy": Recorder()}, data.data, data.target, cv=4, groups=speakers, audit=False, progress=False
    )
    index = {np.asarray(x).tobytes(): s for x, s in zip(data.data, speakers)}
    for fold in seen:
        train_speakers = {index[k] for k in fold}
        assert 0 < len(train_speakers) < 10
    # Every speaker is tested in exactly one fold, never trained on in it.
    assert sum(10 - len({index[k] for k in fold}) for fold in seen) == 10


def test_cli_cross_corpus(tmp_path, capsys):
    for name, seed in (("corpusA", 0), ("corpusB", 1)):
        data = make_synthetic_speech(n_samples=24, random_state=seed)
        for i, (clip, label) in enumerate(zip(data.data, data.target)):
            write_audio(tmp_path / name / data.target_names[label] / f"{i}.wav", clip)
    out = tmp_path / "cross"
    assert (
        main(
            [
                "benchmark",
                "--models",
                "xgb,linear",
                "--train",
                str(tmp_path / "corpusA"),
                "--test",
                str(tmp_path / "corpusB"),
                "--out",
                str(out),
            ]
        )
        == 0
    )
    printed = capsys.readouterr().out
    assert "Training on corpusA; testing on corpusB" in printed
    table = pd.read_csv(out / "cross_corpus.csv")
    assert sorted(table["model"]) == ["linear", "xgb"]
    assert set(table["corpus"]) == {"corpusB"}
    assert (out / "cross_corpus_eer.png").stat().st_size > 0
    assert main(["benchmark", "--train", str(tmp_path / "corpusA"), "--out", str(out)]) == 2
    assert (
        main(
            [
                "benchmark",
                "--models",
                "xgb",
                "--train",
                "asvspoof2099:/x",
                "--test",
                str(tmp_path / "corpusB"),
                "--out",
                str(out),
            ]
        )
        == 2
    )
    assert "unknown corpus 'asvspoof2099'" in capsys.readouterr().err
