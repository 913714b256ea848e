"""LFCC, CQCC and linear sub-bands against independent computations; pooling; GMM and LCNN."""

import pickle

import librosa
import numpy as np
import pytest
import scipy.fft
import scipy.interpolate
from sklearn.base import clone
from sklearn.model_selection import GridSearchCV, StratifiedKFold, cross_val_score

from skdeepfake.features import CQCC, LFCC, STATISTICS, HandcraftedFeatures, LinearSubbands, MelSpectrogram
from skdeepfake.metrics import eer_scorer
from skdeepfake.models import GMMClassifier
from skdeepfake.pipelines import make_detector, make_frontend, make_gmm_pipeline, make_linear_pipeline

from ._cqt_toolbox import matlab_deltas, toolbox_cqcc

SR = 16000


@pytest.fixture(scope="module")
def clips(speech):
    return np.asarray(speech.data[:4])


# -- independent reference computations (numpy, scipy, librosa clip by clip) -----------


def _edge_delta(c):
    padded = np.pad(c, ((0, 0), (1, 1)), mode="edge")
    return (padded[:, 2:] - padded[:, :-2]) / 2


def reference_lfcc(x, n_filters=20, n_lfcc=20, n_fft=512, win=320, hop=160, pre=0.97, log_energy=False):
    """LFCC as the ASVspoof 2021 baseline computes it, written out loop by loop."""
    x = x.astype(np.float64)
    y = np.concatenate([x[:1], x[1:] - pre * x[:-1]])
    S = (
        np.abs(
            librosa.stft(
                y,
                n_fft=n_fft,
                hop_length=hop,
                win_length=win,
                window="hamming",
                center=True,
                pad_mode="constant",
            )
        )
        ** 2
    )
    f = np.linspace(0, SR / 2, n_fft // 2 + 1)
    e = np.linspace(0, SR / 2, n_filters + 2)
    fb = np.zeros((n_filters, len(f)))
    for i in range(n_filters):
        a, b, c = e[i], e[i + 1], e[i + 2]
        for k, fk in enumerate(f):  # MATLAB's trimf
            if a < fk < b:
                fb[i, k] = (fk - a) / (b - a)
            elif b <= fk < c:
                fb[i, k] = (c - fk) / (c - b)
    eps = np.finfo(np.float32).eps
    c = scipy.fft.dct(np.log10(fb @ S + eps), type=2, norm="ortho", axis=0)[:n_lfcc]
    if log_energy:
        c[0] = np.log10(S.sum(axis=0) / n_fft + eps)
    d1 = _edge_delta(c)
    return np.vstack([c, d1, _edge_delta(d1)])


def reference_cqcc(x, B=96, octaves=9, d=16, n=20, hop=256):
    """CQCC as Todisco et al.'s cqcc.m: CQT, log power, spline to a uniform grid, DCT."""
    fmin = SR / 2 / 2**octaves
    C = librosa.cqt(
        x.astype(np.float64),
        sr=SR,
        hop_length=hop,
        fmin=fmin,
        n_bins=octaves * B,
        bins_per_octave=B,
        tuning=0.0,
        pad_mode="constant",
    )
    L = np.log(np.abs(C) ** 2 + np.finfo(float).eps)
    freqs = fmin * 2 ** (np.arange(octaves * B) / B)
    grid = np.arange(fmin, freqs[-1] + 1e-9, fmin / d)
    U = scipy.interpolate.CubicSpline(freqs, L, axis=0)(grid)
    c = scipy.fft.dct(U, type=2, norm="ortho", axis=0)[:n]
    d1 = _edge_delta(c)
    return np.vstack([c, d1, _edge_delta(d1)])


# -- LFCC ---------------------------------------------------------------------------------


@pytest.mark.parametrize("n_out, n_in", [(1, 1), (3, 5), (20, 70), (30, 4099)])
def test_dct_basis_is_the_first_rows_of_scipys_orthonormal_dct(n_out, n_in):
    from skdeepfake.features._spectral import dct_basis

    x = np.random.default_rng(0).normal(size=n_in)
    expected = scipy.fft.dct(x, type=2, norm="ortho")[:n_out]
    # float32 rows: agreement to about 1e-7 of the sum of |x| over sqrt(n_in)
    np.testing.assert_allclose(
        dct_basis(n_out, n_in) @ x, expected, atol=1e-6 * np.abs(x).sum() / np.sqrt(n_in)
    )


def test_lfcc_matches_the_baseline_computation_with_deltas(clips):
    out = LFCC().fit_transform(clips)
    assert out.shape == (4, 60, 201)
    assert out.dtype == np.float32
    for x, got in zip(clips, out):
        # float32 STFT against float64: agreement to about 1e-6 of values up to ~10.
        np.testing.assert_allclose(got, reference_lfcc(x), atol=2e-5)


def test_lfcc_log_energy_and_no_preemphasis(clips):
    out = LFCC(log_energy=True, preemphasis=0.0).fit_transform(clips[:2])
    for x, got in zip(clips[:2], out):
        np.testing.assert_allclose(got, reference_lfcc(x, pre=0.0, log_energy=True), atol=2e-5)


def test_lfcc_other_settings_and_delta_orders(clips):
    out = LFCC(n_filters=30, n_lfcc=13, n_fft=1024, win_length=400, hop_length=200, n_deltas=1).fit_transform(
        clips[:1]
    )
    ref = reference_lfcc(clips[0], n_filters=30, n_lfcc=13, n_fft=1024, win=400, hop=200)[:26]
    assert out.shape == (1, 26, 161)
    np.testing.assert_allclose(out[0], ref, atol=2e-5)
    assert LFCC(n_deltas=0).fit_transform(clips[:1]).shape == (1, 20, 201)


def test_lfcc_cmvn_normalises_each_recording(clips):
    out = LFCC(cmvn="mean_variance").fit_transform(clips)
    np.testing.assert_allclose(out.mean(axis=-1), 0, atol=1e-4)
    np.testing.assert_allclose(out.std(axis=-1), 1, atol=1e-3)
    plain = LFCC().fit_transform(clips)
    np.testing.assert_allclose(
        LFCC(cmvn="mean").fit_transform(clips), plain - plain.mean(axis=-1, keepdims=True), atol=1e-4
    )


def test_lfcc_statistics_are_the_named_summaries_of_the_frames(clips):
    frames = LFCC().fit_transform(clips)
    lfcc = LFCC(output="stats", stats=("mean", "std", "p10", "p90", "median")).fit(clips)
    stats = lfcc.transform(clips)
    names = lfcc.get_feature_names_out()
    assert stats.shape == (4, 60 * 5) == (4, len(names))
    assert names[0] == "lfcc_00_mean"
    assert names[5 * 20] == "lfcc_delta_00_mean"
    assert names[-1] == "lfcc_delta2_19_median"
    row = 20 * 2 + 7  # lfcc_delta2_07
    np.testing.assert_allclose(stats[:, row * 5 + 2], np.percentile(frames[:, row], 10, axis=-1), rtol=1e-5)
    np.testing.assert_allclose(stats[:, row * 5 + 3], np.percentile(frames[:, row], 90, axis=-1), rtol=1e-5)
    np.testing.assert_allclose(stats[:, row * 5 + 1], frames[:, row].std(axis=-1), rtol=1e-5)
    assert not hasattr(LFCC().fit(clips), "get_feature_names_out")


def test_batching_and_threads_do_not_change_values(clips):
    X = np.concatenate([clips, clips[::-1]])
    for cls in (LFCC, LinearSubbands, MelSpectrogram):
        one = cls(batch_size=1).fit_transform(X)
        np.testing.assert_array_equal(one, cls(batch_size=64).fit_transform(X))
        np.testing.assert_array_equal(one, cls(batch_size=3, n_jobs=2).fit_transform(X))


@pytest.mark.parametrize(
    "make, match",
    [
        (lambda: LFCC(n_filters=10, n_lfcc=20), "n_lfcc=20 must be at most n_filters=10"),
        (lambda: LFCC(win_length=600, n_fft=512), "win_length=600 must be at most n_fft=512"),
        (lambda: LFCC(fmax=9000.0), "fmax=9000.0 lies above the Nyquist"),
        (lambda: LFCC(delta_width=4), "delta_width=4 must be odd"),
        (lambda: LFCC(stats=("mean", "mode")), "stats=.*unknown"),
        (lambda: LinearSubbands(n_bands=300), "n_bands=300 is too many for n_fft=512"),
        (lambda: CQCC(fmax=9000.0), "fmax=9000.0 lies above the Nyquist.*beyond Nyquist"),
        (lambda: CQCC(n_uniform=1, n_octaves=1, n_cqcc=40), "n_cqcc=40 exceeds"),
    ],
)
def test_bad_parameters_name_the_parameter(make, match, clips):
    with pytest.raises(ValueError, match=match):
        make().fit(clips[:1])


def test_frames_longer_than_the_clip_are_refused():
    with pytest.raises(ValueError, match="at least 320 samples.*win_length=320.*X has 100 samples"):
        LFCC().fit(np.zeros((2, 100), np.float32))
    with pytest.raises(ValueError, match=r"X\[1\] has 50 samples"):
        LFCC(output="stats").fit([np.zeros(1000, np.float32), np.zeros(50, np.float32)])


# -- linear sub-bands -------------------------------------------------------------------


def test_linear_subbands_match_a_direct_computation(clips):
    bands = LinearSubbands(n_bands=32, output="frames").fit(clips)
    out = bands.transform(clips[:2])
    f = np.linspace(0, SR / 2, 257)
    for x, got in zip(clips[:2], out):
        S = (
            np.abs(
                librosa.stft(
                    x.astype(np.float64),
                    n_fft=512,
                    hop_length=160,
                    win_length=320,
                    window="hamming",
                    pad_mode="constant",
                )
            )
            ** 2
        )
        ref = np.empty((32, S.shape[1]))
        for b in range(32):
            lo, hi = b * 250.0, (b + 1) * 250.0
            inside = (f >= lo) & ((f < hi) if b < 31 else (f <= hi))
            ref[b] = np.log10(S[inside].mean(axis=0) + np.finfo(np.float32).eps)
        np.testing.assert_allclose(got, ref, atol=2e-5)
    assert bands.band_edges_[[0, 1, -1]].tolist() == [0.0, 250.0, 8000.0]


# -- CQCC -------------------------------------------------------------------------------


@pytest.mark.filterwarnings("ignore:n_fft=.*is too large:UserWarning")  # librosa, in the reference
def test_cqcc_with_librosa_filters_matches_the_reference_algorithm(clips):
    out = CQCC(filters="librosa", delta_width=3).fit_transform(clips[:2])
    assert out.shape == (2, 60, 126)
    for x, got in zip(clips[:2], out):
        ref = reference_cqcc(x)
        # float32 CQT and a float32 resampling matrix against float64: c0 sums
        # thousands of log powers (|c0| ~ 1e3), so agreement is relative.
        np.testing.assert_allclose(got, ref, rtol=1e-4, atol=2e-3 + 1e-5 * np.abs(ref).max())


def test_cqcc_statistics_and_names(clips):
    cqcc = CQCC(output="stats", n_deltas=1, stats=("mean",)).fit(clips[:2])
    assert cqcc.transform(clips[:2]).shape == (2, 40)
    assert cqcc.get_feature_names_out()[[0, -1]].tolist() == ["cqcc_00_mean", "cqcc_delta_19_mean"]
    assert cqcc.cepstral_basis_.shape == (20, 863)


def _toolbox_correlations(cqcc, x, hop, **toolbox):
    """Per-coefficient correlation over time of ``cqcc``'s statics with cqcc.m's."""
    reference, times = toolbox_cqcc(x.astype(np.float64), SR, **toolbox)
    got = cqcc.transform(x[np.newaxis])[0]
    t = np.arange(got.shape[1]) * hop / SR
    keep = (times > 0.1) & (times < len(x) / SR - 0.1)
    return np.array(
        [np.corrcoef(np.interp(times, t, row)[keep], ref[keep])[0, 1] for row, ref in zip(got, reference)]
    )


@pytest.mark.filterwarnings("ignore:n_fft=.*is too large:UserWarning")
@pytest.mark.parametrize(
    "preset, toolbox, n_bins",
    [("cqcc", {}, 863), ("cqcc-2021", {"B": 12, "fmin": 62.5, "fmax": 4000.0}, 73)],
)
def test_cqcc_follows_cqcc_m_and_the_cqt_toolbox(clips, preset, toolbox, n_bins):
    """Against tests/_cqt_toolbox.py, a transcription of cqcc.m over the CQT toolbox.

    The toolbox's frames are set by its widest window (about 8.5 ms apart for
    the defaults, 2 ms for the 2021 baseline's) and lie on no hop grid, so ours
    are computed 1-2 ms apart and interpolated to its frame times; the first
    and last 0.1 s (the two pad differently) are left out. The filters are not
    the same functions (Hann windows in frequency there, in time here, of the
    same bandwidth), hence a correlation per coefficient over time, not
    equality.
    """
    hop = 32 if preset == "cqcc" else 16
    cqcc = make_frontend(preset, output="frames").set_params(hop_length=hop, n_deltas=0).fit(clips[:1])
    assert len(cqcc.cqt_frequencies_) == n_bins  # the toolbox's bins, all below Nyquist
    for x in clips[:2]:
        rho = _toolbox_correlations(cqcc, x, hop, **toolbox)
        assert np.median(rho) >= 0.98 and rho.min() >= 0.95, np.round(rho, 3)
    if preset == "cqcc":  # the check can fail: librosa.cqt's filters (twice as wide, no gamma) do not pass
        wide = CQCC(hop_length=hop, n_deltas=0, filters="librosa").fit(clips[:1])
        assert np.median(_toolbox_correlations(wide, clips[0], hop)) < 0.9


def test_cqcc_deltas_are_cqcc_m_deltas_over_three_frames(clips):
    cqcc = CQCC().fit(clips[:1])
    frames = cqcc.transform(clips[:1])[0]
    statics = frames[:20].astype(np.float64)
    d1 = matlab_deltas(statics, hlen=3)
    np.testing.assert_allclose(frames[20:40], d1, rtol=1e-4, atol=1e-4 * np.abs(d1).max())
    d2 = matlab_deltas(d1, hlen=3)
    np.testing.assert_allclose(frames[40:], d2, rtol=1e-4, atol=1e-4 * np.abs(d2).max())


def test_cqcc_from_an_old_model_file_keeps_the_librosa_filters(clips):
    old = CQCC()
    del old.filters  # as unpickled from a file written before the parameter existed
    assert old.filters == "librosa"
    assert len(old.fit(clips[:1]).cqt_frequencies_) == 864


# -- pooling over whole recordings -----------------------------------------------------------


@pytest.fixture(scope="module")
def recordings():
    from skdeepfake.datasets import make_synthetic_speech

    return make_synthetic_speech(n_samples=40, duration=(1.0, 5.0), random_state=1)


def test_stats_of_recordings_of_any_length_equal_their_clips_alone(recordings):
    X = recordings.data[:5]
    assert len({len(x) for x in X}) > 1
    for featurizer in (
        LFCC(output="stats"),
        LinearSubbands(),
        HandcraftedFeatures(features=("mfcc",)),
        MelSpectrogram(output="stats"),
        CQCC(output="stats", n_deltas=0),
    ):
        pooled = clone(featurizer).fit_transform(X)
        assert pooled.shape[0] == 5
        assert not hasattr(clone(featurizer).fit(X), "n_features_in_")
        for i in (0, 3):
            alone = clone(featurizer).fit_transform(X[i][np.newaxis])
            np.testing.assert_allclose(pooled[i], alone[0], rtol=1e-5, atol=1e-5)


def test_frames_of_recordings_of_different_lengths_are_refused(recordings):
    with pytest.raises(ValueError, match="needs clips of one length.*output='stats'"):
        LFCC().fit(recordings.data[:3])


def test_pooled_pipeline_summarises_the_whole_recording(recordings):
    pipe = make_linear_pipeline()
    assert pipe.named_steps["loader"].duration is None
    pipe.fit(recordings.data, recordings.target)
    long = [x for x in recordings.data if len(x) > 3 * SR][0]
    features = pipe[:-2]
    whole = features.transform([long])
    first_2s = features.transform([long[: 2 * SR]])
    assert not np.allclose(whole, first_2s)  # the tail counts
    assert pipe.predict_proba([long]).shape == (1, 2)


def test_pooled_is_only_for_tabular_models():
    with pytest.raises(ValueError, match="whole_recording='pooled'.*gmm model takes frames"):
        make_detector("gmm", whole_recording="pooled")
    with pytest.raises(ValueError, match="'whole_recording' parameter of make_detector"):
        make_detector("linear", whole_recording="sometimes")
    with pytest.raises(ValueError, match="features='mffc'.*unknown front-end"):
        make_frontend("mffc")


def test_linear_default_cross_validates_on_recordings(recordings):
    cv = StratifiedKFold(4, shuffle=True, random_state=0)
    scores = cross_val_score(
        make_linear_pipeline(), recordings.data, recordings.target, scoring=eer_scorer, cv=cv
    )
    # The synthetic vocoder's traces are plain in linear-frequency statistics.
    assert -scores.mean() < 0.15


def test_grid_search_over_front_end_and_model_together(recordings):
    grid = GridSearchCV(
        make_linear_pipeline(features="lfcc+cqcc+subbands+mfcc", whole_recording=False),
        {"features__lfcc__n_lfcc": [10, 20], "model__C": [0.01, 1.0]},
        scoring=eer_scorer,
        cv=StratifiedKFold(2, shuffle=True, random_state=0),
    ).fit(recordings.data[:16], recordings.target[:16])
    assert len(grid.cv_results_["params"]) == 4
    assert grid.best_estimator_.named_steps["features"].transformer_list[0][1].n_lfcc in (10, 20)


# -- GMM --------------------------------------------------------------------------------


def test_gmm_scores_are_mean_frame_log_likelihood_ratios():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(30, 4, 20))
    y = np.repeat(["real", "fake"], 15)
    X[y == "fake"] += 0.7
    gmm = GMMClassifier(n_components=3, random_state=0).fit(X, y)
    frames = X.transpose(0, 2, 1)
    llr = np.array(
        [gmm.gmms_[1].score_samples(f).mean() - gmm.gmms_[0].score_samples(f).mean() for f in frames]
    )
    np.testing.assert_allclose(gmm.decision_function(X), llr)
    assert gmm.classes_.tolist() == ["fake", "real"]
    p = gmm.predict_proba(X)
    assert np.all(np.argsort(p[:, 1]) == np.argsort(llr)) or np.corrcoef(p[:, 1], llr)[0, 1] > 0.99
    assert gmm.score(X, y) > 0.9


