"""End-to-end featurisation of 2-second 16 kHz WAV files, and its memory.

Goals (issue: speed and scale), on 2 CPU cores:

* at least 1,000 clips/s from files to log-mel (featurize_files, n_jobs=2);
* at least 200x the study's own featurisation, which drew each
  mel-spectrogram as a matplotlib figure (axes and colour bar), saved it as
  PNG and read it back resized to 224x224 RGB;
* featurising 20,000 clips stays under 1.5x the output's size in peak
  resident memory above the baseline (``--memory-clips``).
"""

import argparse
import tempfile
from pathlib import Path

import numpy as np
import soundfile as sf
from _common import best_time, report

from skdeepfake import MelSpectrogram
from skdeepfake.features import featurize_files


def study_featurise(path, image_path):
    """The study's pipeline: plot, save as PNG, read back as 224x224 RGB."""
    import librosa
    import librosa.display
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from PIL import Image

    y, sr = librosa.load(path, sr=16000)
    S = librosa.power_to_db(librosa.feature.melspectrogram(y=y, sr=sr), ref=np.max)
    fig, ax = plt.subplots(figsize=(10, 4))
    img = librosa.display.specshow(S, sr=sr, x_axis="time", y_axis="mel", ax=ax)
    fig.colorbar(img, ax=ax, format="%+2.0f dB")
    fig.savefig(image_path, format="png")
    plt.close(fig)
    with Image.open(image_path) as image:
        rgb = image.convert("RGB").resize((224, 224))
    return np.asarray(rgb, dtype=np.float32) / 255


def write_clips(folder, n):
    rng = np.random.default_rng(0)
    base = (0.1 * rng.standard_normal(32000)).astype(np.float32)
    paths = []
    for i in range(n):
        path = folder / f"{i:05d}.wav"
        sf.write(path, np.roll(base, i * 37), 16000, subtype="PCM_16")
        paths.append(path)
    return paths


def rss_kib(field):
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    raise RuntimeError(field)


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--clips", type=int, default=2000)
    parser.add_argument("--study-clips", type=int, default=10)
    parser.add_argument("--memory-clips", type=int, default=20000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        paths = write_clips(Path(tmp), max(args.clips, args.memory_clips))
        mel = MelSpectrogram()
        featurize_files(paths[:64], mel, n_jobs=2)  # warm-up
        ours = args.clips / best_time(lambda: featurize_files(paths[: args.clips], mel, n_jobs=2), repeat=3)
        report("files -> log-mel clips/s (n_jobs=2), vs 1,000/s goal", ours, 1000.0, "clips/s", goal=1)
        images = Path(tmp) / "images"
        images.mkdir()
        study_paths = paths[: args.study_clips]

        def study_run():
            for path in study_paths:
                study_featurise(path, images / f"{path.stem}.png")

        study_featurise(paths[0], images / "warm-up.png")
        # The same statistic as ours: the best of repeated runs.
        study = len(study_paths) / best_time(study_run, repeat=3)
        report("files -> log-mel clips/s vs the study's PNG round trip", ours, study, "clips/s", goal=200)

        # Peak memory: reset the high-water mark, then featurise.
        Path("/proc/self/clear_refs").write_text("5")
        baseline = rss_kib("VmRSS")
        out = featurize_files(paths[: args.memory_clips], mel, n_jobs=2)
        peak = rss_kib("VmHWM")
        above = (peak - baseline) * 1024
        print(
            f"peak RSS above baseline: {above / 2**20:.0f} MiB for an output of "
            f"{out.nbytes / 2**20:.0f} MiB ({args.memory_clips} clips)"
        )
        report(
            "peak memory / output size (featurising files)",
            above / out.nbytes,
            1.5,
            "x",
            goal=1,
            higher_is_better=False,
        )


if __name__ == "__main__":
    main()
