//===- Driver.cpp - What qoptc does, as a library -------------------------===//

#include "qopt/Driver/Driver.h"

#include "qopt/Analysis/ActivationTensors.h"
#include "qopt/Dialect/QoptDialect.h"
#include "qopt/Report/LayerReport.h"
#include "qopt/Runtime/Calibrate.h"
#include "qopt/Support/ModelFile.h"

#include "mlir/Pass/PassManager.h"
#include "llvm/ADT/ScopeExit.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/FileUtilities.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/ManagedStatic.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/ToolOutputFile.h"
#include "llvm/Support/WithColor.h"

using namespace llvm;
using namespace mlir;

namespace qopt {
namespace {

/// The flags of the prepare steps: qoptc's and qopt-calibrate's.
struct PrepareCL {
  cl::OptionCategory category{"Prepare options"};
  cl::opt<std::string> pipeline{
      "pipeline", cl::init("quantize"), cl::value_desc("quantize|ptq"),
      cl::cat(category),
      cl::desc("Quantize pipeline whose defaults to take: quantize "
               "(qopt-quantize-pipeline, every PTQ step off) or ptq "
               "(qopt-ptq-pipeline, the white paper's steps on); the flags "
               "given override them")};
#define QOPT_PREPARE_OPTION(TYPE, NAME, FLAG, DEFAULT, VALUES, DESCRIPTION)    \
  cl::opt<TYPE> NAME{FLAG, cl::desc(DESCRIPTION), cl::value_desc(VALUES),      \
                     cl::init(DEFAULT), cl::cat(category)};
#include "qopt/Pipelines/QuantizeOptions.def"
};

/// The flags of quantization.
struct QuantizeCL {
  cl::OptionCategory category{
      "Quantization options (with --calibration or --samples)"};
  cl::opt<std::string> calibration{
      "calibration", cl::value_desc("model.stats"), cl::cat(category),
      cl::desc("Quantize with these activation statistics (qopt-calibrate)")};
  cl::list<std::string> samples{
      "samples", cl::value_desc("file.npy|dir"), cl::cat(category),
      cl::desc("Calibrate on these samples of an argument (an .npy batch or "
               "a directory of .npy files; once per argument), then "
               "quantize")};
#define QOPT_QUANTIZE_OPTION(TYPE, NAME, FLAG, DEFAULT, VALUES, DESCRIPTION)   \
  cl::opt<TYPE> NAME{FLAG, cl::desc(DESCRIPTION), cl::value_desc(VALUES),      \
                     cl::init(DEFAULT), cl::cat(category)};
#define QOPT_QUANTIZE_LIST_OPTION(NAME, FLAG, VALUES, DESCRIPTION)             \
  cl::list<std::string> NAME{FLAG, cl::desc(DESCRIPTION),                      \
                             cl::value_desc(VALUES), cl::CommaSeparated,       \
                             cl::cat(category)};
#include "qopt/Pipelines/QuantizeOptions.def"
  cl::opt<bool> report{
      "report", cl::cat(category),
      cl::desc("Also write the per-layer quantization report <name>.report."
               "{json,md,html}: bit widths, scales and the SQNR of every "
               "layer against the float model on sample data")};
  cl::list<std::string> reportSamples{
      "report-samples", cl::value_desc("file.npy|dir"), cl::cat(category),
      cl::desc("Samples the report measures on (once per argument; default: "
               "--samples)")};
};

/// The flags of import and compilation.
struct CompilerCL {
  cl::OptionCategory category{"Compiler options"};
  cl::opt<std::string> modelFile{cl::Positional, cl::Required,
                                 cl::desc("<model.mlir|model.onnx>"),
                                 cl::cat(category)};
  cl::opt<std::string> target{
      "target", cl::value_desc("name"), cl::init("host"), cl::cat(category),
      cl::desc("Target to compile for (--list-targets)")};
  cl::opt<bool> listTargets{"list-targets", cl::cat(category),
                            cl::desc("Print the named targets and exit")};
  cl::opt<std::string> mcpu{
      "mcpu", cl::value_desc("cpu"), cl::cat(category),
      cl::desc("LLVM CPU name replacing the target's CPU")};
  cl::opt<std::string> mattr{
      "mattr", cl::value_desc("+a,-b"), cl::cat(category),
      cl::desc("LLVM target features added to the target's")};
  cl::opt<std::string> name{
      "name", cl::value_desc("identifier"), cl::cat(category),
      cl::desc("Prefix of the C API and base name of the output files "
               "(default: the model file's name)")};
  cl::opt<std::string> entry{
      "entry", cl::value_desc("function"), cl::cat(category),
      cl::desc("Function to compile (default: the only public function)")};
  cl::opt<std::string> outputDir{"o", cl::value_desc("dir"), cl::Required,
                                 cl::cat(category),
                                 cl::desc("Output directory")};
  cl::opt<bool> shared{"shared", cl::cat(category),
                       cl::desc("Also link lib<name>.so (with ld.lld)")};
  cl::opt<bool> assembly{"asm", cl::cat(category),
                         cl::desc("Also write the assembly <name>.s")};
  cl::opt<bool> reference{
      "reference", cl::cat(category),
      cl::desc("Compile with the plain upstream lowering instead of the "
               "generated kernels (the bit-exact integer reference)")};

