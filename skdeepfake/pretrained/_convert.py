"""PyTorch checkpoints of AASIST and RawNet2 into our Keras classifiers.

PyTorch is needed only to read a ``.pth`` file (``pip install
'skdeepfake[convert]'``); a mapping of NumPy arrays converts without it.
Each reference parameter goes to one Keras weight, with the layouts
changed (a linear layer's ``(out, in)`` to ``(in, out)``, a convolution's
``(out, in, h, w)`` to ``(h, w, in, out)``, a GRU's gates from PyTorch's
order (reset, update, new) to Keras' (update, reset, new)); a checkpoint with a missing,
unexpected or misshapen tensor is refused, naming it.
"""

import os
from collections.abc import Mapping

import numpy as np
from sklearn.utils._param_validation import StrOptions, validate_params

__all__ = ["convert_aasist_checkpoint", "convert_rawnet2_checkpoint"]

#: Tensors the reference defines but its forward pass never reads: the
#: residual blocks' first batch norm (see ResidualBlock2D), and counters.
_UNUSED = (".bn1.", "num_batches_tracked")


def _read(checkpoint):
    if isinstance(checkpoint, Mapping):
        return {k: np.asarray(v) for k, v in checkpoint.items()}
    try:
        import torch
    except ImportError as error:
        raise ImportError(
            "Reading a PyTorch checkpoint needs PyTorch: pip install 'skdeepfake[convert]'."
        ) from error
    # weights_only: tensors and plain containers, never arbitrary pickled objects.
    state = torch.load(checkpoint, map_location="cpu", weights_only=True)
    return {k: v.detach().cpu().numpy() for k, v in state.items()}


class _Weights:
    """The checkpoint's tensors, handed out once each, with their shapes checked."""

    def __init__(self, state):
        self.state = {k: v for k, v in state.items() if not any(u in k for u in _UNUSED)}
        self.used = set()

    def take(self, key, shape):
        if key not in self.state:
            raise ValueError(f"the checkpoint has no tensor {key!r}: it is not of this AASIST variant.")
        value = self.state[key]
        if tuple(value.shape) != tuple(shape):
            raise ValueError(
                f"checkpoint tensor {key!r} has shape {value.shape}, but this network needs {shape}."
            )
        self.used.add(key)
        return value.astype(np.float32)

    def check_all_used(self):
        left = sorted(set(self.state) - self.used)
        if left:
            raise ValueError(f"the checkpoint has tensors this network does not use: {', '.join(left[:5])}.")


def _dense(layer, weights, key, swap=False):
    kernel, bias = layer.kernel, layer.bias
    w = weights.take(f"{key}.weight", tuple(kernel.shape)[::-1]).T
    b = weights.take(f"{key}.bias", tuple(bias.shape))
    if swap:  # the reference's logits are (spoof, bona fide); ours follow classes_ (0: bona fide, 1: spoof)
        w, b = w[:, ::-1], b[::-1]
    layer.set_weights([w, b])


def _conv(layer, weights, key):
    *taps, c_in, c_out = layer.kernel.shape  # (h, w, in, out) or (k, in, out)
    order = (2, 3, 1, 0) if len(taps) == 2 else (2, 1, 0)
    kernel = weights.take(f"{key}.weight", (c_out, c_in, *taps)).transpose(order)
    layer.set_weights([kernel, weights.take(f"{key}.bias", (c_out,))])


def _gru(layer, weights, key, k):
    units = layer.cell.units
    n_in = layer.cell.kernel.shape[0]

    def gates(value):  # PyTorch (reset, update, new) -> Keras (update, reset, new), along the last axis
        r, z, n = np.split(value, 3, axis=-1)
        return np.concatenate([z, r, n], axis=-1)

    kernel = gates(weights.take(f"{key}.weight_ih_l{k}", (3 * units, n_in)).T)
    recurrent = gates(weights.take(f"{key}.weight_hh_l{k}", (3 * units, units)).T)
    bias = np.stack(
        [
            gates(weights.take(f"{key}.bias_ih_l{k}", (3 * units,))),
            gates(weights.take(f"{key}.bias_hh_l{k}", (3 * units,))),
        ]
    )
    layer.set_weights([kernel, recurrent, bias])


def _batch_norm(layer, weights, key):
    n = layer.gamma.shape[0]
    layer.set_weights(
        [weights.take(f"{key}.{name}", (n,)) for name in ("weight", "bias", "running_mean", "running_var")]
    )


def _variable(variable, weights, key):
    variable.assign(weights.take(key, tuple(variable.shape)))


def _graph_attention(layer, weights, key, hetero):
    dense = ["att_proj", "proj_with_att", "proj_without_att"]
    vectors = ["att_weight"]
    if hetero:
        dense += ["proj_type1", "proj_type2", "att_projM", "proj_with_attM", "proj_without_attM"]
        vectors = ["att_weight11", "att_weight22", "att_weight12", "att_weightM"]
    for name in dense:
        _dense(getattr(layer, name), weights, f"{key}.{name}")
    for name in vectors:
        _variable(getattr(layer, name), weights, f"{key}.{name}")
    _batch_norm(layer.bn, weights, f"{key}.bn")


