"""Compute the reference AASIST logits that the port is tested against.

    python scripts/aasist_reference.py --repo /path/to/clovaai+aasist/repo

``--repo`` is a git directory of https://github.com/clovaai/aasist (MIT);
the script reads its ``models/AASIST.py``, configurations and published
weights at ``--commit`` with ``git show``, runs the reference forward pass
in PyTorch (inference mode) on two fixed 64,600-sample inputs and writes
``tests/data/aasist_reference.npz``: the inputs (16-bit PCM), each
variant's logits (columns: the reference's spoof, bona fide), and the
commit. PyTorch is needed here only (``pip install torch``); the tests read
the file and need neither PyTorch nor the reference code.
"""

import argparse
import importlib.util
import io
import json
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
COMMIT = "a04c9863f63d44471dde8a6abcb3b082b07cd1d1"
VARIANTS = {"aasist": "AASIST", "aasist-l": "AASIST-L"}


def git_show(repo, commit, path):
    return subprocess.run(
        ["git", "-C", str(repo), "show", f"{commit}:{path}"], check=True, capture_output=True
    ).stdout


def reference_inputs():
    """Two 4.0375-s inputs: a synthetic vowel-like clip and low-level noise, as 16-bit PCM."""
    from skdeepfake.datasets import make_synthetic_speech

    speech = make_synthetic_speech(n_samples=2, duration=64600 / 16000, random_state=0).data[0]
    noise = np.random.default_rng(0).normal(scale=0.05, size=64600)
    pcm = np.stack([speech / max(1e-9, np.abs(speech).max()) * 0.5, noise])
    return np.round(np.clip(pcm, -1, 1) * 32767).astype(np.int16)


def main():
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--repo", type=Path, required=True)
    parser.add_argument("--commit", default=COMMIT)
    parser.add_argument("--out", type=Path, default=HERE.parent / "tests" / "data" / "aasist_reference.npz")
    args = parser.parse_args()
    import torch

    with tempfile.TemporaryDirectory() as tmp:
        module = Path(tmp) / "reference_aasist.py"
        module.write_bytes(git_show(args.repo, args.commit, "models/AASIST.py"))
        spec = importlib.util.spec_from_file_location("reference_aasist", module)
        reference = importlib.util.module_from_spec(spec)
        sys.modules["reference_aasist"] = reference
        spec.loader.exec_module(reference)
        pcm = reference_inputs()
        x = torch.from_numpy(pcm.astype(np.float32) / 32768.0)
        out = {"inputs": pcm, "commit": np.array(args.commit)}
        for name, variant in VARIANTS.items():
            config = json.loads(git_show(args.repo, args.commit, f"config/{variant}.conf"))["model_config"]
            model = reference.Model(config)
            weights = torch.load(
                io.BytesIO(git_show(args.repo, args.commit, f"models/weights/{variant}.pth")),
                map_location="cpu",
                weights_only=True,
            )
            model.load_state_dict(weights, strict=True)
            model.eval()
            with torch.no_grad():
                _, logits = model(x)
            out[f"{name}_logits"] = logits.numpy().astype(np.float64)
            print(name, logits.numpy())
    args.out.parent.mkdir(parents=True, exist_ok=True)
    np.savez_compressed(args.out, **out)
    print(f"wrote {args.out} ({args.out.stat().st_size} bytes)")


if __name__ == "__main__":
    main()
