"""Which fixed scorer ranks fakes best on sources it never saw: AASIST-L, AASIST, both, or a back-end on them.

The shipped detector's ranking is that of its scorer, the published AASIST-L
network held fixed. Here the candidates for that place, on the development
corpus (``SKDF_DEV_CORPUS``; without it, the shared corpora), every one
judged on the sources it was not fitted on:

* ``aasist-l`` and ``aasist``: the published networks' log-odds of "spoof"
  (:func:`skdeepfake.pretrained.load_detector`), nothing fitted;
* ``mean of both``: the average of the two log-odds, a fixed rule (nothing
  fitted either: fusion weights learnt on other sources did not carry over,
  ``benchmarks/corpus/SOURCE.md``);
* ``back-end on <network>``: a balanced logistic regression on the
  network's last hidden layer (the graph readout that feeds its two logits),
  refitted leaving each source out (``LeaveOneGroupOut``): does the
  embedding hold evidence that the published output layer does not use?
* ``aasist-l, every window`` (``--windows``): the network reads only a
  recording's first 4.04 s; here it scores every 4.04-s window of the
  recording (:class:`~skdeepfake.windows.WindowedClassifier`, windows end
  to end, the last one aligned to the end) and the recording's score is the
  mean of the windows' log-odds. Recordings of one window score as before.

One pass of each network over the corpus gives its log-odds and its
embedding together; both are cached in ``--cache-dir``. Printed per
candidate: pooled EER, mean per-source EER with a 90% bootstrap interval
(clips resampled within sources) and each source's EER, then each one's
paired gain over ``aasist-l`` (positive: lower EER). A candidate replaces
the shipped scorer only when the interval of its gain excludes zero.

    SKDF_DEV_CORPUS=../shared/data/dev-corpus python bench_scorers.py
"""

import argparse
import time
from pathlib import Path

import numpy as np
import soundfile as sf
from _common import dev_corpora, report
from bench_generalisation import _header, _row, _scores, gains
from sklearn.frozen import FrozenEstimator
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import LeaveOneGroupOut
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from skdeepfake.labels import log_odds, spoof_column
from skdeepfake.pretrained import load_detector
from skdeepfake.windows import WindowedClassifier

HERE = Path(__file__).resolve().parent
NETWORKS = ("aasist-l", "aasist")


def _outputs(name, files, waveforms, cache_dir):
    """(log-odds of "spoof", graph embedding) of every clip under the published network ``name``, cached.

    ``waveforms(loader)`` gives the clips as ``loader`` reads them; called only without a cache.
    """
    cache = cache_dir / f"bench_scorers_{name}.npz"
    if cache.is_file():
        saved = np.load(cache, allow_pickle=False)
        if saved["files"].tolist() == [str(f) for f in files]:
            return saved["s"], saved["embedding"]
    import keras

    loader, network = (step for _, step in load_detector(name).steps)
    X = waveforms(loader)
    model = network.model_
    inner = keras.Model(model.inputs, [model.get_layer("graph").output, model.get_layer("logits").output])
    # One predict call: Keras compiles the graph once for the whole corpus.
    embedding, logits = inner.predict(X, batch_size=32, verbose=0)
    # The softmax of two logits is the sigmoid of their difference; its sign follows classes_.
    s = (logits[:, 1] - logits[:, 0]).astype(np.float64)
    if spoof_column(network.classes_) == 0:
        s = -s
    reference = log_odds(network.predict_proba(X[:8])[:, spoof_column(network.classes_)])
    np.testing.assert_allclose(s[:8], reference, atol=1e-3, err_msg="the sub-model's log-odds")
    cache_dir.mkdir(parents=True, exist_ok=True)
    np.savez(cache, files=np.asarray([str(f) for f in files]), s=s, embedding=embedding)
    return s, embedding


