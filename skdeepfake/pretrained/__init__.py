"""Detectors that ship with skdeepfake, for scoring one's own files without training.

:data:`DETECTORS` names them: ``"default"``, described below, and
``"aasist"`` / ``"aasist-l"``, the published AASIST and AASIST-L weights
(Jung et al., 2022; trained on ASVspoof 2019 LA, MIT licence, NAVER Corp.)
converted to :class:`~skdeepfake.models.AASISTClassifier`: field-standard
reference points and fusion members, uncalibrated (read their model cards).
Each file is checked against the size and SHA-256 its model card quotes
before it is loaded. All three are networks and need TensorFlow.

:func:`load_detector` returns it. The default, :func:`detector_pipeline`,
is the AASIST-L network held fixed inside an
:class:`~skdeepfake.calibration.AbstainingDetector` calibrated on the
development corpus (3,038 clips of 25 sources, ``benchmarks/corpus/``),
each source left out in turn and weighed like the others: leaving each
source out, AASIST-L's scores ranked fakes above real recordings better than
every configuration trained on that corpus (``benchmarks/corpus/SOURCE.md``).
Its score is a log-likelihood ratio, and it says ``"uncertain"`` (with the
reason) where the evidence is weak or the recording lies outside what it
was calibrated on: band-limited (telephone, 8-kHz) recordings, which the
network calls fake, are among them. Recordings shorter than 2 s are
``"uncertain"`` too (the network would judge mostly their repetition).
``skdeepfake predict FILE`` and
``skdeepfake explain FILE`` use it when no ``--model`` is given.

It is cautious, and says so: it abstains on most recordings unlike the
corpus and catches a minority of fakes. Read :data:`MODEL_CARD` before
relying on a verdict, and train on data like yours where you can
(``skdeepfake train``).
"""

import hashlib
import re
from pathlib import Path

from sklearn.utils._param_validation import StrOptions, validate_params

from ._convert import convert_aasist_checkpoint, convert_rawnet2_checkpoint

__all__ = [
    "load_detector",
    "detector_pipeline",
    "model_file_digest",
    "detector_files",
    "convert_aasist_checkpoint",
    "convert_rawnet2_checkpoint",
    "DETECTORS",
    "MODEL_FILE",
    "MODEL_CARD",
]

_HERE = Path(__file__).resolve().parent

#: The default detector's model file.
MODEL_FILE = _HERE / "detector.skdf"

#: Its model card: data and licences, leave-one-corpus-out results, intended use and limits.
MODEL_CARD = _HERE / "MODEL_CARD.md"

#: The shipped detectors by name: model file and model card (in this folder),
#: and the ``make_detector`` arguments of their configuration.
DETECTORS = {
    "default": (
        "detector.skdf",
        "MODEL_CARD.md",
        # min_duration: half of AASIST-L's 4.04-s input. Shorter recordings are repeated to fill it, and
        # leaving each source out, 29% of real clips of 1 s or less were called fake, none from 2 s up.
        # min_bandwidth: the calibration leaves band-limited recordings out (AASIST-L calls such real
        # speech fake), and its domain model did not set long 8-kHz recordings apart.
        {
            "scorer": "aasist-l",
            "balance": "groups",
            "random_state": 0,
            "min_duration": 2.0,
            "min_bandwidth": 4000.0,
        },
    ),
    "aasist": ("aasist.skdf", "MODEL_CARD_AASIST.md", {"model": "aasist", "variant": "AASIST"}),
    "aasist-l": ("aasist-l.skdf", "MODEL_CARD_AASIST-L.md", {"model": "aasist", "variant": "AASIST-L"}),
}

_NAME = {"name": [StrOptions(set(DETECTORS))]}


@validate_params(_NAME, prefer_skip_nested_validation=True)
def detector_files(name="default"):
    """The model file and the model card of a shipped detector.

    The default's are :data:`MODEL_FILE` and :data:`MODEL_CARD`; the others
    lie beside them under the names :data:`DETECTORS` gives.

    Parameters
    ----------
    name : {"default", "aasist", "aasist-l"}, default="default"
        A key of :data:`DETECTORS`.

    Returns
    -------
    (Path, Path)
        The model file and its card.

    Examples
    --------
    >>> from skdeepfake.pretrained import detector_files
    >>> [path.name for path in detector_files("aasist-l")]
    ['aasist-l.skdf', 'MODEL_CARD_AASIST-L.md']
    """
    if name == "default":
        return MODEL_FILE, MODEL_CARD
    file, card, _ = DETECTORS[name]
    return _HERE / file, _HERE / card


