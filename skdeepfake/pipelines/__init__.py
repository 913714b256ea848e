"""Ready-made audio-to-prediction pipelines: one assembler, one factory per model.

Every pipeline has the steps ``loader`` (:class:`~skdeepfake.AudioLoader`),
``features`` (the front-end), ``scaler`` (the linear detector only) and
``model``, so parameters are addressed the same way in each, e.g.
``GridSearchCV(make_linear_pipeline(), {"model__C": [0.01, 0.1, 1]})``.
With ``whole_recording=True`` a :class:`~skdeepfake.windows.WindowedClassifier`
does the loader's work and the others are ``estimator__features``... Each
pipeline accepts file paths or waveforms, and takes ``memory=`` so that a
grid search over model settings featurises the audio once.

:func:`make_detector` is the assembler; ``make_<model>_pipeline(**params)``
is ``make_detector("<model>", **params)``. :data:`MODELS` and
:data:`FRONTENDS` list what can be combined: any front-end with any model,
as frames for the frame-level models (CNN, LCNN, GMM) and as statistics for
the tabular ones (DNN, XGBoost, linear). The end-to-end networks (RawNet2,
AASIST) read the loader's waveform and have no ``features`` step.
"""

from numbers import Integral

from sklearn.utils._param_validation import (
    HasMethods,
    Interval,
    InvalidParameterError,
    StrOptions,
    validate_params,
)
from sklearn.utils.validation import has_fit_parameter

from ..features import frontend_grid, make_frontend
from ..io import AudioLoader
from ..registry import DEFAULT_MODEL, FRONTENDS, MODELS
from ..utils._bounds import SAMPLE_RATE, SECONDS
from ._parts import DetectorParts, check_rate, detector_parts, is_sampler, pipeline_of

# One factory per registry row (module __getattr__ below makes those not written out here).
__all__ = [
    "make_detector",
    *(f"make_{name}_pipeline" for name in MODELS),
    "make_frontend",
    "frontend_grid",
    "MODELS",
    "FRONTENDS",
    "detector_parts",
    "DetectorParts",
    "is_sampler",
    "pipeline_of",
]


_WHOLE = {False: "excerpt", True: "windows", "windows": "windows", "pooled": "pooled"}


