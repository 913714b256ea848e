"""What the command line writes: checked before any work, written atomically."""

import contextlib
import csv
import json
import os
import shutil
import sys
import tempfile
import zipfile
from pathlib import Path

__all__ = [
    "check_model_output",
    "check_folder_output",
    "write_file_atomically",
    "atomic_folder",
    "PredictionWriter",
]


def _writable_folder(folder, option, path):
    if not folder.is_dir():
        raise ValueError(f"{option} {path}: the folder {folder} does not exist.")
    if not os.access(folder, os.W_OK | os.X_OK):
        raise ValueError(f"{option} {path}: the folder {folder} is not writable.")


def _is_model_file(path):
    try:
        with zipfile.ZipFile(path) as zf:
            return "manifest.json" in zf.namelist()
    except (zipfile.BadZipFile, OSError):
        return False


def check_model_output(path, force=False, option="--out"):
    """Raise ValueError, before any training, if ``path`` cannot take a model file."""
    path = Path(path)
    if path.is_dir():
        raise ValueError(f"{option} {path}: is a folder; give a file such as {path / 'detector.skdf'}.")
    _writable_folder(path.parent if str(path.parent) else Path("."), option, path)
    if path.exists() and not force and not _is_model_file(path):
        raise ValueError(
            f"{option} {path}: exists and is not a skdeepfake model file; refusing to "
            "overwrite it (pass --force to replace it)."
        )


def check_folder_output(path, option="--out"):
    """Raise ValueError, before any work, if ``path`` cannot become a results folder."""
    path = Path(path)
    if path.exists() and not path.is_dir():
        raise ValueError(f"{option} {path}: exists and is not a folder.")
    ancestor = path.parent
    while not ancestor.exists() and ancestor != ancestor.parent:
        ancestor = ancestor.parent
    _writable_folder(ancestor, option, path)


def write_file_atomically(path, write):
    """Call ``write(tmp_path)`` and move the result to ``path`` in one rename.

    A reader, or a concurrent writer, sees either the old file or the new
    one, never half of one; an interrupted write leaves no partial file.
    """
    path = Path(path)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    os.close(fd)
    try:
        write(tmp)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise


@contextlib.contextmanager
def atomic_folder(path):
    """A temporary folder beside ``path`` that replaces it when the block ends well.

    An interrupted run leaves the previous results whole (no new tables
    beside old figures) and removes its own partial output.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(dir=path.parent, prefix=f".{path.name}."))
    try:
        yield tmp
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    old = None
    if path.exists():
        old = path.with_name(f".{path.name}.old-{os.getpid()}")
        os.rename(path, old)
    os.rename(tmp, path)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


class PredictionWriter:
    """Rows of ``predict``'s output, quoted by the csv module (or as JSON lines)."""

    def __init__(self, fmt, windows):
        self.fmt, self.windows = fmt, windows
        if fmt != "json":
            self.csv = csv.writer(sys.stdout, delimiter="\t" if fmt == "tsv" else ",", lineterminator="\n")
            header = ["file", "start", "end", "p_fake", "label"] if windows else ["file", "p_fake", "label"]
            self.csv.writerow(header)

    def write(self, path, p_fake, label, windows):
        if self.fmt == "json":
            row = {"file": str(path), "p_fake": round(p_fake, 6), "label": label}
            if windows is not None:
                row["windows"] = [
                    {"start": round(w.start, 3), "end": round(w.end, 3), "p_fake": round(w.p_fake, 6)}
                    for w in windows.itertuples()
                ]
            print(json.dumps(row), flush=True)
            return
        if not self.windows:
            self.csv.writerow([str(path), f"{p_fake:.4f}", label])
        else:
            self.csv.writerow([str(path), "", "", f"{p_fake:.4f}", label])
            for w in windows.itertuples():
                self.csv.writerow([str(path), f"{w.start:.2f}", f"{w.end:.2f}", f"{w.p_fake:.4f}", ""])
        sys.stdout.flush()

    def close(self):
        sys.stdout.flush()
