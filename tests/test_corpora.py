"""The corpus loaders on tiny trees in each corpus's published layout."""

import numpy as np
import pytest
import soundfile as sf

from skdeepfake.datasets import (
    ProtocolError,
    load_asvspoof5,
    load_asvspoof2019,
    load_asvspoof2021,
    load_in_the_wild,
    load_mlaad,
    load_wavefake,
)

SR = 16000


def _audio(path, seconds=0.1, fmt="FLAC"):
    path.parent.mkdir(parents=True, exist_ok=True)
    sf.write(path, np.zeros(int(SR * seconds), np.float32), SR, format=fmt)
    return path


@pytest.fixture
def asvspoof2019(tmp_path):
    root = tmp_path / "asvspoof2019"
    la = root / "LA"
    protocols = la / "ASVspoof2019_LA_cm_protocols"
    protocols.mkdir(parents=True)
    lines = {
        "train.trn": [
            "LA_0079 LA_T_1138215 - - bonafide",
            "LA_0079 LA_T_1271820 - A01 spoof",
            "LA_0080 LA_T_1272637 - A06 spoof",
        ],
        "dev.trl": ["LA_0069 LA_D_1047731 - - bonafide", "LA_0070 LA_D_1105538 - A04 spoof"],
        "eval.trl": ["LA_0039 LA_E_2834763 - A11 spoof", "LA_0014 LA_E_8877452 - - bonafide"],
    }
    for split, rows in lines.items():
        (protocols / f"ASVspoof2019.LA.cm.{split}.txt").write_text("\n".join(rows) + "\n")
        folder = {"train.trn": "train", "dev.trl": "dev", "eval.trl": "eval"}[split]
        for row in rows:
            utterance = row.split()[1]
            if utterance != "LA_T_1272637":  # one file the disk lacks
                _audio(la / f"ASVspoof2019_LA_{folder}" / "flac" / f"{utterance}.flac")
    return root


def test_asvspoof2019_counts_labels_speakers_attacks_splits_and_missing(asvspoof2019):
    train = load_asvspoof2019(asvspoof2019)
    assert train.target.tolist() == [0, 1]
    assert train.attack.tolist() == ["-", "A01"]
    assert train.groups.tolist() == ["LA_0079"] * 2
    assert len(train.missing) == 1
    assert train.missing[0].endswith("LA_T_1272637.flac")
    assert "ASVspoof 2019" in train.DESCR
    assert "datashare" in train.DESCR.lower()
    both = load_asvspoof2019(asvspoof2019, split=["dev", "eval"])
    assert both.split.tolist() == ["dev", "dev", "eval", "eval"]
    assert set(both.attack) == {"-", "A04", "A11"}
    assert all(sf.info(f).frames > 0 for f in both.filenames)


def test_asvspoof2019_malformed_line_names_file_and_line(asvspoof2019):
    protocol = asvspoof2019 / "LA" / "ASVspoof2019_LA_cm_protocols" / "ASVspoof2019.LA.cm.train.trn.txt"
    protocol.write_text("LA_0079 LA_T_1138215 - - bonafide\nLA_0079 LA_T_1271820 A01 spoof\n")
    with pytest.raises(ProtocolError, match=r"ASVspoof2019.LA.cm.train.trn.txt:2: expected 5 fields, got 4"):
        load_asvspoof2019(asvspoof2019)
    protocol.write_text("LA_0079 LA_T_1138215 - - genuine-ish\n")
    with pytest.raises(ProtocolError, match=r"train.trn.txt:1: the key 'genuine-ish'"):
        load_asvspoof2019(asvspoof2019)


def test_asvspoof2021_keys_for_la_and_df(tmp_path):
    root = tmp_path / "asvspoof2021"
    la_keys = root / "LA-keys-full" / "keys" / "LA" / "CM"
    la_keys.mkdir(parents=True)
    (la_keys / "trial_metadata.txt").write_text(
        "LA_0009 LA_E_9332881 alaw ita_tx A07 spoof notrim eval\n"
        "LA_0009 LA_E_1000001 alaw ita_tx bonafide bonafide notrim progress\n"
        "LA_0011 LA_E_1000004 nocodec nocodec A12 spoof notrim eval\n"
    )
    for trial in ("LA_E_9332881", "LA_E_1000001", "LA_E_1000004"):
        _audio(root / "ASVspoof2021_LA_eval" / "flac" / f"{trial}.flac")
    la = load_asvspoof2021(root)
    assert la.target.tolist() == [1, 0, 1]
    assert la.attack.tolist() == ["A07", "-", "A12"]
    assert la.frame["transmission"].tolist() == ["ita_tx", "ita_tx", "nocodec"]
    assert load_asvspoof2021(root, subset="eval").target.tolist() == [1, 1]
    df_keys = root / "DF-keys-full" / "keys" / "DF" / "CM"
    df_keys.mkdir(parents=True)
    (df_keys / "trial_metadata.txt").write_text(
        "LA_0023 DF_E_2000011 nocodec asvspoof A14 spoof notrim progress traditional_vocoder - - - -\n"
        "LA_0043 DF_E_2000026 mp3m4a vcc2018 bonafide bonafide notrim eval bonafide - - - -\n"
    )
    df = load_asvspoof2021(root, track="DF", check_exists=False)
    assert df.attack.tolist() == ["A14", "-"]
    assert df.frame["vocoder"].tolist()[0] == "traditional_vocoder"
    assert len(load_asvspoof2021(root, track="DF").missing) == 2
    (df_keys / "trial_metadata.txt").write_text(
        "LA_0023 DF_E_2000011 nocodec asvspoof A14 maybe notrim eval\n"
    )
    with pytest.raises(ProtocolError, match=r"trial_metadata.txt:1: expected SPEAKER TRIAL"):
        load_asvspoof2021(root, track="DF")


