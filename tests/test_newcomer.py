"""What a newcomer runs into: arrays at another rate, grids over front-ends by name."""

import numpy as np
import soxr
from sklearn.model_selection import GridSearchCV

from skdeepfake.metrics import eer_scorer
from skdeepfake.pipelines import frontend_grid, make_detector, make_xgb_pipeline


def test_windowed_scoring_of_an_array_at_another_rate_resamples_it(speech):
    clf = make_xgb_pipeline(n_estimators=3, whole_recording=True).fit(speech.data[:8], speech.target[:8])
    y16 = np.concatenate(list(speech.data[:24]))  # 48 s at 16 kHz
    y22 = soxr.resample(y16, 16000, 22050).astype(np.float32)
    at_16k = clf.predict_windows([y16])
    assert len(clf.predict_windows([y22], sr=22050)) == len(at_16k) == 47
    assert len(clf.predict_windows([y22])) == 66  # taken to be at 16 kHz: 66 s, more windows
    np.testing.assert_allclose(clf.predict_proba([y22], sr=22050), clf.predict_proba([y16]), atol=0.05)


def test_a_grid_over_front_ends_by_name(speech):
    grid = GridSearchCV(
        make_detector("linear"),
        {"features": frontend_grid(["lfcc", "subbands"])},
        scoring=eer_scorer,
        cv=2,
    ).fit(speech.data[:24], speech.target[:24])
    assert type(grid.best_params_["features"]).__name__ in ("LFCC", "LinearSubbands")
    assert len(grid.cv_results_["params"]) == 2
