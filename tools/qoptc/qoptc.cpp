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
// writes out/<name>.o, out/<name>.h, out/<name>.json (the manifest),
// out/<name>.report.txt, with --shared out/lib<name>.so, with --asm the
// assembly out/<name>.s and with --report the per-layer quantization report
// out/<name>.report.{json,md,html}. The model is float or integer TOSA, or
// ONNX (imported as qopt-import-onnx does). With calibration statistics (from
// qopt-calibrate) or samples to calibrate on, a float model is quantized
// first (--qopt-quantize-pipeline); without them it is compiled as it is. The
// files appear together or not at all. Everything is done by the driver
// library (qopt/Driver/Driver.h).
//
//===----------------------------------------------------------------------===//

#include "qopt/Driver/Driver.h"
#include "qopt/InitAll.h"

#include "mlir/Pass/PassManager.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/InitLLVM.h"

int main(int argc, char **argv) {
  llvm::InitLLVM initLLVM(argc, argv);
  qopt::registerAllPasses();
  mlir::registerPassManagerCLOptions();
  qopt::registerDriverCLOptions();
  // Let --list-targets work without the required arguments.
  for (int i = 1; i < argc; ++i)
    if (llvm::StringRef(argv[i]) == "--list-targets") {
      qopt::printTargets(llvm::outs());
      return 0;
    }
  llvm::cl::ParseCommandLineOptions(
      argc, argv,
      "qoptc: compiles a TOSA or ONNX model into an object file and a C "
      "header\n");
  mlir::FailureOr<qopt::DriverOptions> options = qopt::getDriverOptionsFromCL();
  return succeeded(options) && succeeded(qopt::runDriver(*options)) ? 0 : 1;
}
