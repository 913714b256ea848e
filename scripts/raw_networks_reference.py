"""Compute the reference logits that the ports of AASIST and RawNet2 are tested against.

    python scripts/raw_networks_reference.py --repo /path/to/clovaai+aasist/repo

``--repo`` is a git directory of https://github.com/clovaai/aasist (MIT);
the script reads its ``models/AASIST.py``, ``models/RawNet2Spoof.py``,
configurations and published weights at ``--commit`` with ``git show``,
runs the reference forward passes in PyTorch (inference mode) on two fixed
64,600-sample inputs and writes ``tests/data/raw_networks_reference.npz``:
the inputs (16-bit PCM), each AASIST variant's logits with the published
weights (columns: the reference's spoof, bona fide), and for RawNet2, which
has no published weights there, a small configuration (``RAWNET2_SMALL``)
with seeded random weights and perturbed batch-norm statistics: its
weights (``rawnet2_state/<name>``) and logits. And the commit. PyTorch is
needed here only (``pip install torch``); the tests read the file and need
neither PyTorch nor the reference code.
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
#: The reference's RawNet2 with fewer channels and GRU units (the sinc
#: front-end as published), so that its random weights make a small fixture.
RAWNET2_SMALL = {
    "nb_samp": 64600,
    "first_conv": 1024,
    "in_channels": 1,
    "filts": [20, [20, 20], [20, 32], [32, 32]],
    "blocks": [2, 4],
    "nb_fc_node": 16,
    "gru_node": 16,
    "nb_gru_layer": 2,
    "nb_classes": 2,
}


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


def load_reference(repo, commit, path, name, tmp):
    module = Path(tmp) / f"{name}.py"
    module.write_bytes(git_show(repo, commit, path))
    spec = importlib.util.spec_from_file_location(name, module)
    reference = importlib.util.module_from_spec(spec)
    sys.modules[name] = reference
    spec.loader.exec_module(reference)
    return reference


def main():
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--repo", type=Path, required=True)
    parser.add_argument("--commit", default=COMMIT)
    parser.add_argument(
        "--out", type=Path, default=HERE.parent / "tests" / "data" / "raw_networks_reference.npz"
    )
    args = parser.parse_args()
    import torch

    with tempfile.TemporaryDirectory() as tmp:
        reference = load_reference(args.repo, args.commit, "models/AASIST.py", "reference_aasist", tmp)
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
        rawnet2 = load_reference(args.repo, args.commit, "models/RawNet2Spoof.py", "reference_rawnet2", tmp)
        torch.manual_seed(0)
        model = rawnet2.Model(json.loads(json.dumps(RAWNET2_SMALL)))
        with torch.no_grad():  # batch norms that are not the identity, so that their mapping is tested
            for key, value in model.state_dict().items():
                if key.endswith(("running_mean", "bn2.bias", "first_bn.bias")):
                    value.copy_(0.1 * torch.randn_like(value))
                elif key.endswith(("running_var", "bn2.weight", "first_bn.weight")):
                    value.copy_(torch.rand_like(value) + 0.5)
        model.eval()
        # The GRU's input too: a random network's last step saturates, and the
        # blocks before it should be checked on their own.
        captured = {}
        model.gru.register_forward_pre_hook(lambda _, inputs: captured.update(gru_input=inputs[0].clone()))
        with torch.no_grad():
            _, log_softmax = model(x)
        out["rawnet2_gru_input"] = captured["gru_input"].numpy().astype(np.float64)
        out["rawnet2_logits"] = log_softmax.numpy().astype(np.float64)
        out["rawnet2_config"] = np.array(json.dumps(RAWNET2_SMALL))
        for key, value in model.state_dict().items():
            out[f"rawnet2_state/{key}"] = value.numpy()
        print("rawnet2", log_softmax.numpy())
    args.out.parent.mkdir(parents=True, exist_ok=True)
    np.savez_compressed(args.out, **out)
    print(f"wrote {args.out} ({args.out.stat().st_size} bytes)")


if __name__ == "__main__":
    main()
