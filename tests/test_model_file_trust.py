"""Model files can do nothing: one table of classes, every other type refused before it is built."""

import gc
import importlib
import importlib.util
import io
import json
import re
import sys
import zipfile

import numpy as np
import pytest
import skops.io as sio
from sklearn.calibration import CalibratedClassifierCV
from sklearn.ensemble import RandomForestClassifier, StackingClassifier, VotingClassifier
from sklearn.frozen import FrozenEstimator
from sklearn.linear_model import LogisticRegression
from sklearn.naive_bayes import GaussianNB
from sklearn.pipeline import Pipeline

from skdeepfake import AudioLoader, HandcraftedFeatures
from skdeepfake.augment import Augmenter, GriffinLimVocoder, LPCVocoder, VocodedCopies, make_augmentation
from skdeepfake.cli import main
from skdeepfake.datasets import make_synthetic_speech
from skdeepfake.fusion import make_fused_detector
from skdeepfake.persistence import (
    TRUSTED_CLASSES,
    ModelFileError,
    is_trusted_type,
    load_model,
    save_model,
)
from skdeepfake.persistence._trust import schema_types, trusted_types
from skdeepfake.pipelines import (
    make_cnn_pipeline,
    make_detector,
    make_dnn_pipeline,
    make_gmm_pipeline,
    make_lcnn_pipeline,
    make_linear_pipeline,
    make_xgb_pipeline,
)

from . import _hostile_objects as hostile
from .conftest import write_audio

HAS_TRANSFORMERS = importlib.util.find_spec("transformers") is not None
TINY_ENCODER = {
    "model_type": "wav2vec2",
    "hidden_size": 8,
    "num_hidden_layers": 1,
    "num_attention_heads": 1,
    "intermediate_size": 8,
    "conv_dim": (8,),
    "conv_kernel": (10,),
    "conv_stride": (5,),
    "num_conv_pos_embeddings": 8,
    "num_conv_pos_embedding_groups": 1,
}


@pytest.fixture(scope="module")
def data():
    speech = make_synthetic_speech(n_samples=16, random_state=0)
    return np.asarray(speech.data), speech.target


UNFITTED = {"rawnet2", "aasist", "frozen"}


def _compositions():
    """Every detector the library builds, and the compositions the user guide documents."""
    xgb = lambda: make_xgb_pipeline(n_estimators=3, random_state=0)  # noqa: E731
    small = {"epochs": 1, "random_state": 0}
    models = {
        "linear": make_linear_pipeline(),
        "linear windows": make_linear_pipeline(whole_recording="windows"),
        "xgb": xgb(),
        "xgb windows": make_xgb_pipeline(n_estimators=3, whole_recording=True),
        "gmm": make_gmm_pipeline(n_components=2, random_state=0),
        "oneclass gmm": make_detector("oneclass", random_state=0),
        "oneclass svm": make_detector("oneclass", method="svm"),
        "dnn": make_dnn_pipeline(**small),
        "cnn": make_cnn_pipeline(filters=(4, 4, 4, 4), dense_units=8, **small),
        "lcnn": make_lcnn_pipeline(**small),
        "rawnet2": make_detector("rawnet2", **small),
        "aasist": make_detector("aasist", variant="AASIST-L", **small),
        "augmented": make_detector("linear", augment=Augmenter(make_augmentation("rawboost"))),
        "union": make_linear_pipeline(features="lfcc+cqcc+subbands+mfcc"),
        "fused": make_fused_detector(cv=2, random_state=0).set_params(model__xgb__n_estimators=3),
        "vocoded": make_detector(
            "linear", augment=VocodedCopies([GriffinLimVocoder(n_iter=2), LPCVocoder()])
        ),
        "calibrated sigmoid": CalibratedClassifierCV(xgb(), cv=2),
        "abstaining": make_detector("xgb", abstain=True, n_estimators=3, random_state=0),
        # The shipped detector's recipe: a network fitted elsewhere, held fixed and calibrated.
        "frozen": make_detector("aasist", variant="AASIST-L", abstain=True, **small).set_params(
            model__estimator=FrozenEstimator(make_detector("aasist", variant="AASIST-L", **small)[-1])
        ),
        "calibrated isotonic": CalibratedClassifierCV(xgb(), cv=2, method="isotonic"),
        "stacked": StackingClassifier(
            [("xgb", xgb()), ("linear", make_linear_pipeline())], final_estimator=LogisticRegression(), cv=2
        ),
        "voting": VotingClassifier([("xgb", xgb()), ("linear", make_linear_pipeline())], voting="soft"),
        "naive bayes": Pipeline(
            [("loader", AudioLoader()), ("features", HandcraftedFeatures()), ("nb", GaussianNB())]
        ),
    }
    if HAS_TRANSFORMERS:
        from skdeepfake.features import SpeechEncoder

        encoder = SpeechEncoder(config=TINY_ENCODER, layer=1)
        models["encoder"] = make_detector("linear", features=encoder, whole_recording=False)
    return models


