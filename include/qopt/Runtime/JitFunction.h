//===- JitFunction.h - Compile a TOSA function and call it ------*- C++ -*-===//
//
// Lowers a function (float, QDQ or integer TOSA) with
// buildLowerToLLVMPipeline, JIT-compiles it at O3 and calls it on host
// tensors. Compile once, invoke many times.
//
//===----------------------------------------------------------------------===//

#ifndef QOPT_RUNTIME_JITFUNCTION_H
#define QOPT_RUNTIME_JITFUNCTION_H

#include "qopt/Analysis/Tensor.h"
#include "qopt/Pipelines/Pipelines.h"

#include "mlir/IR/BuiltinOps.h"
#include "llvm/Support/Error.h"

#include <memory>

namespace mlir {
class ExecutionEngine;
} // namespace mlir

namespace qopt {

/// The type of one argument or result: a statically shaped tensor.
struct TensorSignature {
  DType dtype;
  std::vector<int64_t> shape;
  /// The MLIR type it came from, e.g. "tensor<1x8x8x3xf32>".
  std::string typeName;
};

class JitFunction {
public:
  /// Compiles `entry` of `module` (empty: the single public function, see
  /// lookupEntryFunction). `module` itself is left unchanged; a clone is
  /// lowered. Its context must hold the dialects of qopt::registerAllDialects
  /// and the passes of qopt::registerAllPasses must be registered. Problems
  /// (no such function, unsupported signature, failed lowering or JIT) are
  /// emitted as diagnostics on the context and give failure. `codegen`
  /// chooses kernels for this machine (default) or the reference lowering.
  static mlir::FailureOr<std::unique_ptr<JitFunction>>
  compile(mlir::ModuleOp module, llvm::StringRef entry,
          const CodegenOptions &codegen = {});

  ~JitFunction();

  llvm::StringRef name() const { return funcName; }
  llvm::ArrayRef<TensorSignature> inputs() const { return inputTypes; }
  llvm::ArrayRef<TensorSignature> outputs() const { return outputTypes; }

  /// Runs the function. Each input must match its signature exactly (dtype
  /// and shape); the error message says which one does not.
  llvm::Expected<std::vector<Tensor>> invoke(llvm::ArrayRef<Tensor> inputs);

private:
  JitFunction() = default;

  std::string funcName;
  std::vector<TensorSignature> inputTypes, outputTypes;
  std::unique_ptr<mlir::ExecutionEngine> engine;
  void (*packed)(void **) = nullptr;
};

} // namespace qopt

#endif // QOPT_RUNTIME_JITFUNCTION_H
