//===- HostTensor.cpp - Import-time tensors of the ONNX importer ----------===//

#include "HostTensor.h"

#include "onnx/onnx_pb.h"

#include <cmath>
#include <cstring>

using namespace llvm;

namespace qopt::onnx_import {

int64_t numElements(ArrayRef<int64_t> shape) {
  int64_t n = 1;
  for (int64_t d : shape)
    n *= d;
  return n;
}

static SmallVector<int64_t> stridesOf(ArrayRef<int64_t> shape) {
  SmallVector<int64_t> strides(shape.size(), 1);
  for (int64_t i = static_cast<int64_t>(shape.size()) - 2; i >= 0; --i)
    strides[i] = strides[i + 1] * shape[i + 1];
  return strides;
}

/// Calls `fn(flatIndex, index)` for every index of `shape` in row-major order.
static void forEachIndex(ArrayRef<int64_t> shape,
                         function_ref<void(int64_t, ArrayRef<int64_t>)> fn) {
  int64_t n = numElements(shape);
  SmallVector<int64_t> index(shape.size(), 0);
  for (int64_t flat = 0; flat < n; ++flat) {
    fn(flat, index);
    for (int64_t d = static_cast<int64_t>(shape.size()) - 1; d >= 0; --d) {
      if (++index[d] < shape[d])
        break;
      index[d] = 0;
    }
  }
}

template <typename T>
static std::vector<double> fromRaw(const std::string &raw) {
  std::vector<double> out(raw.size() / sizeof(T));
  for (size_t i = 0; i < out.size(); ++i) {
    T v;
    std::memcpy(&v, raw.data() + i * sizeof(T), sizeof(T));
    out[i] = static_cast<double>(v);
  }
  return out;
}

template <typename Field>
static std::vector<double> fromField(const Field &field) {
  return std::vector<double>(field.begin(), field.end());
}

Expected<HostTensor> HostTensor::fromProto(const onnx::TensorProto &proto) {
  auto fail = [&](const Twine &why) {
    return createStringError(inconvertibleErrorCode(),
                             "tensor '" + proto.name() + "': " + why);
  };
  if (proto.data_location() == onnx::TensorProto::EXTERNAL)
    return fail("external data is not supported");
  HostTensor t;
  for (int64_t d : proto.dims()) {
    if (d < 0)
      return fail("negative dimension");
    t.shape.push_back(d);
  }
  const std::string &raw = proto.raw_data();
  bool hasRaw = proto.has_raw_data();
  using TP = onnx::TensorProto;
  switch (proto.data_type()) {
  case TP::FLOAT:
    t.data = hasRaw ? fromRaw<float>(raw) : fromField(proto.float_data());
    break;
  case TP::DOUBLE:
    t.data = hasRaw ? fromRaw<double>(raw) : fromField(proto.double_data());
    break;
  case TP::INT64:
    t.data = hasRaw ? fromRaw<int64_t>(raw) : fromField(proto.int64_data());
    t.isFloat = false;
    break;
  case TP::INT32:
    t.data = hasRaw ? fromRaw<int32_t>(raw) : fromField(proto.int32_data());
    t.isFloat = false;
    break;
  case TP::INT16:
    t.data = hasRaw ? fromRaw<int16_t>(raw) : fromField(proto.int32_data());
    t.isFloat = false;
    break;
  case TP::INT8:
    t.data = hasRaw ? fromRaw<int8_t>(raw) : fromField(proto.int32_data());
    t.isFloat = false;
    break;
  case TP::UINT8:
  case TP::BOOL:
    t.data = hasRaw ? fromRaw<uint8_t>(raw) : fromField(proto.int32_data());
    t.isFloat = false;
    break;
  default:
    return fail(
        "element type " +
        TP::DataType_Name(static_cast<TP::DataType>(proto.data_type())) +
        " is not supported");
  }
  if (static_cast<int64_t>(t.data.size()) != numElements(t.shape))
    return fail("holds " + Twine(t.data.size()) + " elements, its shape " +
                Twine(numElements(t.shape)));
  return t;
}

SmallVector<int64_t> HostTensor::ints() const {
  SmallVector<int64_t> out;
  for (double v : data)
    out.push_back(static_cast<int64_t>(v));
  return out;
}

std::vector<float> HostTensor::floats() const {
  return std::vector<float>(data.begin(), data.end());
}

HostTensor HostTensor::reshaped(ArrayRef<int64_t> newShape) const {
  return HostTensor(newShape, data, isFloat);
}

HostTensor HostTensor::transposed(ArrayRef<int64_t> perm) const {
  SmallVector<int64_t> newShape;
  for (int64_t p : perm)
    newShape.push_back(shape[p]);
  SmallVector<int64_t> strides = stridesOf(shape);
  std::vector<double> out(data.size());
  forEachIndex(newShape, [&](int64_t flat, ArrayRef<int64_t> index) {
    int64_t src = 0;
    for (size_t d = 0; d < perm.size(); ++d)
      src += index[d] * strides[perm[d]];
    out[flat] = data[src];
  });
  return HostTensor(newShape, std::move(out), isFloat);
}

HostTensor HostTensor::slice(ArrayRef<int64_t> starts, ArrayRef<int64_t> sizes,
                             ArrayRef<int64_t> steps) const {
  SmallVector<int64_t> strides = stridesOf(shape);
  std::vector<double> out(numElements(sizes));
  forEachIndex(sizes, [&](int64_t flat, ArrayRef<int64_t> index) {
    int64_t src = 0;
    for (size_t d = 0; d < sizes.size(); ++d)
      src += (starts[d] + index[d] * steps[d]) * strides[d];
    out[flat] = data[src];
  });
  return HostTensor(sizes, std::move(out), isFloat);
}

HostTensor HostTensor::broadcastTo(ArrayRef<int64_t> newShape) const {
  size_t lead = newShape.size() - shape.size();
  SmallVector<int64_t> strides = stridesOf(shape);
  std::vector<double> out(numElements(newShape));
  forEachIndex(newShape, [&](int64_t flat, ArrayRef<int64_t> index) {
    int64_t src = 0;
    for (size_t d = 0; d < shape.size(); ++d)
      if (shape[d] != 1)
        src += index[lead + d] * strides[d];
    out[flat] = data[src];
  });
  return HostTensor(newShape, std::move(out), isFloat);
}

bool broadcastShapes(ArrayRef<int64_t> a, ArrayRef<int64_t> b,
                     SmallVectorImpl<int64_t> &result) {
  size_t rank = std::max(a.size(), b.size());
  result.assign(rank, 1);
  for (size_t i = 0; i < rank; ++i) {
    int64_t da = i < rank - a.size() ? 1 : a[i - (rank - a.size())];
    int64_t db = i < rank - b.size() ? 1 : b[i - (rank - b.size())];
    if (da != db && da != 1 && db != 1)
      return false;
    result[i] = da == 1 ? db : da;
  }
  return true;
}

HostTensor hostBinary(const HostTensor &a, const HostTensor &b,
                      function_ref<double(double, double)> fn) {
  SmallVector<int64_t> shape;
  broadcastShapes(a.shape, b.shape, shape);
  HostTensor x = a.broadcastTo(shape), y = b.broadcastTo(shape);
  bool isFloat = a.isFloat || b.isFloat;
  for (size_t i = 0; i < x.data.size(); ++i) {
    double v = fn(x.data[i], y.data[i]);
    x.data[i] = isFloat ? v : std::trunc(v);
  }
  x.isFloat = isFloat;
  return x;
}

HostTensor hostConcat(ArrayRef<const HostTensor *> parts, int64_t axis) {
  SmallVector<int64_t> shape(parts.front()->shape);
  shape[axis] = 0;
  for (const HostTensor *p : parts)
    shape[axis] += p->shape[axis];
  int64_t outer = numElements(ArrayRef<int64_t>(shape).take_front(axis));
  std::vector<double> out;
  out.reserve(numElements(shape));
  for (int64_t o = 0; o < outer; ++o) {
    for (const HostTensor *p : parts) {
      int64_t chunk = numElements(ArrayRef<int64_t>(p->shape).drop_front(axis));
      out.insert(out.end(), p->data.begin() + o * chunk,
                 p->data.begin() + (o + 1) * chunk);
    }
  }
  return HostTensor(shape, std::move(out), parts.front()->isFloat);
}

Expected<HostTensor> hostGather(const HostTensor &data,
                                const HostTensor &indices, int64_t axis) {
  ArrayRef<int64_t> shape = data.shape;
  SmallVector<int64_t> outShape(shape.take_front(axis));
  outShape.append(indices.shape.begin(), indices.shape.end());
  outShape.append(shape.begin() + axis + 1, shape.end());
  int64_t outer = numElements(shape.take_front(axis));
  int64_t inner = numElements(shape.drop_front(axis + 1));
  std::vector<double> out;
  out.reserve(numElements(outShape));
  for (int64_t o = 0; o < outer; ++o) {
    for (int64_t i : indices.ints()) {
      if (i < -shape[axis] || i >= shape[axis])
        return createStringError(inconvertibleErrorCode(),
                                 "index " + Twine(i) + " is out of range");
      if (i < 0)
        i += shape[axis];
      auto begin = data.data.begin() + (o * shape[axis] + i) * inner;
      out.insert(out.end(), begin, begin + inner);
    }
  }
  return HostTensor(outShape, std::move(out), data.isFloat);
}

} // namespace qopt::onnx_import
