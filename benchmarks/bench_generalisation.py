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
files, the fused linear + XGBoost detector, the study's XGBoost
baseline and the DNN trained with the one-class softmax (its gain over the
sigmoid DNN printed too); the networks get no in-corpus figure (five more fits each).
Part 3 trains the linear and XGBoost defaults with vocoded copies of their
bona fide training recordings (:class:`~skdeepfake.augment.VocodedCopies`;
LPC by default, ``--vocoders lpc griffin-lim`` for both). The RESULT lines
give Part 2's mean per-corpus EERs against chance (0.5; ratio = 0.5 / EER,
higher is better).

    python bench_generalisation.py [--models linear xgb ...] [--skip-frontends]

The CNN and LCNN run only when named in ``--models`` (50 epochs in each of
7 folds); RawNet2 and AASIST likewise (100 epochs of networks made for
corpora a hundred times larger). The published AASIST weights, which need no
training here, are measured by ``bench_pretrained.py``, alone and as fusion
members, with the same rows and intervals.

Every figure comes with a 90% bootstrap interval (1000 resamples of the
clips within each corpus, :func:`skdeepfake.metrics.bootstrap_interval`),
and Part 2 ends with each detector's gain over the current default
(``xgb (default)``), paired: both detectors' scores of the same resampled
clips. The project changes a default only when the interval of its gain
excludes zero, and not at a loss in-corpus beyond its interval.
"""

import argparse
import time

import joblib
import numpy as np
from _common import dev_corpora, report
from sklearn.base import clone
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import LeaveOneGroupOut, StratifiedKFold, cross_val_predict
from sklearn.pipeline import Pipeline, make_pipeline
from sklearn.preprocessing import StandardScaler

from skdeepfake.features import DEFAULT_STATS, LFCC
from skdeepfake.fusion import make_fused_detector
from skdeepfake.io import AudioLoader
from skdeepfake.metrics import bootstrap_interval, equal_error_rate
from skdeepfake.pipelines import MODELS, detector_parts, make_detector, make_frontend

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


def mean_eer(y, scores, corpora):
    """The mean over corpora of :func:`per_corpus_eers`: the figure defaults are chosen by."""
    return float(np.mean(list(per_corpus_eers(y, scores, corpora).values())))


def _eer(y, scores):
    return equal_error_rate(y, scores)[0]


def _interval(ci):
    return f"[{ci.low:.3f}, {ci.high:.3f}]"


def _row(name, y, out, inside, corpora, seconds):
    per = per_corpus_eers(y, out, corpora)
    pooled = equal_error_rate(y, out)[0]
    mean = bootstrap_interval(mean_eer, y, out, corpora, groups=corpora)
    within = None if inside is None else bootstrap_interval(_eer, y, inside, groups=corpora)
    cells = " ".join(f"{per[c]:7.3f}" for c in sorted(per))
    inside_text = " " * 23 if within is None else f"{within.estimate:7.3f} {_interval(within)}"
    print(
        f"{name:34s} {pooled:7.3f} {mean.estimate:7.3f} {_interval(mean)} {inside_text} | {cells} | "
        f"{seconds:6.0f}",
        flush=True,
    )
    return mean.estimate


def _header(corpora):
    names = " ".join(f"{c[:7]:>7s}" for c in sorted(set(corpora)))
    print(
        f"{'detector':34s} {'pooled':>7s} {'mean':>7s} {'90% interval':>16s} {'in-corp':>7s} "
        f"{'90% interval':>16s} | {names} | {'s':>6s}"
    )


def gains(y, corpora, scores, baseline):
    """Each detector's gain over ``baseline``, paired bootstrap, out of corpus and in-corpus."""
    print(f"\nGain over {baseline} (positive: lower EER), 90% paired bootstrap intervals within corpora")
    base_out, base_in = scores[baseline]
    for name, (out, inside) in scores.items():
        if name == baseline:
            continue
        gain = bootstrap_interval(
            lambda y, a, b, c: mean_eer(y, a, c) - mean_eer(y, b, c),
            y,
            base_out,
            out,
            corpora,
            groups=corpora,
        )
        text = f"{name:34s} out of corpus {gain.estimate:+.3f} {_interval(gain)}"
        if inside is not None and base_in is not None:
            within = bootstrap_interval(
                lambda y, a, b: _eer(y, a) - _eer(y, b), y, base_in, inside, groups=corpora
            )
            text += f"; in-corpus {within.estimate:+.3f} {_interval(within)}"
        verdict = "excludes 0" if gain.low > 0 or gain.high < 0 else "includes 0: no evidence"
        print(f"{text}  -> {verdict}", flush=True)


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


