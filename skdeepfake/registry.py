"""The library's models and named front-ends, as plain data.

One row per model (:data:`MODELS`) and per named front-end
(:data:`FRONTENDS`): where its class lives and how the assembler
:func:`skdeepfake.pipelines.make_detector` combines it. Nothing is imported
to read it, so the command line lists and checks names without loading
TensorFlow; ``skdeepfake``'s lazy attributes, the model factories and the
parser all derive from it, and a test builds, fits, saves and loads every
row.

Adding a model or a front-end is one module (the class) and one row here
(see the contributor guide).
"""

from typing import NamedTuple

__all__ = ["ModelSpec", "FrontendSpec", "MODELS", "FRONTENDS", "DEFAULT_MODEL"]


def _build(spec, params):
    """An instance of the row's class: the one place a registry row becomes an object."""
    from importlib import import_module

    return getattr(import_module(spec.module), spec.cls)(**params)


class ModelSpec(NamedTuple):
    """How :func:`~skdeepfake.pipelines.make_detector` builds one model."""

    #: Defining module and class of the estimator.
    module: str
    cls: str
    #: Named front-end it gets by default (a key of :data:`FRONTENDS`), or
    #: None for a network that reads the loader's waveform itself.
    features: object
    #: What it takes: ``"stats"`` (a row per clip), ``"frames"`` or ``"waveform"``.
    takes: str
    #: Its default ``whole_recording``: False (an excerpt), ``"windows"`` or ``"pooled"``.
    whole_recording: object = False
    #: Parameters it gets unless the caller gives others.
    defaults: dict = {}
    #: Whether it is a Keras network (``epochs``, ``learning_rate``; TensorFlow or another backend).
    keras: bool = False
    #: Whether the demo (``skdeepfake benchmark`` without ``--models``) compares it.
    demo: bool = False
    #: A StandardScaler goes before it.
    scaled: bool = False
    #: Seconds of each recording it reads by default (None: make_detector's 2 s).
    duration: object = None

    def build(self, **params):
        """The estimator, built with ``params``."""
        return _build(self, params)


class FrontendSpec(NamedTuple):
    """How :func:`~skdeepfake.pipelines.make_frontend` builds one named front-end."""

    #: Defining module and class of the featurizer (the module is where model
    #: files name the class); both None for a union of ``parts``.
    module: object
    cls: object
    #: Parameters it is built with (besides ``sr``, ``output`` and ``stats``).
    params: dict = {}
    #: For a union: the front-ends joined side by side (statistics only).
    parts: tuple = ()
    #: Whether it needs the optional extra ``skdeepfake[pretrained]`` and downloaded weights.
    pretrained: bool = False

    def build(self, **params):
        """The featurizer, built with ``params`` (a union is built by make_frontend)."""
        return _build(self, params)


_F = "skdeepfake.features._"

