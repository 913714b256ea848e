"""``skdeepfake explain``: an occlusion map of one recording, as a figure and a JSON of its cells."""

import json
from pathlib import Path

from ._outputs import say

__all__ = ["cmd_explain"]


def _cells(result):
    """One record per cell, most relevant first."""
    cells = []
    for band in range(result.relevance.shape[0]):
        for segment in range(result.relevance.shape[1]):
            cells.append(
                {
                    "start_s": round(float(result.times[segment]), 4),
                    "end_s": round(float(result.times[segment + 1]), 4),
                    "low_hz": round(float(result.frequencies[band]), 1),
                    "high_hz": round(float(result.frequencies[band + 1]), 1),
                    "relevance": float(result.relevance[band, segment]),
                    "masked_score": float(result.masked_scores[band, segment]),
                }
            )
    return sorted(cells, key=lambda cell: -cell["relevance"])


def cmd_explain(args):
    import matplotlib

    matplotlib.use("Agg")  # a command writes files; it never opens a window
    import matplotlib.pyplot as plt
    import numpy as np

    from ..calibration import verdicts
    from ..explain import RelevanceDisplay, occlusion
    from ..io import load_audio, signal_note
    from ..scoring import input_rate, min_recording_duration
    from ._data import load_cli_model
    from ._outputs import write_file_atomically

    json_path = args.json or args.out.with_suffix(".json")
    for path in (args.out, json_path):  # before the work, not after it
        if not path.parent.is_dir():
            raise ValueError(f"cannot write {path}: {path.parent} is not a folder")
    model = load_cli_model(args)
    x, sr = load_audio(args.path, sr=input_rate(model), max_duration=args.max_duration, first=args.first)
    shortest = min_recording_duration(model)
    if len(x) < shortest * sr:
        raise ValueError(
            f"{args.path}: too short to explain: {len(x) / sr:.3f} s; the detector's front-end needs at "
            f"least {shortest:.3f} s."
        )
    note = signal_note(float(x.min()), float(x.max()))
    if note:
        say(f"warning: {args.path}: {note}; the map will say nothing either")
    try:
        result = occlusion(
            model,
            x,
            sr,
            n_segments=args.segments,
            n_bands=args.bands,
            mask=args.mask,
            target=args.target,
            verbose=True,
        )
    except ValueError as err:
        raise ValueError(f"{args.path}: {err}") from None
    found = verdicts(model, x[np.newaxis])
    label = "uncertain" if note else found.label[0]
    reason = note if note else found.reason[0]
    display = RelevanceDisplay.from_explanation(result, x)
    display.ax_.set_title(f"{args.path.name}: P(fake) {_p_fake(result):.3f}")
    record = {
        "file": str(args.path),
        "model": "pretrained" if args.model is None else str(args.model),
        "sr": result.sr,
        "target": result.target,
        "score": result.score,
        "label": label,
        "reason": reason,
        "mask": result.mask,
        "grid": {"n_bands": args.bands, "n_segments": args.segments},
        "cells": _cells(result),
    }
    write_file_atomically(args.out, lambda tmp: display.figure_.savefig(tmp, dpi=120, format="png"))
    plt.close(display.figure_)
    write_file_atomically(json_path, lambda tmp: Path(tmp).write_text(json.dumps(record, indent=1) + "\n"))
    print(f"{args.path}\t{result.target} {result.score:.4f}\t{label}" + (f" ({reason})" if reason else ""))
    # The cells that moved the score most, either way: a map can be dominated by cells whose
    # masking raises the score, which a list of the top positive cells would hide.
    for cell in sorted(record["cells"], key=lambda c: -abs(c["relevance"]))[:5]:
        change = "lowers" if cell["relevance"] > 0 else "raises"
        print(
            f"  {cell['start_s']:.2f}-{cell['end_s']:.2f} s, {cell['low_hz']:.0f}-{cell['high_hz']:.0f} Hz: "
            f"masking it {change} the score by {abs(cell['relevance']):.4f}"
        )
    say(f"wrote {args.out} and {json_path}")
    return 0


def _p_fake(result):
    from scipy.special import expit

    return result.score if result.target == "p_fake" else float(expit(result.score))
