"""
================================================
Scoring a long recording window by window
================================================

A detector trained on 2-second clips can score a recording of any length:
cut it into windows, score every window, aggregate. Here a one-minute
recording alternates between real and vocoded speech; the window scores
follow it.
"""

import matplotlib.pyplot as plt
import numpy as np

from skdeepfake.datasets import make_synthetic_speech
from skdeepfake.pipelines import make_xgb_pipeline
from skdeepfake.windows import WindowedClassifier

train = make_synthetic_speech(n_samples=200, random_state=0)
detector = make_xgb_pipeline(n_estimators=200, random_state=0).fit(train.data, train.target)

# A minute of audio: 10-second stretches of real and fake speech in turn.
parts = make_synthetic_speech(n_samples=6, duration=10.0, random_state=1)
recording = np.concatenate(parts.data)
truth = np.repeat(parts.target, 10)

scorer = WindowedClassifier.from_fitted(detector, window=2.0, hop=1.0)
windows = scorer.predict_windows([recording])
for aggregate in ["mean", "max"]:
    scorer.set_params(aggregate=aggregate)
    print(f"P(fake) of the whole recording, {aggregate}: {scorer.predict_proba([recording])[0, 1]:.3f}")

fig, ax = plt.subplots(figsize=(7, 3))
ax.plot(windows["start"] + 1.0, windows["p_fake"], marker=".", label="window P(fake)")
ax.step(np.arange(60), truth, where="post", color="grey", alpha=0.5, label="truth (1 = fake)")
ax.set_xlabel("time (s)")
ax.set_ylim(-0.05, 1.05)
ax.legend(loc="lower right")
fig.tight_layout()