@validate_params(
    {
        "model": [str],  # checked against MODELS when called, so that rows added later count
        "whole_recording": ["boolean", StrOptions({"windows", "pooled"}), None],
        "sr": [SAMPLE_RATE],
        "duration": [SECONDS, None],
        "hop": [SECONDS, None],
        "augment": [HasMethods(["fit_resample"]), callable, None],
        "n_jobs": [Integral, None],
        "random_state": [Interval(Integral, 0, None, closed="left"), None],
        "abstain": ["boolean"],
    },
    prefer_skip_nested_validation=True,
)
def make_detector(
    model=DEFAULT_MODEL,
    *,
    features=None,
    stats=None,
    sr=16000,
    duration=None,
    crop="start",
    pad_mode="repeat",
    whole_recording=None,
    hop=None,
    augment=None,
    memory=None,
    n_jobs=None,
    random_state=None,
    abstain=False,
    **model_params,
):
    """Assemble loader -> front-end -> model for one of :data:`MODELS`.

    Parameters
    ----------
    model : str, default="xgb"
        ``"xgb"`` (gradient-boosted trees; the default,
        :data:`~skdeepfake.registry.DEFAULT_MODEL`), ``"linear"``
        (standardised features, L2-regularised logistic regression),
        ``"dnn"``, ``"cnn"``, ``"gmm"`` or ``"lcnn"``.
    features : str, tuple of str, transformer or None, default=None
        The front-end (see :func:`make_frontend`); ``None`` is the model's
        default: ``"lfcc"`` (linear, XGBoost, GMM, LCNN), ``"handcrafted"``
        (DNN), ``"mel"`` (CNN), none for the networks that read the
        waveform (RawNet2, AASIST).
    stats : tuple of str or None, default=None
        Summaries over time for tabular models; ``None`` keeps the
        front-end's default.
    sr, duration, crop, pad_mode : see :class:`~skdeepfake.AudioLoader`
        How clips are loaded and brought to one length. ``duration=None`` is
        the model's: 4.0375 s (64,600 samples at 16 kHz, the reference
        implementations') for RawNet2 and AASIST, 2 s for the others.
    whole_recording : {False, True, "windows", "pooled"} or None, default=None
        ``False``: the first ``duration`` seconds of each recording.
        ``True`` or ``"windows"``: train on every ``duration``-second window
        and score a recording by averaging its windows' scores (a
        :class:`~skdeepfake.windows.WindowedClassifier`). ``"pooled"``: load
        each recording whole and summarise its frame features over all of
        its frames (tabular models only): nothing is cut, and the length is
        not a feature. ``None`` is the model's default: ``"pooled"`` for the
        linear and XGBoost models, ``False`` for the others.
    hop : float or None, default=None
        Seconds between windows with ``"windows"``; ``None`` means half a
        window.
    augment : Augmenter, transform or None, default=None
        Augmentation of the training recordings, applied only when the
        detector is fitted (see :mod:`skdeepfake.augment`): an
        :class:`~skdeepfake.augment.Augmenter`, or a transform such as an
        ``audiomentations.Compose`` (one augmented copy per recording).
        The pipeline becomes an :class:`imblearn.pipeline.Pipeline` with an
        ``augment`` step after the loader (with ``"windows"``: the windows
        are augmented).
    memory : str, joblib.Memory or None, default=None
        Cache of the fitted loader and featurizer (scikit-learn Pipeline
        caching).
    n_jobs : int or None, default=None
        Parallel jobs for decoding files and featurising batches.
    random_state : int or None, default=None
        Seeds the model (and random cropping).
    abstain : bool, default=False
        Wrap the model in an :class:`~skdeepfake.calibration.AbstainingDetector`:
        its score becomes a calibrated log-likelihood ratio (out-of-fold;
        pass ``model__groups=`` to ``fit`` to leave whole sources out) and
        :func:`~skdeepfake.calibration.verdicts` can say ``"uncertain"``. Not
        with ``whole_recording="windows"`` (a window is never a verdict).
    **model_params
        Parameters of the model, such as ``C`` for the linear model,
        ``n_estimators`` for XGBoost or ``epochs`` for the networks.

    Returns
    -------
    sklearn.pipeline.Pipeline, imblearn.pipeline.Pipeline or WindowedClassifier

    Examples
    --------
    >>> from skdeepfake.pipelines import make_detector
    >>> [name for name, _ in make_detector("linear").steps]
    ['loader', 'features', 'scaler', 'model']
    >>> make_detector("gmm", n_components=64).named_steps["model"]
    GMMClassifier(n_components=64)
    """
    if model not in MODELS:
        raise InvalidParameterError(
            f"The 'model' parameter of make_detector must be one of {', '.join(MODELS)} (the "
            f"registry's models). Got {model!r} instead."
        )
    spec = MODELS[model]
    whole = spec.whole_recording if whole_recording is None else whole_recording
    if whole not in _WHOLE:
        raise ValueError(f"whole_recording={whole_recording!r}: choose False, True, 'windows' or 'pooled'.")
    mode = _WHOLE[whole]
    if mode == "pooled" and spec.takes != "stats":
        raise ValueError(
            f"whole_recording='pooled' summarises features over whole recordings, for "
            f"tabular models; the {model} model takes frames of fixed-length clips. "
            "Use whole_recording='windows'."
        )
    duration = (spec.duration or 2.0) if duration is None else duration
    steps = []
    if spec.features is None:
        if features is not None:
            raise ValueError(
                f"features={features!r}: the {model} model reads the raw waveform and takes no "
                "front-end; leave features unset."
            )
    else:
        featurizer = make_frontend(
            spec.features if features is None else features, sr=sr, output=spec.takes, stats=stats
        )
        check_rate(sr, ("features", featurizer))
        if n_jobs is not None and "n_jobs" in featurizer.get_params(deep=False):
            featurizer.set_params(n_jobs=n_jobs)
        steps.append(("features", featurizer))
    check_rate(sr, ("augment", augment))
    if spec.scaled:
        from sklearn.preprocessing import StandardScaler

        steps.append(("scaler", StandardScaler()))
    params = {**spec.defaults, **model_params}
    final = spec.build(**params)
    if "sr" in final.get_params(deep=False) and "sr" not in params:
        final.set_params(sr=sr)  # a network on the waveform designs its filters for the loader's rate
    check_rate(sr, ("model", final))
    if "random_state" in final.get_params(deep=False) and "random_state" not in params:
        final.set_params(random_state=random_state)  # models without one (GaussianNB) are fine too
    if abstain:
        if mode == "windows":
            raise ValueError(
                "abstain=True scores whole recordings; it does not go with whole_recording='windows'."
            )
        from ..calibration import AbstainingDetector

        final = AbstainingDetector(final, random_state=0 if random_state is None else random_state)
    steps.append(("model", final))
    if augment is not None:
        from ..augment import Augmenter

        if not hasattr(augment, "fit_resample"):
            augment = Augmenter(augment, sr=sr, random_state=random_state)
        steps.insert(0, ("augment", augment))
    loader = AudioLoader(
        sr=sr,
        duration=None if mode == "pooled" else duration,
        crop=crop,
        pad_mode=pad_mode,
        random_state=random_state,
        n_jobs=n_jobs,
    )
    if mode != "windows":
        return pipeline_of([("loader", loader), *steps], memory=memory)
    from ..windows import WindowedClassifier

    final = steps[-1][1]
    return WindowedClassifier(
        pipeline_of(steps, memory=memory),
        window=duration,
        hop=duration / 2 if hop is None else hop,
        sr=sr,
        # A model that takes no sample weights weighs every window the same.
        weighting="recording" if has_fit_parameter(final, "sample_weight") else "window",
        random_state=random_state,
    )


