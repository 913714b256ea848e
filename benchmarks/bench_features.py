"""Throughput of MelSpectrogram and HandcraftedFeatures vs. per-clip librosa loops.

Goals (issue: foundation): at least 3x a per-clip librosa loop computing the
same values, on 2-second 16 kHz clips.
"""

import argparse

import librosa
import numpy as np
from _common import best_time, report

from skdeepfake import HandcraftedFeatures, MelSpectrogram

SR = 16000


def librosa_mel_loop(X):
    return [librosa.power_to_db(librosa.feature.melspectrogram(y=x, sr=SR), ref=np.max) for x in X]


def librosa_handcrafted_loop(X):
    rows = []
    for x in X:
        mfcc = librosa.feature.mfcc(y=x, sr=SR, n_mfcc=20)
        frames = [
            mfcc,
            librosa.feature.delta(mfcc),
            librosa.feature.spectral_contrast(y=x, sr=SR, n_bands=5),
            librosa.feature.zero_crossing_rate(x),
            librosa.feature.spectral_centroid(y=x, sr=SR),
            librosa.feature.spectral_bandwidth(y=x, sr=SR),
            librosa.feature.spectral_rolloff(y=x, sr=SR),
            librosa.feature.spectral_flatness(y=x),
            librosa.feature.rms(y=x),
            librosa.feature.chroma_stft(y=x, sr=SR, tuning=0.0),
        ]
        rows.append(np.concatenate([np.stack([f.mean(-1), f.std(-1)], -1).ravel() for f in frames]))
    return np.array(rows)


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--n-clips", type=int, default=256)
    args = parser.parse_args()
    rng = np.random.default_rng(0)
    X = (0.1 * rng.standard_normal((args.n_clips, 2 * SR))).astype(np.float32)

    mel = MelSpectrogram().fit(X[:1])
    ours = np.stack(mel.transform(X))
    ref = np.stack(librosa_mel_loop(X))
    assert np.allclose(ours, ref, atol=1e-2), "MelSpectrogram disagrees with librosa"
    t_ours = best_time(lambda: mel.transform(X))
    t_ref = best_time(lambda: librosa_mel_loop(X), repeat=1)
    report("MelSpectrogram clips/s vs per-clip librosa", len(X) / t_ours, len(X) / t_ref, "clips/s", goal=3)

    hf = HandcraftedFeatures().fit(X[:1])
    n = min(len(X), 128)
    assert np.allclose(hf.transform(X[:4]), librosa_handcrafted_loop(X[:4]), rtol=1e-2, atol=1e-2)
    t_ours = best_time(lambda: hf.transform(X[:n]))
    t_ref = best_time(lambda: librosa_handcrafted_loop(X[:n]), repeat=1)
    report("HandcraftedFeatures clips/s vs per-clip librosa", n / t_ours, n / t_ref, "clips/s", goal=3)


if __name__ == "__main__":
    main()
