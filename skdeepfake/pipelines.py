"""Ready-made audio-to-prediction pipelines for the three detectors.

Every pipeline has the same three steps, so parameters are addressed the
same way in each (with ``whole_recording=True``, the loader's work is done by
a :class:`~skdeepfake.windows.WindowedClassifier` and the others are
``estimator__features`` and ``estimator__model``): ``loader`` (:class:`~skdeepfake.AudioLoader`),
``features`` (the featurizer) and ``model`` (the classifier); e.g.
``GridSearchCV(make_dnn_pipeline(), {"model__dropout": [0.3, 0.5]})``.
Each accepts file paths or waveforms, and each takes ``memory=`` so that a
grid search over model settings featurises the audio once.
"""

from sklearn.pipeline import Pipeline

from .features import HandcraftedFeatures, MelSpectrogram
from .io import AudioLoader

__all__ = ["make_cnn_pipeline", "make_dnn_pipeline", "make_xgb_pipeline"]


def _assemble(loader, features, model, memory, whole_recording, hop):
    """loader -> features -> model, or the WindowedClassifier around features -> model."""
    if not whole_recording:
        return Pipeline([("loader", loader), ("features", features), ("model", model)], memory=memory)
    from .windows import WindowedClassifier

    return WindowedClassifier(
        Pipeline([("features", features), ("model", model)], memory=memory),
        window=loader.duration,
        hop=loader.duration / 2 if hop is None else hop,
        sr=loader.sr,
        random_state=loader.random_state,
    )


def _loader(sr, duration, crop, pad_mode, random_state, n_jobs):
    return AudioLoader(
        sr=sr, duration=duration, crop=crop, pad_mode=pad_mode,
        random_state=random_state, n_jobs=n_jobs,
    )


def make_cnn_pipeline(
    *,
    sr=16000,
    duration=2.0,
    crop="start",
    pad_mode="repeat",
    n_mels=128,
    n_fft=2048,
    hop_length=512,
    memory=None,
    n_jobs=None,
    random_state=None,
    whole_recording=False,
    hop=None,
    **cnn_params,
):
    """AudioLoader -> MelSpectrogram -> CustomCNNClassifier.

    Parameters
    ----------
    sr, duration, crop, pad_mode : see :class:`~skdeepfake.AudioLoader`
        How clips are loaded and brought to one length.
    n_mels, n_fft, hop_length : see :class:`~skdeepfake.MelSpectrogram`
        The log-mel front end; the study's defaults.
    memory : str, joblib.Memory or None, default=None
        Cache of the fitted loader and featurizer (scikit-learn Pipeline
        caching).
    n_jobs : int or None, default=None
        Parallel jobs for decoding files.
    random_state : int or None, default=None
        Seeds the network (and random cropping).
    whole_recording, hop : see :func:`make_xgb_pipeline`
        Score whole recordings through windows.
    **cnn_params
        Parameters of :class:`~skdeepfake.CustomCNNClassifier`, such as
        ``epochs`` or ``learning_rate``.

    Returns
    -------
    sklearn.pipeline.Pipeline or WindowedClassifier
        Steps ``loader``, ``features``, ``model``; with ``whole_recording``,
        a WindowedClassifier around steps ``features``, ``model``.

    Examples
    --------
    >>> from skdeepfake.pipelines import make_cnn_pipeline
    >>> pipe = make_cnn_pipeline(epochs=5)
    >>> [name for name, _ in pipe.steps]
    ['loader', 'features', 'model']
    """
    from .models import CustomCNNClassifier

    return _assemble(
        _loader(sr, duration, crop, pad_mode, random_state, n_jobs),
        MelSpectrogram(sr=sr, n_mels=n_mels, n_fft=n_fft, hop_length=hop_length),
        CustomCNNClassifier(random_state=random_state, **cnn_params),
        memory,
        whole_recording,
        hop,
    )


