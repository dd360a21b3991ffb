//===- OnnxShape.cpp - ONNX shape, layout and constant operators
//------------===//
//
// Operators that move, reshape or make data rather than compute: most act
// on import-time constants (shape arithmetic) as well as on values.
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

/// `x` reshaped to `shape` (a constant stays a constant).
Tensor reshapeTo(Importer &im, Tensor &x, ArrayRef<int64_t> shape) {
  if (x.host)
    return Tensor::ofHost(x.host->reshaped(shape));
  return im.result(im.reshape(im.plain(x), shape), shape, false);
}

LogicalResult convertReshape(Importer &im) {
  if (failed(im.checkAttrs({"allowzero"})))
    return failure();
  Tensor &x = *im.input(0);
  FailureOr<const HostTensor *> target = im.hostInput(1, "the target shape");
  if (failed(target))
    return failure();
  SmallVector<int64_t> shape = (*target)->ints();
  bool allowZero = im.attrInt("allowzero", 0);
  int64_t known = 1, inferred = -1;
  for (auto [i, d] : llvm::enumerate(shape)) {
    if (d == 0 && !allowZero) {
      if (i >= x.shape.size())
        return im.fail("0 in the shape refers to a missing input dimension");
      d = x.shape[i];
    }
    if (d == -1) {
      if (inferred >= 0)
        return im.fail("more than one -1 in the shape");
      inferred = i;
    } else if (d < 0) {
      return im.fail("invalid dimension " + Twine(d));
    } else {
      known *= d;
    }
  }
  int64_t total = numElements(x.shape);
  if (inferred >= 0) {
    if (known == 0 || total % known)
      return im.fail("cannot infer the -1 dimension");
    shape[inferred] = total / known;
  } else if (known != total) {
    return im.fail("the shape does not preserve the number of elements");
  }
  return im.setResult(0, reshapeTo(im, x, shape));
}

LogicalResult convertFlatten(Importer &im) {
  if (failed(im.checkAttrs({"axis"})))
    return failure();
  Tensor &x = *im.input(0);
  int64_t axis = im.attrInt("axis", 1);
  if (axis < 0)
    axis += x.rank();
  if (axis < 0 || axis > x.rank())
    return im.fail("axis is out of range");
  ArrayRef<int64_t> s = x.shape;
  SmallVector<int64_t> shape = {numElements(s.take_front(axis)),
                                numElements(s.drop_front(axis))};
  return im.setResult(0, reshapeTo(im, x, shape));
}

FailureOr<SmallVector<int64_t>> axesOperand(Importer &im, int input) {
  if (im.opset < 13 || !im.input(input))
    return im.attrInts("axes").value_or(SmallVector<int64_t>{});
  FailureOr<const HostTensor *> h = im.hostInput(input, "axes");
  if (failed(h))
    return failure();
  return (*h)->ints();
}

LogicalResult convertSqueeze(Importer &im) {
  if (failed(im.checkAttrs({"axes"})))
    return failure();
  Tensor &x = *im.input(0);
  FailureOr<SmallVector<int64_t>> axes = axesOperand(im, 1);
  if (failed(axes))
    return failure();
  SmallVector<bool> drop(x.rank(), axes->empty());
  if (axes->empty())
    for (int64_t i = 0; i < x.rank(); ++i)
      drop[i] = x.shape[i] == 1;
  for (int64_t a : *axes) {
    FailureOr<int64_t> axis = im.normAxis(a, x.rank());
    if (failed(axis))
      return failure();
    if (x.shape[*axis] != 1)
      return im.fail("cannot squeeze dimension " + Twine(*axis) + " of size " +
                     Twine(x.shape[*axis]));
    drop[*axis] = true;
  }
  SmallVector<int64_t> shape;
  for (int64_t i = 0; i < x.rank(); ++i)
    if (!drop[i])
      shape.push_back(x.shape[i]);
  return im.setResult(0, reshapeTo(im, x, shape));
}

