//===- Importer.h - ONNX graph to TOSA translation state --------*- C++ -*-===//
//
// The state of one import: every ONNX value seen so far (as an import-time
// constant, or as an SSA value in NCHW-as-given or NHWC layout), the node
// being translated (its location and diagnostics), and the layout and
// builder helpers the operator translations share.
//
//===----------------------------------------------------------------------===//

#ifndef QOPT_LIB_IMPORT_IMPORTER_H
#define QOPT_LIB_IMPORT_IMPORTER_H

#include "HostTensor.h"
#include "qopt/Import/OnnxImporter.h"

#include "mlir/Dialect/Tosa/IR/TosaOps.h"
#include "mlir/IR/Builders.h"
#include "onnx/onnx_pb.h"

#include <map>
#include <optional>

namespace qopt::onnx_import {

/// One ONNX value. `shape` is always the ONNX (logical) shape; `value`, when
/// set, holds it in f32, transposed to NHWC when `nhwc` (rank 4 only).
struct Tensor {
  llvm::SmallVector<int64_t> shape;
  std::optional<HostTensor> host;
  mlir::Value value;
  bool nhwc = false;
  /// Layout conversions already emitted, so each happens at most once.
  mlir::Value plainCache, nhwcCache;

  static Tensor ofHost(HostTensor h) {
    Tensor t;
    t.shape = h.shape;
    t.host = std::move(h);
    return t;
  }
  static Tensor ofValue(mlir::Value v, llvm::ArrayRef<int64_t> shape,
                        bool nhwc) {
    Tensor t;
    t.shape.assign(shape.begin(), shape.end());
    t.value = v;
    t.nhwc = nhwc;
    return t;
  }
  int64_t rank() const { return shape.size(); }
};

/// Physical position of logical NCHW axis `axis` in NHWC.
int64_t nhwcAxis(int64_t axis);
/// The permutation NCHW → NHWC: physical NHWC axis `p` is logical axis
/// `kToNhwc[p]`.
extern const int64_t kToNhwc[4];
/// `shape` (NCHW) as carried in NHWC.
llvm::SmallVector<int64_t> toNhwcShape(llvm::ArrayRef<int64_t> shape);

class Importer {
public:
  Importer(mlir::MLIRContext &context, llvm::StringRef path,
           const OnnxImportOptions &options);
  mlir::OwningOpRef<mlir::ModuleOp> run();

  // --- Diagnostics and attributes of the node being translated. ---
  mlir::LogicalResult fail(const llvm::Twine &why);
  const onnx::AttributeProto *attr(llvm::StringRef name) const;
  int64_t attrInt(llvm::StringRef name, int64_t dflt) const;
  float attrFloat(llvm::StringRef name, float dflt) const;
  std::string attrString(llvm::StringRef name, llvm::StringRef dflt) const;
  std::optional<llvm::SmallVector<int64_t>>
  attrInts(llvm::StringRef name) const;
  /// Fails on an attribute of the node outside `known` (a translation that
  /// ignored it would silently compute something else).
  mlir::LogicalResult checkAttrs(llvm::ArrayRef<llvm::StringRef> known);

  // --- Operands and results of the node. ---
  int numInputs() const;
  /// Input `i`, or null when absent (optional inputs).
  Tensor *input(int i);
  /// Input `i` as an import-time constant; fails naming `what` otherwise.
  mlir::FailureOr<const HostTensor *> hostInput(int i, llvm::StringRef what);
  mlir::LogicalResult setResult(int i, Tensor t);
  bool resultUsed(int i) const;
  /// Normalizes a possibly negative axis of a rank-`rank` tensor.
  mlir::FailureOr<int64_t> normAxis(int64_t axis, int64_t rank);

  // --- Layouts. ---
  mlir::Value plain(Tensor &t);
  mlir::Value nhwc(Tensor &t);
  /// The tensor in whatever layout it already has (host: plain).
  mlir::Value current(Tensor &t) { return t.host ? plain(t) : t.value; }
  bool isNhwc(const Tensor &t) const { return !t.host && t.nhwc; }
  /// `t` broadcast-ready for an op of rank `rank` (leading unit dimensions
  /// added) in NHWC or plain layout.
  mlir::Value operand(Tensor &t, int64_t rank, bool asNhwc);
  /// Tensor with logical `shape` from a physical value in `nhwc` layout.
  Tensor result(mlir::Value v, llvm::ArrayRef<int64_t> shape, bool nhwc) {
    return Tensor::ofValue(v, shape, nhwc);
  }

  // --- Builders (at the current node's location). ---
  mlir::OpBuilder b;
  mlir::Location loc;
  mlir::RankedTensorType f32(llvm::ArrayRef<int64_t> shape);
  mlir::Value constant(const HostTensor &h);
  mlir::Value scalarLike(mlir::Value like, float value);
  mlir::Value zero();
  mlir::Value shapeConst(llvm::ArrayRef<int64_t> values);
  mlir::Value reshape(mlir::Value v, llvm::ArrayRef<int64_t> shape);
  mlir::Value transpose(mlir::Value v, llvm::ArrayRef<int64_t> perm);
  /// Transpose, or a reshape when only unit dimensions move.
  mlir::Value permute(mlir::Value v, llvm::ArrayRef<int64_t> perm);
  mlir::Value slice(mlir::Value v, llvm::ArrayRef<int64_t> start,
                    llvm::ArrayRef<int64_t> size);
  mlir::Value clamp(mlir::Value v, float lo, float hi);
  mlir::Value mul(mlir::Value a, mlir::Value c);
  /// Elementwise op result type for operands that broadcast.
  mlir::RankedTensorType broadcastType(mlir::Value a, mlir::Value c);

  int64_t opset = 0;
  const onnx::NodeProto *node = nullptr;

private:
  mlir::LogicalResult importGraph(mlir::ModuleOp module);
  mlir::LogicalResult loadModel();
  mlir::LogicalResult makeInputsStatic();
  mlir::LogicalResult translateNode();
  mlir::LogicalResult failModel(const llvm::Twine &why);

  mlir::MLIRContext &context;
  std::string path;
  const OnnxImportOptions &options;
  onnx::ModelProto model;
  int64_t nodeIndex = -1;
  std::map<std::string, Tensor> tensors;
  std::map<std::string, llvm::SmallVector<int64_t>> inferredShapes;
  std::map<std::string, int> useCounts;
};

/// Translates the current node of `im` if its op type is one of the ONNX
/// operators qopt supports (OnnxOps.cpp); fails with a diagnostic otherwise.
mlir::LogicalResult translateOp(Importer &im, llvm::StringRef opType);

} // namespace qopt::onnx_import

#endif // QOPT_LIB_IMPORT_IMPORTER_H
