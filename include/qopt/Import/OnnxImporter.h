//===- OnnxImporter.h - ONNX model to float TOSA ----------------*- C++ -*-===//
//
// Translates an ONNX model (opsets 7-17) into one func.func @main of float
// TOSA with static shapes:
//
// - Layout: rank-4 activations are carried in NHWC. The function keeps the
//   model's own signature (NCHW arguments and results, so the same arrays
//   feed ONNX Runtime and qopt), with one transpose per rank-4 argument
//   where an op first needs NHWC and one per rank-4 result; `nhwcIO` drops
//   those. Axis attributes (Concat, Softmax, Reduce*, Slice, Split, Pad,
//   Transpose...) are remapped to NHWC; ops that reshape (Flatten, Reshape,
//   Squeeze, Unsqueeze, Gather, MatMul) see the logical layout again, which
//   costs no transpose when only unit dimensions move (as after a global
//   pool).
// - Weights are transposed at import: conv2d OHWI, depthwise HWCM, grouped
//   convolutions (1 < group < C) split into one conv2d per group and a
//   concat, Gemm/MatMul weights 1xKxN behind reshapes (a fully connected
//   layer is reshape → matmul → reshape → add of a 1xN bias), ConvTranspose
//   as a stride-1 conv2d with the flipped kernel over a zero-dilated input.
// - BatchNormalization becomes a mul and an add by per-channel constants
//   (1x1x1xC); qopt-fold-batchnorm folds them into the preceding layer.
//   Division by a constant is a multiplication by its reciprocal.
// - Shapes are made static by onnx::shape_inference after the input shapes
//   are fixed; subgraphs computable at import (Shape, Gather, Cast, Concat,
//   ConstantOfShape, Range, arithmetic... on constants) fold to constants.
// - Every op carries a NameLoc of its ONNX node (its name, or
//   `<OpType>_<index>`); an unsupported operator or attribute is an error
//   naming the node, never a partial module.
//
//===----------------------------------------------------------------------===//

#ifndef QOPT_IMPORT_ONNXIMPORTER_H
#define QOPT_IMPORT_ONNXIMPORTER_H

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/IR/OwningOpRef.h"
#include "llvm/ADT/StringRef.h"

#include <map>
#include <string>
#include <vector>

namespace qopt {

struct OnnxImportOptions {
  /// Static shapes for graph inputs, by input name; they replace the shapes
  /// declared in the model (dynamic dimensions must all be given here).
  std::map<std::string, std::vector<int64_t>> inputShapes;
  /// Rank-4 arguments and results in NHWC instead of the model's NCHW.
  bool nhwcIO = false;
};

/// Adds `name=d0,d1,...` (a command-line --input-shape) to
/// `options.inputShapes`; false if it is not of that form with positive
/// dimensions.
bool parseInputShape(llvm::StringRef spec, OnnxImportOptions &options);

/// Imports the ONNX model in the file `path` into a new module of `context`
/// (which must have the func and tosa dialects loaded or registered). Every
/// problem is reported as an error diagnostic on `context`, naming the ONNX
/// node involved; returns null then.
mlir::OwningOpRef<mlir::ModuleOp>
importOnnxModel(mlir::MLIRContext &context, llvm::StringRef path,
                const OnnxImportOptions &options);

/// Prints every diagnostic on `context` while it lives as
/// `<tool>: error: <model.onnx>: node '<name>': <message>`: importer errors
/// name their node themselves, later ones (the verifier, compilation) get it
/// from the op's location.
class OnnxDiagnosticHandler : public mlir::ScopedDiagnosticHandler {
public:
  OnnxDiagnosticHandler(mlir::MLIRContext &context, llvm::StringRef tool,
                        llvm::StringRef path);
};

/// The ONNX operator types (default domain) the importer translates; some
/// attributes or operand kinds of them may still be unsupported.
std::vector<std::string> onnxSupportedOps();

} // namespace qopt

#endif // QOPT_IMPORT_ONNXIMPORTER_H
