//===- FoldConstants.cpp - Evaluate TOSA ops on constant operands ---------===//
//
// One pattern evaluates any supported TOSA op whose operands are all constant
// and replaces it by a `tosa.const`. Floats are computed in double and rounded
// once to the result type (so f32 add/sub/mul are exact to the last bit),
// integers in int64 and wrapped to the result width. Upstream's op folders and
// its transpose/reciprocal folding patterns run alongside; those patterns only
// fold a constant with a single user (to bound memory), this pass folds in
// every case so that each weight ends up as one constant.
//
//===----------------------------------------------------------------------===//

#include "qopt/Transforms/Passes.h"
#include "qopt/Utils/TosaConstantUtils.h"

#include "mlir/Dialect/Tosa/IR/TosaOps.h"
#include "mlir/Dialect/Tosa/Transforms/Passes.h"
#include "mlir/Dialect/Tosa/Utils/ConversionUtils.h"
#include "mlir/Dialect/Utils/IndexingUtils.h"
#include "mlir/IR/Matchers.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"
#include "llvm/ADT/TypeSwitch.h"

#include <cmath>
#include <functional>
#include <limits>
#include <optional>
#include <variant>

namespace qopt {
#define GEN_PASS_DEF_FOLDCONSTANTS
#include "qopt/Transforms/Passes.h.inc"
} // namespace qopt

using namespace mlir;

//===----------------------------------------------------------------------===//
// Constant tensors and index maps
//===----------------------------------------------------------------------===//

namespace {
/// A constant operand read for evaluation: float elements widened to double,
/// integer elements to int64. A splat stores one value.
struct Tensor {
  SmallVector<int64_t> shape;
  std::variant<SmallVector<double>, SmallVector<int64_t>> values;

  template <typename T> bool holds() const {
    return std::holds_alternative<SmallVector<T>>(values);
  }
  template <typename T> ArrayRef<T> get() const {
    return std::get<SmallVector<T>>(values);
  }
  bool isSplat() const {
    return std::visit([](const auto &v) { return v.size() == 1; }, values);
  }
};
} // namespace

static std::optional<Tensor> readTensor(Value value) {
  DenseElementsAttr attr = qopt::getDenseConstant(value);
  if (!attr || attr.getNumElements() == 0)
    return std::nullopt;
  Tensor tensor;
  tensor.shape = llvm::to_vector(attr.getType().getShape());
  if (isa<FloatType>(attr.getElementType()))
    tensor.values = qopt::getFloatValues(attr);
  else
    tensor.values = qopt::getIntValues(attr);
  return tensor;
}

/// The single value of a scalar constant operand (zero points, shifts).
template <typename T> static std::optional<T> readScalar(Value value) {
  std::optional<Tensor> tensor = readTensor(value);
  if (!tensor || !tensor->holds<T>() || !tensor->isSplat())
    return std::nullopt;
  return tensor->get<T>().front();
}

/// The values of a `tosa.const_shape` operand.
static std::optional<SmallVector<int64_t>> readShape(Value value) {
  SmallVector<int64_t> shape;
  Operation *def = value.getDefiningOp();
  if (!def || !tosa::getConstShapeValues(def, shape))
    return std::nullopt;
  return shape;
}

static DenseElementsAttr toAttr(ShapedType type, ArrayRef<double> values) {
  if (!isa<FloatType>(type.getElementType()))
    return {};
  return qopt::getFloatAttr(type, values);
}

static DenseElementsAttr toAttr(ShapedType type, ArrayRef<int64_t> values) {
  if (!isa<IntegerType>(type.getElementType()))
    return {};
  return qopt::getIntAttr(type, values);
}

static DenseElementsAttr toAttr(ShapedType type, const Tensor &tensor) {
  return std::visit([&](const auto &v) { return toAttr(type, v); },
                    tensor.values);
}

