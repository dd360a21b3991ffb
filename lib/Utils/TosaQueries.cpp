//===- TosaQueries.cpp - Questions passes ask about TOSA ops --------------===//

#include "qopt/Utils/TosaQueries.h"

using namespace mlir;

namespace qopt {

bool isGlobalPool(tosa::AvgPool2dOp pool) {
  auto shape = pool.getInput().getType().getShape();
  ArrayRef<int64_t> kernel = pool.getKernel();
  return kernel[0] == shape[1] && kernel[1] == shape[2] &&
         llvm::all_of(pool.getPad(), [](int64_t p) { return p == 0; });
}

} // namespace qopt
