"""
=================================================
Explaining a detector: finding a planted shortcut
=================================================

A detector can be right for the wrong reason. Here every fake clip carries
a faint hum at 4 kHz in its first half second, a stand-in for the
artefacts real corpora leak (a codec's band edge, a generator's silence, a
studio's noise floor). The detector scores well on held-out clips; the
explanations show what it looks at:

1. :func:`~skdeepfake.explain.occlusion` masks one time-frequency cell at a
   time and reports how much P(fake) drops;
2. :func:`~skdeepfake.explain.deletion_curve` checks that the map is
   faithful: removing its top cells first lowers P(fake) faster than a
   random order;
3. :func:`~skdeepfake.explain.feature_importance` ranks the pooled
   detector's feature families.
"""

import matplotlib.pyplot as plt
import numpy as np
from sklearn.metrics import roc_auc_score

from skdeepfake.datasets import make_synthetic_speech
from skdeepfake.explain import FeatureImportanceDisplay, RelevanceDisplay, deletion_curve, feature_importance
from skdeepfake.pipelines import make_linear_pipeline

SR = 16000
speech = make_synthetic_speech(n_samples=160, duration=2.0, weights=0.0, random_state=0)
X = np.asarray(speech.data, np.float32)
y = np.r_[np.zeros(80), np.ones(80)].astype(int)
t = np.arange(int(0.5 * SR)) / SR
X[80:, : len(t)] += 0.02 * np.sin(2 * np.pi * 4000 * t)  # the shortcut: a hum in the fakes only

detector = make_linear_pipeline().fit(X[::2], y[::2])
print(f"held-out ROC AUC: {roc_auc_score(y[1::2], detector.predict_proba(X[1::2])[:, 1]):.3f}")

# %%
# Where the detector looks
# ------------------------
# A 20 x 16 grid: 0.1-s segments, 500-Hz bands. Red cells are those whose
# masking lowers P(fake): the hum's cell stands out; the speech does not.

fake = X[81]
display = RelevanceDisplay.from_estimator(detector, fake, SR, n_segments=20, n_bands=16)
explanation = display.explanation
band, segment = np.unravel_index(np.argmax(explanation.relevance), explanation.relevance.shape)
print(
    f"top cell: {explanation.times[segment]:.1f}-{explanation.times[segment + 1]:.1f} s, "
    f"{explanation.frequencies[band]:.0f}-{explanation.frequencies[band + 1]:.0f} Hz"
)

# %%
# Is the map faithful?
# --------------------
# Remove cells in the map's order and in random orders. If the map shows
# what the detector uses, P(fake) falls faster along the map's order.

curve = deletion_curve(detector, fake, explanation, SR, n_steps=20, n_random=3)
fig, ax = plt.subplots(figsize=(6, 3.5))
ax.plot(curve.fraction, curve.by_relevance, label=f"by relevance (area {curve.auc_relevance:.2f})")
ax.plot(curve.fraction, curve.at_random, label=f"random order (area {curve.auc_random:.2f})")
ax.set_xlabel("fraction of cells removed")
ax.set_ylabel("P(fake)")
ax.legend(loc="upper right")
fig.tight_layout()

# %%
# Which features carry it
# -----------------------
# Permuting one feature family at a time across held-out clips: the loss of
# EER says which families the pooled detector depends on.

table = feature_importance(detector, X[1::2], y[1::2], by="family", n_repeats=3)
print(table.importances.round(3).to_string(index=False))
FeatureImportanceDisplay.from_importances(table.importances)
plt.show()
