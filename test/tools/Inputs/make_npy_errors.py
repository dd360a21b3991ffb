"""Writes the .npy inputs of qopt-run-errors.test and
qopt-run-npy-errors.test into the given directory."""

import os
import sys

import numpy as np

out = sys.argv[1]
path = lambda name: os.path.join(out, name)  # noqa: E731
np.save(path("x.npy"), np.zeros((2, 3), np.float32))
np.save(path("short.npy"), np.zeros(3, np.float32))
np.save(path("i8.npy"), np.zeros((2, 3), np.int8))
np.save(path("u16.npy"), np.zeros((2, 3), np.uint16))
np.save(path("bigendian.npy"), np.zeros((2, 3), ">f4"))
np.save(path("fortran.npy"), np.zeros((2, 3), np.float32, order="F"))
with open(path("x.npy"), "rb") as f:
    data = f.read()
with open(path("truncated.npy"), "wb") as f:
    f.write(data[:-4])
with open(path("header.npy"), "wb") as f:
    f.write(data.replace(b"(2, 3)", b"(2, x)"))