def test_asvspoof5_protocol(tmp_path):
    root = tmp_path / "asvspoof5"
    (root / "ASVspoof5_protocols").mkdir(parents=True)
    (root / "ASVspoof5_protocols" / "ASVspoof5.train.tsv").write_text(
        "T_4850 T_0000000000 F - - - - - bonafide -\n"
        "T_4850 T_0000000001 F - - - A01 A01 spoof -\n"
        "T_1234 T_0000000002 M - - - A05 A05 spoof -\n"
    )
    for i in range(3):
        _audio(root / "flac_T" / f"T_000000000{i}.flac")
    data = load_asvspoof5(root)
    assert data.target.tolist() == [0, 1, 1]
    assert data.groups.tolist() == ["T_4850", "T_4850", "T_1234"]
    assert data.frame["gender"].tolist() == ["F", "F", "M"]
    assert data.attack.tolist() == ["-", "A01", "A05"]
    with pytest.raises(FileNotFoundError, match="ASVspoof 5 dev protocol"):
        load_asvspoof5(root, split="dev")


def test_in_the_wild(tmp_path):
    root = tmp_path / "release_in_the_wild"
    root.mkdir()
    (root / "meta.csv").write_text(
        "file,speaker,label\n0.wav,Alan Watts,spoof\n1.wav,Alan Watts,bona-fide\n2.wav,Barack Obama,spoof\n"
    )
    for i in range(2):
        _audio(root / f"{i}.wav", fmt="WAV")
    data = load_in_the_wild(tmp_path)
    assert data.target.tolist() == [1, 0]
    assert data.groups.tolist() == ["Alan Watts"] * 2
    assert data.missing == [str(root / "2.wav")]
    (root / "meta.csv").write_text("file,speaker,label\n0.wav,Alan Watts\n")
    with pytest.raises(ProtocolError, match=r"meta.csv:2: expected 3 fields"):
        load_in_the_wild(root)


def test_wavefake_with_ljspeech_and_jsut(tmp_path):
    generated = tmp_path / "generated_audio"
    for folder, name in [
        ("ljspeech_melgan", "LJ001-0001_gen.wav"),
        ("ljspeech_hifiGAN", "LJ001-0001_gen.wav"),
        ("jsut_parallel_wavegan", "BASIC5000_0001_gen.wav"),
    ]:
        _audio(generated / folder / name, fmt="WAV")
    _audio(tmp_path / "LJSpeech-1.1" / "wavs" / "LJ001-0001.wav", fmt="WAV")
    _audio(tmp_path / "jsut_ver1.1" / "basic5000" / "wav" / "BASIC5000_0001.wav", fmt="WAV")
    data = load_wavefake(tmp_path, ljspeech=tmp_path / "LJSpeech-1.1", jsut=tmp_path / "jsut_ver1.1")
    assert data.target.tolist() == [1, 1, 1, 0, 0]
    assert data.attack.tolist() == ["jsut_parallel_wavegan", "ljspeech_hifiGAN", "ljspeech_melgan", "-", "-"]
    assert data.groups.tolist() == ["jsut", "ljspeech", "ljspeech", "ljspeech", "jsut"]


def test_mlaad_with_mailabs(tmp_path):
    system = tmp_path / "MLAAD" / "fake" / "de" / "tts_models_de_thorsten_vits"
    _audio(system / "a.wav", fmt="WAV")
    _audio(system / "b.wav", fmt="WAV")
    (system / "meta.csv").write_text(
        "path|original_file|language|is_original_language|duration|training_data|model_name|architecture|transcript\n"
        "fake/de/tts_models_de_thorsten_vits/a.wav|x.wav|German|True|1.0|thorsten|tts_models/de/thorsten/vits|vits|Hallo\n"
    )
    mailabs = tmp_path / "m-ailabs"
    _audio(mailabs / "de_DE" / "by_book" / "female" / "eva_k" / "grune_haus" / "wavs" / "g_01.wav", fmt="WAV")
    data = load_mlaad(tmp_path / "MLAAD", mailabs=mailabs)
    assert data.target.tolist() == [1, 1, 0]
    assert data.frame["architecture"].tolist() == ["vits", "-", "-"]
    assert data.groups.tolist()[-1] == "eva_k"
    assert data.attack.tolist()[-1] == "-"
    (system / "meta.csv").write_text("path|language\nfake/de/x/a.wav\n")
    with pytest.raises(ProtocolError, match=r"meta.csv:2: expected 2 fields, got 1"):
        load_mlaad(tmp_path / "MLAAD")
