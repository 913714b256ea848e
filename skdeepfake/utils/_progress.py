"""Progress that works on a terminal and in logs.

On a terminal: a transient tqdm bar. Elsewhere (a log file, CI, a pipe),
where a bar would write cursor escapes or nothing: a plain line every few
seconds, ``decoding: 120/2000 files (6%), 14 s, about 3 min left``, and one
at the end. Counts are of the user's items (files, recordings, masked
versions), not of internal batches: ``size`` says how many an element of
the iterable holds.
"""

import sys
import time

from tqdm.auto import tqdm

__all__ = ["progress"]

#: Seconds between two progress lines in a log.
LOG_INTERVAL = 10.0


def progress(iterable, enabled, *, total=None, desc=None, size=None, unit="it", **kwargs):
    """``iterable`` with progress shown when ``enabled``: a bar on a terminal, else lines.

    ``total`` counts items; ``size(element)`` is how many items one element
    of ``iterable`` holds (default: one), ``unit`` what they are ("files").
    """
    if not enabled:
        return iterable
    if sys.stderr.isatty():
        return _bar(iterable, total, desc, size, unit, kwargs)
    return _lines(iterable, total, desc or "progress", size, unit)


def _bar(iterable, total, desc, size, unit, kwargs):
    with tqdm(total=total, desc=desc, leave=False, unit=unit, **kwargs) as bar:
        for element in iterable:
            yield element
            bar.update(1 if size is None else size(element))


def _left(elapsed, done, total):
    if not total or not done or done >= total:
        return ""
    seconds = elapsed / done * (total - done)
    return f", about {seconds / 60:.0f} min left" if seconds >= 90 else f", about {seconds:.0f} s left"


def _lines(iterable, total, desc, size, unit):
    start = last = time.monotonic()
    done = 0
    for element in iterable:
        yield element
        done += 1 if size is None else size(element)
        now = time.monotonic()
        if now - last >= LOG_INTERVAL:
            last = now
            share = f"/{total} {unit} ({100 * done / total:.0f}%)" if total else f" {unit}"
            print(
                f"{desc}: {done}{share}, {now - start:.0f} s{_left(now - start, done, total)}",
                file=sys.stderr,
                flush=True,
            )
    if done:
        print(f"{desc}: {done} {unit} done in {time.monotonic() - start:.0f} s", file=sys.stderr, flush=True)
