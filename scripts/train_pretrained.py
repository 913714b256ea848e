"""Fit the default detector's calibration and domain on the development corpus and write it into the package.

    python scripts/train_pretrained.py --corpus ../shared/data/dev-corpus

``--corpus`` is the folder ``scripts/build_dev_corpus.py`` builds from
``benchmarks/corpus/`` (its manifest's ``corpus`` column names each clip's
source). :func:`skdeepfake.pretrained.detector_pipeline` is the published
AASIST-L network held fixed inside an
:class:`~skdeepfake.calibration.AbstainingDetector`; what is fitted here is
its calibration, leaving each source out (``groups``) with every source and
class weighed the same, and its out-of-domain model. Band-limited clips
(:func:`skdeepfake.io.band_limited`: nothing above 4 kHz) are left
out of both (the network calls such real speech fake), and the detector's
``min_bandwidth`` makes them ``"uncertain"`` when it judges. The counts and the file's size and SHA-256, which
``MODEL_CARD.md`` quotes (a test checks that it does), are printed. The card's
figures come from ``benchmarks/bench_abstention.py`` on the same corpus.
"""

import argparse
import hashlib
import os
import sys
from collections import Counter
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "benchmarks"))


def main():
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--corpus", type=Path, default=HERE.parent.parent / "shared" / "data" / "dev-corpus")
    args = parser.parse_args()
    os.environ["SKDF_DEV_CORPUS"] = str(args.corpus)

    from _common import dev_corpora

    from skdeepfake.io import band_limited
    from skdeepfake.persistence import save_model
    from skdeepfake.pretrained import MODEL_FILE, detector_pipeline

    files, y, corpora = dev_corpora()
    detector = detector_pipeline()
    waveforms = detector[0].fit_transform(files)
    # The recordings its verdicts withhold as band-limited are those its calibration leaves out.
    narrow = band_limited(waveforms, sr=detector[0].sr, cutoff=detector[-1].min_bandwidth)
    print(
        f"{len(y)} clips ({int(y.sum())} fake, {int(len(y) - y.sum())} real) from {len(set(corpora))} "
        f"sources; {int(narrow.sum())} band-limited left out: {dict(Counter(corpora[narrow]))}"
    )
    keep = ~narrow
    # Calibrated leaving whole sources out: what its scores are worth on a source it has not seen.
    detector[-1].fit(waveforms[keep], y[keep], groups=corpora[keep])
    a, b = detector[-1].calibration_
    print(
        f"calibration: LLR = {a:.3f} x log-odds {b:+.3f}; out of domain beyond {detector[-1].ood_threshold_:.1f}"
    )
    save_model(detector, MODEL_FILE)
    digest = hashlib.sha256(MODEL_FILE.read_bytes()).hexdigest()
    print(f"{MODEL_FILE}: {MODEL_FILE.stat().st_size:,} bytes, sha256 {digest}")


if __name__ == "__main__":
    main()