/// For each element of `shape` in row-major order, the flat index that
/// `source` gives for its multi-index.
static SmallVector<int64_t>
mapIndices(ArrayRef<int64_t> shape,
           function_ref<int64_t(ArrayRef<int64_t>)> source) {
  int64_t numElements = ShapedType::getNumElements(shape);
  SmallVector<int64_t> indices;
  indices.reserve(numElements);
  SmallVector<int64_t> pos(shape.size(), 0);
  for (int64_t i = 0; i < numElements; ++i) {
    indices.push_back(source(pos));
    for (int64_t d = shape.size() - 1; d >= 0; --d) {
      if (++pos[d] < shape[d])
        break;
      pos[d] = 0;
    }
  }
  return indices;
}

/// Flat index into `in` of position `pos`, where size-1 dimensions of `in`
/// broadcast.
static int64_t broadcastIndex(const Tensor &in, ArrayRef<int64_t> strides,
                              ArrayRef<int64_t> pos) {
  int64_t index = 0;
  for (auto [d, p] : llvm::enumerate(pos))
    if (in.shape[d] != 1)
      index += p * strides[d];
  return index;
}

/// Whether `in` broadcasts to `shape` under TOSA rules (same rank, each
/// dimension equal or 1).
static bool broadcastsTo(const Tensor &in, ArrayRef<int64_t> shape) {
  return in.shape.size() == shape.size() &&
         llvm::all_of(llvm::zip(in.shape, shape), [](auto dims) {
           auto [from, to] = dims;
           return from == 1 || from == to;
         });
}

/// The result of a data-movement op of `type`: element i is element
/// `indices[i]` of `in`, or `fill` where that index is -1.
template <typename T>
static DenseElementsAttr gatherAs(ShapedType type, const Tensor &in,
                                  ArrayRef<int64_t> indices, T fill) {
  ArrayRef<T> values = in.template get<T>();
  bool splat = in.isSplat();
  return toAttr(type, llvm::map_to_vector(indices, [&](int64_t i) {
                  return i < 0 ? fill : values[splat ? 0 : i];
                }));
}

static DenseElementsAttr gather(ShapedType type, const Tensor &in,
                                ArrayRef<int64_t> indices,
                                std::optional<Tensor> fill = std::nullopt) {
  if (fill && fill->values.index() != in.values.index())
    return {};
  if (in.holds<double>())
    return gatherAs<double>(type, in, indices,
                            fill ? fill->get<double>().front() : 0.0);
  return gatherAs<int64_t>(type, in, indices,
                           fill ? fill->get<int64_t>().front() : 0);
}

//===----------------------------------------------------------------------===//
// Elementwise evaluation
//===----------------------------------------------------------------------===//

/// Applies `fn` to the operand values at each element of `shape` (operands
/// broadcast); nullopt when an operand is of another kind or does not
/// broadcast, or when `fn` gives up on an element.
template <typename In, typename Out>
static std::optional<SmallVector<Out>>
mapElements(ArrayRef<Tensor> operands, ArrayRef<int64_t> shape,
            function_ref<std::optional<Out>(ArrayRef<In>)> fn) {
  for (const Tensor &operand : operands)
    if (!operand.template holds<In>() || !broadcastsTo(operand, shape))
      return std::nullopt;

  SmallVector<In> args(operands.size());
  if (llvm::all_of(operands, [](const Tensor &t) { return t.isSplat(); })) {
    for (auto [arg, operand] : llvm::zip(args, operands))
      arg = operand.template get<In>().front();
    std::optional<Out> result = fn(args);
    if (!result)
      return std::nullopt;
    return SmallVector<Out>{*result};
  }

  SmallVector<SmallVector<int64_t>> indices;
  for (const Tensor &operand : operands) {
    if (operand.isSplat()) {
      indices.emplace_back(ShapedType::getNumElements(shape), 0);
      continue;
    }
    SmallVector<int64_t> strides = computeStrides(operand.shape);
    indices.push_back(mapIndices(shape, [&](ArrayRef<int64_t> pos) {
      return broadcastIndex(operand, strides, pos);
    }));
  }
  SmallVector<Out> results;
  results.reserve(ShapedType::getNumElements(shape));
  for (int64_t i = 0, e = ShapedType::getNumElements(shape); i < e; ++i) {
    for (auto [k, operand] : llvm::enumerate(operands))
      args[k] = operand.template get<In>()[indices[k][i]];
    std::optional<Out> result = fn(args);
    if (!result)
      return std::nullopt;
    results.push_back(*result);
  }
  return results;
}

