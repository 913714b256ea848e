"""What the default detector does to recordings of sources it never saw: false alarms, abstentions.

Leave one source out on the development corpus (``SKDF_DEV_CORPUS``, built by
``scripts/build_dev_corpus.py``; without it, the shared corpora): each
left-out source's clips are labelled by the recipe fitted on the other
sources, as a user's recordings are by ``skdeepfake predict``. Two recipes,
on the same folds:

* **previous**: ``make_detector("xgb", abstain=True)``, XGBoost on LFCC
  statistics of whole recordings, calibrated leaving sources out and
  abstaining: the shipped detector until this round, refitted here;
* **shipped**: :func:`skdeepfake.pretrained.detector_pipeline`, the published
  AASIST-L network held fixed, its calibration (each source and class
  weighed the same) and out-of-domain model fitted, band-limited clips left
  out of that fit as ``scripts/train_pretrained.py`` does, and those clips
  (its ``min_bandwidth``) and recordings shorter than its ``min_duration``
  ``"uncertain"`` as :func:`skdeepfake.calibration.verdicts` makes them.

Neither recipe's front-end learns from the data, so each is run once over
all clips (the network's scores and the LFCC statistics, cached in
``--cache``) and only the final step is refitted per fold: the same result
as refitting the whole pipeline, in minutes instead of hours.

Printed for each, with 90% bootstrap intervals (clips resampled within
sources): the share of real recordings called fake (the harm the issue
tracker measures), abstained, the share of fakes caught, pooled over clips
and as the mean over sources (each source counts once, as each of the
tracker's corpora does), the EER of the LLR, then each source's row.

    SKDF_DEV_CORPUS=../shared/data/dev-corpus python bench_abstention.py [--cache FILE]
"""

import argparse
from pathlib import Path

import numpy as np
import soundfile as sf
from _common import dev_corpora, report
from bench_generalisation import mean_eer
from scipy.special import expit
from sklearn.base import BaseEstimator, ClassifierMixin, clone
from sklearn.model_selection import LeaveOneGroupOut
from sklearn.preprocessing import FunctionTransformer
from sklearn.utils import Bunch

from skdeepfake.calibration import AbstainingDetector, abstain_if_band_limited, abstain_if_short
from skdeepfake.io import band_limited
from skdeepfake.labels import log_odds
from skdeepfake.metrics import bootstrap_interval, equal_error_rate
from skdeepfake.pipelines import make_detector
from skdeepfake.pretrained import detector_pipeline

HERE = Path(__file__).resolve().parent


class _Scores(ClassifierMixin, BaseEstimator):
    """A frozen scorer's cached log-odds (column 0), as the scorer itself would give them."""

    def fit(self, X, y):
        self.classes_ = np.unique(y)
        return self

    def predict_proba(self, X):
        p = expit(np.asarray(X)[:, 0])
        return np.c_[1 - p, p]

    def predict(self, X):
        return self.classes_[(np.asarray(X)[:, 0] > 0).astype(int)]


def _rest(X):
    return np.asarray(X)[:, 1:]


def _features(files, cache, previous, shipped):
    """(previous recipe's LFCC statistics, the network's log-odds, its domain rows, band-limited), cached."""
    cutoff = shipped[-1].min_bandwidth
    recipe = (
        f"{previous[:-1]!r}{shipped[-1].domain!r} band-limited below {cutoff}"  # what the cache depends on
    )
    if cache.is_file():
        saved = np.load(cache, allow_pickle=False)
        if (
            "recipe" in saved
            and saved["files"].tolist() == [str(f) for f in files]
            and str(saved["recipe"]) == recipe
        ):
            return saved["lfcc"], saved["s"], saved["domain"], saved["narrow"]
    lfcc = np.asarray(clone(previous[:-1]).fit_transform(files), dtype=np.float64)
    waveforms = clone(shipped[0]).fit_transform(files)
    network = shipped[-1].estimator  # the published AASIST-L, held fixed
    s = log_odds(network.predict_proba(waveforms)[:, 1])
    domain = np.asarray(clone(shipped[-1].domain).fit(waveforms[:1]).transform(waveforms), dtype=np.float64)
    narrow = band_limited(waveforms, sr=shipped[0].sr, cutoff=cutoff)
    cache.parent.mkdir(parents=True, exist_ok=True)
    np.savez(
        cache,
        files=np.asarray([str(f) for f in files]),
        recipe=recipe,
        lfcc=lfcc,
        s=s,
        domain=domain,
        narrow=narrow,
    )
    return lfcc, s, domain, narrow


