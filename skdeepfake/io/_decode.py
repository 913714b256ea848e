"""Decoding one audio file safely: the checks before, during and after libsndfile.

Every failure is an :class:`~skdeepfake.io.AudioLoadError` whose message
starts with the path and says what is wrong. Nothing is opened that could
block (named pipes, devices), nothing is decoded beyond the accepted
length, and sample rates outside :data:`SAMPLE_RATE_RANGE` are refused
before resampling.
"""

import errno
import os
import re
import stat
from contextlib import contextmanager

import numpy as np
import soundfile as sf
import soxr
from sklearn.utils._param_validation import validate_params

from ..utils._bounds import MAX_WAVEFORM_BYTES, SAMPLE_RATE, SAMPLE_RATE_RANGE, SECONDS

__all__ = [
    "AudioLoadError",
    "AudioBlocks",
    "load_audio",
    "check_regular_file",
    "SAMPLE_RATE_RANGE",
    "MAX_DURATION",
    "MAX_SAMPLE_MAGNITUDE",
]

#: Longest recording decoded whole, in seconds, unless a caller allows more.
MAX_DURATION = 3600.0

_INTEGER_PCM = frozenset({"PCM_S8", "PCM_U8", "PCM_16", "PCM_24", "PCM_32"})
_TRUNCATED = re.compile(r"^(?:data|SSND)\s*:\s*(?P<declared>\d+) \(should be (?P<actual>\d+)\)", re.MULTILINE)
_RESAMPLER_MARGIN = 1024  # input samples read beyond an excerpt, for soxr's filter
_BLOCK_BYTES = 2**22  # interleaved samples decoded at once
#: Largest magnitude a float file's samples may reach (60 dB above full scale).
MAX_SAMPLE_MAGNITUDE = 1000.0


class AudioLoadError(ValueError):
    """An audio file is missing, unreadable, empty, truncated or invalid.

    The message always starts with the file's path.

    Examples
    --------
    >>> from skdeepfake import AudioLoader, AudioLoadError
    >>> try:
    ...     AudioLoader().transform(["missing.wav"])
    ... except AudioLoadError as err:
    ...     print(err)
    missing.wav: file does not exist.
    """


def check_regular_file(path):
    """Raise AudioLoadError unless ``path`` is a regular file (links followed).

    Named pipes, sockets and devices are refused without being opened: a
    read from a pipe can block forever. Anything but a ``str`` or path-like
    (``None``, an int, which ``os.stat`` would take for a file descriptor)
    is refused too.
    """
    if not isinstance(path, (str, os.PathLike)) or isinstance(path, bytes):
        raise AudioLoadError(
            f"{path!r}: not a file path ({type(path).__name__}); give a str or pathlib.Path."
        )
    try:
        mode = os.stat(path).st_mode
    except FileNotFoundError:
        if os.path.islink(path):
            raise AudioLoadError(f"{path}: is a broken symbolic link (to {os.readlink(path)!r}).") from None
        raise AudioLoadError(f"{path}: file does not exist.") from None
    except OSError as err:
        if err.errno == errno.ELOOP:
            raise AudioLoadError(f"{path}: is a symbolic link loop.") from None
        raise AudioLoadError(f"{path}: cannot be read ({err.strerror}).") from None
    if stat.S_ISDIR(mode):
        raise AudioLoadError(f"{path}: is a directory, not an audio file.")
    if not stat.S_ISREG(mode):
        kind = (
            "a named pipe (FIFO)"
            if stat.S_ISFIFO(mode)
            else "a socket"
            if stat.S_ISSOCK(mode)
            else "a device"
            if stat.S_ISCHR(mode) or stat.S_ISBLK(mode)
            else "not a regular file"
        )
        raise AudioLoadError(
            f"{path}: is {kind}, not a regular file; refused without opening it, since "
            "reading it could block."
        )


