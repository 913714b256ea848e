"""Statistics over every frame of a long recording, in bounded memory.

A featurizer summarising an hour-long recording would hold all of its frames
(and the spectra behind them) at once. Here the recording is processed in
chunks of :data:`CHUNK_SAMPLES`, and the statistics are accumulated:

* ``mean`` and ``std`` exactly, by merging each chunk's count, mean and sum
  of squared deviations (Chan, Golub & LeVeque, 1983), in float64;
* ``min`` and ``max`` exactly;
* the median and percentiles from the frames themselves while there are at
  most :data:`MAX_KEPT_FRAMES` of them; beyond that from every ``k``-th
  frame, ``k`` the smallest power of two that keeps at most that many (an
  even subsample of the recording, so the estimate is unbiased).

A featurizer whose frames depend only on nearby samples declares its
geometry (``_chunk_geometry``: frame hop and context, in samples). Each
chunk is then extended by the context on both sides, aligned to the frame
grid, and only the frames centred inside the chunk are kept, so the frames
are those of the whole recording: the statistics equal the whole
recording's (up to float rounding, and the subsampling above). A featurizer
without a geometry (a speech encoder attends to the whole input) is run on
consecutive chunks independently, as long-form speech models are.

Nothing here is a library's: no scientific-Python package pools frame
statistics over chunks of a stream.
"""

import numpy as np
from sklearn.utils._param_validation import HasMethods, validate_params

__all__ = ["CHUNK_SAMPLES", "MAX_KEPT_FRAMES", "pool_recording"]

#: Samples per chunk when a recording longer than this is summarised.
CHUNK_SAMPLES = 2**20
#: Frames kept per recording for its median and percentiles (see above).
MAX_KEPT_FRAMES = 2**15

_ORDER_STATS = {"median", "p10", "p25", "p75", "p90"}


class _Accumulator:
    """Running statistics of one featurizer's frames, rows x time."""

    def __init__(self, stats):
        self.stats = tuple(stats)
        self.keep = bool(_ORDER_STATS & set(self.stats))
        self.count, self.mean, self.m2 = 0, None, None
        self.min = self.max = None
        self.kept, self.stride = [], 1  # kept: (global frame indices, frames)

    def add(self, frames, first):
        """Add frames (rows, n) whose global frame indices start at ``first``."""
        if frames.shape[-1] == 0:
            return
        x = frames.astype(np.float64)
        n = x.shape[-1]
        mean = x.mean(axis=-1)
        m2 = ((x - mean[:, None]) ** 2).sum(axis=-1)
        if self.count == 0:
            self.mean, self.m2 = mean, m2
            self.min, self.max = frames.min(axis=-1), frames.max(axis=-1)
        else:
            total = self.count + n
            delta = mean - self.mean
            self.mean = self.mean + delta * (n / total)
            self.m2 = self.m2 + m2 + delta**2 * (self.count * n / total)
            self.min = np.minimum(self.min, frames.min(axis=-1))
            self.max = np.maximum(self.max, frames.max(axis=-1))
        self.count += n
        if self.keep:
            index = np.arange(first, first + n)
            chosen = index % self.stride == 0
            self.kept.append((index[chosen], frames[:, chosen]))
            while sum(len(i) for i, _ in self.kept) > MAX_KEPT_FRAMES:
                self.stride *= 2
                self.kept = [(i[i % self.stride == 0], f[:, i % self.stride == 0]) for i, f in self.kept]

    def finish(self, cmvn=None):
        """The statistics, rows x stats, of the frames normalised per recording by ``cmvn``."""
        std = np.sqrt(self.m2 / self.count)
        kept = np.concatenate([f for _, f in self.kept], axis=-1) if self.keep else None
        values = {"mean": self.mean, "std": std, "min": self.min, "max": self.max}
        for name in set(self.stats) & _ORDER_STATS:
            q = 50 if name == "median" else int(name[1:])
            values[name] = np.percentile(kept, q, axis=-1)
        # Normalising each row per recording is affine, so it acts on the
        # statistics as it would on the frames (order statistics included).
        if cmvn is not None:
            scale = np.maximum(std, 1e-8) if cmvn == "mean_variance" else 1.0
            values = {k: (v if k == "std" else v - self.mean) / scale for k, v in values.items()}
        return np.stack([values[s] for s in self.stats], axis=-1)


