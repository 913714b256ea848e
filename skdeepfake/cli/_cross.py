"""``skdeepfake benchmark --train CORPUS --test CORPUS ...``: the cross-corpus matrix."""

import sys

__all__ = ["run_cross_corpus"]


def run_cross_corpus(args, estimators):
    """Fit on ``args.train``, score every ``args.test``; write tables and figures."""
    import matplotlib

    matplotlib.use("Agg")
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
        written = results.write(out)
    print("\nEER (rows: detectors trained on " + train_name + "; columns: test corpora)")
    print(results.matrix("eer").round(3).to_string())
    if not results.per_attack.empty:
        print("\nEER per attack")
        print(
            results.per_attack.pivot_table(index=["corpus", "attack"], columns="model", values="eer")
            .round(3)
            .to_string()
        )
    print(f"\nWrote {', '.join(p.name for p in written)} to {args.out}/")
    return 0
