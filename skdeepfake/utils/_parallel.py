"""Batches of work in parallel threads, in order: one implementation for the loader and the featurizers."""

from joblib import Parallel, delayed, effective_n_jobs
from threadpoolctl import threadpool_limits

from ._progress import progress

__all__ = ["iter_batches", "map_batches"]


def iter_batches(n, batch_size):
    """Yield slices covering ``range(n)`` in steps of ``batch_size``."""
    for start in range(0, n, batch_size):
        yield slice(start, min(start + batch_size, n))


def map_batches(
    work, n, batch_size, *, n_jobs=None, tasks_per_job=None, verbose=False, desc=None, unit="items"
):
    """Yield ``(slice, work(slice))`` over ``range(n)`` in batches, in order.

    With ``n_jobs`` > 1 the batches run in threads (decoding, FFTs and BLAS
    release the GIL), each with one BLAS thread: parallel batches rather
    than parallel BLAS, so that the cores are not oversubscribed.
    ``tasks_per_job`` groups consecutive batches into about that many tasks
    per job, so that small batches do not pay joblib's dispatch for each;
    ``None`` sends every batch as its own task (the working set is then
    ``n_jobs`` batches). Progress counts the ``n`` items, not the batches.
    """
    batches = list(iter_batches(n, batch_size))
    jobs = effective_n_jobs(n_jobs)
    if len(batches) <= 1 or jobs <= 1:
        yield from progress(
            ((b, work(b)) for b in batches), verbose, total=n, desc=desc, size=_items, unit=unit
        )
        return
    per_task = 1 if tasks_per_job is None else max(1, -(-len(batches) // (jobs * tasks_per_job)))
    groups = [batches[i : i + per_task] for i in range(0, len(batches), per_task)]

    def run(group):
        return [(b, work(b)) for b in group]

    with threadpool_limits(1, user_api="blas"):
        results = Parallel(n_jobs=n_jobs, prefer="threads", return_as="generator")(
            delayed(run)(group) for group in groups
        )
        for done in progress(results, verbose, total=n, desc=desc, unit=unit, size=_group_items):
            yield from done


def _items(pair):
    return pair[0].stop - pair[0].start


def _group_items(group):
    return sum(_items(pair) for pair in group)
