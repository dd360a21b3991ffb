//===- qoptc.cpp - Compile a model into an object file and a C header -----===//
//
//   qoptc model.{mlir,onnx} --target=<t> [--mcpu=CPU] [--mattr=+a,-b]
//         [--input-shape name=d0,d1,... --nhwc-io]            (ONNX)
//         [--calibration=model.stats | --samples=calib.npy|dir/ ...]
//         [--weight-bits=8 --act-bits=8 --layer-bits=... --per-channel
//          --act-range=... --percentile=... --weight-range=... --int-io
//          --pipeline=quantize|ptq --equalize --relu6=... --absorb-high-bias
//          --bias-correction=... --adaround]
//         [--report [--report-samples=eval.npy|dir/ ...]]
//         [--name NAME] [--entry FN] [--shared] [--asm] [--reference] -o out/
//
// writes out/<name>.o, out/<name>.h, out/<name>.report.txt, with --shared
// out/lib<name>.so, with --asm the assembly out/<name>.s and with --report
// the per-layer quantization report out/<name>.report.{json,md,html}. The model
// is float or integer TOSA, or ONNX (imported as qopt-import-onnx does). With
// calibration statistics (from qopt-calibrate) or samples to calibrate on, a
// float model is quantized first (--qopt-quantize-pipeline); without them it is
// compiled as it is. The files appear together or not at all.
//
//===----------------------------------------------------------------------===//

#include "qopt/Import/OnnxImporter.h"
#include "qopt/InitAll.h"
#include "qopt/Pipelines/QuantizePipelines.h"
#include "qopt/Runtime/Calibrate.h"
#include "qopt/Support/ModelFile.h"
#include "qopt/Target/Compile.h"
#include "qopt/Target/LayerReport.h"

#include "mlir/Pass/PassManager.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/FileUtilities.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/ToolOutputFile.h"
#include "llvm/Support/WithColor.h"

using namespace llvm;
using namespace mlir;

static cl::opt<std::string> modelFile(cl::Positional, cl::Required,
                                      cl::desc("<model.mlir|model.onnx>"));
static cl::opt<std::string>
    targetName("target", cl::value_desc("name"), cl::init("host"),
               cl::desc("Target to compile for (--list-targets)"));
static cl::opt<bool> listTargets("list-targets",
                                 cl::desc("Print the named targets and exit"));
static cl::opt<std::string>
    mcpu("mcpu", cl::value_desc("cpu"),
         cl::desc("LLVM CPU name replacing the target's CPU"));
static cl::opt<std::string>
    mattr("mattr", cl::value_desc("+a,-b"),
          cl::desc("LLVM target features added to the target's"));
static cl::opt<std::string>
    name("name", cl::value_desc("identifier"),
         cl::desc("Prefix of the C API and base name of the output files "
                  "(default: the model file's name)"));
static cl::opt<std::string>
    entry("entry", cl::value_desc("function"),
          cl::desc("Function to compile (default: the only public function)"));
static cl::opt<std::string> outputDir("o", cl::value_desc("dir"), cl::Required,
                                      cl::desc("Output directory"));
static cl::opt<bool> shared("shared",
                            cl::desc("Also link lib<name>.so (with ld.lld)"));

static cl::OptionCategory importCategory("ONNX import options");
static cl::list<std::string> inputShapes(
    "input-shape", cl::value_desc("name=d0,d1,..."), cl::cat(importCategory),
    cl::desc("Static shape of an ONNX graph input (required for inputs with "
             "dynamic dimensions; repeat per input)"));
static cl::opt<bool>
    nhwcIO("nhwc-io", cl::cat(importCategory),
           cl::desc("Rank-4 arguments and results in NHWC instead of the "
                    "ONNX model's NCHW"));

// Quantization: the options of --qopt-quantize-pipeline (see
// qopt/Pipelines/QuantizePipelines.h), which also checks their values.
static cl::OptionCategory
    quantCategory("Quantization options (with --calibration or --samples)");
static cl::opt<std::string> calibration(
    "calibration", cl::value_desc("model.stats"), cl::cat(quantCategory),
    cl::desc("Quantize with these activation statistics (qopt-calibrate)"));
static cl::list<std::string> samples(
    "samples", cl::value_desc("file.npy|dir"), cl::cat(quantCategory),
    cl::desc("Calibrate on these samples of an argument (an .npy batch or a "
             "directory of .npy files; once per argument), then quantize"));