def test_gmm_default_bounds_em_and_reports_convergence():
    rng = np.random.default_rng(0)
    # 30,000 float32 frames per class (more than max_frames), a third of them constant (silence)
    X = (rng.normal(size=(40, 20, 1500)) + 30).astype(np.float32)
    X[:, :, :500] = -40.0
    y = np.repeat([0, 1], 20)
    X[y == 1, :, 500:] += 0.5
    gmm = GMMClassifier(n_components=64, random_state=0).fit(X, y)
    assert (gmm.n_iter_ <= 30).all()
    assert gmm.converged_.dtype == bool
    assert gmm.score(X, y) > 0.9


def test_gmm_needs_enough_frames_and_two_classes():
    X = np.zeros((4, 2, 3))
    with pytest.raises(ValueError, match="n_components=512.*class 0 has 6"):
        GMMClassifier().fit(X, [0, 0, 1, 1])
    with pytest.raises(ValueError, match="Only binary classification is supported"):
        GMMClassifier(n_components=1).fit(X, [0, 1, 2, 2])


def test_gmm_pipeline_clone_pickle_and_grid_search(speech):
    X, y = speech.data[:24], speech.target[:24]
    pipe = make_gmm_pipeline(n_components=4, random_state=0)
    grid = GridSearchCV(
        pipe,
        {"features__n_lfcc": [10, 20], "model__n_components": [2, 4]},
        scoring=eer_scorer,
        cv=StratifiedKFold(2, shuffle=True, random_state=0),
    ).fit(X, y)
    best = grid.best_estimator_
    again = pickle.loads(pickle.dumps(best))
    np.testing.assert_array_equal(again.predict_proba(X), best.predict_proba(X))
    refit = clone(best).fit(X, y)
    np.testing.assert_allclose(refit.predict_proba(X), best.predict_proba(X))


