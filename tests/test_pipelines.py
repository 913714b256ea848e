import numpy as np
import pytest
from sklearn.model_selection import GridSearchCV, train_test_split

from skdeepfake import HandcraftedFeatures
from skdeepfake.datasets import load_audio_folder
from skdeepfake.pipelines import make_cnn_pipeline, make_dnn_pipeline, make_xgb_pipeline

PIPELINES = {
    "xgb": lambda: make_xgb_pipeline(n_estimators=100, random_state=0),
    "dnn": lambda: make_dnn_pipeline(epochs=60, learning_rate=3e-3, random_state=0),
    "cnn": lambda: make_cnn_pipeline(
        filters=(16, 32, 64, 64),
        dense_units=128,
        epochs=12,
        learning_rate=1e-3,
        random_state=0,
    ),
}


@pytest.fixture(scope="module")
def split(speech):
    return train_test_split(
        np.asarray(speech.data),
        speech.target,
        test_size=0.3,
        random_state=0,
        stratify=speech.target,
    )


@pytest.mark.parametrize("name", list(PIPELINES))
def test_pipeline_learns_well_above_chance(name, split):
    X_train, X_test, y_train, y_test = split
    pipe = PIPELINES[name]().fit(X_train, y_train)
    accuracy = pipe.score(X_test, y_test)
    assert accuracy >= 0.7, f"{name}: held-out accuracy {accuracy:.2f} (chance: 0.5)"


@pytest.mark.parametrize("name", ["xgb", "dnn"])
def test_pipelines_accept_file_paths_and_string_labels(name, audio_tree):
    data = load_audio_folder(audio_tree)
    labels = data.target_names[data.target]
    pipe = PIPELINES[name]().set_params(model__random_state=0)
    if name == "dnn":
        pipe.set_params(model__epochs=5)
    pipe.fit(data.filenames, labels)
    proba = pipe.predict_proba(list(data.filenames[:3]))
    assert proba.shape == (3, 2)
    assert pipe.classes_.tolist() == ["fake", "real"]


def test_same_step_names_everywhere():
    for make in PIPELINES.values():
        assert [name for name, _ in make().steps] == ["loader", "features", "model"]


def test_memory_caches_featurisation_across_a_grid_search(split, tmp_path, monkeypatch):
    X_train, _, y_train, _ = split
    calls = []
    original = HandcraftedFeatures.transform

    def counting(self, X):
        calls.append(len(X))
        return original(self, X)

    monkeypatch.setattr(HandcraftedFeatures, "transform", counting)

    def featurisations(memory):
        calls.clear()
        GridSearchCV(
            make_xgb_pipeline(
                features="handcrafted", whole_recording=False, memory=memory, n_estimators=20, random_state=0
            ),
            {"model__max_depth": [2, 3, 4]},
            cv=2,
        ).fit(X_train[:40], y_train[:40])
        return len(calls)

    uncached = featurisations(None)
    cached = featurisations(str(tmp_path))
    # 3 settings x 2 folds: the cache saves the training featurisation of
    # every setting after the first in each fold.
    assert uncached - cached == (3 - 1) * 2
    assert any(tmp_path.iterdir())


def test_a_step_reading_another_sample_rate_than_the_loader_is_refused_by_name():
    from skdeepfake.augment import Augmenter, make_augmentation
    from skdeepfake.features import LFCC
    from skdeepfake.pipelines import make_detector

    with pytest.raises(ValueError, match="sr=8000: .* features step LFCC reads it at 16000 Hz"):
        make_detector("linear", sr=8000, features=LFCC(output="stats"))
    augment = Augmenter(make_augmentation("noise"), sr=16000)
    with pytest.raises(ValueError, match="the augment step Augmenter reads it at 16000 Hz"):
        make_detector("linear", sr=8000, features=LFCC(sr=8000, output="stats"), augment=augment)
    assert make_detector("linear", sr=8000, features=LFCC(sr=8000, output="stats")).steps[0][1].sr == 8000
