"""AdaRound on a real model: the MobileNetV2-style MNIST net (depthwise
layers) at W4A8 per channel, with learned rounding (qopt-adaround) against
rounding to nearest."""

import os

import numpy as np

import qopt
from qopt import datasets

REPO = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")


def test_mnist_mobilenet_w4a8_adaround(tmp_path):
    model = qopt.import_onnx(os.path.join(REPO, "models",
                                          "mnist_mobilenet.onnx"),
                             input_shapes={"input": [1, 1, 28, 28]})
    calibration = datasets.mnist("train")[0][:256]
    test = datasets.mnist("test")
    samples = tmp_path / "calibration.npy"
    np.save(samples, calibration)
    rounded = tmp_path / "adaround.mlir"
    qopt.compiler.run_tool(
        "qopt-mlir", model.path, "--qopt-prepare-pipeline",
        f"--qopt-adaround=samples={samples} weight-bits=4", "-o", rounded)

    float_accuracy = qopt.evaluate(model, test)["accuracy"]
    nearest = qopt.compile(model, calibration=calibration, weight_bits=4)
    learned = qopt.compile(rounded, calibration=calibration, weight_bits=4)
    nearest_accuracy = qopt.evaluate(nearest, test)["accuracy"]
    learned_accuracy = qopt.evaluate(learned, test)["accuracy"]
    assert learned_accuracy >= float_accuracy - 0.005
    assert learned_accuracy > nearest_accuracy
