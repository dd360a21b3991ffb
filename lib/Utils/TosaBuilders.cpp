//===- TosaBuilders.cpp - Small TOSA construction helpers -----------------===//

#include "qopt/Utils/TosaBuilders.h"

#include "mlir/IR/BuiltinTypes.h"

using namespace mlir;

namespace qopt {

Value createF32Const(OpBuilder &b, Location loc, ArrayRef<int64_t> shape,
                     ArrayRef<float> values) {
  auto type = RankedTensorType::get(shape, b.getF32Type());
  auto attr = values.size() == 1 ? DenseElementsAttr::get(type, values.front())
                                 : DenseElementsAttr::get(type, values);
  return tosa::ConstOp::create(b, loc, type, attr);
}

Value createIntConst(OpBuilder &b, Location loc, ArrayRef<int64_t> shape,
                     Type type, ArrayRef<int64_t> values) {
  auto tensorType = RankedTensorType::get(shape, type);
  unsigned width = type.getIntOrFloatBitWidth();
  SmallVector<APInt> ints;
  ints.reserve(values.size());
  for (int64_t v : values)
    ints.push_back(APInt(width, v, /*isSigned=*/true, /*implicitTrunc=*/true));
  auto attr = ints.size() == 1 ? DenseElementsAttr::get(tensorType, ints[0])
                               : DenseElementsAttr::get(tensorType, ints);
  return tosa::ConstOp::create(b, loc, tensorType, attr);
}

Value createZeroPoint(OpBuilder &b, Location loc, Type type, int64_t zp) {
  if (isa<FloatType>(type))
    return createF32Const(b, loc, {1}, {static_cast<float>(zp)});
  return createIntConst(b, loc, {1}, type, {zp});
}

Value createMul(OpBuilder &b, Location loc, Value a, Value c) {
  Value shift = createIntConst(b, loc, {1}, b.getI8Type(), {0});
  return tosa::MulOp::create(b, loc, a.getType(), a, c, shift);
}

SmallVector<int64_t> channelShape(int64_t rank, int64_t axis, int64_t n) {
  SmallVector<int64_t> shape(rank, 1);
  shape[axis] = n;
  return shape;
}

quant::QuantizedType getQuantElementType(Type type) {
  if (auto shaped = dyn_cast<ShapedType>(type))
    return dyn_cast<quant::QuantizedType>(shaped.getElementType());
  return dyn_cast<quant::QuantizedType>(type);
}

Type toStorageType(Type type) {
  auto qtype = getQuantElementType(type);
  if (!qtype)
    return type;
  if (auto shaped = dyn_cast<ShapedType>(type))
    return shaped.clone(qtype.getStorageType());
  return qtype.getStorageType();
}

} // namespace qopt