LogicalResult convertUnsqueeze(Importer &im) {
  if (failed(im.checkAttrs({"axes"})))
    return failure();
  Tensor &x = *im.input(0);
  FailureOr<SmallVector<int64_t>> axes = axesOperand(im, 1);
  if (failed(axes))
    return failure();
  int64_t rank = x.rank() + axes->size();
  SmallVector<bool> inserted(rank, false);
  for (int64_t a : *axes) {
    FailureOr<int64_t> axis = im.normAxis(a, rank);
    if (failed(axis))
      return failure();
    inserted[*axis] = true;
  }
  SmallVector<int64_t> shape;
  auto it = x.shape.begin();
  for (int64_t i = 0; i < rank; ++i)
    shape.push_back(inserted[i] ? 1 : *it++);
  return im.setResult(0, reshapeTo(im, x, shape));
}

LogicalResult convertTranspose(Importer &im) {
  if (failed(im.checkAttrs({"perm"})))
    return failure();
  Tensor &x = *im.input(0);
  SmallVector<int64_t> perm = im.attrInts("perm").value_or(
      llvm::to_vector(llvm::reverse(llvm::seq<int64_t>(0, x.rank()))));
  if (static_cast<int64_t>(perm.size()) != x.rank())
    return im.fail("perm does not match the input rank");
  SmallVector<int64_t> shape;
  for (int64_t p : perm) {
    if (p < 0 || p >= x.rank())
      return im.fail("perm is not a permutation");
    shape.push_back(x.shape[p]);
  }
  if (x.host)
    return im.setResult(0, Tensor::ofHost(x.host->transposed(perm)));
  // One transpose from the carried layout straight to the result.
  SmallVector<int64_t> physical(perm);
  if (im.isNhwc(x))
    for (int64_t &p : physical)
      p = nhwcAxis(p);
  return im.setResult(
      0, im.result(im.permute(im.current(x), physical), shape, false));
}

LogicalResult convertConcat(Importer &im) {
  if (failed(im.checkAttrs({"axis"})))
    return failure();
  SmallVector<Tensor *> parts;
  for (int i = 0; i < im.numInputs(); ++i)
    if (Tensor *t = im.input(i); t && numElements(t->shape) != 0)
      parts.push_back(t);
  if (parts.empty())
    return im.fail("all inputs are empty");
  int64_t rank = parts.front()->rank();
  FailureOr<int64_t> axis = im.normAxis(im.attrInt("axis", 0), rank);
  if (failed(axis))
    return failure();
  SmallVector<int64_t> shape(parts.front()->shape);
  shape[*axis] = 0;
  bool allHost = true, nhwc = false;
  for (Tensor *t : parts) {
    if (t->rank() != rank)
      return im.fail("inputs have different ranks");
    shape[*axis] += t->shape[*axis];
    allHost &= t->host.has_value();
    nhwc |= rank == 4 && im.isNhwc(*t);
  }
  if (allHost) {
    SmallVector<const HostTensor *> hosts;
    for (Tensor *t : parts)
      hosts.push_back(&*t->host);
    return im.setResult(0, Tensor::ofHost(hostConcat(hosts, *axis)));
  }
  SmallVector<Value> values;
  for (Tensor *t : parts)
    values.push_back(im.operand(*t, rank, nhwc));
  Value y =
      values.size() == 1
          ? values.front()
          : tosa::ConcatOp::create(im.b, im.loc, im.f32(physShape(shape, nhwc)),
                                   values, physAxis(*axis, nhwc));
  return im.setResult(0, im.result(y, shape, nhwc));
}

