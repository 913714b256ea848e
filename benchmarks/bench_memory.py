"""Peak memory of ``skdeepfake predict`` on 1-, 10- and 60-minute recordings.

Goal (issue: memory bounded everywhere): with the default detector (pooled
linear) and with a windowed XGBoost, a 60-minute recording and a 10-minute
one cost no more peak memory than a 1-minute one, within 20% (ratio of the
1-minute peak to the longer one at least 0.8). Each run is its own process,
whose peak resident memory (``VmHWM``, imports included) is measured.
The recordings are 44.1 kHz stereo WAVs, so decoding mixes down and
resamples too.
"""

import argparse
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np
import soundfile as sf
from _common import report

from skdeepfake.datasets import make_synthetic_speech
from skdeepfake.persistence import save_model
from skdeepfake.pipelines import make_linear_pipeline, make_xgb_pipeline

# VmHWM, not ru_maxrss: Linux carries ru_maxrss over exec, so a child would
# report its parent's peak.
RUN = """
import sys
from skdeepfake.cli import main
code = main(["predict", "--model", sys.argv[1], sys.argv[2]])
hwm = [line for line in open("/proc/self/status") if line.startswith("VmHWM")][0]
print("PEAK", int(hwm.split()[1]) * 1024, code)
"""


def _write_long(path, seconds, speech):
    """A stereo 44.1-kHz recording of tiled synthetic speech, written block by block."""
    import soxr

    clip = soxr.resample(np.concatenate(list(speech)), 16000, 44100).astype(np.float32)
    with sf.SoundFile(path, "w", 44100, 2, subtype="PCM_16") as f:
        left = int(seconds * 44100)
        while left > 0:
            block = clip[: min(left, len(clip))]
            f.write(np.stack([block, 0.8 * block], axis=1))
            left -= len(block)


def _peak(model, path):
    proc = subprocess.run([sys.executable, "-c", RUN, str(model), str(path)], capture_output=True, text=True)
    line = [ln for ln in proc.stdout.splitlines() if ln.startswith("PEAK")]
    if proc.returncode or not line or line[0].split()[2] != "0":
        raise RuntimeError(f"predict failed on {path}: {proc.stderr[-2000:]}")
    return int(line[0].split()[1])


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--minutes", type=float, nargs="+", default=[1, 10, 60])
    args = parser.parse_args()
    data = make_synthetic_speech(n_samples=40, random_state=0)
    models = {
        "linear (pooled)": make_linear_pipeline(),
        "xgb (windows)": make_xgb_pipeline(n_estimators=20, whole_recording=True, random_state=0),
    }
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        recordings = {}
        for minutes in args.minutes:
            recordings[minutes] = tmp / f"{minutes:g}min.wav"
            _write_long(recordings[minutes], minutes * 60, data.data[:8])
        for name, model in models.items():
            path = tmp / f"{name.split()[0]}.skdf"
            save_model(model.fit(data.data, data.target), path)
            peaks = {m: _peak(path, rec) for m, rec in recordings.items()}
            base = min(args.minutes)
            for minutes, peak in peaks.items():
                print(f"{name}: {minutes:g} min -> peak {peak / 2**20:.0f} MiB", flush=True)
                if minutes != base:
                    report(
                        f"peak memory, {name}, {base:g} min / {minutes:g} min",
                        peak,
                        peaks[base],
                        "bytes",
                        goal=0.8,
                        higher_is_better=False,
                    )


if __name__ == "__main__":
    main()
