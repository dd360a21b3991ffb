//===- QoptDialect.cpp - The quantization contract between passes --------===//

#include "qopt/Dialect/QoptDialect.h"
#include "qopt/Dialect/QoptEnums.h"

#include "qopt/Utils/TosaConstantUtils.h"
#include "qopt/Utils/TosaQueries.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Tosa/IR/TosaOps.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/Target/LLVMIR/LLVMTranslationInterface.h"

#include <cmath>

using namespace mlir;
using namespace qopt;

#include "qopt/Dialect/QoptDialect.cpp.inc"
#include "qopt/Dialect/QoptEnums.cpp.inc"

namespace {
/// The contract is consumed before LLVM IR: its attributes that are still on
/// a function or its arguments (`qopt.quant`, `qopt.arena`) translate to
/// nothing, rather than to a warning per attribute.
struct QoptLLVMTranslation : LLVMTranslationDialectInterface {
  using LLVMTranslationDialectInterface::LLVMTranslationDialectInterface;
  LogicalResult
  convertParameterAttr(LLVM::LLVMFuncOp, int, NamedAttribute,
                       LLVM::ModuleTranslation &) const override {
    return success();
  }
};
} // namespace

void QoptDialect::initialize() { addInterfaces<QoptLLVMTranslation>(); }

//===----------------------------------------------------------------------===//
// Names
//===----------------------------------------------------------------------===//

using BnMean = QoptDialect::BnMeanAttrHelper;
using BnStd = QoptDialect::BnStdAttrHelper;
using WeightScales = QoptDialect::WeightScalesAttrHelper;
using WeightBits = QoptDialect::WeightBitsAttrHelper;
using WeightTailStep = QoptDialect::WeightTailStepAttrHelper;
using WeightFormatName = QoptDialect::WeightFormatAttrHelper;
using Pwlq = QoptDialect::PwlqAttrHelper;
using Quant = QoptDialect::QuantAttrHelper;
using Arena = QoptDialect::ArenaAttrHelper;
using ArenaSize = QoptDialect::ArenaSizeAttrHelper;
using LayerBitsName = QoptDialect::LayerBitsAttrHelper;
using SizeBudget = QoptDialect::SizeBudgetAttrHelper;
using MinSize = QoptDialect::MinSizeAttrHelper;

static constexpr llvm::StringLiteral kSchemes[] = {"uniform", "pwlq", "ternary",
                                                   "binary"};

//===----------------------------------------------------------------------===//
// Verification
//===----------------------------------------------------------------------===//

/// Layer attributes belong on a conv2d, depthwise_conv2d or matmul (the ops
/// with weights as operand #1).
static LogicalResult verifyOnLayer(Operation *op, StringRef name) {
  if (isa<tosa::Conv2DOp, tosa::DepthwiseConv2DOp, tosa::MatMulOp>(op))
    return success();
  return op->emitOpError() << "'" << name
                           << "' belongs on a conv2d, depthwise_conv2d or "
                              "matmul";
}

static int64_t outputChannels(Operation *op) {
  auto type = cast<ShapedType>(op->getResult(0).getType());
  return type.hasRank() && type.getRank() > 0 ? type.getShape().back()
                                              : ShapedType::kDynamic;
}

static LogicalResult verifyBatchNorm(Operation *op, NamedAttribute attr) {
  StringRef name = attr.getName().strref();
  if (failed(verifyOnLayer(op, name)))
    return failure();
  auto values = dyn_cast<DenseFPElementsAttr>(attr.getValue());
  int64_t channels = outputChannels(op);
  if (!values || values.getType().getRank() != 1 ||
      values.getNumElements() != channels)
    return op->emitOpError() << "'" << name << "' must be a tensor of "
                             << channels << " floats, one per output channel";
  StringRef other =
      name == BnMean::getNameStr() ? BnStd::getNameStr() : BnMean::getNameStr();
  if (!op->hasAttr(other))
    return op->emitOpError() << "'" << name << "' without '" << other << "'";
  for (double d : getFloatValues(values)) {
    if (!std::isfinite(d) || (name == BnStd::getNameStr() && d < 0.0))
      return op->emitOpError()
             << "'" << name << "' holds " << d << ": expected finite "
             << (name == BnStd::getNameStr() ? "non-negative " : "")
             << "values";
  }
  return success();
}

