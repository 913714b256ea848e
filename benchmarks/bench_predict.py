"""``skdeepfake predict`` on many files against the batched Python API.

Goal (issue: scores you can trust), on 2,000 2-second 16 kHz WAV files:
the command line's throughput is within 10% of ``featurize_files`` followed
by ``predict_proba`` (ratio at least 0.9), with the same fitted XGBoost
pipeline, both single-threaded.
"""

import argparse
import contextlib
import io
import tempfile
from pathlib import Path

import numpy as np
import soundfile as sf
from _common import best_time, report

from skdeepfake.cli import main
from skdeepfake.datasets import make_synthetic_speech
from skdeepfake.features import featurize_files
from skdeepfake.persistence import save_model
from skdeepfake.pipelines import make_xgb_pipeline

SR = 16000


def main_bench():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--n-files", type=int, default=2000)
    args = parser.parse_args()
    data = make_synthetic_speech(n_samples=64, random_state=0)
    model = make_xgb_pipeline(n_estimators=50, random_state=0).fit(data.data, data.target)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "clips"
        folder.mkdir()
        paths = []
        for i in range(args.n_files):
            path = folder / f"{i:05d}.wav"
            sf.write(path, data.data[i % len(data.data)], SR, subtype="PCM_16")
            paths.append(path)
        model_path = Path(tmp) / "m.skdf"
        save_model(model, model_path)

        def cli():
            out = io.StringIO()
            with contextlib.redirect_stdout(out), contextlib.redirect_stderr(io.StringIO()):
                assert main(["predict", "--model", str(model_path), str(folder)]) == 0
            return out.getvalue()

        def api():
            features = featurize_files(
                paths, model.named_steps["features"], loader=model.named_steps["loader"]
            )
            return model.named_steps["model"].predict_proba(features)[:, 1]

        printed = cli().splitlines()[1:]
        cli_scores = np.array([float(line.split("\t")[1]) for line in printed])
        assert np.allclose(cli_scores, api(), atol=1e-4), "the CLI and the API disagree"
        t_cli = best_time(cli, repeat=2)
        t_api = best_time(api, repeat=2)
        report(
            "skdeepfake predict files/s vs featurize_files + predict_proba",
            len(paths) / t_cli,
            len(paths) / t_api,
            "files/s",
            goal=0.9,
        )


if __name__ == "__main__":
    main_bench()
