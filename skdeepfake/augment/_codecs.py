"""Lossy codec round trips through libsndfile, in memory.

Hand-written because audiomentations' ``Mp3Compression`` needs an encoder
package beside it and has no Opus or Vorbis, while the libsndfile that
soundfile ships encodes all three; the ASVspoof 2021 LA and DF conditions
are such codecs.
"""

import io

import numpy as np
import soundfile as sf
from audiomentations.core.transforms_interface import BaseWaveformTransform

__all__ = ["CodecRoundTrip", "codec_formats"]

_CODECS = {"mp3": ("MP3", "MPEG_LAYER_III"), "opus": ("OGG", "OPUS"), "vorbis": ("OGG", "VORBIS")}
_OPUS_RATES = (8000, 12000, 16000, 24000, 48000)


def codec_formats():
    """Codecs this libsndfile can encode: a subset of ``("mp3", "opus", "vorbis")``.

    Returns
    -------
    tuple of str

    Examples
    --------
    >>> from skdeepfake.augment import codec_formats
    >>> set(codec_formats()) <= {"mp3", "opus", "vorbis"}
    True
    """
    return tuple(
        name
        for name, (container, subtype) in _CODECS.items()
        if container in sf.available_formats() and subtype in sf.available_subtypes(container)
    )


def _mp3_level(kbps, sr):
    """libsndfile's constant-bitrate MP3 mapping, inverted.

    libsndfile sets ``bitrate = top - level * (top - bottom)`` kbps with
    [32, 320] for MPEG-1 (>= 32 kHz), [8, 160] for MPEG-2 (>= 16 kHz) and
    [8, 64] for MPEG-2.5; LAME then takes the nearest standard bitrate.
    """
    bottom, top = (32, 320) if sr >= 32000 else (8, 160) if sr >= 16000 else (8, 64)
    return float(np.clip((top - kbps) / (top - bottom), 0.0, 0.99))


def _opus_level(kbps):
    """libsndfile's Opus mapping, inverted: ``bitrate = (1 - level) * 250 + 6`` kbps."""
    return float(np.clip((256.0 - kbps) / 250.0, 0.0, 1.0))


class CodecRoundTrip(BaseWaveformTransform):
    """Encode with a lossy codec and decode again, keeping the length.

    The codec and its bitrate are drawn per call: ``codec`` is one name or
    a sequence to choose from uniformly; MP3 is encoded at a constant
    bitrate and Opus at a target bitrate, both drawn uniformly from
    ``bitrate_kbps``; Vorbis is variable-bitrate, so libvorbis' quality is
    drawn from ``vorbis_quality`` instead (0 is best). Opus runs at 8, 12,
    16, 24 or 48 kHz: other rates are resampled (soxr) to the next rate up
    and back. The decoded signal is aligned with the input (an MP3
    encoder's delay removed) and trimmed or zero-padded to its length.

    An :mod:`audiomentations` transform (probability ``p``, composes with
    ``Compose``), drawing from NumPy's global generator.

    Parameters
    ----------
    codec : {"mp3", "opus", "vorbis"} or sequence of them, default="mp3"
        The codec, or codecs to choose from.
    bitrate_kbps : float or (float, float), default=(16, 64)
        Bitrate (or range) for MP3 and Opus.
    vorbis_quality : float or (float, float), default=(0.2, 0.8)
        libsndfile compression level for Vorbis in [0, 1] (1 smallest).
    p : float, default=0.5
        Probability of applying the transform.

    Raises
    ------
    ValueError
        At construction, if this libsndfile cannot encode a requested codec
        (see :func:`codec_formats`).

    Examples
    --------
    >>> import numpy as np
    >>> from skdeepfake.augment import CodecRoundTrip, codec_formats
    >>> y = (0.3 * np.sin(np.linspace(0, 3000, 16000))).astype(np.float32)
    >>> codec = "opus" if "opus" in codec_formats() else codec_formats()[0]
    >>> out = CodecRoundTrip(codec, bitrate_kbps=24, p=1.0)(y, 16000)
    >>> out.shape, out.dtype
    ((16000,), dtype('float32'))
    """

    supports_multichannel = False

    def __init__(self, codec="mp3", bitrate_kbps=(16.0, 64.0), vorbis_quality=(0.2, 0.8), p=0.5):
        super().__init__(p)
        codecs = [codec] if isinstance(codec, str) else list(codec)
        unknown = [c for c in codecs if c not in _CODECS]
        if unknown or not codecs:
            raise ValueError(f"CodecRoundTrip(codec={codec!r}): choose from {', '.join(_CODECS)}.")
        missing = [c for c in codecs if c not in codec_formats()]
        if missing:
            raise ValueError(
                f"CodecRoundTrip: this libsndfile ({sf.__libsndfile_version__}) cannot encode "
                f"{', '.join(missing)}; it encodes {', '.join(codec_formats()) or 'none of them'}."
            )
        self.codec = codec
        self.bitrate_kbps = bitrate_kbps
        self.vorbis_quality = vorbis_quality

    def randomize_parameters(self, samples, sample_rate):
        super().randomize_parameters(samples, sample_rate)
        if self.parameters["should_apply"]:
            codecs = [self.codec] if isinstance(self.codec, str) else list(self.codec)
            self.parameters["codec"] = codecs[np.random.randint(len(codecs))]
            self.parameters["bitrate_kbps"] = _draw(self.bitrate_kbps)
            self.parameters["vorbis_quality"] = _draw(self.vorbis_quality)

    def apply(self, samples, sample_rate):
        import soxr

        codec = self.parameters["codec"]
        x = np.clip(np.asarray(samples, dtype=np.float32), -1.0, 1.0)
        rate = sample_rate
        if codec == "opus" and rate not in _OPUS_RATES:
            rate = next((r for r in _OPUS_RATES if r >= rate), 48000)
            x = soxr.resample(x, sample_rate, rate)
        decoded = _round_trip(x, rate, codec, self.parameters)
        if rate != sample_rate:
            decoded = soxr.resample(decoded, rate, sample_rate)
        return _align(decoded, x if rate == sample_rate else samples).astype(np.float32)


def _align(decoded, original):
    """The decoded signal at the original's position and length.

    LAME's encoder delay (about a thousand samples) is not always removed on
    decoding; the lag is found by cross-correlation (FFT), so that the copy
    lines up with the recording it was made from.
    """
    import scipy.signal

    n = len(original)
    extra = len(decoded) - n
    if extra > 0:
        corr = scipy.signal.correlate(decoded, original, mode="valid", method="fft")
        lag = int(np.argmax(corr))
        return decoded[lag : lag + n]
    return np.pad(decoded, (0, -extra))


def _draw(value):
    if isinstance(value, (tuple, list)):
        return float(np.random.uniform(*value))
    return float(value)


def _round_trip(x, sr, codec, parameters):
    container, subtype = _CODECS[codec]
    if codec == "mp3":
        options = {
            "compression_level": _mp3_level(parameters["bitrate_kbps"], sr),
            "bitrate_mode": "CONSTANT",
        }
    elif codec == "opus":
        options = {"compression_level": _opus_level(parameters["bitrate_kbps"])}
    else:
        options = {"compression_level": float(np.clip(parameters["vorbis_quality"], 0.0, 1.0))}
    buffer = io.BytesIO()
    with sf.SoundFile(
        buffer, "w", samplerate=sr, channels=1, format=container, subtype=subtype, **options
    ) as f:
        f.write(x)
    buffer.seek(0)
    decoded, _ = sf.read(buffer, dtype="float32")
    return decoded
