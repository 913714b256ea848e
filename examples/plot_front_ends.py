"""
=================================================================
Front-ends x models, and three ways to read a whole recording
=================================================================

Every front-end of :mod:`skdeepfake.features` works with every model of
:mod:`skdeepfake.pipelines`: as statistics per recording for the tabular
models (linear, XGBoost, the study's DNN) and as frames for the frame-level
ones (the ASVspoof GMM baseline, the LCNN, the study's CNN).
:func:`~skdeepfake.pipelines.make_detector` assembles each combination.
This example fits every combination once on a training split of a corpus
stored as ``real/`` and ``fake/`` folders, reports the test EER and the
fit time, and then compares three ways of reading variable-length
recordings with the linear detector.

The corpus is the built-in synthetic speech (here 1 to 4 s per recording),
so the numbers describe it, not real recordings; point
:func:`~skdeepfake.datasets.load_audio_folder` at a folder of your own
recordings (``real/`` and ``fake/``) to see yours.

"""

import tempfile
import time
from pathlib import Path

import matplotlib.pyplot as plt
import pandas as pd
import soundfile as sf
from sklearn.model_selection import train_test_split

from skdeepfake.datasets import load_audio_folder, make_synthetic_speech
from skdeepfake.metrics import equal_error_rate
from skdeepfake.pipelines import make_detector

synthetic = make_synthetic_speech(n_samples=120, duration=(1.0, 4.0), random_state=0)
root = Path(tempfile.mkdtemp()) / "corpus"
for i, (clip, label) in enumerate(zip(synthetic.data, synthetic.target)):
    folder = root / synthetic.target_names[label]
    folder.mkdir(parents=True, exist_ok=True)
    sf.write(folder / f"clip_{i:03d}.wav", clip, 16000)

data = load_audio_folder(root)
X_train, X_test, y_train, y_test = train_test_split(
    data.filenames, data.target, test_size=0.4, stratify=data.target, random_state=0
)

# %%
# Every front-end with every model
# --------------------------------
# Each detector reads the first 2 s of each recording here, so that all
# combinations see the same audio. The networks get a few epochs at a larger
# learning rate than the study's, to fit in a documentation build; the GMM
# has 32 components instead of the baseline's 512, for the same reason.

model_params = {
    "linear": {},
    "xgb": {"n_estimators": 100},
    "dnn": {"epochs": 30, "learning_rate": 1e-3},
    "gmm": {"n_components": 32},
    "lcnn": {"epochs": 5, "learning_rate": 2e-3},
    "cnn": {"epochs": 10, "learning_rate": 1e-3},
}
combinations = [
    (model, features)
    for model in ("linear", "xgb", "dnn")
    for features in ("lfcc+cqcc+subbands+mfcc", "lfcc", "cqcc", "subbands", "handcrafted")
] + [("gmm", "lfcc"), ("gmm", "cqcc"), ("lcnn", "lfcc"), ("cnn", "mel"), ("cnn", "lfcc")]

rows = []
for model, features in combinations:
    detector = make_detector(
        model, features=features, whole_recording=False, random_state=0, **model_params[model]
    )
    start = time.perf_counter()
    detector.fit(X_train, y_train)
    fit_seconds = time.perf_counter() - start
    p_fake = detector.predict_proba(X_test)[:, 1]
    rows.append(
        {
            "model": model,
            "front-end": features,
            "EER": equal_error_rate(y_test, p_fake)[0],
            "fit s": fit_seconds,
        }
    )
results = pd.DataFrame(rows)
print(results.round(3).to_string(index=False))

# %%
# The EER of each combination:

table = results.pivot(index="front-end", columns="model", values="EER")
fig, ax = plt.subplots(figsize=(7, 3.5))
image = ax.imshow(table.to_numpy(dtype=float), cmap="viridis_r", vmin=0, vmax=0.5)
ax.set_xticks(range(len(table.columns)), table.columns)
ax.set_yticks(range(len(table.index)), table.index)
for (i, j), value in pd.DataFrame(table.to_numpy()).stack().items():
    ax.text(j, i, f"{value:.2f}", ha="center", va="center", color="white")
fig.colorbar(image, ax=ax, label="test EER")
ax.set_title("Front-end x model (synthetic corpus)")
fig.tight_layout()

# %%
# Three ways to read a whole recording
# ------------------------------------
# ``whole_recording=False`` keeps the first 2 s; ``True`` (``"windows"``)
# trains on every 2-s window and averages the windows' scores; ``"pooled"``
# (the linear detector's default) summarises the front-end's frames over the
# whole recording, so nothing is cut and the length is not a feature.

reading = []
for mode in (False, "windows", "pooled"):
    detector = make_detector("linear", whole_recording=mode)
    start = time.perf_counter()
    detector.fit(X_train, y_train)
    fit_seconds = time.perf_counter() - start
    p_fake = detector.predict_proba(X_test)[:, 1]
    reading.append(
        {"whole_recording": str(mode), "EER": equal_error_rate(y_test, p_fake)[0], "fit s": fit_seconds}
    )
print(pd.DataFrame(reading).round(3).to_string(index=False))
