"""The published AASIST and AASIST-L weights on the development corpora, alone and as fusion members.

The converted detectors (:func:`skdeepfake.pretrained.load_detector`,
``"aasist"`` and ``"aasist-l"``) never saw these corpora (they were trained on
ASVspoof 2019 LA), so every clip is out of corpus for them: their scores are
computed once. Beside them, the XGBoost default left one corpus out
(``LeaveOneGroupOut``, as in ``bench_generalisation.py``), and fusions: a
logistic regression on the members' log-odds, fitted leaving the scored
corpus out too (the XGBoost member's scores being its own out-of-corpus
ones). Printed per detector: pooled EER, the mean per-corpus EER with its 90%
bootstrap interval (clips resampled within corpora) and each corpus's EER;
then the share of real recordings each calls fake at its natural threshold
(P(fake) > 0.5, the reference's arg-max); then each one's paired gain over the
XGBoost default. Last, the verdicts each would give if calibrated as the
shipped detector is (:mod:`skdeepfake.calibration`'s rule: a balanced
logistic map of log-odds to a log-likelihood ratio, fitted on the other
corpora, and ``uncertain`` within +-1): real recordings called fake and
abstained on, fakes caught, with 90% intervals, and the corpora that the
false alarms come from.

    python bench_pretrained.py [--data ../../shared/data] [--detectors aasist-l]
"""

import argparse
import time

import numpy as np
from _common import dev_corpora, report
from bench_generalisation import _header, _row, gains
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import LeaveOneGroupOut

from skdeepfake.calibration import linear_calibration
from skdeepfake.labels import log_odds
from skdeepfake.metrics import bootstrap_interval
from skdeepfake.pipelines import make_detector
from skdeepfake.pretrained import load_detector


def _loso(detector, files, y, corpora):
    out = np.empty(len(y))
    for train, test in LeaveOneGroupOut().split(files, y, corpora):
        out[test] = detector.fit(files[train], y[train]).predict_proba(files[test])[:, 1]
    return out


def _fused(members, y, corpora):
    """P(fake) of a logistic regression on the members' log-odds, fitted without the scored corpus."""
    S = np.column_stack([log_odds(np.clip(m, 1e-6, 1 - 1e-6)) for m in members])
    out = np.empty(len(y))
    for train, test in LeaveOneGroupOut().split(S, y, corpora):
        out[test] = LogisticRegression().fit(S[train], y[train]).predict_proba(S[test])[:, 1]
    return out


def calibrated_labels(y, out, corpora, band=1.0):
    """Each corpus's verdicts from a calibration fitted on the other corpora's scores."""
    s = log_odds(np.clip(out, 1e-6, 1 - 1e-6))
    llr = np.empty(len(y))
    for train, test in LeaveOneGroupOut().split(s, y, corpora):
        a, b = linear_calibration(s[train], y[train] == 1)
        llr[test] = a * s[test] + b
    return np.where(np.abs(llr) < band, "uncertain", np.where(llr > 0, "fake", "real"))


def _share(cls, label):
    def statistic(y, labels):
        inside = y == cls
        if not inside.any():
            raise ValueError("no recording of that class in this resample")
        return float(np.mean(labels[inside] == label))

    return statistic


def calibrated(y, scores, corpora):
    print("\nCalibrated leaving each corpus out, uncertain within LLR +-1 (90% intervals)")
    rows = {
        "real called fake": (0, "fake"),
        "real abstained": (0, "uncertain"),
        "fake caught": (1, "fake"),
        "fake abstained": (1, "uncertain"),
    }
    for name, out in scores.items():
        labels = calibrated_labels(y, out, corpora)
        cells = []
        for what, (cls, label) in rows.items():
            ci = bootstrap_interval(_share(cls, label), y, labels, groups=corpora)
            cells.append(f"{what} {ci.estimate:.3f} [{ci.low:.3f}, {ci.high:.3f}]")
        alarms = corpora[(y == 0) & (labels == "fake")]
        where = ", ".join(f"{c} {n}" for c, n in zip(*np.unique(alarms, return_counts=True))) or "none"
        print(f"{name:34s} " + "; ".join(cells) + f"\n{'':34s} false alarms from: {where}")


def main():
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--data", default=None)
    parser.add_argument(
        "--detectors",
        nargs="+",
        default=["aasist", "aasist-l"],
        choices=["aasist", "aasist-l"],
        help="the published networks to score with (AASIST takes several times AASIST-L's time)",
    )
    args = parser.parse_args()
    files, y, corpora = dev_corpora(args.data)
    files = np.asarray(files, dtype=object)
    print(f"{len(y)} clips ({int(y.sum())} fake) from {len(set(corpora))} corpora\n")
    _header(corpora)
    scores, seconds = {}, {}
    for name in args.detectors:
        start = time.perf_counter()
        scores[name] = load_detector(name).predict_proba(files)[:, 1]
        seconds[name] = time.perf_counter() - start
    start = time.perf_counter()
    scores["xgb (default)"] = _loso(make_detector("xgb", random_state=0), files, y, corpora)
    seconds["xgb (default)"] = time.perf_counter() - start
    for name in args.detectors:
        scores[f"fused xgb+{name}"] = _fused([scores["xgb (default)"], scores[name]], y, corpora)
    if len(args.detectors) == 2:
        scores["fused aasist+aasist-l"] = _fused([scores["aasist"], scores["aasist-l"]], y, corpora)
    means = {name: _row(name, y, out, None, corpora, seconds.get(name, 0.0)) for name, out in scores.items()}
    print("\nReal recordings called fake (P(fake) > 0.5), and fakes caught")
    for name, out in scores.items():
        print(
            f"{name:34s} real called fake {np.mean(out[y == 0] > 0.5):.3f}   fake caught {np.mean(out[y == 1] > 0.5):.3f}"
        )
    gains(y, corpora, {name: (out, None) for name, out in scores.items()}, "xgb (default)")
    calibrated(y, scores, corpora)
    for name in args.detectors:
        report(f"{name} (published weights): mean per-corpus EER vs chance", 0.5 / means[name], 1.0, "x")


if __name__ == "__main__":
    main()
