"""Progress that works on a terminal and in logs.

On a terminal: a transient tqdm bar. Elsewhere (a log file, CI, a pipe),
where a bar would write cursor escapes or nothing: a plain line every few
seconds, ``decoding: 120/2000 (6%), 14 s``, and one at the end.
"""

import sys
import time

from tqdm.auto import tqdm

__all__ = ["progress"]

#: Seconds between two progress lines in a log.
LOG_INTERVAL = 10.0


def progress(iterable, enabled, *, total=None, desc=None, **kwargs):
    """``iterable`` with progress shown when ``enabled``: a bar on a terminal, else lines."""
    if not enabled:
        return iterable
    if sys.stderr.isatty():
        return tqdm(iterable, total=total, desc=desc, leave=False, **kwargs)
    return _lines(iterable, total, desc or "progress")


def _lines(iterable, total, desc):
    start = last = time.monotonic()
    done = 0
    for item in iterable:
        yield item
        done += 1
        now = time.monotonic()
        if now - last >= LOG_INTERVAL:
            last = now
            share = f"/{total} ({100 * done / total:.0f}%)" if total else ""
            print(f"{desc}: {done}{share}, {now - start:.0f} s", file=sys.stderr, flush=True)
    if done:
        print(f"{desc}: {done} done in {time.monotonic() - start:.0f} s", file=sys.stderr, flush=True)
