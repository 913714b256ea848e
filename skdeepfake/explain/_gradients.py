r"""Gradient maps of the Keras detectors: Grad-CAM and input x gradient.

For a network with log-odds :math:`z` (of P(fake)) and input :math:`x`:

* input x gradient (Shrikumar et al., 2016):
  :math:`R = x \odot \partial z / \partial x`, on the network's own input
  (the standardised spectrogram or cepstrogram, or the standardised
  feature row of the DNN);
* Grad-CAM (Selvaraju et al., 2017) for the convolutional networks (CNN,
  LCNN): with :math:`A^c` the channels of the last convolutional block,
  :math:`\alpha_c = \mathrm{mean}_{h,w}\, \partial z / \partial A^c` and
  :math:`R = \mathrm{ReLU}(\sum_c \alpha_c A^c)`, brought back to the input's
  size;
* HiResCAM (Draelos and Carin, 2020):
  :math:`R = \sum_c \partial z / \partial A^c \odot A^c`, element-wise.
  Grad-CAM's averaged weights are faithful only for networks that average
  the feature map before their head; the CNN and LCNN flatten it, so each
  position has its own weight and Grad-CAM can point away from what the
  network uses. HiResCAM keeps the positions and is the one to read for
  these networks; Grad-CAM is offered because the literature reports it.

Positive values favour "fake". The map's rows are the representation's
rows: mel bands (with their centre frequencies) for the CNN on log-mel,
cepstral coefficients for the LCNN on LFCC (a cepstral axis is not a
frequency axis), named features for the DNN; its columns are frames, with
their times. The gradients are computed by the Keras backend in use
(TensorFlow, JAX or PyTorch; :func:`skdeepfake.models.network_gradients`).
"""

import numpy as np
from sklearn.pipeline import Pipeline
from sklearn.utils import Bunch
from sklearn.utils._param_validation import StrOptions, validate_params

from ..features import MelSpectrogram
from ..utils._bounds import SAMPLE_RATE

__all__ = ["gradient_map"]


def _last_feature_map(network):
    """Index of the last layer with a 4-D output (the last convolutional block), or None."""
    last = None
    for i, layer in enumerate(network.layers):
        if len(layer.output.shape) == 4:
            last = i
    return last


def _rows_and_times(front, n_rows, n_frames):
    """Names of the representation's rows, their frequencies where they have one, frame times."""
    step = front[-1]
    names = None
    if hasattr(step, "_row_names"):
        names = list(step._row_names())
    frequencies = None
    if isinstance(step, MelSpectrogram):
        import librosa

        frequencies = librosa.mel_frequencies(step.n_mels + 2, fmin=step.fmin, fmax=step.fmax or step.sr / 2)[
            1:-1
        ]
    hop, sr = getattr(step, "hop_length", None), getattr(step, "sr", None)
    times = None if hop is None or sr is None else np.arange(n_frames) * hop / sr
    if names is None or len(names) != n_rows:
        names = [f"row_{i}" for i in range(n_rows)]
    return names, frequencies, times