static LogicalResult verifyRecordedWeights(Operation *op, NamedAttribute attr) {
  StringRef name = attr.getName().strref();
  if (failed(verifyOnLayer(op, name)))
    return failure();
  if (!op->hasAttr(WeightScales::getNameStr()) ||
      !op->hasAttr(WeightBits::getNameStr()))
    return op->emitOpError()
           << "expected '" << WeightScales::getNameStr()
           << "' (array<f64> of positive scales) together with '"
           << WeightBits::getNameStr() << "' (integer)";
  if (name == WeightTailStep::getNameStr()) {
    auto step = dyn_cast<IntegerAttr>(attr.getValue());
    if (!step || step.getInt() < 1)
      return op->emitOpError()
             << "'" << name << "' must be an integer of at least 1";
    return success();
  }
  if (name == WeightBits::getNameStr()) {
    auto bits = dyn_cast<IntegerAttr>(attr.getValue());
    if (!bits || bits.getInt() < 2 || bits.getInt() > 8)
      return op->emitOpError()
             << "'" << name << "' must be an integer from 2 to 8";
    return success();
  }
  auto scales = dyn_cast<DenseF64ArrayAttr>(attr.getValue());
  if (!scales || scales.empty())
    return op->emitOpError() << "'" << name << "' must be an array<f64>";
  int64_t channels = getWeightChannels(op, /*perChannel=*/true).channels;
  if (scales.size() != 1 && scales.size() != channels)
    return op->emitOpError() << "'" << name << "' has " << scales.size()
                             << " scales: expected 1 or " << channels
                             << " (one per weight channel)";
  for (double s : scales.asArrayRef())
    if (!(s > 0.0 && std::isfinite(s)))
      return op->emitOpError()
             << "'" << name << "' holds " << s << ": expected positive scales";
  return success();
}

static LogicalResult verifyWeightFormat(Operation *op, NamedAttribute attr) {
  StringRef name = attr.getName().strref();
  if (failed(verifyOnLayer(op, name)))
    return failure();
  auto format = dyn_cast<StringAttr>(attr.getValue());
  if (!format || !llvm::is_contained(kSchemes, format.strref()))
    return op->emitOpError() << "'" << name
                             << "' must be \"uniform\", \"pwlq\", "
                                "\"ternary\" or \"binary\"";
  bool isPwlq = format.strref() == "pwlq";
  if (isPwlq != op->hasAttr(Pwlq::getNameStr()))
    return op->emitOpError() << "'" << Pwlq::getNameStr() << "' goes with "
                             << name << " = \"pwlq\" and only with it";
  return success();
}

static LogicalResult verifyPwlq(Operation *op, NamedAttribute attr) {
  auto dict = dyn_cast<DictionaryAttr>(attr.getValue());
  auto bits = dict ? dict.getAs<IntegerAttr>("bits") : IntegerAttr();
  auto step = dict ? dict.getAs<IntegerAttr>("tail_step") : IntegerAttr();
  auto breakpoints =
      dict ? dict.getAs<DenseF64ArrayAttr>("breakpoints") : DenseF64ArrayAttr();
  if (!bits || !step || !breakpoints || dict.size() != 3)
    return op->emitOpError()
           << "'" << attr.getName().strref()
           << "' must be {bits, tail_step, breakpoints = array<f64>}";
  if (bits.getInt() < 3 || bits.getInt() > 8 || step.getInt() < 1)
    return op->emitOpError() << "'" << attr.getName().strref()
                             << "' needs 3 to 8 bits and a tail step ≥ 1";
  if (!op->hasAttr(WeightFormatName::getNameStr()))
    return op->emitOpError() << "'" << attr.getName().strref() << "' without '"
                             << WeightFormatName::getNameStr() << "'";
  return success();
}

LogicalResult QoptDialect::verifyOperationAttribute(Operation *op,
                                                    NamedAttribute attr) {
  StringRef name = attr.getName().strref();
  if (name == BnMean::getNameStr() || name == BnStd::getNameStr())
    return verifyBatchNorm(op, attr);
  if (name == WeightScales::getNameStr() || name == WeightBits::getNameStr() ||
      name == WeightTailStep::getNameStr())
    return verifyRecordedWeights(op, attr);
  if (name == WeightFormatName::getNameStr())
    return verifyWeightFormat(op, attr);
  if (name == Pwlq::getNameStr())
    return verifyPwlq(op, attr);
  if (name == ArenaSize::getNameStr()) {
    auto size = dyn_cast<IntegerAttr>(attr.getValue());
    if (!isa<FunctionOpInterface>(op) || !size || size.getInt() < 0)
      return op->emitOpError() << "'" << name
                               << "' must be a non-negative integer on a "
                                  "function";
    return success();
  }
  if (name == SizeBudget::getNameStr() || name == MinSize::getNameStr()) {
    auto size = dyn_cast<IntegerAttr>(attr.getValue());
    if (!isa<FunctionOpInterface>(op) || !size || size.getInt() <= 0)
      return op->emitOpError() << "'" << name
                               << "' must be a positive integer on a "
                                  "function";
    return success();
  }
  if (name == LayerBitsName::getNameStr()) {
    auto entries = dyn_cast<ArrayAttr>(attr.getValue());
    if (!isa<FunctionOpInterface>(op) || !entries ||
        !llvm::all_of(entries, [](Attribute entry) {
          auto s = dyn_cast<StringAttr>(entry);
          if (!s)
            return false;
          auto [key, value] = s.getValue().split('=');
          return !key.empty() && !value.empty();
        }))
      return op->emitOpError() << "'" << name
                               << "' must be an array of \"ID=W[/A]\" "
                                  "strings on a function";
    return success();
  }
  if (name == Quant::getNameStr() || name == Arena::getNameStr())
    return op->emitOpError() << "'" << name
                             << "' belongs on a function's arguments or "
                                "results";
  return op->emitOpError() << "unknown qopt attribute '" << name << "'";
}

