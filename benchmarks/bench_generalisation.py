"""Detection on corpora a detector never saw: leave-one-corpus-out EER.

The data are the two real corpora of ``../shared/data``: ``dev-speech``
(344 clips of 6 corpora, its manifest's ``corpus`` column) and
``vocoder-samples`` (42 clips, one corpus of its own): 7 corpora, most of
them of one class only. Each clip is scored by a detector fitted on the
other corpora (``LeaveOneGroupOut``). Printed per detector:

* **pooled**: the EER over all these out-of-corpus scores together;
* **per corpus**: for each left-out corpus, the EER of its clips against the
  other class's clips of the other corpora (each scored when its own corpus
  was left out), since a one-class corpus has no EER of its own; and their
  mean, the figure the issue tracker quotes;
* **in-corpus**: 5-fold stratified EER over all clips, for contrast: the gap
  is what a detector learned about its corpora rather than about synthetic
  speech.

Part 1 compares front-ends (pooled statistics over the whole recording) with
the linear model; they are stateless, so each is computed once per clip and
only the model is refitted per fold. Part 2 runs every factory of
:mod:`skdeepfake.pipelines` with its defaults, as a user gets it, from the
files, the fused linear + XGBoost detector and the study's XGBoost
baseline; the networks get no in-corpus figure (five more fits each).
Part 3 trains the linear and XGBoost defaults with vocoded copies of their
bona fide training recordings (:class:`~skdeepfake.augment.VocodedCopies`;
LPC by default, ``--vocoders lpc griffin-lim`` for both). The RESULT lines
give Part 2's mean per-corpus EERs against chance (0.5; ratio = 0.5 / EER,
higher is better).

    python bench_generalisation.py [--models linear xgb ...] [--skip-frontends]

The CNN and LCNN run only when named in ``--models`` (50 epochs in each of
7 folds).
"""

import argparse
import time

import numpy as np
from _common import dev_corpora, report
from sklearn.base import clone
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import LeaveOneGroupOut, StratifiedKFold, cross_val_predict
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from skdeepfake.features import DEFAULT_STATS, LFCC
from skdeepfake.fusion import make_fused_detector
from skdeepfake.io import AudioLoader
from skdeepfake.metrics import equal_error_rate
from skdeepfake.pipelines import MODELS, make_detector, make_frontend

FRONTENDS = ["lfcc", "lfcc-2019", "lfcc-2021", "cqcc", "cqcc-2021", "subbands", "mfcc", "handcrafted"]
UNIONS = {
    "lfcc+cqcc+subbands+mfcc": ["lfcc", "cqcc", "subbands", "mfcc"],
    "lfcc+subbands+mfcc": ["lfcc", "subbands", "mfcc"],
}


def per_corpus_eers(y, scores, corpora):
    """EER of each left-out corpus's clips against the other class elsewhere."""
    eers = {}
    for corpus in np.unique(corpora):
        inside = corpora == corpus
        keep = inside.copy()
        for label in (0, 1):
            if not np.any(y[inside] == label):
                keep |= ~inside & (y == label)
        eers[corpus] = equal_error_rate(y[keep], scores[keep])[0]
    return eers


def _row(name, y, out, inside, corpora, seconds):
    per = per_corpus_eers(y, out, corpora)
    pooled = equal_error_rate(y, out)[0]
    within = np.nan if inside is None else equal_error_rate(y, inside)[0]
    cells = " ".join(f"{per[c]:7.3f}" for c in sorted(per))
    mean = float(np.mean(list(per.values())))
    print(f"{name:34s} {pooled:7.3f} {mean:7.3f} {within:7.3f} | {cells} | {seconds:6.0f}", flush=True)
    return mean


def _header(corpora):
    names = " ".join(f"{c[:7]:>7s}" for c in sorted(set(corpora)))
    print(f"{'detector':34s} {'pooled':>7s} {'mean':>7s} {'in-corp':>7s} | {names} | {'s':>6s}")


