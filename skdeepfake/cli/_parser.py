"""The command line's argument parser: subcommands and the option groups they share.

Kept apart from :mod:`skdeepfake.cli` (which runs the commands) and free of
heavy imports, so that ``skdeepfake --help`` answers at once.
"""

import argparse
from pathlib import Path

from .._version import __version__
from ..registry import DEFAULT_MODEL
from ..registry import MODELS as _REGISTRY

__all__ = ["build_parser", "MODELS", "NEURAL", "DEMO_MODELS", "INPUTS"]

# From the registry, which is plain data: --help answers without importing
# the pipelines or TensorFlow.
MODELS = tuple(_REGISTRY)
NEURAL = tuple(name for name, spec in _REGISTRY.items() if spec.keras)
DEMO_MODELS = tuple(name for name, spec in _REGISTRY.items() if spec.demo)
_POOLED = " and ".join(name for name, spec in _REGISTRY.items() if spec.whole_recording == "pooled")
INPUTS = ("default", "excerpt", "windows", "pooled")


def _model_list(text):
    names = [m.strip() for m in text.split(",") if m.strip()]
    bad = sorted(set(names) - set(MODELS))
    if bad or not names:
        raise argparse.ArgumentTypeError(
            f"unknown model(s) {', '.join(bad) or '(none)'}; choose from {', '.join(MODELS)}"
        )
    return names


def _duration_range(text):
    try:
        values = [float(v) for v in text.split(",")]
    except ValueError:
        raise argparse.ArgumentTypeError(f"not seconds: {text!r}") from None
    if len(values) == 1:
        values *= 2
    if len(values) != 2 or not 0 < values[0] <= values[1]:
        raise argparse.ArgumentTypeError(f"expected SECONDS or LOW,HIGH with 0 < LOW <= HIGH, got {text!r}")
    return tuple(values)


def _probability(text):
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
    if not 0.0 <= value <= 1.0:  # NaN fails too
        raise argparse.ArgumentTypeError(f"a probability is between 0 and 1, got {text!r}")
    return value


def _grid(most):
    def count(text):
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
        if not 1 <= value <= most:
            raise argparse.ArgumentTypeError(f"expected 1 to {most}, got {text}")
        return value

    return count


def _seconds(text):
    from ..utils._bounds import MAX_SECONDS

    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not seconds: {text!r}") from None
    if not 0 < value <= MAX_SECONDS:  # NaN and inf fail too
        raise argparse.ArgumentTypeError(
            f"expected a positive, finite number of seconds (at most {MAX_SECONDS:g}), got {text!r}"
        )
    return value


def _window(text):
    from ..windows import WINDOW_RANGE

    value = _seconds(text)
    if not WINDOW_RANGE[0] <= value <= WINDOW_RANGE[1]:
        raise argparse.ArgumentTypeError(
            f"a window is {WINDOW_RANGE[0]:g} to {WINDOW_RANGE[1]:g} seconds, got {text!r}"
        )
    return value


def _trustable(text):
    from ..persistence import check_trustable

    try:
        check_trustable([text], what="--trust")
    except ValueError as err:
        raise argparse.ArgumentTypeError(str(err)) from None
    return text


def _parents():
    """The option groups subcommands share, as argparse parent parsers."""
    audio = argparse.ArgumentParser(add_help=False)
    audio.add_argument(
        "--max-duration",
        type=_seconds,
        default=3600.0,
        metavar="SECONDS",
        help="refuse (skip, with the reason) recordings longer than this (default: 3600)",
    )
    data = argparse.ArgumentParser(add_help=False, parents=[audio])
    data.add_argument(
        "--layout",
        choices=["folder", "for"],
        default="folder",
        help="'folder': DATA/real and DATA/fake; 'for': the FoR corpus (default: folder)",
    )
    data.add_argument(
        "--for-version", default="for-norm", help="FoR version with --layout for (default: for-norm)"
    )
    training = argparse.ArgumentParser(add_help=False)
    training.add_argument("--epochs", type=int, default=50, help="epochs of the neural models (default: 50)")
    training.add_argument(
        "--learning-rate",
        type=float,
        default=1e-4,
        help="Adam learning rate of the neural models (default: 1e-4, the study's)",
    )
    training.add_argument(
        "--objective",
        choices=["cross-entropy", "oc-softmax"],
        default="cross-entropy",
        help="what the neural models minimise: binary cross-entropy, or the one-class softmax "
        "of Zhang et al. 2021, which gathers bona fide speech (default: cross-entropy)",
    )
    training.add_argument("--seed", type=int, default=0, help="random seed (default: 0)")
    training.add_argument(
        "--input",
        choices=INPUTS,
        default="default",
        help="what each model sees of a recording: 'excerpt' its first 2 s, 'windows' "
        "every 2-s window (scores averaged), 'pooled' features summarised over the whole "
        "recording (tabular models); 'default' (default): each model's own default "
        f"(pooled for {_POOLED}, excerpt for the others)",
    )
    training.add_argument(
        "--whole-recording",
        action="store_const",
        dest="input",
        const="windows",
        help="the same as --input windows",
    )
    training.add_argument(
        "--augment",
        metavar="NAMES",
        type=_augmentation,
        help="augment the training recordings only (never the test ones): comma-separated "
        "names from noise, gain, shift, filter, rawboost, codec, ir=DIR, background=DIR "
        "(e.g. rawboost,codec)",
    )
    training.add_argument(
        "--augment-copies",
        type=int,
        default=1,
        help="augmented copies of each training recording (default: 1)",
    )
    return audio, data, training