static cl::opt<std::string> pipeline(
    "pipeline", cl::init("quantize"), cl::value_desc("quantize|ptq"),
    cl::cat(quantCategory),
    cl::desc("quantize (qopt-quantize-pipeline, every PTQ step off) or ptq "
             "(qopt-ptq-pipeline, the white paper's steps on); the options "
             "below override its defaults"));
static cl::opt<bool>
    equalize("equalize", cl::cat(quantCategory),
             cl::desc("Cross-layer equalization (before calibration)"));
static cl::opt<std::string>
    relu6("relu6", cl::value_desc("skip|approximate"), cl::cat(quantCategory),
          cl::desc("Equalization across a bounded ReLU"));
static cl::opt<bool>
    absorbHighBias("absorb-high-bias", cl::cat(quantCategory),
                   cl::desc("High-bias absorption (before calibration)"));
static cl::opt<std::string>
    biasCorrection("bias-correction", cl::cat(quantCategory),
                   cl::value_desc("none|analytic|empirical"),
                   cl::desc("Bias correction of the weights' rounding"));
static cl::opt<bool>
    adaround("adaround", cl::cat(quantCategory),
             cl::desc("AdaRound learned rounding on the --samples "
                      "(qopt-adaround)"));
static cl::opt<std::string>
    weightBits("weight-bits", cl::init("8"), cl::cat(quantCategory),
               cl::value_desc("2..8|ternary|binary"),
               cl::desc("Weight bit width"));
static cl::opt<std::string>
    weightQuant("weight-quant", cl::init("uniform"), cl::cat(quantCategory),
                cl::value_desc("uniform|pwlq"),
                cl::desc("Weight quantizer (pwlq: piecewise linear)"));
static cl::opt<unsigned> actBits("act-bits", cl::init(8),
                                 cl::cat(quantCategory),
                                 cl::desc("Activation bit width (2..8)"));
static cl::list<std::string> layerBits(
    "layer-bits", cl::value_desc("ID=W[/A]"), cl::CommaSeparated,
    cl::cat(quantCategory),
    cl::desc("Per-layer bit widths, by activation id or location name"));
static cl::opt<bool> perChannel("per-channel", cl::init(true),
                                cl::cat(quantCategory),
                                cl::desc("Per-channel weights"));
static cl::opt<std::string>
    actRange("act-range", cl::init("minmax"), cl::cat(quantCategory),
             cl::desc("Activation range: minmax, percentile, mse or kl"));
static cl::opt<double> percentile("percentile", cl::init(99.99),
                                  cl::cat(quantCategory),
                                  cl::desc("Percentile for --act-range"));
static cl::opt<std::string>
    weightRange("weight-range", cl::init("minmax"), cl::cat(quantCategory),
                cl::desc("Weight range: minmax, mse or auto (mse per tensor, "
                         "minmax per channel)"));
static cl::opt<bool>
    intIO("int-io", cl::cat(quantCategory),
          cl::desc("Integer arguments and results (the storage type)"));

static cl::opt<bool> report(
    "report", cl::cat(quantCategory),
    cl::desc("Also write the per-layer quantization report <name>.report."
             "{json,md,html}: bit widths, scales and the SQNR of every "
             "layer against the float model on sample data"));
static cl::list<std::string> reportSamples(
    "report-samples", cl::value_desc("file.npy|dir"), cl::cat(quantCategory),
    cl::desc("Samples the report measures on (once per argument; default: "
             "--samples)"));

static cl::opt<bool> assembly("asm",
                              cl::desc("Also write the assembly <name>.s"));
static cl::opt<bool> reference(
    "reference",
    cl::desc("Compile with the plain upstream lowering instead of the "
             "generated kernels (the bit-exact integer reference)"));

static int fail(const Twine &message) {
  WithColor::error(errs(), "qoptc") << message << "\n";
  return 1;
}

static bool isIdentifier(StringRef s) {
  return !s.empty() && !isDigit(s.front()) &&
         llvm::all_of(s, [](char c) { return isAlnum(c) || c == '_'; });
}

/// `stem` made a C identifier: other characters become '_'.
static std::string identifierFrom(StringRef stem) {
  std::string id;
  for (char c : stem)
    id += isAlnum(c) ? c : '_';
  if (id.empty() || isDigit(id.front()))
    id.insert(0, "m");
  return id;
}

/// The first quantization option given without --calibration or --samples.
static cl::Option *strayQuantOption() {
  cl::Option *options[] = {&pipeline,
                           &equalize,
                           &relu6,
                           &absorbHighBias,
                           &weightBits,
                           &weightQuant,
                           &actBits,
                           std::addressof(layerBits),
                           &perChannel,
                           &actRange,
                           &percentile,
                           &weightRange,
                           &biasCorrection,
                           &adaround,
                           &intIO,
                           &report,
                           std::addressof(reportSamples)};
  for (cl::Option *option : options)
    if (option->getNumOccurrences())
      return option;
  return nullptr;
}

