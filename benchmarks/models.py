"""The four benchmark models (two synthetic ONNX graphs of qopt.testing.models,
the repo's MNIST CNN, PaddleOCR's text-direction classifier) with a timing
input and calibration samples each."""

import os
import sys

import numpy as np

_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(_ROOT, "python"))
from qopt import datasets  # noqa: E402
from qopt.testing.models import conv3x3_onnx, resblock_onnx  # noqa: E402

class Model:
    """A benchmark model: its float ONNX file, input name and shape, MACs,
    one timing input and calibration samples (float32, NCHW)."""

    def __init__(self, key, title, onnx_path, input_name, shape, macs,
                 sample, calibration):
        self.key, self.title, self.onnx = key, title, onnx_path
        self.input_name, self.shape, self.macs = input_name, shape, macs
        self.sample, self.calibration = sample, calibration


def _activations(rng, n, shape):
    """Inputs of the synthetic models: post-ReLU-like activations (the
    block's input is a ReLU output in a real ResNet)."""
    return np.maximum(rng.standard_normal([n, *shape[1:]]), 0).astype(np.float32)


def benchmark_models(workdir, calibration=32):
    """The four benchmark models, their synthetic ONNX files written to
    `workdir`."""
    conv_path = os.path.join(workdir, "conv3x3.onnx")
    block_path = os.path.join(workdir, "resblock.onnx")
    conv3x3_onnx(conv_path)
    resblock_onnx(block_path)
    rng = np.random.default_rng(5)
    shape = [1, 64, 56, 56]
    digits, _ = datasets.mnist("train")
    test_digits, _ = datasets.mnist("test")
    lines = datasets.text_lines(calibration, seed=1)[0]
    test_line = datasets.text_lines(1, seed=7)[0]
    mnist_shape = [1, 1, 28, 28]
    return [
        Model("conv", "3×3 conv 64→64 on 56×56", conv_path, "x", shape,
              56 * 56 * 64 * 64 * 9, _activations(rng, 1, shape),
              _activations(rng, calibration, shape)),
        Model("block", "ResNet basic block 56×56×64", block_path, "x", shape,
              2 * 56 * 56 * 64 * 64 * 9, _activations(rng, 1, shape),
              _activations(rng, calibration, shape)),
        Model("mnist", "MNIST CNN (models/mnist_lenet.onnx)",
              os.path.join(_ROOT, "models", "mnist_lenet.onnx"), "input",
              mnist_shape, None, test_digits[:1].reshape(mnist_shape),
              digits[:calibration].reshape(-1, *mnist_shape[1:])),
        Model("cls", "PaddleOCR text-direction classifier (48×192)",
              datasets.paddleocr_model("cls"), "x", [1, 3, 48, 192], None,
              test_line, lines),
    ]
