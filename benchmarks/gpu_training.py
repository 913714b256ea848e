"""Training throughput of the Keras detectors on a GPU against the CPU, per backend.

For the backends-and-GPUs issue: trains the Custom-CNN (on 128 x 63 log-mel
sized inputs) and the DNN (on 200 features) on generated data through the
JAX and PyTorch backends, the CNN with and without ``mixed_precision``, and
prints samples per second on the GPU and on the CPU (the same code in a
process that sees no GPU), with the GPU's name. Run it on a machine with a
GPU, JAX and/or PyTorch, Keras, scikeras and scikit-learn (TensorFlow is not
needed)::

    python benchmarks/gpu_training.py --backend jax --backend torch

Not run by ``run_all.py`` (no GPU there). The figures go in the scaling
guide with the GPU named.
"""

import argparse
import json
import os
import subprocess
import sys
import time

CASES = [("dnn", False), ("cnn", False), ("cnn", True)]


def measure(model_name, mixed_precision, n_samples, epochs):
    """Samples per second over the epochs after the first (compilation excluded)."""
    import keras
    import numpy as np

    from skdeepfake.models import CustomCNNClassifier, DNNClassifier

    rng = np.random.default_rng(0)
    y = rng.integers(0, 2, n_samples)
    if model_name == "dnn":
        X = rng.normal(size=(n_samples, 200)).astype(np.float32)
        model = DNNClassifier(epochs=1, batch_size=64, random_state=0)
    else:
        X = rng.normal(size=(n_samples, 128, 63)).astype(np.float32)
        model = CustomCNNClassifier(epochs=1, batch_size=64, random_state=0, mixed_precision=mixed_precision)
    model.fit(X, y)  # builds and compiles: not timed
    start = time.perf_counter()
    for _ in range(epochs):
        model.partial_fit(X, y)
    seconds = time.perf_counter() - start
    return {
        "backend": keras.backend.backend(),
        "model": model_name,
        "mixed_precision": mixed_precision,
        "samples_per_second": n_samples * epochs / seconds,
    }


def device_name(backend):
    if backend == "torch":
        import torch

        return torch.cuda.get_device_name(0) if torch.cuda.is_available() else None
    import jax

    gpus = [d for d in jax.devices() if d.platform == "gpu"]
    return gpus[0].device_kind if gpus else None


def child(args):
    out = {"device": device_name(args.backend[0]) or "cpu", "results": []}
    for model_name, mp in CASES:
        if mp and out["device"] == "cpu":
            continue  # float16 on a CPU is emulated: not a configuration anyone trains in
        out["results"].append(measure(model_name, mp, args.n_samples, args.epochs))
    print("CHILD " + json.dumps(out))


def run(backend, gpu, args):
    env = {**os.environ, "KERAS_BACKEND": backend}
    if not gpu:
        env.update(CUDA_VISIBLE_DEVICES="", JAX_PLATFORMS="cpu")
    cmd = [
        sys.executable,
        __file__,
        "--child",
        "--backend",
        backend,
        "--n-samples",
        str(args.n_samples),
        "--epochs",
        str(args.epochs),
    ]
    proc = subprocess.run(cmd, env=env, capture_output=True, text=True)
    if proc.returncode:
        print(proc.stderr[-3000:], file=sys.stderr)
        return None
    line = next(ln for ln in proc.stdout.splitlines() if ln.startswith("CHILD "))
    return json.loads(line[6:])


def main():
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--backend", action="append", choices=["jax", "torch", "tensorflow"])
    parser.add_argument("--n-samples", type=int, default=2048)
    parser.add_argument("--epochs", type=int, default=3)
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    args.backend = args.backend or ["jax", "torch"]
    if args.child:
        return child(args)
    for backend in args.backend:
        gpu, cpu = run(backend, True, args), run(backend, False, args)
        if gpu is None or cpu is None:
            print(f"{backend}: failed (see above)")
            continue
        on_cpu = {(r["model"], r["mixed_precision"]): r["samples_per_second"] for r in cpu["results"]}
        for r in gpu["results"]:
            reference = on_cpu.get((r["model"], False))
            row = {
                "name": f"{backend} {r['model']}{' mixed precision' if r['mixed_precision'] else ''} "
                f"training samples/s, {gpu['device']} / CPU",
                "ours": r["samples_per_second"],
                "reference": reference,
                "ratio": r["samples_per_second"] / reference if reference else None,
            }
            print("RESULT " + json.dumps(row), flush=True)


if __name__ == "__main__":
    main()
