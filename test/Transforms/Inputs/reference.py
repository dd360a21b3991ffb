"""What the numpy reference scripts share: their --work directory, the
graph they write there, MLIR constants and running the qopt tools."""

import argparse
import os
import subprocess

import numpy as np


def setup(graph):
    """Parses --work DIR, creates it and writes `graph` (MLIR text) there;
    returns (DIR, path of graph.mlir)."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--work", required=True)
    work = parser.parse_args().work
    os.makedirs(work, exist_ok=True)
    path = os.path.join(work, "graph.mlir")
    with open(path, "w") as f:
        f.write(graph)
    return work, path


def mlir_dense(a):
    """A dense<...> literal of float values, printed exactly."""
    return "dense<" + np.array2string(
        np.asarray(a, np.float64), separator=", ", threshold=10**6,
        formatter={"float_kind": lambda v: repr(float(v))}).replace(
            "\n", "") + ">"


def run(*command):
    """Runs a qopt tool; its standard output."""
    return subprocess.run(command, check=True, capture_output=True,
                          text=True).stdout
