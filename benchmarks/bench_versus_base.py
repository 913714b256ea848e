"""The fast path against a base commit, side by side in one run: a regression shows before it lands.

    python bench_versus_base.py [--base 1ad48da] [--clips 1000] [--rounds 3]

The base commit's package is exported (``git archive``) to a temporary
folder; each round measures the base, then the working tree, in fresh
subprocesses (so that both run on the same machine state, interleaved), and
the best of the rounds is kept. Measured, on 2-s 16 kHz WAV files:

* ``featurize_files`` to log-mel, clips/s (``n_jobs=2``);
* ``Pipeline(AudioLoader(n_jobs=2), MelSpectrogram(n_jobs=2))`` on the same
  files (``n_jobs`` where the version has it), clips/s, and its share of
  ``featurize_files``;
* one file through a fitted loader -> log-mel -> logistic-regression
  pipeline, milliseconds (median of 200).

The ratios (working tree over base; for the latency base over working tree)
are the RESULT lines: above 1 is faster than the base. Beside the best of
the rounds, each round's own ratio (base and tree measured back to back) is
printed, with their median and range: how far identical code moves between
runs on this machine, which a ratio must exceed to mean anything.
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np
from _common import report

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent

# Runs in the measured version's interpreter: only APIs that both versions have.
_MEASURE = r"""
import json, sys, time
from pathlib import Path
import numpy as np, soundfile as sf
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import Pipeline
from skdeepfake import AudioLoader, MelSpectrogram
from skdeepfake.features import featurize_files

folder, n = Path(sys.argv[1]), int(sys.argv[2])
paths = sorted(folder.glob("*.wav"))[:n]

def best(fn, repeat=3):
    times = []
    for _ in range(repeat):
        start = time.perf_counter(); fn(); times.append(time.perf_counter() - start)
    return min(times)

featurize_files(paths[:64], MelSpectrogram(), n_jobs=2)
files = n / best(lambda: featurize_files(paths, MelSpectrogram(), n_jobs=2))
def jobs(cls):  # n_jobs=2 where the version has it
    return cls(**({"n_jobs": 2} if "n_jobs" in cls().get_params() else {}))

pipe = Pipeline([("loader", jobs(AudioLoader)), ("features", jobs(MelSpectrogram))])
pipeline = n / best(lambda: pipe.fit_transform(paths))
model = Pipeline([("loader", AudioLoader()), ("features", MelSpectrogram(flatten=True)),
                  ("model", LogisticRegression(max_iter=200))])
model.fit(paths[:40], np.arange(40) % 2)
one = [paths[0]]
model.predict_proba(one)
latencies = []
for _ in range(200):
    start = time.perf_counter(); model.predict_proba(one); latencies.append(time.perf_counter() - start)
print(json.dumps({"files": files, "pipeline": pipeline, "latency_ms": 1000 * float(np.median(latencies))}))
"""


def _write_clips(folder, n):
    import numpy as np
    import soundfile as sf

    rng = np.random.default_rng(0)
    base = (0.1 * rng.standard_normal(32000)).astype(np.float32)
    for i in range(n):
        sf.write(folder / f"{i:05d}.wav", np.roll(base, i * 37), 16000, subtype="PCM_16")


def _measure(tree, clips, n):
    # PYTHONPATH comes before the installed (editable) skdeepfake on sys.path.
    env = {**os.environ, "PYTHONPATH": str(tree)}
    code = f"import skdeepfake; assert skdeepfake.__file__.startswith({str(tree)!r}), skdeepfake.__file__\n"
    out = subprocess.run(
        [sys.executable, "-c", code + _MEASURE, str(clips), str(n)],
        capture_output=True,
        text=True,
        cwd=tempfile.gettempdir(),
        env=env,
    )
    if out.returncode:
        raise RuntimeError(f"measuring {tree} failed:\n{out.stderr[-3000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def main():
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--base", default="1ad48da", help="the commit to compare with (default: 1ad48da)")
    parser.add_argument("--clips", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        base, clips = tmp / "base", tmp / "clips"
        base.mkdir()
        clips.mkdir()
        archive = subprocess.run(
            ["git", "-C", str(ROOT), "archive", args.base, "skdeepfake"], capture_output=True, check=True
        ).stdout
        subprocess.run(["tar", "-x", "-C", str(base)], input=archive, check=True)
        _write_clips(clips, args.clips)
        runs = {"base": [], "tree": []}
        for _ in range(args.rounds):
            runs["base"].append(_measure(base, clips, args.clips))
            runs["tree"].append(_measure(ROOT, clips, args.clips))
    best = {
        side: {
            "files": max(r["files"] for r in rs),
            "pipeline": max(r["pipeline"] for r in rs),
            "latency_ms": min(r["latency_ms"] for r in rs),
        }
        for side, rs in runs.items()
    }
    for side in ("base", "tree"):
        b = best[side]
        print(
            f"{side:5s} featurize_files {b['files']:7.0f} clips/s, pipeline {b['pipeline']:7.0f} clips/s "
            f"({b['pipeline'] / b['files']:.2f} of it), one file {b['latency_ms']:.2f} ms"
        )
    print("paired rounds (tree over base; latency base over tree): median [min, max]")
    for key, label, faster in (
        ("files", "featurize_files", True),
        ("pipeline", "pipeline", True),
        ("latency_ms", "one-file predict", False),
    ):
        ratios = np.array(
            [t[key] / b[key] if faster else b[key] / t[key] for b, t in zip(runs["base"], runs["tree"])]
        )
        print(
            f"  {label:17s} {np.median(ratios):.2f} [{ratios.min():.2f}, {ratios.max():.2f}] "
            f"over {len(ratios)} rounds"
        )
    base, tree = best["base"], best["tree"]
    report(f"featurize_files clips/s vs {args.base}", tree["files"], base["files"], "clips/s", goal=1.0)
    report(
        f"pipeline share of featurize_files vs {args.base}",
        tree["pipeline"] / tree["files"],
        base["pipeline"] / base["files"],
        "x",
    )
    report(
        f"one-file predict vs {args.base}",
        tree["latency_ms"],
        base["latency_ms"],
        "ms",
        goal=1.0,
        higher_is_better=False,
    )


if __name__ == "__main__":
    main()
