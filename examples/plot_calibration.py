"""
===============================================
Calibrating detector scores
===============================================

A detector's P(fake) is only a probability if it is calibrated: of the
clips scored 0.8, about 80% should be fake. ``CalibratedClassifierCV`` wraps
any skdeepfake detector. Reliability curves and Cllr (a cost that punishes
badly calibrated scores) show the effect.
"""

import matplotlib.pyplot as plt
from sklearn.calibration import CalibratedClassifierCV, CalibrationDisplay
from sklearn.model_selection import train_test_split

from skdeepfake import DNNClassifier, HandcraftedFeatures
from skdeepfake.datasets import make_synthetic_speech
from skdeepfake.metrics import cllr
from skdeepfake.models import XGBoostClassifier

data = make_synthetic_speech(n_samples=300, random_state=0)
features = HandcraftedFeatures().fit_transform(data.data)
X_train, X_test, y_train, y_test = train_test_split(
    features, data.target, test_size=0.4, stratify=data.target, random_state=0
)

models = {
    "XGBoost": XGBoostClassifier(n_estimators=300, random_state=0),
    "XGBoost, calibrated": CalibratedClassifierCV(
        XGBoostClassifier(n_estimators=300, random_state=0), method="sigmoid", cv=3
    ),
    "DNN": DNNClassifier(epochs=60, learning_rate=1e-3, random_state=0),
    "DNN, calibrated": CalibratedClassifierCV(
        DNNClassifier(epochs=60, learning_rate=1e-3, random_state=0), method="sigmoid", cv=3
    ),
}
fig, ax = plt.subplots(figsize=(5, 5))
for name, model in models.items():
    model.fit(X_train, y_train)
    p_fake = model.predict_proba(X_test)[:, 1]
    print(f"{name:22s} Cllr = {cllr(y_test, p_fake):.3f}")
    CalibrationDisplay.from_predictions(y_test, p_fake, n_bins=6, name=name, ax=ax)
ax.set_title("Reliability curves")
fig.tight_layout()
