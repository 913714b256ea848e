"""
=================================================
Augmentation that cannot leak into the test folds
=================================================

Augmented copies of a training recording are nearly the recording itself.
Made before cross-validation, they land in both the training and the test
folds, and the score measures memory, not detection. This example shows the
leak on the built-in synthetic speech, and the two honest ways: splitting
by source recording (with the Augmenter's ``sample_indices_``, as
``GroupKFold`` does with groups), and the library's way, an
:class:`~skdeepfake.augment.Augmenter` inside the pipeline, which augments
only the training fold each time the pipeline is fitted.

Then it asks the question augmentation is for: does a detector trained
with RawBoost and codec round trips hold up better on a channel it never
saw? The corpora are synthetic and small: the numbers describe them only,
and whichever way they fall here, the answer on real corpora has to be
measured there, with the honest protocol above.
"""

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from audiomentations import Compose, LowPassFilter
from sklearn.model_selection import StratifiedKFold, cross_val_score

from skdeepfake.augment import Augmenter, CodecRoundTrip, RawBoost, codec_formats, make_augmentation
from skdeepfake.datasets import make_synthetic_speech
from skdeepfake.metrics import eer_scorer, equal_error_rate
from skdeepfake.pipelines import make_detector

SR = 16000
data = make_synthetic_speech(n_samples=60, random_state=0)
X, y = data.data, data.target
chain = Compose([RawBoost(p=0.8), CodecRoundTrip(codec=codec_formats(), p=0.5)])


def detector(augment=None):
    return make_detector("linear", features="lfcc", whole_recording=False, augment=augment)


# %%
# The leak: augment first, then cross-validate
# --------------------------------------------
# Two copies of every clip are made up front; a stratified 5-fold split then
# puts copies of most test clips into the training folds.

sampler = Augmenter(chain, n_copies=2, random_state=0)
X_aug, y_aug = sampler.fit_resample(X, y)
source = sampler.sample_indices_
cv = StratifiedKFold(5, shuffle=True, random_state=0)
# The same five folds of source clips, each with all the copies of its clips.
by_source = [
    (np.flatnonzero(np.isin(source, train)), np.flatnonzero(np.isin(source, test)))
    for train, test in cv.split(X, y)
]
scores = {
    "augmented first, StratifiedKFold (leaks)": -cross_val_score(
        detector(), X_aug, y_aug, scoring=eer_scorer, cv=cv
    ).mean(),
    "augmented first, folds by source clip": -cross_val_score(
        detector(), X_aug, y_aug, scoring=eer_scorer, cv=by_source
    ).mean(),
    "Augmenter in the pipeline": -cross_val_score(
        detector(Augmenter(chain, n_copies=2, random_state=0)), X, y, scoring=eer_scorer, cv=cv
    ).mean(),
    "no augmentation": -cross_val_score(detector(), X, y, scoring=eer_scorer, cv=cv).mean(),
}
print(pd.Series(scores, name="EER").round(3).to_string())

# %%
# Only the first number is dishonest: its test folds hold copies of training
# clips, and it comes out lower than the same folds split by source clip.
# The pipeline's Augmenter needs no groups at all, since it runs inside
# ``fit``, on whatever recordings the fold trains on; it is tested on
# unaugmented recordings. On clean data of one corpus, augmentation need not
# help; its use is the next question.
#
# What augmentation is for: a channel the training data lacks
# ------------------------------------------------------------
# Train on clean corpus A, with and without augmentation, and test on a
# second corpus sent through a band-limited, low-bitrate channel.

other = make_synthetic_speech(n_samples=60, random_state=1)
channel = make_augmentation("telephone")  # low-pass at 3.4 kHz and a 16 kbps codec
X_b = [channel(clip.astype(np.float32), SR) for clip in other.data]
robust = Compose(
    [
        RawBoost(p=0.8),
        CodecRoundTrip(codec=codec_formats(), bitrate_kbps=(12, 48), p=0.8),
        LowPassFilter(min_cutoff_freq=2500.0, max_cutoff_freq=7000.0, p=0.5),
    ]
)
rows = {}
for name, augment in [
    ("no augmentation", None),
    ("RawBoost + codecs + low-pass", Augmenter(robust, n_copies=2, random_state=0)),
]:
    fitted = detector(augment).fit(X, y)
    rows[name] = {
        "B (clean)": equal_error_rate(other.target, fitted.predict_proba(other.data)[:, 1])[0],
        "B (channel)": equal_error_rate(other.target, fitted.predict_proba(X_b)[:, 1])[0],
    }
table = pd.DataFrame(rows).T.astype(float)
print(table.round(3).to_string())

# %%
# Augmentation helps only as far as its distortions resemble the unseen
# channel; the gallery's synthetic channel is one draw of many. Measure it on
# the corpora you care about, across corpora (see the user guide's
# "Evaluating across corpora").

ax = table.plot.bar(rot=0, ylabel="EER (lower is better)", title="Trained on A, tested on B")
ax.axhline(0.5, color="grey", lw=0.8, ls="--")
plt.tight_layout()
plt.show()
