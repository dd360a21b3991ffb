"""examples/text_direction.c: a C program that includes only the header of
PaddleOCR's direction classifier compiled by qoptc (W8A8, calibrated on
rendered lines) and links its object, run on rendered text lines written as
raw files: it prints each line's class."""

import os
import subprocess

import numpy as np

from qopt import compiler, datasets

REPO = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")


def test_c_program_prints_the_direction_of_rendered_lines(tmp_path):
    np.save(tmp_path / "calib.npy", datasets.text_lines(8, seed=5)[0])
    compiler.run_tool("qoptc", datasets.paddleocr_model("cls"),
                      "--input-shape=x=1,3,48,192",
                      f"--samples={tmp_path / 'calib.npy'}", "--name", "textdir",
                      "-o", tmp_path / "out")
    exe = tmp_path / "textdir"
    subprocess.run(["clang", "-std=c99", "-Wall", "-Werror",
                    f"-I{tmp_path / 'out'}",
                    os.path.join(REPO, "examples", "text_direction.c"),
                    tmp_path / "out" / "textdir.o", "-lm", "-o", exe], check=True)
    lines, labels = datasets.text_lines(6, seed=6)[:2]
    assert set(labels) == {0, 1}
    for i, (line, label) in enumerate(zip(lines, labels)):
        raw = tmp_path / f"line{i}.raw"
        line.astype(np.float32).tofile(raw)
        printed = subprocess.run([exe, raw], check=True, capture_output=True,
                                 text=True).stdout.split()
        assert printed[0] == ["0", "180"][label], f"line {i}: {printed}"
        assert 0.5 <= float(printed[1]) <= 1.0
