"""qopt.ort: ONNX Runtime (onnxruntime-node) as the float reference, on a
tiny graph, the committed MNIST CNNs and the PaddleOCR models.

Needs scripts/fetch.sh. Each accuracy floor sits a little under what was
measured (scripts/train_mnist.py prints the MNIST ones)."""

import os

import numpy as np
import onnx
from onnx import TensorProto, helper
import pytest

from qopt import datasets, ort

MODELS = os.path.join(os.path.dirname(__file__), "..", "..", "models")


@pytest.fixture(scope="module")
def tiny_model(tmp_path_factory):
    """twice = a + a (float32 [N, 3]), same = b (int64 [N])."""
    graph = helper.make_graph(
        [helper.make_node("Add", ["a", "a"], ["twice"]),
         helper.make_node("Identity", ["b"], ["same"])],
        "tiny",
        [helper.make_tensor_value_info("a", TensorProto.FLOAT, ["N", 3]),
         helper.make_tensor_value_info("b", TensorProto.INT64, ["N"])],
        [helper.make_tensor_value_info("twice", TensorProto.FLOAT, ["N", 3]),
         helper.make_tensor_value_info("same", TensorProto.INT64, ["N"])])
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)])
    model.ir_version = 8
    path = tmp_path_factory.mktemp("ort") / "tiny.onnx"
    onnx.save(model, str(path))
    return str(path)


def test_session_exchanges_tensors(tiny_model):
    a = np.arange(12, dtype=np.float32).reshape(4, 3)
    b = np.array([-(2 ** 40), 0, 7, 2 ** 62], np.int64)
    with ort.Session(tiny_model) as session:
        assert session.input_names == ["a", "b"]
        assert session.output_names == ["twice", "same"]
        for _ in range(2):  # the process serves call after call
            twice, same = session.run({"a": a, "b": b})
            assert twice.dtype == np.float32 and np.array_equal(twice, 2 * a)
            assert same.dtype == np.int64 and np.array_equal(same, b)


def test_session_reports_errors(tiny_model):
    with ort.Session(tiny_model) as session:
        with pytest.raises(RuntimeError, match="ONNX Runtime"):
            session.run({"a": np.zeros((2, 5), np.float32),
                         "b": np.zeros(2, np.int64)})
        with pytest.raises(TypeError, match="float16"):
            session.run({"a": np.zeros((2, 3), np.float16),
                         "b": np.zeros(2, np.int64)})
        # Still usable after an error.
        twice, _ = session.run({"a": np.ones((1, 3), np.float32),
                                "b": np.zeros(1, np.int64)})
        assert (twice == 2).all()
    with pytest.raises(RuntimeError, match="runner stopped"):
        ort.Session(__file__)  # not a model


def test_run_in_batches(tiny_model):
    a = np.random.default_rng(0).standard_normal((10, 3)).astype(np.float32)
    b = np.arange(10, dtype=np.int64)
    twice, same = ort.run(tiny_model, {"a": a, "b": b}, batch_size=3)
    assert np.array_equal(twice, 2 * a) and np.array_equal(same, b)


@pytest.mark.parametrize("name, floor", [("lenet", 0.97), ("mobilenet", 0.975)])
def test_mnist_models_accuracy(name, floor):
    images, labels = datasets.mnist("test")
    logits, = ort.run(os.path.join(MODELS, f"mnist_{name}.onnx"), images,
                      batch_size=500)
    assert logits.shape == (2000, 10)
    assert (logits.argmax(1) == labels).mean() >= floor


def test_direction_classifier_on_rendered_lines():
    """PaddleOCR's text-direction classifier tells upright from rotated
    rendered lines (99 % measured on these 200; outputs [p(0°), p(180°)])."""
    lines, labels, _, _ = datasets.text_lines(200, seed=0)
    probs, = ort.run(datasets.paddleocr_model("cls"), lines, batch_size=50)
    assert probs.shape == (200, 2)
    assert np.allclose(probs.sum(1), 1, atol=1e-5)
    assert (probs.argmax(1) == labels).mean() >= 0.95


def test_recognizer_reads_rendered_words():
    """PP-OCRv4's recognizer reads the rendered lines back (leading or
    trailing spaces aside)."""
    _, _, texts, lines = datasets.text_lines(50, seed=0)
    probs, = ort.run(datasets.paddleocr_model("rec"), lines, batch_size=10)
    assert probs.shape == (50, 40, 6625)
    decoded = [t.strip() for t in datasets.ctc_decode(probs)]
    assert np.mean([d == t for d, t in zip(decoded, texts)]) >= 0.9


def test_detector_finds_pasted_lines():
    """PP-OCRv4's detector marks every pasted line and nothing else."""
    pages, masks = datasets.text_pages(4, seed=0)
    maps, = ort.run(datasets.paddleocr_model("det"), pages, batch_size=2)
    assert maps.shape == (4, 1, 320, 320)
    for prob, mask in zip(maps[:, 0], masks):
        assert (prob[~mask] < 0.3).all()
        for band in range(0, 320, 64):
            if mask[band:band + 64].any():
                assert prob[band:band + 64].max() > 0.5
