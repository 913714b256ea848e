"""Scoring audio files with a fitted detector: every file scored or reported, memory bounded.

:func:`score_files` is what ``skdeepfake predict`` runs, for any model file
the library writes: a :class:`~skdeepfake.windows.WindowedClassifier`, a
pipeline of fixed-length clips (scored window by window), a pooled pipeline
(whole recordings; a long file is decoded and summarised chunk by chunk,
:func:`~skdeepfake.features.pool_recording`), or a composition such as a
``CalibratedClassifierCV`` of one. Files are decoded in a thread while the
previous batch is scored. A file that cannot be scored (unreadable, too
short for the front-end, gone) is reported with its reason, never fatal;
a silent or constant recording is scored with a note saying its score
means nothing.
"""

from concurrent.futures import ThreadPoolExecutor
from numbers import Integral, Real
from typing import NamedTuple

import numpy as np
from sklearn.utils._param_validation import HasMethods, Interval, StrOptions, validate_params
from sklearn.utils.validation import check_is_fitted

from ..calibration import threshold_verdicts, verdicts
from ..features import pool_recording
from ..io import MAX_DURATION, AudioBlocks, AudioLoadError, signal_note
from ..utils._bounds import SECONDS
from ..windows import AGGREGATES, HOP_SECONDS, WINDOW_SECONDS
from ._plan import ScoringPlan, input_rate, min_recording_duration

__all__ = ["score_files", "FileScore", "min_recording_duration", "input_rate"]

_BATCH_SAMPLES = 2**24  # decoded samples of a batch (17 min at 16 kHz), whatever batch_size says


class FileScore(NamedTuple):
    """One file's result from :func:`score_files`."""

    #: The file, as given.
    path: object
    #: P(fake) of the recording; NaN when it could not be scored.
    p_fake: float
    #: Each window's ``start``, ``end`` (seconds) and ``p_fake``, when asked for; else None.
    windows: object
    #: Why the file could not be scored, or None.
    error: object
    #: A warning about the recording (silent, constant), or None.
    note: object
    #: "real", "fake" or "uncertain" (None when it could not be scored): the detector's own
    #: verdict when it can abstain (:class:`~skdeepfake.calibration.AbstainingDetector`), else
    #: ``threshold`` on P(fake); a silent or constant recording is "uncertain".
    label: object = None
    #: Why the label is "uncertain", or None.
    reason: object = None


@validate_params(
    {
        "model": [HasMethods(["predict_proba"])],
        "files": ["array-like"],
        "window": [WINDOW_SECONDS, None],
        "hop": [HOP_SECONDS, None],
        "aggregate": [StrOptions(set(AGGREGATES)), None],
        "windows": ["boolean"],
        "max_duration": [SECONDS, None],
        "batch_size": [Interval(Integral, 1, None, closed="left")],
        "threshold": [Interval(Real, 0, 1, closed="both"), None],
    },
    prefer_skip_nested_validation=True,
)
def score_files(
    model,
    files,
    *,
    window=None,
    hop=None,
    aggregate=None,
    windows=False,
    max_duration=MAX_DURATION,
    batch_size=32,
    threshold=None,
):
    """Score audio files one by one or in batches, yielding a :class:`FileScore` per file.

    Parameters
    ----------
    model : fitted detector
        As :func:`~skdeepfake.persistence.load_model` returns it. It must
        read audio: hold an :class:`~skdeepfake.AudioLoader` or be a
        :class:`~skdeepfake.windows.WindowedClassifier`.
    files : sequence of paths
    window, hop : float or None, default=None
        Windows for scoring in windows: ``None`` is the model's own (its
        training windows, or its input length; 2 s for pooled models) and
        half a window.
    aggregate : {"mean", "max", "median"} or None, default=None
        How window scores make the file's score. ``None``: the model's own
        (a WindowedClassifier's ``aggregate``; ``"mean"`` for fixed-length
        models). A pooled model scores the whole recording at once unless
        ``aggregate`` is given, then it aggregates its window scores.
    windows : bool, default=False
        Also return every window's score.
    max_duration : float or None, default=3600.0
        Longest recording accepted, in seconds.
    batch_size : int, default=32
        Files decoded and scored together.
    threshold : float or None, default=None
        Label a recording fake when P(fake) >= threshold. None: the
        detector's own verdict when it can abstain (it then also says
        "uncertain", with the reason), else 0.5. See
        :func:`~skdeepfake.calibration.verdicts`.

    Yields
    ------
    FileScore
        In the order of ``files``.

    Examples
    --------
    >>> import os, tempfile, soundfile as sf
    >>> from skdeepfake.datasets import make_synthetic_speech
    >>> from skdeepfake.pipelines import make_linear_pipeline
    >>> from skdeepfake.scoring import score_files
    >>> data = make_synthetic_speech(n_samples=20, random_state=0)
    >>> detector = make_linear_pipeline().fit(data.data, data.target)
    >>> folder = tempfile.mkdtemp()
    >>> sf.write(os.path.join(folder, "a.wav"), data.data[0], 16000)
    >>> open(os.path.join(folder, "b.wav"), "w").close()  # empty
    >>> for row in score_files(detector, [os.path.join(folder, n) for n in ("a.wav", "b.wav")]):
    ...     print(os.path.basename(row.path), round(row.p_fake, 2) >= 0, row.error is not None)
    a.wav True False
    b.wav False True
    """
    check_is_fitted(model)
    plan = ScoringPlan(model, window, hop, aggregate, windows, threshold)
    batches = _decoded_batches(list(files), plan, max_duration, batch_size)
    with ThreadPoolExecutor(max_workers=1) as pool:  # the next batch decodes while one is scored
        pending = pool.submit(next, batches, None)
        while True:
            decoded = pending.result()
            if decoded is None:
                return
            pending = pool.submit(next, batches, None)
            yield from _score_batch(plan, decoded, max_duration)


