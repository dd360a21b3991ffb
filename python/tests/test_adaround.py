"""AdaRound on a real model: the MobileNetV2-style MNIST net (depthwise
layers) at W4A8 per channel, with learned rounding (qopt.compile(...,
adaround=True), the qopt-adaround step of the quantize pipeline) against
rounding to nearest."""

import os

import pytest

import qopt
from qopt import datasets

REPO = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")


def mnist_mobilenet():
    return qopt.import_onnx(os.path.join(REPO, "models",
                                         "mnist_mobilenet.onnx"),
                            input_shapes={"input": [1, 1, 28, 28]})


def test_mnist_mobilenet_w4a8_adaround():
    model = mnist_mobilenet()
    calibration = datasets.mnist("train")[0][:256]
    test = datasets.mnist("test")
    float_accuracy = qopt.evaluate(model, test)["accuracy"]
    nearest = qopt.compile(model, calibration=calibration, weight_bits=4)
    learned = qopt.compile(model, calibration=calibration, weight_bits=4,
                           adaround=True)
    nearest_accuracy = qopt.evaluate(nearest, test)["accuracy"]
    learned_accuracy = qopt.evaluate(learned, test)["accuracy"]
    assert learned_accuracy >= float_accuracy - 0.005
    assert learned_accuracy > nearest_accuracy


def test_adaround_needs_samples(tmp_path):
    # Statistics alone do not do: AdaRound runs the model on the samples.
    stats = qopt.calibrate(mnist_mobilenet(), datasets.mnist("train")[0][:4],
                           str(tmp_path / "model.stats"))
    with pytest.raises(qopt.QoptError, match="needs the calibration samples"):
        qopt.compile(mnist_mobilenet(), stats=stats, adaround=True)
