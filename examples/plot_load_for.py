"""
=========================================
Loading FoR from a local folder
=========================================

The Fake-or-Real (FoR) corpus is not downloaded by skdeepfake. Download the
versions you need (for-norm, for-2seconds, for-rerecording, for-original)
from the corpus's publishers, unpack them under one folder, and point
``load_for`` at it, for example with the ``SKDEEPFAKE_FOR_ROOT`` environment
variable::

    $SKDEEPFAKE_FOR_ROOT/for-norm/training/real/...
    $SKDEEPFAKE_FOR_ROOT/for-norm/training/fake/...
    $SKDEEPFAKE_FOR_ROOT/for-2seconds/testing/...

When the folder is missing this example says so and stops.
"""

import os
from pathlib import Path

from skdeepfake.datasets import load_for

root = Path(os.environ.get("SKDEEPFAKE_FOR_ROOT", Path.home() / "data" / "FoR"))
try:
    train = load_for(root, version="for-2sec", split="training")
    test = load_for(root, version="for-2sec", split="testing")
except FileNotFoundError as err:
    print(f"FoR not found, skipping this example:\n{err}")
else:
    print(train.DESCR)
    print(test.DESCR)
    # From here: skdeepfake.benchmark.run_benchmark({...}, train.filenames,
    # train.target, X_test=test.filenames, y_test=test.target)
