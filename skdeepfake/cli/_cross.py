"""``skdeepfake benchmark --train CORPUS --test CORPUS ...``: the cross-corpus matrix."""

from ._outputs import say

__all__ = ["run_cross_corpus"]


def run_cross_corpus(args, estimators):
    """Fit on ``args.train``, score every ``args.test``; write tables and figures."""
    import matplotlib

    matplotlib.use("Agg")
    from ..benchmark import cross_corpus_benchmark
    from ..datasets import TARGET_NAMES, load_corpus
    from ._commands import _min_duration
    from ._data import _check_classes, _report_notes
    from ._outputs import atomic_folder, check_folder_output

    check_folder_output(args.out)
    # Every file is decoded once up front, as train's folders are: a bad file is skipped, not fatal.
    limits = {
        "check": True,
        "max_duration": args.max_duration,
        "min_duration": _min_duration(estimators.values()) or None,
    }
    train_name, train = load_corpus(args.train, role="train", **limits)
    tests = dict(load_corpus(spec, role="test", **limits) for spec in args.test)
    for name, data in [(train_name, train), *tests.items()]:
        for path in getattr(data, "missing", []):
            say(f"skipped {path}: named by {name}'s protocol but missing on disk")
        for path, reason in data.skipped:
            say(f"skipped {path}: {reason}")
        _report_notes(data.notes)
        say(
            f"{name}: {len(data.filenames)} files used; {len(getattr(data, 'missing', []))} named but "
            f"missing; {len(data.skipped)} skipped"
        )
    _check_classes(TARGET_NAMES[train.target], f"training corpus {train_name}")
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
