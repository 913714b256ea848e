r"""What the command line writes: checked before any work, written atomically, safe to open.

File names are user data. In TSV and CSV output every control character of
a name is written as a backslash escape (a carriage return as ``\r``, a
backslash as ``\\``), so that each row is one line for every reader, and
a name starting with ``=``, ``+``, ``-`` or ``@`` is prefixed with ``'``
so that a spreadsheet shows it rather than evaluating it (OWASP's advice
on CSV injection). JSON lines hold names exactly. Files and folders are
created with the permissions the umask gives, as other programs' output
is.
"""

import contextlib
import csv
import json
import os
import re
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
    "safe_cell",
    "safe_text",
    "say",
]

_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\\]")
_ESCAPES = {"\n": "\\n", "\r": "\\r", "\t": "\\t", "\\": "\\\\"}


def safe_text(text):
    r"""``text`` with every control character but the newline escaped, for a terminal or a log.

    A file name holding ESC or OSC sequences would otherwise re-colour,
    retitle or rewrite the user's terminal.

    >>> safe_text("a\x1b]0;owned\x07b.wav: skipped")
    'a\\x1b]0;owned\\x07b.wav: skipped'
    """
    return "\n".join(
        _CONTROL.sub(lambda m: _ESCAPES.get(m[0], f"\\x{ord(m[0]):02x}") if m[0] != "\\" else "\\", line)
        for line in str(text).split("\n")
    )


def say(text):
    """Write one message line to stderr, control characters escaped (:func:`safe_text`)."""
    print(safe_text(text), file=sys.stderr, flush=True)


def safe_cell(text):
    r"""``text`` for a TSV/CSV cell: control characters escaped, formulas neutralised.

    >>> safe_cell("a\rb.wav"), safe_cell("=HYPERLINK(1).wav"), safe_cell("ok.wav")
    ('a\\rb.wav', "'=HYPERLINK(1).wav", 'ok.wav')
    """
    text = _CONTROL.sub(lambda m: _ESCAPES.get(m[0], f"\\x{ord(m[0]):02x}"), str(text))
    return "'" + text if text[:1] in ("=", "+", "-", "@") else text


def _umask():
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


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
    """Raise ValueError, before any work, if ``path`` cannot become a results folder.

    The check makes the folders above ``path`` and a probe folder beside it,
    as the results will need: a place the system refuses (``/proc/x``)
    fails here, not after the work.
    """
    path = Path(path)
    if path.exists() and not path.is_dir():
        raise ValueError(f"{option} {path}: exists and is not a folder.")
    ancestor = path.parent
    while not ancestor.exists() and ancestor != ancestor.parent:
        ancestor = ancestor.parent
    _writable_folder(ancestor, option, path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        os.rmdir(tempfile.mkdtemp(dir=path.parent, prefix=f".{path.name}.probe."))
    except OSError as err:
        raise ValueError(f"{option} {path}: cannot create it ({err.strerror}).") from None


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
        os.chmod(tmp, 0o666 & ~_umask())  # mkstemp makes it private; output follows the umask
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
    os.chmod(tmp, 0o777 & ~_umask())  # mkdtemp makes it private; output follows the umask
    try:
        yield tmp
        _swap_in(tmp, path)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise


def _swap_in(tmp, path, attempts=5):
    """Rename ``tmp`` to ``path``, moving an existing ``path`` aside and deleting it.

    Concurrent writers retry until one rename wins each time; the last to
    finish leaves its results, and none leaves a hidden folder behind.
    """
    for _ in range(attempts):
        old = None
        if path.exists():
            old = Path(tempfile.mkdtemp(dir=path.parent, prefix=f".{path.name}.old."))
            try:
                os.replace(path, old / "results")
            except FileNotFoundError:  # another writer moved it first
                os.rmdir(old)
                old = None
        try:
            os.rename(tmp, path)
        except OSError:  # another writer put its results there first: try again
            continue
        finally:
            if old is not None:
                shutil.rmtree(old, ignore_errors=True)
        return
    raise OSError(f"{path}: other runs kept writing results there; these were not saved.")


class PredictionWriter:
    """Rows of ``predict``'s output: TSV/CSV through :func:`safe_cell`, or JSON lines.

    Each recording's row gives P(fake), its label (``real``, ``fake`` or
    ``uncertain``, as :func:`~skdeepfake.scoring.score_files` decided it)
    and, for ``uncertain``, the reason. Window rows are labelled by the
    threshold (0.5 unless given): a window is never a verdict on its own.
    """

    def __init__(self, fmt, windows, threshold=None):
        self.fmt, self.windows = fmt, windows
        self.threshold = 0.5 if threshold is None else threshold
        if fmt != "json":
            self.csv = csv.writer(sys.stdout, delimiter="\t" if fmt == "tsv" else ",", lineterminator="\n")
            header = ["file", "p_fake", "label", "reason"]
            self.csv.writerow(header[:1] + ["start", "end"] + header[1:] if windows else header)

    def _label(self, p_fake):
        return "fake" if p_fake >= self.threshold else "real"

    def write(self, path, p_fake, windows, label=None, reason=None):
        label = label or self._label(p_fake)
        if self.fmt == "json":
            row = {"file": str(path), "p_fake": round(p_fake, 6), "label": label, "reason": reason}
            if windows is not None:
                row["windows"] = [
                    {
                        "start": round(w.start, 3),
                        "end": round(w.end, 3),
                        "p_fake": round(w.p_fake, 6),
                        "label": self._label(w.p_fake),
                    }
                    for w in windows.itertuples()
                ]
            print(json.dumps(row), flush=True)
            return
        name, why = safe_cell(path), safe_cell(reason or "")
        if not self.windows:
            self.csv.writerow([name, f"{p_fake:.4f}", label, why])
        else:
            self.csv.writerow([name, "", "", f"{p_fake:.4f}", label, why])
            for w in windows.itertuples():
                self.csv.writerow(
                    [name, f"{w.start:.2f}", f"{w.end:.2f}", f"{w.p_fake:.4f}", self._label(w.p_fake), ""]
                )
        sys.stdout.flush()

    def close(self):
        sys.stdout.flush()