def test_the_table_holds_exactly_the_classes_the_library_saves(data):
    X, y = data
    saved = set()
    for name, model in _compositions().items():
        # The waveform networks are saved unfitted: a fit costs tens of seconds, and their
        # classes are what the table holds (fitted files: test_registry, test_raw_networks).
        if name not in UNFITTED:
            model.fit(X, y)
        with zipfile.ZipFile(io.BytesIO(sio.dumps(model))) as inner:
            pairs = schema_types(json.loads(inner.read("schema.json")), name, 200)
        saved |= {t for loader, t in pairs if loader == "ObjectNode"}
    expected = set(trusted_types())
    if not HAS_TRANSFORMERS:
        expected.discard("skdeepfake.features._pretrained.SpeechEncoder")
    assert saved == expected, (
        f"in the table, never saved: {expected - saved}; saved, not in it: {saved - expected}"
    )


def test_every_table_entry_names_a_class_with_a_reason():
    assert len(trusted_types()) == len(TRUSTED_CLASSES)  # no two entries are one class
    for (module, name), why in TRUSTED_CLASSES.items():
        cls = getattr(importlib.import_module(module), name)
        assert isinstance(cls, type)
        assert why
        if module.startswith("skdeepfake."):
            assert cls.__module__ == module  # stored under the name the table gives
        assert is_trusted_type(f"{cls.__module__}.{cls.__qualname__}")


# -- hand-made model files ---------------------------------------------------------------


def _model_file(path, skops_bytes):
    """A model file around any skops archive, as an attacker would write it (no checks)."""
    manifest = {
        "format": "skdeepfake-model",
        "format_version": 3,
        "skdeepfake_version": "0.2.0",
        "skops_version": "0.16.0",
        "members": {"model.skops": len(skops_bytes)},
    }
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("manifest.json", json.dumps(manifest))
        zf.writestr("model.skops", skops_bytes)
    return path


def _with_schema(skops_bytes, edit):
    with zipfile.ZipFile(io.BytesIO(skops_bytes)) as inner:
        parts = {n: inner.read(n) for n in inner.namelist()}
    parts["schema.json"] = json.dumps(edit(json.loads(parts["schema.json"])))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as inner:
        for name, member in parts.items():
            inner.writestr(name, member)
    return buffer.getvalue()


def _loader_attrs(schema):
    """The attributes (a DictNode's content) of the AudioLoader in a pipeline's schema."""
    stack = [schema]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            if node.get("__class__") == "AudioLoader":
                return node["content"]["content"]
            stack.extend(node.values())
        elif isinstance(node, list):
            stack.extend(node)
    raise AssertionError("no AudioLoader in the schema")


@pytest.fixture(scope="module")
def fitted(data):
    X, y = data
    return make_xgb_pipeline(n_estimators=3, random_state=0).fit(X, y)


def _inject(fitted, node, attr="sr"):
    def edit(schema):
        _loader_attrs(schema)[attr] = node
        return schema

    return _with_schema(sio.dumps(fitted), edit)


