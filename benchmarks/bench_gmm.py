"""GMMClassifier's default (20,000 frames per class, at most 30 EM iterations)
against EM on every frame until convergence (and the baselines' 10 iterations).

Goal (issue: detection that generalises): the default fits in seconds per
thousand clips, with the same EER within noise. Measured on LFCC frames of
``../shared/data/dev-speech`` (344 clips from 6 corpora), cross-validated
over 4 folds stratified by label (the same folds for both settings; this
compares two fits of one model, so in-corpus folds are what is wanted). Printed: the
fit-time ratio (all frames / default; higher is better) and both EERs, with
the folds' spread as the noise.

    python bench_gmm.py [--components 512] [--data ../../shared/data/dev-speech]
"""

import argparse
import time
from pathlib import Path

import numpy as np
from _common import report
from sklearn.model_selection import StratifiedKFold

from skdeepfake.datasets import load_audio_folder
from skdeepfake.features import LFCC
from skdeepfake.io import load_audio
from skdeepfake.metrics import equal_error_rate
from skdeepfake.models import GMMClassifier

HERE = Path(__file__).resolve().parent


def _cv(make, frames, y, folds):
    """EER per fold and total fit time; the GMM is fitted on its folds' frames (one row each)."""
    eers, seconds = [], 0.0
    for train, test in folds:
        X = np.concatenate([frames[i] for i in train])
        labels = np.concatenate([np.full(len(frames[i]), y[i]) for i in train])
        start = time.perf_counter()
        gmm = make().fit(X, labels)
        seconds += time.perf_counter() - start
        scores = np.array([gmm.decision_function(frames[i]).mean() for i in test])
        eers.append(equal_error_rate(y[test], scores)[0])
    return np.array(eers), seconds


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--data", type=Path, default=HERE.parent.parent / "shared" / "data" / "dev-speech")
    parser.add_argument("--components", type=int, default=512)
    args = parser.parse_args()
    data = load_audio_folder(args.data)
    y = np.asarray(data.target)
    lfcc = LFCC()
    frames = []  # (n_frames, n_features) per clip
    for path in data.filenames:
        x, _ = load_audio(path, sr=16000)
        frames.append(lfcc.fit(x[np.newaxis]).transform(x[np.newaxis])[0].T)
    print(f"{len(frames)} clips, {sum(len(f) for f in frames)} frames")
    folds = list(StratifiedKFold(4, shuffle=True, random_state=0).split(np.zeros(len(y)), y))
    default, t_default = _cv(lambda: GMMClassifier(args.components, random_state=0), frames, y, folds)
    full, t_full = _cv(
        lambda: GMMClassifier(args.components, max_frames=None, max_iter=100, random_state=0),
        frames,
        y,
        folds,
    )
    print(
        f"EER default {default.mean():.3f} ± {default.std():.3f}; all frames {full.mean():.3f} ± {full.std():.3f}"
    )
    report(
        f"GMM-{args.components} fit time, all frames / default",
        t_default,
        t_full,
        "s",
        higher_is_better=False,
    )
    report(
        f"GMM-{args.components} EER, default vs all frames",
        default.mean(),
        full.mean(),
        "EER",
        higher_is_better=False,
    )


if __name__ == "__main__":
    main()