LogicalResult convertSlice(Importer &im) {
  if (failed(im.checkAttrs({"starts", "ends", "axes"})))
    return failure();
  Tensor &x = *im.input(0);
  SmallVector<int64_t> starts, ends, axes, steps;
  if (im.opset < 10) {
    starts = im.attrInts("starts").value_or(SmallVector<int64_t>{});
    ends = im.attrInts("ends").value_or(SmallVector<int64_t>{});
    axes = im.attrInts("axes").value_or(SmallVector<int64_t>{});
  } else {
    const char *names[] = {"starts", "ends", "axes", "steps"};
    SmallVector<int64_t> *lists[] = {&starts, &ends, &axes, &steps};
    for (int i = 1; i < 5; ++i) {
      if (!im.input(i))
        continue;
      FailureOr<const HostTensor *> h = im.hostInput(i, names[i - 1]);
      if (failed(h))
        return failure();
      *lists[i - 1] = (*h)->ints();
    }
  }
  if (axes.empty())
    axes = llvm::to_vector(llvm::seq<int64_t>(0, starts.size()));
  if (steps.empty())
    steps.assign(starts.size(), 1);
  if (ends.size() != starts.size() || axes.size() != starts.size() ||
      steps.size() != starts.size())
    return im.fail("starts, ends, axes and steps differ in length");
  SmallVector<int64_t> begin(x.rank(), 0), size(x.shape), step(x.rank(), 1);
  for (size_t i = 0; i < axes.size(); ++i) {
    FailureOr<int64_t> axis = im.normAxis(axes[i], x.rank());
    if (failed(axis))
      return failure();
    int64_t dim = x.shape[*axis], s = steps[i];
    if (s == 0)
      return im.fail("a step is 0");
    int64_t lo = starts[i] < 0 ? starts[i] + dim : starts[i];
    int64_t hi = ends[i] < 0 ? ends[i] + dim : ends[i];
    if (s > 0) {
      lo = std::clamp<int64_t>(lo, 0, dim);
      hi = std::clamp<int64_t>(hi, 0, dim);
    } else {
      lo = std::clamp<int64_t>(lo, 0, dim - 1);
      hi = std::clamp<int64_t>(hi, -1, dim - 1);
    }
    begin[*axis] = lo;
    step[*axis] = s;
    size[*axis] = std::max<int64_t>(0, s > 0 ? (hi - lo + s - 1) / s
                                             : (lo - hi - s - 1) / -s);
  }
  if (x.host)
    return im.setResult(0, Tensor::ofHost(x.host->slice(begin, size, step)));
  if (llvm::any_of(step, [](int64_t s) { return s != 1; }))
    return im.fail("steps other than 1 are not supported on activations");
  if (numElements(size) == 0)
    return im.fail("empty slices are not supported");
  bool nhwc = im.isNhwc(x);
  Value y =
      im.slice(im.current(x), physShape(begin, nhwc), physShape(size, nhwc));
  return im.setResult(0, im.result(y, size, nhwc));
}

LogicalResult convertSplit(Importer &im) {
  if (failed(im.checkAttrs({"axis", "split"})))
    return failure();
  Tensor &x = *im.input(0);
  FailureOr<int64_t> axis = im.normAxis(im.attrInt("axis", 0), x.rank());
  if (failed(axis))
    return failure();
  int outputs = im.node->output_size();
  SmallVector<int64_t> sizes =
      im.attrInts("split").value_or(SmallVector<int64_t>{});
  if (im.opset >= 13 && im.input(1)) {
    FailureOr<const HostTensor *> h = im.hostInput(1, "split");
    if (failed(h))
      return failure();
    sizes = (*h)->ints();
  }
  if (sizes.empty()) {
    if (x.shape[*axis] % outputs)
      return im.fail("the axis does not split evenly");
    sizes.assign(outputs, x.shape[*axis] / outputs);
  }
  if (static_cast<int>(sizes.size()) != outputs)
    return im.fail("split sizes do not match the outputs");
  bool nhwc = im.isNhwc(x);
  int64_t offset = 0;
  for (int i = 0; i < outputs; ++i) {
    SmallVector<int64_t> begin(x.rank(), 0), size(x.shape);
    begin[*axis] = offset;
    size[*axis] = sizes[i];
    offset += sizes[i];
    Tensor part;
    if (x.host)
      part = Tensor::ofHost(
          x.host->slice(begin, size, SmallVector<int64_t>(x.rank(), 1)));
    else
      part = im.result(im.slice(im.current(x), physShape(begin, nhwc),
                                physShape(size, nhwc)),
                       size, nhwc);
    if (failed(im.setResult(i, std::move(part))))
      return failure();
  }
  return success();
}

