"""The ASVspoof 2019, 2021 and 5 corpora, read from a local copy through their CM protocols."""

import os
from pathlib import Path

from sklearn.utils._param_validation import StrOptions, validate_params

from ._protocol import ProtocolError, as_list, corpus_bunch, find, key_of, read_table

__all__ = ["load_asvspoof2019", "load_asvspoof2021", "load_asvspoof5"]

_SPLITS_2019 = {"train": "train.trn", "dev": "dev.trl", "eval": "eval.trl"}
_ASVSPOOF2019 = """ASVspoof 2019 {track} (Wang et al., "ASVspoof 2019: a large-scale public
database of synthesized, converted and replayed speech", Computer Speech &
Language 64, 2020). Obtain it from https://doi.org/10.7488/ds/2555 (Edinburgh
DataShare); unpack {track}.zip so that {track}/ holds ASVspoof2019_{track}_cm_protocols/
and ASVspoof2019_{track}_<split>/flac/. Protocol lines: SPEAKER UTTERANCE
ENVIRONMENT ATTACK KEY, with ATTACK '-' for bona fide (A01-A19 in LA, AA-CC
in PA) and KEY bonafide or spoof."""


def _attack(value):
    return "-" if value in ("-", "bonafide") else value


@validate_params(
    {
        "root": [str, os.PathLike],
        "track": [StrOptions({"LA", "PA"})],
        "split": [str, list, tuple],
        "check_exists": ["boolean"],
    },
    prefer_skip_nested_validation=True,
)
def load_asvspoof2019(root, track="LA", split="train", *, check_exists=True):
    """Load ASVspoof 2019 LA or PA from its countermeasure (CM) protocol files.

    Parameters
    ----------
    root : str or pathlib.Path
        The folder holding ``LA/`` or ``PA/`` (or the track folder itself).
    track : {"LA", "PA"}, default="LA"
        Logical access (TTS and voice conversion) or physical access (replay).
    split : {"train", "dev", "eval"} or list of them, default="train"
        The partitions to read.
    check_exists : bool, default=True
        Leave out, and list in ``missing``, files the protocol names but the
        disk lacks.

    Returns
    -------
    data : :class:`~sklearn.utils.Bunch`
        ``filenames``, ``target`` (1 = spoof), ``target_names``, ``groups``
        (speaker ids, for speaker-disjoint cross-validation), ``attack``
        (``"-"`` for bona fide, else the system id), ``split``, ``frame``
        (every protocol column), ``missing`` and ``DESCR`` (with the
        citation and where to obtain the data).

    Raises
    ------
    FileNotFoundError
        If the track folder or a protocol file is missing.
    ProtocolError
        If a protocol line is not of the documented form; the message names
        the file and the line.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> from skdeepfake.datasets import load_asvspoof2019
    >>> root = pathlib.Path(tempfile.mkdtemp())
    >>> proto = root / "LA" / "ASVspoof2019_LA_cm_protocols"
    >>> proto.mkdir(parents=True)
    >>> _ = (proto / "ASVspoof2019.LA.cm.train.trn.txt").write_text(
    ...     "LA_0079 LA_T_1138215 - - bonafide\\nLA_0079 LA_T_1271820 - A01 spoof\\n")
    >>> data = load_asvspoof2019(root, check_exists=False)
    >>> data.target.tolist(), data.attack.tolist(), data.groups.tolist()
    ([0, 1], ['-', 'A01'], ['LA_0079', 'LA_0079'])
    """
    track = as_list(track, "track", ("LA", "PA"))[0]
    root = Path(root)
    base = root if root.name == track else find(root, track, kind=f"ASVspoof 2019 {track} folder")
    records = []
    for name in as_list(split, "split", tuple(_SPLITS_2019)):
        protocol = (
            base / f"ASVspoof2019_{track}_cm_protocols" / f"ASVspoof2019.{track}.cm.{_SPLITS_2019[name]}.txt"
        )
        audio = base / f"ASVspoof2019_{track}_{name}" / "flac"
        for number, (speaker, utterance, environment, attack, key) in read_table(protocol, 5):
            records.append(
                {
                    "path": str(audio / f"{utterance}.flac"),
                    "target": key_of(key, protocol, number),
                    "speaker": speaker,
                    "attack": _attack(attack),
                    "split": name,
                    "environment": environment,
                }
            )
    return corpus_bunch(records, _ASVSPOOF2019.format(track=track), check_exists=check_exists, roots=(root,))