/// The model of `path`: parsed, or imported from ONNX (then diagnostics name
/// the ONNX node).
static std::unique_ptr<qopt::ModelFile> loadModel(StringRef path) {
  if (!path.ends_with(".onnx"))
    return qopt::ModelFile::load(path, "qoptc");
  qopt::OnnxImportOptions options;
  options.nhwcIO = nhwcIO;
  for (StringRef spec : inputShapes)
    if (!qopt::parseInputShape(spec, options)) {
      fail("--input-shape '" + spec +
           "': expected name=d0,d1,... with positive dimensions");
      return nullptr;
    }
  auto model = std::make_unique<qopt::ModelFile>();
  model->formatDiagnostics = std::make_unique<qopt::OnnxDiagnosticHandler>(
      model->context, "qoptc", path);
  model->module = qopt::importOnnxModel(model->context, path, options);
  return model->module ? std::move(model) : nullptr;
}

/// The named pipeline's options with the flags given over its defaults.
static std::unique_ptr<qopt::QuantizePipelineOptions> pipelineOptions() {
  std::unique_ptr<qopt::QuantizePipelineOptions> options;
  if (pipeline == "ptq")
    options = std::make_unique<qopt::PTQPipelineOptions>();
  else
    options = std::make_unique<qopt::QuantizePipelineOptions>();
  auto set = [](auto &option, auto &flag) {
    if (flag.getNumOccurrences())
      option = flag.getValue();
  };
  set(options->equalize, equalize);
  set(options->relu6, relu6);
  set(options->absorbHighBias, absorbHighBias);
  set(options->weightBits, weightBits);
  set(options->weightQuant, weightQuant);
  set(options->actBits, actBits);
  options->layerBits =
      ArrayRef(std::vector<std::string>(layerBits.begin(), layerBits.end()));
  set(options->perChannel, perChannel);
  set(options->actRange, actRange);
  set(options->percentile, percentile);
  set(options->weightRange, weightRange);
  set(options->biasCorrection, biasCorrection);
  set(options->adaround, adaround);
  options->samples =
      ArrayRef(std::vector<std::string>(samples.begin(), samples.end()));
  set(options->intIO, intIO);
  options->entry = entry;
  return options;
}

/// Quantizes the float model with the statistics in `stats`; with `qdq`,
/// keeps a copy of the QDQ graph on the way.
static LogicalResult quantize(ModuleOp module, StringRef stats,
                              OwningOpRef<ModuleOp> *qdq) {
  std::unique_ptr<qopt::QuantizePipelineOptions> options = pipelineOptions();
  options->stats = stats.str();
  options->keepQDQ = qdq != nullptr;
  mlir::PassManager pm = mlir::PassManager::on<ModuleOp>(module.getContext());
  if (failed(applyPassManagerCLOptions(pm)))
    return failure();
  qopt::buildQuantizePipeline(pm, *options);
  if (failed(pm.run(module)))
    return failure();
  if (!qdq)
    return success();
  *qdq = module.clone();
  mlir::PassManager lower =
      mlir::PassManager::on<ModuleOp>(module.getContext());
  if (failed(applyPassManagerCLOptions(lower)))
    return failure();
  qopt::buildLowerQDQPipeline(lower, /*simulate=*/false);
  return lower.run(module);
}

/// The effective quantization settings, for the report.
static std::string settingsText() {
  std::unique_ptr<qopt::QuantizePipelineOptions> o = pipelineOptions();
  auto flag = [](bool b) { return b ? "true" : "false"; };
  std::string text =
      formatv("pipeline={0} weight-bits={1} weight-quant={9} act-bits={2} "
              "per-channel={3} "
              "act-range={4} weight-range={5} bias-correction={6} "
              "equalize={7} absorb-high-bias={8}",
              pipeline, o->weightBits, o->actBits, flag(o->perChannel),
              o->actRange, o->weightRange, o->biasCorrection, flag(o->equalize),
              flag(o->absorbHighBias), o->weightQuant)
          .str();
  if (o->actRange == "percentile")
    text += formatv(" percentile={0}", o->percentile.getValue()).str();
  if (o->equalize)
    text += " relu6=" + o->relu6.getValue();
  if (!o->layerBits.empty())
    text += " layer-bits=" + join(o->layerBits, ",");
  return text;
}