def _augmentation(text):
    from ..augment import make_augmentation

    try:
        make_augmentation(text)  # checked now, built per detector
    except ValueError as err:
        raise argparse.ArgumentTypeError(str(err)) from None
    return text


def build_parser():
    parser = argparse.ArgumentParser(
        prog="skdeepfake",
        description="Detect synthetic (deepfake) speech with scikit-learn pipelines.",
    )
    parser.add_argument("--version", action="version", version=f"skdeepfake {__version__}")
    sub = parser.add_subparsers(dest="command", required=True)
    audio, data, training = _parents()

    bench = sub.add_parser(
        "benchmark",
        parents=[data, training],
        help="compare the detectors on a dataset (built-in synthetic data by default)",
        description="Fit and score the detectors under one protocol, with a shortcut "
        "audit, and write results.csv, results.md, results.json and figures to --out.",
    )
    bench.add_argument("--data", type=Path, help="dataset folder (default: built-in synthetic speech)")
    bench.add_argument(
        "--train",
        metavar="CORPUS",
        help="cross-corpus: fit on this corpus (NAME:PATH, e.g. asvspoof2019:/data/LA-root, "
        "or a folder with real/ and fake/) and test on every --test",
    )
    bench.add_argument(
        "--test",
        metavar="CORPUS",
        action="append",
        default=[],
        help="cross-corpus: a test corpus, as --train; repeat for several",
    )
    bench.add_argument(
        "--models",
        type=_model_list,
        default=list(DEMO_MODELS),
        help=f"comma-separated models from {','.join(MODELS)} (default: {','.join(DEMO_MODELS)})",
    )
    bench.add_argument(
        "--cv",
        type=int,
        default=0,
        help="stratified K-fold cross-validation; 0 (default) uses the dataset's "
        "test split (FoR) or one stratified 70/30 split",
    )
    bench.add_argument(
        "--groups",
        metavar="COLUMN|re:PATTERN",
        help="keep the recordings of a group in one fold (speaker, corpus, source utterance): a "
        "column of the --data folder's manifest.csv (e.g. corpus), or re:PATTERN, the part of "
        "each file name PATTERN matches (its first group if it has one); folds then come from "
        "StratifiedGroupKFold (--cv, default 5)",
    )
    bench.add_argument(
        "--leave-one-group-out",
        action="store_true",
        help="with --groups: one split per group, trained on the others and tested on it "
        "(leave-one-corpus-out with --groups corpus)",
    )
    bench.add_argument(
        "--n-samples", type=int, default=300, help="clips of built-in synthetic data (default: 300)"
    )
    bench.add_argument(
        "--out",
        type=Path,
        default=Path("benchmark-results"),
        help="output folder (default: ./benchmark-results)",
    )
    bench.add_argument("--no-audit", action="store_true", help="skip the shortcut audit")
    bench.add_argument(
        "--scheduler",
        metavar="ADDRESS",
        help="run the fits on a Dask cluster (e.g. tcp://10.0.0.5:8786); needs skdeepfake[dask]",
    )
    bench.add_argument(
        "--durations",
        type=_duration_range,
        default=(2.0, 2.0),
        help="built-in data: clip length in seconds, or a range LOW,HIGH (default: 2)",
    )

    train = sub.add_parser(
        "train",
        parents=[data, training],
        help="fit a detector on a dataset folder and save it",
        description="Fit a pipeline on DATA/real and DATA/fake (or FoR's training split) "
        "and save it in skdeepfake's safe model format (no pickle).",
    )
    train.add_argument("--data", type=Path, required=True, help="dataset folder")
    which = train.add_mutually_exclusive_group()  # --fuse replaces --model: both is a mistake
    which.add_argument(
        "--model",
        choices=MODELS,
        default=DEFAULT_MODEL,
        help=f"the detector (default: {DEFAULT_MODEL}, the configuration that generalised best to "
        "corpora it was not trained on, and the pretrained detector's)",
    )
    which.add_argument(
        "--fuse",
        type=_model_list,
        metavar="MODELS",
        help="instead of --model, fuse these tabular models (e.g. linear,xgb) on one front-end: "
        "a logistic regression on their log-odds, trained on out-of-fold scores",
    )
    train.add_argument("--out", type=Path, required=True, help="model file to write, e.g. detector.skdf")
    train.add_argument(
        "--force", action="store_true", help="replace --out even if it is not a skdeepfake model file"
    )

    predict = sub.add_parser(
        "predict",
        parents=[audio],
        help="score audio files or folders with a saved detector",
        description="Print file, P(fake) and label for each recording. A model trained on "
        "fixed-length clips or windows scores every window of a recording and aggregates "
        "them (--aggregate); a pooled model (the default and the linear detectors) scores each "
        "recording whole, or aggregates its windows when --aggregate is given. Files that "
        "cannot be scored are listed on stderr with the reason.",
    )
    predict.add_argument("paths", nargs="+", type=Path, help="audio files or folders")
    predict.add_argument(
        "--model",
        type=Path,
        help="model file from 'skdeepfake train', or a shipped detector: aasist or aasist-l (the "
        "published AASIST weights). Default: skdeepfake's pretrained detector, which is weak: "
        "see skdeepfake/pretrained/MODEL_CARD.md",
    )
    predict.add_argument(
        "--trust",
        action="append",
        type=_trustable,
        metavar="CLASS",
        help="also rebuild this scikit-learn, imbalanced-learn or XGBoost class the model file "
        "holds (repeatable; the names a refusal lists; never a function or another package's "
        "class). Only for files you made or whose source you trust",
    )
    predict.add_argument(
        "--window",
        type=_window,
        help="window seconds (default: the model's input length; 2 for pooled models)",
    )
    predict.add_argument("--hop", type=_seconds, help="hop seconds (default: half a window)")
    predict.add_argument(
        "--aggregate",
        choices=["mean", "max", "median"],
        help="how window scores make a recording's score (default: the model's own, 'mean' for "
        "fixed-length models; a pooled model scores the whole recording unless this is given)",
    )
    predict.add_argument(
        "--threshold",
        type=_probability,
        help="label as fake when P(fake) >= threshold, between 0 and 1 (default: the model's own "
        "verdict when it can abstain, as the pretrained detector does, with 'uncertain' and the "
        "reason for recordings unlike its training data or with weak evidence; else 0.5)",
    )
    predict.add_argument("--windows", action="store_true", help="also print every window's score")
    predict.add_argument(
        "--format",
        choices=["tsv", "csv", "json"],
        default="tsv",
        help="tsv or csv (quoted where a file name needs it), or json: one "
        "object per recording and line (default: tsv)",
    )

    explain = sub.add_parser(
        "explain",
        parents=[audio],
        help="map which time-frequency regions of a recording made a detector say fake",
        description="Mask one cell of a time-frequency grid at a time (replaced by noise at the "
        "recording's own level, or attenuated), re-score, and draw how much each cell's masking "
        "lowers P(fake) over the spectrogram (--out, PNG); the cells' scores go to a JSON file "
        "beside it. Works for every model file. The map shows what this detector uses on this "
        "recording, not why a recording is fake: see the user guide on explanations.",
    )
    explain.add_argument("path", type=Path, help="one audio file")
    explain.add_argument(
        "--model",
        type=Path,
        help="model file from 'skdeepfake train', or aasist / aasist-l (default: the pretrained detector)",
    )
    explain.add_argument(
        "--trust", action="append", type=_trustable, metavar="CLASS", help="as for 'predict'"
    )
    explain.add_argument("--out", type=Path, required=True, help="figure to write, e.g. map.png")
    explain.add_argument("--json", type=Path, help="cell scores to write (default: --out with .json)")
    explain.add_argument(
        "--first",
        type=_seconds,
        metavar="SECONDS",
        help="explain only the first SECONDS of the recording (a long recording's map costs "
        "its length times the cells)",
    )
    explain.add_argument("--segments", type=_grid(1000), default=20, help="time segments (default: 20)")
    explain.add_argument("--bands", type=_grid(256), default=16, help="frequency bands (default: 16)")
    explain.add_argument(
        "--mask",
        choices=["noise", "attenuate"],
        default="noise",
        help="how a cell is removed (default: noise at each frequency's level elsewhere)",
    )
    explain.add_argument(
        "--target",
        choices=["p_fake", "logit"],
        default="p_fake",
        help="the score whose drop is mapped (default: p_fake)",
    )
    return parser
