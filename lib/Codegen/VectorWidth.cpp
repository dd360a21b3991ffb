//===- VectorWidth.cpp - Block sizes of generated loops -------------------===//

#include "qopt/Codegen/VectorWidth.h"

#include "llvm/ADT/bit.h"

#include <algorithm>

namespace qopt {

int64_t vectorWidth(int64_t n, int64_t limit) {
  for (int64_t d = llvm::bit_floor(uint64_t(std::min(n, limit))); d >= 4;
       d /= 2)
    if (n % d == 0)
      return d;
  for (int64_t d = std::min(n, limit); d > 1; --d)
    if (n % d == 0)
      return d;
  return 1;
}

} // namespace qopt