LogicalResult convertPad(Importer &im) {
  if (failed(im.checkAttrs({"mode", "pads", "value"})))
    return failure();
  std::string mode = im.attrString("mode", "constant");
  if (mode != "constant")
    return im.fail("mode '" + mode + "' is not supported (only 'constant')");
  Tensor &x = *im.input(0);
  SmallVector<int64_t> pads;
  float value = 0;
  if (im.opset < 11) {
    pads = im.attrInts("pads").value_or(SmallVector<int64_t>{});
    value = im.attrFloat("value", 0);
  } else {
    FailureOr<const HostTensor *> p = im.hostInput(1, "pads");
    if (failed(p))
      return failure();
    pads = (*p)->ints();
    if (im.input(2)) {
      FailureOr<const HostTensor *> v = im.hostInput(2, "the constant value");
      if (failed(v))
        return failure();
      if ((*v)->data.size() != 1)
        return im.fail("the constant value must be a scalar");
      value = (*v)->data[0];
    }
  }
  int64_t rank = x.rank();
  if (static_cast<int64_t>(pads.size()) != 2 * rank)
    return im.fail("pads must have 2 values per dimension");
  if (llvm::any_of(pads, [](int64_t p) { return p < 0; }))
    return im.fail("negative pads are not supported");
  bool nhwc = im.isNhwc(x);
  SmallVector<int64_t> shape(x.shape), padding;
  for (int64_t i = 0; i < rank; ++i)
    shape[i] += pads[i] + pads[i + rank];
  for (int64_t p = 0; p < rank; ++p) {
    int64_t l = nhwc ? kToNhwc[p] : p;
    padding.push_back(pads[l]);
    padding.push_back(pads[l + rank]);
  }
  Value y = tosa::PadOp::create(im.b, im.loc, im.f32(physShape(shape, nhwc)),
                                im.current(x), im.shapeConst(padding),
                                createF32Const(im.b, im.loc, {1}, {value}));
  return im.setResult(0, im.result(y, shape, nhwc));
}

LogicalResult convertIdentity(Importer &im) {
  if (failed(im.checkAttrs({"ratio", "seed", "is_test"})))
    return failure();
  if (im.resultUsed(1))
    return im.fail("the mask output is not supported");
  // Dropout is the identity in inference only.
  if (im.node->op_type() == "Dropout" && im.input(2)) {
    FailureOr<const HostTensor *> training = im.hostInput(2, "training_mode");
    if (failed(training))
      return failure();
    if ((*training)->data.at(0) != 0)
      return im.fail("training mode is not supported");
  }
  return im.setResult(0, *im.input(0));
}

LogicalResult convertConstant(Importer &im) {
  const onnx::AttributeProto *a =
      im.node->attribute_size() == 1 ? &im.node->attribute(0) : nullptr;
  if (!a)
    return im.fail("expects exactly one attribute");
  HostTensor h;
  if (a->name() == "value") {
    Expected<HostTensor> t = HostTensor::fromProto(a->t());
    if (!t)
      return im.fail(toString(t.takeError()));
    h = std::move(*t);
  } else if (a->name() == "value_float") {
    h = HostTensor({}, {a->f()}, true);
  } else if (a->name() == "value_floats") {
    h = HostTensor({a->floats_size()},
                   std::vector<double>(a->floats().begin(), a->floats().end()),
                   true);
  } else if (a->name() == "value_int") {
    h = HostTensor({}, {static_cast<double>(a->i())}, false);
  } else if (a->name() == "value_ints") {
    h = HostTensor({a->ints_size()},
                   std::vector<double>(a->ints().begin(), a->ints().end()),
                   false);
  } else {
    return im.fail("attribute '" + a->name() + "' is not supported");
  }
  return im.setResult(0, Tensor::ofHost(std::move(h)));
}

