"""qopt.report (qoptc --report) on the MobileNetV2-style MNIST network: the
report covers every layer, names it as the ONNX model does, its output SQNR
is the model-level SQNR of qopt.compile's integer model, and a layer made
worse on purpose comes first among the layers that lose most."""

import json
import os
import re

import numpy as np
import pytest

import qopt
from qopt import datasets

REPO = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")


def sqnr_db(reference, actual):
    return 10 * np.log10(np.sum(reference.astype(np.float64) ** 2) /
                         np.sum((actual - reference.astype(np.float64)) ** 2))


@pytest.fixture(scope="module")
def mobilenet():
    model = qopt.import_onnx(os.path.join(REPO, "models",
                                          "mnist_mobilenet.onnx"),
                             input_shapes={"input": [1, 1, 28, 28]})
    images = datasets.mnist("train")[0][:48]
    return model, images


def test_report_matches_model_sqnr(mobilenet, tmp_path):
    model, images = mobilenet
    report = qopt.report(model, images, tmp_path, name="net")

    # The output SQNR is the integer model's against the float model.
    quantized = qopt.compile(model, calibration=images)
    model_sqnr = sqnr_db(model(images), quantized(images))
    assert abs(report.output_sqnr[0] - model_sqnr) <= 0.01
    assert model_sqnr >= 30

    # Every conv, depthwise conv and matmul of the compiled model, with its
    # ONNX node name and 8-bit weights and activations.
    with open(tmp_path / "net.report.txt") as f:
        compiled = int(re.search(r"^layers: (\d+)$", f.read(), re.M).group(1))
    weighted = [layer for layer in report.layers if layer["weight"]]
    assert len(weighted) == compiled
    for layer in weighted:
        assert layer["op"].split("+")[0] in ("conv2d", "depthwise_conv2d",
                                             "matmul")
        assert layer["location"].startswith("/")
        assert layer["weight"]["bits"] == 8 == layer["activation"]["bits"]
        assert 30 <= layer["weight"]["sqnr"]["sqnr_db"]
        assert len(layer["weight"]["scales"]) > 1  # per channel
    # Errors accumulate: no layer ends better than the input quantization.
    first = report.layers[0]["end_to_end"]["sqnr_db"]
    assert all(layer["end_to_end"]["sqnr_db"] <= first + 1e-9
               for layer in report.layers if layer["op"] != "reshape")

    html = (tmp_path / "net.report.html").read_text()
    assert "<svg" in html and "<script" not in html and "src=" not in html
    assert "Layers that lose most" in str(report)


def test_report_finds_the_low_bit_layer(mobilenet, tmp_path):
    model, images = mobilenet
    depthwise = "/features/features.2/block/block.1/block.1.0/Conv"
    report = qopt.report(model, images, tmp_path,
                         layer_bits={depthwise: (3, 8)})
    worst = report.worst[0]
    assert worst["location"] == depthwise
    assert worst["weight"]["bits"] == 3
    # Its weights and its own output are what lose: the next layers' own
    # SQNR stays at the 8-bit level.
    assert worst["own"]["sqnr_db"] + 10 < report.worst[1]["own"]["sqnr_db"]


def test_report_of_the_ptq_pipeline(mobilenet, tmp_path):
    # Equalization rescales channels: the report compares the quantized graph
    # with the prepared float one layer by layer, and its output with the
    # float model as given.
    model, images = mobilenet
    options = dict(pipeline="ptq", weight_bits=4)
    report = qopt.report(model, images, tmp_path, **options)
    quantized = qopt.compile(model, calibration=images, **options)
    model_sqnr = sqnr_db(model(images), quantized(images))
    assert abs(report.output_sqnr[0] - model_sqnr) <= 0.01
    assert "equalize=true" in report.data["settings"]
    assert all(layer["weight"]["bits"] == 4
               for layer in report.layers if layer["weight"])


def test_infinite_sqnr_from_json(tmp_path):
    # null SQNRs: +inf without noise, -inf for noise on an all-zero value.
    layer = {"id": 1, "own": {"sqnr_db": None, "noise": 0.0},
             "end_to_end": {"sqnr_db": None, "noise": 0.5}}
    (tmp_path / "m.report.json").write_text(json.dumps(
        {"layers": [layer], "outputs": [], "worst": [1]}))
    report = qopt.LayerReport(tmp_path, "m")
    assert report.layers[0]["own"]["sqnr_db"] == float("inf")
    assert report.layers[0]["end_to_end"]["sqnr_db"] == float("-inf")
