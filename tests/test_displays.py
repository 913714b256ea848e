"""Display classes draw on a given axis and mark the EER where equal_error_rate finds it."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
import scipy.stats  # noqa: E402

from skdeepfake.metrics import (  # noqa: E402
    DETCurveDisplay,
    ScoreHistogramDisplay,
    WindowScoresDisplay,
    equal_error_rate,  # noqa: E402
)
from skdeepfake.pipelines import make_xgb_pipeline  # noqa: E402


@pytest.fixture
def scores():
    rng = np.random.default_rng(0)
    y = np.repeat(["real", "fake"], 50)
    p = np.clip(np.where(y == "fake", 0.65, 0.35) + 0.2 * rng.normal(size=100), 0, 1)
    return y, p


def test_det_display_marks_the_eer_on_the_given_axis(scores):
    y, p = scores
    fig, ax = plt.subplots()
    display = DETCurveDisplay.from_predictions(y, p, ax=ax, name="model")
    eer, _ = equal_error_rate(y, p)
    assert display.ax_ is ax
    assert display.eer == pytest.approx(eer)
    assert 0.05 < eer < 0.5
    x, yy = display.eer_point_.get_data()
    assert x[0] == pytest.approx(scipy.stats.norm.ppf(eer)) == pytest.approx(yy[0])
    assert display.pos_label == "fake"
    assert f"EER {eer:.1%}" in [t.get_text() for t in ax.get_legend().texts]
    plt.close(fig)


def test_det_and_histogram_from_estimator(speech):
    X, y = speech.data[:40], speech.target[:40]
    model = make_xgb_pipeline(n_estimators=10, random_state=0).fit(X, y)
    fig, (a, b) = plt.subplots(1, 2)
    det = DETCurveDisplay.from_estimator(model, X, y, ax=a)
    p_fake = model.predict_proba(X)[:, 1]
    assert det.eer == pytest.approx(equal_error_rate(y, p_fake)[0])
    hist = ScoreHistogramDisplay.from_estimator(model, X, y, ax=b)
    assert hist.ax_ is b
    assert len(hist.spoof) == int(y.sum())
    assert len(hist.bona_fide) == int((y == 0).sum())
    assert hist.threshold == pytest.approx(equal_error_rate(y, p_fake)[1])
    assert hist.threshold_line_.get_label().startswith("EER threshold"), hist.threshold_line_.get_label()
    chosen = ScoreHistogramDisplay.from_estimator(model, X, y, threshold=0.5, ax=a)
    assert chosen.threshold_line_.get_label() == "threshold 0.5"
    plt.close(fig)


def test_window_scores_over_time(speech):
    long = np.concatenate(speech.data[:5])
    clf = make_xgb_pipeline(n_estimators=10, whole_recording=True, random_state=0)
    clf.fit(speech.data[:30], speech.target[:30])
    fig, ax = plt.subplots()
    display = WindowScoresDisplay.from_estimator(clf, long, ax=ax)
    windows = clf.predict_windows([long])
    np.testing.assert_allclose(display.line_.get_ydata(), windows["p_fake"])
    np.testing.assert_allclose(display.line_.get_xdata(), (windows["start"] + windows["end"]) / 2)
    plt.close(fig)
