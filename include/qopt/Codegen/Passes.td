//===- Passes.td - qopt code generation for CPU kernels ----*- tablegen -*-===//
//
// Passes that replace TOSA ops by generated, vectorized loops on buffers
// before the generic TOSA → linalg lowering sees them.
//
//===----------------------------------------------------------------------===//

#ifndef QOPT_CODEGEN_PASSES
#define QOPT_CODEGEN_PASSES

include "mlir/Pass/PassBase.td"

def LowerToKernels : Pass<"qopt-lower-to-kernels", "mlir::func::FuncOp"> {
  let summary = "Rewrite conv2d and matmul with constant weights into packed, "
                "vectorized kernels";
  let description = [{
    Runs on TOSA tensors, before `tosa-to-linalg`. Each weighted op whose
    weights are constant becomes inline `scf` loops over `vector` ops on
    buffers: the input is taken with `bufferization.to_buffer`, the output
    and a scratch copy of the input (padded with its zero point, channels
    rounded up to the kernel's k-group) are `memref.alloc`s at the top of
    the function, and the result is `bufferization.to_tensor ... restrict
    writable` of the output. The weights are packed at compile time into a
    `memref.global constant` in the tile layout of the inner step
    (`[OC/L][KH][KW][IC/g][L][g]` for `L` output channels per vector and
    `g` input channels per dot product).

    Rewritten islands:
    - integer `tosa.conv2d` (i8 input with any zero point, i8 weights with
      zero point 0, i32 bias) → `tosa.rescale` to i8 (per channel or per
      tensor, SINGLE_ROUND or DOUBLE_ROUND) → optional `tosa.clamp`;
    - the integer fully connected island: `tosa.matmul` (batch 1, constant
      `b`) → reshapes → optional i32 bias `tosa.add` → reshapes →
      `tosa.rescale` → optional `tosa.clamp`;
    - float `tosa.conv2d` and `tosa.matmul` with constant weights, the
      float bias add of a matmul and an optional `tosa.clamp`.

    The zero-point terms are folded into the bias at compile time, and the
    bias, the TOSA `apply_scale_32` requantization, the output zero point,
    the clamp and the narrowing to i8 run on the accumulators in
    registers. The integers are those of the upstream lowering bit for bit.

    `isa` selects the inner step: `avx512-vnni` (`vpdpbusd` zmm),
    `avx-vnni` (`vpdpbusd` ymm), `avx512` and `avx2` (`vpmaddubsw` +
    `vpmaddwd` for weights within ±7, sign extension + `vpmaddwd` for 8-bit
    weights), `generic` (plain vector arithmetic, 128-bit), `neon`,
    `dotprod` (`sdot`), `i8mm` (`smmla`), or `host` for this machine's best.
    Weights whose values all fit 4 bits are stored two per byte and widened
    in registers (docs/Kernels.md gives the layouts and the nibble order).
    Ops the kernels do not cover are left to the upstream lowering.
  }];
  let options = [
    Option<"isa", "isa", "std::string", /*default=*/"\"host\"",
           "Instruction set of the inner kernels (host, generic, avx2, "
           "avx512, avx-vnni, avx512-vnni, neon, dotprod, i8mm)">,
  ];
  let dependentDialects = [
    "mlir::arith::ArithDialect", "mlir::bufferization::BufferizationDialect",
    "mlir::LLVM::LLVMDialect", "mlir::memref::MemRefDialect",
    "mlir::scf::SCFDialect", "mlir::tensor::TensorDialect",
    "mlir::vector::VectorDialect"
  ];
}

#endif // QOPT_CODEGEN_PASSES
