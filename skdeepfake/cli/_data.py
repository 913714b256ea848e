"""Reading the command line's data: folders and corpora, groups, class counts, lost files.

Every file is accounted for: used, or listed on stderr with the reason.
"""

import sys
import warnings

__all__ = []


def _load_dataset(args, min_duration=None):
    """:func:`_read_dataset`, its skipped files listed one by one rather than warned about."""
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=".*unusable file", category=UserWarning)
        return _read_dataset(args, min_duration)


def _read_dataset(args, min_duration=None):
    """(X, y, X_test, y_test, description); X_test is None without a given split.

    Every file is decoded once: what is unusable, longer than
    ``--max-duration`` or shorter than ``min_duration`` (what the detectors'
    front-ends need) is reported and left out.
    """
    import numpy as np

    from ..datasets import load_audio_folder, load_for, make_synthetic_speech

    limits = {"max_duration": args.max_duration, "min_duration": min_duration or None}

    if args.data is None:
        low, high = args.durations
        data = make_synthetic_speech(
            n_samples=args.n_samples,
            duration=low if low == high else (low, high),
            random_state=args.seed,
        )
        length = f"{low:g} s" if low == high else f"{low:g}-{high:g} s"
        return (
            data.data,
            data.target_names[data.target],
            None,
            None,
            (f"built-in synthetic speech, {args.n_samples} clips of {length}"),
        )
    if args.layout == "for" and getattr(args, "data_split", None) == "training":
        train = load_for(args.data, args.for_version, "training", **limits)
        _report_skipped(train.skipped, len(train.filenames))
        return (
            train.filenames,
            train.target_names[train.target],
            None,
            None,
            f"FoR {args.for_version}, training",
        )
    if args.layout == "for":
        train = load_for(args.data, args.for_version, "training", **limits)
        test = load_for(args.data, args.for_version, "testing", **limits)
        skipped = train.skipped + test.skipped
        _report_skipped(skipped, len(train.filenames) + len(test.filenames))
        names = train.target_names
        if args.cv:
            X = np.concatenate([train.filenames, test.filenames])
            y = names[np.concatenate([train.target, test.target])]
            return X, y, None, None, f"FoR {args.for_version}, training+testing"
        return (
            train.filenames,
            names[train.target],
            test.filenames,
            names[test.target],
            f"FoR {args.for_version}, training -> testing",
        )
    data = load_audio_folder(args.data, **limits)
    _report_skipped(data.skipped, len(data.filenames))
    args.group_labels = _group_labels(getattr(args, "groups", None), data)
    return data.filenames, data.target_names[data.target], None, None, f"folder {args.data}"


def _group_labels(spec, data):
    """Each file's group from ``--groups``: a manifest column, or ``re:PATTERN`` on file names."""
    import re
    from pathlib import Path

    import numpy as np

    if spec is None:
        return None
    if spec.startswith("re:"):
        try:
            pattern = re.compile(spec[3:])
        except re.error as err:
            raise ValueError(f"--groups {spec}: not a regular expression ({err}).") from None
        found = [pattern.search(Path(f).name) for f in data.filenames]
        labels = [None if m is None else (m.group(1) if pattern.groups else m.group(0)) for m in found]
    else:
        if data.metadata is None:
            raise ValueError(f"--groups {spec}: the folder has no manifest.csv; use --groups re:PATTERN.")
        if spec not in data.metadata.columns:
            columns = ", ".join(data.metadata.columns)
            raise ValueError(f"--groups {spec}: manifest.csv has no such column (it has {columns}).")
        labels = [None if v != v or v == "" else v for v in data.metadata[spec].tolist()]
    missing = [f for f, g in zip(data.filenames, labels) if g is None]
    if missing:
        raise ValueError(f"--groups {spec}: {len(missing)} file(s) have no group, e.g. {missing[0]}.")
    return np.asarray(labels, dtype=object)


def _report_skipped(skipped, used):
    """Every file is used or reported: the reasons, then the counts."""
    for path, reason in skipped:
        print(f"skipped {path}: {reason}", file=sys.stderr)
    print(
        f"files: {used + len(skipped)} found, {used} used, {len(skipped)} skipped"
        + (" (reasons above)" if skipped else ""),
        file=sys.stderr,
    )


def _check_classes(y, what):
    """Refuse, before any featurising, data without both classes; warn of a small one."""
    import numpy as np

    y = np.asarray(y)
    counts = {name: int((y == name).sum()) for name in ("real", "fake")}
    print(f"{what}: {counts['real']} real, {counts['fake']} fake", file=sys.stderr)
    missing = [name for name, n in counts.items() if n == 0]
    if missing:
        raise ValueError(f"{what} holds no {missing[0]} recordings: a detector needs both classes.")
    small = min(counts, key=counts.get)
    if counts[small] < 10:
        print(
            f"warning: only {counts[small]} {small} recordings: scores will vary a lot from one "
            "split to another; report them with their spread.",
            file=sys.stderr,
        )


def _without_lost_files(run, sets):
    """``run()``; a file that cannot be read any more (deleted since the check) is dropped and reported.

    ``sets`` is a list of ``[X, y]`` pairs (lists) that ``run`` reads; the
    file is removed from the one holding it and the run starts again.
    """
    from ..io import AudioLoadError

    while True:
        try:
            return run()
        except AudioLoadError as err:
            for pair in sets:
                X = pair[0]
                lost = [i for i, x in enumerate(X) if x is not None and str(err).startswith(f"{x}: ")]
                if lost:
                    for column in pair:  # the files, their labels (and groups)
                        del column[lost[0]]
                    print(f"skipped {err} (since the folder was checked); running again", file=sys.stderr)
                    break
            else:
                raise


def _audio_files(paths):
    """(files, unlisted): the files named and the non-hidden files below folders named.

    ``unlisted`` holds ``(path, reason)`` for what cannot even be looked at
    (a name longer than the system allows, a folder that cannot be read).
    """
    from ..datasets._folder import files_below

    files, unlisted = [], []
    for path in paths:
        try:
            if path.is_dir():
                files.extend(files_below(path))
            else:
                files.append(path)
        except OSError as err:
            unlisted.append((path, f"cannot be read ({err.strerror})"))
    return files, unlisted


def load_cli_model(args):
    """The model of ``--model``, or the pretrained detector when none is given.

    Which one is used goes to stderr, so that a table on stdout stays a table
    and the choice is never silent.
    """
    from ..persistence import load_model

    if args.model is not None:
        return load_model(args.model, trusted=args.trust)
    from ..pretrained import MODEL_CARD, MODEL_FILE, load_detector

    print(
        f"model: skdeepfake's pretrained detector ({MODEL_FILE.name}); it is weak on recordings "
        f"unlike its 386 training clips: read {MODEL_CARD} (or pass --model)",
        file=sys.stderr,
    )
    return load_detector()
