"""Reading the command line's data: folders and corpora, groups, class counts, lost files.

Every file is accounted for: used, or listed on stderr with the reason.
"""

import warnings

from ._outputs import say

__all__ = []


def _load_dataset(args, min_duration=None):
    """:func:`_read_dataset`, its skipped files listed one by one rather than warned about."""
    from ..datasets import SilentRecordingWarning

    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=".*unusable file", category=UserWarning)
        warnings.filterwarnings("ignore", category=SilentRecordingWarning)  # listed one by one instead
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
        _report_notes(getattr(train, "notes", []))
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
    _check_groups_spec(getattr(args, "groups", None), args.data)  # before any decoding
    data = load_audio_folder(args.data, **limits)
    _report_skipped(data.skipped, len(data.filenames))
    _report_notes(data.notes)
    args.group_labels = _group_labels(getattr(args, "groups", None), data)
    return data.filenames, data.target_names[data.target], None, None, f"folder {args.data}"


#: Seconds a --groups pattern may spend on one file name before the run is refused.
GROUP_PATTERN_TIMEOUT = 0.5


def _group_pattern(spec):
    """The compiled pattern of ``--groups re:PATTERN`` (the ``regex`` engine, which takes a timeout)."""
    import regex

    try:
        return regex.compile(spec[3:])
    except regex.error as err:
        raise ValueError(f"--groups {spec}: not a regular expression ({err}).") from None


def _groups_from_names(spec, pattern, names):
    """Each name's group by ``pattern``, None where it does not match; refused if it runs too long."""
    labels = []
    for name in names:
        try:
            m = pattern.search(name, timeout=GROUP_PATTERN_TIMEOUT)
        except TimeoutError:
            raise ValueError(
                f"--groups {spec}: the pattern ran longer than {GROUP_PATTERN_TIMEOUT:g} s on the file "
                f"name {name!r} (catastrophic backtracking?); simplify it."
            ) from None
        labels.append(None if m is None else (m.group(1) if pattern.groups else m.group(0)))
    return labels


def _check_groups_spec(spec, root):
    """Refuse a --groups that cannot work before any file is decoded.

    A manifest column must exist (once); a pattern must compile, run in
    bounded time and match at least one file name of the folder.
    """
    from pathlib import Path

    from ..datasets import files_below, manifest_columns

    if spec is None:
        return
    if spec.startswith("re:"):
        pattern = _group_pattern(spec)
        names = [p.name for label in ("real", "fake") for p in files_below(Path(root) / label, [])]
        if names and not any(label is not None for label in _groups_from_names(spec, pattern, names)):
            raise ValueError(f"--groups {spec}: the pattern matches none of the {len(names)} file names.")
        return
    columns = manifest_columns(root)
    if columns is None:
        raise ValueError(f"--groups {spec}: the folder has no manifest.csv; use --groups re:PATTERN.")
    if spec not in columns:
        raise ValueError(f"--groups {spec}: manifest.csv has no such column (it has {', '.join(columns)}).")


def _group_labels(spec, data):
    """Each file's group from ``--groups``: a manifest column, or ``re:PATTERN`` on file names."""
    from pathlib import Path

    import numpy as np

    if spec is None:
        return None
    if spec.startswith("re:"):
        labels = _groups_from_names(spec, _group_pattern(spec), [Path(f).name for f in data.filenames])
    else:
        if data.metadata is None:
            raise ValueError(f"--groups {spec}: the folder has no manifest.csv; use --groups re:PATTERN.")
        labels = [None if v != v or v == "" else v for v in data.metadata[spec].tolist()]
    missing = [f for f, g in zip(data.filenames, labels) if g is None]
    if missing:
        raise ValueError(f"--groups {spec}: {len(missing)} file(s) have no group, e.g. {missing[0]}.")
    if len(set(labels)) < 2:
        raise ValueError(
            f"--groups {spec}: every file is in one group ({labels[0]!r}); grouped cross-validation "
            "needs at least two groups (choose another column or pattern, or leave --groups out)."
        )
    return np.asarray(labels, dtype=object)


def _report_notes(notes):
    """The silent or constant recordings kept, one line each."""
    for path, note in notes:
        say(f"warning: {path}: {note}")


def _report_skipped(skipped, used):
    """Every file is used or reported: the reasons, then the counts."""
    for path, reason in skipped:
        say(f"skipped {path}: {reason}")
    say(
        f"files: {used + len(skipped)} found, {used} used, {len(skipped)} skipped"
        + (" (reasons above)" if skipped else "")
    )


def _check_classes(y, what):
    """Refuse, before any featurising, data without both classes; warn of a small one."""
    import numpy as np

    y = np.asarray(y)
    counts = {name: int((y == name).sum()) for name in ("real", "fake")}
    say(f"{what}: {counts['real']} real, {counts['fake']} fake")
    missing = [name for name, n in counts.items() if n == 0]
    if missing:
        raise ValueError(f"{what} holds no {missing[0]} recordings: a detector needs both classes.")
    small = min(counts, key=counts.get)
    if counts[small] < 10:
        say(
            f"warning: only {counts[small]} {small} recordings: scores will vary a lot from one "
            "split to another; report them with their spread."
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
                    say(f"skipped {err} (since the folder was checked); running again")
                    break
            else:
                raise


def _audio_files(paths):
    """(files, unlisted): the files named and the non-hidden files below folders named.

    ``unlisted`` holds ``(path, reason)`` for what cannot even be looked at
    (a name longer than the system allows, a folder that cannot be read).
    """
    from ..datasets import files_below

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
    """The model of ``--model``: a model file, a shipped detector's name, or the default detector.

    A name of :data:`skdeepfake.pretrained.DETECTORS` (``aasist``,
    ``aasist-l``) loads that shipped detector unless a file of that name
    exists. Which one is used goes to stderr, so that a table on stdout
    stays a table and the choice is never silent.
    """
    from ..persistence import load_model
    from ..pretrained import DETECTORS, detector_files, load_detector

    name = None if args.model is None else str(args.model)
    if name is not None and (name not in DETECTORS or args.model.exists()):
        return load_model(args.model, trusted=args.trust)
    name = name or "default"
    file, card = detector_files(name)
    if name == "default":
        say(
            f"model: skdeepfake's pretrained detector ({file.name}), AASIST-L calibrated on 25 sources; "
            f"it says 'uncertain' where its evidence is weak or a recording is under 2 s, and misses most fakes: read {card} "
            "(or pass --model)"
        )
    else:
        say(
            f"model: the published {DETECTORS[name][2]['variant']} weights ({file.name}), trained on "
            f"ASVspoof 2019 LA; near chance on recordings unlike it: read {card}"
        )
    return load_detector(name)
