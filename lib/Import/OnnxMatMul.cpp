//===- OnnxMatMul.cpp - ONNX Gemm and MatMul
//--------------------------------===//
//
// Matrix products as tosa.matmul (batched, rank 3).
//
//===----------------------------------------------------------------------===//

#include "OnnxOps.h"

#include "qopt/Utils/TosaBuilders.h"

#include "llvm/ADT/STLExtras.h"

#include <cmath>

using namespace mlir;
using namespace llvm;

namespace qopt::onnx_import {

namespace {

/// [B, M, K] × [B, K, N] → [B, M, N].
Value matmul(Importer &im, Value a, Value b) {
  ArrayRef<int64_t> as = cast<RankedTensorType>(a.getType()).getShape();
  ArrayRef<int64_t> bs = cast<RankedTensorType>(b.getType()).getShape();
  return tosa::MatMulOp::create(im.b, im.loc,
                                im.f32({std::max(as[0], bs[0]), as[1], bs[2]}),
                                a, b, im.zero(), im.zero());
}

LogicalResult convertGemm(Importer &im) {
  if (failed(im.checkAttrs({"alpha", "beta", "transA", "transB"})))
    return failure();
  Tensor &a = *im.input(0);
  Tensor &bT = *im.input(1);
  if (a.rank() != 2 || bT.rank() != 2)
    return im.fail("A and B must be matrices");
  float alpha = im.attrFloat("alpha", 1), beta = im.attrFloat("beta", 1);
  bool transA = im.attrInt("transA", 0), transB = im.attrInt("transB", 0);
  Value va = im.plain(a);
  if (transA)
    va = im.transpose(va, {1, 0});
  int64_t m = transA ? a.shape[1] : a.shape[0];
  int64_t k = transA ? a.shape[0] : a.shape[1];
  int64_t n = transB ? bT.shape[0] : bT.shape[1];
  if ((transB ? bT.shape[1] : bT.shape[0]) != k)
    return im.fail("inner dimensions of A and B differ");
  va = im.reshape(va, {1, m, k});
  Value vb;
  if (bT.host) {
    // The weight, scaled by alpha, in the 1xKxN layout of a TOSA matmul.
    HostTensor w = transB ? bT.host->transposed({1, 0}) : *bT.host;
    w = mapHost(w, [&](double v) { return v * alpha; });
    vb = im.constant(w.reshaped({1, k, n}));
  } else {
    vb = im.plain(bT);
    if (transB)
      vb = im.transpose(vb, {1, 0});
    vb = im.reshape(vb, {1, k, n});
  }
  Value y = im.reshape(matmul(im, va, vb), {m, n});
  if (!bT.host && alpha != 1)
    y = im.mul(y, im.scalarLike(y, alpha));
  Tensor out = im.result(y, {m, n}, false);
  if (Tensor *c = im.input(2); c && beta != 0) {
    Tensor bias = *c;
    if (c->host)
      bias =
          Tensor::ofHost(mapHost(*c->host, [&](double v) { return v * beta; }));
    else if (beta != 1)
      bias = im.result(im.mul(im.plain(*c), im.scalarLike(im.plain(*c), beta)),
                       c->shape, false);
    FailureOr<Tensor> sum = binary(im, out, bias, Binary::Add);
    if (failed(sum))
      return failure();
    out = std::move(*sum);
  }
  return im.setResult(0, std::move(out));
}

LogicalResult convertMatMul(Importer &im) {
  if (failed(im.checkAttrs({})))
    return failure();
  Tensor &a = *im.input(0);
  Tensor &bT = *im.input(1);
  if (a.rank() < 2 || bT.rank() < 2)
    return im.fail("1-D operands are not supported");
  int64_t m = a.shape[a.rank() - 2], k = a.shape.back(), n = bT.shape.back();
  if (bT.shape[bT.rank() - 2] != k)
    return im.fail("inner dimensions differ");
  SmallVector<int64_t> outShape(a.shape.begin(), a.shape.end() - 1);
  outShape.push_back(n);
  Value va, vb;
  if (bT.rank() == 2) {
    // Every row of every batch against one matrix: one [1, rows, K] matmul.
    int64_t rows = numElements(a.shape) / k;
    va = im.reshape(im.plain(a), {1, rows, k});
    vb = bT.host ? im.constant(bT.host->reshaped({1, k, n}))
                 : im.reshape(im.plain(bT), {1, k, n});
  } else if (a.rank() == bT.rank() &&
             ArrayRef<int64_t>(a.shape).drop_back(2) ==
                 ArrayRef<int64_t>(bT.shape).drop_back(2)) {
    int64_t batch = numElements(ArrayRef<int64_t>(a.shape).drop_back(2));
    va = im.reshape(im.plain(a), {batch, m, k});
    vb = im.reshape(im.plain(bT), {batch, k, n});
  } else {
    return im.fail("broadcasting of batch dimensions is not supported");
  }
  Value y = im.reshape(matmul(im, va, vb), outShape);
  return im.setResult(0, im.result(y, outShape, false));
}

} // namespace

void populateMatMulOps(OpTable &table) {
  table.insert({
      {"Gemm", convertGemm},
      {"MatMul", convertMatMul},
  });
}

} // namespace qopt::onnx_import