def _upsample(cam, shape):
    """Nearest-neighbour upsampling of a (h, w) map to (rows, frames)."""
    rows = np.minimum((np.arange(shape[0]) * cam.shape[0]) // shape[0], cam.shape[0] - 1)
    cols = np.minimum((np.arange(shape[1]) * cam.shape[1]) // shape[1], cam.shape[1] - 1)
    return cam[np.ix_(rows, cols)]


@validate_params(
    {
        "estimator": [Pipeline],
        "x": ["array-like"],
        "method": [StrOptions({"input_x_gradient", "gradcam", "hirescam"})],
        "sr": [SAMPLE_RATE, None],
    },
    prefer_skip_nested_validation=True,
)
def gradient_map(estimator, x, method="input_x_gradient", sr=None):
    """What a Keras detector's output depends on, for one recording.

    Parameters
    ----------
    estimator : fitted Pipeline
        Ending in a :class:`~skdeepfake.CustomCNNClassifier`,
        :class:`~skdeepfake.models.LCNNClassifier`,
        :class:`~skdeepfake.DNNClassifier`,
        :class:`~skdeepfake.models.AASISTClassifier` or
        :class:`~skdeepfake.models.RawNet2Classifier` (e.g.
        :func:`~skdeepfake.pipelines.make_cnn_pipeline`).
    x : array-like of shape (n_samples,)
        The recording, as the pipeline takes it (a fixed-length model looks
        at its first ``duration`` seconds).
    method : {"input_x_gradient", "hirescam", "gradcam"}, default="input_x_gradient"
        HiResCAM and Grad-CAM need a convolutional network (see above for
        why HiResCAM is the faithful one of the two here).
    sr : int or None, default=None
        The recording's rate, if not the pipeline's (it is resampled).

    Returns
    -------
    Bunch
        ``relevance``: (rows, frames) for the CNN and LCNN, and for
        AASIST with HiResCAM or Grad-CAM (its last block's sinc bands x
        frames); (n_features,) for the DNN; (n_samples,) for the input x
        gradient of RawNet2 and AASIST; ``rows`` (their names), ``frequencies`` (Hz of mel
        rows, else None), ``times`` (seconds of the frames, else None),
        ``p_fake`` and ``method``.

    Examples
    --------
    >>> from skdeepfake.datasets import make_synthetic_speech
    >>> from skdeepfake.explain import gradient_map
    >>> from skdeepfake.pipelines import make_cnn_pipeline
    >>> data = make_synthetic_speech(n_samples=16, random_state=0)
    >>> cnn = make_cnn_pipeline(epochs=1, filters=(4, 4), dense_units=8, random_state=0)
    >>> cnn = cnn.fit(data.data, data.target)
    >>> result = gradient_map(cnn, data.data[0], method="gradcam")
    >>> result.relevance.shape, result.frequencies.shape
    ((128, 63), (128,))
    """
    from ..labels import spoof_column
    from ..models import KerasDetector, network_gradients
    from ..scoring import input_rate

    model = estimator[-1]
    if not isinstance(model, KerasDetector):
        raise ValueError(
            f"gradient_map explains the Keras detectors; this pipeline ends in {type(model).__name__}. "
            "explain.occlusion explains any detector."
        )
    x = np.asarray(x, dtype=np.float32)
    if sr is not None and sr != input_rate(estimator):
        import soxr

        x = soxr.resample(x, sr, input_rate(estimator), quality="HQ").astype(np.float32)
    front = estimator[:-1]
    features = np.asarray(front.transform(x[np.newaxis]))
    net_input = np.asarray(model.feature_encoder_.transform(features), dtype=np.float32)
    network = model.model_
    convolutional = method in ("gradcam", "hirescam")
    split = _last_feature_map(network) if convolutional else None
    if convolutional and split is None:
        raise ValueError(
            f"{method} needs a network with a 2-D feature map (CNN, LCNN, AASIST); "
            f"{type(model).__name__} has none. Use method='input_x_gradient'."
        )
    dx, feature, dfeature = network_gradients(network, net_input, split)
    # The network's sigmoid is P(classes_[1]); its log-odds are those of "fake" only when "fake"
    # sorts second. With labels such as "real"/"fake" ("fake" first) every gradient changes sign.
    if spoof_column(model.classes_) == 0:
        dx = -dx
        dfeature = None if dfeature is None else -dfeature
    # A network on the raw waveform (the front only loads audio) has no input plane to bring
    # a map back to: AASIST's feature map is its own bands x frames, which the model describes.
    waveform = all(hasattr(step, "n_samples_out") for _, step in front.steps)
    own_axes = getattr(model, "_feature_map_axes", None) if waveform else None
    if method == "gradcam":
        weights = dfeature[0].mean(axis=(0, 1))  # one per channel
        cam = np.maximum((feature[0] * weights).sum(axis=-1), 0.0)
        relevance = cam if own_axes is not None else _upsample(cam, net_input.shape[1:3])
    elif method == "hirescam":
        hires = (feature[0] * dfeature[0]).sum(axis=-1)
        relevance = hires if own_axes is not None else _upsample(hires, net_input.shape[1:3])
    else:
        relevance = (net_input * dx)[0]
        relevance = relevance.sum(axis=-1) if relevance.ndim == 3 else relevance
    p_fake = float(model.predict_proba(features)[0, spoof_column(model.classes_)])
    if relevance.ndim == 1 and waveform:  # RawNet2, AASIST: one value per sample
        times = np.arange(relevance.size) / input_rate(estimator)
        return Bunch(
            relevance=relevance, rows=None, frequencies=None, times=times, p_fake=p_fake, method=method
        )
    if relevance.ndim == 1:  # the DNN: one value per feature
        names = list(front.get_feature_names_out()) if hasattr(front, "get_feature_names_out") else None
        return Bunch(
            relevance=relevance, rows=names, frequencies=None, times=None, p_fake=p_fake, method=method
        )
    if own_axes is not None and convolutional:
        names, frequencies, times = own_axes(*relevance.shape, net_input.shape[1])
    else:
        names, frequencies, times = _rows_and_times(front, *relevance.shape)
    return Bunch(
        relevance=relevance, rows=names, frequencies=frequencies, times=times, p_fake=p_fake, method=method
    )
