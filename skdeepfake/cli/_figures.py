"""The figures of ``skdeepfake benchmark``."""


def write_figures(results, out):
    """ROC, DET (EER marked), score-histogram, confusion-matrix and training-curve PNGs; their paths."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import numpy as np
    from sklearn.metrics import ConfusionMatrixDisplay, RocCurveDisplay

    from ..displays import DETCurveDisplay, ScoreHistogramDisplay

    written = []
    pos = results.pos_label

    def save(fig, name):
        fig.tight_layout()
        fig.savefig(out / name, dpi=100)
        plt.close(fig)
        written.append(out / name)

    for display, name in [(RocCurveDisplay, "roc.png"), (DETCurveDisplay, "det.png")]:
        fig, ax = plt.subplots(figsize=(5, 5))
        for model, (y_true, score) in results.predictions.items():
            display.from_predictions(y_true, score, pos_label=pos, name=model, ax=ax)
        ax.set_title(f"{'ROC' if display is RocCurveDisplay else 'DET'} curves (positive: {pos})")
        save(fig, name)
    for model, (y_true, score) in results.predictions.items():
        fig, ax = plt.subplots(figsize=(5, 3.5))
        ScoreHistogramDisplay.from_predictions(y_true, score, pos_label=pos, ax=ax)
        ax.set_title(f"{model}: P(fake) by class")
        save(fig, f"scores_{model}.png")
    for model, (y_true, score) in results.predictions.items():
        labels = np.unique(y_true)
        negative = [label for label in labels if label != pos][0]
        y_pred = np.where(score >= 0.5, pos, negative)
        fig, ax = plt.subplots(figsize=(4, 4))
        ConfusionMatrixDisplay.from_predictions(y_true, y_pred, ax=ax, colorbar=False)
        ax.set_title(f"{model}: confusion matrix")
        save(fig, f"confusion_{model}.png")
    for model, histories in results.histories.items():
        fig, ax = plt.subplots(figsize=(5, 3.5))
        for i, history in enumerate(histories):
            for key in ("loss", "val_loss"):
                if key in history:
                    ax.plot(
                        np.arange(1, len(history[key]) + 1),
                        history[key],
                        label=f"{key} (split {i})",
                        linestyle="-" if key == "loss" else "--",
                    )
        ax.set_xlabel("epoch")
        ax.set_ylabel("binary cross-entropy")
        ax.set_title(f"{model}: training curve")
        ax.legend(fontsize="small")
        save(fig, f"training_{model}.png")
    return written
