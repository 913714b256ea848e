"""``skdeepfake benchmark --train CORPUS --test CORPUS ...``: the cross-corpus matrix."""

import sys

__all__ = ["run_cross_corpus"]


def run_cross_corpus(args, estimators):
    """Fit on ``args.train``, score every ``args.test``; write tables and figures."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from ..benchmark import cross_corpus_benchmark
    from ..datasets import load_corpus
    from ._outputs import atomic_folder, check_folder_output

    check_folder_output(args.out)
    train_name, train = load_corpus(args.train, role="train")
    tests = dict(load_corpus(spec, role="test") for spec in args.test)
    for name, data in [(train_name, train), *tests.items()]:
        print(
            f"{name}: {len(data.filenames)} files; {len(getattr(data, 'missing', []))} named but "
            f"missing; {len(getattr(data, 'skipped', []))} skipped",
            file=sys.stderr,
        )
    print(f"Training on {train_name}; testing on {', '.join(tests)}", flush=True)
    results = cross_corpus_benchmark(estimators, train, tests, n_jobs=-1 if args.scheduler else None)
    with atomic_folder(args.out) as out:
        results.scores.to_csv(out / "cross_corpus.csv", index=False)
        results.per_attack.to_csv(out / "per_attack.csv", index=False)
        (out / "cross_corpus.md").write_text(
            "EER\n\n"
            + _markdown(results.matrix("eer"))
            + "\nminDCF\n\n"
            + _markdown(results.matrix("min_dcf"))
        )
        for metric in ("eer", "min_dcf"):
            ax = results.plot(metric=metric)
            ax.figure.tight_layout()
            ax.figure.savefig(out / f"cross_corpus_{metric}.png", dpi=100)
            plt.close(ax.figure)
    print("\nEER (rows: detectors trained on " + train_name + "; columns: test corpora)")
    print(results.matrix("eer").round(3).to_string())
    if not results.per_attack.empty:
        print("\nEER per attack")
        print(
            results.per_attack.pivot_table(index=["corpus", "attack"], columns="model", values="eer")
            .round(3)
            .to_string()
        )
    print(f"\nWrote cross_corpus.csv, per_attack.csv, cross_corpus.md and figures to {args.out}/")
    return 0


def _markdown(table):
    """A detectors x corpora table as Markdown (pandas needs tabulate for it)."""
    lines = ["| detector | " + " | ".join(map(str, table.columns)) + " |", "|---|" + "---|" * table.shape[1]]
    for name, row in table.iterrows():
        lines.append(f"| {name} | " + " | ".join(f"{v:.4f}" for v in row) + " |")
    return "\n".join(lines) + "\n"
