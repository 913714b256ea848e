"""The results of the benchmark runners: one layer for tables, JSON and figures.

:class:`BenchmarkResults` (one dataset, cross-validated or a given split)
and :class:`CrossCorpusResults` (trained on one corpus, scored on others)
share what they write: ``to_frame``, ``to_markdown``, ``to_dict``,
``to_json``, ``figures`` and ``write(folder)``, which the command line
calls.
"""

import json
from pathlib import Path

import numpy as np
from sklearn.metrics import accuracy_score, balanced_accuracy_score, roc_auc_score

from ..metrics import equal_error_rate, min_dcf

__all__ = ["BenchmarkResults", "CrossCorpusResults", "markdown_table"]


#: The benchmark's metrics: name -> function of (y, y_pred, p_fake, pos). The one list:
#: :data:`METRICS`, every results table and the command line's summary follow it.
_METRIC_FUNCTIONS = {
    "accuracy": lambda y, pred, score, pos: accuracy_score(y, pred),
    "balanced_accuracy": lambda y, pred, score, pos: balanced_accuracy_score(y, pred),
    "roc_auc": lambda y, pred, score, pos: roc_auc_score(np.asarray(y) == pos, score),
    "eer": lambda y, pred, score, pos: equal_error_rate(y, score, pos_label=pos)[0],
    "min_dcf": lambda y, pred, score, pos: min_dcf(y, score, pos_label=pos),
}
#: Metrics reported per model and split by :func:`~skdeepfake.benchmark.run_benchmark`.
METRICS = list(_METRIC_FUNCTIONS)
#: Those of :data:`METRICS` computed from scores alone (the cross-corpus table reports these).
SCORE_METRICS = ["eer", "min_dcf"]


def compute_metrics(y, p_fake, pos, y_pred=None, names=None):
    """The benchmark's metrics of one model on one test set (default: all of :data:`METRICS`).

    Every table, the command line's included, reads its columns from here,
    so a metric is added in one place. ``y_pred`` (hard labels) is needed
    by accuracy and balanced accuracy only.
    """
    return {m: _METRIC_FUNCTIONS[m](y, y_pred, p_fake, pos) for m in (METRICS if names is None else names)}


def markdown_table(df, digits=4):
    """A DataFrame as a Markdown table (pandas needs tabulate for that), numbers rounded."""
    header = [df.index.name or ""] + [str(c) for c in df.columns]
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    for idx, row in df.iterrows():
        cells = [f"{v:.{digits}f}" if isinstance(v, float) else str(v) for v in row.tolist()]
        lines.append("| " + " | ".join([str(idx)] + cells) + " |")
    return "\n".join(lines)


class _Results:
    """Base of the results classes: subclasses give ``stem``, ``to_frame``, ``to_dict``, ``figures``."""

    #: Name of the table, Markdown and JSON files :meth:`write` makes.
    stem = "results"

    def to_frame(self):
        raise NotImplementedError

    def to_dict(self):
        raise NotImplementedError

    def figures(self):
        """``{file name: matplotlib Figure}`` of the results' plots."""
        return {}

    def to_markdown(self):
        """The summary as a Markdown table.

        Returns
        -------
        str
        """
        return markdown_table(self.to_frame())

    def to_csv(self, path):
        """Write the summary (:meth:`to_frame`) as CSV."""
        self.to_frame().to_csv(path)

    def to_json(self, path=None):
        """JSON text of :meth:`to_dict`; written to ``path`` if given."""
        text = json.dumps(self.to_dict(), indent=2)
        if path is not None:
            Path(path).write_text(text)
        return text

    def write(self, folder):
        """Write the table (CSV), Markdown, JSON and every figure (PNG) into ``folder``.

        Returns
        -------
        list of pathlib.Path
            The files written.
        """
        import matplotlib.pyplot as plt

        folder = Path(folder)
        written = [folder / f"{self.stem}.{ext}" for ext in ("csv", "md", "json")]
        self.to_csv(written[0])
        written[1].write_text(self.to_markdown() + "\n")
        self.to_json(written[2])
        for name, fig in self.figures().items():
            fig.tight_layout()
            fig.savefig(folder / name, dpi=100)
            plt.close(fig)
            written.append(folder / name)
        return written

    def __repr__(self):
        return self.to_frame().round(4).to_string()


