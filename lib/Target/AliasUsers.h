//===- AliasUsers.h - Users of a buffer and of its aliases ------*- C++ -*-===//

#ifndef QOPT_LIB_TARGET_ALIASUSERS_H
#define QOPT_LIB_TARGET_ALIASUSERS_H

#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/Operation.h"
#include "llvm/ADT/DenseSet.h"

namespace qopt {

/// Calls `fn` on every user of `buffer` and of every memref derived from it
/// by an operation using it (views, casts and anything else that may
/// return an alias).
inline void forEachAliasUser(mlir::Value buffer,
                             llvm::function_ref<void(mlir::Operation *)> fn) {
  llvm::SmallVector<mlir::Value> worklist{buffer};
  llvm::DenseSet<mlir::Value> seen;
  while (!worklist.empty()) {
    mlir::Value value = worklist.pop_back_val();
    if (!seen.insert(value).second)
      continue;
    for (mlir::Operation *user : value.getUsers()) {
      fn(user);
      for (mlir::Value result : user->getResults())
        if (mlir::isa<mlir::BaseMemRefType>(result.getType()))
          worklist.push_back(result);
    }
  }
}

} // namespace qopt

#endif // QOPT_LIB_TARGET_ALIASUSERS_H
