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
    writable` of the output. The weights are packed at compile time into
    `memref.global constant`s in the tile layout of the inner step
    (`[OC/L][KH][KW][IC/g][L][g]` for the whole blocks of `L` output
    channels per vector, `g` input channels per dot product; the `OC mod L`
    channels of a partial last block in a global of their own, read by a
    narrower load widened with zeros, so that no padding channel is
    stored). Per-channel bias, multiplier (i32) and shift (i8) tables hold
    one entry per channel. A conv whose result is read by
    another conv only writes it straight into that conv's scratch (padded,
    offset to unsigned), which saves a copy between the two convolutions
    of a residual block.

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
    `vpmaddwd` for weights within ±64, sign extension + `vpmaddwd` for
    larger weights), `generic` (plain vector arithmetic, 128-bit), `neon`,
    `dotprod` (`sdot`), `i8mm` (`smmla`), or `host` for this machine's best.
    Integer weights that take at most 16 distinct values (every format below
    8 bits: uniform 4/3/2-bit, ternary, binary, PWLQ's levels) are stored as
    packed 1-, 2-, 3- or 4-bit codes into the layer's codebook and widened
    in registers: shifts and masks, then a byte table lookup of the codebook
    (`pshufb`, `tbl`; sign extension or compares and selects for `generic`)
    (docs/Kernels.md gives the layouts and the bit order).
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

def VectorizeElementwise : Pass<"qopt-vectorize-elementwise",
                                "mlir::func::FuncOp"> {
  let summary = "Vectorize elementwise linalg.generic ops on tensors";
  let description = [{
    Vectorizes every statically shaped `linalg.generic` whose loops are all
    parallel: the elementwise chains that `linalg-fuse-elementwise-ops`
    leaves after TOSA → linalg (rescales with their fixed-point
    `apply_scale` arithmetic, integer add/mul with input rescales, clamps,
    casts, `tosa.table` lookups, float quantize/dequantize) and layout
    changes: `linalg.transpose` ops are generalized and fused with their
    single-use elementwise producers and consumers first, so that e.g. the
    NCHW → NHWC transpose and the quantize at a model's input are one pass
    over the data.

    Each op is first simplified so that its loops are few and long: unit
    dimensions are dropped and every run of loops that all operands index
    contiguously is collapsed into one (a per-channel rescale keeps its
    channel loop, an op on identically shaped operands becomes one flat
    loop). The loop along which the widest operand is contiguous is made
    innermost, so that what gets transposed is the narrowest data (at a
    model's output, int8 NHWC in and f32 NCHW out, the int8 tiles are
    transposed and the arithmetic runs along pixels; at its input the int8
    result is). The innermost loop is then tiled by the largest divisor of
    its trip count up to `lanes`; when an operand is transposed against the
    others (its contiguous dimension is indexed by another loop), that loop
    is tiled likewise, every other loop by 1. The tile is vectorized with
    `linalg::vectorize`: one 1-D vector per iteration, or for a transposed
    operand a 2-D tile read (or written) along its own contiguous dimension
    and transposed in registers. Tiles of 8- and 16-bit elements are
    transposed as one `vector.shuffle` of the whole tile (a 16×16 byte tile
    becomes eight `vpermi2b` on AVX-512 VBMI); 16×16 tiles of 32-bit
    elements lower to register unpacks and lane shuffles
    (`convert-vector-to-llvm{vector-transpose-lowering=shuffle16x16}` in the
    qopt pipelines). Arithmetic on such tiles is unrolled to rows (1-D
    vectors). The same scalar operations run on vectors, so results are
    bit-identical to the scalar lowering.

    Table lookups become `vector.gather` of the table widened to i32
    (`tables=gather`), except 8-bit lookups of a 256-entry table indexed
    by `x + 128` (`tosa.table` on int8), which with `tables=vpermi2b`
    (AVX-512 VBMI: two `vpermi2b` over the table in four zmm and a select)
    or `tables=tbl` (AArch64: `tbl` and three `tbx` over the table in
    sixteen q registers) run in registers, 64 bytes per iteration.
    `tables=host` picks the best this machine has.

    Ops with reductions, dynamic shapes or bodies `linalg::vectorize`
    cannot handle are left as they are.
  }];
  let options = [
    Option<"lanes", "lanes", "int64_t", /*default=*/"16",
           "Maximum number of elements per vector">,
    Option<"tables", "tables", "std::string", /*default=*/"\"host\"",
           "8-bit table lookups: gather, vpermi2b, tbl, or host (the best "
           "this machine has)">,
  ];
  let dependentDialects = ["mlir::LLVM::LLVMDialect",
                           "mlir::scf::SCFDialect", "mlir::ub::UBDialect",
                           "mlir::tensor::TensorDialect",
                           "mlir::vector::VectorDialect"];
}

def LowerDepthwise : Pass<"qopt-lower-depthwise", "mlir::func::FuncOp"> {
  let summary = "Vectorized kernels for tosa.depthwise_conv2d";
  let description = [{
    Rewrites `tosa.depthwise_conv2d` with channel multiplier 1, no
    dilation, static shapes and constant weights and bias, on int8 (i32
    accumulator) or f32, into a loop nest on tensors: over output rows, then
    blocks of `pixels` output pixels of a row, then blocks of `lanes`
    channels. A block keeps one vector accumulator per pixel, starts from
    the bias and adds every tap of the (unrolled) kernel window: the
    channel vector of the input pixel times the channel vector of the tap's
    weights. Any stride and padding are handled; padding is materialized
    once with `tensor.pad`. Channel blocks are `lanes` wide, the channels
    left over in blocks of the largest divisor of their count up to `lanes`
    (with fewer channels than `lanes`, of the channel count); pixel blocks
    are the largest divisor of the output width up to `pixels` (divisors
    preferring powers of two; up to 1.5 × `pixels` when the taps run in
    i16, whose accumulators take half the registers).

    Integer: the input zero point is folded into the bias at compile time
    (`b − z_x·Σ (w − z_w)` per channel; padding holds `z_x`), so the inner
    loop is a widening multiply-add of raw int8 inputs and int8 weights
    (minus the weight zero point, in registers, when it is not 0). i32
    arithmetic wraps as in the reference lowering: results are bit-exact.
    When the result is read only by a `tosa.rescale` to int8 (and an
    optional `tosa.clamp`), that requantization runs on the accumulators in
    registers (as in `qopt-lower-to-kernels`) and the kernel writes int8,
    not an i32 tensor.

    Float: products are accumulated with fused multiply-adds, bias first,
    so results differ from the reference lowering by rounding only.

    Integer weights that take at most 16 values are stored as packed 1-,
    2-, 3- or 4-bit codes, one tile of a block's channels per tap
    (`[KH][KW][blocks][bytes]`, docs/Kernels.md), and decoded in registers
    at each tap: shifts and masks, then a byte table lookup chosen by `isa`
    (`pshufb` on x86 from AVX2 on, `tbl` on AArch64; sign extension or
    compares and selects for `generic`).

    Other depthwise convolutions are left to the upstream lowering.
  }];
  let options = [
    Option<"lanes", "lanes", "int64_t", /*default=*/"16",
           "Maximum number of channels per vector">,
    Option<"pixels", "pixels", "int64_t", /*default=*/"8",
           "Maximum number of output pixels per block">,
    Option<"isa", "isa", "std::string", /*default=*/"\"host\"",
           "Instruction set of the packed weights' table lookup (as "
           "qopt-lower-to-kernels' isa)">,
  ];
  let dependentDialects = ["mlir::arith::ArithDialect",
                           "mlir::LLVM::LLVMDialect",
                           "mlir::memref::MemRefDialect",
                           "mlir::scf::SCFDialect",
                           "mlir::tensor::TensorDialect",
                           "mlir::vector::VectorDialect"];
}

#endif // QOPT_CODEGEN_PASSES
