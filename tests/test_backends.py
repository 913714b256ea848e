"""The Keras detectors on each Keras backend: TensorFlow, JAX, PyTorch.

A process has one Keras backend, so each check runs in a subprocess with
KERAS_BACKEND set; a backend that is not installed is skipped with a reason.
"""

import importlib.util
import json
import os
import subprocess
import sys
import textwrap

import numpy as np
import pytest

BACKENDS = {"tensorflow": "tensorflow", "jax": "jax", "torch": "torch"}


def _available(backend):
    return importlib.util.find_spec(BACKENDS[backend]) is not None


def run_on(backend, code, tmp_path):
    if not _available(backend):
        pytest.skip(f"the {backend} backend is not installed (pip install 'skdeepfake[{backend}]')")
    script = tmp_path / f"run_{backend}.py"
    script.write_text(textwrap.dedent(code))
    env = {**os.environ, "KERAS_BACKEND": backend}
    proc = subprocess.run(
        [sys.executable, str(script)], env=env, capture_output=True, text=True, timeout=600, cwd=tmp_path
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    return json.loads(proc.stdout.strip().splitlines()[-1])


FIT_PREDICT_SAVE = """
import json, sys
import numpy as np
import keras
from skdeepfake.models import CustomCNNClassifier, DNNClassifier, LCNNClassifier
from skdeepfake.persistence import load_model, save_model

rng = np.random.default_rng(0)
X = rng.normal(size=(40, 6)).astype(np.float32)
y = (X[:, 0] > 0).astype(int)
S = rng.normal(size=(16, 48, 48)).astype(np.float32)
L = rng.normal(size=(16, 20, 64)).astype(np.float32)
ys = np.r_[np.zeros(8), np.ones(8)].astype(int)
out = {"backend": keras.backend.backend()}
runs = [DNNClassifier(epochs=3, random_state=0).fit(X, y).predict_proba(X) for _ in range(2)]
out["dnn_deterministic"] = bool(np.array_equal(*runs))
cnn = CustomCNNClassifier(epochs=1, filters=(4, 4, 4, 4), dense_units=8, spec_augment=True,
                          random_state=0).fit(S, ys)
lcnn = LCNNClassifier(epochs=1, random_state=0).fit(L, ys)
dnn = DNNClassifier(epochs=3, random_state=0).fit(X, y)
same = []
for name, model, data in [("dnn", dnn, X), ("cnn", cnn, S), ("lcnn", lcnn, L)]:
    save_model(model, f"{name}.skdf")
    same.append(bool(np.array_equal(load_model(f"{name}.skdf").predict_proba(data), model.predict_proba(data))))
    np.save(f"{name}_{out['backend']}.npy", model.predict_proba(data))
out["round_trips"] = same
out["shapes"] = [list(m.predict_proba(d).shape) for m, d in [(cnn, S), (lcnn, L)]]
print(json.dumps(out))
"""


@pytest.mark.parametrize("backend", list(BACKENDS))
def test_build_fit_predict_save_load_and_seeding_per_backend(backend, tmp_path):
    out = run_on(backend, FIT_PREDICT_SAVE, tmp_path)
    assert out["backend"] == backend
    assert out["dnn_deterministic"], "the same seed gave different networks run to run"
    assert out["round_trips"] == [True, True, True]
    assert out["shapes"] == [[16, 2], [16, 2]]


LOAD_AND_PREDICT = """
import json
import numpy as np
import keras
from skdeepfake.persistence import load_model

rng = np.random.default_rng(0)
X = rng.normal(size=(40, 6)).astype(np.float32)
S = rng.normal(size=(16, 48, 48)).astype(np.float32)
scores = {"dnn": load_model("{dnn}").predict_proba(X)[:, 1].tolist(),
          "cnn": load_model("{cnn}").predict_proba(S)[:, 1].tolist()}
print(json.dumps({"backend": keras.backend.backend(), **scores}))
"""


@pytest.mark.parametrize("other", ["jax", "torch"])
def test_a_model_file_from_tensorflow_predicts_the_same_on_another_backend(other, tmp_path):
    if not _available(other):
        pytest.skip(f"the {other} backend is not installed")
    run_on("tensorflow", FIT_PREDICT_SAVE, tmp_path)
    code = LOAD_AND_PREDICT.replace("{dnn}", str(tmp_path / "dnn.skdf")).replace(
        "{cnn}", str(tmp_path / "cnn.skdf")
    )
    there = run_on(other, code, tmp_path)
    here = run_on("tensorflow", code, tmp_path)
    assert there["backend"] == other
    for name in ("dnn", "cnn"):  # identical weights: float32 rounding apart
        np.testing.assert_allclose(there[name], here[name], rtol=1e-5, atol=1e-6)
