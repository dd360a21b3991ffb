//===- Passes.h - qopt code generation for CPU kernels ----------*- C++ -*-===//

#ifndef QOPT_CODEGEN_PASSES_H
#define QOPT_CODEGEN_PASSES_H

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Bufferization/IR/Bufferization.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/UB/IR/UBOps.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/Pass/Pass.h"

namespace qopt {

#define GEN_PASS_DECL
#include "qopt/Codegen/Passes.h.inc"

#define GEN_PASS_REGISTRATION
#include "qopt/Codegen/Passes.h.inc"

} // namespace qopt

#endif // QOPT_CODEGEN_PASSES_H