LogicalResult convertShape(Importer &im) {
  if (failed(im.checkAttrs({"start", "end"})))
    return failure();
  ArrayRef<int64_t> shape = im.input(0)->shape;
  int64_t rank = shape.size();
  int64_t start = im.attrInt("start", 0), end = im.attrInt("end", rank);
  start = std::clamp<int64_t>(start < 0 ? start + rank : start, 0, rank);
  end = std::clamp<int64_t>(end < 0 ? end + rank : end, start, rank);
  std::vector<double> dims(shape.begin() + start, shape.begin() + end);
  return im.setResult(
      0, Tensor::ofHost(HostTensor({end - start}, std::move(dims), false)));
}

LogicalResult convertSize(Importer &im) {
  if (failed(im.checkAttrs({})))
    return failure();
  double n = numElements(im.input(0)->shape);
  return im.setResult(0, Tensor::ofHost(HostTensor({}, {n}, false)));
}

LogicalResult convertGather(Importer &im) {
  if (failed(im.checkAttrs({"axis"})))
    return failure();
  Tensor &x = *im.input(0);
  FailureOr<const HostTensor *> indices = im.hostInput(1, "the indices");
  if (failed(indices))
    return failure();
  FailureOr<int64_t> axis = im.normAxis(im.attrInt("axis", 0), x.rank());
  if (failed(axis))
    return failure();
  if (x.host) {
    Expected<HostTensor> g = hostGather(*x.host, **indices, *axis);
    if (!g)
      return im.fail(toString(g.takeError()));
    return im.setResult(0, Tensor::ofHost(std::move(*g)));
  }
  // Constant indices on an activation: one slice per index, concatenated.
  int64_t dim = x.shape[*axis];
  SmallVector<Value> parts;
  SmallVector<int64_t> size(x.shape);
  size[*axis] = 1;
  Value v = im.plain(x);
  for (int64_t i : (*indices)->ints()) {
    if (i < -dim || i >= dim)
      return im.fail("index " + Twine(i) + " is out of range");
    SmallVector<int64_t> begin(x.rank(), 0);
    begin[*axis] = i < 0 ? i + dim : i;
    parts.push_back(im.slice(v, begin, size));
  }
  SmallVector<int64_t> catShape(x.shape);
  catShape[*axis] = parts.size();
  Value y = parts.size() == 1
                ? parts.front()
                : tosa::ConcatOp::create(im.b, im.loc, im.f32(catShape), parts,
                                         *axis);
  ArrayRef<int64_t> s = x.shape;
  SmallVector<int64_t> outShape(s.take_front(*axis));
  outShape.append((*indices)->shape.begin(), (*indices)->shape.end());
  outShape.append(s.begin() + *axis + 1, s.end());
  return im.setResult(0, im.result(im.reshape(y, outShape), outShape, false));
}

LogicalResult convertCast(Importer &im) {
  if (failed(im.checkAttrs({"to", "saturate"})))
    return failure();
  Tensor &x = *im.input(0);
  using TP = onnx::TensorProto;
  int64_t to = im.attrInt("to", TP::FLOAT);
  bool toFloat = to == TP::FLOAT || to == TP::DOUBLE || to == TP::FLOAT16;
  if (x.host) {
    HostTensor h = mapHost(*x.host, [&](double v) {
      if (to == TP::BOOL)
        return v != 0 ? 1.0 : 0.0;
      return toFloat ? (to == TP::FLOAT ? (double)(float)v : v) : std::trunc(v);
    });
    h.isFloat = toFloat;
    return im.setResult(0, Tensor::ofHost(std::move(h)));
  }
  if (to != TP::FLOAT)
    return im.fail("casting an activation to " +
                   TP::DataType_Name(static_cast<TP::DataType>(to)) +
                   " is not supported");
  return im.setResult(0, x);
}

