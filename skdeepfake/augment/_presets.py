"""Named augmentation chains, for the command line and quick starts."""

from sklearn.utils._param_validation import validate_params

__all__ = ["make_augmentation", "AUGMENTATION_NAMES"]

#: Names :func:`make_augmentation` understands; ``ir`` and ``background``
#: take a folder of the user's audio (``ir=DIR``).
AUGMENTATION_NAMES = (
    "noise",
    "gain",
    "shift",
    "filter",
    "rawboost",
    "codec",
    "telephone",
    "ir",
    "background",
)


def _one(name, folder):
    import audiomentations as am

    from ._codecs import CodecRoundTrip, codec_formats
    from ._rawboost import RawBoost

    if name in ("ir", "background") and not folder:
        raise ValueError(f"augmentation {name!r} needs a folder of audio files: {name}=DIR.")
    if name not in ("ir", "background") and folder:
        raise ValueError(f"augmentation {name!r} takes no folder (got {name}={folder}).")
    if name == "noise":
        return am.AddGaussianSNR(min_snr_db=10.0, max_snr_db=40.0, p=0.5)
    if name == "gain":
        return am.Gain(min_gain_db=-6.0, max_gain_db=6.0, p=0.5)
    if name == "shift":
        return am.Shift(min_shift=-0.5, max_shift=0.5, p=0.5)
    if name == "filter":
        return am.OneOf(
            [
                am.LowPassFilter(min_cutoff_freq=3000.0),
                am.HighPassFilter(max_cutoff_freq=300.0),
                am.BandPassFilter(),
            ],
            p=0.5,
        )
    if name == "rawboost":
        return RawBoost(p=0.5)
    if name == "codec":
        return CodecRoundTrip(codec=codec_formats(), p=0.5)
    if name == "telephone":  # a channel, not a random perturbation: always applied, fixed
        return am.Compose(
            [
                am.LowPassFilter(
                    min_cutoff_freq=3400.0,
                    max_cutoff_freq=3400.0,
                    min_rolloff=24,
                    max_rolloff=24,
                    zero_phase=True,
                    p=1.0,
                ),
                CodecRoundTrip(codec=codec_formats()[0], bitrate_kbps=16.0, p=1.0),
            ]
        )
    if name == "ir":
        return am.ApplyImpulseResponse(ir_path=folder, p=0.5)
    return am.AddBackgroundNoise(sounds_path=folder, p=0.5)


@validate_params({"spec": [str, list, tuple]}, prefer_skip_nested_validation=True)
def make_augmentation(spec):
    """An audiomentations ``Compose`` from names such as ``"rawboost,codec,noise"``.

    Each name adds one transform, applied with probability 0.5 (but
    ``telephone``, which simulates a channel):

    ``noise``
        ``AddGaussianSNR`` at 10-40 dB.
    ``gain``
        ``Gain`` of -6 to +6 dB.
    ``shift``
        ``Shift`` by up to half the clip, circularly.
    ``filter``
        One of a low-pass (from 3 kHz), high-pass (up to 300 Hz) or
        band-pass filter.
    ``rawboost``
        :class:`RawBoost` with the paper's defaults (LnL + ISD).
    ``codec``
        :class:`CodecRoundTrip` through any codec this libsndfile encodes,
        at 16-64 kbps.
    ``telephone``
        A narrowband channel, always applied: low-pass at 3.4 kHz
        (zero-phase, 24 dB/octave) and a 16 kbps codec round trip (the
        first of :func:`codec_formats`).
    ``ir=DIR``
        ``ApplyImpulseResponse`` with the impulse responses in ``DIR``.
    ``background=DIR``
        ``AddBackgroundNoise`` from the recordings in ``DIR``, at 3-30 dB.

    Parameters
    ----------
    spec : str or list of str
        Comma-separated names, or a list of them, in the order applied.

    Returns
    -------
    audiomentations.Compose

    Raises
    ------
    ValueError
        For an unknown name, a missing folder, or an empty spec.

    Examples
    --------
    >>> from skdeepfake.augment import make_augmentation
    >>> [type(t).__name__ for t in make_augmentation("noise,rawboost").transforms]
    ['AddGaussianSNR', 'RawBoost']
    """
    import audiomentations as am

    parts = spec.split(",") if isinstance(spec, str) else list(spec)
    transforms = []
    for part in (p.strip() for p in parts):
        if not part:
            continue
        name, _, folder = part.partition("=")
        if name not in AUGMENTATION_NAMES:
            raise ValueError(f"unknown augmentation {name!r}; choose from {', '.join(AUGMENTATION_NAMES)}.")
        transforms.append(_one(name, folder))
    if not transforms:
        raise ValueError(f"no augmentation named in {spec!r}.")
    return am.Compose(transforms)
