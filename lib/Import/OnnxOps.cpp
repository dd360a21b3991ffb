//===- OnnxOps.cpp - ONNX operators to float TOSA -------------------------===//
//
// The table of every operator translation (see OnnxOps.h) and the layout
// helpers the families share.
//
//===----------------------------------------------------------------------===//

#include "OnnxOps.h"

using namespace mlir;
using namespace llvm;

namespace qopt::onnx_import {

SmallVector<int64_t> physShape(ArrayRef<int64_t> shape, bool nhwc) {
  return nhwc ? toNhwcShape(shape) : SmallVector<int64_t>(shape);
}

int64_t physAxis(int64_t axis, bool nhwc) {
  return nhwc ? nhwcAxis(axis) : axis;
}

HostTensor mapHost(const HostTensor &h, llvm::function_ref<double(double)> fn) {
  HostTensor out = h;
  for (double &v : out.data)
    v = fn(v);
  return out;
}

static const OpTable &opTable() {
  static const OpTable table = [] {
    OpTable table;
    populateElementwiseOps(table);
    populateConvolutionOps(table);
    populateMatMulOps(table);
    populateReductionOps(table);
    populateShapeOps(table);
    populateResizeOps(table);
    return table;
  }();
  return table;
}

LogicalResult translateOp(Importer &im, StringRef opType) {
  auto it = opTable().find(opType);
  if (it == opTable().end())
    return im.fail("operator is not supported");
  return it->second(im);
}

} // namespace qopt::onnx_import

std::vector<std::string> qopt::onnxSupportedOps() {
  std::vector<std::string> names;
  for (const auto &entry : onnx_import::opTable())
    names.push_back(entry.first);
  return names;
}
