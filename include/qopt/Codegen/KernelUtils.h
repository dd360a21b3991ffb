//===- KernelUtils.h - Shared pieces of the generated kernels ---*- C++ -*-===//
//
// What every kernel generated on buffers inside a tensor function needs:
// taking buffers of tensors and giving the result back as a tensor
// (KernelBuffers), compile-time constants in read-only globals
// (ChannelConstant, createConstantGlobal), and the requantization epilogue
// of an integer op (Requant) on i32 accumulator vectors.
//
//===----------------------------------------------------------------------===//

#ifndef QOPT_CODEGEN_KERNELUTILS_H
#define QOPT_CODEGEN_KERNELUTILS_H

#include "qopt/Codegen/Isa.h"
#include "qopt/Codegen/WeightPacking.h"

#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/Tosa/IR/TosaOps.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/DialectRegistry.h"

namespace qopt {

/// Declares the side effects of `llvm.call_intrinsic`, which has no memory
/// effect interface (so buffer deallocation rejects it): none for the
/// arithmetic intrinsics the kernels call, unknown reads and writes for
/// any other.
void registerKernelInterfaces(mlir::DialectRegistry &registry);

/// The values of an integer constant (a `tosa.const` or any constant-like
/// op), sign-extended; none when `value` is not one.
std::optional<llvm::SmallVector<int64_t>> intConstantValues(mlir::Value value);

/// Whether `name` is an LLVM intrinsic the kernels call (pure arithmetic).
bool isKernelIntrinsic(llvm::StringRef name);

/// Buffers of a kernel emitted inline in a function on tensors. Operands are
/// read through `bufferization.to_buffer ... read_only`; outputs and scratch
/// are `memref.alloc`s placed at the top level of the function (where
/// qopt-plan-arena places them in the arena); the result is
/// `bufferization.to_tensor ... restrict writable` of an output buffer.
/// One-shot bufferization then uses these buffers as they are.
struct KernelBuffers {
  /// A read-only buffer of `tensor`: strided, unit innermost stride.
  static mlir::Value read(mlir::OpBuilder &b, mlir::Location loc,
                          mlir::Value tensor);
  /// A new buffer of `type` (static shape, identity layout).
  static mlir::Value alloc(mlir::OpBuilder &b, mlir::Location loc,
                           mlir::MemRefType type);
  /// The tensor of a buffer that the kernel has finished writing.
  static mlir::Value result(mlir::OpBuilder &b, mlir::Location loc,
                            mlir::Value buffer);
};

/// `v` (a vector of n ≤ size elements) extended to `size` elements with
/// zeros.
mlir::Value widenWithZeros(mlir::OpBuilder &b, mlir::Location loc,
                           mlir::Value v, int64_t size);

/// The first `count` weights of a tile packed by packTile with `book`'s
/// codes, from `bytes` (vector<packedTileBytes(count) x i8>), decoded in
/// registers into vector<count x i8>: the fields of every byte taken apart
/// by one variable shift per vector and a mask, then a byte table lookup of
/// the codebook, `pshufb` on x86 (AVX2 and up) and `tbl` on AArch64; the
/// generic ISA sign-extends two's complement codes and compares and selects
/// others. 1-bit codes (and the high bit of 3-bit ones) select by their
/// sign after a left shift.
mlir::Value decodeWeights(mlir::OpBuilder &b, mlir::Location loc, KernelIsa isa,
                          const Codebook &book, mlir::Value bytes,
                          int64_t count);

/// The `count` weights of a tile packed by packFieldTile with `book`'s
/// codes of at most 8 bits, from `bytes` (vector<packedFieldBytes(count)
/// x i8>), decoded into vector<count x i16>: one byte shuffle puts the
/// 16-bit word holding each field in its lane, a left shift by a constant
/// per lane moves the field to the top bits, and an arithmetic right
/// shift sign-extends it (two's complement codes); other codebooks shift
/// logically and look the codes up.
mlir::Value decodeFieldWeights16(mlir::OpBuilder &b, mlir::Location loc,
                                 KernelIsa isa, const Codebook &book,
                                 mlir::Value bytes, int64_t count);

/// A `memref.global private constant` holding `value` (aligned to 64
/// bytes), named after `prefix`, made unique in `module`.
mlir::memref::GlobalOp createConstantGlobal(mlir::ModuleOp module,
                                            llvm::StringRef prefix,
                                            mlir::DenseElementsAttr value);

/// A per-output-channel constant read `lanes` channels at a time: a splat
/// vector when every channel has the same value, else a global table of
/// one value per channel (a last partial block of channels is read by a
/// narrower load).
class ChannelConstant {
public:
  ChannelConstant() = default;
  /// `values` has one entry per channel, or one for all; `type` is the
  /// scalar type (an integer type for the first form, f32 for the second).
  /// The global's `get_global` is created with `entry`, a builder at the
  /// start of the function.
  ChannelConstant(mlir::OpBuilder &entry, llvm::StringRef name,
                  mlir::IntegerType type, llvm::ArrayRef<int64_t> values,
                  int64_t channels, int64_t lanes);
  ChannelConstant(mlir::OpBuilder &entry, llvm::StringRef name,
                  llvm::ArrayRef<float> values, int64_t channels,
                  int64_t lanes);
  /// The `lanes` values from channel `channel` on, of which the first
  /// `valid` exist (zeros after them).
  mlir::Value load(mlir::OpBuilder &b, mlir::Location loc, mlir::Value channel,
                   int64_t valid) const;
  bool isSplat() const { return !table; }

private:
  void init(mlir::OpBuilder &entry, llvm::StringRef name,
            mlir::DenseElementsAttr table, bool splat);

  mlir::Value table;
  mlir::TypedAttr splat;
  int64_t lanes = 0;
};

/// The integer epilogue of a conv/matmul: TOSA `rescale` of i32 accumulators
/// to i8 (`apply_scale_32` with its rounding mode, the output zero point,
/// saturation) and the clamp of an optional following `tosa.clamp`.
struct Requant {
  /// One entry per channel, or one for all.
  llvm::SmallVector<int64_t> multiplier, shift;
  int64_t inputZp = 0, outputZp = 0;
  int64_t min = -128, max = 127;
  bool doubleRound = false;

  /// The rescale's parameters when it is i32 → i8 with constant operands,
  /// scale32 and SINGLE_ROUND or DOUBLE_ROUND; `clamp` (may be null) reads
  /// its result.
  static std::optional<Requant> match(mlir::tosa::RescaleOp rescale,
                                      mlir::tosa::ClampOp clamp);
};

/// Requant's parameters as vectors of `lanes` channels, for the epilogue.
class RequantEpilogue {
public:
  RequantEpilogue(mlir::OpBuilder &entry, const Requant &requant,
                  int64_t channels, int64_t lanes);
  /// `acc` (vector<lanes x i32>, channels from `channel` on, the first
  /// `valid` of them real) → i8 vector.
  mlir::Value apply(mlir::OpBuilder &b, mlir::Location loc, mlir::Value acc,
                    mlir::Value channel, int64_t valid) const;

private:
  ChannelConstant multiplier, shift;
  int64_t outputZp, min, max;
  bool doubleRound;
  int64_t lanes;
};

} // namespace qopt

#endif // QOPT_CODEGEN_KERNELUTILS_H