@validate_params(
    {"featurizers": [list, tuple], "blocks": [HasMethods(["__iter__"])]},
    prefer_skip_nested_validation=True,
)
def pool_recording(featurizers, blocks):
    """Each fitted featurizer's statistics over one recording read block by block.

    Parameters
    ----------
    featurizers : list of FrameFeaturizer
        Fitted, with ``output="stats"``.
    blocks : iterable of 1-D float32 arrays
        The recording's samples in order, in blocks of any size (one block:
        an array in memory; many: a file being decoded).

    Returns
    -------
    list of ndarray
        One row of statistics per featurizer, as its ``transform`` gives for
        one recording.

    Examples
    --------
    >>> import numpy as np
    >>> from skdeepfake.features import LFCC, pool_recording
    >>> x = np.random.default_rng(0).normal(size=48000).astype(np.float32)
    >>> lfcc = LFCC(output="stats").fit([x])
    >>> (pooled,) = pool_recording([lfcc], np.array_split(x, 7))  # e.g. blocks of a file
    >>> bool(np.allclose(pooled, lfcc.transform([x])[0], rtol=1e-4, atol=1e-4))
    True
    """
    geometries = [f._chunk_geometry() for f in featurizers]
    accumulators = [_Accumulator(f.stats) for f in featurizers]
    margin = max((ctx + hop for hop, ctx in filter(None, geometries)), default=0)
    blocks = iter(blocks)
    buffer, buffer_start, start, ended = np.empty(0, np.float32), 0, 0, False
    while True:
        parts = [buffer]
        have = buffer_start + len(buffer)
        while not ended and have < start + CHUNK_SAMPLES + margin:
            block = next(blocks, None)
            if block is None:
                ended = True
            else:
                parts.append(np.asarray(block, dtype=np.float32))
                have += len(block)
        if len(parts) == 2 and len(buffer) == 0:
            buffer = parts[1]  # one block, e.g. a recording in memory: a view, not a copy
        elif len(parts) > 1:
            buffer = np.concatenate(parts)
        end = min(start + CHUNK_SAMPLES, have)
        total = have if ended and end == have else None  # the recording's length, at its last chunk
        for featurizer, geometry, accumulator in zip(featurizers, geometries, accumulators):
            _pool_chunk(featurizer, geometry, accumulator, buffer, buffer_start, start, end, total)
        if total is not None:
            break
        start = end
        cut = max(0, start - margin - buffer_start)
        buffer, buffer_start = buffer[cut:], buffer_start + cut
    return [
        acc.finish(getattr(f, "cmvn", None)).reshape(-1).astype(np.float32)
        for f, acc in zip(featurizers, accumulators)
    ]


def _pool_chunk(featurizer, geometry, accumulator, buffer, offset, start, end, total):
    """Add the frames centred in samples [start, end) (through the last, at the end)."""
    if geometry is None:  # independent chunks; a tail too short for one frame is left out
        x = buffer[start - offset : end - offset]
        if start == 0 or all(len(x) >= n for n, _ in featurizer._length_requirements()):
            accumulator.add(featurizer._frames(x[np.newaxis])[0], accumulator.count)
        return
    hop, context = geometry
    lo = max(0, (start - context) // hop * hop)  # on the frame grid
    hi = total if total is not None else end + context
    frames = featurizer._frames(buffer[lo - offset : hi - offset][np.newaxis])[0]
    first = -(-start // hop)
    last = total // hop if total is not None else (end - 1) // hop
    accumulator.add(frames[:, first - lo // hop : last - lo // hop + 1], first)
