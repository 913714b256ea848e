"""In-the-Wild, WaveFake and MLAAD, read from local copies."""

import csv
import os
from pathlib import Path

from sklearn.utils._param_validation import validate_params

from ._folder import files_below
from ._protocol import ProtocolError, corpus_bunch, find, key_of, read_table

__all__ = ["load_in_the_wild", "load_wavefake", "load_mlaad"]

_AUDIO = {".wav", ".flac", ".mp3", ".ogg"}

_ITW = """In-the-Wild (Müller et al., "Does audio deepfake detection generalize?",
Interspeech 2022): 58 politicians and celebrities, bona fide and deepfaked.
Obtain release_in_the_wild.zip from https://deepfake-total.com/in_the_wild;
meta.csv has the columns file,speaker,label with label "bona-fide" or "spoof"."""


@validate_params(
    {"root": [str, os.PathLike], "check_exists": ["boolean"]},
    prefer_skip_nested_validation=True,
)
def load_in_the_wild(root, *, check_exists=True):
    """Load the In-the-Wild corpus from its ``meta.csv``.

    Parameters
    ----------
    root : str or pathlib.Path
        The folder holding ``meta.csv`` and the WAV files (``release_in_the_wild/``
        or the folder above it).
    check_exists : bool, default=True
        Leave out, and list in ``missing``, files absent from the disk.

    Returns
    -------
    data : :class:`~sklearn.utils.Bunch`
        ``filenames``, ``target`` (1 = spoof), ``groups`` (speakers),
        ``attack`` (``"-"``: the corpus names no systems), ``split``
        (``"eval"``), ``frame``, ``missing`` and ``DESCR``.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> from skdeepfake.datasets import load_in_the_wild
    >>> root = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (root / "meta.csv").write_text("file,speaker,label\\n0.wav,Alan Watts,spoof\\n1.wav,Alan Watts,bona-fide\\n")
    >>> load_in_the_wild(root, check_exists=False).target.tolist()
    [1, 0]
    """
    root = Path(root)
    meta = find(root, "meta.csv", "release_in_the_wild/meta.csv", kind="In-the-Wild meta.csv")
    with open(meta, encoding="utf-8", newline="") as f:
        rows = list(csv.reader(f))
    if not rows or [c.strip() for c in rows[0]] != ["file", "speaker", "label"]:
        raise ProtocolError(f"{meta}:1: expected the header 'file,speaker,label'.")
    records = []
    for number, row in enumerate(rows[1:], start=2):
        if not row:
            continue
        if len(row) != 3:
            raise ProtocolError(f"{meta}:{number}: expected 3 fields (file, speaker, label), got {len(row)}.")
        name, speaker, label = (c.strip() for c in row)
        records.append(
            {
                "path": str(meta.parent / name),
                "target": key_of(label, meta, number),
                "speaker": speaker,
                "attack": "-",
                "split": "eval",
            }
        )
    return corpus_bunch(records, _ITW, check_exists=check_exists, roots=(meta.parent,))


_WAVEFAKE = """WaveFake (Frank & Schönherr, "WaveFake: A data set to facilitate audio
deepfake detection", NeurIPS Datasets and Benchmarks 2021): LJSpeech and
JSUT utterances re-synthesised by neural vocoders (MelGAN, Parallel WaveGAN,
Multi-band and Full-band MelGAN, WaveGlow, HiFi-GAN) and a TTS system.
Obtain generated_audio from https://zenodo.org/records/5642694; the bona
fide side is LJSpeech 1.1 (https://keithito.com/LJ-Speech-Dataset/) and JSUT
(https://sites.google.com/site/shinnosuketakamichi/publication/jsut), given
by path. Each folder of generated_audio/ is one attack."""


def _audio_below(folder):
    return [p for p in files_below(folder) if p.suffix.lower() in _AUDIO]


@validate_params(
    {
        "root": [str, os.PathLike],
        "ljspeech": [str, os.PathLike, None],
        "jsut": [str, os.PathLike, None],
        "check_exists": ["boolean"],
    },
    prefer_skip_nested_validation=True,
)
def load_wavefake(root, *, ljspeech=None, jsut=None, check_exists=True):
    """Load WaveFake's generated audio, with LJSpeech and JSUT as the bona fide side.

    Parameters
    ----------
    root : str or pathlib.Path
        ``generated_audio/`` or the folder above it; each sub-folder (e.g.
        ``ljspeech_melgan``) is one attack.
    ljspeech, jsut : str, pathlib.Path or None, default=None
        LJSpeech-1.1 (its ``wavs/``) and JSUT (its ``basic5000/wav``) for the
        bona fide side; ``None`` leaves that side out.
    check_exists : bool, default=True
        Kept for the loaders' common signature (files are listed from disk).

    Returns
    -------
    data : :class:`~sklearn.utils.Bunch`
        ``attack`` is the vocoder folder (``"-"`` for bona fide), ``groups``
        the voice (``"ljspeech"`` or ``"jsut"``: both corpora are one
        speaker each).

    Examples
    --------
    >>> import tempfile, pathlib, numpy as np, soundfile as sf
    >>> from skdeepfake.datasets import load_wavefake
    >>> root = pathlib.Path(tempfile.mkdtemp())
    >>> (root / "generated_audio" / "ljspeech_melgan").mkdir(parents=True)
    >>> sf.write(root / "generated_audio" / "ljspeech_melgan" / "LJ001-0001_gen.wav", np.zeros(800), 16000)
    >>> load_wavefake(root).attack.tolist()
    ['ljspeech_melgan']
    """
    generated = Path(root)
    if generated.name != "generated_audio":
        generated = find(generated, "generated_audio", kind="WaveFake generated_audio folder")
    records = []
    for folder in sorted(p for p in generated.iterdir() if p.is_dir()):
        voice = "jsut" if folder.name.startswith("jsut") else "ljspeech"
        records += [
            {"path": str(p), "target": 1, "speaker": voice, "attack": folder.name, "split": "-"}
            for p in _audio_below(folder)
        ]
    for voice, source, sub in (("ljspeech", ljspeech, "wavs"), ("jsut", jsut, "basic5000/wav")):
        if source is not None:
            source = Path(source)
            folder = source / sub if (source / sub).is_dir() else source
            records += [
                {"path": str(p), "target": 0, "speaker": voice, "attack": "-", "split": "-"}
                for p in _audio_below(folder)
            ]
    return corpus_bunch(records, _WAVEFAKE, check_exists=check_exists)


