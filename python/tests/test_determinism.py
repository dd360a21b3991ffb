"""qoptc is deterministic: PaddleOCR's direction classifier compiled twice
from the same samples and options (W8A8, with the report, the assembly and
the statistics kept) gives byte-identical files (issue 16)."""

import filecmp
import os

import numpy as np

from qopt import compiler, datasets


def test_classifier_compiles_to_identical_files_twice(tmp_path):
    np.save(tmp_path / "calib.npy", datasets.text_lines(8, seed=5)[0])
    outs = []
    for run in ("a", "b"):
        out = tmp_path / run
        compiler.run_tool("qoptc", datasets.paddleocr_model("cls"),
                          "--input-shape=x=1,3,48,192",
                          f"--samples={tmp_path / 'calib.npy'}", "--report",
                          "--asm", "--name", "cls", "-o", out)
        outs.append(out)
    names = sorted(os.listdir(outs[0]))
    assert names == sorted(os.listdir(outs[1]))
    assert {"cls.o", "cls.h", "cls.s", "cls.report.txt"} <= set(names)
    _, mismatch, errors = filecmp.cmpfiles(outs[0], outs[1], names,
                                           shallow=False)
    assert not mismatch and not errors, (mismatch, errors)