static LogicalResult verifyInterfaceAttr(Operation *op, NamedAttribute attr,
                                         bool isArgument) {
  StringRef name = attr.getName().strref();
  if (name == Quant::getNameStr()) {
    auto type = dyn_cast<TypeAttr>(attr.getValue());
    if (!type || !isa<quant::QuantizedType>(type.getValue()))
      return op->emitOpError()
             << "'" << name << "' must be a quantized type (!quant.uniform)";
    return success();
  }
  if (name == Arena::getNameStr() && isArgument) {
    if (!isa<UnitAttr>(attr.getValue()))
      return op->emitOpError() << "'" << name << "' is a unit attribute";
    return success();
  }
  return op->emitOpError() << "'" << name << "' is not an attribute of a "
                           << (isArgument ? "function argument"
                                          : "function result");
}

LogicalResult QoptDialect::verifyRegionArgAttribute(Operation *op, unsigned,
                                                    unsigned,
                                                    NamedAttribute attr) {
  return verifyInterfaceAttr(op, attr, /*isArgument=*/true);
}

LogicalResult QoptDialect::verifyRegionResultAttribute(Operation *op, unsigned,
                                                       unsigned,
                                                       NamedAttribute attr) {
  return verifyInterfaceAttr(op, attr, /*isArgument=*/false);
}

//===----------------------------------------------------------------------===//
// Accessors
//===----------------------------------------------------------------------===//

/// One value per element (a splat holds one).
static SmallVector<double> getElements(DenseFPElementsAttr attr) {
  SmallVector<double> values = getFloatValues(attr);
  values.resize(attr.getNumElements(), values.front());
  return values;
}

std::optional<BatchNormStatistics> qopt::getBatchNormStatistics(Operation *op) {
  auto mean = op->getAttrOfType<DenseFPElementsAttr>(BnMean::getNameStr());
  auto std = op->getAttrOfType<DenseFPElementsAttr>(BnStd::getNameStr());
  if (!mean || !std)
    return std::nullopt;
  return BatchNormStatistics{getElements(mean), getElements(std)};
}

void qopt::setBatchNormStatistics(Operation *op, ArrayRef<double> mean,
                                  ArrayRef<double> std) {
  auto type = RankedTensorType::get({int64_t(mean.size())},
                                    Float32Type::get(op->getContext()));
  op->setAttr(BnMean::getNameStr(), getFloatAttr(type, mean));
  op->setAttr(BnStd::getNameStr(), getFloatAttr(type, std));
}

std::optional<RecordedWeightQuant> qopt::getRecordedWeightQuant(Operation *op) {
  auto scales =
      op->getAttrOfType<DenseF64ArrayAttr>(WeightScales::getNameStr());
  auto bits = op->getAttrOfType<IntegerAttr>(WeightBits::getNameStr());
  if (!scales || !bits)
    return std::nullopt;
  auto tailStep = op->getAttrOfType<IntegerAttr>(WeightTailStep::getNameStr());
  return RecordedWeightQuant{SmallVector<double>(scales.asArrayRef()),
                             unsigned(bits.getInt()),
                             tailStep ? tailStep.getInt() : 0};
}

void qopt::setRecordedWeightQuant(Operation *op, ArrayRef<double> scales,
                                  unsigned bits, int64_t tailStep) {
  Builder b(op->getContext());
  op->setAttr(WeightScales::getNameStr(), b.getDenseF64ArrayAttr(scales));
  op->setAttr(WeightBits::getNameStr(), b.getI32IntegerAttr(bits));
  if (tailStep)
    op->setAttr(WeightTailStep::getNameStr(), b.getI64IntegerAttr(tailStep));
}