using FloatFn = std::function<std::optional<double>(ArrayRef<double>)>;
using IntFn = std::function<std::optional<int64_t>(ArrayRef<int64_t>)>;

/// Evaluates an elementwise op with `floatFn` on float operands or `intFn` on
/// integer operands (either may be null: no such form).
static DenseElementsAttr evaluateElementwise(ShapedType type, ValueRange inputs,
                                             const FloatFn &floatFn,
                                             const IntFn &intFn) {
  SmallVector<Tensor> operands;
  for (Value input : inputs) {
    std::optional<Tensor> operand = readTensor(input);
    if (!operand)
      return {};
    operands.push_back(std::move(*operand));
  }
  if (floatFn && operands.front().holds<double>()) {
    if (auto results =
            mapElements<double, double>(operands, type.getShape(), floatFn))
      return toAttr(type, *results);
  } else if (intFn && operands.front().holds<int64_t>()) {
    if (auto results =
            mapElements<int64_t, int64_t>(operands, type.getShape(), intFn))
      return toAttr(type, *results);
  }
  return {};
}

/// Wrapping int64 arithmetic: the result is truncated to the element width
/// afterwards, so only the low bits matter.
static int64_t wrap(uint64_t v) { return static_cast<int64_t>(v); }

static int64_t saturate(int64_t v, unsigned width) {
  return std::clamp(v, APInt::getSignedMinValue(width).getSExtValue(),
                    APInt::getSignedMaxValue(width).getSExtValue());
}

static FloatFn unaryFloat(double (*fn)(double)) {
  return [fn](ArrayRef<double> x) -> std::optional<double> { return fn(x[0]); };
}

template <typename BinaryOp>
static DenseElementsAttr evaluateMinMax(BinaryOp op, ShapedType type,
                                        bool isMax) {
  bool propagate = op.getNanMode() == tosa::NanPropagationMode::PROPAGATE;
  return evaluateElementwise(
      type, op->getOperands(),
      [=](ArrayRef<double> x) -> std::optional<double> {
        if (propagate && (std::isnan(x[0]) || std::isnan(x[1])))
          return NAN;
        return isMax ? std::fmax(x[0], x[1]) : std::fmin(x[0], x[1]);
      },
      [=](ArrayRef<int64_t> x) -> std::optional<int64_t> {
        return isMax ? std::max(x[0], x[1]) : std::min(x[0], x[1]);
      });
}

/// `tosa.mul`: integer products are shifted right with rounding by `shift`.
static DenseElementsAttr evaluateMul(tosa::MulOp op, ShapedType type) {
  std::optional<int64_t> shift = readScalar<int64_t>(op.getShift());
  if (!shift || *shift < 0 || *shift > 62)
    return {};
  FloatFn floatFn;
  if (*shift == 0)
    floatFn = [](ArrayRef<double> x) -> std::optional<double> {
      return x[0] * x[1];
    };
  return evaluateElementwise(
      type, {op.getInput1(), op.getInput2()}, floatFn,
      [s = *shift](ArrayRef<int64_t> x) -> std::optional<int64_t> {
        int64_t product = wrap(uint64_t(x[0]) * uint64_t(x[1]));
        if (s == 0)
          return product;
        return (product + (int64_t(1) << (s - 1))) >> s;
      });
}

/// `tosa.negate`: integers are negated around their zero points and
/// saturated; float zero points are zero.
static DenseElementsAttr evaluateNegate(tosa::NegateOp op, ShapedType type) {
  std::optional<int64_t> inZp = readScalar<int64_t>(op.getInput1Zp());
  std::optional<int64_t> outZp = readScalar<int64_t>(op.getOutputZp());
  IntFn intFn;
  if (inZp && outZp)
    intFn = [=, width = type.getElementTypeBitWidth()](
                ArrayRef<int64_t> x) -> std::optional<int64_t> {
      return saturate(*inZp - x[0] + *outZp, width);
    };
  return evaluateElementwise(
      type, op.getInput1(),
      [](ArrayRef<double> x) -> std::optional<double> { return -x[0]; }, intFn);
}

