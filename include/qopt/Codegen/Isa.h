//===- Isa.h - Instruction sets of the generated kernels --------*- C++ -*-===//
//
// The inner step a kernel is generated for, chosen from a target's features:
// qoptc asks its TargetMachine, the JIT asks the host.
//
//===----------------------------------------------------------------------===//

#ifndef QOPT_CODEGEN_ISA_H
#define QOPT_CODEGEN_ISA_H

#include "llvm/ADT/STLFunctionalExtras.h"
#include "llvm/ADT/StringRef.h"

#include <optional>

namespace llvm {
class TargetMachine;
} // namespace llvm

namespace qopt {

enum class KernelIsa {
  Generic,    ///< 128-bit vectors, plain arithmetic (SSE4.2, any target)
  Avx2,       ///< ymm; vpmaddubsw/vpmaddwd
  Avx512,     ///< zmm; vpmaddubsw/vpmaddwd (AVX-512 BW)
  AvxVnni,    ///< ymm; vpdpbusd (AVX-VNNI)
  Avx512Vnni, ///< zmm; vpdpbusd
  Neon,       ///< AArch64 NEON, plain arithmetic
  Dotprod,    ///< AArch64 sdot
  I8mm,       ///< AArch64 smmla
};

/// `isa` option spellings: "generic", "avx2", "avx512", "avx-vnni",
/// "avx512-vnni", "neon", "dotprod", "i8mm".
std::optional<KernelIsa> parseKernelIsa(llvm::StringRef name);
llvm::StringRef stringifyKernelIsa(KernelIsa isa);

/// The best ISA of a target of architecture `arch` ("x86_64", "aarch64", ...)
/// whose features `has("avx2")`, `has("dotprod")`, ... tells.
KernelIsa
selectKernelIsa(llvm::StringRef arch,
                llvm::function_ref<bool(llvm::StringRef feature)> has);
/// The same for a target machine (its CPU's and its explicit features).
KernelIsa selectKernelIsa(const llvm::TargetMachine &machine);
/// The same for the machine this runs on.
KernelIsa hostKernelIsa();
/// An `isa` pass option: "host" (hostKernelIsa) or a parseKernelIsa name.
std::optional<KernelIsa> resolveKernelIsa(llvm::StringRef option);
/// The spellings resolveKernelIsa accepts, for diagnostics.
constexpr llvm::StringLiteral kKernelIsaSpellings =
    "host, generic, avx2, avx512, avx-vnni, avx512-vnni, neon, dotprod or "
    "i8mm";

/// How 8-bit table lookups (`tosa.table` on int8) are vectorized.
enum class TableIsa {
  Gather,   ///< vector.gather of the table widened to i32 (any target)
  Vpermi2b, ///< two vpermi2b over the table in four zmm (AVX-512 VBMI)
  Tbl,      ///< tbl/tbx over the table in sixteen q registers (AArch64)
};

/// `tables` option spellings: "gather", "vpermi2b", "tbl".
std::optional<TableIsa> parseTableIsa(llvm::StringRef name);
llvm::StringRef stringifyTableIsa(TableIsa isa);
TableIsa selectTableIsa(llvm::StringRef arch,
                        llvm::function_ref<bool(llvm::StringRef feature)> has);
TableIsa selectTableIsa(const llvm::TargetMachine &machine);
TableIsa hostTableIsa();

} // namespace qopt

#endif // QOPT_CODEGEN_ISA_H
