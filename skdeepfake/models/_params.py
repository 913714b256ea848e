"""Parameter constraints shared by the Keras detectors."""

from numbers import Integral, Real

from sklearn.utils._param_validation import Interval, StrOptions

KERAS_PARAMETER_CONSTRAINTS = {
    "learning_rate": [Interval(Real, 0, None, closed="neither")],
    "epochs": [Interval(Integral, 1, None, closed="left")],
    "batch_size": [Interval(Integral, 1, None, closed="left")],
    "validation_split": [Interval(Real, 0, 1, closed="left")],
    "early_stopping": ["boolean"],
    "patience": [Interval(Integral, 0, None, closed="left")],
    "class_weight": [dict, StrOptions({"balanced"}), None],
    "random_state": ["random_state"],
    "verbose": ["verbose", StrOptions({"tqdm"})],
}