class BenchmarkResults(_Results):
    """Results of :func:`~skdeepfake.benchmark.run_benchmark`.

    Attributes
    ----------
    scores : pandas.DataFrame
        One row per model and split with the metrics and timings.
    audit : pandas.DataFrame or None
        The shortcut audit.
    predictions : dict
        ``{model: (y_true, y_score)}`` of the held-out predictions, P(fake)
        as score, pooled over folds; for ROC and DET curves.
    histories : dict
        ``{model: [history per split]}`` for Keras models.
    best_params : dict
        ``{model: [best parameters per split]}`` when grid search was used.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> from skdeepfake.benchmark import BenchmarkResults
    >>> scores = pd.DataFrame({"model": ["xgb"], "split": ["test"], "accuracy": [0.9],
    ...                        "balanced_accuracy": [0.9], "roc_auc": [0.95], "eer": [0.1],
    ...                        "min_dcf": [0.3], "fit_seconds": [1.0], "predict_seconds": [0.1]})
    >>> BenchmarkResults(scores).to_frame()["eer"].tolist()
    [0.1]
    """

    def __init__(self, scores, audit=None, predictions=None, histories=None, best_params=None, pos_label=1):
        self.scores = scores
        self.audit = audit
        self.predictions = predictions or {}
        self.histories = histories or {}
        self.best_params = best_params or {}
        self.pos_label = pos_label

    def to_frame(self):
        """Per-model summary: the mean over splits (and std when several).

        Returns
        -------
        pandas.DataFrame
        """
        numeric = self.scores.drop(columns=["split"])
        grouped = numeric.groupby("model", sort=False)
        summary = grouped.mean()
        if self.scores["split"].nunique() > 1:
            std = grouped.std(ddof=0).add_suffix("_std")
            summary = summary.join(std[[f"{m}_std" for m in METRICS]])
        return summary

    def to_markdown(self):
        """The summary (and the audit) as Markdown tables.

        Returns
        -------
        str
        """
        text = markdown_table(self.to_frame())
        if self.audit is not None:
            text += "\n\nShortcut audit (ROC AUC of each cue alone):\n\n"
            text += markdown_table(self.audit, digits=3)
        return text

    def to_dict(self):
        """Everything as plain JSON-serialisable data.

        Returns
        -------
        dict
        """
        return {
            "summary": json.loads(self.to_frame().to_json(orient="index")),
            "scores": json.loads(self.scores.to_json(orient="records")),
            "audit": None if self.audit is None else json.loads(self.audit.to_json(orient="index")),
            "best_params": {k: [_jsonable(p) for p in v] for k, v in self.best_params.items()},
        }

    def figures(self):
        """ROC and DET curves (EER marked), score histograms, confusion matrices, training curves."""
        import matplotlib.pyplot as plt
        from sklearn.metrics import ConfusionMatrixDisplay, RocCurveDisplay

        from ..metrics import DETCurveDisplay, ScoreHistogramDisplay

        figures, pos = {}, self.pos_label
        for display, name in [(RocCurveDisplay, "roc"), (DETCurveDisplay, "det")]:
            fig, ax = plt.subplots(figsize=(5, 5))
            for model, (y_true, score) in self.predictions.items():
                display.from_predictions(y_true, score, pos_label=pos, name=model, ax=ax)
            ax.set_title(f"{name.upper()} curves (positive: {pos})")
            figures[f"{name}.png"] = fig
        for model, (y_true, score) in self.predictions.items():
            fig, ax = plt.subplots(figsize=(5, 3.5))
            ScoreHistogramDisplay.from_predictions(y_true, score, pos_label=pos, ax=ax)
            # The table's accuracy and the confusion matrix below cut at 0.5, not at the EER threshold.
            ax.axvline(0.5, color="grey", linestyle=":", label="0.5 (accuracy, confusion matrix)")
            ax.legend()
            ax.set_title(f"{model}: P(fake) by class")
            figures[f"scores_{model}.png"] = fig
            negative = [label for label in np.unique(y_true) if label != pos][0]
            fig, ax = plt.subplots(figsize=(4, 4))
            ConfusionMatrixDisplay.from_predictions(
                y_true, np.where(score >= 0.5, pos, negative), ax=ax, colorbar=False
            )
            ax.set_title(f"{model}: confusion matrix")
            figures[f"confusion_{model}.png"] = fig
        for model, histories in self.histories.items():
            fig, ax = plt.subplots(figsize=(5, 3.5))
            for i, history in enumerate(histories):
                for key in ("loss", "val_loss"):
                    if key in history:
                        epochs = np.arange(1, len(history[key]) + 1)
                        style = "-" if key == "loss" else "--"
                        ax.plot(epochs, history[key], style, label=f"{key} (split {i})")
            ax.set_xlabel("epoch")
            ax.set_ylabel("binary cross-entropy")
            ax.set_title(f"{model}: training curve")
            ax.legend(fontsize="small")
            figures[f"training_{model}.png"] = fig
        return figures


