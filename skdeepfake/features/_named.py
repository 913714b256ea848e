"""Front-ends by name: the registry's rows built into featurizers.

:func:`~skdeepfake.pipelines.make_frontend` and :func:`~skdeepfake.pipelines.frontend_grid` are public as
:mod:`skdeepfake.pipelines` functions; they live here because they build
featurizers, and the pipelines module assembles whole detectors from them.
"""

from sklearn.pipeline import FeatureUnion
from sklearn.utils._param_validation import HasMethods, StrOptions, validate_params

from ..registry import FRONTENDS
from ..utils._bounds import SAMPLE_RATE

__all__ = ["make_frontend", "frontend_grid"]


@validate_params(
    {
        "names": [list, tuple],
        "sr": [SAMPLE_RATE],
        "output": [StrOptions({"stats", "frames"})],
        "stats": [tuple, list, None],
    },
    prefer_skip_nested_validation=True,
)
def frontend_grid(names, *, sr=16000, output="stats", stats=None):
    """Named front-ends as the values of a grid search's ``features`` step.

    A Pipeline step is an estimator, not a name, so ``{"features": ["lfcc",
    "cqcc"]}`` is refused by scikit-learn; this builds the estimators.

    Parameters
    ----------
    names : list of str
        Names of :data:`~skdeepfake.pipelines.FRONTENDS` (or tuples of HandcraftedFeatures groups).
    sr, output, stats
        As :func:`~skdeepfake.pipelines.make_frontend`; ``output`` must be what the model takes
        (``"stats"`` for linear, XGBoost and the DNN; ``"frames"`` for the
        CNN, LCNN and GMM).

    Returns
    -------
    list of transformers

    Examples
    --------
    >>> from sklearn.model_selection import GridSearchCV
    >>> from skdeepfake.metrics import eer_scorer
    >>> from skdeepfake.pipelines import frontend_grid, make_detector
    >>> grid = GridSearchCV(
    ...     make_detector("linear"),
    ...     {"features": frontend_grid(["lfcc", "cqcc", "lfcc+subbands+mfcc"]), "model__C": [0.1, 1.0]},
    ...     scoring=eer_scorer,
    ... )
    >>> [type(f).__name__ for f in grid.param_grid["features"]]
    ['LFCC', 'CQCC', 'FeatureUnion']
    """
    return [make_frontend(name, sr=sr, output=output, stats=stats) for name in names]


def _named_frontend(name, sr, output, stats):
    spec = FRONTENDS[name]
    if spec.parts:
        from ._base import DEFAULT_STATS

        stats = DEFAULT_STATS if stats is None else stats
        return FeatureUnion([(part, _named_frontend(part, sr, "stats", stats)) for part in spec.parts])
    kwargs = dict(spec.params, sr=sr, output=output)
    if stats is not None:
        kwargs["stats"] = stats
    return spec.build(**kwargs)


@validate_params(
    {
        "features": [str, tuple, list, HasMethods(["fit", "transform"])],
        "sr": [SAMPLE_RATE],
        "output": [StrOptions({"stats", "frames"})],
        "stats": [tuple, list, None],
    },
    prefer_skip_nested_validation=True,
)
def make_frontend(features, *, sr=16000, output="stats", stats=None):
    """The featurizer named ``features``, or a copy of one given.

    Parameters
    ----------
    features : str, tuple of str or transformer
        A name from :data:`~skdeepfake.pipelines.FRONTENDS`; a tuple of
        :data:`~skdeepfake.features.FEATURE_GROUPS` (a
        :class:`~skdeepfake.HandcraftedFeatures` of those groups); or a
        transformer, returned as it is.
    sr : int, default=16000
        Sample rate.
    output : {"stats", "frames"}, default="stats"
        Statistics per clip for tabular models, frames for frame-level ones.
    stats : tuple of str or None, default=None
        Summaries over time; ``None`` keeps each front-end's default.

    Returns
    -------
    transformer

    Examples
    --------
    >>> from skdeepfake.pipelines import make_frontend
    >>> make_frontend("lfcc", output="frames")
    LFCC()
    >>> make_frontend(("mfcc", "zcr"))
    HandcraftedFeatures(features=('mfcc', 'zcr'))
    """
    if hasattr(features, "transform"):
        return features
    if isinstance(features, (tuple, list)):
        kwargs = {} if stats is None else {"stats": stats}
        from ._handcrafted import HandcraftedFeatures

        return HandcraftedFeatures(sr=sr, features=tuple(features), output=output, **kwargs)
    if features not in FRONTENDS:
        raise ValueError(
            f"features={features!r}: unknown front-end; choose from {', '.join(FRONTENDS)}, "
            "a tuple of HandcraftedFeatures groups, or a transformer."
        )
    if "+" in features and output != "stats":
        raise ValueError(
            f"features={features!r} gives statistics only; a frame-level model needs one "
            "front-end of frames, such as 'lfcc'."
        )
    return _named_frontend(features, sr, output, stats)
