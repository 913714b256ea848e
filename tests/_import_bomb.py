"""A module whose import acts: a class definition triggers its base's __init_subclass__.

Never imported by the library; a model file naming a class in it must be
refused before the module is imported.
"""

import os
from pathlib import Path


class _Base:
    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        marker = os.environ.get("SKDF_TEST_MARKER")
        if marker:
            Path(marker).write_text("__init_subclass__ ran")


class Armed(_Base):
    pass
