"""Mixed precision on a real model: qopt.compile(..., max_drop=...) and
size_budget=... (qopt-search-precision in the quantize pipeline) on the
MNIST CNN, against the float model on the MNIST test images."""

import os
import re

import pytest

import qopt
from qopt import datasets

REPO = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")


def mnist_lenet():
    return qopt.import_onnx(os.path.join(REPO, "models", "mnist_lenet.onnx"),
                            input_shapes={"input": [1, 1, 28, 28]})


def test_mnist_lenet_max_drop():
    # 1000 samples: a 1 % budget is 10 disagreements, enough not to be
    # spent on the samples' noise alone.
    model = mnist_lenet()
    calibration = datasets.mnist("train")[0][:1000]
    test = datasets.mnist("test")
    float_accuracy = qopt.evaluate(model, test)["accuracy"]
    searched = qopt.compile(model, calibration=calibration, max_drop=1)
    assert qopt.evaluate(searched, test)["accuracy"] >= float_accuracy - 0.01
    # The choice is recorded on the function, and layers went below 8 bits.
    with open(searched.path) as f:
        chosen = re.search(r"qopt.layer_bits = \[([^\]]*)\]", f.read())
    widths = [entry.strip('" ').split("=")[1]
              for entry in chosen.group(1).split(",")]
    assert len(widths) == 5 and any(w != "8" for w in widths)


def test_search_needs_samples(tmp_path):
    stats = qopt.calibrate(mnist_lenet(), datasets.mnist("train")[0][:4],
                           str(tmp_path / "model.stats"))
    with pytest.raises(qopt.QoptError, match="need the calibration samples"):
        qopt.compile(mnist_lenet(), stats=stats, size_budget="8x")