@validate_params(
    {"checkpoint": [str, os.PathLike, Mapping], "variant": [StrOptions({"AASIST", "AASIST-L"})]},
    prefer_skip_nested_validation=True,
)
def convert_aasist_checkpoint(checkpoint, variant="AASIST", *, input_length=64600, sr=16000):
    """A fitted :class:`~skdeepfake.models.AASISTClassifier` with a reference checkpoint's weights.

    Parameters
    ----------
    checkpoint : path or mapping of str to array
        A ``state_dict`` of the reference implementation
        (https://github.com/clovaai/aasist, ``models/weights/AASIST.pth`` or
        ``AASIST-L.pth``), as a ``.pth`` file or as arrays.
    variant : {"AASIST", "AASIST-L"}, default="AASIST"
        The configuration the checkpoint was trained with.
    input_length : int, default=64600
        Samples per input, the reference's.
    sr : int, default=16000
        Sample rate of the inputs.

    Returns
    -------
    AASISTClassifier
        Fitted, with ``classes_ = [0, 1]`` (1: spoofed): ``predict_proba(X)[:, 1]``
        is the reference's softmax probability of spoof, and the network's
        ``"logits"`` layer gives its two logits as (bona fide, spoof).

    Raises
    ------
    ValueError
        If a tensor is missing, unexpected or of the wrong shape for ``variant``.

    Examples
    --------
    >>> from skdeepfake.pretrained import convert_aasist_checkpoint
    >>> convert_aasist_checkpoint({}, "AASIST-L", input_length=3000)
    Traceback (most recent call last):
    ...
    ValueError: the checkpoint has no tensor 'first_bn.weight'...
    """
    from ..models.aasist import AASISTClassifier

    weights = _Weights(_read(checkpoint))
    detector = AASISTClassifier(variant=variant, sr=sr)
    detector.initialize(np.zeros((2, input_length), np.float32), np.array([0, 1]))
    network = detector.model_
    front = network.get_layer("front_end")
    _batch_norm(front.first_bn, weights, "first_bn")
    for i in range(6):
        block = network.get_layer(f"encoder_{i}")
        prefix = f"encoder.{i}.0"
        _conv(block.conv1, weights, f"{prefix}.conv1")
        _batch_norm(block.bn2, weights, f"{prefix}.bn2")
        _conv(block.conv2, weights, f"{prefix}.conv2")
        if block.conv_downsample is not None:
            _conv(block.conv_downsample, weights, f"{prefix}.conv_downsample")
    graph = network.get_layer("graph")
    for name in ("pos_S", "master1", "master2"):
        _variable(getattr(graph, name), weights, name)
    for name in ("GAT_layer_S", "GAT_layer_T"):
        _graph_attention(getattr(graph, name), weights, name, hetero=False)
    for name in ("HtrgGAT_layer_ST11", "HtrgGAT_layer_ST12", "HtrgGAT_layer_ST21", "HtrgGAT_layer_ST22"):
        _graph_attention(getattr(graph, name), weights, name, hetero=True)
    for name in ("pool_S", "pool_T", "pool_hS1", "pool_hT1", "pool_hS2", "pool_hT2"):
        _dense(getattr(graph, name).proj, weights, f"{name}.proj")
    _dense(network.get_layer("logits"), weights, "out_layer", swap=True)
    weights.check_all_used()
    return detector


@validate_params(
    {"checkpoint": [str, os.PathLike, Mapping]},
    prefer_skip_nested_validation=True,
)
def convert_rawnet2_checkpoint(
    checkpoint,
    *,
    sinc_filters=20,
    first_conv=1024,
    channels=(20, 128),
    gru_units=1024,
    gru_layers=3,
    fc_units=1024,
    input_length=64600,
    sr=16000,
):
    """A fitted :class:`~skdeepfake.models.RawNet2Classifier` with a reference checkpoint's weights.

    Parameters
    ----------
    checkpoint : path or mapping of str to array
        A ``state_dict`` of the reference RawNet2 (the ASVspoof 2021 baseline,
        or ``RawNet2Spoof`` of https://github.com/clovaai/aasist), as a ``.pth``
        file or as arrays.
    sinc_filters, first_conv, channels, gru_units, gru_layers, fc_units : see RawNet2Classifier
        The configuration it was trained with (the published one by default).
    input_length : int, default=64600
        Samples per input.
    sr : int, default=16000
        Sample rate of the inputs.

    Returns
    -------
    RawNet2Classifier
        Fitted, with ``classes_ = [0, 1]`` (1: spoofed).

    Raises
    ------
    ValueError
        If a tensor is missing, unexpected or of the wrong shape.
    """
    from ..models.rawnet2 import RawNet2Classifier

    params = dict(
        sinc_filters=sinc_filters,
        first_conv=first_conv,
        channels=tuple(channels),
        gru_units=gru_units,
        gru_layers=gru_layers,
        fc_units=fc_units,
        sr=sr,
    )
    detector = RawNet2Classifier(**params)
    detector.initialize(np.zeros((2, input_length), np.float32), np.array([0, 1]))
    network = detector.model_
    weights = _Weights(_read(checkpoint))
    _batch_norm(network.get_layer("front_end").first_bn, weights, "first_bn")
    for i in range(6):
        block = network.get_layer(f"block{i}")
        _conv(block.conv1, weights, f"block{i}.0.conv1")
        _batch_norm(block.bn2, weights, f"block{i}.0.bn2")
        _conv(block.conv2, weights, f"block{i}.0.conv2")
        if block.conv_downsample is not None:
            _conv(block.conv_downsample, weights, f"block{i}.0.conv_downsample")
        _dense(block.fc_attention, weights, f"fc_attention{i}.0")
    _batch_norm(network.get_layer("bn_before_gru"), weights, "bn_before_gru")
    for k in range(gru_layers):
        _gru(network.get_layer(f"gru_{k}"), weights, "gru", k)
    _dense(network.get_layer("fc1_gru"), weights, "fc1_gru")
    _dense(network.get_layer("logits"), weights, "fc2_gru", swap=True)
    weights.check_all_used()
    return detector