static DenseElementsAttr evaluateClamp(tosa::ClampOp op, ShapedType type) {
  bool propagate = op.getNanMode() == tosa::NanPropagationMode::PROPAGATE;
  auto minF = dyn_cast<FloatAttr>(op.getMinValAttr());
  auto maxF = dyn_cast<FloatAttr>(op.getMaxValAttr());
  auto minI = dyn_cast<IntegerAttr>(op.getMinValAttr());
  auto maxI = dyn_cast<IntegerAttr>(op.getMaxValAttr());
  FloatFn floatFn;
  if (minF && maxF)
    floatFn = [=, lo = minF.getValueAsDouble(), hi = maxF.getValueAsDouble()](
                  ArrayRef<double> x) -> std::optional<double> {
      if (std::isnan(x[0]))
        return propagate ? x[0] : lo;
      return std::clamp(x[0], lo, hi);
    };
  IntFn intFn;
  if (minI && maxI)
    intFn = [lo = minI.getInt(), hi = maxI.getInt()](
                ArrayRef<int64_t> x) -> std::optional<int64_t> {
      return std::clamp(x[0], lo, hi);
    };
  return evaluateElementwise(type, op.getInput(), floatFn, intFn);
}

/// `tosa.cast`: float → integer rounds half to even and saturates; integer →
/// integer wraps; anything → i1 tests for non-zero.
static DenseElementsAttr evaluateCast(tosa::CastOp op, ShapedType type) {
  std::optional<Tensor> in = readTensor(op.getInput());
  if (!in)
    return {};
  Type outType = type.getElementType();
  if (isa<FloatType>(outType)) {
    if (in->holds<double>())
      return toAttr(type, in->get<double>());
    return toAttr(type, llvm::map_to_vector(in->get<int64_t>(), [](int64_t v) {
                    return static_cast<double>(v);
                  }));
  }
  unsigned width = outType.getIntOrFloatBitWidth();
  if (in->holds<int64_t>()) {
    if (width != 1)
      return toAttr(type, in->get<int64_t>());
    return toAttr(type, llvm::map_to_vector(in->get<int64_t>(), [](int64_t v) {
                    return static_cast<int64_t>(v != 0);
                  }));
  }
  SmallVector<int64_t> results;
  for (double v : in->get<double>()) {
    if (std::isnan(v))
      return {};
    if (width == 1) {
      results.push_back(v != 0.0);
      continue;
    }
    double rounded = std::nearbyint(v);
    double limit = std::ldexp(1.0, width - 1);
    if (rounded < -limit)
      results.push_back(APInt::getSignedMinValue(width).getSExtValue());
    else if (rounded >= limit)
      results.push_back(APInt::getSignedMaxValue(width).getSExtValue());
    else
      results.push_back(static_cast<int64_t>(rounded));
  }
  return toAttr(type, results);
}

//===----------------------------------------------------------------------===//
// Data movement
//===----------------------------------------------------------------------===//

/// Evaluates a single-input data-movement op whose element at position `pos`
/// comes from flat index `source(pos)` of the input (-1: `fill`).
static DenseElementsAttr evaluateMovement(
    ShapedType type, Value input,
    function_ref<int64_t(const Tensor &, ArrayRef<int64_t>)> source,
    std::optional<Tensor> fill = std::nullopt) {
  std::optional<Tensor> in = readTensor(input);
  if (!in)
    return {};
  if (in->isSplat() && !fill)
    return toAttr(type, *in);
  return gather(
      type, *in,
      mapIndices(type.getShape(),
                 [&](ArrayRef<int64_t> pos) { return source(*in, pos); }),
      std::move(fill));
}

