//===- qopt-import-onnx.cpp - ONNX model to float TOSA --------------------===//
//
// Imports an ONNX model as one func.func @main of float TOSA with static
// shapes (see qopt/Import/OnnxImporter.h), printed with locations so that
// later diagnostics name the ONNX node.
//
//   qopt-import-onnx model.onnx -o model.mlir
//                    [--input-shape name=1,3,48,192 ...] [--nhwc-io]
//
// The output file is written only when the whole model imported: to a
// temporary file renamed over it at the end.
//
//===----------------------------------------------------------------------===//

#include "qopt/Import/OnnxImporter.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Tosa/IR/TosaOps.h"
#include "mlir/IR/OperationSupport.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/WithColor.h"
#include "llvm/Support/raw_ostream.h"

using namespace llvm;
using namespace mlir;

static cl::opt<std::string> inputFile(cl::Positional, cl::desc("<model.onnx>"));
static cl::opt<bool> listOps("list-ops", cl::init(false),
                             cl::desc("Print the supported ONNX operators"));
static cl::opt<std::string>
    outputFile("o", cl::value_desc("file.mlir"), cl::init("-"),
               cl::desc("Output file (default: stdout)"));
static cl::list<std::string> inputShapes(
    "input-shape", cl::value_desc("name=d0,d1,..."),
    cl::desc("Static shape of a graph input (required for inputs with "
             "dynamic dimensions; repeat per input)"));
static cl::opt<bool> nhwcIO(
    "nhwc-io", cl::init(false),
    cl::desc("Rank-4 arguments and results in NHWC instead of the model's "
             "NCHW (no boundary transposes)"));

static int fail(const Twine &message) {
  WithColor::error(errs(), "qopt-import-onnx") << message << "\n";
  return 1;
}

int main(int argc, char **argv) {
  InitLLVM initLLVM(argc, argv);
  cl::ParseCommandLineOptions(argc, argv,
                              "qopt-import-onnx: ONNX model to float TOSA\n");

  if (listOps) {
    for (const std::string &op : qopt::onnxSupportedOps())
      outs() << op << "\n";
    return 0;
  }
  if (inputFile.empty())
    return fail("no input file (see --help)");

  qopt::OnnxImportOptions options;
  options.nhwcIO = nhwcIO;
  for (StringRef spec : inputShapes)
    if (!qopt::parseInputShape(spec, options))
      return fail("--input-shape '" + spec +
                  "': expected name=d0,d1,... with positive dimensions");

  MLIRContext context;
  context.loadDialect<func::FuncDialect, tosa::TosaDialect>();
  context.printOpOnDiagnostic(false);
  qopt::OnnxDiagnosticHandler handler(context, "qopt-import-onnx", inputFile);

  OwningOpRef<ModuleOp> module =
      qopt::importOnnxModel(context, inputFile, options);
  if (!module)
    return 1;

  OpPrintingFlags flags;
  flags.enableDebugInfo(/*enable=*/true, /*prettyForm=*/false);
  if (outputFile == "-") {
    module->print(outs(), flags);
    return 0;
  }
  Expected<sys::fs::TempFile> temp =
      sys::fs::TempFile::create(outputFile + "-%%%%%%.tmp");
  if (!temp)
    return fail("cannot create a temporary file beside '" + outputFile +
                "': " + toString(temp.takeError()));
  {
    raw_fd_ostream os(temp->FD, /*shouldClose=*/false);
    module->print(os, flags);
    os.flush();
    if (os.has_error()) {
      std::string why = os.error().message();
      os.clear_error();
      consumeError(temp->discard());
      return fail("cannot write '" + outputFile + "': " + why);
    }
  }
  if (Error err = temp->keep(outputFile))
    return fail("cannot write '" + outputFile +
                "': " + toString(std::move(err)));
  return 0;
}