def test_the_datasource_that_deletes_a_folder_is_refused_and_the_folder_stays(fitted, data, tmp_path, capsys):
    from numpy.lib._datasource import DataSource

    victim = tmp_path / "victim"
    victim.mkdir()
    (victim / "precious.txt").write_text("keep me")
    source = DataSource(destpath=None)  # makes a temporary folder it deletes when collected
    own_folder = source._destpath
    source._destpath = str(victim)
    try:
        for attr in ("sr", "cache"):  # in an invalid parameter, and in an extra attribute
            loader = fitted.named_steps["loader"]
            saved = loader.__dict__.copy()
            setattr(loader, attr, source)
            try:
                data_ = sio.dumps(fitted)
            finally:
                loader.__dict__.clear()
                loader.__dict__.update(saved)
            evil = _model_file(tmp_path / f"evil-{attr}.skdf", data_)
            with pytest.raises(
                ModelFileError, match=r"holds numpy\.lib\.[a-z_]+\.DataSource; model files may not hold"
            ):
                load_model(evil)
            gc.collect()
            assert (victim / "precious.txt").read_text() == "keep me"
        clip = write_audio(tmp_path / "good.wav", data[0][0])
        assert main(["predict", "--model", str(evil), str(clip)]) != 0
        err = capsys.readouterr().err
        assert "DataSource" in err
        assert "Traceback" not in err
        gc.collect()
        assert (victim / "precious.txt").read_text() == "keep me"
    finally:
        source._destpath, source._istmpdest = own_folder, True  # let it delete only its own folder


@pytest.mark.parametrize("bomb", [hostile.DeleteBomb, hostile.SetstateBomb, hostile.ReduceBomb])
def test_objects_with_side_effects_are_never_built(bomb, fitted, tmp_path):
    marker = tmp_path / "marker"
    loader = fitted.named_steps["loader"]
    loader.cache = bomb(str(marker))
    try:
        try:
            data_ = sio.dumps(fitted)
        except Exception:  # skops refuses to write it (ReduceBomb): write its node by hand
            node = {"__class__": bomb.__name__, "__module__": bomb.__module__, "__loader__": "ObjectNode"}
            data_ = _inject(fitted, node)
    finally:
        del loader.cache
    gc.collect()
    marker.unlink(missing_ok=True)  # the test's own object may have acted
    with pytest.raises(ModelFileError, match=rf"tests\._hostile_objects\.{bomb.__name__}"):
        load_model(_model_file(tmp_path / "evil.skdf", data_))
    gc.collect()
    assert not marker.exists()


def _function(module, name):
    return {"__class__": name, "__module__": module, "__loader__": "FunctionNode"}


def _tuple(*items):
    return {"__class__": "tuple", "__module__": "builtins", "__loader__": "TupleNode", "content": list(items)}


def _json(value):
    return {
        "__class__": type(value).__name__,
        "__module__": "builtins",
        "__loader__": "JsonNode",
        "content": json.dumps(value),
    }