/// Flat index of `pos` in a tensor of `shape`, -1 if out of bounds.
static int64_t flatIndex(ArrayRef<int64_t> shape, ArrayRef<int64_t> pos) {
  int64_t index = 0;
  for (auto [p, size] : llvm::zip(pos, shape)) {
    if (p < 0 || p >= size)
      return -1;
    index = index * size + p;
  }
  return index;
}

static DenseElementsAttr evaluateTranspose(tosa::TransposeOp op,
                                           ShapedType type) {
  ArrayRef<int32_t> perms = op.getPerms();
  if (perms.size() != static_cast<size_t>(type.getRank()))
    return {};
  return evaluateMovement(type, op.getInput1(),
                          [&](const Tensor &in, ArrayRef<int64_t> pos) {
                            SmallVector<int64_t> inPos(pos.size());
                            for (auto [d, perm] : llvm::enumerate(perms))
                              inPos[perm] = pos[d];
                            return flatIndex(in.shape, inPos);
                          });
}

static DenseElementsAttr evaluateSlice(tosa::SliceOp op, ShapedType type) {
  std::optional<SmallVector<int64_t>> start = readShape(op.getStart());
  if (!start || start->size() != static_cast<size_t>(type.getRank()))
    return {};
  return evaluateMovement(type, op.getInput1(),
                          [&](const Tensor &in, ArrayRef<int64_t> pos) {
                            SmallVector<int64_t> inPos(pos);
                            for (auto [p, offset] : llvm::zip(inPos, *start))
                              p += offset;
                            return flatIndex(in.shape, inPos);
                          });
}

static DenseElementsAttr evaluateTile(tosa::TileOp op, ShapedType type) {
  return evaluateMovement(type, op.getInput1(),
                          [](const Tensor &in, ArrayRef<int64_t> pos) {
                            SmallVector<int64_t> inPos(pos);
                            for (auto [p, size] : llvm::zip(inPos, in.shape))
                              p %= size;
                            return flatIndex(in.shape, inPos);
                          });
}

static DenseElementsAttr evaluateReverse(tosa::ReverseOp op, ShapedType type) {
  int64_t axis = op.getAxis();
  if (axis < 0 || axis >= type.getRank())
    return {};
  return evaluateMovement(type, op.getInput1(),
                          [&](const Tensor &in, ArrayRef<int64_t> pos) {
                            SmallVector<int64_t> inPos(pos);
                            inPos[axis] = in.shape[axis] - 1 - pos[axis];
                            return flatIndex(in.shape, inPos);
                          });
}

static DenseElementsAttr evaluatePad(tosa::PadOp op, ShapedType type) {
  std::optional<SmallVector<int64_t>> padding = readShape(op.getPadding());
  std::optional<Tensor> fill = readTensor(op.getPadConst());
  if (!padding || padding->size() != 2 * static_cast<size_t>(type.getRank()) ||
      !fill || !fill->isSplat())
    return {};
  return evaluateMovement(
      type, op.getInput1(),
      [&](const Tensor &in, ArrayRef<int64_t> pos) {
        SmallVector<int64_t> inPos(pos);
        for (auto [d, p] : llvm::enumerate(inPos))
          p -= (*padding)[2 * d];
        return flatIndex(in.shape, inPos);
      },
      std::move(fill));
}

