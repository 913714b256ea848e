"""The bounds of every size-like parameter, decided once.

A parameter that sets how much is allocated (a sample rate, a frame, a
filterbank, a duration) is bounded here, and every estimator's
``_parameter_constraints`` and every public function's ``validate_params``
use these constraints. Because :func:`skdeepfake.persistence.load_model`
validates each loaded estimator against its own constraints, the same
bounds hold for a model file's parameters as for a constructor's: a file
cannot ask for a 10**9 Hz loader or a 2**40-point FFT.

The limits are generous for speech (the widest accepted rate is 384 kHz; an
FFT of 2**16 points is 4 s at 16 kHz) and small enough that what they
allocate fits a laptop.
"""

from numbers import Integral, Real

from sklearn.utils._param_validation import Interval

__all__ = [
    "SAMPLE_RATE_RANGE",
    "MAX_SECONDS",
    "MAX_FRAME",
    "MAX_BANDS",
    "SAMPLE_RATE",
    "FRAME",
    "FFT_SIZE",
    "BANDS",
    "SECONDS",
    "MAX_WAVEFORM_BYTES",
]

#: Sample rates (Hz) accepted anywhere: telephone-band 1 kHz to 384 kHz.
SAMPLE_RATE_RANGE = (1000, 384000)
#: Longest duration any parameter may name, in seconds (24 hours).
MAX_SECONDS = 86400.0
#: Longest frame, FFT or hop, in samples.
MAX_FRAME = 2**16
#: Most filters, bands or coefficients of a front-end.
MAX_BANDS = 1024
#: Largest waveform held in memory at once, in bytes (1 GiB of float32:
#: 4.6 hours at 16 kHz). Longer recordings are streamed block by block.
MAX_WAVEFORM_BYTES = 2**30

#: A sample rate in Hz.
SAMPLE_RATE = Interval(Integral, *SAMPLE_RATE_RANGE, closed="both")
#: A frame length or hop, in samples.
FRAME = Interval(Integral, 1, MAX_FRAME, closed="both")
#: An FFT size, in samples.
FFT_SIZE = Interval(Integral, 2, MAX_FRAME, closed="both")
#: A number of filters, bands or coefficients.
BANDS = Interval(Integral, 1, MAX_BANDS, closed="both")
#: A positive, finite duration in seconds.
SECONDS = Interval(Real, 0, MAX_SECONDS, closed="right")
