//===- ModelFile.h - Loading an .mlir model in a tool -----------*- C++ -*-===//

#ifndef QOPT_SUPPORT_MODELFILE_H
#define QOPT_SUPPORT_MODELFILE_H

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/IR/OwningOpRef.h"
#include "llvm/Support/SourceMgr.h"

#include <memory>

namespace qopt {

/// An .mlir model parsed in a context holding every qopt dialect. Parse
/// errors, and any diagnostic emitted later on the context, print with their
/// source location (without a dump of the op).
struct ModelFile {
  mlir::MLIRContext context;
  llvm::SourceMgr sourceMgr;
  mlir::SourceMgrDiagnosticHandler diagnostics{sourceMgr, &context};
  /// A handler for models read from another format (ONNX node names),
  /// tried before `diagnostics` and gone before the context.
  std::unique_ptr<mlir::ScopedDiagnosticHandler> formatDiagnostics;
  mlir::OwningOpRef<mlir::ModuleOp> module;

  ModelFile();

  /// The model in `path`, or null after printing why it could not be read
  /// (`tool: error: ...`) or parsed (a located diagnostic).
  static std::unique_ptr<ModelFile> load(llvm::StringRef path,
                                         llvm::StringRef tool);
};

} // namespace qopt

#endif // QOPT_SUPPORT_MODELFILE_H
