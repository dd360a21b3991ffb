//===- qopt-calibrate.cpp - Activation statistics of a float model --------===//
//
// Records min/max, a histogram and per-channel means of every activation of
// a float model over samples (see qopt/Runtime/Calibrate.h):
//
//   qopt-calibrate model.mlir --inputs calib.npy|calib_dir/ [--inputs ...]
//                  [--pipeline quantize|ptq] [--equalize[=false]]
//                  [--relu6 skip|approximate] [--absorb-high-bias[=false]]
//                  [--entry NAME] [--bins 2048] -o model.stats
//
// The prepare options default to those of the quantize pipeline named by
// --pipeline; the file records them and a fingerprint of the prepared graph.
//
//===----------------------------------------------------------------------===//

#include "qopt/Driver/Driver.h"
#include "qopt/InitAll.h"
#include "qopt/Runtime/Calibrate.h"
#include "qopt/Support/ModelFile.h"

#include "mlir/Pass/PassManager.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/Process.h"
#include "llvm/Support/WithColor.h"

using namespace llvm;
using namespace mlir;

static cl::opt<std::string> modelFile(cl::Positional, cl::Required,
                                      cl::desc("<model.mlir>"));
static cl::list<std::string> inputPaths(
    "inputs", cl::OneOrMore, cl::value_desc("file.npy|dir"),
    cl::desc("Samples of one function argument: an .npy whose leading "
             "dimension enumerates them, or a directory of .npy files (one "
             "sample each, in name order). Once per argument, in order"));
static cl::opt<std::string>
    entry("entry", cl::value_desc("name"),
          cl::desc("Function to calibrate (default: the only public one)"));
static cl::opt<unsigned> numBins("bins", cl::init(2048),
                                 cl::desc("Histogram bins per tensor"));
static cl::opt<std::string> outputFile("o", cl::Required,
                                       cl::value_desc("file.stats"),
                                       cl::desc("Statistics file to write"));

/// "[=====     ] pass 1/2, 37/64" redrawn in place, only on a terminal.
static void showProgress(unsigned pass, size_t done, size_t total) {
  // At most ~100 redraws per pass: fast models run thousands of samples.
  if (!sys::Process::StandardErrIsDisplayed() ||
      (done % std::max<size_t>(total / 100, 1) != 0 && done != total))
    return;
  constexpr size_t width = 30;
  size_t filled = done * width / total;
  errs() << "\r[" << std::string(filled, '=')
         << std::string(width - filled, ' ') << "] ";
  if (pass == 0)
    errs() << "pre-activations for high-bias absorption, ";
  else
    errs() << "pass " << pass << "/2, ";
  errs() << done << "/" << total;
  if ((pass == 0 || pass == 2) && done == total)
    errs() << "\n";
}

static int fail(const Twine &message) {
  WithColor::error(errs(), "qopt-calibrate") << message << "\n";
  return 1;
}

int main(int argc, char **argv) {
  InitLLVM initLLVM(argc, argv);
  qopt::registerAllPasses();
  registerPassManagerCLOptions();
  qopt::registerPrepareCLOptions();
  cl::ParseCommandLineOptions(
      argc, argv,
      "qopt-calibrate: activation statistics of a float TOSA model\n");
  if (numBins == 0)
    return fail("--bins must be positive");
  FailureOr<qopt::PrepareConfig> prepare =
      qopt::getPrepareConfigFromCL("qopt-calibrate");
  if (failed(prepare))
    return 1;
  // Fail before the long run, not after it.
  StringRef outputDir = sys::path::parent_path(outputFile);
  if (!outputDir.empty() && !sys::fs::is_directory(outputDir))
    return fail("cannot write '" + outputFile + "': directory '" + outputDir +
                "' does not exist");

  std::unique_ptr<qopt::ModelFile> model =
      qopt::ModelFile::load(modelFile, "qopt-calibrate");
  if (!model)
    return 1;
  qopt::CalibrateOptions options;
  options.entry = entry;
  options.inputs.assign(inputPaths.begin(), inputPaths.end());
  options.bins = numBins;
  options.prepare = *prepare;
  options.progress = showProgress;
  Expected<qopt::CalibrationStatistics> stats =
      qopt::calibrateModel(*model->module, options);
  if (!stats) {
    // An empty message: the diagnostic is already printed.
    std::string message = toString(stats.takeError());
    return message.empty() ? 1 : fail(message);
  }
  for (const std::string &warning : qopt::calibrationWarnings(*stats))
    WithColor::warning(errs(), "qopt-calibrate") << warning << "\n";
  if (Error err = qopt::writeStatistics(*stats, outputFile))
    return fail(toString(std::move(err)));
  return 0;
}
