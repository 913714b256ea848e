r"""One-class softmax (OC-softmax): a network's head and loss that gather bona fide speech.

Zhang, Jiang and Duan (2021) [1]_ train the embedding :math:`x` of a spoofing
countermeasure so that bona fide speech lies close to one learnt direction
:math:`w` and spoofed speech lies away from it, with two margins:

.. math::

    \hat s = \frac{w^\top x}{\lVert w\rVert \lVert x\rVert}, \qquad
    \mathcal{L} = \frac{1}{N} \sum_{i=1}^{N}
        \log\left(1 + e^{\alpha (m_{y_i} - \hat s_i)(-1)^{y_i}}\right),

with :math:`y_i = 0` for bona fide and 1 for spoofed speech,
:math:`m_0 = 0.9` (bona fide must come closer than this),
:math:`m_1 = 0.2` (spoofed speech must stay farther) and :math:`\alpha = 20`.
Only bona fide speech is pulled into a compact region; the attacks seen in
training are merely pushed out of it, which is why it generalised to unseen
attacks better than the two-class softmax in their experiments on ASVspoof 2019 LA.

The countermeasure's score is :math:`\hat s`. So that every
:class:`~skdeepfake.models.KerasDetector` keeps one output in [0, 1], the
head gives :math:`(1 - \hat s) / 2` as the fake column (and its complement
as the other): a monotone map of the paper's score, not a calibrated
probability (calibrate it, e.g. with
:class:`~skdeepfake.calibration.AbstainingDetector`). The loss recovers
:math:`\hat s` from that output exactly, since the map is linear.

No library ships this loss for Keras; it is written here from the paper's
equations (the authors' PyTorch code, ``yzyouzhang/AIR-ASVspoof``, computes
the same).

References
----------
.. [1] Y. Zhang, F. Jiang and Z. Duan, "One-class learning towards synthetic
   voice spoofing detection", IEEE Signal Processing Letters 28, 937-941,
   2021.
"""

from ._tf import import_keras

keras = import_keras()
ops = keras.ops

__all__ = ["OCSoftmax", "OCSoftmaxLoss", "with_oc_softmax"]

ALPHA, MARGIN_REAL, MARGIN_FAKE = 20.0, 0.9, 0.2


@keras.saving.register_keras_serializable(package="skdeepfake")
class OCSoftmax(keras.layers.Layer):
    """The cosine of the embedding with the learnt bona fide direction, as P(``classes_[1]``).

    ``fake_column`` (0 or 1) is the spoofed class's column in ``classes_``:
    the output is :math:`(1 - \\hat s) / 2` when it is 1, :math:`(1 + \\hat s) / 2`
    when it is 0, so that it is always the score of ``classes_[1]``.
    """

    def __init__(self, fake_column=1, seed=None, **kwargs):
        kwargs.setdefault("dtype", "float32")  # a cosine in float16 loses the margins' resolution
        super().__init__(**kwargs)
        self.fake_column = int(fake_column)
        self.seed = seed

    def build(self, input_shape):
        self.direction = self.add_weight(
            name="direction",
            shape=(int(input_shape[-1]), 1),
            initializer=keras.initializers.GlorotUniform(seed=self.seed),
        )

    def call(self, x):
        x = ops.cast(x, "float32")
        x = x / (ops.norm(x, axis=-1, keepdims=True) + 1e-12)
        w = self.direction / (ops.norm(self.direction) + 1e-12)
        cosine = ops.matmul(x, w)
        sign = 1.0 if self.fake_column == 1 else -1.0
        return (1.0 - sign * cosine) / 2.0

    def compute_output_shape(self, input_shape):
        return (input_shape[0], 1)

    def get_config(self):
        return {**super().get_config(), "fake_column": self.fake_column, "seed": self.seed}


@keras.saving.register_keras_serializable(package="skdeepfake")
class OCSoftmaxLoss(keras.losses.Loss):
    """Zhang et al.'s loss on :class:`OCSoftmax`'s output; ``y_true`` is the column index of the label."""

    def __init__(self, fake_column=1, name="oc_softmax", **kwargs):
        super().__init__(name=name, **kwargs)
        self.fake_column = int(fake_column)

    def call(self, y_true, y_pred):
        sign = 1.0 if self.fake_column == 1 else -1.0
        cosine = sign * (1.0 - 2.0 * ops.cast(y_pred, "float32"))  # the head's map, inverted
        y_true = ops.reshape(ops.cast(y_true, "float32"), ops.shape(cosine))
        spoof = y_true if self.fake_column == 1 else 1.0 - y_true
        # softplus(alpha (m_y - s)(-1)^y): bona fide pulled above m_0, spoofed pushed below m_1
        exponent = (1.0 - spoof) * ALPHA * (MARGIN_REAL - cosine) + spoof * ALPHA * (cosine - MARGIN_FAKE)
        return ops.mean(ops.softplus(exponent), axis=-1)

    def get_config(self):
        return {**super().get_config(), "fake_column": self.fake_column}


def with_oc_softmax(network, fake_column, seed):
    """``network`` with its last ``Dense`` layer (and what follows) replaced by an :class:`OCSoftmax` head.

    The embedding is the input of the last ``Dense`` layer: the one sigmoid
    unit of the DNN, CNN and LCNN, the two logits of RawNet2 and AASIST.
    """
    dense = [layer for layer in network.layers if isinstance(layer, keras.layers.Dense)][-1]
    head = OCSoftmax(fake_column=fake_column, seed=seed, name="oc_softmax")
    return keras.Model(network.inputs, head(dense.input), name=network.name)
