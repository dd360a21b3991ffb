//===- Passes.td - qopt lowerings ---------------------------*- tablegen -*-===//
//
// Lowerings of the quantized (QDQ) graph: to integer TOSA, and to float
// arithmetic that simulates it.
//
//===----------------------------------------------------------------------===//

#ifndef QOPT_CONVERSION_PASSES
#define QOPT_CONVERSION_PASSES

include "mlir/Pass/PassBase.td"

def Integerize : Pass<"qopt-integerize", "mlir::func::FuncOp"> {
  let summary = "Rewrite dequantize → op → quantize into integer TOSA";
  let description = [{
    Turns the QDQ graph written by `qopt-quantize` into integer TOSA:

    - `conv2d`, `depthwise_conv2d` and `matmul` (fully connected through
      reshapes, with its bias add) on int8 operands with zero points,
      accumulating in i32 with the bias in `s_in·s_w`, followed by one
      `tosa.rescale` (per-channel int32 multiplier + shift for
      `s_in·s_w/s_out`) to the output zero point, and a clamp for a fused
      activation;
    - `add`, `sub` and `mul` through i32 with rescales of their inputs;
    - `avg_pool2d`, `max_pool2d`, `concat`, `reshape`, `transpose`, `clamp`
      on the integers directly (rescaling concat inputs when they differ);
    - a chain of elementwise float ops between two quantization points
      (sigmoid, tanh, hardswish, hardsigmoid, ...) becomes one `tosa.table`
      whose 256 entries are the quantized chain evaluated on every input.

    Quantize and dequantize casts that remain (on the function boundary and
    around ops kept in float) are left for `qopt-lower-quant`.

    The integers equal those of the simulated QDQ graph except where the
    fixed-point rescale rounds a value that lies within rounding error of a
    half-way point differently (at most 1 LSB).
  }];
  let options = [
    Option<"doubleRound", "double-round", "bool", /*default=*/"false",
           "Use TOSA DOUBLE_ROUND in rescales (TFLite compatible) instead "
           "of SINGLE_ROUND">,
  ];
  let dependentDialects = ["mlir::tosa::TosaDialect", "mlir::quant::QuantDialect"];
}

def LowerQuant : Pass<"qopt-lower-quant", "mlir::func::FuncOp"> {
  let summary = "Lower quant casts to rounding-correct TOSA arithmetic";
  let description = [{
    Replaces `quant.qcast`, `quant.dcast` and `quant.scast` by TOSA
    arithmetic on the storage type, and every `!quant.uniform` type by its
    storage type, so that the graph runs on any TOSA backend:

    - quantize: `clamp(round_half_even(x · (1/s)) + z, qmin, qmax)`, with
      `1/s` rounded once to f32 (TOSA has no float division), saturating
      to the (possibly narrow) storage range;
    - dequantize: `(q − z) · s`, per tensor or per axis.

    Unlike upstream `lower-quant-ops`, which truncates, this rounds half to
    even, as the quantization scheme and `tosa.cast` do. Applied to the QDQ
    graph it gives the fast simulation of the quantized model; applied after
    `qopt-integerize` it lowers the remaining boundary casts.
  }];
  let dependentDialects = ["mlir::tosa::TosaDialect"];
}

#endif // QOPT_CONVERSION_PASSES
