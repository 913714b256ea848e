"""Convert the published AASIST and AASIST-L weights into the package's model files.

    python scripts/convert_aasist.py --repo /path/to/clovaai+aasist/repo

``--repo`` is a git directory of https://github.com/clovaai/aasist (MIT);
``models/weights/AASIST.pth`` and ``AASIST-L.pth`` are read at ``--commit``
(PyTorch: ``pip install 'skdeepfake[convert]'``), converted with
:func:`skdeepfake.pretrained.convert_aasist_checkpoint` into the pipelines of
:func:`skdeepfake.pretrained.detector_pipeline`, and saved as
``skdeepfake/pretrained/aasist.skdf`` and ``aasist-l.skdf``. The repository's
LICENSE goes beside them as ``LICENSE_AASIST.txt``. Prints each file's size
and SHA-256, which its model card quotes (a test checks that it does).
"""

import argparse
import hashlib
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from raw_networks_reference import COMMIT, git_show  # noqa: E402

from skdeepfake.persistence import save_model  # noqa: E402
from skdeepfake.pretrained import DETECTORS, convert_aasist_checkpoint, detector_pipeline  # noqa: E402

PACKAGE = HERE.parent / "skdeepfake" / "pretrained"


def main():
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--repo", type=Path, required=True)
    parser.add_argument("--commit", default=COMMIT)
    args = parser.parse_args()
    licence = git_show(args.repo, args.commit, "LICENSE").decode()
    (PACKAGE / "LICENSE_AASIST.txt").write_text(
        "The AASIST and AASIST-L weights in aasist.skdf and aasist-l.skdf are converted from\n"
        f"models/weights/AASIST.pth and AASIST-L.pth of https://github.com/clovaai/aasist at commit\n"
        f"{args.commit}, under its licence:\n\n" + licence,
        encoding="utf-8",
    )
    with tempfile.TemporaryDirectory() as tmp:
        for name in ("aasist", "aasist-l"):
            variant = DETECTORS[name][2]["variant"]
            checkpoint = Path(tmp) / f"{variant}.pth"
            checkpoint.write_bytes(git_show(args.repo, args.commit, f"models/weights/{variant}.pth"))
            pipeline = detector_pipeline(name)
            pipeline.steps[-1] = ("model", convert_aasist_checkpoint(checkpoint, variant))
            out = PACKAGE / DETECTORS[name][0]
            save_model(pipeline, out)
            digest = hashlib.sha256(out.read_bytes()).hexdigest()
            print(f"{out}: {out.stat().st_size:,} bytes, SHA-256 `{digest}`")
    subprocess.run(["git", "-C", str(args.repo), "log", "-1", "--format=%H %cI", args.commit], check=True)


if __name__ == "__main__":
    main()
