//===- Compile.h - Ahead-of-time compilation of a model ---------*- C++ -*-===//
//
// What qoptc does: a TOSA function (float or integer) becomes an object file
// exporting `int <name>_run(inputs..., outputs..., void *arena)`, a C header
// describing it, a report, and optionally a shared library. Generated code
// allocates nothing: every intermediate buffer lives in one arena whose size
// and offsets are planned at compile time; weights are read-only data.
//
//===----------------------------------------------------------------------===//

#ifndef QOPT_TARGET_COMPILE_H
#define QOPT_TARGET_COMPILE_H

#include "qopt/Target/Targets.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/BuiltinTypes.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/raw_ostream.h"

#include <optional>
#include <string>
#include <vector>

namespace qopt {

/// Everything qoptc's command line decides. Quantization options will join
/// here, applied before compileModel lowers the graph.
struct CompileOptions {
  /// The function to compile (empty: the single public function).
  std::string entry;
  /// A C identifier: the prefix of the API and the base name of the files.
  std::string name;
  /// Resolved target (see resolveTarget) and the name the user gave it.
  std::string targetName;
  TargetSpec target;
  /// Existing, writable directory receiving the files.
  std::string outputDir;
  /// Also link `lib<name>.so` (with ld.lld).
  bool shared = false;
  /// The plain upstream lowering instead of the kernels for the target's
  /// instruction set (the bit-exact integer reference).
  bool reference = false;
  /// Also write the assembly `<name>.s`.
  bool assembly = false;
};

/// Where `loc` is in the input model: a node name (ONNX) or file:line;
/// "-" when unknown.
std::string describeLocation(mlir::Location loc);

/// One argument or result of the compiled function as the C API sees it.
struct TensorInterface {
  mlir::RankedTensorType type;
  /// Per-tensor quantization from its `qopt.quant` attribute.
  std::optional<double> scale;
  int64_t zeroPoint = 0;

  int64_t bytes() const {
    return type.getNumElements() * type.getElementTypeBitWidth() / 8;
  }
};

/// A conv, depthwise conv or matmul of the graph.
struct LayerInfo {
  std::string op, location;
  int64_t macs;
  /// Element types of the input activation, the weight and the result.
  mlir::Type input, weight, output;
  /// Bits the integer input activation and weights actually use (a narrow
  /// range in wider storage: 4-bit weights are i8 constants in [-7, 7]; for
  /// weights, the bits of the codes the kernels pack); 0 for float.
  unsigned inputBits = 0, weightBits = 0;
  /// Bytes of the weights as the graph holds them (0 if not constant).
  int64_t constantWeightBytes = 0;
};

/// What the header and the report describe.
struct ModelSummary {
  std::string name, entry;
  std::vector<TensorInterface> inputs, outputs;
  /// Read-only data: the weights (the kernels' packed ones; under
  /// --reference the layers' weight constants) and every other constant
  /// buffer.
  int64_t weightBytes = 0, constantBytes = 0;
  int64_t arenaBytes = 0, arenaAlignment = 0;
  std::vector<LayerInfo> layers;
  /// The widths qopt-search-precision chose (`qopt.layer_bits`), if any.
  llvm::SmallVector<std::string> layerBits;
};

/// The arguments and results of `func` as the C API sees them; a type the
/// API cannot pass is an error on `func`.
mlir::LogicalResult describeInterface(mlir::func::FuncOp func,
                                      std::vector<TensorInterface> &inputs,
                                      std::vector<TensorInterface> &outputs);

/// Compiles the entry function of `module` (which is lowered in place) into
/// the files of `options`: `<name>.o`, `<name>.h`, `<name>.report.txt`, the
/// manifest `<name>.json`, with `shared` `lib<name>.so` and with `assembly`
/// `<name>.s`; `summary`, if given, receives what the header and report
/// describe. Problems are emitted as diagnostics on the module's context.
mlir::LogicalResult compileModel(mlir::ModuleOp module,
                                 const CompileOptions &options,
                                 ModelSummary *summary = nullptr);

/// The C header of a compiled model (C99, usable from C++).
void writeHeader(const ModelSummary &model, llvm::raw_ostream &os);

/// The manifest: the header's content as JSON (format "qopt-model").
void writeManifest(const ModelSummary &model, const CompileOptions &options,
                   llvm::raw_ostream &os);

/// The "inputs" and "outputs" arrays of the manifest (and of `qopt-run
/// --signature`): per tensor its dtype, shape, bytes and, with a
/// quantization, its scale and zero point.
void writeInterfaceJson(llvm::json::OStream &json,
                        llvm::ArrayRef<TensorInterface> inputs,
                        llvm::ArrayRef<TensorInterface> outputs);

/// A short human-readable report: sizes, MACs, per-layer types.
void writeReport(const ModelSummary &model, const CompileOptions &options,
                 llvm::raw_ostream &os);

} // namespace qopt

#endif // QOPT_TARGET_COMPILE_H
