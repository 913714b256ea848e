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
    "objective": [StrOptions({"cross-entropy", "oc-softmax"})],
    "callbacks": [list, None],
    "metrics": [list, None],
}

#: The docstring of the parameters every Keras detector shares with Keras.
KERAS_FIT_PARAMETERS_DOC = """objective : {"cross-entropy", "oc-softmax"}, default="cross-entropy"
        What the network is trained to minimise. ``"cross-entropy"``: binary
        cross-entropy of its sigmoid output, P(``classes_[1]``).
        ``"oc-softmax"``: its last dense layer is replaced by a one-class
        softmax head and trained with that loss (Zhang, Jiang and Duan, 2021;
        ``skdeepfake/models/_ocsoftmax.py`` gives the formula), which gathers bona fide speech
        around one direction and pushes spoofed speech away; the fake column
        of ``predict_proba`` is then ``(1 - cos) / 2`` of the embedding's
        cosine with that direction: a score to calibrate, not a probability.
    callbacks : list of keras.callbacks.Callback or None, default=None
        Keras callbacks for ``fit`` (``ModelCheckpoint``, ``TensorBoard``,
        ``ReduceLROnPlateau``, ...). Each fit uses fresh copies, so the
        objects given here are never attached to a model and the estimator
        clones and pickles like any other.
    metrics : list of str or keras.metrics.Metric or None, default=None
        Metrics compiled into the network (``["auc", "accuracy"]``); each
        one's per-epoch values land in ``history_`` beside the loss (with a
        ``val_`` twin when ``validation_split`` is set)."""
