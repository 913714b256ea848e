"""A detector that is calibrated and can say "uncertain": calibration, abstention, labels, files, CLI."""

import copy
import inspect
import json

import numpy as np
import pytest
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import LeaveOneGroupOut, StratifiedKFold, cross_val_predict

from skdeepfake.calibration import VERDICTS, AbstainingDetector, verdicts
from skdeepfake.cli import main
from skdeepfake.labels import log_odds
from skdeepfake.persistence import load_model, save_model
from skdeepfake.pipelines import make_detector
from skdeepfake.scoring import score_files

from .conftest import SR, write_audio


def _blobs(n=80, seed=0, shift=1.5):
    rng = np.random.default_rng(seed)
    X = np.r_[rng.normal(0, 1, (n, 4)), rng.normal(shift, 1, (n, 4))]
    y = np.r_[np.zeros(n, int), np.ones(n, int)]
    return X, y


def test_the_llr_is_a_logistic_calibration_of_out_of_fold_log_odds():
    """Transcribes the computation: folds, out-of-fold log-odds, balanced logistic regression."""
    X, y = _blobs()
    detector = AbstainingDetector(LogisticRegression(), cv=4, random_state=3).fit(X, y)
    folds = StratifiedKFold(4, shuffle=True, random_state=3)
    oof = cross_val_predict(LogisticRegression(), X, y, cv=folds, method="predict_proba")[:, 1]
    s = np.log(np.clip(oof, 1e-7, 1 - 1e-7)) - np.log1p(-np.clip(oof, 1e-7, 1 - 1e-7))
    reference = LogisticRegression(C=1e4, class_weight="balanced").fit(s[:, None], y)
    a, b = detector.calibration_
    assert a == pytest.approx(reference.coef_[0, 0], rel=1e-6)
    assert b == pytest.approx(reference.intercept_[0], rel=1e-6, abs=1e-9)
    np.testing.assert_allclose(detector.oof_llr_, a * s + b)
    full = LogisticRegression().fit(X, y).predict_proba(X)[:, 1]
    np.testing.assert_allclose(detector.llr(X), a * log_odds(full) + b, rtol=1e-10)