LogicalResult convertConstantOfShape(Importer &im) {
  if (failed(im.checkAttrs({"value"})))
    return failure();
  FailureOr<const HostTensor *> shape = im.hostInput(0, "the shape");
  if (failed(shape))
    return failure();
  HostTensor fill({1}, {0.0}, true);
  if (const onnx::AttributeProto *a = im.attr("value")) {
    Expected<HostTensor> t = HostTensor::fromProto(a->t());
    if (!t)
      return im.fail(toString(t.takeError()));
    fill = std::move(*t);
  }
  SmallVector<int64_t> dims = (*shape)->ints();
  return im.setResult(
      0, Tensor::ofHost(HostTensor(
             dims, std::vector<double>(numElements(dims), fill.data.at(0)),
             fill.isFloat)));
}

LogicalResult convertRange(Importer &im) {
  if (failed(im.checkAttrs({})))
    return failure();
  double v[3];
  for (int i = 0; i < 3; ++i) {
    FailureOr<const HostTensor *> h = im.hostInput(i, i == 0   ? "start"
                                                      : i == 1 ? "limit"
                                                               : "delta");
    if (failed(h))
      return failure();
    v[i] = (*h)->data.at(0);
  }
  if (v[2] == 0)
    return im.fail("delta is 0");
  int64_t n = std::max<int64_t>(std::ceil((v[1] - v[0]) / v[2]), 0);
  std::vector<double> data;
  for (int64_t i = 0; i < n; ++i)
    data.push_back(v[0] + i * v[2]);
  return im.setResult(0,
                      Tensor::ofHost(HostTensor({n}, std::move(data),
                                                im.input(0)->host->isFloat)));
}

LogicalResult convertExpand(Importer &im) {
  if (failed(im.checkAttrs({})))
    return failure();
  Tensor &x = *im.input(0);
  FailureOr<const HostTensor *> target = im.hostInput(1, "the shape");
  if (failed(target))
    return failure();
  SmallVector<int64_t> shape;
  if (!broadcastShapes(x.shape, (*target)->ints(), shape))
    return im.fail("the shape does not broadcast with the input");
  if (x.host)
    return im.setResult(0, Tensor::ofHost(x.host->broadcastTo(shape)));
  int64_t rank = shape.size();
  bool nhwc = rank == 4 && im.isNhwc(x);
  Value v = im.operand(x, rank, nhwc);
  SmallVector<int64_t> multiples;
  ArrayRef<int64_t> in = cast<RankedTensorType>(v.getType()).getShape();
  SmallVector<int64_t> out = physShape(shape, nhwc);
  for (int64_t i = 0; i < rank; ++i)
    multiples.push_back(out[i] / in[i]);
  Value y = tosa::TileOp::create(im.b, im.loc, im.f32(out), v,
                                 im.shapeConst(multiples));
  return im.setResult(0, im.result(y, shape, nhwc));
}

} // namespace

void populateShapeOps(OpTable &table) {
  table.insert({
      {"Cast", convertCast},
      {"Concat", convertConcat},
      {"Constant", convertConstant},
      {"ConstantOfShape", convertConstantOfShape},
      {"Dropout", convertIdentity},
      {"Expand", convertExpand},
      {"Flatten", convertFlatten},
      {"Gather", convertGather},
      {"Identity", convertIdentity},
      {"Pad", convertPad},
      {"Range", convertRange},
      {"Reshape", convertReshape},
      {"Shape", convertShape},
      {"Size", convertSize},
      {"Slice", convertSlice},
      {"Split", convertSplit},
      {"Squeeze", convertSqueeze},
      {"Transpose", convertTranspose},
      {"Unsqueeze", convertUnsqueeze},
  });
}

} // namespace qopt::onnx_import
