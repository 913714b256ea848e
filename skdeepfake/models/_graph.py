r"""Graph attention layers of AASIST (Jung et al., 2022), in Keras 3 operations.

Nodes are rows of a ``(batch, n_nodes, dim)`` tensor. No Keras library has
these layers; they are transcribed from the paper and its reference
implementation (https://github.com/clovaai/aasist, MIT), and checked
against the reference's logits with its published weights
(``tests/test_aasist.py``).

Graph attention (:class:`GraphAttention`): with dropout on the input,

.. math::

    a_{ij} = \operatorname{softmax}_j\!\left(\frac{w^\top \tanh(W_a (h_i \odot h_j) + b_a)}{\tau}\right),
    \qquad h_i' = \operatorname{SELU}\!\left(\operatorname{BN}\!\left(
    W_1 \textstyle\sum_j a_{ij} h_j + W_2 h_i\right)\right),

where :math:`\tau` is the temperature. The heterogeneous layer
(:class:`HeteroGraphAttention`, HS-GAL) projects two node types into one
space, scores the pairs with one of three vectors :math:`w` by type pair
(11, 22, 12), and updates a stack (master) node :math:`m` from all nodes:
:math:`m' = W_3 \sum_i \operatorname{softmax}_i(w_M^\top \tanh(W_M (h_i
\odot m)) / \tau) h_i + W_4 m`. Graph pooling (:class:`GraphPool`) keeps
the ``ratio`` of nodes with the highest sigmoid score, scaled by it.
"""

from ._keras import keras

__all__ = ["GraphAttention", "HeteroGraphAttention", "GraphPool"]

ops = keras.ops


def _pair_scores(x, project):
    """``tanh(W_a (h_i * h_j))`` for every pair: ``(batch, n, n, out)``."""
    return ops.tanh(project(ops.expand_dims(x, 2) * ops.expand_dims(x, 1)))


def _softmax(x, axis):
    # keras.ops.softmax warns about an axis of one element; a graph of one node is legitimate
    # here (a short recording's temporal graph), and its weight is 1.
    e = ops.exp(x - ops.max(x, axis=axis, keepdims=True))
    return e / ops.sum(e, axis=axis, keepdims=True)


def _attend(scores, temperature, x):
    """Softmax over j of ``(batch, n, n)`` scores, then the weighted sum of the nodes."""
    return ops.matmul(_softmax(scores / temperature, axis=-1), x)


def _norm_act(bn, x, training):
    return ops.selu(bn(x, training=training))


def _vector(layer, name, dim):
    return layer.add_weight(name=name, shape=(dim, 1), initializer="glorot_normal")


@keras.saving.register_keras_serializable(package="skdeepfake")
class GraphAttention(keras.layers.Layer):
    """Graph attention over one node type (AASIST's GAT-S and GAT-T)."""

    def __init__(self, units, temperature=1.0, dropout=0.2, seed=None, **kwargs):
        super().__init__(**kwargs)
        self.units, self.temperature, self.dropout, self.seed = int(units), float(temperature), dropout, seed
        self.att_proj = keras.layers.Dense(units, name="att_proj")
        self.proj_with_att = keras.layers.Dense(units, name="proj_with_att")
        self.proj_without_att = keras.layers.Dense(units, name="proj_without_att")
        self.bn = keras.layers.BatchNormalization(epsilon=1e-5, momentum=0.9, name="bn")
        self.input_drop = keras.layers.Dropout(dropout, seed=seed)

    def build(self, input_shape):
        for layer in (self.att_proj, self.proj_with_att, self.proj_without_att):
            layer.build(input_shape)
        self.bn.build((*input_shape[:-1], self.units))
        self.att_weight = _vector(self, "att_weight", self.units)

    def call(self, x, training=False):
        x = self.input_drop(x, training=training)
        scores = ops.squeeze(ops.matmul(_pair_scores(x, self.att_proj), self.att_weight), -1)
        x = self.proj_with_att(_attend(scores, self.temperature, x)) + self.proj_without_att(x)
        return _norm_act(self.bn, x, training)

    def compute_output_shape(self, input_shape):
        return (*input_shape[:-1], self.units)

    def get_config(self):
        return {
            **super().get_config(),
            "units": self.units,
            "temperature": self.temperature,
            "dropout": self.dropout,
            "seed": self.seed,
        }


