"""What the shipped detector does to recordings of corpora it never saw: false alarms, abstentions.

Leave one corpus out on the development corpora (``_common.dev_corpora``):
each left-out corpus's clips are labelled by the configuration fitted on the
other corpora, as a user's recordings would be by ``skdeepfake predict``.
Two detectors, on the same folds:

* **before**: :func:`skdeepfake.pipelines.make_detector` ``("xgb")`` labelled
  at P(fake) >= 0.5, the shipped detector until now;
* **after**: :func:`skdeepfake.pretrained.detector_pipeline`, calibrated
  leaving whole corpora out (``model__groups``) and abstaining
  (``"uncertain"``) out of domain or on weak evidence.

Printed for each, with 90% bootstrap intervals (clips resampled within
corpora): the share of real recordings called fake (the harm the issue
tracker measures), the share abstained, the share of fakes caught, and the
EER of the scores; then the same per left-out corpus. The RESULT lines give
the false-alarm rate after against before (ratio > 1: fewer false alarms).

    python bench_abstention.py [--data ../shared/data]
"""

import argparse
from pathlib import Path

import numpy as np
from _common import dev_corpora, report
from sklearn.base import clone
from sklearn.model_selection import LeaveOneGroupOut

from skdeepfake.calibration import verdicts
from skdeepfake.metrics import bootstrap_interval, equal_error_rate
from skdeepfake.pipelines import make_detector
from skdeepfake.pretrained import detector_pipeline


def _rate(mask_of, label):
    def statistic(y, labels):
        inside = mask_of(y)
        if not inside.any():
            raise ValueError("no recording of that class in this resample")
        return float(np.mean(labels[inside] == label))

    return statistic


def _eer(y, scores):
    return equal_error_rate(y, scores)[0]


def loso_verdicts(files, y, corpora, after):
    """Labels, scores and reasons of every clip, each from the detector fitted without its corpus."""
    labels = np.empty(len(y), dtype=object)
    reasons = np.full(len(y), None, dtype=object)
    scores = np.empty(len(y))
    for train, test in LeaveOneGroupOut().split(files, y, corpora):
        if after:
            model = clone(detector_pipeline()).fit(files[train], y[train], model__groups=corpora[train])
        else:
            model = clone(make_detector("xgb", random_state=0)).fit(files[train], y[train])
        found = verdicts(model, files[test])
        labels[test], scores[test], reasons[test] = found.label, found.p_fake, found.reason
    return labels, scores, reasons


def summary(name, y, labels, scores, reasons, corpora):
    real, fake = (lambda y: y == 0), (lambda y: y == 1)
    rows = {
        "real called fake": _rate(real, "fake"),
        "real abstained": _rate(real, "uncertain"),
        "fake caught": _rate(fake, "fake"),
        "fake abstained": _rate(fake, "uncertain"),
    }
    out = {}
    print(f"\n{name}")
    for what, statistic in rows.items():
        ci = bootstrap_interval(statistic, y, labels, groups=corpora)
        out[what] = ci.estimate
        print(f"  {what:18s} {ci.estimate:6.3f} [{ci.low:.3f}, {ci.high:.3f}]")
    ci = bootstrap_interval(_eer, y, scores, groups=corpora)
    print(f"  {'EER (pooled)':18s} {ci.estimate:6.3f} [{ci.low:.3f}, {ci.high:.3f}]")
    kinds = [r.split(":")[0] for r in reasons if r is not None]
    for kind in sorted(set(kinds)):
        print(f"  uncertain, {kind}: {kinds.count(kind)} recordings")
    print("  per left-out corpus: real called fake / abstained (real) / fake caught / abstained (fake)")
    for corpus in np.unique(corpora):
        inside = corpora == corpus
        cells = []
        for label_value, label in ((0, "fake"), (0, "uncertain"), (1, "fake"), (1, "uncertain")):
            chosen = inside & (y == label_value)
            cells.append("    -" if not chosen.any() else f"{np.mean(labels[chosen] == label):5.2f}")
        print(f"    {corpus:20s} {' '.join(cells)}")
    return out


def main():
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--data", type=Path, default=None)
    args = parser.parse_args()
    files, y, corpora = dev_corpora(args.data)
    print(
        f"{len(y)} clips ({int((y == 0).sum())} real) of {len(set(corpora))} corpora, each left out in turn"
    )
    before = summary("before: xgb at P(fake) >= 0.5", y, *loso_verdicts(files, y, corpora, False), corpora)
    after = summary(
        "after: calibrated, abstaining (shipped)", y, *loso_verdicts(files, y, corpora, True), corpora
    )
    report(
        "real recordings called fake, leave one corpus out (before / after)",
        max(after["real called fake"], 1e-3),
        max(before["real called fake"], 1e-3),
        "share",
        higher_is_better=False,
    )


if __name__ == "__main__":
    main()
