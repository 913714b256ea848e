import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("KERAS_BACKEND", "tensorflow")

import joblib
import numpy as np
import pytest
import soundfile as sf
from filelock import FileLock

from skdeepfake.datasets import make_synthetic_speech

SR = 16000


@pytest.fixture(scope="session")
def speech(tmp_path_factory, worker_id):
    """A small, balanced synthetic corpus of 2-second clips (shared, read-only).

    Generated once per run: under pytest-xdist the first worker to ask writes
    it to the run's shared temporary folder and the others load it (making it
    costs a core tens of seconds, Griffin-Lim mostly).
    """
    if worker_id == "master":
        data = _make_speech()
    else:
        path = tmp_path_factory.getbasetemp().parent / "speech.joblib"
        with FileLock(f"{path}.lock"):
            if path.is_file():
                data = joblib.load(path)
            else:
                data = _make_speech()
                joblib.dump(data, path)
    data.data.setflags(write=False)
    return data


def _make_speech():
    return make_synthetic_speech(n_samples=320, duration=2.0, random_state=0)


def tone(freq=440.0, duration=1.0, sr=SR, channels=1, amplitude=0.5):
    t = np.arange(int(round(duration * sr))) / sr
    y = amplitude * np.sin(2 * np.pi * freq * t)
    if channels > 1:
        y = np.stack([y] * channels, axis=1)
    return y.astype(np.float32)


def write_audio(path, y, sr=SR, **kwargs):
    path.parent.mkdir(parents=True, exist_ok=True)
    sf.write(str(path), y, sr, **kwargs)
    return path


@pytest.fixture
def audio_tree(tmp_path, speech):
    """A real/ + fake/ folder of WAV files at mixed depths."""
    root = tmp_path / "corpus"
    for i, (clip, label) in enumerate(zip(speech.data[:20], speech.target[:20])):
        name = speech.target_names[label]
        sub = root / name / ("sub" if i % 3 == 0 else "")
        write_audio(sub / f"clip_{i:02d}.wav", clip)
    return root
