//===- Passes.h - qopt ahead-of-time code generation ------------*- C++ -*-===//

#ifndef QOPT_TARGET_PASSES_H
#define QOPT_TARGET_PASSES_H

#include "qopt/Dialect/QoptDialect.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/Pass/Pass.h"

namespace qopt {

#define GEN_PASS_DECL
#include "qopt/Target/Passes.h.inc"

#define GEN_PASS_REGISTRATION
#include "qopt/Target/Passes.h.inc"

} // namespace qopt

#endif // QOPT_TARGET_PASSES_H