def loso(y, corpora, make, X, keep=None):
    """Labels, P(fake) and reasons of every clip, each from the final step fitted without its source."""
    labels, reasons = np.empty(len(y), dtype=object), np.empty(len(y), dtype=object)
    p_fake = np.empty(len(y))
    keep = np.ones(len(y), bool) if keep is None else keep
    for train, test in LeaveOneGroupOut().split(X, y, corpora):
        train = train[keep[train]]
        model = make().fit(X[train], y[train], groups=corpora[train])
        found = model.verdict(X[test])
        labels[test], p_fake[test], reasons[test] = found.label, found.p_fake, found.reason
    return labels, p_fake, reasons


def _rate(cls, label, per_source):
    def statistic(y, labels, corpora):
        inside = y == cls
        if not inside.any():
            raise ValueError("no recording of that class in this resample")
        if not per_source:
            return float(np.mean(labels[inside] == label))
        return float(
            np.mean([np.mean(labels[inside & (corpora == c)] == label) for c in np.unique(corpora[inside])])
        )

    return statistic


def shipped_loso(y, corpora, X, keep, durations, params):
    """The shipped recipe's verdicts leaving each source out, short recordings abstained as predict does."""

    def make():
        return AbstainingDetector(_Scores(), domain=FunctionTransformer(_rest), **params)

    labels, p_fake, reasons = loso(y, corpora, make, X, keep=keep)
    if params.get("min_bandwidth") is not None:  # ~keep: the band-limited clips, at the same cutoff
        found = abstain_if_band_limited(
            Bunch(p_fake=p_fake, label=labels, reason=reasons), ~keep, params["min_bandwidth"]
        )
        labels, reasons = found.label, found.reason
    if params.get("min_duration") is not None:  # as verdicts() applies it to the recordings themselves
        found = abstain_if_short(
            Bunch(p_fake=p_fake, label=labels, reason=reasons), durations, params["min_duration"]
        )
        labels, reasons = found.label, found.reason
    return labels, p_fake, reasons


def band_sweep(y, corpora, X, keep, durations, params, bands):
    """What the width of the uncertainty band trades: false alarms against abstentions, per source."""
    print(
        "\nThe uncertainty band (|LLR| < band is 'uncertain'), leave one source out, mean over sources "
        "[90% interval]; all abstained pooled"
    )
    print(
        f"  {'band':>5s} {'real called fake':>24s} {'real abstained':>24s} {'fakes caught':>24s} {'all abst.':>9s}"
    )
    for band in bands:
        labels, _, _ = shipped_loso(y, corpora, X, keep, durations, {**params, "band": band})
        cells = []
        for cls, label in ((0, "fake"), (0, "uncertain"), (1, "fake")):
            ci = bootstrap_interval(_rate(cls, label, True), y, labels, corpora, groups=corpora)
            cells.append(f"{ci.estimate:6.3f} [{ci.low:.3f}, {ci.high:.3f}]")
        print(
            f"  {band:5.2f} {cells[0]:>24s} {cells[1]:>24s} {cells[2]:>24s} {np.mean(labels == 'uncertain'):9.3f}"
        )


