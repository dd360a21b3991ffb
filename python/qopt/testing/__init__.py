"""Graphs with seeded weights for tests, demos and benchmarks, not part of
the compiler's API: `tosa_builder.Graph` writes float TOSA from Python, and
`models` builds the small MobileNet-style classifier and the benchmarks'
ONNX layers with it."""