/// `tosa.concat`: the inputs' stored values are appended into one tensor and
/// each result element indexes into it.
static DenseElementsAttr evaluateConcat(tosa::ConcatOp op, ShapedType type) {
  int64_t axis = op.getAxis();
  if (axis < 0 || axis >= type.getRank())
    return {};
  SmallVector<Tensor> inputs;
  for (Value input : op.getInput1()) {
    std::optional<Tensor> in = readTensor(input);
    if (!in || in->shape.size() != static_cast<size_t>(type.getRank()) ||
        (!inputs.empty() &&
         in->values.index() != inputs.front().values.index()))
      return {};
    inputs.push_back(std::move(*in));
  }
  if (inputs.empty())
    return {};
  Tensor joint{SmallVector<int64_t>(type.getShape()), {}};
  SmallVector<int64_t> base;
  std::visit(
      [&](const auto &first) {
        using Vector = std::decay_t<decltype(first)>;
        Vector all;
        for (const Tensor &in : inputs) {
          base.push_back(all.size());
          llvm::append_range(all, std::get<Vector>(in.values));
        }
        joint.values = std::move(all);
      },
      inputs.front().values);
  SmallVector<int64_t> indices =
      mapIndices(type.getShape(), [&](ArrayRef<int64_t> pos) -> int64_t {
        SmallVector<int64_t> inPos(pos);
        for (auto [k, in] : llvm::enumerate(inputs)) {
          if (inPos[axis] < in.shape[axis]) {
            int64_t local = flatIndex(in.shape, inPos);
            if (local < 0)
              return -1;
            return base[k] + (in.isSplat() ? 0 : local);
          }
          inPos[axis] -= in.shape[axis];
        }
        return -1;
      });
  // An index of -1 only arises from invalid IR; refuse rather than pad.
  if (llvm::is_contained(indices, -1))
    return {};
  return gather(type, joint, indices);
}

//===----------------------------------------------------------------------===//
// The pattern
//===----------------------------------------------------------------------===//

/// The constant value of `op` on its constant operands, or null when the op,
/// its element types or its operands are not supported.
static DenseElementsAttr evaluate(Operation *op, ShapedType type) {
  using Op = Operation *;
  auto binary = [&](auto floatOp, auto intOp) {
    return evaluateElementwise(
        type, op->getOperands(),
        [=](ArrayRef<double> x) -> std::optional<double> {
          return floatOp(x[0], x[1]);
        },
        [=](ArrayRef<int64_t> x) -> std::optional<int64_t> {
          return intOp(x[0], x[1]);
        });
  };
  auto unary = [&](FloatFn floatFn, IntFn intFn = nullptr) {
    return evaluateElementwise(type, op->getOperand(0), floatFn, intFn);
  };
  return llvm::TypeSwitch<Op, DenseElementsAttr>(op)
      .Case([&](tosa::AddOp) {
        return binary(std::plus<double>(), [](int64_t a, int64_t b) {
          return wrap(uint64_t(a) + uint64_t(b));
        });
      })
      .Case([&](tosa::SubOp) {
        return binary(std::minus<double>(), [](int64_t a, int64_t b) {
          return wrap(uint64_t(a) - uint64_t(b));
        });
      })
      .Case([&](tosa::MulOp mul) { return evaluateMul(mul, type); })
      .Case(
          [&](tosa::MaximumOp max) { return evaluateMinMax(max, type, true); })
      .Case(
          [&](tosa::MinimumOp min) { return evaluateMinMax(min, type, false); })
      .Case([&](tosa::PowOp) {
        return evaluateElementwise(
            type, op->getOperands(),
            [](ArrayRef<double> x) -> std::optional<double> {
              return std::pow(x[0], x[1]);
            },
            nullptr);
      })
      .Case([&](tosa::IntDivOp) {
        return evaluateElementwise(
            type, op->getOperands(), nullptr,
            [](ArrayRef<int64_t> x) -> std::optional<int64_t> {
              if (x[1] == 0 ||
                  (x[1] == -1 && x[0] == std::numeric_limits<int64_t>::min()))
                return std::nullopt;
              return x[0] / x[1];
            });
      })
      .Case([&](tosa::ReciprocalOp) {
        return unary([](ArrayRef<double> x) -> std::optional<double> {
          return 1.0 / x[0];
        });
      })
      .Case([&](tosa::RsqrtOp) {
        return unary([](ArrayRef<double> x) -> std::optional<double> {
          return 1.0 / std::sqrt(x[0]);
        });
      })
      .Case([&](tosa::SigmoidOp) {
        return unary([](ArrayRef<double> x) -> std::optional<double> {
          return 1.0 / (1.0 + std::exp(-x[0]));
        });
      })
      .Case([&](tosa::AbsOp) {
        return unary(unaryFloat(std::fabs),
                     [](ArrayRef<int64_t> x) -> std::optional<int64_t> {
                       return x[0] < 0 ? wrap(-uint64_t(x[0])) : x[0];
                     });
      })
      .Case([&](tosa::ExpOp) { return unary(unaryFloat(std::exp)); })
      .Case([&](tosa::LogOp) { return unary(unaryFloat(std::log)); })
      .Case([&](tosa::TanhOp) { return unary(unaryFloat(std::tanh)); })
      .Case([&](tosa::CeilOp) { return unary(unaryFloat(std::ceil)); })
      .Case([&](tosa::FloorOp) { return unary(unaryFloat(std::floor)); })
      .Case([&](tosa::SinOp) { return unary(unaryFloat(std::sin)); })
      .Case([&](tosa::CosOp) { return unary(unaryFloat(std::cos)); })
      .Case([&](tosa::ErfOp) { return unary(unaryFloat(std::erf)); })
      .Case([&](tosa::NegateOp neg) { return evaluateNegate(neg, type); })
      .Case([&](tosa::ClampOp clamp) { return evaluateClamp(clamp, type); })
      .Case([&](tosa::CastOp cast) { return evaluateCast(cast, type); })
      .Case([&](tosa::ReshapeOp reshape) -> DenseElementsAttr {
        std::optional<Tensor> in = readTensor(reshape.getInput1());
        if (!in ||
            ShapedType::getNumElements(in->shape) != type.getNumElements())
          return {};
        return toAttr(type, *in);
      })
      .Case([&](tosa::TransposeOp transpose) {
        return evaluateTranspose(transpose, type);
      })
      .Case([&](tosa::SliceOp slice) { return evaluateSlice(slice, type); })
      .Case([&](tosa::TileOp tile) { return evaluateTile(tile, type); })
      .Case([&](tosa::ReverseOp reverse) {
        return evaluateReverse(reverse, type);
      })
      .Case([&](tosa::PadOp pad) { return evaluatePad(pad, type); })
      .Case([&](tosa::ConcatOp concat) { return evaluateConcat(concat, type); })
      .Default([](Op) { return DenseElementsAttr(); });
}

