"""Where a detector's loader, front-end and model are: one answer for every caller.

Scoring, the command line, windowing, fusion and the explanations all need
to know which steps of a detector decode audio, which may run batch by batch
(samplers and front-ends that learn nothing but the input length), and which
learn from the data. :func:`detector_parts` decides that once, from the
step objects themselves (never from step names), so that a detector built by
hand is read the same way as one from :func:`~skdeepfake.pipelines.make_detector`.
:func:`check_rate` holds the steps :func:`~skdeepfake.pipelines.make_detector`
is given to the loader's sample rate, the pipeline's one rate.
"""

from typing import NamedTuple

from sklearn.pipeline import Pipeline
from sklearn.utils._param_validation import HasMethods, validate_params

__all__ = ["DetectorParts", "detector_parts", "is_sampler", "pipeline_of", "check_rate"]


@validate_params({"step": "no_validation"}, prefer_skip_nested_validation=True)
def is_sampler(step):
    """Whether ``step`` is a sampler (it has ``fit_resample``: it acts in fit only).

    imbalanced-learn's convention, which :mod:`skdeepfake.augment` follows:
    a sampler changes the training rows and passes data through unchanged
    at prediction time.

    Parameters
    ----------
    step : object

    Returns
    -------
    bool

    Examples
    --------
    >>> from skdeepfake.augment import Augmenter, RawBoost
    >>> from skdeepfake.features import LFCC
    >>> from skdeepfake.pipelines import is_sampler
    >>> is_sampler(Augmenter(RawBoost())), is_sampler(LFCC())
    (True, False)
    """
    return hasattr(step, "fit_resample")


@validate_params({"steps": [list], "memory": "no_validation"}, prefer_skip_nested_validation=True)
def pipeline_of(steps, *, memory=None):
    """scikit-learn's :class:`~sklearn.pipeline.Pipeline` of ``steps``, or imbalanced-learn's when one is a sampler.

    scikit-learn's Pipeline refuses a step with ``fit_resample``;
    imbalanced-learn's runs it in fit only (:func:`is_sampler`). Every
    detector skdeepfake assembles is built here.

    Parameters
    ----------
    steps : list of (str, estimator)
    memory : str, joblib.Memory or None, default=None
        As the Pipeline's ``memory``.

    Returns
    -------
    sklearn.pipeline.Pipeline or imblearn.pipeline.Pipeline

    See Also
    --------
    make_detector : assembles a detector's steps and builds it here.

    Examples
    --------
    >>> from skdeepfake.augment import Augmenter, RawBoost
    >>> from skdeepfake.features import LFCC
    >>> from skdeepfake.pipelines import pipeline_of
    >>> type(pipeline_of([("features", LFCC())])).__module__
    'sklearn.pipeline'
    >>> type(pipeline_of([("augment", Augmenter(RawBoost())), ("features", LFCC())])).__module__
    'imblearn.pipeline'
    """
    if any(is_sampler(step) for _, step in steps):
        from imblearn.pipeline import Pipeline as SamplingPipeline

        return SamplingPipeline(steps, memory=memory)
    return Pipeline(steps, memory=memory)


class DetectorParts(NamedTuple):
    """The parts of a detector, as :func:`detector_parts` finds them.

    Attributes
    ----------
    pipeline : Pipeline or None
        The Pipeline that holds the steps: the detector itself, or the
        estimator inside its WindowedClassifier (fitted if it is). None when
        the detector is not a Pipeline.
    windowed : WindowedClassifier or None
        The detector, when it scores recordings window by window.
    loader : (str, AudioLoader) or None
        The loader and the parameter path that reaches it from the detector
        (``"loader"``, or a nested ``"a__b"`` path for a detector wrapped in,
        say, a grid search); the first one found.
    front : list of (str, estimator)
        The Pipeline's leading steps after its loader that may run batch by
        batch: samplers and steps that learn only the input length (never
        the last step).
    featurizers : list of (str, estimator)
        The steps of ``front`` that are not samplers: the front-end.
    model : estimator
        The last step (the detector itself when it is not a Pipeline).
    """

    pipeline: object
    windowed: object
    loader: object
    front: list
    featurizers: list
    model: object


@validate_params({"detector": [HasMethods(["fit"])]}, prefer_skip_nested_validation=True)
def detector_parts(detector):
    """Find the loader, front-end and model of a detector.

    Parameters
    ----------
    detector : estimator
        A Pipeline (loader -> samplers -> front-end -> ... -> model), a
        :class:`~skdeepfake.windows.WindowedClassifier` around one, or any
        estimator (a grid search, a fusion) with an
        :class:`~skdeepfake.AudioLoader` among its parameters.

    Returns
    -------
    DetectorParts

    See Also
    --------
    skdeepfake.features.fits_only_input_length : the rule for front-end steps.
    is_sampler : the rule for samplers.

    Examples
    --------
    >>> from skdeepfake.augment import Augmenter, RawBoost
    >>> from skdeepfake.pipelines import detector_parts, make_detector
    >>> parts = detector_parts(make_detector("linear", augment=Augmenter(RawBoost())))
    >>> parts.loader[0], [name for name, _ in parts.front], [name for name, _ in parts.featurizers]
    ('loader', ['augment', 'features'], ['features'])
    >>> type(parts.model).__name__
    'LogisticRegression'
    """
    from ..features import fits_only_input_length
    from ..io import AudioLoader
    from ..windows import WindowedClassifier

    windowed = detector if isinstance(detector, WindowedClassifier) else None
    pipeline = getattr(windowed, "estimator_", windowed.estimator) if windowed is not None else detector
    if not isinstance(pipeline, Pipeline):
        return DetectorParts(None, windowed, _nested_loader(detector), [], [], pipeline)
    steps = list(pipeline.steps)
    head = steps[0] if isinstance(steps[0][1], AudioLoader) else None
    front = []
    for name, step in steps[1 if head else 0 : -1]:
        if not (is_sampler(step) or fits_only_input_length(step)):
            break
        front.append((name, step))
    loader = head if windowed is None and head is not None else _nested_loader(detector)
    featurizers = [(name, step) for name, step in front if not is_sampler(step)]
    return DetectorParts(pipeline, windowed, loader, front, featurizers, steps[-1][1])


def _nested_loader(detector):
    """The first AudioLoader among ``detector``'s parameters, with its path; None if none."""
    from ..io import AudioLoader

    if isinstance(detector, AudioLoader):
        return None
    params = detector.get_params(deep=True) if hasattr(detector, "get_params") else {}
    return next(((path, value) for path, value in params.items() if isinstance(value, AudioLoader)), None)


def _rates(step):
    """The sample rates a step (or the parts of a FeatureUnion) reads audio at."""
    parts = getattr(step, "transformer_list", None)
    if parts is not None:
        return {rate for _, part in parts for rate in _rates(part)}
    params = step.get_params(deep=False) if hasattr(step, "get_params") else {}
    return {params["sr"]} if isinstance(params.get("sr"), int) else set()


def check_rate(sr, *named):
    """The loader's rate is the pipeline's: a given step that reads another is an error naming both."""
    for name, step in named:
        other = sorted(_rates(step) - {sr}) if step is not None else []
        if other:
            raise ValueError(
                f"sr={sr}: the loader gives audio at {sr} Hz, but the {name} step "
                f"{type(step).__name__} reads it at {other[0]} Hz; build it with sr={sr}, or pass "
                f"sr={other[0]} to make_detector."
            )
