import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.metrics import roc_curve
from sklearn.model_selection import cross_validate

from skdeepfake.metrics import (
    asvspoof_det_curve,
    cllr,
    cllr_scorer,
    det_curve_asvspoof,
    eer_scorer,
    equal_error_rate,
    min_dcf,
    min_dcf_scorer,
)
from skdeepfake.models import XGBoostClassifier


def test_eer_hand_computed_cases():
    assert equal_error_rate([0, 0, 1, 1], [0.1, 0.2, 0.8, 0.9]) == (0.0, 0.2)
    assert equal_error_rate([0, 0, 1, 1], [0.9, 0.8, 0.2, 0.1])[0] == 1.0
    # 4 real, 4 fake; one fake scored below one real: EER 1/4
    y = [0, 0, 0, 0, 1, 1, 1, 1]
    s = [0.1, 0.2, 0.3, 0.6, 0.5, 0.7, 0.8, 0.9]
    eer, thr = equal_error_rate(y, s)
    assert eer == 0.25
    assert thr in (0.3, 0.5)


def test_eer_label_conventions_and_pos_label():
    s = [0.1, 0.7, 0.4, 0.9]
    assert equal_error_rate(["real", "real", "fake", "fake"], s) == equal_error_rate([0, 0, 1, 1], s)
    # P(real) with the real class as positive gives the same EER
    eer_real, _ = equal_error_rate([0, 0, 1, 1], 1 - np.array(s), pos_label=0)
    assert eer_real == pytest.approx(equal_error_rate([0, 0, 1, 1], s)[0])
    with pytest.raises(ValueError, match="pass pos_label"):
        equal_error_rate(["a", "b"], [0.1, 0.2])
    with pytest.raises(ValueError, match="both classes"):
        equal_error_rate([1, 1], [0.1, 0.2])
    with pytest.raises(ValueError, match="same length"):
        equal_error_rate([0, 1], [0.1])
    with pytest.raises(ValueError, match="NaN"):
        equal_error_rate([0, 1], [0.1, np.nan])


@settings(max_examples=60, deadline=None)
@given(n_real=st.integers(1, 40), n_fake=st.integers(1, 40), seed=st.integers(0, 10_000))
def test_eer_agrees_with_sklearn_roc_curve(n_real, n_fake, seed):
    rng = np.random.default_rng(seed)
    y = np.r_[np.zeros(n_real, int), np.ones(n_fake, int)]
    s = rng.normal(size=len(y)) + y  # continuous: no tied scores
    eer, _ = equal_error_rate(y, s)
    # Without ties both curves visit the same operating points; the EER is the
    # mean of the two error rates at a point where they are closest.
    fpr, tpr, _ = roc_curve(y, s, drop_intermediate=False)
    gap = np.abs((1 - tpr) - fpr)
    closest = np.flatnonzero(np.isclose(gap, gap.min()))
    assert any(np.isclose(eer, ((1 - tpr[i]) + fpr[i]) / 2) for i in closest)


def test_det_curve_matches_sklearn_rates_at_shared_thresholds():
    rng = np.random.default_rng(0)
    y = rng.integers(0, 2, 200)
    s = rng.normal(size=200) + y
    fpr, fnr, thr = asvspoof_det_curve(y, s)
    sk_fpr, sk_tpr, sk_thr = roc_curve(y, s)
    for t, a, b in zip(thr[1:], fnr[1:], fpr[1:]):
        # sklearn flags score >= threshold; ASVspoof flags score > threshold
        flagged = s > t
        assert b == pytest.approx(np.mean(flagged[y == 0]))
        assert a == pytest.approx(np.mean(~flagged[y == 1]))


def test_asvspoof_det_curve_is_in_sklearn_det_curve_order_and_the_old_name_warns():
    from sklearn.metrics import det_curve

    y, s = [0, 0, 1, 1, 0, 1], [0.1, 0.6, 0.4, 0.9, 0.3, 0.8]
    fpr, fnr, thr = asvspoof_det_curve(y, s)
    sk_fpr, sk_fnr, sk_thr = det_curve(y, s)
    for a, b, t in zip(sk_fpr, sk_fnr, sk_thr):  # sklearn flags >= t; the same as > just below t
        i = np.searchsorted(thr, t) - 1
        assert (fpr[i], fnr[i]) == pytest.approx((a, b))
    with pytest.warns(FutureWarning, match="asvspoof_det_curve"):
        old = det_curve_asvspoof(y, s)
    np.testing.assert_array_equal(old[0], fnr)
    np.testing.assert_array_equal(old[1], fpr)


def test_min_dcf_hand_computed():
    assert min_dcf([0, 0, 1, 1], [0.1, 0.2, 0.8, 0.9]) == 0.0
    assert min_dcf([0, 1], [0.9, 0.1]) == 1.0  # no better than accepting everything
    # one bona fide clip above every spoof: rejecting it costs 0.95 * 1/2
    y = [0, 0, 1, 1]
    s = [0.1, 0.95, 0.8, 0.9]
    costs = [0.95 * fr + 0.5 * sm for fr, sm in [(0.5, 0.0), (0.0, 1.0), (1.0, 0.0)]]
    assert min_dcf(y, s) == pytest.approx(min(costs) / 0.5)
    assert min_dcf(y, s, p_spoof=0.5, c_fa=1) == pytest.approx(0.5)
    with pytest.raises(ValueError, match="p_spoof"):
        min_dcf(y, s, p_spoof=0)


