"""A NumPy transcription of the CQCC reference computation, for the tests.

The ASVspoof 2019/2021 CQCC baselines compute CQCC with ``cqcc.m`` (Todisco
et al., 2017) over the CQT toolbox of Schörkhuber, Klapuri, Holighaus and
Dörfler (2014; ``cqt.m``, ``nsgcqwin.m``, ``nsgtf_real.m``, as distributed in
asvspoof-challenge/2021, ``LA/Baseline-CQCC-GMM/matlab/CQCC``). The toolbox is
a non-stationary Gabor transform: each bin is a Hann window *in the
frequency domain*, of full width ``Q f_k + gamma`` Hz, applied to the FFT of
the whole signal and brought back to time by an inverse FFT whose length,
with ``rasterize="full"``, is the widest window's (so every bin has the same
number of frames, ``M``, frame ``j`` at sample ``j * Ls / M``).

Only the magnitudes are transcribed: the toolbox's phase alignment
(``phasemode="global"``) is a modulation that does not change them.
Written from the MATLAB source, step by step, in plain loops; not fast.
"""

import numpy as np
import scipy.fft
import scipy.interpolate


def _hann(n):
    """winfuns('hann', n): sampled from x = 0 on, the negative half at the end."""
    if n % 2 == 0:
        x = np.r_[np.arange(0, n // 2) / n, np.arange(-n // 2, 0) / n]
    else:
        x = np.r_[np.arange(0, (n + 1) // 2) / n, np.arange(-(n - 1) // 2, 0) / n]
    return 0.5 + 0.5 * np.cos(2 * np.pi * x)


def toolbox_cqt_magnitude(x, B, fs, fmin, fmax, gamma):
    """|cqt(x, B, fs, fmin, fmax, 'rasterize', 'full', 'gamma', gamma).c|, and the bins' frequencies."""
    x = np.asarray(x, dtype=np.float64)
    Ls = len(x)
    nf = fs / 2
    fmax = min(fmax, nf)
    fftres = fs / Ls
    b = int(np.floor(B * np.log2(fmax / fmin)))
    fbas = fmin * 2.0 ** (np.arange(b + 1) / B)
    Q = 2 ** (1 / B) - 2 ** (-1 / B)
    cqtbw = Q * fbas + gamma
    above = np.flatnonzero(fbas + cqtbw / 2 > nf)
    if len(above):
        fbas, cqtbw = fbas[: above[0]], cqtbw[: above[0]]
    below = np.flatnonzero(fbas - cqtbw / 2 < 0)
    if len(below):
        fbas, cqtbw = fbas[below[-1] + 1 :], cqtbw[below[-1] + 1 :]
    bw = np.maximum(np.round(cqtbw / fftres).astype(int), 4)  # 'fractional' 0, min_win 4
    posit = np.floor(fbas / fftres).astype(int)
    M = bw.max()  # 'full' rasterisation: every bin gets the widest bin's length
    norm = 2 * M / Ls  # normalize 'sine'
    X = np.fft.fft(x)
    out = np.empty((len(fbas), M))
    for k in range(len(fbas)):
        n = bw[k]
        g = _hann(n) * norm
        natural = np.r_[g[int(np.ceil(n / 2)) :], g[: int(np.ceil(n / 2))]]  # g(idx)
        offsets = np.arange(-(n // 2), int(np.ceil(n / 2)))
        segment = X[(posit[k] + offsets) % Ls] * natural
        temp = np.zeros(M, dtype=complex)
        temp[M - n // 2 :] = segment[: n // 2]
        temp[: int(np.ceil(n / 2))] = segment[n // 2 :]
        out[k] = np.abs(np.fft.ifft(temp))
    return out, fbas


def matlab_deltas(c, hlen=3):
    """cqcc.m's Deltas: regression over +-hlen frames, the edge frames repeated."""
    padded = np.concatenate([np.repeat(c[:, :1], hlen, 1), c, np.repeat(c[:, -1:], hlen, 1)], axis=1)
    n = c.shape[1]
    d = sum(
        j * (padded[:, hlen + j : hlen + j + n] - padded[:, hlen - j : hlen - j + n])
        for j in range(1, hlen + 1)
    )
    return d / (2 * sum(j * j for j in range(1, hlen + 1)))


def toolbox_cqcc(x, fs, B=96, fmax=None, fmin=None, d=16, cf=19):
    """cqcc.m with 'ZsdD' (c0 to c_cf, deltas, delta-deltas): (features, frame times in s)."""
    fmax = fs / 2 if fmax is None else fmax
    if fmin is None:
        fmin = fmax / 2 ** np.ceil(np.log2(fmax / 20))
    gamma = 228.7 * (2 ** (1 / B) - 2 ** (-1 / B))
    mag, _ = toolbox_cqt_magnitude(x, B, fs, fmin, fmax, gamma)
    freqs = fmin * 2.0 ** (np.arange(mag.shape[0]) / B)  # cqcc.m's FreqVec
    log_power = np.log(mag**2 + np.finfo(float).eps)
    # resample(..., FreqVec, 1 / (fmin (2^(kl/B) - 1)), 1, 1, 'spline'), kl = B log2(1 + 1/d):
    # a spline onto a uniform grid of step fmin / d from the first bin
    step = fmin * (2 ** (np.log2(1 + 1 / d)) - 1)
    grid = freqs[0] + step * np.arange(int(np.floor((freqs[-1] - freqs[0]) / step + 1e-9)) + 1)
    uniform = scipy.interpolate.CubicSpline(freqs, log_power, axis=0)(grid)
    ceps = scipy.fft.dct(uniform, type=2, norm="ortho", axis=0)[: cf + 1]
    d1 = matlab_deltas(ceps)
    times = np.arange(mag.shape[1]) * len(x) / mag.shape[1] / fs
    return np.vstack([ceps, d1, matlab_deltas(d1)]), times