def test_groups_leave_whole_sources_out():
    X, y = _blobs()
    groups = np.tile(np.arange(8), len(y) // 8)
    detector = AbstainingDetector(LogisticRegression(), cv=5).fit(
        X, y, groups=groups
    )  # 8 > cv: still one out
    oof = cross_val_predict(
        LogisticRegression(), X, y, groups=groups, cv=LeaveOneGroupOut(), method="predict_proba"
    )
    a, b = detector.calibration_
    np.testing.assert_allclose(detector.oof_llr_, a * log_odds(oof[:, 1]) + b)
    with pytest.raises(ValueError, match="1 group given"):
        AbstainingDetector(LogisticRegression()).fit(X, y, groups=np.zeros(len(y)))


def test_the_posterior_is_the_llr_at_the_stated_prior():
    X, y = _blobs()
    for prior in (0.5, 0.1, 0.9):
        detector = AbstainingDetector(LogisticRegression(), prior=prior).fit(X, y)
        llr = detector.llr(X)
        expected = 1 / (1 + np.exp(-(llr + np.log(prior / (1 - prior)))))
        np.testing.assert_allclose(detector.predict_proba(X)[:, 1], expected, rtol=1e-9)
        np.testing.assert_array_equal(detector.predict(X), (expected >= 0.5).astype(int))


@pytest.mark.parametrize(
    "real, fake", [(0, 1), ("real", "fake"), ("bonafide", "spoof"), ("Real", "Fake")], ids=str
)
def test_label_names_never_flip_the_llr_or_the_verdict(real, fake):
    X, y = _blobs()
    reference = AbstainingDetector(LogisticRegression()).fit(X, y)
    labels = np.where(y == 1, fake, real)
    labelled = AbstainingDetector(LogisticRegression()).fit(X, labels)
    np.testing.assert_allclose(labelled.llr(X), reference.llr(X), rtol=1e-6, atol=1e-9)
    np.testing.assert_array_equal(labelled.verdict(X).label, reference.verdict(X).label)
    column = list(labelled.classes_).index(fake)
    np.testing.assert_allclose(
        labelled.predict_proba(X)[:, column], reference.predict_proba(X)[:, 1], rtol=1e-6
    )
    # scikit-learn's sign convention: decision_function is positive for classes_[1]
    sign = 1 if column == 1 else -1
    np.testing.assert_allclose(labelled.decision_function(X), sign * reference.llr(X), rtol=1e-6, atol=1e-9)


def test_it_abstains_far_from_its_data_and_on_weak_evidence_with_the_reason():
    X, y = _blobs()
    detector = AbstainingDetector(LogisticRegression(), band=1.0).fit(X, y)
    points = np.array([[-1.0] * 4, [0.75] * 4, [2.5] * 4, [60.0] * 4])
    v = detector.verdict(points)
    assert v.label.tolist() == ["real", "uncertain", "fake", "uncertain"]
    assert v.reason[0] is None
    assert v.reason[2] is None
    assert v.reason[1].startswith("weak evidence: LLR")
    assert abs(v.llr[1]) < 1.0
    assert v.reason[3].startswith("out of domain:")
    assert v.distance[3] > detector.ood_threshold_
    # the threshold is the 99th percentile of held-out training distances
    assert detector.ood_threshold_ == pytest.approx(np.quantile(detector.oof_distance_, 0.99))
    open_ = AbstainingDetector(LogisticRegression(), band=0.0, ood_quantile=1.0).fit(X, y)
    assert "uncertain" not in open_.verdict(points).label.tolist()


def test_verdicts_of_a_detector_that_cannot_abstain_use_the_threshold():
    X, y = _blobs()
    plain = LogisticRegression().fit(X, y)
    v = verdicts(plain, X, threshold=0.9)
    p = plain.predict_proba(X)[:, 1]
    assert v.label.tolist() == np.where(p >= 0.9, "fake", "real").tolist()
    assert all(r is None for r in v.reason)
    abstaining = AbstainingDetector(LogisticRegression()).fit(X, y)
    strict = verdicts(abstaining, X, threshold=0.99)
    own = verdicts(abstaining, X)
    uncertain = own.label == "uncertain"
    assert (strict.label[uncertain] == "uncertain").all()  # a threshold never overrides abstention
    assert (strict.label == "fake").sum() <= (own.label == "fake").sum()


@pytest.fixture(scope="module")
def abstaining(speech):
    X, y = speech.data[:60], speech.target[:60]
    return make_detector("linear", abstain=True, random_state=0).fit(X, y)


def test_an_abstaining_pipeline_saves_loads_and_scores_files_with_verdicts(abstaining, speech, tmp_path):
    path = tmp_path / "m.skdf"
    save_model(abstaining, path)
    loaded = load_model(path)
    X = speech.data[60:70]
    np.testing.assert_allclose(loaded.predict_proba(X), abstaining.predict_proba(X))
    files = [write_audio(tmp_path / f"{i}.wav", x) for i, x in enumerate(speech.data[60:66])]
    files.append(write_audio(tmp_path / "silence.wav", np.zeros(SR, np.float32)))
    rows = list(score_files(loaded, files))
    assert all(r.label in VERDICTS for r in rows)
    assert rows[-1].label == "uncertain"
    assert "digital silence" in rows[-1].reason
    expected = verdicts(abstaining, [str(f) for f in files[:-1]])
    assert [r.label for r in rows[:-1]] == expected.label.tolist()


def test_predict_prints_uncertain_with_its_reason_in_every_format(abstaining, speech, tmp_path, capsys):
    path = tmp_path / "m.skdf"
    save_model(abstaining, path)
    good = write_audio(tmp_path / "good.wav", speech.data[61])
    silent = write_audio(tmp_path / "silent.wav", np.zeros(SR, np.float32))
    assert main(["predict", "--model", str(path), str(good), str(silent)]) == 0
    out = capsys.readouterr()
    lines = out.out.strip().split("\n")
    assert lines[0].split("\t") == ["file", "p_fake", "label", "reason"]
    row = dict(zip(lines[0].split("\t"), lines[2].split("\t")))
    assert row["label"] == "uncertain"
    assert "digital silence" in row["reason"]
    assert "1 uncertain" in out.err
    assert main(["predict", "--model", str(path), "--format", "json", str(silent)]) == 0
    record = json.loads(capsys.readouterr().out.strip())
    assert record["label"] == "uncertain"
    assert "digital silence" in record["reason"]


def test_windows_with_abstention_are_refused():
    with pytest.raises(ValueError, match="abstain=True scores whole recordings"):
        make_detector("linear", abstain=True, whole_recording="windows")


def test_scores_that_point_the_wrong_way_out_of_fold_are_no_evidence():
    """A detector worse than chance on held-out sources gets LLR 0, never its scores flipped."""
    rng = np.random.default_rng(0)
    groups = np.repeat(np.arange(4), 40)
    y = np.tile(np.r_[np.zeros(20, int), np.ones(20, int)], 4)
    # within each group the feature separates the classes, but its sign alternates between groups
    sign = np.where(groups % 2 == 0, 1.0, -1.0)
    X = (sign * (2 * y - 1))[:, None] + rng.normal(0, 0.3, (len(y), 1))
    detector = AbstainingDetector(LogisticRegression(), cv=4).fit(X, y, groups=groups)
    # each held-out group is scored by a model fitted mostly on groups of the other sign
    oof = cross_val_predict(
        LogisticRegression(), X, y, groups=groups, cv=LeaveOneGroupOut(), method="predict_proba"
    )
    assert np.corrcoef(oof[:, 1], y)[0, 1] < 0
    assert detector.calibration_ == (0.0, 0.0)
    assert (detector.verdict(X).label == "uncertain").all()


def test_balance_by_groups_weighs_each_source_the_same_within_its_class():
    """Transcribes the weighting: a 60-clip source of real speech counts as much as a 5-clip one."""
    from skdeepfake.calibration._domain import balanced_weights

    is_fake = np.r_[np.zeros(65, bool), np.ones(30, bool)]
    groups = np.r_[["big"] * 60, ["small"] * 5, ["f1"] * 10, ["f2"] * 20]
    w = balanced_weights(is_fake, groups)
    sums = {g: w[groups == g].sum() for g in ("big", "small", "f1", "f2")}
    assert sums["big"] == pytest.approx(sums["small"]), sums
    assert sums["f1"] == pytest.approx(sums["f2"]), sums
    assert sums["big"] + sums["small"] == pytest.approx(sums["f1"] + sums["f2"]), sums
    assert w.sum() == pytest.approx(len(w))

    # The calibration is the weighted logistic regression of the out-of-fold log-odds.
    X, y = _blobs(n=60, seed=4)
    g = np.r_[np.repeat(["a", "b", "c"], [40, 10, 10]), np.repeat(["d", "e"], [50, 10])]
    detector = AbstainingDetector(LogisticRegression(), balance="groups").fit(X, y, groups=g)
    s = log_odds(
        cross_val_predict(
            LogisticRegression(), X, y, cv=LeaveOneGroupOut(), groups=g, method="predict_proba"
        )[:, 1]
    )
    reference = LogisticRegression(C=1e4).fit(s[:, None], y, sample_weight=balanced_weights(y == 1, g))
    assert detector.calibration_ == pytest.approx((reference.coef_[0, 0], reference.intercept_[0]), rel=1e-6)
    with pytest.raises(ValueError, match="balance='groups'.*needs groups"):
        AbstainingDetector(LogisticRegression(), balance="groups").fit(X, y)


def test_linear_calibration_is_the_public_owner_of_the_llr_fit():
    """Scores that point the right way give a > 0 and the balanced logistic fit; the wrong way give no evidence."""
    from skdeepfake.calibration import linear_calibration
    from skdeepfake.calibration._domain import balanced_weights

    rng = np.random.default_rng(0)
    is_fake = np.r_[np.zeros(80, bool), np.ones(20, bool)]
    s = rng.normal(size=100) + 2.0 * is_fake
    reference = LogisticRegression(C=1e4).fit(s[:, None], is_fake, sample_weight=balanced_weights(is_fake))
    a, b = linear_calibration(s, is_fake)
    assert a == pytest.approx(reference.coef_[0, 0], rel=1e-6), (a, reference.coef_)
    assert b == pytest.approx(reference.intercept_[0], rel=1e-6), (b, reference.intercept_)
    assert a > 0, a
    assert linear_calibration(-s, is_fake) == (0.0, 0.0)
    with pytest.raises(ValueError, match="both spoofed and bona fide"):
        linear_calibration(s, np.ones(100, bool))
    with pytest.raises(ValueError, match="finite"):
        linear_calibration(np.r_[s[:-1], np.inf], is_fake)
    with pytest.raises(ValueError, match="groups has 3 entries"):
        linear_calibration(s, is_fake, groups=["a", "b", "c"])


def test_a_domain_transformer_decides_what_out_of_domain_means():
    """The one-class model sees the domain transformer's rows only, out of fold as in fit."""
    from sklearn.preprocessing import FunctionTransformer, StandardScaler

    from skdeepfake.calibration._domain import gaussian, mahalanobis

    X, y = _blobs(n=60, seed=1)
    first_two = FunctionTransformer(lambda A: A[:, :2])
    detector = AbstainingDetector(LogisticRegression(), domain=first_two).fit(X, y)
    far_in_ignored = np.array([[0.5, 0.5, 40.0, 40.0]])
    far_in_domain = np.array([[40.0, 40.0, 0.5, 0.5]])
    assert detector.distance(far_in_ignored)[0] < detector.ood_threshold_
    assert detector.distance(far_in_domain)[0] > detector.ood_threshold_
    assert detector.verdict(far_in_domain).reason[0].startswith("out of domain")

    # A domain transformer that learns from its rows is fitted on each fold's training rows.
    fitted = AbstainingDetector(LogisticRegression(), cv=3, domain=StandardScaler(), random_state=2).fit(X, y)
    folds = StratifiedKFold(3, shuffle=True, random_state=2).split(X, y)
    expected = np.empty(len(y))
    for train, test in folds:
        scaler = StandardScaler().fit(X[train])
        expected[test] = mahalanobis(scaler.transform(X[test]), gaussian(scaler.transform(X[train])))
    np.testing.assert_allclose(fitted.oof_distance_, expected, rtol=1e-10)


def test_a_frozen_detector_is_calibrated_and_kept_as_it_was():
    """A classifier fitted elsewhere (FrozenEstimator): only the calibration and the domain are learnt."""
    from sklearn.frozen import FrozenEstimator

    X, y = _blobs(n=60, seed=2)
    other = np.r_[0:30, 60:90]  # the data it was fitted on; the rest calibrates it
    rest = np.setdiff1d(np.arange(len(y)), other)
    elsewhere = LogisticRegression(C=0.01).fit(X[other], y[other])
    coef = elsewhere.coef_.copy()
    detector = AbstainingDetector(FrozenEstimator(elsewhere), cv=4).fit(X[rest], y[rest])
    np.testing.assert_array_equal(elsewhere.coef_, coef)
    # Every out-of-fold score is the frozen classifier's own score.
    s = log_odds(elsewhere.predict_proba(X[rest])[:, 1])
    a, b = detector.calibration_
    assert a > 0
    np.testing.assert_allclose(detector.oof_llr_, a * s + b, rtol=1e-10)
    np.testing.assert_allclose(
        detector.llr(X), a * log_odds(elsewhere.predict_proba(X)[:, 1]) + b, rtol=1e-10
    )


def test_recordings_shorter_than_min_duration_are_uncertain_with_the_reason(
    abstaining, speech, tmp_path, capsys
):
    detector = copy.deepcopy(abstaining).set_params(model__min_duration=1.5)
    whole, short = speech.data[61], speech.data[61][: SR // 2]
    assert len(whole) / SR >= 1.5
    unguarded = verdicts(abstaining, [whole, short])
    found = verdicts(detector, [whole, short])
    assert found.label[0] == unguarded.label[0]
    assert found.reason[0] == unguarded.reason[0]
    assert found.label[1] == "uncertain"
    assert found.reason[1] == "too short: 0.50 s of audio, under the 1.5 s this detector judges"
    np.testing.assert_array_equal(found.p_fake, unguarded.p_fake)  # the score is kept, the verdict withheld
    # the same from files, their durations read from the headers
    files = [str(write_audio(tmp_path / "whole.wav", whole)), str(write_audio(tmp_path / "short.wav", short))]
    assert verdicts(detector, files).label.tolist() == found.label.tolist()
    # and from the command line
    path = tmp_path / "m.skdf"
    save_model(detector, path)
    assert main(["predict", "--model", str(path), "--format", "json", files[1]]) == 0
    record = json.loads(capsys.readouterr().out.strip())
    assert record["label"] == "uncertain"
    assert record["reason"].startswith("too short: 0.50 s")


def test_band_limited_recordings_are_uncertain_with_the_reason(abstaining, speech, tmp_path, capsys):
    """min_bandwidth: an 8-kHz copy of a clip is "uncertain" (band-limited), the full-band clip keeps its verdict."""
    import soxr

    detector = copy.deepcopy(abstaining).set_params(model__min_bandwidth=4000.0)
    whole = speech.data[61]
    narrow = soxr.resample(soxr.resample(whole, SR, 8000), 8000, SR).astype(np.float32)
    unguarded = verdicts(abstaining, [whole, narrow])
    found = verdicts(detector, [whole, narrow])
    assert (found.label[0], found.reason[0]) == (unguarded.label[0], unguarded.reason[0])
    assert found.label[1] == "uncertain", found.label
    assert found.reason[1].startswith("band-limited: nothing above 4000 Hz"), found.reason[1]
    np.testing.assert_array_equal(found.p_fake, unguarded.p_fake)  # the score is kept, the verdict withheld
    # too short wins over band-limited: it is the more basic reason
    both = copy.deepcopy(detector).set_params(model__min_duration=1.0)
    assert verdicts(both, [narrow[: SR // 2]]).reason[0].startswith("too short"), "short first"
    # from files and from the command line, through a saved model
    files = [
        str(write_audio(tmp_path / "whole.wav", whole)),
        str(write_audio(tmp_path / "narrow.wav", narrow)),
    ]
    assert verdicts(detector, files).label.tolist() == found.label.tolist()
    path = tmp_path / "m.skdf"
    save_model(detector, path)
    assert main(["predict", "--model", str(path), "--format", "json", files[1]]) == 0
    record = json.loads(capsys.readouterr().out.strip())
    assert (record["label"], record["reason"][:13]) == ("uncertain", "band-limited:"), record


def test_band_limited_measures_the_energy_above_the_cutoff():
    """Transcribes the rule: under floor_db of the energy above 100 Hz lies above the cutoff."""
    from skdeepfake.io import band_limited

    rng = np.random.default_rng(0)
    noise = rng.standard_normal(SR)
    t = np.arange(SR) / SR
    tone = np.sin(2 * np.pi * 1000 * t)
    # a 1-kHz tone with a 6-kHz partial 40 dB down (kept) or 60 dB down (band-limited), a shorter recording,
    # silence, and white noise
    rows = [tone + 1e-2 * np.sin(2 * np.pi * 6000 * t), tone + 1e-3 * np.sin(2 * np.pi * 6000 * t)]
    found = band_limited(rows + [tone[:4000], np.zeros(SR), noise], sr=SR)
    assert found.tolist() == [False, True, True, True, False], found
    assert band_limited(np.stack(rows), sr=SR).tolist() == [False, True]
    assert band_limited([noise], sr=SR, cutoff=SR / 2).tolist() == [True]  # nothing lies above Nyquist
    assert band_limited([rows[1]], sr=SR, floor_db=-70.0).tolist() == [False]
    # only the first BAND_SECONDS count: a full-band burst after them does not change the verdict
    from skdeepfake.io._inspect import BAND_SECONDS

    late = np.r_[np.tile(tone, int(BAND_SECONDS) + 1), noise]
    assert band_limited([late], sr=SR).tolist() == [True]


def test_min_duration_needs_the_recordings_not_rows_of_fixed_length():
    X, y = _blobs()
    detector = AbstainingDetector(LogisticRegression(), min_duration=10.0).fit(X, y)
    # feature rows carry no duration: verdicts are the detector's own
    assert verdicts(detector, X[:5]).label.tolist() == detector.verdict(X[:5]).label.tolist()


def test_a_file_written_before_a_parameter_was_added_loads_with_its_default(tmp_path, monkeypatch):
    """A model file lacks the parameters its class gained since: they take their defaults, as on construction."""
    X, y = _blobs()
    detector = AbstainingDetector(LogisticRegression()).fit(X, y)
    save_model(detector, tmp_path / "old.skdf")
    original = AbstainingDetector.__init__

    def newer_init(self, estimator, *, added_later=7, **params):  # the class as a later version has it
        original(self, estimator, **params)
        self.added_later = added_later

    newer_init.__signature__ = inspect.Signature(
        [*inspect.signature(original).parameters.values()]
        + [inspect.Parameter("added_later", inspect.Parameter.KEYWORD_ONLY, default=7)]
    )
    monkeypatch.setattr(AbstainingDetector, "__init__", newer_init)
    loaded = load_model(tmp_path / "old.skdf")
    assert loaded.get_params(deep=False)["added_later"] == 7
    np.testing.assert_array_equal(loaded.predict_proba(X), detector.predict_proba(X))


def test_a_fixed_length_abstaining_detector_gives_files_its_own_verdict(speech, tmp_path):
    """Its loader takes the excerpt it judges; averaging window scores would lose the abstention."""
    detector = make_detector("linear", abstain=True, whole_recording=False, random_state=0)
    detector.fit(speech.data[:60], speech.target[:60])
    detector.set_params(model__band=50.0)  # every verdict weak evidence: only the detector itself says so
    recordings = [np.tile(x, 3) for x in speech.data[60:63]]  # longer than its 2-s input
    files = [str(write_audio(tmp_path / f"{i}.wav", x)) for i, x in enumerate(recordings)]
    rows = list(score_files(detector, files))
    expected = verdicts(detector, files)
    assert [r.label for r in rows] == ["uncertain"] * 3
    assert [r.reason for r in rows] == expected.reason.tolist()
    np.testing.assert_allclose([r.p_fake for r in rows], expected.p_fake, rtol=1e-6)