def _jsonable(params):
    return {k: (list(v) if isinstance(v, tuple) else v) for k, v in params.items()}


class CrossCorpusResults(_Results):
    """Results of :func:`~skdeepfake.benchmark.cross_corpus_benchmark`.

    Attributes
    ----------
    scores : pandas.DataFrame
        One row per detector and test corpus: ``eer``, ``min_dcf``,
        ``n_bona_fide``, ``n_spoof``, ``fit_seconds``.
    per_attack : pandas.DataFrame
        One row per detector, corpus and attack (where the corpus names its
        attacks): the EER of that attack's spoofed recordings against all of
        the corpus's bona fide ones, as ASVspoof reports.
    predictions : dict
        ``{(detector, corpus): (y_true, p_fake)}``.

    Examples
    --------
    >>> import pandas as pd
    >>> from skdeepfake.benchmark import CrossCorpusResults
    >>> scores = pd.DataFrame({"model": ["linear"], "corpus": ["B"], "eer": [0.4], "min_dcf": [0.9]})
    >>> float(CrossCorpusResults(scores, pd.DataFrame(), {}).matrix().loc["linear", "B"])
    0.4
    """

    stem = "cross_corpus"

    def __init__(self, scores, per_attack, predictions):
        self.scores = scores
        self.per_attack = per_attack
        self.predictions = predictions

    def matrix(self, metric="eer"):
        """Detectors x test corpora table of ``metric`` (``"eer"`` or ``"min_dcf"``)."""
        return self.scores.pivot(index="model", columns="corpus", values=metric)

    def to_frame(self):
        """One row per detector and test corpus (:attr:`scores`)."""
        return self.scores.set_index("model")

    def to_markdown(self):
        """The EER and minDCF matrices as Markdown tables."""
        return (
            "EER\n\n"
            + markdown_table(self.matrix("eer").rename_axis("detector"))
            + "\n\nminDCF\n\n"
            + markdown_table(self.matrix("min_dcf").rename_axis("detector"))
        )

    def to_dict(self):
        """Everything as plain JSON-serialisable data."""
        return {
            "scores": json.loads(self.scores.to_json(orient="records")),
            "per_attack": json.loads(self.per_attack.to_json(orient="records")),
        }

    def write(self, folder):
        """As the base class, and ``per_attack.csv``."""
        written = super().write(folder)
        self.per_attack.to_csv(Path(folder) / "per_attack.csv", index=False)
        return written + [Path(folder) / "per_attack.csv"]

    def figures(self):
        """The EER and minDCF matrices as heatmaps."""
        return {f"cross_corpus_{m}.png": self.plot(metric=m).figure for m in ("eer", "min_dcf")}

    def plot(self, ax=None, metric="eer"):
        """Draw the matrix as a heatmap on ``ax`` (a new figure if None); returns ``ax``."""
        import matplotlib.pyplot as plt

        table = self.matrix(metric)
        if ax is None:
            _, ax = plt.subplots(figsize=(1.6 + 1.3 * table.shape[1], 1.2 + 0.5 * table.shape[0]))
        image = ax.imshow(
            table.to_numpy(dtype=float),
            cmap="viridis_r",
            vmin=0,
            vmax=0.5 if metric == "eer" else 1.0,
            aspect="auto",
        )
        ax.set_xticks(range(table.shape[1]), table.columns)
        ax.set_yticks(range(table.shape[0]), table.index)
        for i in range(table.shape[0]):
            for j in range(table.shape[1]):
                ax.text(j, i, f"{table.iat[i, j]:.3f}", ha="center", va="center", color="white")
        ax.figure.colorbar(image, ax=ax, label=metric)
        ax.set_xlabel("test corpus")
        ax.set_title(f"{metric} across corpora (rows: detectors)")
        return ax
