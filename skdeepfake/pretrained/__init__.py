"""A detector that ships with skdeepfake, for scoring one's own files without training.

:func:`load_detector` returns it: :func:`detector_pipeline` (XGBoost on
LFCC statistics over the whole recording, inside an
:class:`~skdeepfake.calibration.AbstainingDetector`) fitted on the two real
corpora the project may redistribute, 386 clips of 7 corpora (LJSpeech,
VCTK, Thorsten, CMU ARCTIC through NSF vocoders, Tacotron 2 / Centaur,
WaveFake vocoders), calibrated leaving each corpus out. The file is
checked against the size and SHA-256 its model card quotes, then loaded as
any model file is, through :func:`~skdeepfake.persistence.load_model` and
its trust policy. ``skdeepfake predict FILE`` and ``skdeepfake explain
FILE`` use it when no ``--model`` is given.

It is weak, and says so: leaving a corpus out, its scores carried little
evidence, so on recordings unlike its training data it answers
``"uncertain"`` (with the reason) rather than calling real speakers fake.
Read :data:`MODEL_CARD` before relying on a verdict, and train on data like
yours where you can (``skdeepfake train``).
"""

import hashlib
import re
from pathlib import Path

from sklearn.utils._param_validation import validate_params

__all__ = ["load_detector", "detector_pipeline", "model_file_digest", "MODEL_FILE", "MODEL_CARD"]

_HERE = Path(__file__).resolve().parent

#: The shipped model file.
MODEL_FILE = _HERE / "detector.skdf"

#: Its model card: data and licences, leave-one-corpus-out results, intended use and limits.
MODEL_CARD = _HERE / "MODEL_CARD.md"


def detector_pipeline():
    """The unfitted configuration of the shipped detector.

    ``make_detector("xgb", abstain=True, random_state=0)``: the XGBoost
    factory's defaults (LFCC statistics over the whole recording) inside an
    :class:`~skdeepfake.calibration.AbstainingDetector`, so that its score
    is a calibrated log-likelihood ratio and it says ``"uncertain"`` for
    recordings unlike its training data or with weak evidence.
    ``scripts/train_pretrained.py`` fits it with ``model__groups`` set to
    each clip's corpus, so that the calibration learns what its scores are
    worth on corpora it has not seen; fit it on your own data the same way.

    Returns
    -------
    sklearn.pipeline.Pipeline

    Examples
    --------
    >>> from skdeepfake.pretrained import detector_pipeline
    >>> [name for name, _ in detector_pipeline().steps]
    ['loader', 'features', 'model']
    """
    from ..pipelines import make_detector

    return make_detector("xgb", abstain=True, random_state=0)


@validate_params({}, prefer_skip_nested_validation=True)
def model_file_digest():
    """The size and SHA-256 of :data:`MODEL_FILE` that :data:`MODEL_CARD` quotes.

    The model card is the one place the shipped file's digest is written;
    :func:`load_detector` checks the file against it before loading.

    Returns
    -------
    (int, str)
        Bytes and the hexadecimal SHA-256.

    Examples
    --------
    >>> from skdeepfake.pretrained import model_file_digest
    >>> size, sha256 = model_file_digest()
    >>> size > 0, len(sha256)
    (True, 64)
    """
    card = MODEL_CARD.read_text(encoding="utf-8")
    found = re.search(r"([\d,]+) bytes, SHA-256\s*`([0-9a-f]{64})`", card)
    if found is None:
        raise ValueError(
            f"{MODEL_CARD}: quotes no size and SHA-256 of {MODEL_FILE.name}; the package is damaged."
        )
    return int(found[1].replace(",", "")), found[2]


def _check_digest():
    from ..persistence import ModelFileError

    size, expected = model_file_digest()
    actual_size = MODEL_FILE.stat().st_size
    if actual_size != size:
        raise ModelFileError(
            f"{MODEL_FILE}: holds {actual_size} bytes, but its model card says {size}; the shipped "
            "detector was replaced or altered. Refused unloaded: reinstall skdeepfake."
        )
    digest = hashlib.sha256()
    with open(MODEL_FILE, "rb") as f:
        for block in iter(lambda: f.read(2**20), b""):
            digest.update(block)
    if digest.hexdigest() != expected:
        raise ModelFileError(
            f"{MODEL_FILE}: its SHA-256 is {digest.hexdigest()}, not the {expected} its model card "
            "quotes; the shipped detector was replaced or altered. Refused unloaded: reinstall skdeepfake."
        )


def load_detector():
    """The pretrained detector, fitted and ready to score recordings.

    Returns
    -------
    sklearn.pipeline.Pipeline
        Takes file paths or 16 kHz waveforms; ``predict_proba(X)[:, 1]`` is
        P(fake).

    Raises
    ------
    FileNotFoundError
        If the package was installed without its model file.
    ModelFileError
        If the file's size or SHA-256 differs from what :data:`MODEL_CARD`
        quotes (:func:`model_file_digest`): it was replaced or altered.

    Examples
    --------
    >>> from skdeepfake.pretrained import load_detector
    >>> detector = load_detector()
    >>> detector.classes_.tolist()
    [0, 1]
    """
    from ..persistence import load_model

    if not MODEL_FILE.is_file():
        raise FileNotFoundError(
            f"{MODEL_FILE}: the pretrained detector is missing from this installation; "
            "reinstall skdeepfake, or train one with 'skdeepfake train'."
        )
    _check_digest()
    return load_model(MODEL_FILE)
