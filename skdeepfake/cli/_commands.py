"""The commands: benchmark, train and predict, each over the library."""

import contextlib
import sys
import warnings
from concurrent.futures import ThreadPoolExecutor

from ._parser import NEURAL, build_parser

__all__ = ["main"]


def _whole_recording(choice):
    return {"default": None, "excerpt": False, "windows": "windows", "pooled": "pooled"}[choice]


def _pipelines(models, args):
    from ..augment import Augmenter, make_augmentation
    from ..pipelines import make_detector

    pipelines = {}
    for name in models:
        params = dict(epochs=args.epochs, learning_rate=args.learning_rate) if name in NEURAL else {}
        if args.augment:
            params["augment"] = Augmenter(
                make_augmentation(args.augment), n_copies=args.augment_copies, random_state=args.seed
            )
        pipelines[name] = make_detector(
            name, random_state=args.seed, whole_recording=_whole_recording(args.input), **params
        )
        _set_progress(pipelines[name], name, True)
    return pipelines


def _inner(pipeline):
    """The Pipeline of a model, inside its WindowedClassifier if it has one."""
    from ..windows import WindowedClassifier

    if isinstance(pipeline, WindowedClassifier):
        return getattr(pipeline, "estimator_", pipeline.estimator)
    return pipeline


def _set_progress(pipeline, name, enabled):
    """Progress bars on (or off) for a pipeline's decoding, featurising and training."""
    from sklearn.pipeline import FeatureUnion

    from ..features import FrameFeaturizer
    from ..io import AudioLoader

    pipeline = _inner(pipeline)
    params = {}
    for step_name, step in pipeline.steps:
        if isinstance(step, (AudioLoader, FrameFeaturizer)):
            params[f"{step_name}__verbose"] = enabled
        elif isinstance(step, FeatureUnion):
            for part, transformer in step.transformer_list:
                if isinstance(transformer, FrameFeaturizer):
                    params[f"{step_name}__{part}__verbose"] = enabled
    if name in NEURAL:
        params["model__verbose"] = "tqdm" if enabled else 0
    pipeline.set_params(**params)


def _load_dataset(args):
    """(X, y, X_test, y_test, description); X_test is None without a given split."""
    import numpy as np

    from ..datasets import load_audio_folder, load_for, make_synthetic_speech

    if args.data is None:
        low, high = args.durations
        data = make_synthetic_speech(
            n_samples=args.n_samples,
            duration=low if low == high else (low, high),
            random_state=args.seed,
        )
        length = f"{low:g} s" if low == high else f"{low:g}-{high:g} s"
        return (
            data.data,
            data.target_names[data.target],
            None,
            None,
            (f"built-in synthetic speech, {args.n_samples} clips of {length}"),
        )
    if args.layout == "for" and getattr(args, "data_split", None) == "training":
        train = load_for(args.data, args.for_version, "training")
        _report_skipped(train.skipped, len(train.filenames))
        return (
            train.filenames,
            train.target_names[train.target],
            None,
            None,
            f"FoR {args.for_version}, training",
        )
    if args.layout == "for":
        train = load_for(args.data, args.for_version, "training")
        test = load_for(args.data, args.for_version, "testing")
        skipped = train.skipped + test.skipped
        _report_skipped(skipped, len(train.filenames) + len(test.filenames))
        names = train.target_names
        if args.cv:
            X = np.concatenate([train.filenames, test.filenames])
            y = names[np.concatenate([train.target, test.target])]
            return X, y, None, None, f"FoR {args.for_version}, training+testing"
        return (
            train.filenames,
            names[train.target],
            test.filenames,
            names[test.target],
            f"FoR {args.for_version}, training -> testing",
        )
    data = load_audio_folder(args.data)
    _report_skipped(data.skipped, len(data.filenames))
    return data.filenames, data.target_names[data.target], None, None, f"folder {args.data}"


def _report_skipped(skipped, used):
    """Every file is used or reported: the reasons, then the counts."""
    for path, reason in skipped:
        print(f"skipped {path}: {reason}", file=sys.stderr)
    print(
        f"files: {used + len(skipped)} found, {used} used, {len(skipped)} skipped"
        + (" (reasons above)" if skipped else ""),
        file=sys.stderr,
    )


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
    from ._figures import write_figures
    from ._outputs import atomic_folder, check_folder_output

    check_folder_output(args.out)
    if args.train or args.test:
        if not (args.train and args.test):
            raise ValueError("--train and --test go together: one training corpus, one or more test corpora.")
        from ._cross import run_cross_corpus

        estimators = _pipelines(args.models, args)
        return run_cross_corpus(args, estimators)
    X, y, X_test, y_test, description = _load_dataset(args)
    if X_test is None and not args.cv:
        X, X_test, y, y_test = train_test_split(X, y, test_size=0.3, stratify=y, random_state=args.seed)
    mode = {
        "default": "each model's default",
        "excerpt": "first 2 s of each recording",
        "windows": "whole recordings (2-s windows)",
        "pooled": "whole recordings (pooled features)",
    }[args.input]
    print(
        f"Data: {description}; models: {', '.join(args.models)}; input: {mode}; "
        f"epochs {args.epochs}, learning rate {args.learning_rate:g}",
        flush=True,
    )
    estimators = _pipelines(args.models, args)
    with warnings.catch_warnings(record=True) as caught, _cluster(args.scheduler):
        warnings.simplefilter("always", ShortcutWarning)
        results = run_benchmark(
            estimators,
            X,
            np.asarray(y),
            X_test=X_test,
            y_test=y_test,
            cv=args.cv or 5,
            audit=not args.no_audit,
            random_state=args.seed,
            n_jobs=-1 if args.scheduler else None,
        )
    with atomic_folder(args.out) as out:  # all new results, or the old ones whole
        results.to_csv(out / "results.csv")
        (out / "results.md").write_text(results.to_markdown() + "\n")
        results.to_json(out / "results.json")
        figures = write_figures(results, out)

    summary = results.to_frame()
    columns = ["accuracy", "balanced_accuracy", "roc_auc", "eer", "min_dcf", "fit_seconds", "predict_seconds"]
    print()
    print(summary[columns].round(3).to_string())
    if results.audit is not None:
        print("\nShortcut audit (ROC AUC of each cue alone; 0.5 = chance):")
        print(results.audit.round(3).to_string())
    for w in caught:
        if issubclass(w.category, ShortcutWarning):
            print(f"WARNING: {w.message}")
    print(f"\nWrote results.csv, results.md, results.json and {len(figures)} figures to {args.out}/")
    return 0


