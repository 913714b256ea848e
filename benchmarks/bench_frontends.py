"""Throughput of the anti-spoofing front-ends, and of featurising inside a Pipeline.

Goals (issue: front-ends of the field), on 2-second 16 kHz clips, 2 cores:

* LFCC and CQCC at least 3x a per-clip computation of the same values with
  librosa's functions (``librosa.stft`` / ``librosa.vqt`` clip by clip,
  then the same filterbank, DCT and deltas);
* ``Pipeline([AudioLoader(n_jobs=2), MelSpectrogram(n_jobs=2)])`` on files
  at least 0.8x the throughput of ``featurize_files(n_jobs=2)``;
* and, as information, CQCC's 256-sample hop against a 160-sample one.
"""

import argparse
import tempfile
import warnings
from pathlib import Path

import librosa
import numpy as np
import scipy.fft
import scipy.interpolate
import soundfile as sf
from _common import best_time, report
from sklearn.pipeline import Pipeline

from skdeepfake import AudioLoader, MelSpectrogram
from skdeepfake.features import CQCC, LFCC, featurize_files

SR = 16000
warnings.filterwarnings("ignore", message="n_fft=.*is too large")


def _delta(c, width=3):
    return librosa.feature.delta(c, width=width, mode="nearest")


def librosa_lfcc_loop(X, lfcc):
    out = []
    for x in X:
        y = np.append(x[0], x[1:] - 0.97 * x[:-1])
        S = (
            np.abs(
                librosa.stft(
                    y, n_fft=512, hop_length=160, win_length=320, window="hamming", pad_mode="constant"
                )
            )
            ** 2
        )
        c = scipy.fft.dct(np.log10(lfcc.filterbank_ @ S + np.finfo(np.float32).eps), norm="ortho", axis=0)[
            :20
        ]
        out.append(np.vstack([c, _delta(c), _delta(_delta(c))]))
    return out


def librosa_cqcc_loop(X, cqcc):
    freqs = cqcc.cqt_frequencies_
    grid = np.arange(cqcc.fmin_, freqs[-1] + 1e-9, cqcc.fmin_ / 16)
    out = []
    for x in X:
        C = librosa.vqt(
            x,
            sr=SR,
            hop_length=cqcc.hop_length,
            fmin=cqcc.fmin_,
            n_bins=len(freqs),
            bins_per_octave=96,
            gamma=cqcc.gamma_,
            filter_scale=cqcc.filter_scale_,
            tuning=0.0,
            pad_mode="constant",
        )
        L = np.log(np.abs(C) ** 2 + np.finfo(float).eps)
        U = scipy.interpolate.CubicSpline(freqs, L, axis=0)(grid)
        c = scipy.fft.dct(U, norm="ortho", axis=0)[:20]
        w = cqcc.delta_width
        out.append(np.vstack([c, _delta(c, w), _delta(_delta(c, w), w)]))
    return out


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--n-clips", type=int, default=128)
    parser.add_argument("--n-files", type=int, default=2000)
    args = parser.parse_args()
    rng = np.random.default_rng(0)
    X = (0.1 * rng.standard_normal((args.n_clips, 2 * SR))).astype(np.float32)

    lfcc = LFCC().fit(X[:1])
    assert np.allclose(lfcc.transform(X[:4]), np.stack(librosa_lfcc_loop(X[:4], lfcc)), atol=1e-3)
    t_ours = best_time(lambda: lfcc.transform(X))
    t_ref = best_time(lambda: librosa_lfcc_loop(X, lfcc), repeat=1)
    report("LFCC clips/s vs per-clip librosa", len(X) / t_ours, len(X) / t_ref, "clips/s", goal=3)

    cqcc = CQCC().fit(X[:1])
    n = min(len(X), 32)
    ref = np.stack(librosa_cqcc_loop(X[:2], cqcc))
    assert np.allclose(cqcc.transform(X[:2]), ref, rtol=1e-3, atol=1e-2 * np.abs(ref).max() * 1e-3)
    t_ours = best_time(lambda: cqcc.transform(X[:n]))
    t_ref = best_time(lambda: librosa_cqcc_loop(X[:n], cqcc), repeat=1)
    report("CQCC clips/s vs per-clip librosa", n / t_ours, n / t_ref, "clips/s", goal=3)

    cqcc_160 = CQCC(hop_length=160).fit(X[:1])
    t_160 = best_time(lambda: cqcc_160.transform(X[:n]))
    report("CQCC clips/s, hop 256 vs hop 160", n / t_ours, n / t_160, "clips/s")

    with tempfile.TemporaryDirectory() as tmp:
        paths = []
        for i in range(args.n_files):
            path = Path(tmp) / f"{i:05d}.wav"
            sf.write(path, X[i % len(X)], SR, subtype="PCM_16")
            paths.append(path)
        pipe = Pipeline([("loader", AudioLoader(n_jobs=2)), ("features", MelSpectrogram(n_jobs=2))])
        pipe.fit(paths[:1])
        t_pipe = best_time(lambda: pipe.transform(paths))
        t_files = best_time(lambda: featurize_files(paths, MelSpectrogram(), n_jobs=2))
        report(
            "Pipeline(AudioLoader, MelSpectrogram) files/s vs featurize_files",
            len(paths) / t_pipe,
            len(paths) / t_files,
            "files/s",
            goal=0.8,
        )


if __name__ == "__main__":
    main()