_ASVSPOOF2021 = """ASVspoof 2021 {track} evaluation (Liu et al., "ASVspoof 2021: Towards
spoofed and deepfake speech detection in the wild", IEEE/ACM TASLP 31, 2023).
Audio: ASVspoof2021_{track}_eval/flac/ from https://www.asvspoof.org/index2021.html
(Zenodo); keys: {track}-keys-full/keys/{track}/CM/trial_metadata.txt from the same
page. Key lines: SPEAKER TRIAL then the track's conditions (LA: codec and
transmission; DF: codec and source corpus; PA: environment and replay
settings), ATTACK, KEY (bonafide/spoof), TRIM, SUBSET (progress, eval or
hidden track), and in DF the vocoder type."""


@validate_params(
    {
        "root": [str, os.PathLike],
        "track": [StrOptions({"LA", "DF", "PA"})],
        "subset": [str, list, tuple, None],
        "check_exists": ["boolean"],
    },
    prefer_skip_nested_validation=True,
)
def load_asvspoof2021(root, track="LA", *, subset=None, check_exists=True):
    """Load the ASVspoof 2021 LA, DF or PA evaluation data with its published keys.

    Parameters
    ----------
    root : str or pathlib.Path
        The folder holding ``ASVspoof2021_<track>_eval/`` and
        ``<track>-keys-full/`` (or ``keys/<track>/``).
    track : {"LA", "DF", "PA"}, default="LA"
        Logical access, speech deepfake, or physical access.
    subset : str, list of str or None, default=None
        Keep only trials of these subsets (``"progress"``, ``"eval"``,
        ``"hidden_track"``...); ``None`` keeps all.
    check_exists : bool, default=True
        Leave out, and list in ``missing``, files absent from the disk.

    Returns
    -------
    data : :class:`~sklearn.utils.Bunch`
        As :func:`load_asvspoof2019`; ``frame`` adds ``codec`` and
        ``transmission`` (the track's first two condition columns), ``trim``
        and ``subset`` (and ``vocoder`` in DF).

    Examples
    --------
    >>> import tempfile, pathlib
    >>> from skdeepfake.datasets import load_asvspoof2021
    >>> root = pathlib.Path(tempfile.mkdtemp())
    >>> keys = root / "LA-keys-full" / "keys" / "LA" / "CM"
    >>> keys.mkdir(parents=True)
    >>> _ = (keys / "trial_metadata.txt").write_text(
    ...     "LA_0009 LA_E_9332881 alaw ita_tx A07 spoof notrim eval\\n"
    ...     "LA_0009 LA_E_1000001 alaw ita_tx bonafide bonafide notrim progress\\n")
    >>> data = load_asvspoof2021(root, check_exists=False)
    >>> data.attack.tolist(), data.frame["codec"].tolist()
    (['A07', '-'], ['alaw', 'alaw'])
    """
    track = as_list(track, "track", ("LA", "DF", "PA"))[0]
    root = Path(root)
    keys = find(
        root,
        f"{track}-keys-full/keys/{track}/CM/trial_metadata.txt",
        f"keys/{track}/CM/trial_metadata.txt",
        f"{track}/CM/trial_metadata.txt",
        "trial_metadata.txt",
        kind=f"ASVspoof 2021 {track} key file (trial_metadata.txt)",
    )
    audio = root / f"ASVspoof2021_{track}_eval" / "flac"
    wanted = (
        None
        if subset is None
        else set(as_list(subset, "subset", ("progress", "eval", "hidden_track", "hidden_subset")))
    )
    records = []
    for number, fields in read_table(keys, 13, min_columns=7, what="key"):
        keys_at = [i for i in range(2, len(fields)) if fields[i].lower() in ("bonafide", "spoof")]
        k = keys_at[0] if keys_at else None
        if k is not None and k + 1 in keys_at:  # bona fide rows repeat the key as their attack
            k += 1
        if k is None or k < 3 or len(fields) < k + 3:
            raise ProtocolError(
                f"{keys}:{number}: expected SPEAKER TRIAL CONDITIONS... ATTACK KEY TRIM SUBSET; "
                f"got {' '.join(fields)!r}."
            )
        conditions = fields[2 : k - 1]
        record = {
            "path": str(audio / f"{fields[1]}.flac"),
            "target": key_of(fields[k], keys, number),
            "speaker": fields[0],
            "attack": _attack(fields[k - 1]),
            "split": "eval",
            "codec": conditions[0] if conditions else "-",
            "transmission": conditions[1] if len(conditions) > 1 else "-",
            "trim": fields[k + 1],
            "subset": fields[k + 2],
        }
        if track == "DF" and len(fields) > k + 3:
            record["vocoder"] = fields[k + 3]
        if wanted is None or record["subset"] in wanted:
            records.append(record)
    return corpus_bunch(records, _ASVSPOOF2021.format(track=track), check_exists=check_exists, roots=(root,))


