"""The small float TOSA graphs of the end-to-end tests.

Shapes are NHWC with the batch dimension holding all test samples at once,
so one JIT call runs the whole test set.
"""

from qopt.testing.tosa_builder import Graph

N = 8  # samples per batch


def conv_relu(g):
    x = g.arg([N, 8, 8, 3])
    y = g.relu(g.conv(x, 16))
    return [g.conv(y, 8, k=1)]


def depthwise_relu6(g):
    x = g.arg([N, 8, 8, 8])
    y = g.relu6(g.conv(x, 16, k=1))
    y = g.relu6(g.depthwise(y))
    y = g.relu6(g.depthwise(y, k=5, stride=2))
    return [g.conv(y, 8, k=1)]


def residual(g):
    x = g.arg([N, 8, 8, 8])
    y = g.relu(g.conv(x, 8))
    y = g.conv(y, 8)
    return [g.relu(g.add(y, x))]


def fc_softmax(g):
    x = g.arg([N, 64])
    logits = g.fully_connected(x, 10)
    return [logits, g.softmax(logits)]


def pool(g):
    x = g.arg([N, 8, 8, 4])
    y = g.relu(g.conv(x, 8))
    a = g.pool("max", y, 2, 2)
    b = g.pool("avg", y, 2, 2)
    y = g.unary("tanh", g.concat([a, b]))
    y = g.hardsigmoid(g.conv(y, 8, k=1))
    y = g.global_avg_pool(y)
    return [g.reshape(y, [N, 8])]


def se_block(g):
    """MobileNetV3's first bottleneck: depthwise, hardswish, squeeze-excite
    with a sigmoid gate, projection."""
    x = g.arg([N, 8, 8, 16])
    y = g.hardswish(g.depthwise(x))
    s = g.global_avg_pool(y)
    s = g.relu(g.conv(s, 4, k=1))
    s = g.unary("sigmoid", g.conv(s, 16, k=1))
    y = g.mul(y, s)
    return [g.conv(y, 8, k=1)]


GRAPHS = {f.__name__: f for f in
          [conv_relu, depthwise_relu6, residual, fc_softmax, pool, se_block]}


def build(name, seed=0):
    g = Graph(seed)
    results = GRAPHS[name](g)
    return g.function(results), [g.shapes[a] for a in g.args]