#: The named front-ends. The unions join LFCC and CQCC as the ASVspoof
#: baselines compute them, 32 linear sub-bands and 20 MFCCs, each summarised
#: by mean, std, 10th and 90th percentile.
FRONTENDS = {
    "lfcc+cqcc+subbands+mfcc": FrontendSpec(None, None, parts=("lfcc", "cqcc", "subbands", "mfcc")),
    "lfcc+subbands+mfcc": FrontendSpec(None, None, parts=("lfcc", "subbands", "mfcc")),
    "lfcc": FrontendSpec(f"{_F}lfcc", "LFCC"),
    # The ASVspoof baselines' LFCC (see LFCC's docstring; tested against their code).
    "lfcc-2019": FrontendSpec(f"{_F}lfcc", "LFCC", {"periodic_window": False}),
    "lfcc-2021": FrontendSpec(
        f"{_F}lfcc", "LFCC", {"n_fft": 1024, "fmax": 4000.0, "log_energy": True, "filter_grid": "band"}
    ),
    "lfcc-2021-gmm": FrontendSpec(
        f"{_F}lfcc",
        "LFCC",
        {
            "win_length": 480,
            "hop_length": 240,
            "n_fft": 1024,
            "n_filters": 70,
            "n_lfcc": 19,
            "fmax": 4000.0,
            "preemphasis": 0.0,
            "periodic_window": False,
        },
    ),
    "cqcc": FrontendSpec(f"{_F}cqcc", "CQCC"),
    # the ASVspoof 2021 CQCC-GMM baseline: B = 12, 62.5 Hz to 4 kHz, d = 16, c0-c19
    "cqcc-2021": FrontendSpec(f"{_F}cqcc", "CQCC", {"bins_per_octave": 12, "n_octaves": 6, "fmax": 4000.0}),
    "subbands": FrontendSpec(f"{_F}subbands", "LinearSubbands"),
    "mfcc": FrontendSpec(f"{_F}handcrafted", "HandcraftedFeatures", {"features": ("mfcc",)}),
    "handcrafted": FrontendSpec(f"{_F}handcrafted", "HandcraftedFeatures"),
    "mel": FrontendSpec(f"{_F}mel", "MelSpectrogram"),
    "wav2vec2": FrontendSpec(
        f"{_F}pretrained", "SpeechEncoder", {"model": "facebook/wav2vec2-base"}, pretrained=True
    ),
    "xls-r": FrontendSpec(
        f"{_F}pretrained", "SpeechEncoder", {"model": "facebook/wav2vec2-xls-r-300m"}, pretrained=True
    ),
    "wavlm": FrontendSpec(
        f"{_F}pretrained", "SpeechEncoder", {"model": "microsoft/wavlm-base-plus"}, pretrained=True
    ),
}

_M = "skdeepfake.models"

#: The models.
MODELS = {
    # The defaults of linear and xgb are what generalised best to corpora left
    # out of training (benchmarks/bench_generalisation.py, leave one corpus out
    # on dev-speech + vocoder-samples): LFCC statistics over whole recordings.
    # CQCC, sub-bands and MFCCs fit the training corpora better and the others
    # worse; the study's XGBoost on a 2-s excerpt of handcrafted features was
    # worse than chance there.
    "linear": ModelSpec(
        "sklearn.linear_model",
        "LogisticRegression",
        "lfcc",
        "stats",
        "pooled",
        {"C": 0.1, "max_iter": 1000},
        demo=True,
        scaled=True,
    ),
    "xgb": ModelSpec(f"{_M}.xgb", "XGBoostClassifier", "lfcc", "stats", "pooled", demo=True),
    "dnn": ModelSpec(f"{_M}.dnn", "DNNClassifier", "handcrafted", "stats", keras=True, demo=True),
    "cnn": ModelSpec(f"{_M}.cnn", "CustomCNNClassifier", "mel", "frames", keras=True, demo=True),
    "gmm": ModelSpec(f"{_M}.gmm", "GMMClassifier", "lfcc", "frames"),
    "lcnn": ModelSpec(f"{_M}.lcnn", "LCNNClassifier", "lfcc", "frames", keras=True),
    # Bona fide speech only (a one-class GMM of LFCC statistics): a fusion member, or a detector
    # of recordings unlike the real ones; not a default (no interval excluding zero yet).
    "oneclass": ModelSpec(f"{_M}.oneclass", "BonaFideOneClass", "lfcc", "stats", "pooled", scaled=True),
    # End-to-end on the raw waveform, with the reference implementations' input:
    # the first 64,600 samples at 16 kHz (4.0375 s), repeat-padded.
    "rawnet2": ModelSpec(f"{_M}.rawnet2", "RawNet2Classifier", None, "waveform", keras=True, duration=4.0375),
    "aasist": ModelSpec(f"{_M}.aasist", "AASISTClassifier", None, "waveform", keras=True, duration=4.0375),
}

#: The model of :func:`~skdeepfake.pipelines.make_detector` and ``skdeepfake
#: train`` when none is named: XGBoost on whole-recording LFCC statistics, the
#: configuration with the lowest leave-one-corpus-out EER in
#: ``benchmarks/bench_generalisation.py`` and the pretrained detector's.
DEFAULT_MODEL = "xgb"
