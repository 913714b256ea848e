"""Fit the pretrained detector on the shared real corpora and write it into the package.

    python scripts/train_pretrained.py [--data ../shared/data]

Fits :func:`skdeepfake.pretrained.detector_pipeline` on every clip of
``dev-speech`` and ``vocoder-samples`` and saves it to
``skdeepfake/pretrained/detector.skdf``; prints the clip counts and the
file's size and SHA-256, which ``MODEL_CARD.md`` quotes (a test checks that
it does). Its leave-one-corpus-out figures come from
``benchmarks/bench_generalisation.py`` (the XGBoost default's row).
"""

import argparse
import hashlib
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "benchmarks"))

from _common import dev_corpora  # noqa: E402

from skdeepfake.persistence import save_model  # noqa: E402
from skdeepfake.pretrained import MODEL_FILE, detector_pipeline  # noqa: E402


def main():
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--data", type=Path, default=HERE.parent.parent / "shared" / "data")
    args = parser.parse_args()
    files, y, corpora = dev_corpora(args.data)
    print(
        f"{len(y)} clips ({int(y.sum())} fake, {int(len(y) - y.sum())} real) from {len(set(corpora))} corpora"
    )
    # Calibrated leaving whole corpora out: what its scores are worth on a corpus it has not seen.
    detector = detector_pipeline().fit(files, y, model__groups=corpora)
    save_model(detector, MODEL_FILE)
    digest = hashlib.sha256(MODEL_FILE.read_bytes()).hexdigest()
    print(f"{MODEL_FILE}: {MODEL_FILE.stat().st_size:,} bytes, sha256 {digest}")


if __name__ == "__main__":
    main()
