"""
===================================================
First two seconds versus the whole recording
===================================================

The networks, the GMM and the study's baselines look at one fixed excerpt of
each recording, the first two seconds (``whole_recording=False``); the linear
and XGBoost pipelines pool features over whole recordings by default. Real
recordings are longer and uneven. With
``whole_recording=True`` a :class:`~skdeepfake.windows.WindowedClassifier`
trains on every 2-second window of every recording (each recording weighing
the same) and scores a recording by the mean of its windows.
"""

import matplotlib.pyplot as plt
import pandas as pd
from sklearn.model_selection import train_test_split

from skdeepfake.datasets import make_synthetic_speech
from skdeepfake.metrics import equal_error_rate
from skdeepfake.pipelines import make_xgb_pipeline

data = make_synthetic_speech(n_samples=200, duration=(0.5, 8.0), random_state=0)
X_train, X_test, y_train, y_test = train_test_split(
    data.data, data.target, test_size=0.4, stratify=data.target, random_state=0
)

models = {
    "first 2 s": make_xgb_pipeline(n_estimators=200, random_state=0, whole_recording=False),
    "whole recording": make_xgb_pipeline(n_estimators=200, random_state=0, whole_recording=True),
}
rows = {}
for name, model in models.items():
    model.fit(X_train, y_train)
    p_fake = model.predict_proba(X_test)[:, 1]
    rows[name] = {"EER": equal_error_rate(y_test, p_fake)[0]}
results = pd.DataFrame(rows).T
print(results.round(3))

# %%
# Window scores of one long test recording

windowed = models["whole recording"]
longest = max(range(len(X_test)), key=lambda i: len(X_test[i]))
windows = windowed.predict_windows([X_test[longest]])
fig, ax = plt.subplots(figsize=(6, 3))
ax.step(windows["start"], windows["p_fake"], where="post")
ax.set_ylim(0, 1)
ax.set_xlabel("window start (s)")
ax.set_ylabel("P(fake)")
ax.set_title(f"{data.target_names[y_test[longest]]} recording, {len(X_test[longest]) / 16000:.1f} s")
fig.tight_layout()