@pytest.mark.parametrize(
    "node_for, name",
    [
        # a function stored as a value
        (lambda m: _function("builtins", "eval"), "builtins.eval"),
        # functools.partial(os.system, "touch marker")
        (
            lambda m: {
                "__class__": "partial",
                "__module__": "functools",
                "__loader__": "PartialNode",
                "content": {
                    "func": _function("os", "system"),
                    "args": _tuple(_json(f"touch {m}")),
                    "kwds": {
                        "__class__": "dict",
                        "__module__": "builtins",
                        "__loader__": "DictNode",
                        "content": {},
                        "key_types": {
                            "__class__": "list",
                            "__module__": "builtins",
                            "__loader__": "ListNode",
                            "content": [],
                        },
                    },
                    "namespace": _json(None),
                },
            },
            "functools.partial",
        ),
        # a constructor called with the file's arguments: os.system("touch marker")
        (
            lambda m: {
                "__class__": "system",
                "__module__": "os",
                "__loader__": "ConstructorFromReduceNode",
                "content": _tuple(_json(f"touch {m}")),
            },
            "os.system",
        ),
        # a data loader whose type is a callable: DictNode calls it, NdArrayNode applies it
        (
            lambda m: {
                "__class__": "CallBomb",
                "__module__": "tests._hostile_objects",
                "__loader__": "DictNode",
                "content": {},
                "key_types": {
                    "__class__": "list",
                    "__module__": "builtins",
                    "__loader__": "ListNode",
                    "content": [],
                },
            },
            "tests._hostile_objects.CallBomb",
        ),
        # a type whose module's import acts (__init_subclass__ at class creation)
        (
            lambda m: {"__class__": "Armed", "__module__": "tests._import_bomb", "__loader__": "TypeNode"},
            "tests._import_bomb.Armed",
        ),
        (
            lambda m: {"__class__": "Armed", "__module__": "tests._import_bomb", "__loader__": "ObjectNode"},
            "tests._import_bomb.Armed",
        ),
        # scikit-learn's trees index their node arrays unchecked: not trusted by default
        (
            lambda m: {"__class__": "Tree", "__module__": "sklearn.tree._tree", "__loader__": "TreeNode"},
            "sklearn.tree._tree.Tree",
        ),
    ],
    ids=["function", "partial", "constructor", "callable-data-type", "import-type", "import-object", "tree"],
)
def test_code_in_any_node_is_refused_by_name_before_anything_is_imported(
    node_for, name, fitted, tmp_path, monkeypatch
):
    marker = tmp_path / "marker"
    monkeypatch.setenv("SKDF_TEST_MARKER", str(marker))
    sys.modules.pop("tests._import_bomb", None)
    evil = _model_file(tmp_path / "evil.skdf", _inject(fitted, node_for(marker)))
    with pytest.raises(ModelFileError, match=rf"holds {name.replace('.', chr(92) + '.')}.*Refused unloaded"):
        load_model(evil)
    assert not marker.exists()
    assert "tests._import_bomb" not in sys.modules


def test_code_is_never_offered_as_trustable(fitted, tmp_path):
    evil = _model_file(tmp_path / "evil.skdf", _inject(fitted, _function("builtins", "eval")))
    with pytest.raises(ModelFileError, match="may not hold them") as info:
        load_model(evil)
    assert "trusted=" not in str(info.value)


# -- classes outside the table: saved with a warning, loaded only when trusted -------------


def test_a_random_forest_loads_only_when_trusted_and_its_trees_are_checked(data, tmp_path, capsys):
    X, y = data
    forest = Pipeline(
        [
            ("loader", AudioLoader()),
            ("features", HandcraftedFeatures()),
            ("rf", RandomForestClassifier(3, random_state=0)),
        ]
    ).fit(X, y)
    path = tmp_path / "forest.skdf"
    with pytest.warns(UserWarning, match=r"sklearn\.tree\._tree\.Tree.*load_model\(path, trusted="):
        save_model(forest, path)
    with pytest.raises(ModelFileError, match=r"RandomForestClassifier.*Tree.*trusted=\[") as info:
        load_model(path)
    names = eval(str(info.value).split("trusted=")[1].split(")")[0])  # the list the message offers
    loaded = load_model(path, trusted=names)
    np.testing.assert_array_equal(loaded.predict_proba(X), forest.predict_proba(X))
    clip = write_audio(tmp_path / "clip.wav", X[0])
    trust = [arg for name in names for arg in ("--trust", name)]
    assert main(["predict", "--model", str(path), str(clip)]) != 0
    assert main(["predict", "--model", str(path), *trust, str(clip)]) == 0

    # A tree whose node points outside the tree, or at a feature the data lacks.
    for field, value, message in [
        ("left_child", 10_000, "left child 10000"),
        ("right_child", 0, "right child 0"),
        ("feature", 10_000, "splits on feature 10000"),
    ]:
        tampered = _tamper_first_tree(path, tmp_path / f"bad-{field}.skdf", field, value)
        with pytest.raises(
            ModelFileError, match=rf"(RandomForestClassifier|DecisionTreeClassifier).*{message}"
        ):
            load_model(tampered, trusted=names)