def _decoded_batches(files, plan, max_duration, batch_size):
    """Batches of decoded files: at most ``batch_size`` files and about _BATCH_SAMPLES samples."""
    batch, size = [], 0
    for path in files:
        item = _decode(path, plan, max_duration)
        batch.append(item)
        size += len(item[1]) if isinstance(item[1], np.ndarray) else 0
        if len(batch) >= batch_size or size >= _BATCH_SAMPLES:
            yield batch
            batch, size = [], 0
    if batch:
        yield batch


def _decode(path, plan, max_duration):
    """(path, recording or "stream", error) for one file; never raises for the file's sake."""
    try:
        blocks = AudioBlocks(path, plan.sr, max_duration=max_duration)
        if plan.streams(blocks.n_out):
            blocks.close()
            return path, "stream", None
        with blocks:
            return path, blocks.read_all(), None
    except AudioLoadError as err:
        return path, None, _reason(err, path)


def _reason(err, path):
    text, prefix = str(err), f"{path}: "
    return text[len(prefix) :] if text.startswith(prefix) else text


def _score_batch(plan, decoded, max_duration):
    """The FileScores of one decoded batch, in its order."""
    out, ready = [None] * len(decoded), []
    for k, (path, y, error) in enumerate(decoded):
        if error is None and not isinstance(y, str) and len(y) < plan.min_samples:
            error = (
                f"too short: {len(y)} samples ({len(y) / plan.sr:.3f} s at {plan.sr} Hz); the model's "
                f"front-end needs at least {plan.min_samples}"
            )
        if error is not None:
            out[k] = FileScore(path, float("nan"), None, error, None)
        elif isinstance(y, str):
            out[k] = _stream(plan, path, max_duration)
        else:
            ready.append(k)
    if ready:
        recordings = [decoded[k][1] for k in ready]
        try:
            results = _score(plan, recordings)
        except ValueError:  # one recording the front-end refuses: find it, score the rest
            results = []
            for y in recordings:
                try:
                    results.append(_score(plan, [y])[0])
                except ValueError as err:
                    results.append((float("nan"), None, str(err), None, None))
        for k, y, (p_fake, windows, error, label, reason) in zip(ready, recordings, results):
            note = None if error else signal_note(float(y.min()), float(y.max()))
            out[k] = _file_score(decoded[k][0], p_fake, windows, error, note, label, reason)
    return out


def _file_score(path, p_fake, windows, error, note, label, reason):
    """A FileScore; a silent or constant recording is "uncertain", whatever its score."""
    if note is not None and error is None:
        label, reason = "uncertain", note
    return FileScore(path, p_fake, windows, error, note, label, reason)


def _score(plan, recordings):
    """[(p_fake, windows or None, None, label, reason)] of in-memory recordings."""
    frame = None
    if plan.by_windows or plan.want_windows:
        frame = plan.scorer.predict_windows(recordings)
    if plan.by_windows:
        p_fake = plan.scorer.aggregate_windows(frame)[:, plan.column]
        found = threshold_verdicts(p_fake, plan.threshold)
    else:
        found = verdicts(plan.model, recordings, plan.threshold)
    out = []
    for i, p in enumerate(found.p_fake):
        own = None
        if plan.want_windows:
            own = frame.loc[frame["recording"] == i, ["start", "end", "p_fake"]].reset_index(drop=True)
        out.append((float(p), own, None, found.label[i], found.reason[i]))
    return out


def _stream(plan, path, max_duration):
    """A long file scored while it is decoded: by windows, or pooled chunk by chunk."""
    watch = _Watch()
    try:
        blocks = watch(AudioBlocks(path, plan.sr, max_duration=max_duration))
        if plan.by_windows:
            frame = plan.scorer.predict_windows_stream(blocks)
            found = threshold_verdicts(plan.scorer.aggregate_windows(frame)[:1, plan.column], plan.threshold)
            windows = frame[["start", "end", "p_fake"]] if plan.want_windows else None
        else:
            features = np.concatenate(pool_recording(plan.front, blocks))[np.newaxis]
            found, windows = verdicts(plan.rest, features, plan.threshold), None
    except AudioLoadError as err:
        return FileScore(path, float("nan"), None, _reason(err, path), None)
    note = signal_note(watch.low, watch.high)
    return _file_score(path, float(found.p_fake[0]), windows, None, note, found.label[0], found.reason[0])


class _Watch:
    """Passes blocks through, keeping the extremes for the silence note."""

    def __init__(self):
        self.low, self.high = np.inf, -np.inf

    def __call__(self, blocks):
        for block in blocks:
            if len(block):
                self.low, self.high = min(self.low, float(block.min())), max(self.high, float(block.max()))
            yield block