def make_dnn_pipeline(
    *,
    sr=16000,
    duration=2.0,
    crop="start",
    pad_mode="repeat",
    features=None,
    n_mfcc=20,
    stats=("mean", "std"),
    memory=None,
    n_jobs=None,
    random_state=None,
    whole_recording=False,
    hop=None,
    **dnn_params,
):
    """AudioLoader -> HandcraftedFeatures -> DNNClassifier.

    The DNN standardises its inputs itself, with statistics learned in fit.

    Parameters
    ----------
    sr, duration, crop, pad_mode : see :class:`~skdeepfake.AudioLoader`
        How clips are loaded and brought to one length.
    features, n_mfcc, stats : see :class:`~skdeepfake.HandcraftedFeatures`
        Which features summarise each clip.
    memory : str, joblib.Memory or None, default=None
        Cache of the fitted loader and featurizer.
    n_jobs : int or None, default=None
        Parallel jobs for decoding files.
    random_state : int or None, default=None
        Seeds the network (and random cropping).
    whole_recording, hop : see :func:`make_xgb_pipeline`
        Score whole recordings through windows.
    **dnn_params
        Parameters of :class:`~skdeepfake.DNNClassifier`.

    Returns
    -------
    sklearn.pipeline.Pipeline or WindowedClassifier
        Steps ``loader``, ``features``, ``model``; with ``whole_recording``,
        a WindowedClassifier around steps ``features``, ``model``.

    Examples
    --------
    >>> from skdeepfake.pipelines import make_dnn_pipeline
    >>> pipe = make_dnn_pipeline(hidden_layer_sizes=(64,), epochs=10)
    >>> pipe.get_params()["model__hidden_layer_sizes"]
    (64,)
    """
    from .models import DNNClassifier

    return _assemble(
        _loader(sr, duration, crop, pad_mode, random_state, n_jobs),
        HandcraftedFeatures(sr=sr, features=features, n_mfcc=n_mfcc, stats=stats),
        DNNClassifier(random_state=random_state, **dnn_params),
        memory,
        whole_recording,
        hop,
    )


def make_xgb_pipeline(
    *,
    sr=16000,
    duration=2.0,
    crop="start",
    pad_mode="repeat",
    features=None,
    n_mfcc=20,
    stats=("mean", "std"),
    memory=None,
    n_jobs=None,
    random_state=None,
    whole_recording=False,
    hop=None,
    **xgb_params,
):
    """AudioLoader -> HandcraftedFeatures -> XGBoostClassifier.

    The baseline of the literature the study compares with: gradient-boosted
    trees on handcrafted features.

    Parameters
    ----------
    sr, duration, crop, pad_mode : see :class:`~skdeepfake.AudioLoader`
        How clips are loaded and brought to one length.
    features, n_mfcc, stats : see :class:`~skdeepfake.HandcraftedFeatures`
        Which features summarise each clip.
    memory : str, joblib.Memory or None, default=None
        Cache of the fitted loader and featurizer.
    n_jobs : int or None, default=None
        Parallel jobs for decoding files.
    random_state : int or None, default=None
        Seeds XGBoost (and random cropping).
    whole_recording : bool, default=False
        Instead of one ``duration``-second excerpt per recording, train on
        every window of every recording and score recordings by aggregating
        their windows: returns a :class:`~skdeepfake.windows.WindowedClassifier`
        around ``features -> model`` (windows of ``duration`` seconds).
    hop : float or None, default=None
        Seconds between windows with ``whole_recording``; ``None`` means
        half a window.
    **xgb_params
        Parameters of :class:`~skdeepfake.models.XGBoostClassifier`.

    Returns
    -------
    sklearn.pipeline.Pipeline or WindowedClassifier
        Steps ``loader``, ``features``, ``model``; with ``whole_recording``,
        a WindowedClassifier around steps ``features``, ``model``.

    Examples
    --------
    >>> from skdeepfake.pipelines import make_xgb_pipeline
    >>> from skdeepfake.datasets import make_synthetic_speech
    >>> data = make_synthetic_speech(n_samples=20, random_state=0)
    >>> pipe = make_xgb_pipeline(n_estimators=20, random_state=0)
    >>> pipe.fit(data.data, data.target).predict_proba(data.data[:2]).shape
    (2, 2)
    """
    from .models import XGBoostClassifier

    return _assemble(
        _loader(sr, duration, crop, pad_mode, random_state, n_jobs),
        HandcraftedFeatures(sr=sr, features=features, n_mfcc=n_mfcc, stats=stats),
        XGBoostClassifier(random_state=random_state, **xgb_params),
        memory,
        whole_recording,
        hop,
    )
