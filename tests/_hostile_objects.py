"""Objects with side effects, for the model-file attack tests (never imported by the library).

Each writes a marker file when its side effect runs, so that a test can
check it never ran.
"""

import os
from pathlib import Path


def _mark(path, what):
    Path(path).write_text(what)


class DeleteBomb:
    """Acts when garbage-collected."""

    def __init__(self, marker):
        self.marker = marker

    def __del__(self):
        _mark(self.marker, "__del__ ran")


class SetstateBomb:
    """Acts when rebuilt from its state."""

    def __init__(self, marker):
        self.marker = marker

    def __setstate__(self, state):
        _mark(state["marker"], "__setstate__ ran")


class ReduceBomb:
    """Asks to be rebuilt by calling a function of its choosing (pickle's way)."""

    def __init__(self, marker):
        self.marker = marker

    def __reduce__(self):
        return (_mark, (self.marker, "__reduce__ ran"))


class CallBomb:
    """Acts when called, as a loader that builds its type from the value would."""

    def __init__(self, *args):
        _mark(os.environ["SKDF_TEST_MARKER"], "__init__ ran")
