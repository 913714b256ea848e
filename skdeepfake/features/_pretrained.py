"""A pretrained self-supervised speech encoder as a featurizer (optional extra)."""

from numbers import Integral

import numpy as np
from sklearn.utils._param_validation import Interval, StrOptions

from ..utils._bounds import SAMPLE_RATE
from ..utils._state import ExportedState
from ._base import FrameFeaturizer

__all__ = ["SpeechEncoder"]

_INSTALL = 'pip install "skdeepfake[pretrained]"'


def _import_transformers():
    try:
        import torch
        import transformers
    except ImportError as err:
        raise ImportError(
            f"SpeechEncoder needs PyTorch and Hugging Face transformers: {_INSTALL} ({err})."
        ) from None
    return torch, transformers


class SpeechEncoder(ExportedState, FrameFeaturizer):
    r"""Hidden states of a pretrained speech encoder: wav2vec 2.0, XLS-R, WavLM, HuBERT.

    Self-supervised encoders trained on thousands of hours of speech are the
    front-ends of the anti-spoofing systems that generalise best across
    corpora (Tak et al., 2022, wav2vec 2.0 XLS-R + AASIST; Wang & Yamagishi,
    2022). The encoder runs over the raw waveform (normalised to zero mean
    and unit variance per clip, as its feature extractor does) and returns
    the hidden states of ``layer``: frames :math:`h_t^{(l)} \in
    \mathbb{R}^D` at 50 per second, summarised over time for tabular models
    (``output="stats"``, every dimension's mean and standard deviation by
    default) or kept as ``(n_clips, D, n_frames)`` for frame models.
    Lower and middle layers carry more of the acoustic detail that spoofing
    leaves (Pasad et al., 2021; Wang & Yamagishi, 2022), hence ``layer``.

    The weights come from the Hugging Face hub on first use (cached by
    ``transformers``), or from a local directory; with ``config`` a randomly
    initialised encoder of that shape is built instead, for tests and
    examples (a random encoder detects nothing). Pickles and model files
    hold the encoder's name or config, not its weights: unpickling or loading
    builds it again. Needs the optional extra
    ``pip install "skdeepfake[pretrained]"`` (PyTorch and transformers);
    runs on the GPU when one is there.

    Parameters
    ----------
    model : str, default="facebook/wav2vec2-base"
        A hub model id (``"facebook/wav2vec2-xls-r-300m"``,
        ``"microsoft/wavlm-base-plus"``, ...) or a local directory saved with
        ``save_pretrained``.
    layer : int or tuple of int, default=6
        Which hidden states: 0 is the convolutional front-end's projection,
        ``i`` the output of transformer layer ``i``, negative counts from the
        last. A tuple concatenates several layers.
    sr : int, default=16000
        Sample rate of the input; the encoders are trained at 16 kHz.
    config : dict or None, default=None
        Build a randomly initialised encoder from this transformers config
        (``{"model_type": "wav2vec2", "hidden_size": 32, ...}``) instead of
        loading ``model``.
    local_files_only : bool, default=False
        Never contact the hub; load ``model`` from the local cache only.
    device : str or None, default=None
        PyTorch device; ``None`` is ``"cuda"`` when available, else ``"cpu"``.
    random_state : int, default=0
        Seeds the weights of a ``config`` encoder.
    output : {"frames", "stats"}, default="stats"
        Frames ``(n_clips, D * n_layers, n_frames)`` or per-clip statistics.
    stats : tuple of str, default=("mean", "std")
        Summaries over time with ``output="stats"``.
    batch_size : int, default=8
        Clips per forward pass on a GPU. On the CPU every clip runs on its
        own, so that its features do not depend on the other clips of its
        batch (batched float32 kernels round differently).
    n_jobs : int or None, default=None
        Threads running batches; PyTorch parallelises each pass itself, so
        leave it at None.
    verbose : bool, default=False
        A progress bar over batches.

    Attributes
    ----------
    encoder_ : torch.nn.Module
        The encoder, in evaluation mode.
    n_features_in_ : int
        Samples per clip seen in ``fit`` (absent when fitted on recordings).

    Raises
    ------
    OSError
        In ``fit``, when the weights cannot be found (offline, no cache):
        the message names the model and how to fetch it.

    See Also
    --------
    LFCC : a handcrafted front-end that needs no weights.
    skdeepfake.models.AASISTClassifier : the back-end of Tak et al. (2022).

    References
    ----------
    .. [1] A. Baevski, H. Zhou, A. Mohamed and M. Auli, "wav2vec 2.0: A framework for
       self-supervised learning of speech representations," NeurIPS 33, 2020.
    .. [2] H. Tak, M. Todisco, X. Wang, J.-w. Jung, J. Yamagishi and N. Evans, "Automatic speaker
       verification spoofing and deepfake detection using wav2vec 2.0 and data augmentation,"
       Odyssey 2022.
    .. [3] X. Wang and J. Yamagishi, "Investigating self-supervised front ends for speech spoofing
       countermeasures," Odyssey 2022.
    .. [4] A. Pasad, J.-C. Chou and K. Livescu, "Layer-wise analysis of a self-supervised speech
       representation model," IEEE ASRU 2021.

    Examples
    --------
    >>> import numpy as np
    >>> from skdeepfake.features import SpeechEncoder
    >>> tiny = {"model_type": "wav2vec2", "hidden_size": 8, "num_hidden_layers": 2,
    ...         "num_attention_heads": 2, "intermediate_size": 16, "conv_dim": (8, 8),
    ...         "conv_kernel": (10, 3), "conv_stride": (5, 2), "num_conv_pos_embeddings": 8,
    ...         "num_conv_pos_embedding_groups": 2}
    >>> X = np.random.default_rng(0).normal(size=(3, 1600)).astype(np.float32)
    >>> SpeechEncoder(config=tiny, layer=1).fit_transform(X).shape  # mean and std of 8 dims
    (3, 16)
    """

    _parameter_constraints = {
        **FrameFeaturizer._parameter_constraints,
        "model": [str],
        "layer": [Integral, tuple, list],
        "sr": [SAMPLE_RATE],
        "config": [dict, None],
        "local_files_only": ["boolean"],
        "device": [str, None],
        "random_state": [Interval(Integral, 0, None, closed="left")],
        "output": [StrOptions({"frames", "stats"})],
    }

    def __init__(
        self,
        model="facebook/wav2vec2-base",
        layer=6,
        sr=16000,
        config=None,
        local_files_only=False,
        device=None,
        random_state=0,
        output="stats",
        stats=("mean", "std"),
        batch_size=8,
        n_jobs=None,
        verbose=False,
    ):
        self.model = model
        self.layer = layer
        self.sr = sr
        self.config = config
        self.local_files_only = local_files_only
        self.device = device
        self.random_state = random_state
        self.output = output
        self.stats = stats
        self.batch_size = batch_size
        self.n_jobs = n_jobs
        self.verbose = verbose

    # -- the featurizer's part ----------------------------------------------------

    def _layers(self):
        return [self.layer] if isinstance(self.layer, Integral) else list(self.layer)

    def _check_params(self):
        if not self._layers() or not all(isinstance(i, Integral) for i in self._layers()):
            raise ValueError(f"SpeechEncoder: layer={self.layer!r} must be an int or a tuple of ints.")
        if self.sr != 16000:
            raise ValueError(
                f"SpeechEncoder: sr={self.sr}; the speech encoders take 16 kHz audio. "
                "Load it with AudioLoader(sr=16000)."
            )

    def _setup(self):
        torch, transformers = _import_transformers()
        if self.config is not None:
            settings = dict(self.config)
            kind = settings.pop("model_type", None)
            if kind is None:
                raise ValueError("SpeechEncoder: config needs a 'model_type', e.g. 'wav2vec2'.")
            with torch.random.fork_rng(devices=[]):
                torch.manual_seed(self.random_state)
                encoder = transformers.AutoModel.from_config(
                    transformers.AutoConfig.for_model(kind, **settings)
                )
        else:
            encoder = _from_pretrained(transformers, self.model, self.local_files_only)
        n_layers = encoder.config.num_hidden_layers
        for i in self._layers():
            if not -(n_layers + 1) <= i <= n_layers:
                raise ValueError(
                    f"SpeechEncoder: layer {i} does not exist; {self._name()} has hidden states "
                    f"0 (front-end) to {n_layers}."
                )
        device = self.device or ("cuda" if torch.cuda.is_available() else "cpu")
        self.encoder_ = encoder.to(device).eval()
        self.n_layers_ = n_layers

    def _name(self):
        return f"the {self.config['model_type']} config" if self.config is not None else repr(self.model)

    def _length_requirements(self):
        receptive = 400  # wav2vec 2.0's convolutional front-end: 25 ms at 16 kHz
        if self.config is not None and "conv_kernel" in self.config:
            kernels, strides = self.config["conv_kernel"], self.config.get("conv_stride", [1])
            receptive, jump = 1, 1
            for k, s in zip(kernels, strides):
                receptive += (k - 1) * jump
                jump *= s
        return [(receptive, "one frame of the encoder's convolutional front-end")]

    def _frames(self, X):
        import torch

        X = (X - X.mean(axis=1, keepdims=True)) / np.sqrt(X.var(axis=1, keepdims=True) + 1e-7)
        X = torch.from_numpy(np.ascontiguousarray(X))
        device = next(self.encoder_.parameters()).device
        # On the CPU each clip runs on its own: float32 kernels chosen by the
        # batch's shape round differently (1-2 ulp), and a clip's features
        # should not depend on which clips it was batched with. It costs
        # nothing there (one long clip already fills the matrix kernels); on a
        # GPU, where batching pays, a batch runs at once.
        passes = [X] if device.type != "cpu" else [X[i : i + 1] for i in range(len(X))]
        frames = []
        with torch.inference_mode():
            for batch in passes:
                out = self.encoder_(batch.to(device), output_hidden_states=True)
                states = torch.cat([out.hidden_states[i] for i in self._layers()], dim=-1)
                frames.append(states.transpose(1, 2).float().cpu().numpy())  # (n, D * n_layers, n_frames)
        return np.concatenate(frames)

    def _row_names(self):
        dim = self.encoder_.config.hidden_size
        return [f"layer{i}_{d}" for i in self._layers() for d in range(dim)]

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.non_deterministic = self.device not in (None, "cpu")
        return tags


def _from_pretrained(transformers, name, local_files_only):
    try:
        return transformers.AutoModel.from_pretrained(name, local_files_only=local_files_only)
    except OSError as err:
        raise OSError(
            f"SpeechEncoder: cannot load the encoder {name!r}: {err}\n"
            f"Fetch it once on a machine with internet access, e.g. "
            f"`hf download {name}` (huggingface_hub's command line; it lands in the Hugging "
            f"Face cache, ~/.cache/huggingface, or HF_HOME), or save it with "
            f"`transformers.AutoModel.from_pretrained({name!r}).save_pretrained(DIR)` and "
            f"pass model=DIR."
        ) from None
