//===- qopt-calibrate.cpp - Activation statistics of a float model --------===//
//
// Runs the prepare pipeline (as the quantizer does, so that tensor ids
// match), returns every activation from the entry function, JIT-compiles it
// and records min/max and a histogram per activation over the samples:
//
//   qopt-calibrate model.mlir --inputs calib.npy|calib_dir/ [--inputs ...]
//                  [--entry NAME] [--bins 2048] -o model.stats
//
//===----------------------------------------------------------------------===//

#include "qopt/Analysis/ActivationTensors.h"
#include "qopt/Calibration/Collector.h"
#include "qopt/Calibration/Statistics.h"
#include "qopt/InitAll.h"
#include "qopt/Pipelines/Pipelines.h"
#include "qopt/Runtime/JitFunction.h"
#include "qopt/Runtime/Npy.h"
#include "qopt/Runtime/Samples.h"
#include "qopt/Support/ModelFile.h"
#include "qopt/Transforms/Passes.h"

#include "mlir/Pass/PassManager.h"
#include "llvm/ADT/STLExtras.h"
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
         << std::string(width - filled, ' ') << "] pass " << pass << "/2, "
         << done << "/" << total;
  if (pass == 2 && done == total)
    errs() << "\n";
}

template <typename T>
static void observe(qopt::HistogramCollector &collector, unsigned pass,
                    ArrayRef<T> values) {
  if (pass == 1)
    collector.observeRange(values);
  else
    collector.observeHistogram(values);
}

static int fail(const Twine &message) {
  WithColor::error(errs(), "qopt-calibrate") << message << "\n";
  return 1;
}

int main(int argc, char **argv) {
  InitLLVM initLLVM(argc, argv);
  qopt::registerAllPasses();
  registerPassManagerCLOptions();
  cl::ParseCommandLineOptions(
      argc, argv,
      "qopt-calibrate: activation statistics of a float TOSA model\n");
  if (numBins == 0)
    return fail("--bins must be positive");
  // Fail before the long run, not after it.
  StringRef outputDir = sys::path::parent_path(outputFile);
  if (!outputDir.empty() && !sys::fs::is_directory(outputDir))
    return fail("cannot write '" + outputFile + "': directory '" + outputDir +
                "' does not exist");

  std::unique_ptr<qopt::ModelFile> model =
      qopt::ModelFile::load(modelFile, "qopt-calibrate");
  if (!model)
    return 1;
  ModuleOp module = *model->module;

  PassManager prepare = PassManager::on<ModuleOp>(&model->context);
  if (failed(applyPassManagerCLOptions(prepare)))
    return 1;
  qopt::buildPreparePipeline(prepare);
  if (failed(prepare.run(module)))
    return 1;
  func::FuncOp func = qopt::lookupEntryFunction(module, entry);
  if (!func)
    return 1;
  qopt::CalibrationStatistics stats;
  stats.function = func.getName().str();
  SmallVector<Value> activations = qopt::getActivationTensors(func);
  for (auto [i, v] : enumerate(activations)) {
    qopt::TensorStatistics &t = stats.tensors.emplace_back();
    t.id = i;
    t.source = qopt::describeActivation(v);
    t.shape = cast<RankedTensorType>(v.getType()).getShape().vec();
  }

  OwningOpRef<ModuleOp> exposed = module.clone();
  PassManager expose = PassManager::on<ModuleOp>(&model->context);
  expose.addPass(qopt::createExposeActivations({stats.function}));
  if (failed(expose.run(*exposed)))
    return 1;
  FailureOr<std::unique_ptr<qopt::JitFunction>> fn =
      qopt::JitFunction::compile(*exposed, stats.function);
  if (failed(fn))
    return 1;
  size_t firstActivation = (*fn)->outputs().size() - activations.size();

  ArrayRef<qopt::TensorSignature> args = (*fn)->inputs();
  if (inputPaths.size() != args.size())
    return fail("'" + stats.function + "' takes " + Twine(args.size()) +
                " argument(s): give --inputs once per argument (got " +
                Twine(inputPaths.size()) + ")");
  std::vector<qopt::SampleSource> sources;
  for (auto [i, path] : enumerate(inputPaths)) {
    Expected<qopt::SampleSource> source =
        qopt::SampleSource::open(path, args[i], i);
    if (!source)
      return fail(toString(source.takeError()));
    if (!sources.empty() && source->size() != sources[0].size())
      return fail("'" + sources[0].path() + "' has " +
                  Twine(sources[0].size()) + " sample(s) but '" + path +
                  "' has " + Twine(source->size()));
    sources.push_back(std::move(*source));
  }
  stats.samples = sources[0].size();

  // Pass 1 finds each tensor's range, pass 2 fills histograms over it.
  std::vector<qopt::HistogramCollector> collectors(activations.size());
  for (unsigned pass = 1; pass <= 2; ++pass) {
    for (size_t sample = 0; sample < size_t(stats.samples); ++sample) {
      std::vector<qopt::Tensor> inputs;
      for (const qopt::SampleSource &source : sources) {
        Expected<qopt::Tensor> tensor = source.get(sample);
        if (!tensor)
          return fail(toString(tensor.takeError()));
        inputs.push_back(std::move(*tensor));
      }
      Expected<std::vector<qopt::Tensor>> results = (*fn)->invoke(inputs);
      if (!results)
        return fail(toString(results.takeError()));
      for (auto [i, collector] : enumerate(collectors)) {
        const qopt::Tensor &result = (*results)[firstActivation + i];
        if (result.dtype == qopt::DType::F64)
          observe(collector, pass, result.values<double>());
        else
          observe(collector, pass, result.values<float>());
      }
      showProgress(pass, sample + 1, stats.samples);
    }
    if (pass == 1)
      for (qopt::HistogramCollector &collector : collectors)
        collector.beginHistogram(numBins);
  }

  for (auto [t, collector] : zip_equal(stats.tensors, collectors)) {
    t.histogram = collector.histogram();
    if (int64_t n = collector.nonFiniteCount())
      WithColor::warning(errs(), "qopt-calibrate")
          << "tensor #" << t.id << " (" << t.source << ") had " << n
          << " NaN or infinite value(s); they are left out of its statistics\n";
  }
  if (Error err = qopt::writeStatistics(stats, outputFile))
    return fail(toString(std::move(err)));
  return 0;
}
