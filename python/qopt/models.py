"""Float TOSA models built in Python (seeded weights) for demos and tests.

These stand in for imported networks until the ONNX importer lands: the
shapes and op mix are those of a small MobileNetV2/V3-style classifier.
"""

from qopt.tosa_builder import Graph


def mobilenet(batch=1, size=32, classes=10, seed=0):
    """Stem conv, three inverted-residual blocks (one with squeeze-excite and
    hardswish), global pooling and a fully connected classifier: MLIR text of
    @main(x: [batch, size, size, 3]) -> logits [batch, classes]."""
    g = Graph(seed)
    x = g.arg([batch, size, size, 3])
    y = g.relu6(g.conv(x, 16, stride=2))

    def inverted_residual(y, expand, out, hardswish=False, se=False):
        act = g.hardswish if hardswish else g.relu6
        h = act(g.conv(y, expand, k=1))
        h = act(g.depthwise(h))
        if se:
            s = g.global_avg_pool(h)
            s = g.relu(g.conv(s, expand // 4, k=1))
            h = g.mul(h, g.unary("sigmoid", g.conv(s, expand, k=1)))
        h = g.conv(h, out, k=1)
        return g.add(h, y) if g.shapes[y] == g.shapes[h] else h

    y = inverted_residual(y, 48, 16)
    y = inverted_residual(y, 48, 24, hardswish=True, se=True)
    y = inverted_residual(y, 72, 24)
    y = g.global_avg_pool(y)
    logits = g.fully_connected(g.reshape(y, [batch, 24]), classes)
    return g.function([logits])