_MLAAD = """MLAAD (Müller et al., "MLAAD: The Multi-Language Audio Anti-Spoofing
Dataset", IJCNN 2024): TTS output of many systems in many languages. Obtain
it from https://deepfake-total.com/mlaad: fake/<language>/<system>/ with a
meta.csv per system ('|'-separated, with the columns path, language,
model_name and architecture among others). The bona fide side is M-AILABS
(https://github.com/imdatceleste/m-ailabs-dataset), given by path
(<language>/by_book/<gender>/<speaker>/<book>/wavs/)."""


def _mlaad_meta(folder):
    """Architecture of each file, from the system's meta.csv (empty if it has none)."""
    meta = folder / "meta.csv"
    if not meta.is_file():
        return {}
    rows = read_table(meta, 64, sep="|", min_columns=1, what="MLAAD meta")
    if not rows:
        return {}
    header = [h.strip() for h in rows[0][1]]
    if "path" not in header:
        raise ProtocolError(f"{meta}:{rows[0][0]}: expected a header with a 'path' column.")
    out = {}
    for number, fields in rows[1:]:
        if len(fields) != len(header):
            raise ProtocolError(f"{meta}:{number}: expected {len(header)} fields, got {len(fields)}.")
        row = dict(zip(header, fields))
        out[Path(row["path"]).name] = row.get("architecture", "-")
    return out


@validate_params(
    {"root": [str, os.PathLike], "mailabs": [str, os.PathLike, None], "check_exists": ["boolean"]},
    prefer_skip_nested_validation=True,
)
def load_mlaad(root, *, mailabs=None, check_exists=True):
    """Load MLAAD's spoofed speech, with M-AILABS as the bona fide side.

    Parameters
    ----------
    root : str or pathlib.Path
        The folder holding ``fake/`` (or ``fake/`` itself).
    mailabs : str, pathlib.Path or None, default=None
        The M-AILABS corpus, whose ``<language>/by_book/...`` recordings are
        the bona fide side; ``None`` leaves it out.
    check_exists : bool, default=True
        Kept for the loaders' common signature (files are listed from disk).

    Returns
    -------
    data : :class:`~sklearn.utils.Bunch`
        ``attack`` is the TTS system (``"-"`` for bona fide), ``groups`` the
        M-AILABS speaker (the system for spoofed files, whose speakers MLAAD
        does not name), ``frame`` adds ``language`` and ``architecture``.

    Examples
    --------
    >>> import tempfile, pathlib, numpy as np, soundfile as sf
    >>> from skdeepfake.datasets import load_mlaad
    >>> root = pathlib.Path(tempfile.mkdtemp())
    >>> system = root / "fake" / "de" / "tts_models_de_thorsten_vits"
    >>> system.mkdir(parents=True)
    >>> sf.write(system / "a.wav", np.zeros(800), 16000)
    >>> data = load_mlaad(root)
    >>> data.attack.tolist(), data.frame["language"].tolist()
    (['tts_models_de_thorsten_vits'], ['de'])
    """
    fake = Path(root)
    if fake.name != "fake":
        fake = find(fake, "fake", kind="MLAAD fake/ folder")
    records = []
    for language in sorted(p for p in fake.iterdir() if p.is_dir()):
        for system in sorted(p for p in language.iterdir() if p.is_dir()):
            architecture = _mlaad_meta(system)
            records += [
                {
                    "path": str(p),
                    "target": 1,
                    "speaker": system.name,
                    "attack": system.name,
                    "split": "-",
                    "language": language.name,
                    "architecture": architecture.get(p.name, "-"),
                }
                for p in _audio_below(system)
            ]
    if mailabs is not None:
        for p in _audio_below(Path(mailabs)):
            parts = p.relative_to(mailabs).parts
            speaker = parts[3] if len(parts) > 4 and parts[1] == "by_book" else "-"
            records.append(
                {
                    "path": str(p),
                    "target": 0,
                    "speaker": speaker,
                    "attack": "-",
                    "split": "-",
                    "language": parts[0] if len(parts) > 1 else "-",
                    "architecture": "-",
                }
            )
    return corpus_bunch(records, _MLAAD, check_exists=check_exists)
