"""The Python API on a bundled model: compile, run, evaluate, errors."""

import numpy as np
import pytest

import qopt
from qopt.testing import models


@pytest.fixture(scope="module")
def float_model(tmp_path_factory):
    path = tmp_path_factory.mktemp("model") / "mobilenet.mlir"
    path.write_text(models.mobilenet(batch=1))
    return qopt.load(str(path))


@pytest.fixture(scope="module")
def samples():
    rng = np.random.default_rng(0)
    return (rng.standard_normal([64, 32, 32, 3]).astype(np.float32),
            rng.standard_normal([32, 32, 32, 3]).astype(np.float32))


@pytest.fixture(scope="module")
def quantized(float_model, samples):
    return qopt.compile(float_model, calibration=samples[0])


def test_compile_runs_batches_and_follows_float(float_model, quantized,
                                                samples):
    held_out, q = samples[1], quantized
    out, ref = q(held_out), float_model(held_out)
    assert out.shape == ref.shape == (32, 10)
    labels = ref.argmax(axis=1)
    scores = qopt.evaluate(q, (held_out, labels), reference=float_model)
    assert scores["agreement"] == scores["accuracy"] >= 0.9
    sqnr = 10 * np.log10(np.sum(ref ** 2) / np.sum((ref - out) ** 2))
    assert sqnr >= 30


def test_signature_carries_quantization(float_model, samples):
    q = qopt.compile(float_model, calibration=samples[0], int_io=True)
    (inp,), (out,) = q.signature()
    assert inp[0] == [1, 32, 32, 3] and inp[1] == "i8"
    assert out[1] == "i8" and out[2][0] > 0
    # Integer I/O: the caller quantizes with the argument's parameters.
    scale, zp = inp[2]
    x = np.clip(np.rint(samples[1][:1] / scale) + zp, -128, 127)
    assert q(x.astype(np.int8)).dtype == np.int8


def test_simulation_and_integer_agree(float_model, quantized, samples):
    sim = qopt.compile(float_model, calibration=samples[0], simulate=True)
    (_, _, (scale, _)), = quantized.signature()[1]
    lsb = np.abs(sim(samples[1]) - quantized(samples[1])) / scale
    assert lsb.max() <= 1.0 + 1e-6


def test_kernels_equal_the_reference_lowering(tmp_path, float_model,
                                              samples):
    q = qopt.compile(float_model, calibration=samples[0], int_io=True)
    x = np.random.default_rng(1).integers(-128, 128, [8, 1, 32, 32, 3],
                                          dtype=np.int8)
    kernels = q(x)
    q.reference = True
    assert np.array_equal(kernels, q(x))


def test_errors_are_qopt_errors(tmp_path, float_model):
    bad = tmp_path / "bad.mlir"
    bad.write_text("func.func @main( {")
    with pytest.raises(qopt.QoptError, match="bad.mlir"):
        qopt.load(str(bad))(np.zeros([1], np.float32))
    with pytest.raises(qopt.QoptError, match="2..8, ternary or binary"):
        qopt.compile(float_model, calibration=np.zeros([1, 32, 32, 3],
                                                       np.float32),
                     weight_bits=9)


@pytest.mark.parametrize("bits,quant", [(3, "uniform"), (4, "pwlq"),
                                        (3, "pwlq"), ("ternary", "uniform"),
                                        ("binary", "uniform")])
def test_low_bit_formats_simulate_exactly(float_model, samples, bits, quant):
    """The QDQ simulation and the integer graph agree bit for bit."""
    options = dict(calibration=samples[0], weight_bits=bits,
                   weight_quant=quant, int_io=True)
    integer = qopt.compile(float_model, **options)
    simulated = qopt.compile(float_model, simulate=True, **options)
    x = np.random.default_rng(2).integers(-128, 128, [4, 1, 32, 32, 3],
                                          dtype=np.int8)
    assert np.array_equal(integer(x), simulated(x))


def test_pwlq_with_two_bits_is_an_error(float_model):
    with pytest.raises(qopt.QoptError, match="at least 3 bits"):
        qopt.compile(float_model, calibration=np.zeros([1, 32, 32, 3],
                                                       np.float32),
                     weight_bits=2, weight_quant="pwlq")


def test_save_writes_object_header_and_library(quantized, tmp_path):
    quantized.save(str(tmp_path), target="host", name="mobilenet")
    for name in ("mobilenet.o", "mobilenet.h", "libmobilenet.so"):
        assert (tmp_path / name).stat().st_size > 0
    assert "mobilenet_run(" in (tmp_path / "mobilenet.h").read_text()


def test_compiled_model_runs_like_the_jit(quantized, samples, tmp_path):
    quantized.save(str(tmp_path), target="host", name="net")
    compiled = qopt.load_compiled(str(tmp_path), "net")
    x = samples[1][:4]
    assert compiled(x).tobytes() == quantized(x).tobytes()
    assert compiled(x[0][None]).shape == (1, 10)
    assert 0 < compiled.weight_bytes and 0 < compiled.arena_bytes
    assert len(compiled.latency(x[:1], runs=3, warmup=1)) == 3


def test_quantize_options_are_qoptc_flags():
    """QuantizeOptions mirrors include/qopt/Pipelines/QuantizeOptions.def:
    its fields are exactly qoptc's prepare and quantization flags (less the
    driver's own: where the statistics come from and the report)."""
    import dataclasses
    import re
    text = qopt.compiler.run_tool("qoptc", "--help")
    sections = re.split(r"\n(?=\S.*:\n)", text)
    flags = {flag for section in sections
             if section.startswith(("Prepare options", "Quantization options"))
             for flag in re.findall(r"^  --([a-z0-9-]+)", section, re.M)}
    driver = {"calibration", "samples", "report", "report-samples"}
    fields = {f.name.replace("_", "-")
              for f in dataclasses.fields(qopt.QuantizeOptions)}
    assert fields == flags - driver


def test_quantize_options_checked():
    with pytest.raises(qopt.QoptError, match="unknown pipeline 'fast'"):
        qopt.QuantizeOptions(pipeline="fast")
    with pytest.raises(TypeError):
        qopt.compile("model.mlir", weight_bitz=4)