def frontends(waves, y, corpora):
    """Part 1: each front-end's statistics with the default linear model."""
    print("\nPart 1: front-ends, pooled statistics -> StandardScaler -> LogisticRegression(C=0.1)")
    _header(corpora)
    features = {}
    for name in FRONTENDS:
        features[name] = (
            make_frontend(name, output="stats", stats=DEFAULT_STATS).fit(waves[:1]).transform(waves)
        )
    for name, parts in UNIONS.items():
        features[name] = np.hstack([features[p] for p in parts])
    features["lfcc, per-recording mean normalised"] = (
        LFCC(output="stats", cmvn="mean").fit(waves[:1]).transform(waves)
    )
    model = make_pipeline(StandardScaler(), LogisticRegression(C=0.1, max_iter=1000))
    folds = StratifiedKFold(5, shuffle=True, random_state=0)
    for name, X in features.items():
        start = time.perf_counter()
        out = cross_val_predict(model, X, y, groups=corpora, cv=LeaveOneGroupOut(), method="predict_proba")
        inside = cross_val_predict(model, X, y, cv=folds, method="predict_proba")
        _row(name, y, out[:, 1], inside[:, 1], corpora, time.perf_counter() - start)


def _scores(detector, files, y, splits):
    out = np.empty(len(y))
    for train, test in splits:
        out[test] = clone(detector).fit(files[train], y[train]).predict_proba(files[test])[:, 1]
    return out


def factories(files, y, corpora, models):
    """Part 2: every factory with its defaults, from the files (in-corpus EER for the quick ones)."""
    print("\nPart 2: the factories' defaults (make_detector(model, random_state=0)), from the files")
    _header(corpora)
    # name: (detector, whether it is a network, which gets no in-corpus figure)
    detectors = {
        f"{model} (default)": (make_detector(model, random_state=0), MODELS[model].keras) for model in models
    }
    if {"linear", "xgb"} <= set(models):
        detectors["fused linear+xgb (LFCC)"] = (make_fused_detector(["linear", "xgb"], random_state=0), False)
    if "xgb" in models:
        study = make_detector("xgb", features="handcrafted", whole_recording=False, random_state=0)
        detectors["xgb, the study's (handcrafted, 2 s)"] = (study, False)
    means = {}
    folds = StratifiedKFold(5, shuffle=True, random_state=0)
    for name, (detector, network) in detectors.items():
        start = time.perf_counter()
        out = _scores(detector, files, y, LeaveOneGroupOut().split(files, y, corpora))
        inside = None if network else _scores(detector, files, y, folds.split(files, y))
        means[name] = _row(name, y, out, inside, corpora, time.perf_counter() - start)
    return means


def vocoded(files, y, corpora, models, vocoders, cache):
    """Part 3: the quick factories with vocoded copies of their bona fide training recordings."""
    from skdeepfake.augment import GriffinLimVocoder, LPCVocoder, VocodedCopies

    print("\nPart 3: with vocoded copies of the bona fide training recordings (labelled fake), in fit")
    _header(corpora)
    made = {"lpc": LPCVocoder(), "griffin-lim": GriffinLimVocoder()}
    folds = StratifiedKFold(5, shuffle=True, random_state=0)
    for model in models:
        for name in vocoders:
            detector = make_detector(model, augment=VocodedCopies([made[name]], memory=cache), random_state=0)
            start = time.perf_counter()
            out = _scores(detector, files, y, LeaveOneGroupOut().split(files, y, corpora))
            inside = _scores(detector, files, y, folds.split(files, y))
            _row(f"{model} + {name} copies", y, out, inside, corpora, time.perf_counter() - start)


def main():
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    # The CNN and the LCNN train for 50 epochs in each of 7 folds: far beyond
    # this script's 20-minute budget on two cores, so they run when named.
    quick = [name for name in MODELS if name not in ("cnn", "lcnn")]
    parser.add_argument("--models", nargs="+", default=quick, choices=list(MODELS))
    parser.add_argument("--skip-frontends", action="store_true")
    parser.add_argument(
        "--vocoders",
        nargs="*",
        default=["lpc"],
        choices=["lpc", "griffin-lim"],
        help="Part 3's vocoders (Griffin-Lim copies take minutes more; none: skip Part 3)",
    )
    args = parser.parse_args()
    files, y, corpora = dev_corpora()
    print(
        f"{len(y)} clips, {int(y.sum())} fake; corpora: {dict(zip(*np.unique(corpora, return_counts=True)))}"
    )
    if not args.skip_frontends:
        frontends(AudioLoader(duration=None).fit_transform(files), y, corpora)
    means = factories(files, y, corpora, args.models)
    if args.vocoders:
        import tempfile

        with tempfile.TemporaryDirectory() as cache:  # each recording vocoded once
            quick = [m for m in ("linear", "xgb") if m in args.models]
            vocoded(files, y, corpora, quick, args.vocoders, cache)
    for name, mean in means.items():
        report(
            f"{name}: mean per-corpus out-of-corpus EER vs chance (0.5)",
            mean,
            0.5,
            "EER",
            higher_is_better=False,
        )


if __name__ == "__main__":
    main()
