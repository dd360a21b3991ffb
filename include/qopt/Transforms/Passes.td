//===- Passes.td - qopt graph-level passes ------------------*- tablegen -*-===//
//
// Float TOSA → float TOSA preparation, calibration instrumentation and the
// insertion of quantize/dequantize casts. The descriptions below are the user
// documentation (`-gen-pass-doc`).
//
//===----------------------------------------------------------------------===//

#ifndef QOPT_TRANSFORMS_PASSES
#define QOPT_TRANSFORMS_PASSES

include "mlir/Pass/PassBase.td"

def FoldConstants : Pass<"qopt-fold-constants", "mlir::func::FuncOp"> {
  let summary = "Evaluate TOSA operations whose operands are all constant";
  let description = [{
    Replaces every TOSA operation whose operands are all `tosa.const` (or
    `arith.constant`) by a `tosa.const` holding its result, computed at
    compile time. Covers elementwise arithmetic (with broadcasting), unary
    math (`rsqrt`, `reciprocal`, `exp`, ...), `reshape`, `transpose`,
    `slice`, `concat`, `cast` and `clamp` on float and integer data.

    Frontends emit batch normalization and weight layout changes as such
    constant subgraphs (`rsqrt(var + eps) * gamma`, a `transpose` of the
    weights); folding them first leaves one constant per weight, which the
    later passes need.
  }];
  let dependentDialects = ["mlir::tosa::TosaDialect"];
}

def FoldBatchNorm : Pass<"qopt-fold-batchnorm", "mlir::func::FuncOp"> {
  let summary = "Fold per-channel affine arithmetic into conv/matmul weights and bias";
  let description = [{
    Folds batch normalization, in whatever form a frontend lowered it to, into
    the preceding `tosa.conv2d`, `tosa.depthwise_conv2d` or fully connected
    `tosa.matmul`: a chain of `tosa.mul`, `tosa.add` and `tosa.sub` by
    constants that are uniform or per output channel (shape `1x..x1xC`)
    directly after the op's result is absorbed as `W' = W·γ/σ`,
    `b' = (b − μ)·γ/σ + β`. The scaled output channel of the weights and the
    bias are rewritten as new constants; the arithmetic disappears.

    Folding only happens when the op's result has that chain as its single
    use, so no other consumer observes the change. Run `qopt-fold-constants`
    first so that `γ/σ` is one constant.
  }];
  let dependentDialects = ["mlir::tosa::TosaDialect"];
}

def ExposeActivations : Pass<"qopt-expose-activations", "mlir::ModuleOp"> {
  let summary = "Return every activation tensor of a function (for calibration)";
  let description = [{
    Appends every activation tensor of the entry function to its results,
    in the canonical order used by the statistics file (function arguments
    first, then op results in program order; see
    `qopt/Analysis/ActivationTensors.h`). The calibrator runs the resulting
    function and records min/max/histogram for each returned tensor. The
    original results stay first.
  }];
  let options = [
    Option<"entry", "entry", "std::string", /*default=*/"\"\"",
           "Function to instrument (default: the only public function)">,
  ];
}

def Quantize : Pass<"qopt-quantize", "mlir::ModuleOp"> {
  let summary = "Insert quant.qcast/quant.dcast from calibration statistics";
  let description = [{
    Decides the quantization of the entry function from a statistics file
    written by `qopt-calibrate` and expresses it with the `quant` dialect:

    - Weights of `tosa.conv2d`, `tosa.depthwise_conv2d` and `tosa.matmul`
      (constant operand) become integer constants with a symmetric
      `!quant.uniform` type, per output channel by default, read through
      `quant.scast` + `quant.dcast`. Biases become `i32` constants with
      scale `s_in·s_w`.
    - Activations are asymmetric per tensor: every activation that feeds or
      leaves an integer-executable op gets `quant.qcast` + `quant.dcast`.
      Ops that have no integer form (softmax arithmetic, reductions) stay in
      float and are fed by a dequantize.
    - Activation functions are fused into the quantization of the op that
      produces their input: `conv → clamp` (ReLU, ReLU6) and the bias add of
      a fully connected layer get no quantization point of their own, and
      chains of elementwise unary float ops (sigmoid, tanh, hardswish,
      hardsigmoid written out in TOSA arithmetic) are quantized only at their
      ends so that they become one `tosa.table`.
    - Pooling, reshape, transpose and clamp keep the quantization of their
      input, except a global average pool, whose output is far narrower
      than its input and gets its own.

    Bit widths 2..8 are selectable globally (`weight-bits`, `act-bits`) and
    per layer (`layer-bits`); widths below 8 use narrow storage such as
    `i8<-8:7>`. Activation ranges come from the statistics by min-max,
    percentile or MSE-optimal clipping; weight ranges from the weights
    themselves by min-max or MSE-optimal clipping.

    Function arguments and results keep their float types (quantize on
    entry, dequantize on exit) and carry the quantization of the value as a
    `qopt.quant` attribute; `int-io` makes them integer instead.
  }];
  let options = [
    Option<"statsFile", "stats", "std::string", /*default=*/"\"\"",
           "Statistics file written by qopt-calibrate (required)">,
    Option<"entry", "entry", "std::string", /*default=*/"\"\"",
           "Function to quantize (default: the function named in the statistics)">,
    Option<"weightBits", "weight-bits", "unsigned", /*default=*/"8",
           "Weight bit width (2..8)">,
    Option<"actBits", "act-bits", "unsigned", /*default=*/"8",
           "Activation bit width (2..8)">,
    ListOption<"layerBits", "layer-bits", "std::string",
           "Per-layer bit widths: `N=W` or `N=W/A` where N is the activation "
           "tensor id (from the statistics file) of the layer's output or the "
           "name of its location">,
    Option<"perChannel", "per-channel", "bool", /*default=*/"true",
           "Quantize weights per output channel (else per tensor)">,
    Option<"actRange", "act-range", "std::string", /*default=*/"\"minmax\"",
           "Activation range setting: minmax, percentile or mse">,
    Option<"percentile", "percentile", "double", /*default=*/"99.99",
           "Percentile kept by act-range=percentile">,
    Option<"weightRange", "weight-range", "std::string", /*default=*/"\"minmax\"",
           "Weight range setting: minmax or mse">,
    Option<"intIO", "int-io", "bool", /*default=*/"false",
           "Give the function integer arguments and results">,
  ];
  let dependentDialects = ["mlir::tosa::TosaDialect", "mlir::quant::QuantDialect"];
}

#endif // QOPT_TRANSFORMS_PASSES