def _tamper_first_tree(src, dst, field, value):
    with zipfile.ZipFile(src) as zf:
        skops_bytes = zf.read("model.skops")
    with zipfile.ZipFile(io.BytesIO(skops_bytes)) as inner:
        parts = {n: inner.read(n) for n in inner.namelist()}
    schema = json.loads(parts["schema.json"])
    stack, tree = [schema], None
    while stack and tree is None:
        node = stack.pop()
        if isinstance(node, dict):
            if node.get("__loader__") == "TreeNode":
                tree = node
            stack.extend(node.values())
        elif isinstance(node, list):
            stack.extend(node)
    member = tree["content"]["content"]["nodes"]["file"]
    nodes = np.load(io.BytesIO(parts[member]), allow_pickle=False)
    internal = np.flatnonzero(nodes["left_child"] != -1)[0]
    nodes[field][internal] = value
    buffer = io.BytesIO()
    np.save(buffer, nodes, allow_pickle=False)
    parts[member] = buffer.getvalue()
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as inner:
        for name, part in parts.items():
            inner.writestr(name, part)
    return _model_file(dst, out.getvalue())


def test_trusted_must_be_names_and_folders_are_not_model_files(fitted, tmp_path):
    save_model(fitted, tmp_path / "m.skdf")
    with pytest.raises(ValueError, match="trusted: .*is not a qualified class name"):
        load_model(tmp_path / "m.skdf", trusted=[RandomForestClassifier])
    with pytest.raises(ModelFileError, match="is a folder, not a model file"):
        load_model(tmp_path)


def test_a_device_is_not_called_missing():
    with pytest.raises(ModelFileError, match="/dev/zero: is a device, pipe or socket"):
        load_model("/dev/zero")


# -- what a caller may trust: classes of scikit-learn, imbalanced-learn and XGBoost only ----

REFUSED_TRUST = {
    "numpy class with __del__": ("numpy.lib._datasource.DataSource", "is outside sklearn"),
    "stdlib class": ("subprocess.Popen", "is outside sklearn"),
    "stdlib function": ("os.system", "is outside sklearn"),
    "builtin": ("builtins.eval", "is outside sklearn"),
    "scikit-learn function": ("sklearn.base.clone", "is a function, not a class"),
    "XGBoost class with __del__": ("xgboost.core.Booster", r"acts when garbage-collected \(__del__\)"),
    "scikit-learn test helper": ("sklearn.utils._testing.TempMemmap", "is a test helper"),
    "scikit-learn non-estimator": ("sklearn.utils.parallel.Parallel", "is neither an estimator nor the data"),
    "re-export of another package": ("sklearn.utils.fixes.parse_version", "is a function, not a class"),
    "not a name": ("os.system; rm -rf /", "is not a qualified class name"),
}


@pytest.mark.parametrize("name, reason", REFUSED_TRUST.values(), ids=REFUSED_TRUST.keys())
def test_trust_refuses_everything_but_classes_of_the_three_packages(
    name, reason, fitted, data, tmp_path, capsys
):
    path = tmp_path / "m.skdf"
    save_model(fitted, path)
    with pytest.raises(ValueError, match=f"trusted: {re.escape(repr(name))} ({reason})"):
        load_model(path, trusted=[name])
    clip = write_audio(tmp_path / "good.wav", data[0][0])
    with pytest.raises(SystemExit) as info:
        main(["predict", "--model", str(path), "--trust", name, str(clip)])
    assert info.value.code == 2
    err = capsys.readouterr().err
    assert "--trust" in err
    assert repr(name) in err
    assert "Traceback" not in err