@validate_params(
    {
        "path": [str, os.PathLike],
        "sr": [SAMPLE_RATE, None],
        "max_duration": [SECONDS, None],
        "first": [SECONDS, None],
    },
    prefer_skip_nested_validation=True,
)
def load_audio(path, sr=None, *, max_duration=MAX_DURATION, first=None):
    """Read one audio file as a mono float32 waveform.

    Parameters
    ----------
    path : str or pathlib.Path
        Any file libsndfile reads: WAV (PCM 8/16/24/32 bit or float), FLAC,
        OGG/Vorbis, Opus, MP3, AIFF and more.
    sr : int or None, default=None
        Sample rate to resample to (with soxr, as librosa does). ``None``
        keeps the file's own rate.
    max_duration : float or None, default=3600.0
        Refuse files longer than this many seconds (``None``: no limit), so
        that a small file declaring hours of audio cannot exhaust memory.
    first : float or None, default=None
        Read only the first ``first`` seconds (then ``max_duration`` does
        not apply): a long file costs no more than the excerpt kept.

    Returns
    -------
    y : ndarray of shape (n_samples,), dtype float32
        The channels mixed down to mono.
    sr : int
        The sample rate of ``y``.

    Raises
    ------
    AudioLoadError
        If the file does not exist, is not a regular file (a pipe, a broken
        link), cannot be decoded, holds no samples, is shorter than its
        header declares, declares a sample rate outside
        :data:`SAMPLE_RATE_RANGE`, is longer than ``max_duration``, or holds
        NaN, Inf or float samples beyond :data:`MAX_SAMPLE_MAGNITUDE`.

    Notes
    -----
    The file is decoded, mixed down and resampled block by block: peak
    memory is the mono result at ``sr`` plus one block, whatever the file's
    channels and rate.

    Examples
    --------
    >>> import numpy as np, soundfile as sf, tempfile, os
    >>> from skdeepfake.io import load_audio
    >>> path = os.path.join(tempfile.mkdtemp(), "tone.wav")
    >>> sf.write(path, np.zeros((8000, 2)), 8000)  # 1 s of stereo silence
    >>> y, sr = load_audio(path, sr=16000)
    >>> y.shape, y.dtype, sr
    ((16000,), dtype('float32'), 16000)
    """
    return _load_audio(path, sr, max_duration, first)


def _load_audio(path, sr=None, max_duration=MAX_DURATION, first=None):
    """:func:`load_audio` for callers whose arguments are already validated.

    The loaders call it once per file: validate_params' argument binding
    would cost as much as decoding a 2-s clip, and, holding the GIL, it
    kept parallel decoding from scaling.
    """
    with AudioBlocks(path, sr, max_duration=max_duration, first=first) as blocks:
        return blocks.read_all(), blocks.sr


