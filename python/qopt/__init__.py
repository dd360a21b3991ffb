"""qopt: an MLIR-based quantization compiler (Python face).

See qopt.compiler for the API: import_onnx, calibrate, compile, evaluate,
Model.save and load_compiled.
"""

from qopt.compiler import (CompiledModel, Model, QoptError, calibrate, compile,
                           evaluate, import_onnx, load, load_compiled)

__all__ = ["CompiledModel", "Model", "QoptError", "calibrate", "compile",
           "evaluate", "import_onnx", "load", "load_compiled"]
