"""qopt: an MLIR-based quantization compiler (Python face)."""
