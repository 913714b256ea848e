"""
=========================================
Loading FoR from a local folder
=========================================

The Fake-or-Real (FoR) corpus is not downloaded by skdeepfake: download the
versions you need (for-norm, for-2seconds, for-rerecording, for-original)
from its publishers and unpack them under one folder::

    FoR/for-norm/training/real/...
    FoR/for-norm/training/fake/...
    FoR/for-2seconds/testing/...

To show the whole path on data every clone has, this example first writes
a small FoR-shaped tree of built-in synthetic speech; point ``root`` at
your copy of FoR instead (``SKDEEPFAKE_FOR_ROOT``) and the rest is the same.
"""

import os
import tempfile
from pathlib import Path

import soundfile as sf

from skdeepfake.benchmark import run_benchmark
from skdeepfake.datasets import load_for, make_synthetic_speech
from skdeepfake.pipelines import make_linear_pipeline

root = os.environ.get("SKDEEPFAKE_FOR_ROOT")
if root is None:  # a stand-in with FoR's layout (archive names accepted: for-2seconds)
    root = Path(tempfile.mkdtemp()) / "FoR"
    for split, seed in (("training", 0), ("testing", 1)):
        data = make_synthetic_speech(n_samples=40, random_state=seed)
        for i, (clip, label) in enumerate(zip(data.data, data.target_names[data.target])):
            folder = root / "for-2seconds" / split / label
            folder.mkdir(parents=True, exist_ok=True)
            sf.write(folder / f"clip{i:03d}.wav", clip, 16000)

# %%
# ``load_for`` lists the files of one version and split (every file decoded
# once, unusable ones reported in ``skipped``).
train = load_for(root, version="for-2sec", split="training")
test = load_for(root, version="for-2sec", split="testing")
print(train.DESCR)
print(test.DESCR)

# %%
# FoR ships its own split: train on ``training``, test on ``testing``.
results = run_benchmark(
    {"linear": make_linear_pipeline()},
    train.filenames,
    train.target,
    X_test=test.filenames,
    y_test=test.target,
    progress=False,
)
print(results.to_frame()[["roc_auc", "eer", "min_dcf"]].round(3))