/// Calibrates on --samples into a temporary statistics file.
static FailureOr<std::string> calibrate(ModuleOp module) {
  qopt::CalibrateOptions options;
  options.entry = entry;
  options.inputs.assign(samples.begin(), samples.end());
  options.prepare = pipelineOptions()->prepareConfig();
  // calibrateModel prepares the graph it measures in place; the quantize
  // pipeline prepares `module` itself and checks it against the statistics.
  OwningOpRef<ModuleOp> prepared = module.clone();
  Expected<qopt::CalibrationStatistics> stats =
      qopt::calibrateModel(*prepared, options);
  if (!stats) {
    // An empty message: the diagnostic is already printed.
    std::string message = toString(stats.takeError());
    if (!message.empty())
      fail(message);
    return failure();
  }
  SmallString<128> path;
  if (std::error_code ec =
          sys::fs::createTemporaryFile("qoptc", "stats", path)) {
    fail("cannot create a temporary statistics file: " + ec.message());
    return failure();
  }
  if (Error err = qopt::writeStatistics(*stats, path)) {
    fail(toString(std::move(err)));
    return failure();
  }
  return std::string(path);
}

/// Writes the report's files into the output directory.
static LogicalResult writeLayerReport(const qopt::LayerReport &report,
                                      const qopt::CompileOptions &options) {
  using Writer = void (*)(const qopt::LayerReport &, raw_ostream &);
  std::pair<StringRef, Writer> formats[] = {
      {"json", qopt::writeLayerReportJson},
      {"md", qopt::writeLayerReportMarkdown},
      {"html", qopt::writeLayerReportHtml}};
  for (auto [extension, write] : formats) {
    SmallString<256> path(options.outputDir);
    sys::path::append(path, options.name + ".report." + extension);
    std::error_code ec;
    ToolOutputFile file(path, ec, sys::fs::OF_Text);
    if (ec) {
      fail("cannot write '" + path + "': " + ec.message());
      return failure();
    }
    write(report, file.os());
    file.keep();
  }
  return success();
}

/// Moves every file of `from` into `to`; the files of one compilation
/// appear together.
static std::error_code moveFiles(StringRef from, StringRef to) {
  std::error_code ec;
  for (sys::fs::directory_iterator it(from, ec), end; it != end && !ec;
       it.increment(ec)) {
    SmallString<256> target(to);
    sys::path::append(target, sys::path::filename(it->path()));
    if ((ec = sys::fs::rename(it->path(), target)))
      return ec;
  }
  return ec;
}

