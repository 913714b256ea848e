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
XGBoost default.

    python bench_pretrained.py [--data ../../shared/data]
"""

import argparse
import time

import numpy as np
from _common import dev_corpora, report
from bench_generalisation import _header, _row, gains
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import LeaveOneGroupOut

from skdeepfake.labels import log_odds
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


def main():
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--data", default=None)
    args = parser.parse_args()
    files, y, corpora = dev_corpora(args.data)
    files = np.asarray(files, dtype=object)
    print(f"{len(y)} clips ({int(y.sum())} fake) from {len(set(corpora))} corpora\n")
    _header(corpora)
    scores, seconds = {}, {}
    for name in ("aasist", "aasist-l"):
        start = time.perf_counter()
        scores[name] = load_detector(name).predict_proba(files)[:, 1]
        seconds[name] = time.perf_counter() - start
    start = time.perf_counter()
    scores["xgb (default)"] = _loso(make_detector("xgb", random_state=0), files, y, corpora)
    seconds["xgb (default)"] = time.perf_counter() - start
    scores["fused xgb+aasist"] = _fused([scores["xgb (default)"], scores["aasist"]], y, corpora)
    scores["fused xgb+aasist-l"] = _fused([scores["xgb (default)"], scores["aasist-l"]], y, corpora)
    scores["fused aasist+aasist-l"] = _fused([scores["aasist"], scores["aasist-l"]], y, corpora)
    means = {name: _row(name, y, out, None, corpora, seconds.get(name, 0.0)) for name, out in scores.items()}
    print("\nReal recordings called fake (P(fake) > 0.5), and fakes caught")
    for name, out in scores.items():
        print(
            f"{name:34s} real called fake {np.mean(out[y == 0] > 0.5):.3f}   fake caught {np.mean(out[y == 1] > 0.5):.3f}"
        )
    gains(y, corpora, {name: (out, None) for name, out in scores.items()}, "xgb (default)")
    for name in ("aasist", "aasist-l"):
        report(f"{name} (published weights): mean per-corpus EER vs chance", 0.5 / means[name], 1.0, "x")


if __name__ == "__main__":
    main()
