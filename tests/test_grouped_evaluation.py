"""Grouped and leave-one-group-out evaluation, from Python and from the command line."""

import numpy as np
import pandas as pd
import pytest
from sklearn.model_selection import LeaveOneGroupOut

from skdeepfake.benchmark import run_benchmark
from skdeepfake.cli import main
from skdeepfake.datasets import load_audio_folder
from skdeepfake.pipelines import make_linear_pipeline

from .conftest import write_audio


@pytest.fixture(scope="module")
def corpora(tmp_path_factory, speech):
    """Three 'corpora' of 12 clips each, both classes in each, and a manifest naming them."""
    root = tmp_path_factory.mktemp("grouped") / "data"
    rows = []
    for i in range(36):
        label = speech.target_names[speech.target[i]]
        name = f"{label}/src{i // 2:02d}_{i}.wav"
        write_audio(root / name, speech.data[i])
        rows.append({"file": name, "label": label, "corpus": "ABC"[i % 3]})
    pd.DataFrame(rows).to_csv(root / "manifest.csv", index=False)
    return root


def test_a_folders_manifest_gives_each_file_its_metadata(corpora):
    data = load_audio_folder(corpora, check=False)
    assert data.metadata["corpus"].tolist().count("A") == 12
    assert all(f"src{int(name.split('src')[1][:2]):02d}" in name for name in data.filenames)


def test_leave_one_group_out_names_each_split_by_the_group_it_holds_out(speech):
    X, y = speech.data[:36], speech.target[:36]
    groups = np.array(list("ABC") * 12, dtype=object)
    results = run_benchmark(
        {"linear": make_linear_pipeline()},
        X,
        y,
        cv=LeaveOneGroupOut(),
        groups=groups,
        audit=False,
        progress=False,
    )
    assert results.scores["split"].tolist() == ["held out: A", "held out: B", "held out: C"]
    assert {"eer_std", "roc_auc_std"} <= set(results.to_frame().columns)


def test_a_split_without_both_classes_is_refused_by_name(speech):
    X, y = speech.data[:12], speech.target[:12]
    groups = np.where(y == 1, "fakes", "reals").astype(object)
    with pytest.raises(ValueError, match="split 'held out: fakes' has only one class"):
        run_benchmark(
            {"linear": make_linear_pipeline()}, X, y, cv=LeaveOneGroupOut(), groups=groups, audit=False
        )


def test_cli_benchmark_groups_by_manifest_column_and_by_file_name(corpora, tmp_path, capsys):
    out = tmp_path / "loco"
    args = ["benchmark", "--data", str(corpora), "--models", "linear", "--no-audit", "--out", str(out)]
    assert main([*args, "--groups", "corpus", "--leave-one-group-out"]) == 0
    captured = capsys.readouterr()
    assert "groups: 3 from --groups corpus; leave one group out" in captured.err
    assert "data: 18 real, 18 fake" in captured.err
    assert "epochs" not in captured.out  # no network runs, no network settings
    assert "held out: A" in captured.out
    assert " ± " in captured.out
    assert main([*args, "--groups", r"re:^(src\d+)_", "--cv", "3"]) == 0
    assert "groups: 18 from --groups re:^(src\\d+)_; 3-fold StratifiedGroupKFold" in capsys.readouterr().err
    assert main([*args, "--groups", "speaker"]) == 2
    assert "manifest.csv has no such column (it has file, label, corpus)" in capsys.readouterr().err


def test_progress_in_a_log_is_lines_not_a_bar(monkeypatch, capsys, corpora, tmp_path):
    import skdeepfake.utils._progress as progress

    monkeypatch.setattr(progress, "LOG_INTERVAL", 0.0)
    assert list(
        progress.progress(range(3), True, total=6, desc="decoding", size=lambda _: 2, unit="files")
    ) == [
        0,
        1,
        2,
    ]
    err = capsys.readouterr().err
    assert "decoding: 2/6 files (33%)" in err
    assert "decoding: 6 files done in" in err
    assert "\r" not in err
    args = ["benchmark", "--data", str(corpora), "--models", "linear", "--cv", "2", "--no-audit"]
    assert main([*args, "--out", str(tmp_path / "b")]) == 0
    err = capsys.readouterr().err
    assert "benchmark: linear, fold0: EER" in err
    assert "(2/2)" in err
    assert "\r" not in err
