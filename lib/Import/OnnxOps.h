//===- OnnxOps.h - ONNX operator translations, by family --------*- C++ -*-===//
//
// One translation per ONNX operator, one file per family (as torch-mlir's
// TorchOnnxToTorch): each reads the node's inputs through the Importer
// (import-time constants or values in their current layout) and records its
// results; rank-4 activations stay in NHWC where the operator allows it
// (axes are remapped) and are converted back to the logical layout only
// before operators that reshape. Each family's file registers its
// translations with its populate function; OnnxOps.cpp gathers them.
//
//===----------------------------------------------------------------------===//

#ifndef QOPT_LIB_IMPORT_ONNXOPS_H
#define QOPT_LIB_IMPORT_ONNXOPS_H

#include "Importer.h"

#include <functional>
#include <map>
#include <string>

namespace qopt::onnx_import {

using OpTranslation = std::function<mlir::LogicalResult(Importer &)>;
using OpTable = std::map<std::string, OpTranslation, std::less<>>;

/// Arithmetic, activations, other one-input ops (OnnxElementwise.cpp).
void populateElementwiseOps(OpTable &table);
/// Conv, ConvTranspose, pools, BatchNormalization (OnnxConvolution.cpp).
void populateConvolutionOps(OpTable &table);
/// Gemm, MatMul (OnnxMatMul.cpp).
void populateMatMulOps(OpTable &table);
/// Reduce*, Softmax, LogSoftmax (OnnxReduction.cpp).
void populateReductionOps(OpTable &table);
/// Shape, layout and constant operators (OnnxShape.cpp).
void populateShapeOps(OpTable &table);
/// Resize, Upsample (OnnxResize.cpp).
void populateResizeOps(OpTable &table);

// Shared by the families.

/// `shape` (logical) as carried physically: NHWC when `nhwc`.
llvm::SmallVector<int64_t> physShape(llvm::ArrayRef<int64_t> shape, bool nhwc);
/// Physical position of logical axis `axis`.
int64_t physAxis(int64_t axis, bool nhwc);
/// `fn` applied to every element of `h`.
HostTensor mapHost(const HostTensor &h, llvm::function_ref<double(double)> fn);

enum class Binary { Add, Sub, Mul, Div, Pow, Max, Min };
/// `a kind c` with numpy broadcasting, folded when both are constants.
mlir::FailureOr<Tensor> binary(Importer &im, Tensor &a, Tensor &c, Binary kind);

} // namespace qopt::onnx_import

#endif // QOPT_LIB_IMPORT_ONNXOPS_H
