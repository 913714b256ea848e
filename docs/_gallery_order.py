"""The order of the example gallery: a newcomer's reading order.

It opens with the two overviews (the study's three detectors, then every
front-end with every model), which are also the two longest examples:
Sphinx-Gallery runs the examples in this order, two at a time, and starting
the long ones first keeps one process from running alone at the end.
"""

from pathlib import Path

READING_ORDER = [
    "plot_compare_detectors.py",
    "plot_front_ends.py",
    "plot_load_for.py",
    "plot_mel_spectrograms.py",
    "plot_augmentation.py",
    "plot_calibration.py",
    "plot_long_recording.py",
    "plot_whole_recording.py",
    "plot_cross_corpus.py",
    "plot_shortcut_audit.py",
    "plot_explain_shortcut.py",
]


class ReadingOrder:
    """A ``within_subsection_order`` key: the examples of ``READING_ORDER`` in
    its order, any other after them by file name."""

    def __init__(self, src_dir):
        self.src_dir = src_dir

    def __call__(self, filename):
        name = Path(filename).name
        if name in READING_ORDER:
            return (0, READING_ORDER.index(name), name)
        return (1, 0, name)