def test_cllr_hand_computed():
    assert cllr([0, 1], [0.5, 0.5]) == pytest.approx(1.0)
    assert cllr([0, 1], [0.01, 0.99]) == pytest.approx(np.log2(1 + 1 / 99))
    assert cllr([0, 1], [0.99, 0.01]) > 1  # confidently wrong costs more than nothing
    assert cllr([0, 1], [-2.0, 2.0], scores="llr") == pytest.approx(np.log2(1 + np.exp(-2)))
    with pytest.raises(ValueError, match="probabilities"):
        cllr([0, 1], [-2.0, 2.0])


@pytest.mark.parametrize("scorer", [eer_scorer, min_dcf_scorer, cllr_scorer])
def test_scorers_in_model_selection(scorer):
    rng = np.random.default_rng(0)
    X = rng.normal(size=(120, 3))
    y = np.where(X[:, 0] + 0.3 * rng.normal(size=120) > 0, "fake", "real")
    res = cross_validate(
        XGBoostClassifier(n_estimators=20),
        X,
        y,
        scoring=scorer,
        cv=3,
        return_estimator=True,
        return_indices=True,
    )
    # Each fold's score is minus the metric of that fold's P(fake), recomputed here.
    metric = {
        "eer_scorer": lambda t, p: equal_error_rate(t, p)[0],
        "min_dcf_scorer": min_dcf,
        "cllr_scorer": cllr,
    }[scorer.__name__]
    for est, test, score in zip(res["estimator"], res["indices"]["test"], res["test_score"]):
        p_fake = est.predict_proba(X[test])[:, list(est.classes_).index("fake")]
        assert score == pytest.approx(-metric(y[test], p_fake))
    # Greater is better: a constant model scores worse than the fitted one.
    from sklearn.dummy import DummyClassifier

    dummy = cross_validate(DummyClassifier(strategy="stratified", random_state=0), X, y, scoring=scorer, cv=3)
    assert dummy["test_score"].mean() < res["test_score"].mean()


def test_eer_scorer_uses_p_fake_whatever_the_label_order():
    rng = np.random.default_rng(1)
    X = rng.normal(size=(100, 2))
    y01 = (X[:, 0] > 0).astype(int)
    ystr = np.array(["real", "fake"])[y01]
    a = eer_scorer(XGBoostClassifier(n_estimators=10, random_state=0).fit(X, y01), X, y01)
    b = eer_scorer(XGBoostClassifier(n_estimators=10, random_state=0).fit(X, ystr), X, ystr)
    assert a == pytest.approx(b)
    assert a > -0.1


def _pav(labels):
    """Pool adjacent violators by hand (labels sorted by score): block means, non-decreasing."""
    blocks = []  # [sum, count]
    for label in labels:
        blocks.append([float(label), 1])
        while len(blocks) > 1 and blocks[-2][0] / blocks[-2][1] > blocks[-1][0] / blocks[-1][1]:
            total, count = blocks.pop()
            blocks[-1][0] += total
            blocks[-1][1] += count
    return np.concatenate([np.full(count, total / count) for total, count in blocks])


def test_min_cllr_by_hand_and_against_a_transcription_of_pav():
    from skdeepfake.metrics import min_cllr

    # PAV pools (fake, real) at scores 2-3: posteriors 0, 0.5, 0.5, 1 at prior 0.5.
    assert min_cllr([0, 1, 0, 1], [1, 2, 3, 4]) == pytest.approx(0.5)
    assert min_cllr([0, 0, 1, 1], [1, 2, 3, 4]) == 0.0
    assert min_cllr([0, 1, 0, 1], [0.5] * 4) == pytest.approx(1.0)  # no discrimination
    rng = np.random.default_rng(0)
    y = rng.integers(0, 2, 300)
    score = rng.normal(size=300) + 1.2 * y
    order = np.argsort(score)
    posterior = _pav(y[order])
    prior = y.mean()
    with np.errstate(divide="ignore"):
        llr = np.log(posterior) - np.log1p(-posterior) - np.log(prior / (1 - prior))
    spoofed = y[order] == 1
    expected = (
        np.mean(np.logaddexp(0, -llr[spoofed])) / np.log(2)
        + np.mean(np.logaddexp(0, llr[~spoofed])) / np.log(2)
    ) / 2
    assert min_cllr(y, score) == pytest.approx(expected, rel=1e-9)
    # only the order matters, and no calibration does better
    assert min_cllr(y, np.exp(score)) == pytest.approx(expected, rel=1e-9)
    p = 1 / (1 + np.exp(-score))
    assert min_cllr(y, p) <= cllr(y, p)
    assert min_cllr(np.where(y == 1, "fake", "real"), score) == pytest.approx(expected, rel=1e-9)
