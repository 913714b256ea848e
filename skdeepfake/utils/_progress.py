"""Optional tqdm progress bars."""

from tqdm.auto import tqdm


def progress(iterable, enabled, **kwargs):
    """``iterable`` wrapped in a transient tqdm bar when ``enabled``."""
    if not enabled:
        return iterable
    # disable=None: no bar when stderr is not a terminal (a log file, CI), so
    # logs get no cursor escapes.
    return tqdm(iterable, leave=False, disable=None, **kwargs)
