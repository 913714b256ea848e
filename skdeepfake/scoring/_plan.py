"""How a fitted detector scores a recording: at which rate, from what length, whole or by windows.

:class:`ScoringPlan` reads it off the detector once, from its parts
(:func:`~skdeepfake.pipelines.detector_parts`), for :func:`~skdeepfake.scoring.score_files`;
:func:`input_rate` and :func:`min_recording_duration` answer the same questions
for the command line and the explanations.
"""

from sklearn.pipeline import FeatureUnion
from sklearn.utils._param_validation import HasMethods, validate_params

from ..calibration import can_abstain
from ..features import CHUNK_SAMPLES, FrameFeaturizer
from ..labels import spoof_column
from ..windows import WindowedClassifier

__all__ = ["ScoringPlan", "input_rate", "min_recording_duration"]


@validate_params({"model": [HasMethods(["fit", "predict_proba"])]}, prefer_skip_nested_validation=True)
def min_recording_duration(model):
    """The shortest recording, in seconds, that ``model`` can score (0: any length).

    A detector that pools features over whole recordings needs at least one
    frame of each front-end; one that reads fixed-length clips or windows
    repeat-pads shorter recordings, so any length will do. Folders are
    checked against it before training (``skdeepfake train``) and files
    before scoring, so that a too-short file is skipped with its reason
    instead of stopping a run.

    Parameters
    ----------
    model : estimator
        Fitted or not.

    Returns
    -------
    float

    Examples
    --------
    >>> from skdeepfake.pipelines import make_detector
    >>> from skdeepfake.scoring import min_recording_duration
    >>> min_recording_duration(make_detector("linear", features="lfcc"))  # one 20-ms frame
    0.02
    >>> min_recording_duration(make_detector("xgb", whole_recording=False))  # 2-s clips, padded
    0.0
    """
    front, _ = _pooled_front(model)
    if front is None or model.steps[0][1].duration is not None:
        return 0.0
    return _min_samples(front) / model.steps[0][1].sr


class ScoringPlan:
    """How one model scores a file: whole (pooled), by windows, or both."""

    def __init__(self, model, window, hop, aggregate, windows, threshold=None):
        self.model, self.want_windows, self.threshold = model, windows, threshold
        self.column = spoof_column(model.classes_)
        if isinstance(model, WindowedClassifier):
            if window not in (None, model.window):
                raise ValueError(
                    f"this model scores {model.window:g}-s windows, as it was trained; window={window:g} "
                    "cannot change that."
                )
            self.sr, self.pooled = model.sr, False
            self.scorer = WindowedClassifier.from_fitted(
                model.estimator_,
                window=model.window if window is None else window,
                hop=model.hop if hop is None else hop,
                sr=model.sr,
                aggregate=model.aggregate if aggregate is None else aggregate,
                batch_size=model.batch_size,
            )
        else:
            loader = _loader_of(model)
            self.sr = loader.sr
            self.pooled = loader.duration is None  # the model takes whole recordings
            window = window if window is not None else (loader.duration or 2.0)
            self.scorer = WindowedClassifier.from_fitted(
                model,
                window=window,
                hop=window / 2 if hop is None else hop,
                sr=loader.sr,
                aggregate=aggregate or "mean",
            )
        # A detector that can abstain is asked for its own verdict on each recording (its loader takes
        # the excerpt it judges): averaging its windows' P(fake) would drop the abstention.
        self.by_windows = not (self.pooled or can_abstain(model)) or aggregate is not None
        self.front, self.rest = _pooled_front(model) if self.pooled else (None, None)
        self.min_samples = _min_samples(self.front) if self.front else 1

    def streams(self, n_samples):
        """Whether a recording this long is scored while it is decoded, never held whole."""
        if n_samples <= CHUNK_SAMPLES:
            return False
        if self.by_windows:
            return True
        return self.front is not None and not self.want_windows


@validate_params({"model": [HasMethods(["predict_proba"])]}, prefer_skip_nested_validation=True)
def input_rate(model):
    """The sample rate at which ``model`` reads waveform arrays (files it resamples itself).

    Parameters
    ----------
    model : estimator
        A detector holding an :class:`~skdeepfake.AudioLoader`, or a
        :class:`~skdeepfake.windows.WindowedClassifier`.

    Returns
    -------
    int

    Examples
    --------
    >>> from skdeepfake.pipelines import make_detector
    >>> from skdeepfake.scoring import input_rate
    >>> input_rate(make_detector("linear", sr=8000))
    8000
    """
    return model.sr if isinstance(model, WindowedClassifier) else _loader_of(model).sr


def _loader_of(model):
    from ..pipelines import detector_parts

    loader = detector_parts(model).loader
    if loader is None:
        raise ValueError(
            f"a detector that reads audio is needed (with an AudioLoader, or a "
            f"WindowedClassifier); {type(model).__name__} has none."
        )
    return loader[1]


def _pooled_front(model):
    """(featurizers, rest) when ``model`` is loader -> samplers -> statistics -> rest; else (None, None)."""
    from ..pipelines import detector_parts

    parts = detector_parts(model)
    if parts.windowed is not None or parts.pipeline is None or parts.loader != model.steps[0]:
        return None, None
    if len(parts.featurizers) != 1 or parts.featurizers[-1] != parts.front[-1]:
        return None, None
    step = parts.featurizers[0][1]
    if isinstance(step, FeatureUnion) and not step.transformer_weights:
        pieces = [t for _, t in step.transformer_list if t not in ("drop", "passthrough")]
    else:
        pieces = [step]
    if not all(isinstance(p, FrameFeaturizer) and p.output == "stats" for p in pieces):
        return None, None
    return pieces, model[len(parts.front) + 1 :]


def _min_samples(featurizers):
    return max(n for f in featurizers for n, _ in f._length_requirements())
