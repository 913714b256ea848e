"""The commands: benchmark, train and predict, each over the library."""

import contextlib
import sys
import warnings

from ._data import _audio_files, _check_classes, _load_dataset, _without_lost_files, load_cli_model
from ._outputs import say
from ._parser import NEURAL, build_parser

__all__ = ["main"]


def _whole_recording(choice):
    return {"default": None, "excerpt": False, "windows": "windows", "pooled": "pooled"}[choice]


def _pipelines(models, args):
    from ..pipelines import make_detector

    pipelines = {}
    for name in models:
        params = {}
        if name in NEURAL:
            params = dict(epochs=args.epochs, learning_rate=args.learning_rate, objective=args.objective)
        if args.augment:
            params["augment"] = _augmenter(args)
        pipelines[name] = make_detector(
            name, random_state=args.seed, whole_recording=_whole_recording(args.input), **params
        )
        _set_max_duration(pipelines[name], args.max_duration)
        _set_progress(pipelines[name], name, True)
    return pipelines


def _augmenter(args):
    """The Augmenter of ``--augment`` and ``--augment-copies``."""
    from ..augment import Augmenter, make_augmentation

    return Augmenter(make_augmentation(args.augment), n_copies=args.augment_copies, random_state=args.seed)


def _fused(args):
    """``train --fuse``: the models' log-odds fused on one front-end (skdeepfake.fusion)."""
    from ..fusion import make_fused_detector

    params = {}
    whole = _whole_recording(args.input)
    if whole is not None:
        params["whole_recording"] = whole
    if args.augment:
        params["augment"] = _augmenter(args)
    pipeline = make_fused_detector(args.fuse, random_state=args.seed, **params)
    _set_max_duration(pipeline, args.max_duration)
    _set_progress(pipeline, "fused", True)
    return pipeline


def _min_duration(pipelines):
    """The longest of the pipelines' shortest usable recordings, in seconds."""
    from ..scoring import min_recording_duration

    return max(min_recording_duration(p) for p in pipelines)


def _set_max_duration(pipeline, seconds):
    from ..pipelines import detector_parts

    parts = detector_parts(pipeline)
    if parts.windowed is not None:
        pipeline.set_params(max_duration=seconds)
    elif parts.loader is not None:
        pipeline.set_params(**{f"{parts.loader[0]}__max_duration": seconds})


def _set_progress(pipeline, name, enabled):
    """Progress bars on (or off) for a pipeline's decoding, featurising and training."""
    from sklearn.pipeline import FeatureUnion

    from ..features import FrameFeaturizer
    from ..pipelines import detector_parts

    parts = detector_parts(pipeline)
    params = {}
    if parts.loader is not None and parts.windowed is None:
        params[f"{parts.loader[0]}__verbose"] = enabled
    for step_name, step in parts.featurizers:
        if isinstance(step, FrameFeaturizer):
            params[f"{step_name}__verbose"] = enabled
        elif isinstance(step, FeatureUnion):
            for part, transformer in step.transformer_list:
                if isinstance(transformer, FrameFeaturizer):
                    params[f"{step_name}__{part}__verbose"] = enabled
    if name in NEURAL:  # a bar on a terminal; in a log, Keras' line per epoch
        params["model__verbose"] = ("tqdm" if sys.stderr.isatty() else 2) if enabled else 0
    if parts.pipeline is not None:
        parts.pipeline.set_params(**params)


@contextlib.contextmanager
def _cluster(address):
    """Send joblib's work to the Dask scheduler at ``address`` (if any)."""
    if not address:
        yield
        return
    try:
        from dask.distributed import Client
    except ImportError:
        raise ValueError("--scheduler needs Dask: pip install 'skdeepfake[dask]'") from None
    import joblib

    with Client(address) as client:
        print(
            f"Running on the Dask cluster at {address} ({len(client.scheduler_info()['workers'])} workers)",
            flush=True,
        )
        with joblib.parallel_backend("dask"):
            yield


