//===- qopt-run.cpp - Run a function of an .mlir file on .npy inputs ------===//
//
// JIT-compiles one function (float, QDQ or integer TOSA) and writes its
// results as .npy files:
//
//   qopt-run model.mlir [--entry NAME] --input a.npy [--input b.npy ...]
//            (--output r0.npy [--output r1.npy ...] | --output-dir DIR)
//
//===----------------------------------------------------------------------===//

#include "qopt/InitAll.h"
#include "qopt/Runtime/JitFunction.h"
#include "qopt/Runtime/Npy.h"

#include "mlir/IR/MLIRContext.h"
#include "mlir/Parser/Parser.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Support/FileUtilities.h"
#include "llvm/ADT/SmallString.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/SourceMgr.h"
#include "llvm/Support/WithColor.h"

using namespace llvm;
using namespace mlir;

static cl::opt<std::string> modelFile(cl::Positional, cl::Required,
                                      cl::desc("<model.mlir>"));
static cl::opt<std::string>
    entry("entry", cl::value_desc("name"),
          cl::desc("Function to run (default: the only public function)"));
static cl::list<std::string>
    inputFiles("input", cl::value_desc("file.npy"),
               cl::desc("One .npy per function argument, in order"));
static cl::list<std::string>
    outputFiles("output", cl::value_desc("file.npy"),
                cl::desc("One .npy per function result, in order"));
static cl::opt<std::string>
    outputDir("output-dir", cl::value_desc("dir"),
              cl::desc("Write result i to <dir>/result<i>.npy instead"));

static int fail(const Twine &message) {
  WithColor::error(errs(), "qopt-run") << message << "\n";
  return 1;
}

int main(int argc, char **argv) {
  InitLLVM initLLVM(argc, argv);
  qopt::registerAllPasses();
  registerPassManagerCLOptions();
  cl::ParseCommandLineOptions(
      argc, argv,
      "qopt-run: runs a function of an .mlir file on .npy inputs\n");
  if (!outputDir.empty() && !outputFiles.empty())
    return fail("give either --output files or --output-dir, not both");

  DialectRegistry registry;
  qopt::registerAllDialects(registry);
  MLIRContext context(registry);
  // Diagnostics point at source locations; a dump of the op adds nothing.
  context.printOpOnDiagnostic(false);
  SourceMgr sourceMgr;
  SourceMgrDiagnosticHandler diagnostics(sourceMgr, &context);
  std::string error;
  std::unique_ptr<MemoryBuffer> file = openInputFile(modelFile, &error);
  if (!file)
    return fail(error);
  sourceMgr.AddNewSourceBuffer(std::move(file), SMLoc());
  OwningOpRef<ModuleOp> module =
      parseSourceFile<ModuleOp>(sourceMgr, ParserConfig(&context));
  if (!module)
    return 1;

  std::vector<qopt::Tensor> inputs;
  for (const std::string &path : inputFiles) {
    Expected<qopt::Tensor> tensor = qopt::readNpy(path);
    if (!tensor)
      return fail(toString(tensor.takeError()));
    inputs.push_back(std::move(*tensor));
  }

  FailureOr<std::unique_ptr<qopt::JitFunction>> fn =
      qopt::JitFunction::compile(*module, entry);
  if (failed(fn))
    return 1;
  size_t numResults = (*fn)->outputs().size();
  std::vector<std::string> outputs(outputFiles.begin(), outputFiles.end());
  if (!outputDir.empty()) {
    for (size_t i = 0; i < numResults; ++i) {
      SmallString<128> path(outputDir);
      sys::path::append(path, "result" + Twine(i) + ".npy");
      outputs.push_back(path.str().str());
    }
  } else if (outputs.size() != numResults) {
    return fail("'" + (*fn)->name() + "' has " + Twine(numResults) +
                " result(s) but " + Twine(outputs.size()) +
                " --output file(s) were given");
  }

  Expected<std::vector<qopt::Tensor>> results = (*fn)->invoke(inputs);
  if (!results)
    return fail(toString(results.takeError()));
  if (Error err = qopt::writeNpyFiles(*results, outputs))
    return fail(toString(std::move(err)));
  return 0;
}