def test_trusting_the_datasource_by_name_opens_no_door(fitted, data, tmp_path, capsys):
    """The attack of the issue: a DataSource whose collection deletes a folder, with --trust naming it."""
    from numpy.lib._datasource import DataSource

    victim = tmp_path / "victim"
    victim.mkdir()
    (victim / "precious.txt").write_text("keep me")
    source = DataSource(destpath=None)
    own_folder = source._destpath
    source._destpath = str(victim)
    loader = fitted.named_steps["loader"]
    try:
        loader.cache = source
        try:
            evil = _model_file(tmp_path / "evil.skdf", sio.dumps(fitted))
        finally:
            del loader.cache
        clip = write_audio(tmp_path / "good.wav", data[0][0])
        for name in {f"{DataSource.__module__}.DataSource", "numpy.lib.npyio.DataSource"}:
            with pytest.raises(SystemExit):
                main(["predict", "--model", str(evil), "--trust", name, str(clip)])
            with pytest.raises(ValueError, match="is outside sklearn"):
                load_model(evil, trusted=[name])
        gc.collect()
        assert (victim / "precious.txt").read_text() == "keep me"
    finally:
        source._destpath, source._istmpdest = own_folder, True


def test_a_trusted_class_is_never_called_with_the_files_arguments(fitted, tmp_path):
    """Trusting a class admits it where skops rebuilds an instance from state, not as a constructor call."""
    name = "sklearn.ensemble._forest.RandomForestClassifier"
    node = {
        "__class__": "RandomForestClassifier",
        "__module__": "sklearn.ensemble._forest",
        "__loader__": "ConstructorFromReduceNode",
        "content": _tuple(_json(3)),
    }
    evil = _model_file(tmp_path / "evil.skdf", _inject(fitted, node, attr="cache"))
    with pytest.raises(ModelFileError, match=rf"holds {re.escape(name)}; model files may not hold them"):
        load_model(evil, trusted=[name])


# -- every loaded parameter within the bounds a constructor enforces ----------------------


@pytest.mark.parametrize(
    "attr, value, message",
    [
        ("sr", 10**9, "'sr' parameter of AudioLoader must be an int in the range \\[1000, 384000\\]"),
        ("sr", 1, "'sr' parameter of AudioLoader"),
        ("duration", 1e12, "'duration' parameter of AudioLoader"),
        ("max_duration", 1e300, "'max_duration' parameter of AudioLoader"),
    ],
)
def test_a_loaded_parameter_outside_its_bounds_is_refused(attr, value, message, fitted, tmp_path):
    evil = _model_file(tmp_path / "evil.skdf", _inject(fitted, _json(value), attr=attr))
    with pytest.raises(ModelFileError, match=f"evil.skdf: AudioLoader: .*{message}"):
        load_model(evil)


def test_front_end_sizes_are_bounded_on_load_as_on_construction(data, tmp_path):
    X, y = data
    model = make_linear_pipeline().fit(X, y)
    for attr, value in [("n_fft", 2**40), ("hop_length", 2**40), ("n_filters", 10**7), ("sr", 10**9)]:

        def edit(schema, attr=attr, value=value):
            stack = [schema]
            while stack:
                node = stack.pop()
                if isinstance(node, dict):
                    if node.get("__class__") == "LFCC":
                        node["content"]["content"][attr] = _json(value)
                        return schema
                    stack.extend(node.values())
                elif isinstance(node, list):
                    stack.extend(node)
            raise AssertionError("no LFCC in the schema")

        evil = _model_file(tmp_path / f"evil-{attr}.skdf", _with_schema(sio.dumps(model), edit))
        with pytest.raises(ModelFileError, match=f"LFCC: The '{attr}' parameter of LFCC must be"):
            load_model(evil)


@pytest.mark.parametrize("members", ["model.skops", ["model.skops"], {"model.skops": "12"}])
def test_a_manifest_whose_members_are_not_sizes_is_a_model_file_error(fitted, tmp_path, members):
    path = save_model(fitted, tmp_path / "m.skdf") or tmp_path / "m.skdf"
    with zipfile.ZipFile(path) as zf:
        manifest, inner = json.loads(zf.read("manifest.json")), zf.read("model.skops")
    manifest["members"] = members
    with zipfile.ZipFile(tmp_path / "bad.skdf", "w") as zf:
        zf.writestr("manifest.json", json.dumps(manifest))
        zf.writestr("model.skops", inner)
    with pytest.raises(ModelFileError, match="bad.skdf: damaged manifest \\(members must map"):
        load_model(tmp_path / "bad.skdf")
