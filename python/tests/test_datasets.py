"""qopt.datasets: MNIST split, rendered text lines, CTC decoding, errors.

MNIST and the character list come from scripts/fetch.sh."""

import numpy as np
from PIL import Image
import pytest

from qopt import datasets


def test_mnist_split():
    x_train, y_train = datasets.mnist("train")
    x_test, y_test = datasets.mnist("test")
    assert x_train.shape == (8000, 1, 28, 28) and y_train.shape == (8000,)
    assert x_test.shape == (2000, 1, 28, 28) and y_test.shape == (2000,)
    assert x_test.dtype == np.float32 and y_test.dtype == np.int64
    assert x_test.min() == 0 and x_test.max() == 1
    # Stratified: every class ~20 % in test, and already in a short prefix.
    ratio = np.bincount(y_test) / (np.bincount(y_test) + np.bincount(y_train))
    assert np.allclose(ratio, 0.2, atol=0.002)
    assert set(y_test[:20]) == set(range(10))
    # Disjoint: no test image is a training image.
    train_rows = {row.tobytes() for row in x_train}
    assert not any(row.tobytes() in train_rows for row in x_test)
    x_all, _ = datasets.mnist("all")
    assert len(x_all) == 10000


def test_text_lines_shapes_labels_and_range():
    cls, labels, texts, rec = datasets.text_lines(40, seed=3)
    assert cls.shape == (40, 3, 48, 192) and cls.dtype == np.float32
    assert rec.shape == (40, 3, 48, 320) and rec.dtype == np.float32
    assert labels.dtype == np.int64 and labels.sum() == 20
    assert len(texts) == 40 and all(t and t == t.strip() for t in texts)
    assert cls.min() >= -1 and cls.max() <= 1
    # Short lines are right-padded with 0 (mid grey after normalization),
    # long ones squeezed to the width, as in PaddleOCR.
    for x in (cls, rec):
        padded = (x[:, :, :, -1] == 0).all(axis=(1, 2))
        assert 0 < padded.sum() < len(x)


def test_text_lines_are_seeded():
    a = datasets.text_lines(10, seed=1)
    b = datasets.text_lines(10, seed=1)
    c = datasets.text_lines(10, seed=2)
    for x, y in zip(a, b):
        assert np.array_equal(x, y)
    assert a[2] != c[2]


def test_rotated_lines_match_upright_lines_turned():
    """With one text, one font and a 180° turn of the same pixels, the two
    classifier inputs of a line at full width are each other rotated."""
    rng = np.random.default_rng(0)
    image = datasets.render_text("rotate", rng)
    upright = datasets.paddleocr_input(image, 400)
    turned = datasets.paddleocr_input(
        image.transpose(Image.Transpose.ROTATE_180), 400)
    w = np.nonzero((upright != 0).any(axis=(0, 1)))[0].max() + 1
    assert np.allclose(turned[:, ::-1, w - 1::-1], upright[:, :, :w], atol=2 / 255)


def test_ocr_charset():
    charset = datasets.ocr_charset()
    assert len(charset) == 6625
    assert charset[0] == "<blank>" and charset[-1] == " "


def test_ctc_decode_merges_repeats_and_drops_blanks():
    charset = ["<blank>", "a", "b"]
    steps = [1, 1, 0, 1, 2, 2, 0, 0, 2]    # a a _ a b b _ _ b -> "aabb"
    probs = np.eye(3, dtype=np.float32)[steps]
    assert datasets.ctc_decode(probs, charset) == "aabb"
    assert datasets.ctc_decode(probs[None].repeat(2, 0), charset) == ["aabb"] * 2


def test_missing_data_names_fetch_script(tmp_path, monkeypatch):
    monkeypatch.setenv("QOPT_DATA_DIR", str(tmp_path))
    with pytest.raises(FileNotFoundError, match="run scripts/fetch.sh first"):
        datasets.paddleocr_model("cls")


def test_text_pages():
    pages, masks = datasets.text_pages(3, seed=5)
    assert pages.shape == (3, 3, 320, 320) and pages.dtype == np.float32
    assert masks.shape == (3, 320, 320) and masks.dtype == bool
    assert 0 < masks.mean() < 0.6
    again, _ = datasets.text_pages(3, seed=5)
    assert np.array_equal(pages, again)