void qopt::removeRecordedWeightQuant(Operation *op) {
  op->removeAttr(WeightScales::getNameStr());
  op->removeAttr(WeightBits::getNameStr());
  op->removeAttr(WeightTailStep::getNameStr());
}

void qopt::setWeightFormat(Operation *op, StringRef scheme,
                           const std::optional<PwlqRecord> &pwlq) {
  Builder b(op->getContext());
  op->setAttr(WeightFormatName::getNameStr(), b.getStringAttr(scheme));
  if (!pwlq)
    return;
  op->setAttr(
      Pwlq::getNameStr(),
      b.getDictionaryAttr(
          {b.getNamedAttr("bits", b.getI32IntegerAttr(pwlq->bits)),
           b.getNamedAttr("tail_step", b.getI64IntegerAttr(pwlq->tailStep)),
           b.getNamedAttr("breakpoints",
                          b.getDenseF64ArrayAttr(pwlq->breakpoints))}));
}

std::optional<StringRef> qopt::getWeightFormat(Operation *op) {
  if (auto format =
          op->getAttrOfType<StringAttr>(WeightFormatName::getNameStr()))
    return format.strref();
  return std::nullopt;
}

std::optional<PwlqRecord> qopt::getPwlq(Operation *op) {
  auto dict = op->getAttrOfType<DictionaryAttr>(Pwlq::getNameStr());
  if (!dict)
    return std::nullopt;
  auto bits = dict.getAs<IntegerAttr>("bits");
  auto step = dict.getAs<IntegerAttr>("tail_step");
  auto breakpoints = dict.getAs<DenseF64ArrayAttr>("breakpoints");
  if (!bits || !step || !breakpoints)
    return std::nullopt;
  return PwlqRecord{unsigned(bits.getInt()), step.getInt(),
                    SmallVector<double>(breakpoints.asArrayRef())};
}

quant::QuantizedType qopt::getInterfaceQuant(DictionaryAttr attrs) {
  auto type = attrs ? attrs.getAs<TypeAttr>(Quant::getNameStr()) : TypeAttr();
  return type ? dyn_cast<quant::QuantizedType>(type.getValue())
              : quant::QuantizedType();
}

void qopt::setArgumentQuant(FunctionOpInterface func, unsigned index,
                            quant::QuantizedType type) {
  func.setArgAttr(index, Quant::getNameStr(), TypeAttr::get(type));
}

void qopt::setResultQuant(FunctionOpInterface func, unsigned index,
                          quant::QuantizedType type) {
  func.setResultAttr(index, Quant::getNameStr(), TypeAttr::get(type));
}

DictionaryAttr qopt::getArenaArgAttrs(MLIRContext *ctx) {
  return DictionaryAttr::get(
      ctx, {NamedAttribute(StringAttr::get(ctx, Arena::getNameStr()),
                           UnitAttr::get(ctx))});
}

static void setBytes(Operation *func, StringRef name, int64_t bytes) {
  func->setAttr(
      name, IntegerAttr::get(IntegerType::get(func->getContext(), 64), bytes));
}

static std::optional<int64_t> getBytes(Operation *func, StringRef name) {
  if (auto size = func->getAttrOfType<IntegerAttr>(name))
    return size.getInt();
  return std::nullopt;
}

void qopt::setArenaSize(Operation *func, int64_t bytes) {
  setBytes(func, ArenaSize::getNameStr(), bytes);
}

std::optional<int64_t> qopt::getArenaSize(Operation *func) {
  return getBytes(func, ArenaSize::getNameStr());
}

void qopt::setLayerBits(Operation *func, ArrayRef<std::string> entries) {
  Builder b(func->getContext());
  func->setAttr(
      LayerBitsName::getNameStr(),
      b.getStrArrayAttr(llvm::map_to_vector(
          entries, [](const std::string &e) { return StringRef(e); })));
}

SmallVector<std::string> qopt::getLayerBits(Operation *func) {
  SmallVector<std::string> entries;
  if (auto array = func->getAttrOfType<ArrayAttr>(LayerBitsName::getNameStr()))
    for (Attribute entry : array)
      entries.push_back(cast<StringAttr>(entry).getValue().str());
  return entries;
}

void qopt::setSizeBudget(Operation *func, int64_t budget, int64_t smallest) {
  setBytes(func, SizeBudget::getNameStr(), budget);
  setBytes(func, MinSize::getNameStr(), smallest);
}

std::optional<int64_t> qopt::getSizeBudget(Operation *func) {
  return getBytes(func, SizeBudget::getNameStr());
}

std::optional<int64_t> qopt::getMinSize(Operation *func) {
  return getBytes(func, MinSize::getNameStr());
}
