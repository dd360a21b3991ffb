//===- TosaConstantUtils.cpp - Reading and writing TOSA constants ---------===//

#include "qopt/Utils/TosaConstantUtils.h"

#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/DialectResourceBlobManager.h"
#include "mlir/IR/Matchers.h"

using namespace mlir;

namespace qopt {

DenseElementsAttr getDenseConstant(Value value) {
  Attribute attr;
  if (!matchPattern(value, m_Constant(&attr)))
    return {};
  auto elements = dyn_cast<ElementsAttr>(attr);
  if (!elements || !elements.getElementType().isIntOrFloat())
    return {};
  if (auto dense = dyn_cast<DenseElementsAttr>(elements))
    return dense;
  auto resource = dyn_cast<DenseResourceElementsAttr>(elements);
  // Booleans in blobs are bytes, not the bit-packed dense buffer layout.
  if (!resource || resource.getElementType().isInteger(1))
    return {};
  AsmResourceBlob *blob = resource.getRawHandle().getBlob();
  if (!blob)
    return {};
  bool isSplat = false;
  if (!DenseElementsAttr::isValidRawBuffer(resource.getType(), blob->getData(),
                                           isSplat))
    return {};
  return DenseElementsAttr::getFromRawBuffer(resource.getType(),
                                             blob->getData());
}

SmallVector<double> getFloatValues(DenseElementsAttr attr) {
  auto toDouble = [](APFloat v) {
    bool lostInfo;
    v.convert(APFloat::IEEEdouble(), APFloat::rmNearestTiesToEven, &lostInfo);
    return v.convertToDouble();
  };
  if (attr.isSplat())
    return {toDouble(attr.getSplatValue<APFloat>())};
  return llvm::map_to_vector(attr.getValues<APFloat>(), toDouble);
}

SmallVector<int64_t> getIntValues(DenseElementsAttr attr) {
  auto type = cast<IntegerType>(attr.getElementType());
  bool zext = type.getWidth() == 1 || type.isUnsigned();
  auto toInt = [zext](const APInt &v) {
    return zext ? static_cast<int64_t>(v.getZExtValue()) : v.getSExtValue();
  };
  if (attr.isSplat())
    return {toInt(attr.getSplatValue<APInt>())};
  return llvm::map_to_vector(attr.getValues<APInt>(), toInt);
}

DenseElementsAttr getFloatAttr(ShapedType type, ArrayRef<double> values) {
  const llvm::fltSemantics &semantics =
      cast<FloatType>(type.getElementType()).getFloatSemantics();
  auto toAPFloat = [&](double v) {
    APFloat result(v);
    bool lostInfo;
    result.convert(semantics, APFloat::rmNearestTiesToEven, &lostInfo);
    return result;
  };
  if (values.size() == 1)
    return DenseElementsAttr::get(type, toAPFloat(values.front()));
  return DenseElementsAttr::get(type, llvm::map_to_vector(values, toAPFloat));
}

DenseElementsAttr getIntAttr(ShapedType type, ArrayRef<int64_t> values) {
  unsigned width = type.getElementTypeBitWidth();
  auto toAPInt = [width](int64_t v) {
    return APInt(width, v, /*isSigned=*/true, /*implicitTrunc=*/true);
  };
  if (values.size() == 1)
    return DenseElementsAttr::get(type, toAPInt(values.front()));
  return DenseElementsAttr::get(type, llvm::map_to_vector(values, toAPInt));
}

} // namespace qopt
