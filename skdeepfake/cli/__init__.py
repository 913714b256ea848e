"""The ``skdeepfake`` command line: benchmark, train, predict.

Each command is a thin layer over the library: argument parsing in
``_parser``, the commands in ``_commands`` (scoring is
:func:`skdeepfake.scoring.score_files`; results write themselves,
:mod:`skdeepfake.benchmark`), safe output in ``_outputs``. Heavy modules (TensorFlow, matplotlib) are imported by the
commands that need them, so ``skdeepfake --help`` answers at once.
"""

from ._commands import main
from ._parser import build_parser

__all__ = ["main", "build_parser"]
