"""The ASVspoof baselines' LFCC configurations, each against a transcription of the baseline's code.

The references are written out from the baselines (read, not copied): the
ASVspoof 2019 LFCC-GMM's ``extract_lfcc.m`` (Sahidullah), the 2021
LFCC-GMM's ``lfcc_bp.m`` and the 2021 LFCC-LCNN's ``util_frontend.LFCC``
(Wang, in asvspoof-challenge/2021). MATLAB's ``buffer(x, N, N/2,
'nodelay')`` frames from the first sample; its frame ``t`` is our centred
frame ``t + 1``.
"""

import numpy as np
import pytest
import scipy.fft
import scipy.signal

from skdeepfake.pipelines import make_frontend

SR = 16000
EPS32 = np.finfo(np.float32).eps


def _trimf(f, a, b, c):
    y = np.zeros_like(f)
    rising, falling = (a < f) & (f < b), (b < f) & (f < c)
    y[rising] = (f[rising] - a) / (b - a)
    y[falling] = (c - f[falling]) / (c - b)
    y[f == b] = 1.0
    return y


def _matlab_frames(y, n, hop):
    count = int(np.ceil((len(y) - n) / hop)) + 1
    y = np.pad(y, (0, max(0, (count - 1) * hop + n - len(y))))
    return np.stack([y[k * hop : k * hop + n] for k in range(count)])


def _regression_delta(c):  # HTK's with one frame each side, edges repeated (MATLAB Deltas(x, 1))
    padded = np.pad(c, ((0, 0), (1, 1)), mode="edge")
    return (padded[:, 2:] - padded[:, :-2]) / 2


def matlab_lfcc(x, win, hop, n_fft, n_filters, n_coef, fmax, pre):
    """extract_lfcc.m (2019) and lfcc_bp.m (2021): no padding, symmetric Hamming, trimf on the bins."""
    y = scipy.signal.lfilter([1, -pre], [1], x) if pre else x
    frames = _matlab_frames(y, win, hop) * np.hamming(win)
    power = np.abs(np.fft.fft(frames, n_fft, axis=1)[:, : n_fft // 2 + 1]) ** 2
    f = (SR / 2) * np.linspace(0, 1, n_fft // 2 + 1)
    keep = slice(np.argmin(np.abs(f - 0)), np.argmin(np.abs(f - fmax)) + 1)
    f, power = f[keep], power[:, keep]
    edges = np.linspace(0, fmax, n_filters + 2)
    bank = np.stack([_trimf(f, *edges[i : i + 3]) for i in range(n_filters)], axis=1)
    c = scipy.fft.dct(np.log10(power @ bank + EPS32), type=2, norm="ortho", axis=1)[:, :n_coef].T
    d = _regression_delta(c)
    return np.vstack([c, d, _regression_delta(d)])


def nii_lfcc(x):
    """util_frontend.LFCC(320, 160, 1024, 16000, 20, with_energy=True, max_freq=0.5): the LFCC-LCNN's."""
    import librosa

    y = np.concatenate([x[:1], x[1:] - 0.97 * x[:-1]])
    spec = librosa.stft(y, n_fft=1024, hop_length=160, win_length=320, window="hamming", pad_mode="constant")
    power = (np.abs(spec) ** 2).T[:, : int(0.5 * 513)]  # its band: the first 256 bins
    f = (SR / 2) * np.linspace(0, 0.5, power.shape[1])  # ...placed on this grid
    edges = np.linspace(f.min(), f.max(), 22)
    bank = np.stack([_trimf(f, *edges[i : i + 3]) for i in range(20)], axis=1)
    c = scipy.fft.dct(np.log10(power @ bank + EPS32), type=2, norm="ortho", axis=1).T
    c[0] = np.log10((power / 1024).sum(axis=1) + EPS32)
    padded = lambda v: np.pad(v, ((0, 0), (1, 1)), mode="edge")  # noqa: E731
    d = padded(c)[:, 2:] - padded(c)[:, :-2]  # its delta: the central difference
    return np.vstack([c, d, padded(d)[:, 2:] - padded(d)[:, :-2]])


@pytest.fixture(scope="module")
def clips(speech):
    rng = np.random.default_rng(0)  # speech plus a little noise: no digital silence
    return [np.asarray(c, np.float64) + 1e-4 * rng.normal(size=len(c)) for c in speech.data[:3]]


@pytest.mark.parametrize(
    "name, reference",
    [
        ("lfcc-2019", dict(win=320, hop=160, n_fft=512, n_filters=20, n_coef=20, fmax=8000, pre=0.97)),
        ("lfcc-2021-gmm", dict(win=480, hop=240, n_fft=1024, n_filters=70, n_coef=19, fmax=4000, pre=0.0)),
    ],
)
def test_the_matlab_baselines_lfcc(name, reference, clips):
    lfcc = make_frontend(name, output="frames")
    for x in clips:
        ref = matlab_lfcc(x, **reference)
        ours = lfcc.fit_transform(x[np.newaxis].astype(np.float32))[0][:, 1 : 1 + ref.shape[1]]
        n = reference["n_coef"]
        np.testing.assert_allclose(ours[:n], ref[:n], atol=2e-4 * np.abs(ref[:n]).max())
        # the deltas away from the edges, where MATLAB repeats its first frame and we have one more
        np.testing.assert_allclose(ours[n:, 2:-2], ref[n:, 2:-2], atol=2e-4 * np.abs(ref[n:]).max())


def test_the_lcnn_baselines_lfcc(clips):
    lfcc = make_frontend("lfcc-2021", output="frames")
    for x in clips:
        ref = nii_lfcc(x)
        ours = lfcc.fit_transform(x[np.newaxis].astype(np.float32))[0]
        assert ours.shape == ref.shape == (60, 201)
        ours[20:40] *= 2  # the regression slope is half its central difference
        ours[40:] *= 4  # and the delta-delta a quarter of its
        np.testing.assert_allclose(ours, ref, atol=2e-4 * np.abs(ref).max())