def summary(name, y, labels, p_fake, reasons, corpora):
    print(f"\n{name}\n  {'':22s} {'pooled over clips':26s} mean over sources")
    out = {}
    for what, cls, label in (
        ("real called fake", 0, "fake"),
        ("real abstained", 0, "uncertain"),
        ("fake caught", 1, "fake"),
        ("fake called real", 1, "real"),
        ("fake abstained", 1, "uncertain"),
    ):
        cells = []
        for per_source in (False, True):
            ci = bootstrap_interval(_rate(cls, label, per_source), y, labels, corpora, groups=corpora)
            cells.append(f"{ci.estimate:6.3f} [{ci.low:.3f}, {ci.high:.3f}]")
            out[what, per_source] = ci.estimate
        print(f"  {what:22s} {cells[0]:26s} {cells[1]}")
    all_abstained = float(np.mean(labels == "uncertain"))
    print(f"  {'all abstained':22s} {all_abstained:6.3f}")
    pooled = bootstrap_interval(lambda y, s: equal_error_rate(y, s)[0], y, p_fake, groups=corpora)
    mean = bootstrap_interval(mean_eer, y, p_fake, corpora, groups=corpora)
    print(
        f"  {'EER':22s} {pooled.estimate:6.3f} [{pooled.low:.3f}, {pooled.high:.3f}]    {mean.estimate:6.3f} [{mean.low:.3f}, {mean.high:.3f}]"
    )
    kinds = [r.split(":")[0] for r in reasons if r is not None]
    for kind in sorted(set(kinds)):
        print(f"  uncertain, {kind}: {kinds.count(kind)} recordings")
    print("  per left-out source: real called fake / abstained (real) / fake caught / abstained (fake)")
    for corpus in np.unique(corpora):
        inside = corpora == corpus
        cells = []
        for cls, label in ((0, "fake"), (0, "uncertain"), (1, "fake"), (1, "uncertain")):
            chosen = inside & (y == cls)
            cells.append("    -" if not chosen.any() else f"{np.mean(labels[chosen] == label):5.2f}")
        print(f"    {corpus:26s} {' '.join(cells)}")
    return out


def main():
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--data", type=Path, default=None)
    parser.add_argument("--cache", type=Path, default=HERE / ".cache" / "bench_abstention.npz")
    parser.add_argument("--skip-previous", action="store_true", help="the shipped recipe's rows only")
    parser.add_argument(
        "--bands", type=float, nargs="*", default=[], help="also sweep the shipped recipe's uncertainty band"
    )
    args = parser.parse_args()
    files, y, corpora = dev_corpora(args.data)
    print(
        f"{len(y)} clips ({int((y == 0).sum())} real) of {len(set(corpora))} sources, each left out in turn"
    )
    previous, shipped = make_detector("xgb", abstain=True, random_state=0), detector_pipeline()
    lfcc, s, domain, narrow = _features(files, args.cache, previous, shipped)

    if args.skip_previous:
        before = None
    else:
        found_before = loso(y, corpora, lambda: clone(previous[-1]), lfcc)
        before = summary(
            "previous: XGBoost on LFCC statistics, calibrated, abstaining", y, *found_before, corpora
        )

    params = {k: v for k, v in shipped[-1].get_params(deep=False).items() if k not in ("estimator", "domain")}
    durations = np.array([sf.info(str(f)).duration for f in files])
    labels, p_fake, reasons = shipped_loso(y, corpora, np.c_[s, domain], ~narrow, durations, params)
    after = summary(
        "shipped: AASIST-L held fixed, calibrated (sources weighed alike), abstaining; band-limited clips out of "
        f"its fit; under {params.get('min_duration')} s uncertain",
        y,
        labels,
        p_fake,
        reasons,
        corpora,
    )
    if args.bands:
        band_sweep(y, corpora, np.c_[s, domain], ~narrow, durations, params, args.bands)
    if before is not None:
        gain = bootstrap_interval(
            lambda y, a, b, c: mean_eer(y, a, c) - mean_eer(y, b, c),
            y,
            found_before[1],
            p_fake,
            corpora,
            groups=corpora,
        )
        print(
            f"\nGain in mean per-source EER, shipped over previous (paired, 90%): {gain.estimate:+.3f} "
            f"[{gain.low:+.3f}, {gain.high:+.3f}]"
        )
        report(
            "fakes caught, leave one source out, mean over sources (shipped / previous)",
            max(after["fake caught", True], 1e-3),
            max(before["fake caught", True], 1e-3),
            "share",
        )


if __name__ == "__main__":
    main()
