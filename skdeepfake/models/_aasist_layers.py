"""The layers of AASIST (Jung et al., 2022): its front-end, residual blocks and graph back-end.

Transcribed from the paper and its reference implementation
(https://github.com/clovaai/aasist, MIT); ``tests/test_aasist.py`` checks
the whole network against the reference's logits with its published weights.
"""

from ._graph import GraphAttention, GraphPool, HeteroGraphAttention
from ._keras import keras
from ._sinc import SincFilterbank

__all__ = ["SincFrontEnd", "ResidualBlock2D", "SpectroTemporalGraph"]

ops = keras.ops


def _ensure_built(layer, shape):
    if not layer.built:
        layer.build(shape)


@keras.saving.register_keras_serializable(package="skdeepfake")
class SincFrontEnd(keras.layers.Layer):
    """AASIST's front-end: sinc filters, magnitude, 3 x 3 max-pooling, batch norm, SELU -> ``(n, bands, frames, 1)``."""

    def __init__(self, n_filters, kernel_size, sr, **kwargs):
        super().__init__(**kwargs)
        self.n_filters, self.kernel_size, self.sr = int(n_filters), int(kernel_size), int(sr)
        self.sinc = SincFilterbank(n_filters, kernel_size, sr, name="conv_time")
        self.first_bn = keras.layers.BatchNormalization(epsilon=1e-5, momentum=0.9, name="first_bn")

    def build(self, input_shape):
        self.sinc.build(input_shape)
        self.first_bn.build((None, None, None, 1))

    def call(self, x, training=False):
        # (n, frames, filters) -> an image of bands x frames with one channel.
        x = ops.expand_dims(ops.transpose(ops.abs(self.sinc(x)), (0, 2, 1)), -1)
        x = ops.max_pool(x, (3, 3), strides=(3, 3), padding="valid")
        return ops.selu(self.first_bn(x, training=training))

    def compute_output_shape(self, input_shape):
        frames = self.sinc.compute_output_shape(input_shape)[1]
        return (input_shape[0], self.n_filters // 3, None if frames is None else frames // 3, 1)

    def get_config(self):
        return {
            **super().get_config(),
            "n_filters": self.n_filters,
            "kernel_size": self.kernel_size,
            "sr": self.sr,
        }


@keras.saving.register_keras_serializable(package="skdeepfake")
class ResidualBlock2D(keras.layers.Layer):
    """AASIST's residual block on ``(n, bands, frames, channels)``.

    conv (2 x 3, padded 1, 1) -> batch norm -> SELU -> conv (2 x 3, padded
    0, 1), plus the input (through a 1 x 3 convolution when the channels
    change), then 1 x 3 max-pooling along time. As in the reference, the
    first convolution reads the block's input itself: its batch norm and
    SELU before it are defined there but their output is unused, so this
    block omits them (their 2 x ``in_channels`` parameters, 512 in AASIST and
    272 in AASIST-L, are in the published parameter counts).
    """

    def __init__(self, in_channels, out_channels, **kwargs):
        super().__init__(**kwargs)
        self.in_channels, self.out_channels = int(in_channels), int(out_channels)
        self.conv1 = keras.layers.Conv2D(out_channels, (2, 3), name="conv1")
        self.bn2 = keras.layers.BatchNormalization(epsilon=1e-5, momentum=0.9, name="bn2")
        self.conv2 = keras.layers.Conv2D(out_channels, (2, 3), name="conv2")
        self.conv_downsample = (
            keras.layers.Conv2D(out_channels, (1, 3), name="conv_downsample")
            if in_channels != out_channels
            else None
        )

    def build(self, input_shape):
        self.conv1.build((None, None, None, self.in_channels))
        self.bn2.build((None, None, None, self.out_channels))
        self.conv2.build((None, None, None, self.out_channels))
        if self.conv_downsample is not None:
            self.conv_downsample.build((None, None, None, self.in_channels))

    def call(self, x, training=False):
        out = self.conv1(ops.pad(x, ((0, 0), (1, 1), (1, 1), (0, 0))))
        out = ops.selu(self.bn2(out, training=training))
        out = self.conv2(ops.pad(out, ((0, 0), (0, 0), (1, 1), (0, 0))))
        if self.conv_downsample is not None:
            x = self.conv_downsample(ops.pad(x, ((0, 0), (0, 0), (1, 1), (0, 0))))
        return ops.max_pool(out + x, (1, 3), strides=(1, 3), padding="valid")

    def compute_output_shape(self, input_shape):
        n, bands, frames, _ = input_shape
        return (n, bands, None if frames is None else frames // 3, self.out_channels)

    def get_config(self):
        return {**super().get_config(), "in_channels": self.in_channels, "out_channels": self.out_channels}


@keras.saving.register_keras_serializable(package="skdeepfake")
class SpectroTemporalGraph(keras.layers.Layer):
    """AASIST's back-end: spectral and temporal graphs, two HS-GAL branches, the stacked readout.

    ``(n, bands, frames, channels)`` -> ``(n, 5 * gat_dims[1])``: the
    maximum of the nodes' magnitudes and their mean for the temporal and the spectral
    nodes, and the master node, of the element-wise maximum of two
    branches of two heterogeneous graph attention layers each.
    """

    def __init__(self, gat_dims, pool_ratios, temperatures, seed=None, **kwargs):
        super().__init__(**kwargs)
        self.gat_dims, self.pool_ratios = tuple(gat_dims), tuple(pool_ratios)
        self.temperatures, self.seed = tuple(temperatures), seed
        d0, d1 = self.gat_dims
        (ps, pt, ph), (ts, tt, th) = self.pool_ratios, self.temperatures
        self.GAT_layer_S = GraphAttention(d0, ts, seed=seed, name="GAT_layer_S")
        self.GAT_layer_T = GraphAttention(d0, tt, seed=seed, name="GAT_layer_T")
        self.HtrgGAT_layer_ST11 = HeteroGraphAttention(d1, th, seed=seed, name="HtrgGAT_layer_ST11")
        self.HtrgGAT_layer_ST12 = HeteroGraphAttention(d1, th, seed=seed, name="HtrgGAT_layer_ST12")
        self.HtrgGAT_layer_ST21 = HeteroGraphAttention(d1, th, seed=seed, name="HtrgGAT_layer_ST21")
        self.HtrgGAT_layer_ST22 = HeteroGraphAttention(d1, th, seed=seed, name="HtrgGAT_layer_ST22")
        self.pool_S = GraphPool(ps, seed=seed, name="pool_S")
        self.pool_T = GraphPool(pt, seed=seed, name="pool_T")
        self.pool_hS1 = GraphPool(ph, seed=seed, name="pool_hS1")
        self.pool_hT1 = GraphPool(ph, seed=seed, name="pool_hT1")
        self.pool_hS2 = GraphPool(ph, seed=seed, name="pool_hS2")
        self.pool_hT2 = GraphPool(ph, seed=seed, name="pool_hT2")
        self.drop_way = keras.layers.Dropout(0.2, seed=seed)

    def build(self, input_shape):
        _, bands, frames, channels = input_shape
        d0, d1 = self.gat_dims
        self.pos_S = self.add_weight(name="pos_S", shape=(1, bands, channels), initializer="random_normal")
        self.master1 = self.add_weight(name="master1", shape=(1, 1, d0), initializer="random_normal")
        self.master2 = self.add_weight(name="master2", shape=(1, 1, d0), initializer="random_normal")
        # Node counts after each pooling, as GraphPool keeps them.
        s = self.pool_S._kept(bands)
        t = self.pool_T._kept(frames)
        _ensure_built(self.GAT_layer_S, (None, bands, channels))
        _ensure_built(self.GAT_layer_T, (None, frames, channels))
        _ensure_built(self.pool_S, (None, bands, d0))
        _ensure_built(self.pool_T, (None, frames, d0))
        for first, second in (
            (self.HtrgGAT_layer_ST11, self.HtrgGAT_layer_ST12),
            (self.HtrgGAT_layer_ST21, self.HtrgGAT_layer_ST22),
        ):
            _ensure_built(first, [(None, t, d0), (None, s, d0), (None, 1, d0)])
            _ensure_built(second, [(None, None, d1), (None, None, d1), (None, 1, d1)])
        for pool in (self.pool_hS1, self.pool_hT1, self.pool_hS2, self.pool_hT2):
            _ensure_built(pool, (None, None, d1))

    def _branch(self, first, second, pool_s, pool_t, out_t, out_s, master, training):
        out_t1, out_s1, master1 = first([out_t, out_s, master], training=training)
        out_s1, out_t1 = pool_s(out_s1, training=training), pool_t(out_t1, training=training)
        aug_t, aug_s, aug_m = second([out_t1, out_s1, master1], training=training)
        return out_t1 + aug_t, out_s1 + aug_s, master1 + aug_m

    def call(self, e, training=False):
        batch = ops.shape(e)[0]
        e = ops.abs(e)
        spectral = ops.max(e, axis=2) + self.pos_S  # max over time: a node per band
        temporal = ops.max(e, axis=1)  # max over bands: a node per frame
        out_s = self.pool_S(self.GAT_layer_S(spectral, training=training), training=training)
        out_t = self.pool_T(self.GAT_layer_T(temporal, training=training), training=training)
        d0 = self.gat_dims[0]
        branches = [
            self._branch(
                first,
                second,
                pool_s,
                pool_t,
                out_t,
                out_s,
                ops.broadcast_to(master, (batch, 1, d0)),
                training,
            )
            for first, second, pool_s, pool_t, master in (
                (
                    self.HtrgGAT_layer_ST11,
                    self.HtrgGAT_layer_ST12,
                    self.pool_hS1,
                    self.pool_hT1,
                    self.master1,
                ),
                (
                    self.HtrgGAT_layer_ST21,
                    self.HtrgGAT_layer_ST22,
                    self.pool_hS2,
                    self.pool_hT2,
                    self.master2,
                ),
            )
        ]
        (t1, s1, m1), (t2, s2, m2) = (
            [self.drop_way(part, training=training) for part in branch] for branch in branches
        )
        out_t, out_s, master = ops.maximum(t1, t2), ops.maximum(s1, s2), ops.maximum(m1, m2)
        return ops.concatenate(
            [
                ops.max(ops.abs(out_t), axis=1),
                ops.mean(out_t, axis=1),
                ops.max(ops.abs(out_s), axis=1),
                ops.mean(out_s, axis=1),
                ops.squeeze(master, 1),
            ],
            axis=1,
        )

    def compute_output_shape(self, input_shape):
        return (input_shape[0], 5 * self.gat_dims[1])

    def get_config(self):
        return {
            **super().get_config(),
            "gat_dims": self.gat_dims,
            "pool_ratios": self.pool_ratios,
            "temperatures": self.temperatures,
            "seed": self.seed,
        }
