"""The Keras detectors on each Keras backend: TensorFlow, JAX, PyTorch.

A process has one Keras backend, so JAX and PyTorch each run in one
subprocess with KERAS_BACKEND set (TensorFlow in the test process itself): it fits, predicts, saves and reloads the three networks
(the DNN twice with one seed), and scores the model files the TensorFlow
process wrote.
A backend that is not installed is skipped with a reason.
"""

import importlib.util
import json
import os
import subprocess
import sys

import numpy as np
import pytest

BACKENDS = ("tensorflow", "jax", "torch")

SCRIPT = """
import json, os, sys
import numpy as np
import keras
from skdeepfake.models import CustomCNNClassifier, DNNClassifier, LCNNClassifier
from skdeepfake.explain._gradients import _last_feature_map
from skdeepfake.models import _backend
from skdeepfake.persistence import load_model, save_model

backend = keras.backend.backend()
rng = np.random.default_rng(0)
data = {"dnn": rng.normal(size=(40, 6)).astype(np.float32),
        "cnn": rng.normal(size=(16, 48, 48)).astype(np.float32),
        "lcnn": rng.normal(size=(16, 20, 64)).astype(np.float32)}
labels = {"dnn": (data["dnn"][:, 0] > 0).astype(int), "cnn": np.r_[np.zeros(8), np.ones(8)].astype(int)}
labels["lcnn"] = labels["cnn"]
make = {"dnn": lambda: DNNClassifier(epochs=2, random_state=0),
        "cnn": lambda: CustomCNNClassifier(epochs=1, filters=(4, 4, 4, 4), dense_units=8,
                                           spec_augment=True, random_state=0),
        "lcnn": lambda: LCNNClassifier(epochs=1, random_state=0)}
out = {"backend": backend, "deterministic": {}, "round_trip": {}, "shape": {}, "tf_scores": {}, "tf_gradients": {}}
for name in make:
    first = make[name]().fit(data[name], labels[name])
    scores = first.predict_proba(data[name])
    if name == "dnn":  # run-to-run determinism of one seed (the costly networks once)
        second = make[name]().fit(data[name], labels[name])
        out["deterministic"][name] = bool(np.array_equal(scores, second.predict_proba(data[name])))
    out["shape"][name] = list(scores.shape)
    save_model(first, f"{backend}_{name}.skdf")
    out["round_trip"][name] = bool(np.array_equal(load_model(f"{backend}_{name}.skdf").predict_proba(data[name]), scores))
    if os.path.exists(f"tensorflow_{name}.skdf"):  # written by the TensorFlow process
        tf_model = load_model(f"tensorflow_{name}.skdf")
        out["tf_scores"][name] = tf_model.predict_proba(data[name])[:, 1].tolist()
        # the explanations' gradients, of the same weights on this backend
        x = tf_model.feature_encoder_.transform(data[name][:1]).astype(np.float32)
        split = _last_feature_map(tf_model.model_)
        dx, feature, dfeature = _backend.network_gradients(tf_model.model_, x, split)
        out["tf_gradients"][name] = dx.ravel().tolist()
        if split is not None:
            out["tf_gradients"][name + "_map"] = dfeature.ravel().tolist()
    if name == "dnn":  # dz/dx against central differences of the log-odds, on this backend
        x = first.feature_encoder_.transform(data[name][:1]).astype(np.float64)
        dx = _backend.network_gradients(first.model_, x, None)[0][0]
        def z(v):
            p = float(keras.ops.convert_to_numpy(first.model_(np.asarray(v, np.float32), training=False))[0, 0])
            return np.log(p) - np.log1p(-p)
        steps = np.eye(x.shape[1]) * 1e-3
        numeric = np.array([(z(x + e) - z(x - e)) / 2e-3 for e in steps])
        out["finite_difference_error"] = float(np.max(np.abs(numeric - dx)) / np.max(np.abs(dx)))
print(json.dumps(out))
"""


@pytest.fixture(scope="module")
def workdir(tmp_path_factory):
    return tmp_path_factory.mktemp("backends")