@keras.saving.register_keras_serializable(package="skdeepfake")
class HeteroGraphAttention(keras.layers.Layer):
    """Heterogeneous stacking graph attention (HS-GAL): two node types and a master node.

    ``call([x1, x2, master])`` returns ``[x1', x2', master']``.
    """

    def __init__(self, units, temperature=1.0, dropout=0.2, seed=None, **kwargs):
        super().__init__(**kwargs)
        self.units, self.temperature, self.dropout, self.seed = int(units), float(temperature), dropout, seed
        self.input_drop = keras.layers.Dropout(dropout, seed=seed)
        self.bn = keras.layers.BatchNormalization(epsilon=1e-5, momentum=0.9, name="bn")

    def build(self, input_shape):
        shape1, _, _ = input_shape
        dim = shape1[-1]
        dense = {
            "proj_type1": dim,
            "proj_type2": dim,
            "att_proj": self.units,
            "att_projM": self.units,
            "proj_with_att": self.units,
            "proj_without_att": self.units,
            "proj_with_attM": self.units,
            "proj_without_attM": self.units,
        }
        for name, units in dense.items():
            layer = keras.layers.Dense(units, name=name)
            layer.build((None, None, dim))
            setattr(self, name, layer)
        self.bn.build((None, None, self.units))
        for name in ("att_weight11", "att_weight22", "att_weight12", "att_weightM"):
            setattr(self, name, _vector(self, name, self.units))

    def call(self, inputs, training=False):
        x1, x2, master = inputs
        n1, n2 = x1.shape[1], x2.shape[1]
        x = ops.concatenate([self.proj_type1(x1), self.proj_type2(x2)], axis=1)
        x = self.input_drop(x, training=training)
        # Pair scores with the vector of each pair's types: 11, 22, or 12 both ways.
        pairs = _pair_scores(x, self.att_proj)
        first = ops.arange(n1 + n2) < n1
        same1 = ops.logical_and(first[:, None], first[None, :])
        second = ops.logical_not(first)
        same2 = ops.logical_and(second[:, None], second[None, :])
        scores = ops.where(
            same1,
            ops.squeeze(ops.matmul(pairs, self.att_weight11), -1),
            ops.where(
                same2,
                ops.squeeze(ops.matmul(pairs, self.att_weight22), -1),
                ops.squeeze(ops.matmul(pairs, self.att_weight12), -1),
            ),
        )
        # The master node attends to every node (softmax over the nodes).
        master_scores = ops.matmul(ops.tanh(self.att_projM(x * master)), self.att_weightM) / self.temperature
        pooled = ops.sum(_softmax(master_scores, axis=1) * x, axis=1, keepdims=True)
        master = self.proj_with_attM(pooled) + self.proj_without_attM(master)
        x = self.proj_with_att(_attend(scores, self.temperature, x)) + self.proj_without_att(x)
        x = _norm_act(self.bn, x, training)
        return [x[:, :n1], x[:, n1:], master]

    def compute_output_shape(self, input_shape):
        (b, n1, _), (_, n2, _), _ = input_shape
        return [(b, n1, self.units), (b, n2, self.units), (b, 1, self.units)]

    def get_config(self):
        return {
            **super().get_config(),
            "units": self.units,
            "temperature": self.temperature,
            "dropout": self.dropout,
            "seed": self.seed,
        }


@keras.saving.register_keras_serializable(package="skdeepfake")
class GraphPool(keras.layers.Layer):
    """Keep the ``max(1, int(n * ratio))`` nodes of highest score, each scaled by its score."""

    def __init__(self, ratio, dropout=0.3, seed=None, **kwargs):
        super().__init__(**kwargs)
        self.ratio, self.dropout, self.seed = float(ratio), dropout, seed
        self.proj = keras.layers.Dense(1, name="proj")
        self.drop = keras.layers.Dropout(dropout, seed=seed)

    def build(self, input_shape):
        self.proj.build(input_shape)

    def _kept(self, n_nodes):
        return max(int(n_nodes * self.ratio), 1)

    def call(self, h, training=False):
        scores = ops.sigmoid(self.proj(self.drop(h, training=training)))
        _, index = ops.top_k(scores[..., 0], self._kept(h.shape[1]), sorted=True)
        return ops.take_along_axis(h * scores, ops.expand_dims(index, -1), axis=1)

    def compute_output_shape(self, input_shape):
        return (input_shape[0], self._kept(input_shape[1]), input_shape[2])

    def get_config(self):
        return {**super().get_config(), "ratio": self.ratio, "dropout": self.dropout, "seed": self.seed}