_ASVSPOOF5 = """ASVspoof 5 (Wang et al., "ASVspoof 5: Crowdsourced speech data, deepfakes,
and adversarial attacks at scale", ASVspoof Workshop 2024). Obtain it from
https://zenodo.org/records/14498691: ASVspoof5_protocols.tar.gz and the
flac_T_*, flac_D_*, flac_E_* archives, unpacked under one folder
(flac_T/, flac_D/, flac_E_eval/). Protocol lines (whitespace-separated,
despite the .tsv name): SPEAKER_ID FLAC_FILE_NAME SPEAKER_GENDER CODEC
CODEC_Q CODEC_SEED ATTACK_TAG ATTACK_LABEL KEY TMP. minDCF (ASVspoof 5 costs)
is the primary metric of its track 1."""

_SPLITS_5 = {
    "train": ("ASVspoof5.train.tsv", "flac_T"),
    "dev": ("ASVspoof5.dev.track_1.tsv", "flac_D"),
    "eval": ("ASVspoof5.eval.track_1.tsv", "flac_E_eval"),
}


@validate_params(
    {"root": [str, os.PathLike], "split": [str, list, tuple], "check_exists": ["boolean"]},
    prefer_skip_nested_validation=True,
)
def load_asvspoof5(root, split="train", *, check_exists=True):
    """Load ASVspoof 5 (track 1, stand-alone countermeasures) from its protocol files.

    Parameters
    ----------
    root : str or pathlib.Path
        The folder holding ``ASVspoof5_protocols/`` (or the protocol files)
        and ``flac_T/``, ``flac_D/``, ``flac_E_eval/``.
    split : {"train", "dev", "eval"} or list of them, default="train"
        The partitions to read.
    check_exists : bool, default=True
        Leave out, and list in ``missing``, files absent from the disk.

    Returns
    -------
    data : :class:`~sklearn.utils.Bunch`
        As :func:`load_asvspoof2019`; ``attack`` is ATTACK_LABEL (A01-A32,
        ``"-"`` for bona fide) and ``frame`` adds ``gender``, ``codec``,
        ``codec_q``, ``codec_seed`` and ``attack_tag``.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> from skdeepfake.datasets import load_asvspoof5
    >>> root = pathlib.Path(tempfile.mkdtemp())
    >>> (root / "ASVspoof5_protocols").mkdir()
    >>> _ = (root / "ASVspoof5_protocols" / "ASVspoof5.train.tsv").write_text(
    ...     "T_4850 T_0000000000 F - - - - - bonafide -\\n"
    ...     "T_4850 T_0000000001 F - - - A01 A01 spoof -\\n")
    >>> load_asvspoof5(root, check_exists=False).attack.tolist()
    ['-', 'A01']
    """
    root = Path(root)
    records = []
    for name in as_list(split, "split", tuple(_SPLITS_5)):
        filename, folder = _SPLITS_5[name]
        protocol = find(root, f"ASVspoof5_protocols/{filename}", filename, kind=f"ASVspoof 5 {name} protocol")
        for number, fields in read_table(protocol, 10):
            speaker, utterance, gender, codec, codec_q, seed, tag, label, key, _ = fields
            records.append(
                {
                    "path": str(root / folder / f"{utterance}.flac"),
                    "target": key_of(key, protocol, number),
                    "speaker": speaker,
                    "attack": _attack(label),
                    "split": name,
                    "gender": gender,
                    "codec": codec,
                    "codec_q": codec_q,
                    "codec_seed": seed,
                    "attack_tag": tag,
                }
            )
    return corpus_bunch(records, _ASVSPOOF5, check_exists=check_exists, roots=(root,))