@validate_params(_NAME, prefer_skip_nested_validation=True)
def detector_pipeline(name="default"):
    """The configuration of a shipped detector, before it is fitted.

    For ``"aasist"`` and ``"aasist-l"``: ``make_detector("aasist",
    variant=...)``, the reference's first 64,600 samples, repeat-padded.

    For the default: the published AASIST-L network (:func:`load_detector`
    ``("aasist-l")``), held fixed in a :class:`sklearn.frozen.FrozenEstimator`
    behind its own loader, inside an
    :class:`~skdeepfake.calibration.AbstainingDetector` whose calibration
    (each source and class weighed the same, ``balance="groups"``) and
    out-of-domain model (LFCC and linear sub-band energy statistics of the
    same 4-s excerpt) are what is left to fit. ``scripts/train_pretrained.py`` fits them on the
    development corpus with each clip's source as its group; fit it on your
    own data the same way (``fit(files, y, model__groups=sources)``). It
    needs TensorFlow, as every network does.

    Parameters
    ----------
    name : {"default", "aasist", "aasist-l"}, default="default"
        A key of :data:`DETECTORS`.

    Returns
    -------
    sklearn.pipeline.Pipeline

    Examples
    --------
    >>> from skdeepfake.pretrained import detector_pipeline
    >>> [name for name, _ in detector_pipeline("aasist-l").steps]
    ['loader', 'model']
    """
    params = dict(DETECTORS[name][2])
    scorer = params.pop("scorer", None)
    if scorer is None:
        from ..pipelines import make_detector

        return make_detector(**params)
    from sklearn.base import clone
    from sklearn.frozen import FrozenEstimator
    from sklearn.pipeline import FeatureUnion

    from ..calibration import AbstainingDetector
    from ..features import LFCC, LinearSubbands
    from ..pipelines import pipeline_of

    network = load_detector(scorer)
    # Cepstra describe the spectral envelope; sub-band energies say outright which bands are empty.
    domain = FeatureUnion([("lfcc", LFCC(output="stats")), ("subbands", LinearSubbands(output="stats"))])
    model = AbstainingDetector(FrozenEstimator(network[-1]), domain=domain, **params)
    return pipeline_of([("loader", clone(network[0])), ("model", model)])


@validate_params(_NAME, prefer_skip_nested_validation=True)
def model_file_digest(name="default"):
    """The size and SHA-256 of a shipped model file, as its model card quotes them.

    The model card is the one place the shipped file's digest is written;
    :func:`load_detector` checks the file against it before loading.

    Parameters
    ----------
    name : {"default", "aasist", "aasist-l"}, default="default"
        A key of :data:`DETECTORS`.

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
    file, card = detector_files(name)
    text = card.read_text(encoding="utf-8")
    found = re.search(r"([\d,]+) bytes, SHA-256\s*`([0-9a-f]{64})`", text)
    if found is None:
        raise ValueError(f"{card}: quotes no size and SHA-256 of {file.name}; the package is damaged.")
    return int(found[1].replace(",", "")), found[2]


def _check_digest(name):
    from ..persistence import ModelFileError

    file, _ = detector_files(name)
    size, expected = model_file_digest(name)
    actual_size = file.stat().st_size
    if actual_size != size:
        raise ModelFileError(
            f"{file}: holds {actual_size} bytes, but its model card says {size}; the shipped "
            "detector was replaced or altered. Refused unloaded: reinstall skdeepfake."
        )
    digest = hashlib.sha256()
    with open(file, "rb") as f:
        for block in iter(lambda: f.read(2**20), b""):
            digest.update(block)
    if digest.hexdigest() != expected:
        raise ModelFileError(
            f"{file}: its SHA-256 is {digest.hexdigest()}, not the {expected} its model card "
            "quotes; the shipped detector was replaced or altered. Refused unloaded: reinstall skdeepfake."
        )


@validate_params(_NAME, prefer_skip_nested_validation=True)
def load_detector(name="default"):
    """A pretrained detector, fitted and ready to score recordings.

    Parameters
    ----------
    name : {"default", "aasist", "aasist-l"}, default="default"
        A key of :data:`DETECTORS`: the default detector, or the converted
        AASIST / AASIST-L weights (these need ``skdeepfake[tensorflow]``).

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
        If the file's size or SHA-256 differs from what its model card
        quotes (:func:`model_file_digest`): it was replaced or altered.

    Examples
    --------
    >>> from skdeepfake.pretrained import load_detector
    >>> detector = load_detector()
    >>> detector.classes_.tolist()
    [0, 1]
    """
    from ..persistence import load_model

    file, _ = detector_files(name)
    if not file.is_file():
        raise FileNotFoundError(
            f"{file}: the pretrained detector is missing from this installation; "
            "reinstall skdeepfake, or train one with 'skdeepfake train'."
        )
    _check_digest(name)
    return load_model(file)
