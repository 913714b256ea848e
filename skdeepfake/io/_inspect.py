"""What a file holds before anyone scores it: why it cannot be used, and a warning about its signal."""

import os
from numbers import Real

import numpy as np
from sklearn.utils._param_validation import Interval, validate_params

from ..utils._bounds import SAMPLE_RATE, SECONDS
from ._decode import MAX_DURATION, AudioBlocks, AudioLoadError

__all__ = ["inspect_audio", "signal_note", "band_limited", "SILENCE_PEAK", "BAND_SECONDS"]


@validate_params(
    {
        "path": [str, os.PathLike],
        "max_duration": [SECONDS, None],
        "min_duration": [SECONDS, None],
    },
    prefer_skip_nested_validation=True,
)
def inspect_audio(path, *, max_duration=MAX_DURATION, min_duration=None):
    """Why a file cannot be used as audio, and a warning about its signal.

    The file is decoded block by block with the checks of
    :func:`load_audio`, and nothing is kept: checking a long file costs one
    block of memory. The loaders screen every file with it before reading
    (:func:`~skdeepfake.datasets.load_audio_folder`), so that a bad file is
    reported with its reason rather than ending the run.

    Parameters
    ----------
    path : str or pathlib.Path
    max_duration : float or None, default=MAX_DURATION
        Longer recordings are refused (seconds); None: no limit.
    min_duration : float or None, default=None
        Shorter recordings are refused too (seconds): too short for a
        model's front-end.

    Returns
    -------
    (str or None, str or None)
        ``(reason, note)``: why ``path`` cannot be used (None when it can),
        and :func:`signal_note`'s warning about its samples (None when
        there is nothing to say, or when it cannot be used).

    See Also
    --------
    load_audio : read the samples, with the same checks.
    signal_note : the warning, from the lowest and highest sample.

    Examples
    --------
    >>> import numpy as np, soundfile as sf, tempfile, os
    >>> from skdeepfake.io import inspect_audio
    >>> folder = tempfile.mkdtemp()
    >>> sf.write(os.path.join(folder, "silence.wav"), np.zeros(8000), 8000)
    >>> inspect_audio(os.path.join(folder, "silence.wav"))
    (None, 'digital silence: its score says nothing about speech')
    >>> print(inspect_audio(os.path.join(folder, "silence.wav"), min_duration=2.0)[0])
    too short: 1.000 s; the detector's front-end needs at least 2.000 s
    >>> inspect_audio(os.path.join(folder, "missing.wav"))[0]
    'file does not exist.'
    """
    low, high = np.inf, -np.inf
    try:
        n = 0
        with AudioBlocks(path, max_duration=max_duration) as blocks:
            for block in blocks:
                n += len(block)
                if len(block):
                    low, high = min(low, float(block.min())), max(high, float(block.max()))
        if min_duration is not None and n < min_duration * blocks.sr:
            return (
                f"too short: {n / blocks.sr:.3f} s; the detector's front-end needs at least "
                f"{min_duration:.3f} s"
            ), None
    except AudioLoadError as err:
        text = str(err)
        prefix = f"{path}: "
        return (text[len(prefix) :] if text.startswith(prefix) else text), None
    return None, signal_note(low, high)


#: Peak below which a recording counts as silent (-90 dBFS).
SILENCE_PEAK = 10 ** (-90 / 20)


@validate_params({"low": [Real], "high": [Real]}, prefer_skip_nested_validation=True)
def signal_note(low, high):
    """A warning about a recording whose samples lie in ``[low, high]``, or None.

    A detector can score digital silence, a constant (DC) signal or a
    recording below -90 dBFS (a stereo file whose channels cancel is silent
    once mixed down), but its score then says nothing about speech: the
    scoring functions and the command line print this note beside it.

    Parameters
    ----------
    low, high : float
        The lowest and the highest sample.

    Returns
    -------
    str or None

    See Also
    --------
    inspect_audio : the note of a file, and why it cannot be used.

    Examples
    --------
    >>> from skdeepfake.io import signal_note
    >>> signal_note(0.0, 0.0), signal_note(-0.5, 0.5)
    ('digital silence: its score says nothing about speech', None)
    """
    peak = max(abs(low), abs(high))
    if peak == 0:
        return "digital silence: its score says nothing about speech"
    if high - low < 1e-6:
        return "a constant (DC) signal: its score says nothing about speech"
    if peak < SILENCE_PEAK:
        return "silent (peak below -90 dBFS): its score says nothing about speech"
    return None


#: Seconds of each waveform that :func:`band_limited` looks at.
BAND_SECONDS = 30.0


@validate_params(
    {
        "X": ["array-like"],
        "sr": [SAMPLE_RATE],
        "cutoff": [Interval(Real, 0, None, closed="neither")],
        "floor_db": [Interval(Real, None, 0, closed="right")],
    },
    prefer_skip_nested_validation=True,
)
def band_limited(X, sr, cutoff=4000.0, floor_db=-50.0):
    r"""Which waveforms hold (almost) nothing above ``cutoff`` Hz: telephone or 8-kHz recordings.

    A waveform is band-limited when the energy of its spectrum above
    ``cutoff`` is below ``floor_db`` decibels of its energy above 100 Hz,

    .. math:: 10 \log_{10} \frac{\sum_{f > f_c} |Y(f)|^2}{\sum_{f > 100\,\mathrm{Hz}} |Y(f)|^2} < \mathrm{floor\_db},

    with :math:`Y` one FFT of the waveform's first :data:`BAND_SECONDS`
    seconds (a bounded cost, whatever the recording's length); silence
    counts as band-limited. A detector trained on full-band speech may take the
    missing band for an artefact: AASIST-L (trained on 16-kHz ASVspoof 2019)
    calls band-limited real speech fake, so the default detector is
    calibrated without such recordings and says ``"uncertain"`` for them
    (:class:`~skdeepfake.calibration.AbstainingDetector`'s ``min_bandwidth``).
    Nothing in librosa or scipy gives this test; it is written here.

    Parameters
    ----------
    X : array-like of shape (n_samples, n_times), or list of 1-D arrays
        Waveforms at ``sr``, of one length or each its own.
    sr : int
        Their sample rate (Hz).
    cutoff : float, default=4000.0
        Hz; 4 kHz is the band edge of 8-kHz (telephone) audio. At or above
        ``sr / 2`` every waveform is band-limited.
    floor_db : float, default=-50.0

    Returns
    -------
    ndarray of bool, shape (n_samples,)

    See Also
    --------
    signal_note : silence and constant signals.

    Examples
    --------
    >>> import numpy as np
    >>> from skdeepfake.io import band_limited
    >>> t = np.arange(16000) / 16000
    >>> low = np.sin(2 * np.pi * 440 * t)
    >>> band_limited([low, low + 0.1 * np.sin(2 * np.pi * 6000 * t)], sr=16000)
    array([ True, False])
    """
    rows = X if isinstance(X, np.ndarray) and X.ndim == 2 else list(X)
    out = np.empty(len(rows), dtype=bool)
    n_max = int(BAND_SECONDS * sr)
    for i, x in enumerate(rows):
        y = np.asarray(x, dtype=np.float64).ravel()[:n_max]
        power = np.abs(np.fft.rfft(y)) ** 2
        freq = np.fft.rfftfreq(len(y), 1 / sr)
        above, total = power[freq > cutoff].sum(), power[freq > 100].sum()
        with np.errstate(divide="ignore", invalid="ignore"):
            out[i] = not (10 * np.log10(above / total) >= floor_db)  # NaN (silence) counts as band-limited
    return out