class AudioBlocks:
    """One audio file's mono samples at a sample rate, decoded block by block.

    The checks of :func:`load_audio` (a regular file, an accepted sample
    rate, ``max_duration``, finite samples of a sane magnitude, no
    truncation) apply, each failure an :class:`AudioLoadError` naming the
    file, raised when opening or while iterating. Peak memory is one block,
    whatever the file's channels, rate or length: a featurizer can summarise
    an hour-long recording without holding it
    (:func:`~skdeepfake.features.pool_recording`).

    Parameters
    ----------
    path : str or pathlib.Path
    sr : int or None
        Target rate; None keeps the file's.
    max_duration, first : float or None
        As in :func:`load_audio`.

    Attributes
    ----------
    sr : int
        The rate of the blocks.
    n_out : int
        At least the number of samples the blocks hold together.
    """

    def __init__(self, path, sr=None, *, max_duration=MAX_DURATION, first=None):
        check_regular_file(path)
        self.path = path
        with self._errors():
            self._file = sf.SoundFile(path)
        try:
            f = self._file
            self.orig_sr, self.subtype = f.samplerate, f.subtype
            _check_header(path, f, self.orig_sr, max_duration if first is None else None)
            self.sr = self.orig_sr if sr is None else sr
            self.n_read = f.frames
            if first is not None:
                margin = _RESAMPLER_MARGIN if self.sr != self.orig_sr else 0
                self.n_read = min(self.n_read, int(np.ceil(first * self.orig_sr)) + margin)
            # soxr returns about n * sr / orig_sr samples; a few more fit its final flush.
            self.n_out = (
                self.n_read
                if self.sr == self.orig_sr
                else int(np.ceil(self.n_read * self.sr / self.orig_sr)) + 64
            )
        except BaseException:
            self.close()
            raise

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def close(self):
        """Close the file (also done when the iteration ends)."""
        if getattr(self, "_file", None) is not None:
            self._file.close()
            self._file = None

    def read_all(self):
        """All the samples at once, as :func:`load_audio` returns them (one copy, no more).

        Refused, before anything is allocated, when they would take more than
        :data:`~skdeepfake.utils._bounds.MAX_WAVEFORM_BYTES`; iterate the
        blocks instead.
        """
        if self.n_out * 4 > MAX_WAVEFORM_BYTES:
            raise AudioLoadError(
                f"{self.path}: at {self.sr} Hz it would take {self.n_out * 4 / 2**30:.1f} GiB in memory, "
                f"more than the {MAX_WAVEFORM_BYTES / 2**30:.0f} GiB a recording may; lower max_duration "
                "(--max-duration) or score it in windows."
            )
        if self.n_read <= self._block_frames():
            # A file that fits one block (most clips): that block is the result,
            # without the buffer a longer file is gathered in.
            blocks = list(self)
            return np.ascontiguousarray(blocks[0] if len(blocks) == 1 else np.concatenate(blocks))
        y = np.empty(self.n_out, dtype=np.float32)
        filled = 0
        for block in self:
            y[filled : filled + len(block)] = block
            filled += len(block)
        return y[:filled]

    def __iter__(self):
        if self._file is None:
            raise ValueError(f"{self.path}: AudioBlocks can be iterated once.")
        try:
            with self._errors():
                yield from self._blocks()
        finally:
            self.close()

    def _block_frames(self):
        return max(4096, _BLOCK_BYTES // (4 * self._file.channels))

    def _blocks(self):
        f, path = self._file, self.path
        block = self._block_frames()
        resampler = None
        if self.sr != self.orig_sr:
            resampler = soxr.ResampleStream(self.orig_sr, self.sr, 1, dtype="float32", quality="HQ")
        n_samples, left = 0, self.n_read
        while left > 0:
            data = _read_float32(f, self.subtype, min(block, left))
            if len(data) == 0:
                break  # the file ended before its header said
            left -= len(data)
            mono = data.mean(axis=1, dtype=np.float32) if data.shape[1] > 1 else data[:, 0]
            if self.subtype not in _INTEGER_PCM:
                _check_values(path, mono)
            if resampler is not None:
                mono = resampler.resample_chunk(mono, last=left <= 0)
            n_samples += len(mono)
            yield mono
        if resampler is not None and left > 0:  # ended early: flush what the filter holds
            tail = resampler.resample_chunk(np.zeros(0, np.float32), last=True)
            n_samples += len(tail)
            yield tail
        # libsndfile quietly shortens a WAV/AIFF whose data chunk runs past the
        # end of the file; its log records the size the header declared.
        cut = _TRUNCATED.search(f.extra_info)
        if cut and int(cut["declared"]) not in (0, 0xFFFFFFFF) and int(cut["declared"]) > int(cut["actual"]):
            raise AudioLoadError(
                f"{path}: is truncated: its header declares {cut['declared']} bytes of "
                f"audio but only {cut['actual']} are in the file."
            )
        if n_samples == 0:
            raise AudioLoadError(f"{path}: holds no audio samples (empty file).")

    @contextmanager
    def _errors(self):
        """libsndfile's and the system's failures as AudioLoadErrors naming the file."""
        path = self.path
        try:
            yield
        except AudioLoadError:
            raise
        except PermissionError:
            raise AudioLoadError(f"{path}: cannot be read (permission denied).") from None
        except (sf.LibsndfileError, RuntimeError, TypeError, OSError) as err:
            # Diagnosed after a failure, not checked before every open: under parallel
            # decoding each system call per file hands the GIL over (measured: 5-8%).
            if not os.access(path, os.R_OK):
                raise AudioLoadError(f"{path}: cannot be read (permission denied).") from None
            reason = getattr(err, "error_string", None) or str(err)
            raise AudioLoadError(
                f"{path}: cannot be decoded as audio: the format is not recognised or the data "
                f"is damaged (libsndfile: {reason.strip()})"
            ) from err


def _check_values(path, y):
    if not np.isfinite(y).all():
        raise AudioLoadError(f"{path}: contains NaN or infinite samples.")
    peak = float(np.max(np.abs(y))) if len(y) else 0.0
    if peak > MAX_SAMPLE_MAGNITUDE:
        raise AudioLoadError(
            f"{path}: holds samples up to {peak:.3g}, beyond +-{MAX_SAMPLE_MAGNITUDE:g} "
            "(float audio is in [-1, 1]); refused as damaged or not audio."
        )


def _check_header(path, f, orig_sr, max_duration):
    low, high = SAMPLE_RATE_RANGE
    if not low <= orig_sr <= high:
        raise AudioLoadError(
            f"{path}: declares a sample rate of {orig_sr} Hz, outside the accepted {low}-{high} Hz."
        )
    if max_duration is not None and f.frames > max_duration * orig_sr:
        raise AudioLoadError(
            f"{path}: holds {f.frames / orig_sr:.0f} s of audio, more than "
            f"max_duration={max_duration:g} s; raise the limit to read it whole."
        )


def _read_float32(f, subtype, n_frames):
    """Read up to ``n_frames`` of an open SoundFile as float32 frames x channels.

    16-bit PCM (FoR's format) is read as int16 and scaled here: libsndfile's
    own int-to-float loop is the slowest step of reading such a file, and
    scaling by 2**-15 is exact, so the values are the same as
    ``f.read(dtype="float32")``. Both read with ``buffer_read_into``, which
    hands the buffer to libsndfile without ``read``'s checks of the array
    (its shape, dtype name and ``__array_interface__``, about 4 us of Python
    per call here): Python holds the GIL, and files decoded in parallel
    threads wait on each other's (``benchmarks/bench_versus_base.py``).
    """
    if subtype == "PCM_16":
        raw = np.empty((n_frames, f.channels), dtype=np.int16)
        n = f.buffer_read_into(raw, "int16")
        return np.multiply(raw[:n], np.float32(2.0**-15), dtype=np.float32)
    out = np.empty((n_frames, f.channels), dtype=np.float32)
    n = f.buffer_read_into(out, "float32")
    return out if n == n_frames else out[:n].copy()  # a short read keeps no unused buffer
