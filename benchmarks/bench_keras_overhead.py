"""Fit time of our Keras detectors vs. plain Keras Model.fit on the same arrays.

Goal (issue: detectors): the scikit-learn wrapper adds at most 10% to fit
time, i.e. the ratio plain/ours is at least 0.91.
"""

import argparse

import numpy as np
from _common import best_time, report

from skdeepfake.models import CustomCNNClassifier, DNNClassifier
from skdeepfake.models._tf import import_keras


def plain_keras_fit(estimator, X, y):
    """The same network, compiled the same way, trained by Model.fit directly."""
    keras = import_keras()
    from skdeepfake.models._keras import _layer_seeds

    encoder = estimator._make_input_encoder().fit(X)
    Xe = encoder.transform(X)
    model = estimator._build_network(X.shape[1:], _layer_seeds(0))
    model.compile(optimizer=keras.optimizers.Adam(estimator.learning_rate), loss="binary_crossentropy")
    model.fit(Xe, y.astype("float32"), epochs=estimator.epochs, batch_size=estimator.batch_size, verbose=0)
    return model


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--epochs", type=int, default=10)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    rng = np.random.default_rng(0)
    y = rng.integers(0, 2, 256)
    cases = {
        "DNNClassifier": (
            DNNClassifier(epochs=args.epochs, random_state=0),
            rng.normal(size=(256, 128)).astype(np.float32),
        ),
        "CustomCNNClassifier": (
            CustomCNNClassifier(epochs=max(2, args.epochs // 4), random_state=0),
            rng.normal(size=(256, 128, 63)).astype(np.float32),
        ),
    }
    for name, (est, X) in cases.items():
        est.fit(X[:64], y[:64])  # warm-up: TensorFlow start-up is not part of either figure
        # Interleaved, best of several: short fits on a shared machine are
        # noisy, and both sides should see the same conditions.
        t_ours, t_plain = float("inf"), float("inf")
        for _ in range(args.repeat):
            t_ours = min(t_ours, best_time(lambda: est.fit(X, y), repeat=1))  # noqa: B023 (called here)
            t_plain = min(t_plain, best_time(lambda: plain_keras_fit(est, X, y), repeat=1))  # noqa: B023
        report(
            f"{name} fit: plain Keras seconds / ours", t_ours, t_plain, "s", goal=0.91, higher_is_better=False
        )


if __name__ == "__main__":
    main()
