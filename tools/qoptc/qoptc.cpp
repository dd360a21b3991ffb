//===- qoptc.cpp - Compile a model into an object file and a C header -----===//
//
//   qoptc model.mlir --target=<t> [--mcpu=CPU] [--mattr=+a,-b] [--name NAME]
//         [--entry FN] [--shared] -o out/
//
// writes out/<name>.o, out/<name>.h, out/<name>.report.txt and, with
// --shared, out/lib<name>.so. The model is float or integer TOSA.
//
//===----------------------------------------------------------------------===//

#include "qopt/InitAll.h"
#include "qopt/Support/ModelFile.h"
#include "qopt/Target/Compile.h"

#include "mlir/Pass/PassManager.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/WithColor.h"

using namespace llvm;
using namespace mlir;

static cl::opt<std::string> modelFile(cl::Positional, cl::Required,
                                      cl::desc("<model.mlir>"));
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
      "qoptc: compiles a TOSA model into an object file and a C header\n");

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
  options.entry = entry;
  options.shared = shared;
  options.outputDir = outputDir;
  if (std::error_code ec = sys::fs::create_directories(outputDir))
    return fail("cannot create the output directory '" + outputDir +
                "': " + ec.message());
  if (std::error_code ec =
          sys::fs::access(outputDir, sys::fs::AccessMode::Write))
    return fail("cannot write to the output directory '" + outputDir +
                "': " + ec.message());

  std::unique_ptr<qopt::ModelFile> model =
      qopt::ModelFile::load(modelFile, "qoptc");
  if (!model)
    return 1;
  return failed(qopt::compileModel(*model->module, options)) ? 1 : 0;
}