int main(int argc, char **argv) {
  InitLLVM initLLVM(argc, argv);
  qopt::registerAllPasses();
  registerPassManagerCLOptions();
  // Let --list-targets work without the required arguments.
  for (int i = 1; i < argc; ++i)
    if (StringRef(argv[i]) == "--list-targets") {
      for (const qopt::TargetDesc &t : qopt::getTargets())
        outs() << formatv("  {0,-20} {1}\n", t.name, t.description);
      return 0;
    }
  cl::ParseCommandLineOptions(
      argc, argv,
      "qoptc: compiles a TOSA or ONNX model into an object file and a C "
      "header\n");

  qopt::CompileOptions options;
  const qopt::TargetDesc *target = qopt::lookupTarget(targetName);
  if (!target) {
    std::string names;
    for (const qopt::TargetDesc &t : qopt::getTargets())
      names += (names.empty() ? "" : ", ") + t.name.str();
    return fail("unknown target '" + targetName + "' (known: " + names + ")");
  }
  options.targetName = targetName;
  options.target = qopt::resolveTarget(*target, mcpu, mattr);
  options.name = name.getNumOccurrences()
                     ? name.getValue()
                     : identifierFrom(sys::path::stem(modelFile));
  if (!isIdentifier(options.name))
    return fail("--name '" + options.name + "' is not a C identifier");
  bool isOnnx = StringRef(modelFile).ends_with(".onnx");
  if (!isOnnx && (inputShapes.getNumOccurrences() || nhwcIO))
    return fail(Twine("--") + (nhwcIO ? nhwcIO.ArgStr : inputShapes.ArgStr) +
                " applies to ONNX models only");
  if (calibration.getNumOccurrences() && samples.getNumOccurrences())
    return fail("--calibration and --samples exclude each other: give the "
                "statistics of qopt-calibrate or the samples to compute them");
  bool quantized =
      calibration.getNumOccurrences() || samples.getNumOccurrences();
  if (cl::Option *stray = strayQuantOption(); stray && !quantized)
    return fail("--" + stray->ArgStr +
                " needs --calibration or --samples (without them the model "
                "is compiled as it is)");
  if (adaround && !samples.getNumOccurrences())
    return fail("--adaround learns the rounding on the samples themselves: "
                "give --samples, not --calibration");
  if (adaround && layerBits.getNumOccurrences())
    return fail("--adaround rounds every layer to --weight-bits: it cannot "
                "be combined with --layer-bits");
  // A bad format itself is reported by qopt-quantize, at the model.
  if (adaround) {
    llvm::Expected<qopt::WeightFormat> format =
        qopt::parseWeightFormat(weightBits, weightQuant);
    if (!format)
      consumeError(format.takeError());
    else if (format->scheme != qopt::WeightScheme::Uniform &&
             format->scheme != qopt::WeightScheme::Pwlq)
      return fail(qopt::adaroundFormatError(*format));
  }
  if (reportSamples.getNumOccurrences() && !report)
    return fail("--report-samples needs --report");
  if (report && !samples.getNumOccurrences() &&
      !reportSamples.getNumOccurrences())
    return fail("--report measures the quantized model on sample data: give "
                "--samples or --report-samples");
  if (pipeline != "quantize" && pipeline != "ptq")
    return fail("unknown --pipeline '" + pipeline +
                "': expected quantize or ptq");
  options.entry = entry;
  options.shared = shared;
  options.assembly = assembly;
  options.reference = reference;
  if (std::error_code ec = sys::fs::create_directories(outputDir))
    return fail("cannot create the output directory '" + outputDir +
                "': " + ec.message());
  if (std::error_code ec =
          sys::fs::access(outputDir, sys::fs::AccessMode::Write))
    return fail("cannot write to the output directory '" + outputDir +
                "': " + ec.message());

  std::unique_ptr<qopt::ModelFile> model = loadModel(modelFile);
  if (!model)
    return 1;
  ModuleOp module = *model->module;
  // The report compares the float model as given, the float graph before
  // quantization and the QDQ graph.
  OwningOpRef<ModuleOp> original, beforeQuantize, qdq;
  if (report)
    original = module.clone();
  // (The report prepares the float graph again with the statistics.)
  std::string stats = calibration;
  std::optional<FileRemover> removeStats;
  if (quantized) {
    if (stats.empty()) {
      FailureOr<std::string> written = calibrate(module);
      if (failed(written))
        return 1;
      stats = *written;
      removeStats.emplace(stats);
    }
    if (report)
      beforeQuantize = module.clone();
    if (failed(quantize(module, stats, report ? &qdq : nullptr)))
      return 1;
  }
  std::optional<qopt::LayerReport> layerReport;
  if (report) {
    qopt::LayerReportInputs inputs;
    inputs.original = *original;
    inputs.beforeQuantize = *beforeQuantize;
    inputs.qdq = *qdq;
    inputs.prepare = pipelineOptions()->prepareConfig();
    inputs.stats = stats;
    inputs.entry = entry;
    cl::list<std::string> &from =
        reportSamples.empty() ? samples : reportSamples;
    inputs.samples.assign(from.begin(), from.end());
    Expected<qopt::LayerReport> measured = qopt::measureLayerReport(inputs);
    if (!measured) {
      std::string message = toString(measured.takeError());
      if (!message.empty())
        fail(message);
      return 1;
    }
    layerReport = std::move(*measured);
    layerReport->name = options.name;
    layerReport->settings = settingsText();
    layerReport->samples = join(inputs.samples, ", ");
  }

  // Compile into a fresh directory beside the outputs, then move them in.
  // (A relative prefix would be taken under the system temporary directory.)
  SmallString<256> prefix(outputDir), staging;
  sys::path::append(prefix, ".qoptc-" + options.name);
  std::error_code madeAbsolute = sys::fs::make_absolute(prefix);
  if (std::error_code ec =
          madeAbsolute ? madeAbsolute
                       : sys::fs::createUniqueDirectory(prefix, staging))
    return fail("cannot write to the output directory '" + outputDir +
                "': " + ec.message());
  options.outputDir = std::string(staging);
  bool ok =
      (!layerReport || succeeded(writeLayerReport(*layerReport, options))) &&
      succeeded(qopt::compileModel(module, options));
  std::error_code ec;
  if (ok && (ec = moveFiles(staging, outputDir)))
    fail("cannot move the compiled files into '" + outputDir +
         "': " + ec.message());
  sys::fs::remove_directories(staging);
  return ok && !ec ? 0 : 1;
}
