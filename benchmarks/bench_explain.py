"""Time to explain one 10-s recording with the default (pooled linear) detector.

Goal (issue: explanations): a 20 x 16 occlusion map of a 10-s recording in
under 10 s on a two-core laptop CPU. Printed: the map's time against that
10-s budget (ratio >= 1 meets it), in one thread and on every core
(``n_jobs=-1``), and against scoring the same 320
recordings unmasked in one call (the ratio shows what masking and
resynthesis add to the scoring itself).
"""

import numpy as np
from _common import best_time, report

from skdeepfake.datasets import make_synthetic_speech
from skdeepfake.explain import occlusion
from skdeepfake.pipelines import make_linear_pipeline

SR = 16000


def main():
    train = make_synthetic_speech(n_samples=80, duration=2.0, random_state=0)
    detector = make_linear_pipeline().fit(train.data, train.target)
    long = make_synthetic_speech(n_samples=5, duration=2.0, random_state=1)
    x = np.concatenate(long.data).astype(np.float32)  # 10 s
    occlusion(detector, x, SR, n_segments=2, n_bands=2)  # warm up imports and caches
    for n_jobs in (None, -1):
        seconds = best_time(
            lambda n_jobs=n_jobs: occlusion(detector, x, SR, n_segments=20, n_bands=16, n_jobs=n_jobs),
            repeat=2,
        )
        report(
            f"occlusion 20x16 of a 10-s recording (linear, n_jobs={n_jobs}) vs 10-s goal",
            seconds,
            10.0,
            "s",
            goal=1.0,
            higher_is_better=False,
        )
    batch = np.repeat(x[np.newaxis], 320, axis=0)
    scoring = best_time(lambda: detector.predict_proba(batch), repeat=2)
    report(
        "occlusion vs scoring 320 unmasked copies",
        seconds,
        scoring,
        "s",
        higher_is_better=False,
    )


if __name__ == "__main__":
    main()
