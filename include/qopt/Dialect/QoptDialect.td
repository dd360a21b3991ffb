//===- QoptDialect.td - The qopt dialect ------------------*- tablegen -*-===//

#ifndef QOPT_DIALECT_QOPTDIALECT_TD
#define QOPT_DIALECT_QOPTDIALECT_TD

include "mlir/IR/OpBase.td"

def Qopt_Dialect : Dialect {
  let name = "qopt";
  let cppNamespace = "::qopt";
  let summary = "The quantization contract between qopt's passes";
  let description = [{
    What one qopt pass leaves for a later one travels on the IR as
    `qopt.`-prefixed attributes of the TOSA ops, functions and function
    arguments. This dialect declares them, verifies each wherever it
    appears (its type, its shape against the op, the values it may take)
    and is the only place their names are spelled: passes use the
    accessors of `qopt/Dialect/QoptDialect.h`.

    On the conv2d / depthwise_conv2d / matmul a layer is made of:
    - `qopt.bn_mean`, `qopt.bn_std` (`tensor<Cxf32>`, C the output
      channels; std ≥ 0): the batch norm `qopt-fold-batchnorm` folded,
      for the data-free passes.
    - `qopt.weight_scales` (`array<f64>`, positive, one per weight channel
      or one) with `qopt.weight_bits` (2..8): the grid `qopt-adaround`
      rounded the weights to, for `qopt-quantize`; for a PWLQ grid also
      `qopt.weight_tail_step` (≥ 1: the tails' step in centre steps).
    - `qopt.weight_format` (`"uniform"`, `"pwlq"`, `"ternary"` or
      `"binary"`) and for PWLQ `qopt.pwlq = {bits, tail_step,
      breakpoints = array<f64>}`: what `qopt-quantize` chose, for the
      report.

    On functions and their arguments and results:
    - `qopt.quant` (a `!quant.uniform` type) on an argument or result: the
      quantization of that interface value.
    - `qopt.arena` (unit) on the argument that is the planned arena, and
      `qopt.arena_size` (bytes, ≥ 0) on the function.
    - `qopt.layer_bits` (an array of `"ID=W"` or `"ID=W/A"` strings, the
      syntax of `qopt-quantize`'s `layer-bits` option) on the function:
      the widths `qopt-search-precision` chose, which `qopt-quantize`
      applies (its own `layer-bits` entries take precedence); with a size
      budget also `qopt.size_budget` (bytes, > 0), which `qoptc` checks
      the compiled object's packed weights against, and `qopt.min_size`
      (bytes, > 0): the search's smallest weights (every layer at its
      narrowest format), the floor of a budget `qoptc` lowers to search
      again.
  }];
  let discardableAttrs = (ins
    "::mlir::DenseFPElementsAttr":$bn_mean,
    "::mlir::DenseFPElementsAttr":$bn_std,
    "::mlir::DenseF64ArrayAttr":$weight_scales,
    "::mlir::IntegerAttr":$weight_bits,
    "::mlir::IntegerAttr":$weight_tail_step,
    "::mlir::StringAttr":$weight_format,
    "::mlir::DictionaryAttr":$pwlq,
    "::mlir::TypeAttr":$quant,
    "::mlir::UnitAttr":$arena,
    "::mlir::IntegerAttr":$arena_size,
    "::mlir::ArrayAttr":$layer_bits,
    "::mlir::IntegerAttr":$size_budget,
    "::mlir::IntegerAttr":$min_size
  );
  let hasOperationAttrVerify = 1;
  let hasRegionArgAttrVerify = 1;
  let hasRegionResultAttrVerify = 1;
}

#endif // QOPT_DIALECT_QOPTDIALECT_TD
