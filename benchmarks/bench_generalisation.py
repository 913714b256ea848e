"""Detection on corpora a detector never saw: pooled leave-one-corpus-out EER.

``../shared/data/dev-speech`` holds 344 clips from 6 corpora (LJSpeech,
VCTK-based voice conversion, Thorsten, NSF vocoders, Tacotron 2...), most of
them one class only. Each clip is scored by a detector fitted on the other
corpora (``LeaveOneGroupOut`` over the manifest's ``corpus`` column), and
the EER is computed over all these out-of-corpus scores together (a
held-out corpus with one class has no EER of its own). In-corpus 5-fold EER
is printed beside it: the gap is what the detector learned about its
corpora rather than about synthetic speech.

For each front-end (pooled statistics over the whole recording) with the
default linear model, and for the default detector itself. The front-ends
are stateless, so each is computed once per clip and only the model is
refitted per fold. Printed: EERs, and as RESULT lines the default detector's
out-of-corpus EER against the field's "chance" (0.5; ratio = 0.5 / EER,
higher is better) and against the in-corpus EER.

    python bench_generalisation.py [--data ../../shared/data/dev-speech]
"""

import argparse
from pathlib import Path

import numpy as np
from _common import report
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import LeaveOneGroupOut, StratifiedKFold, cross_val_predict
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from skdeepfake.datasets import load_audio_folder
from skdeepfake.features import CQCC, DEFAULT_STATS
from skdeepfake.io import AudioLoader
from skdeepfake.metrics import equal_error_rate
from skdeepfake.pipelines import make_frontend

HERE = Path(__file__).resolve().parent
FRONTENDS = ["lfcc", "cqcc", "subbands", "mfcc", "lfcc-2021", "cqcc-2021"]


def _eers(features, y, corpora):
    model = make_pipeline(StandardScaler(), LogisticRegression(C=0.1, max_iter=1000))
    out = cross_val_predict(model, features, y, groups=corpora, cv=LeaveOneGroupOut(), method="predict_proba")
    inside = cross_val_predict(
        model, features, y, cv=StratifiedKFold(5, shuffle=True, random_state=0), method="predict_proba"
    )
    return equal_error_rate(y, out[:, 1])[0], equal_error_rate(y, inside[:, 1])[0]


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--data", type=Path, default=HERE.parent.parent / "shared" / "data" / "dev-speech")
    args = parser.parse_args()
    data = load_audio_folder(args.data)
    y = np.asarray(data.target)
    corpora = data.metadata["corpus"].to_numpy()
    print(f"{len(y)} clips; corpora: {dict(zip(*np.unique(corpora, return_counts=True)))}")
    waves = AudioLoader(duration=None).fit_transform(data.filenames)
    features = {}
    for name in FRONTENDS:
        features[name] = (
            make_frontend(name, output="stats", stats=DEFAULT_STATS).fit(waves[:1]).transform(waves)
        )
    features["cqcc (librosa filters, 0.2)"] = (
        CQCC(output="stats", filters="librosa", delta_width=3).fit(waves[:1]).transform(waves)
    )
    features["default: lfcc+cqcc+subbands+mfcc"] = np.hstack(
        [features[n] for n in ["lfcc", "cqcc", "subbands", "mfcc"]]
    )
    print(f"{'front-end':40s} {'out-of-corpus EER':>18s} {'in-corpus EER':>14s}")
    results = {}
    for name, X in features.items():
        results[name] = _eers(X, y, corpora)
        print(f"{name:40s} {results[name][0]:18.3f} {results[name][1]:14.3f}")
    out, inside = results["default: lfcc+cqcc+subbands+mfcc"]
    report("default detector, out-of-corpus EER vs chance (0.5)", out, 0.5, "EER", higher_is_better=False)
    report("default detector, out-of-corpus vs in-corpus EER", out, inside, "EER", higher_is_better=False)


if __name__ == "__main__":
    main()
