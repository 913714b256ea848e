"""Optional tqdm progress bars."""

from tqdm.auto import tqdm


def progress(iterable, enabled, **kwargs):
    """``iterable`` wrapped in a transient tqdm bar when ``enabled``."""
    if not enabled:
        return iterable
    return tqdm(iterable, leave=False, **kwargs)
