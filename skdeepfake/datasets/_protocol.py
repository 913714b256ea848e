"""What every protocol-driven corpus loader shares: parsing, the Bunch, missing files."""

from pathlib import Path

import pandas as pd
from sklearn.utils import Bunch

from ..labels import BONA_FIDE_NAMES, SPOOF_NAMES
from ._folder import TARGET_NAMES
from ._screen import screen_files

__all__ = ["ProtocolError", "read_table", "key_of", "corpus_bunch", "find", "as_list"]


class ProtocolError(ValueError):
    """A protocol or metadata file has a line that is not in its documented form.

    The message names the file and the line number.
    """


def read_table(path, n_columns, *, sep=None, min_columns=None, what="protocol"):
    """Rows of a whitespace- (or ``sep``-) separated file, checked line by line.

    Returns a list of ``(line_number, fields)``; a line with fewer than
    ``min_columns`` (default ``n_columns``) or more than ``n_columns``
    fields raises :class:`ProtocolError` naming the file and the line.
    """
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"{path}: no such {what} file.")
    low = n_columns if min_columns is None else min_columns
    rows = []
    with open(path, encoding="utf-8") as f:
        for number, line in enumerate(f, start=1):
            if not line.strip():
                continue
            fields = line.rstrip("\n").split(sep) if sep else line.split()
            if not low <= len(fields) <= n_columns:
                expected = f"{n_columns}" if low == n_columns else f"{low} to {n_columns}"
                raise ProtocolError(
                    f"{path}:{number}: expected {expected} fields, got {len(fields)}: {line.strip()[:120]!r}."
                )
            rows.append((number, [field.strip() for field in fields]))
    return rows


def key_of(value, path, number):
    """1 for a spoof key, 0 for a bona fide one, by the spellings of :mod:`skdeepfake.labels`."""
    name = value.strip().lower()
    if name in SPOOF_NAMES:
        return 1
    if name in BONA_FIDE_NAMES:
        return 0
    raise ProtocolError(f"{path}:{number}: the key {value!r} is neither bona fide nor spoof.")


def find(root, *candidates, kind="folder"):
    """The first of ``root / candidate`` that exists, or a FileNotFoundError listing them."""
    root = Path(root)
    for candidate in candidates:
        path = root / candidate
        if path.exists():
            return path
    raise FileNotFoundError(
        f"{root}: no {kind} found; looked for {', '.join(str(root / c) for c in candidates)}."
    )


def corpus_bunch(records, descr, *, check_exists=True, roots=None):
    """The loaders' Bunch from records: dicts with ``path``, ``target`` and metadata.

    Files the protocol names but the disk lacks are listed in ``missing``
    and left out of the data. Files outside ``roots`` (a protocol naming
    ``../x`` or ``/etc/hostname``), listed twice, or listed with both labels
    are left out and listed in ``skipped`` with the reason
    (:func:`~skdeepfake.datasets._screen.screen_files`).
    """
    frame = pd.DataFrame.from_records(records)
    if frame.empty:
        frame = pd.DataFrame(columns=["path", "target", "speaker", "attack", "split"])
    keep, skipped, _ = screen_files(frame["path"].tolist(), frame["target"].tolist(), roots=roots)
    frame = frame.loc[keep].reset_index(drop=True)
    exists = (
        frame["path"].map(lambda p: Path(p).is_file()) if check_exists else pd.Series(True, index=frame.index)
    )
    missing = frame.loc[~exists, "path"].astype(str).tolist()
    frame = frame.loc[exists].reset_index(drop=True)
    target = frame["target"].to_numpy(dtype=int)
    n_real, n_fake = int((target == 0).sum()), int((target == 1).sum())
    return Bunch(
        filenames=frame["path"].astype(str).to_numpy(dtype=object),
        target=target,
        target_names=TARGET_NAMES.copy(),
        groups=frame["speaker"].to_numpy(dtype=object) if "speaker" in frame else None,
        attack=frame["attack"].to_numpy(dtype=object) if "attack" in frame else None,
        split=frame["split"].to_numpy(dtype=object) if "split" in frame else None,
        frame=frame.drop(columns=["target"]),
        missing=missing,
        skipped=skipped,
        DESCR=f"{descr}\n\n{len(frame)} files: {n_real} bona fide, {n_fake} spoofed; "
        f"{len(missing)} named by the protocol but missing on disk; {len(skipped)} skipped.\n",
    )


def as_list(value, name, choices):
    values = [value] if isinstance(value, str) else list(value)
    bad = sorted(set(values) - set(choices))
    if bad or not values:
        raise ValueError(f"{name}={value!r}: choose from {', '.join(choices)}.")
    return values
