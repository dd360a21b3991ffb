"""qopt: an MLIR-based quantization compiler (Python face).

See qopt.compiler for the API: import_onnx, calibrate, compile (with
QuantizeOptions), evaluate, report, Model.save and load_compiled.
"""

from qopt.compiler import (CompiledModel, LayerReport, Model, QoptError,
                           QuantizeOptions, calibrate, compile, evaluate,
                           import_onnx, load, load_compiled, report)

__all__ = ["CompiledModel", "LayerReport", "Model", "QoptError",
           "QuantizeOptions", "calibrate", "compile", "evaluate",
           "import_onnx", "load", "load_compiled", "report"]