def cmd_train(args):
    import time

    import numpy as np

    from ..persistence import save_model
    from ._outputs import check_model_output, write_file_atomically

    check_model_output(args.out, force=args.force)
    args.data_split = "training"
    X, y, _, _, description = _load_dataset(args)
    print(f"Training {args.model} on {description}: {len(X)} clips", flush=True)
    pipeline = _pipelines([args.model], args)[args.model]
    start = time.perf_counter()
    # Trained on 0/1 (1 = fake), so that column 1 of predict_proba is P(fake).
    pipeline.fit(X, (np.asarray(y) == "fake").astype(int))
    _set_progress(pipeline, args.model, False)  # progress bars are for this run only
    write_file_atomically(args.out, lambda tmp: save_model(pipeline, tmp))
    print(f"Fitted in {time.perf_counter() - start:.1f} s; saved to {args.out}")
    return 0


def _audio_files(paths):
    """Files named, plus the non-hidden files below folders named."""
    from ..datasets._folder import files_below

    for path in paths:
        if path.is_dir():
            yield from files_below(path)
        else:
            yield path


def cmd_predict(args):
    from ..io import AudioLoadError, load_audio
    from ..labels import spoof_column
    from ..persistence import load_model
    from ..windows import WindowedClassifier
    from ._outputs import PredictionWriter

    model = load_model(args.model, trusted=args.trust)
    if isinstance(model, WindowedClassifier):  # trained on windows: keep its window length
        if args.window not in (None, model.window):
            raise ValueError(f"this model scores {model.window:g}-s windows; --window cannot change that.")
        scorer = model.set_params(aggregate=args.aggregate, hop=args.hop or model.hop)
    else:
        loader = model.steps[0][1]
        # A pooled model scores whole recordings; its windows (--windows) are a
        # view over time. Otherwise the pipeline scores windows of its input length.
        window = args.window or loader.duration or 2.0
        scorer = WindowedClassifier.from_fitted(
            model,
            window=window,
            hop=window / 2 if args.hop is None else args.hop,
            sr=loader.sr,
            aggregate=args.aggregate,
        )
    pooled = not isinstance(model, WindowedClassifier) and model.steps[0][1].duration is None
    sr = scorer.sr
    column = spoof_column(scorer.classes_)
    writer = PredictionWriter(args.format, args.windows)
    scored, skipped = 0, []
    files = list(_audio_files(args.paths))

    def decode(chunk):
        names, recordings, errors = [], [], []
        for path in chunk:
            try:
                recordings.append(load_audio(path, sr=sr)[0])
                names.append(path)
            except AudioLoadError as err:
                errors.append(str(err))
        return names, recordings, errors

    # Recordings are scored in batches (one featurisation and one model call
    # for many files, as the batched API does), and the next batch is decoded
    # while this one is scored.
    chunks = [files[i : i + _PREDICT_BATCH] for i in range(0, len(files), _PREDICT_BATCH)]
    with ThreadPoolExecutor(max_workers=1) as pool:
        pending = pool.submit(decode, chunks[0]) if chunks else None
        for k in range(len(chunks)):
            names, recordings, errors = pending.result()
            pending = pool.submit(decode, chunks[k + 1]) if k + 1 < len(chunks) else None
            for err in errors:
                skipped.append(err)
                print(f"skipped {err}", file=sys.stderr)
            if recordings:
                scored += _score_batch(model, scorer, pooled, column, names, recordings, args, writer)
    writer.close()
    print(f"scored {scored} file(s); skipped {len(skipped)}; {len(files)} in all", file=sys.stderr)
    return 0 if scored else 1


def _score_batch(model, scorer, pooled, column, names, recordings, args, writer):
    windows = scorer.predict_windows(recordings) if (args.windows or not pooled) else None
    if pooled:
        p_fake = model.predict_proba(recordings)[:, column]
    else:
        p_fake = scorer.aggregate_windows(windows)[:, column]
    for i, (path, p) in enumerate(zip(names, p_fake)):
        own = windows[windows["recording"] == i] if args.windows else None
        writer.write(path, float(p), "fake" if p >= args.threshold else "real", own)
    return len(names)


_PREDICT_BATCH = 32  # recordings scored together


def main(argv=None):
    """Entry point of the ``skdeepfake`` console script."""
    parser = build_parser()
    args = parser.parse_args(argv)
    command = {"benchmark": cmd_benchmark, "train": cmd_train, "predict": cmd_predict}[args.command]
    try:
        return command(args)
    except KeyboardInterrupt:
        print(f"skdeepfake {args.command}: interrupted", file=sys.stderr)
        return 130
    except (ValueError, OSError) as err:  # expected failures: one line, no traceback
        print(f"skdeepfake {args.command}: error: {err}", file=sys.stderr)
        return 2


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