  cl::OptionCategory importCategory{"ONNX import options"};
  cl::list<std::string> inputShapes{
      "input-shape", cl::value_desc("name=d0,d1,..."), cl::cat(importCategory),
      cl::desc("Static shape of an ONNX graph input (required for inputs "
               "with dynamic dimensions; repeat per input)")};
  cl::opt<bool> nhwcIO{
      "nhwc-io", cl::cat(importCategory),
      cl::desc("Rank-4 arguments and results in NHWC instead of the ONNX "
               "model's NCHW")};
};

} // namespace

static ManagedStatic<PrepareCL> prepareCL;
static ManagedStatic<QuantizeCL> quantizeCL;
static ManagedStatic<CompilerCL> compilerCL;

static void printError(StringRef tool, const Twine &message) {
  WithColor::error(errs(), tool) << message << "\n";
}

static LogicalResult fail(StringRef tool, const Twine &message) {
  printError(tool, message);
  return failure();
}

void registerPrepareCLOptions() { *prepareCL; }

void registerDriverCLOptions() {
  *prepareCL;
  *quantizeCL;
  *compilerCL;
  cl::HideUnrelatedOptions({&compilerCL->category, &compilerCL->importCategory,
                            &prepareCL->category, &quantizeCL->category});
}

void printTargets(raw_ostream &os) {
  for (const TargetDesc &t : getTargets())
    os << formatv("  {0,-20} {1}\n", t.name, t.description);
}

/// The named pipeline's options, or null for an unknown name.
static std::unique_ptr<QuantizePipelineOptions>
defaultPipelineOptions(StringRef pipeline) {
  if (pipeline == "ptq")
    return std::make_unique<PTQPipelineOptions>();
  if (pipeline == "quantize")
    return std::make_unique<QuantizePipelineOptions>();
  return nullptr;
}

/// `options` with the flags given over its defaults.
static void applyFlags(QuantizePipelineOptions &options) {
  auto set = [](auto &option, auto &flag) {
    if (flag.getNumOccurrences())
      option = flag.getValue();
  };
#define QOPT_PREPARE_OPTION(TYPE, NAME, FLAG, DEFAULT, VALUES, DESCRIPTION)    \
  set(options.NAME, prepareCL->NAME);
#include "qopt/Pipelines/QuantizeOptions.def"
#define QOPT_QUANTIZE_OPTION(TYPE, NAME, FLAG, DEFAULT, VALUES, DESCRIPTION)   \
  set(options.NAME, quantizeCL->NAME);
#define QOPT_QUANTIZE_LIST_OPTION(NAME, FLAG, VALUES, DESCRIPTION)             \
  options.NAME = ArrayRef(std::vector<std::string>(quantizeCL->NAME.begin(),   \
                                                   quantizeCL->NAME.end()));
#include "qopt/Pipelines/QuantizeOptions.def"
}

FailureOr<PrepareConfig> getPrepareConfigFromCL(StringRef tool) {
  std::unique_ptr<QuantizePipelineOptions> options =
      defaultPipelineOptions(prepareCL->pipeline);
  if (!options)
    return fail(tool, "unknown --pipeline '" + prepareCL->pipeline +
                          "': expected quantize or ptq");
  applyFlags(*options);
  return options->prepareConfig();
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

/// The first quantization flag given, if any.
static cl::Option *givenQuantizationFlag() {
  SmallVector<cl::Option *> flags = {&prepareCL->pipeline};
#define QOPT_PREPARE_OPTION(TYPE, NAME, FLAG, DEFAULT, VALUES, DESCRIPTION)    \
  flags.push_back(&prepareCL->NAME);
#include "qopt/Pipelines/QuantizeOptions.def"
#define QOPT_QUANTIZE_OPTION(TYPE, NAME, FLAG, DEFAULT, VALUES, DESCRIPTION)   \
  flags.push_back(&quantizeCL->NAME);
#define QOPT_QUANTIZE_LIST_OPTION(NAME, FLAG, VALUES, DESCRIPTION)             \
  flags.push_back(std::addressof(quantizeCL->NAME));
#include "qopt/Pipelines/QuantizeOptions.def"
  flags.push_back(&quantizeCL->report);
  flags.push_back(std::addressof(quantizeCL->reportSamples));
  for (cl::Option *flag : flags)
    if (flag->getNumOccurrences())
      return flag;
  return nullptr;
}

FailureOr<DriverOptions> getDriverOptionsFromCL() {
  DriverOptions options;
  StringRef tool = options.tool;
  CompilerCL &c = *compilerCL;
  QuantizeCL &q = *quantizeCL;
  const TargetDesc *target = lookupTarget(c.target);
  if (!target) {
    std::string names;
    for (const TargetDesc &t : getTargets())
      names += (names.empty() ? "" : ", ") + t.name.str();
    return fail(tool,
                "unknown target '" + c.target + "' (known: " + names + ")");
  }
  options.modelFile = c.modelFile;
  options.outputDir = c.outputDir;
  options.compile.targetName = c.target;
  options.compile.target = resolveTarget(*target, c.mcpu, c.mattr);
  options.compile.name = c.name.getNumOccurrences()
                             ? c.name.getValue()
                             : identifierFrom(sys::path::stem(c.modelFile));
  if (!isIdentifier(options.compile.name))
    return fail(tool,
                "--name '" + options.compile.name + "' is not a C identifier");
  options.compile.entry = c.entry;
  options.compile.shared = c.shared;
  options.compile.assembly = c.assembly;
  options.compile.reference = c.reference;

  bool isOnnx = StringRef(c.modelFile).ends_with(".onnx");
  if (!isOnnx && (c.inputShapes.getNumOccurrences() || c.nhwcIO))
    return fail(tool, Twine("--") +
                          (c.nhwcIO ? c.nhwcIO.ArgStr : c.inputShapes.ArgStr) +
                          " applies to ONNX models only");
  options.import.nhwcIO = c.nhwcIO;
  for (StringRef spec : c.inputShapes)
    if (!parseInputShape(spec, options.import))
      return fail(tool, "--input-shape '" + spec +
                            "': expected name=d0,d1,... with positive "
                            "dimensions");

  if (q.calibration.getNumOccurrences() && q.samples.getNumOccurrences())
    return fail(tool, "--calibration and --samples exclude each other: give "
                      "the statistics of qopt-calibrate or the samples to "
                      "compute them");
  options.calibration = q.calibration;
  options.samples.assign(q.samples.begin(), q.samples.end());
  bool quantized =
      q.calibration.getNumOccurrences() || q.samples.getNumOccurrences();
  if (cl::Option *given = givenQuantizationFlag(); given && !quantized)
    return fail(tool, "--" + given->ArgStr +
                          " needs --calibration or --samples (without them "
                          "the model is compiled as it is)");
  if (!quantized)
    return options;

  options.pipeline = prepareCL->pipeline;
  options.quantize = defaultPipelineOptions(options.pipeline);
  if (!options.quantize)
    return fail(tool, "unknown --pipeline '" + options.pipeline +
                          "': expected quantize or ptq");
  applyFlags(*options.quantize);
  QuantizePipelineOptions &quantize = *options.quantize;
  quantize.samples = ArrayRef(options.samples);
  quantize.entry = options.compile.entry;
  if (quantize.adaround && options.samples.empty())
    return fail(tool, "--adaround learns the rounding on the samples "
                      "themselves: give --samples, not --calibration");
  if (quantize.adaround && !quantize.layerBits.empty())
    return fail(tool, "--adaround rounds every layer to --weight-bits: it "
                      "cannot be combined with --layer-bits");
  if (quantize.searchesPrecision() && options.samples.empty())
    return fail(tool, "--size-budget and --max-drop measure the model on the "
                      "samples themselves: give --samples, not --calibration");
  if (std::optional<std::string> error = quantize.searchConflict())
    return fail(tool, *error);
  // A bad format itself is reported by qopt-quantize, at the model.
  if (quantize.adaround) {
    Expected<WeightFormat> format =
        parseWeightFormat(quantize.weightBits, quantize.weightQuant);
    if (!format)
      consumeError(format.takeError());
    else if (format->scheme != WeightScheme::Uniform &&
             format->scheme != WeightScheme::Pwlq)
      return fail(tool, adaroundFormatError(*format));
  }
  options.report = q.report;
  options.reportSamples.assign(q.reportSamples.begin(), q.reportSamples.end());
  if (!options.reportSamples.empty() && !options.report)
    return fail(tool, "--report-samples needs --report");
  if (options.report && options.samples.empty() &&
      options.reportSamples.empty())
    return fail(tool, "--report measures the quantized model on sample data: "
                      "give --samples or --report-samples");
  return options;
}

/// The model of `options`: parsed, or imported from ONNX (then diagnostics
/// name the ONNX node).
static std::unique_ptr<ModelFile> loadModel(const DriverOptions &options) {
  if (!StringRef(options.modelFile).ends_with(".onnx"))
    return ModelFile::load(options.modelFile, options.tool);
  auto model = std::make_unique<ModelFile>();
  model->formatDiagnostics = std::make_unique<OnnxDiagnosticHandler>(
      model->context, options.tool, options.modelFile);
  model->module =
      importOnnxModel(model->context, options.modelFile, options.import);
  return model->module ? std::move(model) : nullptr;
}

/// Quantizes the float model with the statistics in `stats`; with `qdq`,
/// keeps a copy of the QDQ graph on the way.
static LogicalResult quantize(ModuleOp module,
                              const QuantizePipelineOptions &given,
                              StringRef stats, OwningOpRef<ModuleOp> *qdq) {
  std::unique_ptr<QuantizePipelineOptions> options =
      std::make_unique<QuantizePipelineOptions>();
  options->copyOptionValuesFrom(given);
  options->stats = stats.str();
  options->keepQDQ = qdq != nullptr;
  mlir::PassManager pm = mlir::PassManager::on<ModuleOp>(module.getContext());
  if (failed(applyPassManagerCLOptions(pm)))
    return failure();
  buildQuantizePipeline(pm, *options);
  if (failed(pm.run(module)))
    return failure();
  if (!qdq)
    return success();
  *qdq = module.clone();
  mlir::PassManager lower =
      mlir::PassManager::on<ModuleOp>(module.getContext());
  if (failed(applyPassManagerCLOptions(lower)))
    return failure();
  buildLowerQDQPipeline(lower, /*simulate=*/false);
  return lower.run(module);
}

/// The effective quantization settings, for the report.
static std::string settingsText(const DriverOptions &options,
                                ArrayRef<std::string> searched) {
  const QuantizePipelineOptions &o = *options.quantize;
  auto flag = [](bool b) { return b ? "true" : "false"; };
  std::string text =
      formatv("pipeline={0} weight-bits={1} weight-quant={9} act-bits={2} "
              "per-channel={3} "
              "act-range={4} weight-range={5} bias-correction={6} "
              "equalize={7} absorb-high-bias={8}",
              options.pipeline, o.weightBits, o.actBits, flag(o.perChannel),
              o.actRange, o.weightRange, o.biasCorrection, flag(o.equalize),
              flag(o.absorbHighBias), o.weightQuant)
          .str();
  if (o.actRange == "percentile")
    text += formatv(" percentile={0}", o.percentile.getValue()).str();
  if (o.equalize)
    text += " relu6=" + o.relu6.getValue();
  if (!o.sizeBudget.empty())
    text += " size-budget=" + o.sizeBudget.getValue();
  if (o.maxDrop >= 0)
    text += formatv(" max-drop={0}", o.maxDrop.getValue()).str();
  if (!o.layerBits.empty())
    text += " layer-bits=" + join(o.layerBits, ",");
  else if (!searched.empty())
    text += " layer-bits=" + join(searched, ",") + " (searched)";
  return text;
}

/// Calibrates on the samples into a temporary statistics file.
static FailureOr<std::string> calibrate(ModuleOp module,
                                        const DriverOptions &driver) {
  CalibrateOptions options;
  options.entry = driver.compile.entry;
  options.inputs = driver.samples;
  options.prepare = driver.quantize->prepareConfig();
  // calibrateModel prepares the graph it measures in place; the quantize
  // pipeline prepares `module` itself and checks it against the statistics.
  OwningOpRef<ModuleOp> prepared = module.clone();
  Expected<CalibrationStatistics> stats = calibrateModel(*prepared, options);
  if (!stats) {
    // An empty message: the diagnostic is already printed.
    std::string message = toString(stats.takeError());
    if (!message.empty())
      printError(driver.tool, message);
    return failure();
  }
  for (const std::string &warning : calibrationWarnings(*stats))
    WithColor::warning(errs(), driver.tool) << warning << "\n";
  SmallString<128> path;
  if (std::error_code ec =
          sys::fs::createTemporaryFile(driver.tool, "stats", path))
    return fail(driver.tool,
                "cannot create a temporary statistics file: " + ec.message());
  if (Error err = writeStatistics(*stats, path))
    return fail(driver.tool, toString(std::move(err)));
  return std::string(path);
}

/// Writes the report's files into `dir`.
static LogicalResult writeLayerReport(const LayerReport &report, StringRef dir,
                                      StringRef tool) {
  using Writer = void (*)(const LayerReport &, raw_ostream &);
  std::pair<StringRef, Writer> formats[] = {{"json", writeLayerReportJson},
                                            {"md", writeLayerReportMarkdown},
                                            {"html", writeLayerReportHtml}};
  for (auto [extension, write] : formats) {
    SmallString<256> path(dir);
    sys::path::append(path, report.name + ".report." + extension);
    std::error_code ec;
    ToolOutputFile file(path, ec, sys::fs::OF_Text);
    if (ec)
      return fail(tool, "cannot write '" + path + "': " + ec.message());
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

LogicalResult runDriver(const DriverOptions &options) {
  StringRef tool = options.tool, outputDir = options.outputDir;
  // An output directory this run creates is removed again if it fails.
  bool created = !sys::fs::exists(outputDir), written = false;
  if (std::error_code ec = sys::fs::create_directories(outputDir))
    return fail(tool, "cannot create the output directory '" + outputDir +
                          "': " + ec.message());
  scope_exit removeCreated([&] {
    if (created && !written)
      sys::fs::remove(outputDir);
  });
  if (std::error_code ec =
          sys::fs::access(outputDir, sys::fs::AccessMode::Write))
    return fail(tool, "cannot write to the output directory '" + outputDir +
                          "': " + ec.message());

  std::unique_ptr<ModelFile> model = loadModel(options);
  if (!model)
    return failure();
  ModuleOp module = *model->module;
  // The report compares the float model as given, the float graph before
  // quantization and the QDQ graph.
  OwningOpRef<ModuleOp> original, beforeQuantize, qdq;
  if (options.report)
    original = module.clone();
  // Everything is written into a fresh directory beside the outputs, then
  // moved in. (A relative prefix would be taken under the system temporary
  // directory.)
  SmallString<256> prefix(outputDir), staging;
  sys::path::append(prefix, "." + tool + "-" + options.compile.name);
  std::error_code madeAbsolute = sys::fs::make_absolute(prefix);
  if (std::error_code ec =
          madeAbsolute ? madeAbsolute
                       : sys::fs::createUniqueDirectory(prefix, staging))
    return fail(tool, "cannot write to the output directory '" + outputDir +
                          "': " + ec.message());
  scope_exit removeStaging([&] { sys::fs::remove_directories(staging); });
  CompileOptions compile = options.compile;
  compile.outputDir = std::string(staging);

  // (The report prepares the float graph again with the statistics.)
  std::string stats = options.calibration;
  std::optional<FileRemover> removeStats;
  if (options.quantize && stats.empty()) {
    FailureOr<std::string> written = calibrate(module, options);
    if (failed(written))
      return failure();
    stats = *written;
    removeStats.emplace(stats);
  }
  if (options.report ||
      (options.quantize && options.quantize->searchesPrecision()))
    beforeQuantize = module.clone();

  // A size budget is searched with packed sizes the kernels' tiles may pad:
  // the object's own weight bytes decide, and a search over budget runs again
  // with the budget lowered by the excess (not below the search's smallest
  // weights: every layer at its narrowest format is the last try).
  std::unique_ptr<QuantizePipelineOptions> quantizeOptions;
  if (options.quantize) {
    quantizeOptions = std::make_unique<QuantizePipelineOptions>();
    quantizeOptions->copyOptionValuesFrom(*options.quantize);
  }
  SmallVector<std::string> searched;
  ModelSummary summary;
  std::optional<int64_t> budget;
  for (unsigned attempt = 1;; ++attempt) {
    if (attempt > 1) {
      model->module = beforeQuantize->clone();
      module = *model->module;
    }
    if (quantizeOptions && failed(quantize(module, *quantizeOptions, stats,
                                           options.report ? &qdq : nullptr)))
      return failure();
    // The budget the search was given (the user's on the first attempt).
    std::optional<int64_t> searchedBudget, smallest;
    if (func::FuncOp entry =
            lookupEntryFunction(module, options.compile.entry)) {
      searched = getLayerBits(entry);
      searchedBudget = getSizeBudget(entry);
      smallest = getMinSize(entry);
    }
    if (attempt == 1)
      budget = searchedBudget;
    if (failed(compileModel(module, compile, &summary)))
      return failure();
    if (!budget || summary.weightBytes <= *budget)
      break;
    int64_t excess = summary.weightBytes - *budget;
    if (*searchedBudget <= *smallest)
      return fail(tool, formatv("--size-budget={0} is unreachable: with every "
                                "layer at its narrowest format the compiled "
                                "weights take {1} bytes (the kernels' tiles "
                                "pad the packed weights)",
                                options.quantize->sizeBudget.getValue(),
                                summary.weightBytes));
    if (attempt == 3)
      return fail(tool, formatv("the compiled weights take {0} bytes, {1} "
                                "over --size-budget={2} after 3 searches (the "
                                "kernels' tiles pad the packed weights): give "
                                "a smaller budget",
                                summary.weightBytes, excess,
                                options.quantize->sizeBudget.getValue()));
    quantizeOptions->sizeBudget =
        std::to_string(std::max(*searchedBudget - excess, *smallest));
    errs() << formatv("{0}: note: the object's packed weights take {1} "
                      "bytes, {2} over the budget of {3}: searching again "
                      "with {4} bytes\n",
                      tool, summary.weightBytes, excess, *budget,
                      quantizeOptions->sizeBudget.getValue());
  }
  if (options.quantize && options.quantize->searchesPrecision())
    errs() << tool << ": qopt-search-precision chose --layer-bits="
           << join(searched, ",") << " (" << summary.weightBytes
           << " weight bytes)\n";

  if (options.report) {
    LayerReportInputs inputs;
    inputs.original = *original;
    inputs.beforeQuantize = *beforeQuantize;
    inputs.qdq = *qdq;
    inputs.prepare = options.quantize->prepareConfig();
    inputs.stats = stats;
    inputs.entry = options.compile.entry;
    inputs.samples =
        options.reportSamples.empty() ? options.samples : options.reportSamples;
    Expected<LayerReport> measured = measureLayerReport(inputs);
    if (!measured) {
      std::string message = toString(measured.takeError());
      if (!message.empty())
        printError(tool, message);
      return failure();
    }
    measured->name = options.compile.name;
    measured->settings = settingsText(options, searched);
    measured->samples = join(inputs.samples, ", ");
    if (failed(writeLayerReport(*measured, staging, tool)))
      return failure();
  }

  written = true;
  if (std::error_code ec = moveFiles(staging, outputDir))
    return fail(tool, "cannot move the compiled files into '" + outputDir +
                          "': " + ec.message());
  return success();
}

} // namespace qopt