def _scores(detector, files, y, splits, cache=None):
    """Each test fold's P(fake) from ``detector`` fitted on the rest.

    A detector whose loader and front-end learn nothing but the input length
    (:func:`~skdeepfake.pipelines.detector_parts`, no sampler among them)
    gives the same scores when the front-end runs once over every file and
    only the rest of the pipeline is refitted per fold: ``cache`` (a dict)
    keeps those features, keyed by the front-end's parameters, so that
    detectors and fold schemes sharing a front-end share its computation.
    """
    split = _front_and_rest(detector)
    if split is not None and cache is not None:
        front, rest = split
        key = joblib.hash(front)
        if key not in cache:
            cache[key] = front.fit(files[:1]).transform(files)
        files, detector = cache[key], rest
    out = np.empty(len(y))
    for train, test in splits:
        out[test] = clone(detector).fit(files[train], y[train]).predict_proba(files[test])[:, 1]
    return out


def _front_and_rest(detector):
    """(loader + front-end, the steps after them) of a plain detector Pipeline, or None."""
    parts = detector_parts(detector)
    if parts.pipeline is not detector or parts.loader is None or not parts.featurizers:
        return None
    if len(parts.front) != len(parts.featurizers):  # a sampler changes the training rows
        return None
    n = 1 + len(parts.front)
    return Pipeline(detector.steps[:n]), Pipeline(detector.steps[n:])


def factories(files, y, corpora, models, unions=True, cached_only=False):
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
    if {"xgb", "oneclass"} <= set(models):  # a model of bona fide speech beside the two-class one
        detectors["fused xgb+oneclass (LFCC)"] = (
            make_fused_detector(["xgb", "oneclass"], random_state=0),
            False,
        )
    if "dnn" in models:  # the one-class softmax of Zhang et al. (2021) against the sigmoid
        detectors["dnn, oc-softmax"] = (make_detector("dnn", objective="oc-softmax", random_state=0), True)
    for model in ({"linear", "xgb"} & set(models)) if unions else ():  # the union was better in-corpus
        union = make_detector(model, features="lfcc+cqcc+subbands+mfcc", random_state=0)
        detectors[f"{model}, union lfcc+cqcc+subbands+mfcc"] = (union, False)
    if cached_only:  # fusions and window-by-window detectors refeaturise every file in every fold
        detectors = {name: d for name, d in detectors.items() if _front_and_rest(d[0]) is not None}
    means, scores, cache = {}, {}, {}
    folds = StratifiedKFold(5, shuffle=True, random_state=0)
    for name, (detector, network) in detectors.items():
        start = time.perf_counter()
        out = _scores(detector, files, y, LeaveOneGroupOut().split(files, y, corpora), cache)
        inside = None if network else _scores(detector, files, y, folds.split(files, y), cache)
        means[name] = _row(name, y, out, inside, corpora, time.perf_counter() - start)
        scores[name] = (out, inside)
    if "xgb (default)" in scores:
        gains(y, corpora, scores, "xgb (default)")
    if "dnn, oc-softmax" in scores:
        pair = ("dnn (default)", "dnn, oc-softmax")
        gains(y, corpora, {name: scores[name] for name in pair}, pair[0])
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
    parser.add_argument("--skip-unions", action="store_true", help="no union front-end rows in Part 2")
    parser.add_argument(
        "--cached-only",
        action="store_true",
        help="Part 2 without the detectors whose front-end cannot run once for all folds (fusions, "
        "window-by-window and network detectors): for corpora of thousands of clips",
    )
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
    means = factories(
        files, y, corpora, args.models, unions=not args.skip_unions, cached_only=args.cached_only
    )
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
