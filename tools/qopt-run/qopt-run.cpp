//===- qopt-run.cpp - Run a function of an .mlir file on .npy inputs ------===//
//
// JIT-compiles one function (float, QDQ or integer TOSA) and writes its
// results as .npy files. An input may also hold many samples (a leading
// batch dimension, or a directory of .npy files, as for qopt-calibrate): the
// function then runs once per sample and each result is stacked likewise.
//
//   qopt-run model.mlir [--entry NAME] --input a.npy [--input b.npy ...]
//            (--output r0.npy [--output r1.npy ...] | --output-dir DIR)
//            [--benchmark N] [--reference] [--isa NAME]
//   qopt-run model.mlir [--entry NAME] --signature
//
//===----------------------------------------------------------------------===//

#include "qopt/Analysis/ActivationTensors.h"
#include "qopt/InitAll.h"
#include "qopt/Runtime/JitFunction.h"
#include "qopt/Runtime/Npy.h"
#include "qopt/Runtime/Samples.h"
#include "qopt/Support/ModelFile.h"
#include "qopt/Target/Compile.h"

#include "mlir/Pass/PassManager.h"
#include "llvm/ADT/SmallString.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/WithColor.h"

#include <algorithm>
#include <chrono>

using namespace llvm;
using namespace mlir;

static cl::opt<std::string> modelFile(cl::Positional, cl::Required,
                                      cl::desc("<model.mlir>"));
static cl::opt<std::string>
    entry("entry", cl::value_desc("name"),
          cl::desc("Function to run (default: the only public function)"));
static cl::list<std::string> inputFiles(
    "input", cl::value_desc("file.npy|dir"),
    cl::desc("One per function argument, in order: an .npy with one sample, "
             "an .npy of samples along a leading dimension, or a directory "
             "of one-sample .npy files"));
static cl::list<std::string>
    outputFiles("output", cl::value_desc("file.npy"),
                cl::desc("One .npy per function result, in order"));
static cl::opt<std::string>
    outputDir("output-dir", cl::value_desc("dir"),
              cl::desc("Write result i to <dir>/result<i>.npy instead"));

static cl::opt<unsigned> benchmarkRuns(
    "benchmark", cl::value_desc("N"), cl::init(0),
    cl::desc("Then time N more calls on the first sample and print the "
             "median and minimum latency"));

static cl::opt<bool> reference(
    "reference", cl::init(false),
    cl::desc("Compile with the plain upstream lowering instead of the "
             "generated kernels (the bit-exact integer reference)"));

static cl::opt<std::string> kernelIsa(
    "isa", cl::init("host"), cl::value_desc("name"),
    cl::desc("Instruction set of the kernels (qopt-lower-to-kernels' isa; "
             "the host must have it)"));

static cl::opt<bool> signature(
    "signature", cl::init(false),
    cl::desc("Print the function's arguments and results as JSON (dtype, "
             "shape, bytes, quantization) and run nothing"));

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

  std::unique_ptr<qopt::ModelFile> model =
      qopt::ModelFile::load(modelFile, "qopt-run");
  if (!model)
    return 1;
  ModuleOp module = *model->module;
  if (signature) {
    func::FuncOp func = qopt::lookupEntryFunction(module, entry);
    std::vector<qopt::TensorInterface> inputs, outputs;
    if (!func || failed(qopt::describeInterface(func, inputs, outputs)))
      return 1;
    json::OStream json(outs(), /*IndentSize=*/2);
    json.object([&] {
      json.attribute("function", func.getName());
      qopt::writeInterfaceJson(json, inputs, outputs);
    });
    outs() << "\n";
    return 0;
  }

  FailureOr<std::unique_ptr<qopt::JitFunction>> fn = qopt::JitFunction::compile(
      module, entry, qopt::CodegenOptions{kernelIsa, reference});
  if (failed(fn))
    return 1;
  ArrayRef<qopt::TensorSignature> args = (*fn)->inputs();
  if (inputFiles.size() != args.size())
    return fail("'" + (*fn)->name() + "' takes " + Twine(args.size()) +
                " argument(s) but " + Twine(inputFiles.size()) +
                " --input(s) were given");
  std::vector<qopt::SampleSource> sources;
  size_t numSamples = 1;
  for (auto [i, path] : llvm::enumerate(inputFiles)) {
    Expected<qopt::SampleSource> source =
        qopt::SampleSource::open(path, args[i], i);
    if (!source)
      return fail(toString(source.takeError()));
    if (source->size() != 1 && numSamples != 1 && source->size() != numSamples)
      return fail("'" + path + "' holds " + Twine(source->size()) +
                  " samples but another input holds " + Twine(numSamples));
    numSamples = std::max(numSamples, source->size());
    sources.push_back(std::move(*source));
  }
  // One sample of every argument (an input with a single sample is reused).
  auto sample = [&](size_t s) -> Expected<std::vector<qopt::Tensor>> {
    std::vector<qopt::Tensor> inputs;
    for (const qopt::SampleSource &source : sources) {
      Expected<qopt::Tensor> t = source.get(source.size() == 1 ? 0 : s);
      if (!t)
        return t.takeError();
      inputs.push_back(std::move(*t));
    }
    return inputs;
  };
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

  // Run every sample; results of batched inputs are stacked like them.
  std::vector<std::vector<qopt::Tensor>> perResult(numResults);
  for (size_t i = 0; i < numSamples; ++i) {
    Expected<std::vector<qopt::Tensor>> inputs = sample(i);
    if (!inputs)
      return fail(toString(inputs.takeError()));
    Expected<std::vector<qopt::Tensor>> results = (*fn)->invoke(*inputs);
    if (!results)
      return fail(toString(results.takeError()));
    for (size_t r = 0; r < numResults; ++r)
      perResult[r].push_back(std::move((*results)[r]));
  }
  bool batched = llvm::any_of(sources, [](const qopt::SampleSource &source) {
    return source.batched();
  });
  bool alongUnitDim =
      llvm::any_of(sources, [](const qopt::SampleSource &source) {
        return source.alongUnitDim();
      });
  std::vector<qopt::Tensor> results;
  for (std::vector<qopt::Tensor> &samples : perResult)
    results.push_back(batched ? qopt::stackSamples(samples, alongUnitDim)
                              : std::move(samples.front()));
  if (Error err = qopt::writeNpyFiles(results, outputs))
    return fail(toString(std::move(err)));

  if (benchmarkRuns == 0)
    return 0;
  // The calls above were the warm-up; time the first sample again.
  Expected<std::vector<qopt::Tensor>> inputs = sample(0);
  if (!inputs)
    return fail(toString(inputs.takeError()));
  std::vector<double> ms;
  for (unsigned i = 0; i < benchmarkRuns; ++i) {
    auto start = std::chrono::steady_clock::now();
    Expected<std::vector<qopt::Tensor>> timed = (*fn)->invoke(*inputs);
    auto stop = std::chrono::steady_clock::now();
    if (!timed)
      return fail(toString(timed.takeError()));
    ms.push_back(
        std::chrono::duration<double, std::milli>(stop - start).count());
  }
  std::sort(ms.begin(), ms.end());
  outs() << formatv("qopt-run: {0} runs: median {1:f4} ms, min {2:f4} ms\n",
                    ms.size(), ms[ms.size() / 2], ms.front());
  return 0;
}