def cmd_benchmark(args):
    import numpy as np
    from sklearn.model_selection import train_test_split

    from ..benchmark import ShortcutWarning, run_benchmark
    from ._outputs import atomic_folder, check_folder_output

    check_folder_output(args.out)
    if args.train or args.test:
        if not (args.train and args.test):
            raise ValueError("--train and --test go together: one training corpus, one or more test corpora.")
        from ._cross import run_cross_corpus

        estimators = _pipelines(args.models, args)
        return run_cross_corpus(args, estimators)
    estimators = _pipelines(args.models, args)
    X, y, X_test, y_test, description = _load_dataset(args, _min_duration(estimators.values()))
    _check_classes(y if X_test is None else np.r_[y, y_test], "data")
    groups, cv = getattr(args, "group_labels", None), args.cv or 5
    if args.leave_one_group_out:
        if groups is None:
            raise ValueError("--leave-one-group-out needs --groups (and --data with a folder).")
        from sklearn.model_selection import LeaveOneGroupOut

        cv = LeaveOneGroupOut()
    if args.groups and groups is None:
        raise ValueError("--groups applies to --data folders (with real/ and fake/).")
    if groups is not None:
        split = "leave one group out" if args.leave_one_group_out else f"{cv}-fold StratifiedGroupKFold"
        say(f"groups: {len(set(groups))} from --groups {args.groups}; {split}")
    elif X_test is None and not args.cv:
        X, X_test, y, y_test = train_test_split(X, y, test_size=0.3, stratify=y, random_state=args.seed)
    mode = {
        "default": "each model's default",
        "excerpt": "first 2 s of each recording",
        "windows": "whole recordings (2-s windows)",
        "pooled": "whole recordings (pooled features)",
    }[args.input]
    networks = [m for m in args.models if m in NEURAL]
    training = (
        f"; {', '.join(networks)}: {args.epochs} epochs, learning rate {args.learning_rate:g}, {args.objective}"
        if networks
        else ""
    )
    print(f"Data: {description}; models: {', '.join(args.models)}; input: {mode}{training}", flush=True)
    slow = [m for m in args.models if m in ("cnn", "lcnn")]
    if slow:
        quick = ",".join(m for m in args.models if m not in slow) or "linear,xgb"
        say(
            f"note: {' and '.join(slow)} train{'s' if len(slow) == 1 else ''} for {args.epochs} epochs per "
            f"split, most of the run's time; --models {quick} for a quick run, or fewer --epochs."
        )
    train = [list(X), list(y)] + ([list(groups)] if groups is not None else [])
    test = [None if X_test is None else list(X_test), None if y_test is None else list(y_test)]

    def run():
        return run_benchmark(
            estimators,
            train[0],
            np.asarray(train[1]),
            X_test=test[0],
            y_test=None if test[1] is None else np.asarray(test[1]),
            cv=cv,
            audit=not args.no_audit,
            random_state=args.seed,
            n_jobs=-1 if args.scheduler else None,
            groups=None if groups is None else np.asarray(train[2], dtype=object),
        )

    with warnings.catch_warnings(record=True) as caught, _cluster(args.scheduler):
        warnings.simplefilter("always", ShortcutWarning)
        results = _without_lost_files(run, [train] + ([test] if test[0] is not None else []))
    with atomic_folder(args.out) as out:  # all new results, or the old ones whole
        import matplotlib

        matplotlib.use("Agg")  # figures to files, never to a screen
        written = results.write(out)

    print()
    print(_summary_table(results).to_string())
    if groups is not None:
        print("\nEER per split (rows: models)")
        print(results.scores.pivot(index="model", columns="split", values="eer").round(3).to_string())
    if results.audit is not None:
        print("\nShortcut audit (ROC AUC of each cue alone; 0.5 = chance):")
        print(results.audit.round(3).to_string())
    for w in caught:
        if issubclass(w.category, ShortcutWarning):
            print(f"WARNING: {w.message}")
    if groups is None and args.data is not None:
        print(
            "\nNote: the folds were not grouped. Recordings of one speaker, system or corpus on both "
            "sides of a split flatter the EER; keep each source in one fold with --groups COLUMN "
            "(a column of manifest.csv) or --groups 're:PATTERN'."
        )
    print(f"\nWrote {', '.join(p.name for p in written[:3])} and {len(written) - 3} figures to {args.out}/")
    return 0