_FACTORY_DOC = """{summary}

    ``make_detector("{model}", **params)``: every parameter of
    :func:`make_detector` applies; the defaults here are{defaults}. Other
    keyword arguments go to the model{model_ref}.

    Parameters
    ----------
    **params
        See :func:`make_detector`.

    Returns
    -------
    sklearn.pipeline.Pipeline or WindowedClassifier
{extra}"""


def _factory(model, summary, defaults, model_ref, example):
    def factory(**params):
        return make_detector(model, **params)

    factory.__name__ = factory.__qualname__ = f"make_{model}_pipeline"
    factory.__doc__ = _FACTORY_DOC.format(
        summary=summary, model=model, defaults=defaults, model_ref=model_ref, extra=example
    )
    factory.__module__ = __name__
    return factory


make_linear_pipeline = _factory(
    "linear",
    "Whole recording -> LFCC statistics -> StandardScaler -> logistic regression.",
    " ``features='lfcc'`` (20 LFCCs with deltas and delta-deltas as the ASVspoof "
    "2019/2021 baselines compute them, Sahidullah et al. 2015, each summarised by "
    "mean, std, 10th and 90th percentile over all frames), "
    "``whole_recording='pooled'`` and ``C=0.1``. Of the front-ends, LFCC alone "
    "generalised best to corpora left out of training (``benchmarks/"
    "bench_generalisation.py``); ``features='lfcc+cqcc+subbands+mfcc'`` adds CQCC, "
    "32 linear sub-bands and 20 MFCCs, which fit the training corpora more closely",
    " (:class:`sklearn.linear_model.LogisticRegression`, ``C=0.1``, ``max_iter=1000``)",
    """
    Examples
    --------
    >>> from skdeepfake.pipelines import make_linear_pipeline
    >>> from skdeepfake.datasets import make_synthetic_speech
    >>> data = make_synthetic_speech(n_samples=20, duration=(1.0, 3.0), random_state=0)
    >>> pipe = make_linear_pipeline().fit(data.data, data.target)
    >>> pipe.predict_proba(data.data[:2]).shape
    (2, 2)
""",
)
make_xgb_pipeline = _factory(
    "xgb",
    "Whole recording -> LFCC statistics -> XGBoostClassifier.",
    " ``features='lfcc'`` and ``whole_recording='pooled'``, as the linear detector: "
    "the configuration that generalised best to corpora left out of training "
    "(``benchmarks/bench_generalisation.py``), and the one the pretrained detector "
    "(:mod:`skdeepfake.pretrained`) uses. The study's baseline, the first 2 s of "
    "each recording with ``features='handcrafted'`` (MFCC, deltas, spectral "
    "contrast, ZCR and more, mean and std), is ``make_xgb_pipeline("
    "features='handcrafted', whole_recording=False)``",
    " (:class:`~skdeepfake.models.XGBoostClassifier`)",
    """
    Examples
    --------
    >>> from skdeepfake.pipelines import make_xgb_pipeline
    >>> from skdeepfake.datasets import make_synthetic_speech
    >>> data = make_synthetic_speech(n_samples=20, random_state=0)
    >>> pipe = make_xgb_pipeline(n_estimators=20, random_state=0)
    >>> pipe.fit(data.data, data.target).predict_proba(data.data[:2]).shape
    (2, 2)
""",
)
make_dnn_pipeline = _factory(
    "dnn",
    "AudioLoader -> HandcraftedFeatures -> DNNClassifier (the study's DNN).",
    " the first 2 s of each recording and ``features='handcrafted'``; the DNN standardises its inputs itself",
    " (:class:`~skdeepfake.DNNClassifier`)",
    """
    Examples
    --------
    >>> from skdeepfake.pipelines import make_dnn_pipeline
    >>> pipe = make_dnn_pipeline(hidden_layer_sizes=(64,), epochs=10)
    >>> pipe.get_params()["model__hidden_layer_sizes"]
    (64,)
    >>> make_dnn_pipeline(features="lfcc").named_steps["features"]
    LFCC(output='stats')
""",
)
make_cnn_pipeline = _factory(
    "cnn",
    "AudioLoader -> MelSpectrogram -> CustomCNNClassifier (the study's Custom-CNN).",
    " the first 2 s of each recording and ``features='mel'`` (128 x 63 log-mel "
    "images); ``features='lfcc'`` or ``'subbands'`` feed it linear-frequency "
    "frames instead",
    " (:class:`~skdeepfake.CustomCNNClassifier`)",
    """
    Examples
    --------
    >>> from skdeepfake.pipelines import make_cnn_pipeline
    >>> pipe = make_cnn_pipeline(epochs=5)
    >>> [name for name, _ in pipe.steps]
    ['loader', 'features', 'model']
""",
)
make_gmm_pipeline = _factory(
    "gmm",
    "AudioLoader -> LFCC frames -> GMMClassifier (the ASVspoof 2019 LFCC-GMM baseline).",
    " the first 2 s of each recording and ``features='lfcc'`` (``'cqcc'`` gives "
    "the CQCC-GMM baseline); ``whole_recording=True`` averages the windows' "
    "log-likelihood ratios over whole recordings",
    " (:class:`~skdeepfake.models.GMMClassifier`, 512 components)",
    """
    Examples
    --------
    >>> from skdeepfake.pipelines import make_gmm_pipeline
    >>> make_gmm_pipeline(features="cqcc", n_components=64).named_steps["features"]
    CQCC()
""",
)
make_lcnn_pipeline = _factory(
    "lcnn",
    "AudioLoader -> LFCC frames -> LCNNClassifier (the ASVspoof 2021 LFCC-LCNN baseline).",
    " the first 2 s of each recording and ``features='lfcc'`` (60 x 201 frames)",
    " (:class:`~skdeepfake.models.LCNNClassifier`)",
    """
    Examples
    --------
    >>> from skdeepfake.pipelines import make_lcnn_pipeline
    >>> [name for name, _ in make_lcnn_pipeline(epochs=5).steps]
    ['loader', 'features', 'model']
""",
)


def __getattr__(name):
    """``make_<model>_pipeline`` for every row of :data:`MODELS`, also rows added after import.

    The factories above carry hand-written summaries; a model added to the
    registry gets one with a generic summary, so that the registry row alone
    makes ``make_<model>_pipeline`` (which ``skdeepfake.__all__`` lists) work.
    """
    model = (
        name[len("make_") : -len("_pipeline")]
        if name.startswith("make_") and name.endswith("_pipeline")
        else None
    )
    if model in MODELS:
        spec = MODELS[model]
        front = "the raw waveform" if spec.features is None else spec.features
        return _factory(
            model,
            f"AudioLoader -> {front} -> {spec.cls}.",
            f" ``features={spec.features!r}``",
            f" (``{spec.module}.{spec.cls}``)",
            "",
        )
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
