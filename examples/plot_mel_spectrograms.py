"""
=====================================================
Real versus fake spectrograms, and what the CNN sees
=====================================================

Fake clips of the built-in corpus went through a vocoder: a mel spectrogram
inverted with Griffin-Lim. Their log-mel spectrograms look much like the
real ones; the difference is in fine structure. An occlusion map shows which
regions a trained Custom-CNN relies on: each patch is masked in turn and the
drop in P(fake) is recorded.
"""

import matplotlib.pyplot as plt
import numpy as np

from skdeepfake import MelSpectrogram
from skdeepfake.datasets import make_synthetic_speech
from skdeepfake.models import CustomCNNClassifier

data = make_synthetic_speech(n_samples=240, random_state=0)
mel = MelSpectrogram(n_mels=64)
S = mel.fit_transform(data.data)

fig, axes = plt.subplots(1, 2, figsize=(8, 3), sharey=True)
for ax, label in zip(axes, [0, 1]):
    i = int(np.flatnonzero(data.target == label)[0])
    ax.imshow(S[i], origin="lower", aspect="auto", cmap="magma")
    ax.set_title(data.target_names[label])
    ax.set_xlabel("frame")
axes[0].set_ylabel("mel band")
fig.tight_layout()

# %%
# Occlusion sensitivity of a small Custom-CNN

cnn = CustomCNNClassifier(
    filters=(16, 32, 64, 64), dense_units=64, epochs=15, learning_rate=1e-3, random_state=0
).fit(S[:200], data.target[:200])
fake_test = S[200:][data.target[200:] == 1][:8]
base = cnn.predict_proba(fake_test)[:, 1]
patch = 8
heat = np.zeros((S.shape[1] // patch, S.shape[2] // patch))
for r in range(heat.shape[0]):
    for c in range(heat.shape[1]):
        masked = fake_test.copy()
        masked[:, r * patch : (r + 1) * patch, c * patch : (c + 1) * patch] = fake_test.mean()
        heat[r, c] = np.mean(base - cnn.predict_proba(masked)[:, 1])
fig, ax = plt.subplots(figsize=(5, 3.5))
image = ax.imshow(heat, origin="lower", aspect="auto", cmap="viridis")
fig.colorbar(image, label="drop in P(fake)")
ax.set_xlabel(f"frame / {patch}")
ax.set_ylabel(f"mel band / {patch}")
ax.set_title("Where the CNN looks (fake clips)")
fig.tight_layout()