def run_on(backend, workdir):
    if backend == "tensorflow":  # the test process's own backend (conftest): no subprocess
        import contextlib
        import io

        here, buffer = os.getcwd(), io.StringIO()
        os.chdir(workdir)
        try:
            with contextlib.redirect_stdout(buffer):
                exec(SCRIPT, {})
        finally:
            os.chdir(here)
        return json.loads(buffer.getvalue().strip().splitlines()[-1])
    if importlib.util.find_spec(backend) is None:
        pytest.skip(f"the {backend} backend is not installed (pip install 'skdeepfake[{backend}]')")
    env = {**os.environ, "KERAS_BACKEND": backend}
    # XLA's LLVM optimisation passes cost more than these seconds-long fits gain from them
    # (JAX compiles every step function of every network): the run takes about 30% less.
    env.setdefault("XLA_FLAGS", "--xla_backend_optimization_level=0")
    proc = subprocess.run(
        [sys.executable, "-c", SCRIPT], env=env, capture_output=True, text=True, timeout=900, cwd=workdir
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    return json.loads(proc.stdout.strip().splitlines()[-1])


@pytest.fixture(scope="module")
def results(workdir):
    return {}


@pytest.mark.parametrize("backend", BACKENDS)  # tensorflow first: the others read its files
def test_each_backend_builds_fits_predicts_saves_and_loads(backend, workdir, results):
    out = results[backend] = run_on(backend, workdir)
    assert out["backend"] == backend
    assert out["deterministic"] == {"dnn": True}, "the same seed gave another network"
    assert out["round_trip"] == {"dnn": True, "cnn": True, "lcnn": True}
    assert out["shape"] == {"dnn": [40, 2], "cnn": [16, 2], "lcnn": [16, 2]}
    # steps of 1e-3 on inputs of unit scale: small enough that few ReLUs change side
    # within a step (at 1e-2 some do, and the difference is 6% off), large enough that
    # float32 rounding of the log-odds (~1e-7 / 1e-3) stays near 1e-4; a wrong sign,
    # layer or chain factor is off by order 1
    assert out["finite_difference_error"] < 2e-2, out["finite_difference_error"]


@pytest.mark.parametrize("other", ["jax", "torch"])
def test_a_model_file_from_tensorflow_scores_the_same_on_another_backend(other, results):
    if "tensorflow" not in results or other not in results:
        pytest.skip(f"needs the tensorflow and {other} runs above")
    for name, scores in results["tensorflow"]["tf_scores"].items():
        # Identical weights (the same .keras file), other kernels: each backend sums the
        # float32 products of a layer (fan-in up to ~600 in the LCNN) in its own order,
        # about sqrt(600) * 6e-8 ~ 1.5e-6 relative per layer, over ~10 layers, and a
        # probability moves by at most a quarter of its logit's change: 1e-5 is that
        # bound with room, and still far below any difference a wrong weight would make.
        np.testing.assert_allclose(results[other]["tf_scores"][name], scores, rtol=0, atol=1e-5)
    for name, grads in results["tensorflow"]["tf_gradients"].items():
        # gradients go back through the same layers: the same rounding argument, relative
        # to the largest component (the small ones carry the sums' rounding noise)
        grads, theirs = np.asarray(grads), np.asarray(results[other]["tf_gradients"][name])
        np.testing.assert_allclose(theirs, grads, rtol=0, atol=1e-4 * np.abs(grads).max(), err_msg=name)


RAW_SCRIPT = """
import json, sys
import numpy as np
import keras
from skdeepfake.models import AASISTClassifier, RawNet2Classifier
from skdeepfake.persistence import load_model, save_model
from skdeepfake.pretrained import load_detector

reference = np.load(sys.argv[1])
x = reference["inputs"].astype(np.float32) / 32768.0
network = load_detector("aasist-l").named_steps["model"].model_
logits = keras.Model(network.inputs[0], network.get_layer("logits").output)
out = {"backend": keras.backend.backend(),
       "logit_error": float(np.abs(keras.ops.convert_to_numpy(logits(x, training=False)) - reference["aasist-l_logits"][:, ::-1]).max()),
       "round_trip": {}}
X = np.random.default_rng(0).normal(scale=0.1, size=(8, 3300)).astype(np.float32)
y = np.array([0, 1] * 4)
for name, make in {"aasist": lambda: AASISTClassifier(variant="AASIST-L", epochs=1, random_state=0),
                   "rawnet2": lambda: RawNet2Classifier(gru_units=8, gru_layers=1, fc_units=8, epochs=1,
                                                        random_state=0)}.items():
    model = make().fit(X, y)
    save_model(model, f"raw_{name}.skdf")
    out["round_trip"][name] = bool(np.array_equal(load_model(f"raw_{name}.skdf").predict_proba(X), model.predict_proba(X)))
print(json.dumps(out))
"""


@pytest.mark.parametrize("backend", ["jax", "torch"])
def test_the_waveform_networks_train_and_reproduce_the_reference_on_other_backends(backend, workdir):
    # On TensorFlow: tests/test_raw_networks.py.
    if importlib.util.find_spec(backend) is None:
        pytest.skip(f"the {backend} backend is not installed (pip install 'skdeepfake[{backend}]')")
    fixture = os.path.join(os.path.dirname(__file__), "data", "raw_networks_reference.npz")
    # Not XLA_FLAGS=--xla_backend_optimization_level=0 (which the test above uses for speed): with
    # it, XLA's unoptimised CPU code gave NaN gradients in AASIST's last graph pooling (jax 0.10).
    env = {**os.environ, "KERAS_BACKEND": backend}
    proc = subprocess.run(
        [sys.executable, "-c", RAW_SCRIPT, fixture],
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
        cwd=workdir,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    out = json.loads(proc.stdout.strip().splitlines()[-1])
    assert out["backend"] == backend
    assert out["logit_error"] < 1e-4, out["logit_error"]
    assert out["round_trip"] == {"aasist": True, "rawnet2": True}