def test_gmm_whole_recording_weighs_windows_without_sample_weight(recordings):
    clf = make_gmm_pipeline(n_components=2, whole_recording=True, random_state=0)
    assert clf.weighting == "window"
    clf.fit(recordings.data[:12], recordings.target[:12])
    assert clf.predict_proba(recordings.data[:3]).shape == (3, 2)


# -- LCNN ---------------------------------------------------------------------------------


def _lcnn_parameters(height, width, dense=160):
    """Weights of Lavrentyeva et al.'s LCNN, counted by hand from its Table 1."""
    convs = [
        (5, 1, 64),
        (1, 32, 64),
        (3, 32, 96),
        (1, 48, 96),
        (3, 48, 128),
        (1, 64, 128),
        (3, 64, 64),
        (1, 32, 64),
        (3, 32, 64),
    ]
    n = sum(k * k * c_in * c_out + c_out for k, c_in, c_out in convs)
    n += 4 * (32 + 48 + 48 + 64 + 32 + 32)  # batch norms after the convolutions
    for _ in range(4):
        height, width = height // 2, width // 2
    n += height * width * 32 * dense + dense  # FC(160)
    n += 4 * (dense // 2) + dense // 2 + 1  # batch norm, output unit
    return n


def test_lcnn_parameter_count_clone_pickle_and_predict():
    from skdeepfake.models import LCNNClassifier

    rng = np.random.default_rng(0)
    X = rng.normal(size=(8, 60, 201)).astype(np.float32)
    y = np.array([0, 1] * 4)
    lcnn = LCNNClassifier(epochs=1, random_state=0).fit(X, y)
    assert lcnn.model_.count_params() == _lcnn_parameters(60, 201) == 343_409
    again = pickle.loads(pickle.dumps(lcnn))
    np.testing.assert_allclose(again.predict_proba(X), lcnn.predict_proba(X), atol=1e-6)
    assert clone(lcnn).get_params() == lcnn.get_params()
    with pytest.raises(ValueError, match="at least 16 x 16"):
        LCNNClassifier(epochs=1).fit(X[:, :8], y)
    with pytest.raises(ValueError, match="dense_units=7 must be even"):
        LCNNClassifier(dense_units=7, epochs=1).fit(X, y)


def test_lcnn_pipeline_on_lfcc_frames_learns(speech):
    from skdeepfake.pipelines import make_lcnn_pipeline

    X, y = speech.data[:64], speech.target[:64]
    # 1-s excerpts: half the LCNN's work of the 2-s default, the same layers
    pipe = make_lcnn_pipeline(duration=1.0, epochs=6, learning_rate=1e-3, random_state=0).fit(X, y)
    assert pipe[:-1].transform(X[:1]).shape == (1, 60, 101)
    loss = pipe.named_steps["model"].history_["loss"]
    assert len(loss) == 6
    assert loss[-1] < 0.8 * loss[0]  # it trains


def test_statistics_table_lists_the_percentiles():
    assert {"p10", "p25", "p75", "p90"} <= set(STATISTICS)
    v = np.arange(11.0)[np.newaxis, np.newaxis]
    assert STATISTICS["p90"](v)[0, 0] == pytest.approx(9.0)


@pytest.mark.filterwarnings("ignore:n_fft=.*is too large:UserWarning")
@pytest.mark.parametrize("hop, bins_per_octave, n_octaves", [(160, 96, 9), (256, 48, 7), (512, 12, 7)])
def test_constant_q_with_filters_built_once_equals_librosa_cqt(clips, hop, bins_per_octave, n_octaves):
    from skdeepfake.features._constant_q import ConstantQ

    fmin = SR / 2 / 2**n_octaves
    ours = ConstantQ(SR, hop, fmin, n_octaves * bins_per_octave, bins_per_octave)(clips[:2])
    ref = librosa.cqt(
        clips[:2],
        sr=SR,
        hop_length=hop,
        fmin=fmin,
        n_bins=n_octaves * bins_per_octave,
        bins_per_octave=bins_per_octave,
        tuning=0.0,
        pad_mode="constant",
    )
    assert ours.shape == ref.shape
    np.testing.assert_allclose(ours, ref, atol=1e-5 * np.abs(ref).max())


@pytest.mark.filterwarnings("ignore:n_fft=.*is too large:UserWarning")
def test_constant_q_with_gamma_and_filter_scale_equals_librosa_vqt(clips):
    from skdeepfake.features._constant_q import ConstantQ

    fmin, n_bins, B, gamma, scale = SR / 2**10, 863, 96, 1.65, 1.99
    ours = ConstantQ(SR, 256, fmin, n_bins, B, gamma, scale)(clips[:2])
    ref = librosa.vqt(
        clips[:2],
        sr=SR,
        hop_length=256,
        fmin=fmin,
        n_bins=n_bins,
        bins_per_octave=B,
        gamma=gamma,
        filter_scale=scale,
        tuning=0.0,
        pad_mode="constant",
    )
    assert ours.shape == ref.shape
    np.testing.assert_allclose(ours, ref, atol=1e-5 * np.abs(ref).max())


# scikit-learn's checks that do not depend on the input's shape. The others
# feed 2-D tabular data, which the LCNN (frames of at least 16 x 16) cannot
# take; its fitting, prediction, clone and pickle are tested above.
_SHAPE_FREE_CHECKS = [
    "check_parameters_default_constructible",
    "check_no_attributes_set_in_init",
    "check_get_params_invariance",
    "check_set_params",
    "check_estimator_cloneable",
    "check_estimator_repr",
    "check_do_not_raise_errors_in_init_or_set_params",
    "check_valid_tag_types",
]


@pytest.mark.parametrize("check", _SHAPE_FREE_CHECKS)
def test_lcnn_passes_the_shape_free_sklearn_checks(check):
    import sklearn.utils.estimator_checks as checks

    from skdeepfake.models import LCNNClassifier

    estimator = LCNNClassifier(epochs=1, random_state=0)
    getattr(checks, check)(type(estimator).__name__, estimator)


@pytest.mark.parametrize(
    "make",
    [
        lambda: make_linear_pipeline(),
        lambda: make_linear_pipeline(whole_recording=True),
        lambda: make_gmm_pipeline(n_components=4, random_state=0),
        lambda: make_detector("lcnn", epochs=1, random_state=0),
        lambda: make_detector("dnn", features="lfcc", epochs=2, random_state=0),
        lambda: make_detector(
            "cnn", features="lfcc", epochs=1, filters=(4, 4, 4, 4), dense_units=8, random_state=0
        ),
    ],
)
def test_new_detectors_save_and_load_with_identical_scores(make, recordings, tmp_path):
    from skdeepfake.persistence import load_model, save_model

    X, y = recordings.data[:12], recordings.target[:12]
    model = make().fit(X, y)
    save_model(model, tmp_path / "m.skdf")
    loaded = load_model(tmp_path / "m.skdf")
    np.testing.assert_array_equal(loaded.predict_proba(X), model.predict_proba(X))
    assert type(loaded) is type(model)