def _summary_table(results):
    """The per-model means, as ``mean ± std`` over the splits when there are several."""
    summary = results.to_frame()
    table = {}
    from ..benchmark import METRICS

    for column in METRICS:
        mean, std = summary[column], summary.get(f"{column}_std")
        table[column] = (
            mean.map("{:.3f}".format)
            if std is None
            else mean.map("{:.3f}".format) + " ± " + std.map("{:.3f}".format)
        )
    for column in ["fit_seconds", "predict_seconds"]:
        table[column] = summary[column].map("{:.1f}".format)
    import pandas as pd

    return pd.DataFrame(table, index=summary.index)


def cmd_train(args):
    import time

    import numpy as np

    from ..persistence import save_model
    from ._outputs import check_model_output, write_file_atomically

    check_model_output(args.out, force=args.force)
    args.data_split = "training"
    if args.fuse:
        name, pipeline = "fused " + "+".join(args.fuse), _fused(args)
    else:
        name, pipeline = args.model, _pipelines([args.model], args)[args.model]
    X, y, _, _, description = _load_dataset(args, _min_duration([pipeline]))
    print(f"Training {name} on {description}: {len(X)} clips", flush=True)
    _check_classes(y, "training data")
    start = time.perf_counter()
    data = [list(X), list(y)]
    # Trained on 0/1 (1 = fake), so that column 1 of predict_proba is P(fake).
    _without_lost_files(lambda: pipeline.fit(data[0], (np.asarray(data[1]) == "fake").astype(int)), [data])
    _set_progress(pipeline, name, False)  # progress bars are for this run only
    write_file_atomically(args.out, lambda tmp: save_model(pipeline, tmp))
    print(f"Fitted in {time.perf_counter() - start:.1f} s; saved to {args.out}")
    return 0


def cmd_predict(args):
    from ..scoring import score_files
    from ._outputs import PredictionWriter

    model = load_cli_model(args)
    files, unlisted = _audio_files(args.paths)
    for path, reason in unlisted:
        say(f"skipped {path}: {reason}")
    writer = PredictionWriter(args.format, args.windows, args.threshold)
    scored, skipped, uncertain = 0, len(unlisted), 0
    rows = score_files(
        model,
        files,
        window=args.window,
        hop=args.hop,
        aggregate=args.aggregate,
        windows=args.windows,
        max_duration=args.max_duration,
        threshold=args.threshold,
    )
    for row in rows:
        if row.error is not None:
            skipped += 1
            say(f"skipped {row.path}: {row.error}")
            continue
        if row.note is not None:
            say(f"warning: {row.path}: {row.note}")
        writer.write(row.path, row.p_fake, row.windows, row.label, row.reason)
        scored += 1
        uncertain += row.label == "uncertain"
    writer.close()
    say(
        f"scored {scored} file(s); skipped {skipped}; {len(files) + len(unlisted)} in all; {uncertain} uncertain"
    )
    return 0 if scored else 1


#: The packages of the extras: a missing one is an expected failure, whose message says what to install.
_EXTRAS = ("tensorflow", "torch", "transformers", "dask")


def main(argv=None):
    """Entry point of the ``skdeepfake`` console script."""
    parser = build_parser()
    args = parser.parse_args(argv)
    from ._explain import cmd_explain

    command = {
        "benchmark": cmd_benchmark,
        "train": cmd_train,
        "predict": cmd_predict,
        "explain": cmd_explain,
    }[args.command]
    try:
        return command(args)
    except KeyboardInterrupt:
        say(f"skdeepfake {args.command}: interrupted")
        return 130
    except (ValueError, OSError) as err:  # expected failures: one line, no traceback
        say(f"skdeepfake {args.command}: error: {err}")
        return 2
    except ImportError as err:  # an extra not installed: the message names it
        if err.name is not None and err.name.split(".")[0] not in _EXTRAS:
            raise
        say(f"skdeepfake {args.command}: error: {err}")
        return 2


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
