//===- VectorWidth.h - Block sizes of generated loops -----------*- C++ -*-===//

#ifndef QOPT_CODEGEN_VECTORWIDTH_H
#define QOPT_CODEGEN_VECTORWIDTH_H

#include <cstdint>

namespace qopt {

/// The block size for a loop of `n` iterations blocked by at most `limit`:
/// the largest power of two (at least 4: whole registers) up to `limit`
/// dividing `n`, else the largest divisor of `n` up to `limit`. Blocks
/// always divide the loop, so generated code needs no remainder loop.
int64_t vectorWidth(int64_t n, int64_t limit);

} // namespace qopt

#endif // QOPT_CODEGEN_VECTORWIDTH_H
