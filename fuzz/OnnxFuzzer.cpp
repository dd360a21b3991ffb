//===- OnnxFuzzer.cpp - libFuzzer target of the ONNX importer -------------===//
//
// Every byte string given to the importer (as qopt-import-onnx gives it a
// file) is either a verified float TOSA module or an error diagnostic: no
// crash, no hang, no undefined behaviour, no unbounded allocation.
//
//===----------------------------------------------------------------------===//

#include "qopt/Import/OnnxImporter.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Tosa/IR/TosaOps.h"
#include "mlir/IR/Diagnostics.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/raw_ostream.h"

#include <cstddef>
#include <cstdint>
#include <string>
#include <unistd.h>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  // The importer reads a file; one per process, rewritten each time.
  static const std::string path =
      "/tmp/qopt-fuzz-onnx-" + std::to_string(getpid()) + ".onnx";
  {
    std::error_code ec;
    llvm::raw_fd_ostream os(path, ec);
    if (ec)
      __builtin_trap();
    os.write(reinterpret_cast<const char *>(data), size);
  }
  mlir::MLIRContext context(mlir::MLIRContext::Threading::DISABLED);
  context.loadDialect<mlir::func::FuncDialect, mlir::tosa::TosaDialect>();
  mlir::ScopedDiagnosticHandler quiet(&context, [](mlir::Diagnostic &) {
    return mlir::success();
  });
  (void)qopt::importOnnxModel(context, path, {});
  return 0;
}
