"""A detector that ships with skdeepfake, for scoring one's own files without training.

:func:`load_detector` returns it: :func:`detector_pipeline` (XGBoost on
LFCC statistics over the whole recording, the configuration that
generalised best leave-one-corpus-out in ``benchmarks/
bench_generalisation.py``) fitted on the two real corpora the project may
redistribute, 386 clips of 7 corpora (LJSpeech, VCTK, Thorsten, CMU ARCTIC
through NSF vocoders, Tacotron 2 / Centaur, WaveFake vocoders). The file is
loaded as any model file is, through :func:`~skdeepfake.persistence.load_model`
and its trust policy. ``skdeepfake predict FILE`` and ``skdeepfake explain
FILE`` use it when no ``--model`` is given.

It is weak: on corpora left out of its training it misjudged about one
recording in three (mean EER 0.32 over the 7 corpora), and it has seen no
codecs, telephone channels, noise or recent voice cloning. Read
:data:`MODEL_CARD` before relying on a verdict, and train on data like
yours where you can (``skdeepfake train``).
"""

from pathlib import Path

__all__ = ["load_detector", "detector_pipeline", "MODEL_FILE", "MODEL_CARD"]

_HERE = Path(__file__).resolve().parent

#: The shipped model file.
MODEL_FILE = _HERE / "detector.skdf"

#: Its model card: data and licences, leave-one-corpus-out results, intended use and limits.
MODEL_CARD = _HERE / "MODEL_CARD.md"


def detector_pipeline():
    """The unfitted configuration of the shipped detector.

    ``make_xgb_pipeline(random_state=0)``: the XGBoost factory's defaults,
    LFCC statistics over the whole recording. ``scripts/train_pretrained.py``
    fits it to make :data:`MODEL_FILE`; fit it on your own data to get the
    same detector trained for your recordings.

    Returns
    -------
    sklearn.pipeline.Pipeline

    Examples
    --------
    >>> from skdeepfake.pretrained import detector_pipeline
    >>> [name for name, _ in detector_pipeline().steps]
    ['loader', 'features', 'model']
    """
    from ..pipelines import make_xgb_pipeline

    return make_xgb_pipeline(random_state=0)


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
    return load_model(MODEL_FILE)
