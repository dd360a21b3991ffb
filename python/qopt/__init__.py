"""qopt: an MLIR-based quantization compiler (Python face).

See qopt.compiler for the API: import_onnx, calibrate, compile, evaluate.
"""

from qopt.compiler import (Model, QoptError, calibrate, compile, evaluate,
                           import_onnx, load)

__all__ = ["Model", "QoptError", "calibrate", "compile", "evaluate",
           "import_onnx", "load"]
