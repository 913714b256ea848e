"""Start-up: ``skdeepfake --help``, ``import skdeepfake`` and one-file ``predict``, cold.

Goals (newcomer issue, round 2): ``--help`` under 1 s and one-file
``predict`` with the shipped detector under 2 s. Each command runs in a new
interpreter (so nothing is imported yet), three times, and the best time is
reported against its goal; the reference for ``predict`` is the bare
interpreter's start-up measured in the same run. Then ``python -X importtime``
of the ``predict`` run lists the imports that cost the most (cumulative), so
that each second has a named cause.
"""

import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import soundfile as sf
from _common import report


def cold(args, repeat=3):
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        subprocess.run(args, check=True, capture_output=True)
        best = min(best, time.perf_counter() - start)
    return best


def costly_imports(args, n=8):
    proc = subprocess.run(
        [sys.executable, "-X", "importtime", *args], capture_output=True, text=True, check=True
    )
    rows = []
    for line in proc.stderr.splitlines():
        if not line.startswith("import time:") or "cumulative" in line:
            continue
        _, cumulative, name = (part.strip() for part in line[len("import time:") :].split("|"))
        rows.append((int(cumulative), name))
    # A top-level package's cumulative time includes its children: keep the
    # outermost rows (no leading spaces) and the heaviest nested ones.
    rows.sort(reverse=True)
    return rows[:n]


def main():
    folder = Path(tempfile.mkdtemp())
    clip = folder / "clip.wav"
    sf.write(clip, np.random.default_rng(0).normal(scale=0.1, size=3 * 16000).astype(np.float32), 16000)
    cli = [sys.executable, "-m", "skdeepfake"]
    python = cold([sys.executable, "-c", "pass"])
    imported = cold([sys.executable, "-c", "import skdeepfake"])
    helped = cold([*cli, "--help"])
    predicted = cold([*cli, "predict", str(clip)])
    print(f"  bare interpreter: {python:.2f} s; import skdeepfake: {imported:.2f} s")
    print(f"  skdeepfake --help: {helped:.2f} s; predict one file: {predicted:.2f} s")
    print("  costliest imports of `predict` (cumulative, s):")
    for micro, name in costly_imports(["-m", "skdeepfake", "predict", str(clip)]):
        print(f"    {micro / 1e6:6.2f}  {name}")
    report("skdeepfake --help, s, vs 1 s goal", helped, 1.0, "s", goal=1, higher_is_better=False)
    report("one-file predict, s, vs 2 s goal", predicted, 2.0, "s", goal=1, higher_is_better=False)
    report("import skdeepfake, s, vs bare interpreter", imported, python, "s", higher_is_better=False)


if __name__ == "__main__":
    main()