namespace {

/// Replaces an op whose operands are all constant by the `tosa.const` of its
/// result.
struct FoldConstantOperands : RewritePattern {
  explicit FoldConstantOperands(MLIRContext *context)
      : RewritePattern(MatchAnyOpTypeTag(), /*benefit=*/1, context) {}

  LogicalResult matchAndRewrite(Operation *op,
                                PatternRewriter &rewriter) const override {
    if (op->getNumResults() != 1 || op->getNumOperands() == 0 ||
        !isa_and_nonnull<tosa::TosaDialect>(op->getDialect()))
      return failure();
    auto type = dyn_cast<RankedTensorType>(op->getResult(0).getType());
    if (!type || !type.hasStaticShape() || type.getNumElements() == 0 ||
        !type.getElementType().isIntOrFloat())
      return failure();
    if (!llvm::all_of(op->getOperands(),
                      [](Value v) { return matchPattern(v, m_Constant()); }))
      return failure();
    DenseElementsAttr value = evaluate(op, type);
    if (!value)
      return rewriter.notifyMatchFailure(op, "cannot evaluate");
    rewriter.replaceOpWithNewOp<tosa::ConstOp>(op, type, value);
    return success();
  }
};

//===----------------------------------------------------------------------===//
// The pass
//===----------------------------------------------------------------------===//

struct FoldConstantsPass : qopt::impl::FoldConstantsBase<FoldConstantsPass> {
  using Base::Base;

  void runOnOperation() override {
    MLIRContext *context = &getContext();
    RewritePatternSet patterns(context);
    tosa::populateTosaFoldConstantTransposePatterns(context, patterns);
    tosa::populateTosaFoldConstantReciprocalPatterns(context, patterns);
    patterns.add<FoldConstantOperands>(context);
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      signalPassFailure();
  }
};

} // namespace