def _every_window(name, files, y, first, cache_dir):
    """Mean log-odds of "spoof" over every window of the network's input length, cached."""
    cache = cache_dir / f"bench_scorers_{name}_windows.npz"
    if cache.is_file():
        saved = np.load(cache, allow_pickle=False)
        if saved["files"].tolist() == [str(f) for f in files]:
            return saved["s"]
    detector = load_detector(name)
    loader, network = detector[0], detector[-1]
    seconds = loader.duration
    durations = np.array([sf.info(str(f)).duration for f in files])
    longer = np.flatnonzero(durations > seconds + 1 / loader.sr)
    one_of_each = [np.flatnonzero(y == 0)[0], np.flatnonzero(y == 1)[0]]
    windowed = WindowedClassifier(
        FrozenEstimator(network), window=seconds, hop=seconds, sr=loader.sr, weighting="window"
    )
    windowed.fit(files[one_of_each], y[one_of_each])  # nothing to learn: the network is frozen
    table = windowed.predict_windows(files[longer])
    table["s"] = log_odds(table["p_fake"].to_numpy())
    s = first.copy()
    s[longer] = table.groupby("recording")["s"].mean().to_numpy()
    print(f"{len(table)} windows of {len(longer)} recordings longer than {seconds:.2f} s")
    np.savez(cache, files=np.asarray([str(f) for f in files]), s=s)
    # The first window is the loader's excerpt: the same score as the network's alone, where
    # P(fake) in float32 is not saturated (it is 1.0 beyond log-odds of about 16).
    first_window = table.groupby("recording")["s"].first().to_numpy()
    exact = np.abs(first[longer]) < 8
    np.testing.assert_allclose(first_window[exact], first[longer][exact], atol=1e-3, err_msg="first windows")
    return s


def _back_end(X, y, corpora):
    """Out-of-source P(fake) of a balanced logistic regression on X, each source left out."""
    model = make_pipeline(
        StandardScaler(), LogisticRegression(C=0.01, class_weight="balanced", max_iter=2000)
    )
    return _scores(model, X, y, LeaveOneGroupOut().split(X, y, corpora))


def main():
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--data", type=Path, default=None)
    parser.add_argument("--cache-dir", type=Path, default=HERE / ".cache")
    parser.add_argument("--windows", action="store_true", help="also score AASIST-L on every window")
    args = parser.parse_args()
    files, y, corpora = dev_corpora(args.data)
    print(f"{len(y)} clips ({int((y == 0).sum())} real) of {len(set(corpora))} sources\n")

    decoded = {}

    def waveforms(loader):  # decoded once per loader (the networks share one), only for a missing cache
        key = repr(loader)
        if key not in decoded:
            decoded[key] = loader.fit_transform(files)
        return decoded[key]

    scores, embeddings, seconds = {}, {}, {}
    for name in NETWORKS:
        start = time.perf_counter()
        scores[name], embeddings[name] = _outputs(name, files, waveforms, args.cache_dir)
        seconds[name] = time.perf_counter() - start
    scores["mean of both"] = (scores["aasist-l"] + scores["aasist"]) / 2
    for name in NETWORKS:
        start = time.perf_counter()
        scores[f"back-end on {name}"] = _back_end(embeddings[name], y, corpora)
        seconds[f"back-end on {name}"] = time.perf_counter() - start
    both = np.hstack([embeddings[name] for name in NETWORKS])
    scores["back-end on both"] = _back_end(both, y, corpora)
    if args.windows:
        start = time.perf_counter()
        scores["aasist-l, every window"] = _every_window(
            "aasist-l", np.asarray(files), y, scores["aasist-l"], args.cache_dir
        )
        seconds["aasist-l, every window"] = time.perf_counter() - start

    _header(corpora)
    means = {name: _row(name, y, s, None, corpora, seconds.get(name, 0.0)) for name, s in scores.items()}
    gains(y, corpora, {name: (s, None) for name, s in scores.items()}, "aasist-l")
    best = min(means, key=means.get)
    report(
        f"mean per-source EER, best candidate ({best}) vs aasist-l",
        means[best],
        means["aasist-l"],
        "EER",
        higher_is_better=False,
    )


if __name__ == "__main__":
    main()
