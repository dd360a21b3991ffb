//===- ModelFile.cpp - Loading an .mlir model in a tool -------------------===//

#include "qopt/Support/ModelFile.h"

#include "qopt/InitAll.h"

#include "mlir/Parser/Parser.h"
#include "mlir/Support/FileUtilities.h"
#include "llvm/Support/WithColor.h"

using namespace mlir;

namespace qopt {

static DialectRegistry allDialects() {
  DialectRegistry registry;
  registerAllDialects(registry);
  return registry;
}

ModelFile::ModelFile() : context(allDialects()) {
  context.printOpOnDiagnostic(false);
}

std::unique_ptr<ModelFile> ModelFile::load(StringRef path, StringRef tool) {
  auto model = std::make_unique<ModelFile>();
  std::string error;
  std::unique_ptr<llvm::MemoryBuffer> file = openInputFile(path, &error);
  if (!file) {
    llvm::WithColor::error(llvm::errs(), tool) << error << "\n";
    return nullptr;
  }
  model->sourceMgr.AddNewSourceBuffer(std::move(file), llvm::SMLoc());
  model->module = parseSourceFile<ModuleOp>(model->sourceMgr,
                                            ParserConfig(&model->context));
  if (!model->module)
    return nullptr;
  return model;
}

} // namespace qopt
