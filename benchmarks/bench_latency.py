"""Latency of scoring one 2-second file with a fitted CNN pipeline.

Goal (issue: speed): load, featurise and predict one file in at most 10 ms
on CPU. The reference is the same pipeline with the network called through
Keras' ``Model.predict``, as scikeras does.
"""

import tempfile
import time
from pathlib import Path

import numpy as np
import soundfile as sf
from _common import report

from skdeepfake.datasets import make_synthetic_speech
from skdeepfake.pipelines import make_cnn_pipeline


def median_ms(fn, repeat=200):
    for _ in range(10):
        fn()
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return 1000 * float(np.median(times))


def main():
    data = make_synthetic_speech(n_samples=40, random_state=0)
    pipe = make_cnn_pipeline(epochs=1, random_state=0).fit(data.data, data.target)
    path = Path(tempfile.mkdtemp()) / "clip.wav"
    sf.write(path, data.data[0], 16000)
    front, cnn = pipe[:-1], pipe[-1]

    def keras_predict():
        X = cnn.feature_encoder_.transform(front.transform([path]))
        return cnn.model_.predict(X, verbose=0)

    ours = median_ms(lambda: pipe.predict_proba([path]))
    reference = median_ms(keras_predict, repeat=50)
    # Where the time goes, each step timed on its own (warm caches, so the
    # steps add up to less than the pipeline, whose steps evict each other).
    waveform = front[0].transform([path])
    spectrogram = front[1].transform(waveform)
    for step, fn in [
        ("load", lambda: front[0].transform([path])),
        ("log-mel", lambda: front[1].transform(waveform)),
        ("CNN predict_proba", lambda: cnn.predict_proba(spectrogram)),
    ]:
        print(f"  {step}: {median_ms(fn, repeat=100):.2f} ms")
    np.testing.assert_allclose(pipe.predict_proba([path])[:, 1], keras_predict()[:, 0], rtol=1e-5)
    report(
        "one 2-s file through the CNN pipeline, ms, vs 10 ms goal",
        ours,
        10.0,
        "ms",
        goal=1,
        higher_is_better=False,
    )
    report(
        "one 2-s file through the CNN pipeline, ms, vs Keras' Model.predict",
        ours,
        reference,
        "ms",
        higher_is_better=False,
    )


if __name__ == "__main__":
    main()
