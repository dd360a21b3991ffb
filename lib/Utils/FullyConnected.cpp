//===- FullyConnected.cpp - The fully connected chain --------------------===//

#include "qopt/Utils/FullyConnected.h"

using namespace mlir;

namespace qopt {

static int64_t lastDim(Value v) {
  return cast<RankedTensorType>(v.getType()).getShape().back();
}

int64_t FullyConnectedChain::channels() const {
  return lastDim(matmul->getResult(0));
}

Value FullyConnectedChain::output() const {
  if (!after.empty())
    return after.back()->getResult(0);
  if (biasAdd)
    return biasAdd->getResult(0);
  if (!before.empty())
    return before.back()->getResult(0);
  return matmul->getResult(0);
}

template <typename OpTy> static OpTy soleUser(Value value) {
  if (!value.hasOneUse())
    return nullptr;
  return dyn_cast<OpTy>(*value.getUsers().begin());
}

/// Follows reshapes that keep the last axis at `channels` from `value`.
static Value followReshapes(Value value, int64_t channels,
                            SmallVectorImpl<tosa::ReshapeOp> &reshapes) {
  while (auto reshape = soleUser<tosa::ReshapeOp>(value)) {
    if (lastDim(reshape.getResult()) != channels)
      break;
    reshapes.push_back(reshape);
    value = reshape.getResult();
  }
  return value;
}

/// The operand of `add` (which reads `value`) that is a per-column bias.
static OpOperand *getBiasOperand(tosa::AddOp add, Value value, int64_t channels,
                                 IsBiasConstant isBias) {
  OpOperand &operand = add->getOpOperand(add.getInput1() == value ? 1 : 0);
  auto type = cast<RankedTensorType>(operand.get().getType());
  ArrayRef<int64_t> shape = type.getShape();
  if (shape.empty() || type.getRank() != add.getType().getRank() ||
      (shape.back() != 1 && shape.back() != channels) ||
      llvm::any_of(shape.drop_back(), [](int64_t d) { return d != 1; }) ||
      !isBias(operand.get()))
    return nullptr;
  return &operand;
}

FullyConnectedChain matchFullyConnected(tosa::MatMulOp matmul,
                                        IsBiasConstant isBias) {
  FullyConnectedChain chain;
  chain.matmul = matmul;
  int64_t channels = chain.channels();
  Value value = followReshapes(matmul.getOutput(), channels, chain.before);
  auto add = soleUser<tosa::AddOp>(value);
  if (!add)
    return chain;
  chain.bias = getBiasOperand(add, value, channels, isBias);
  if (!chain.bias)
    return chain;
  chain.biasAdd = add;
  followReshapes(add.getResult(), channels, chain.after);
  return chain;
}

std::optional<FullyConnectedChain>
matchFullyConnectedEndingAt(Value output, IsBiasConstant isBias) {
  // Back to the matmul through reshapes and a bias add, then forward.
  Value value = output;
  while (Operation *def = value.getDefiningOp()) {
    if (auto matmul = dyn_cast<tosa::MatMulOp>(def)) {
      FullyConnectedChain chain = matchFullyConnected(matmul, isBias);
      if (chain.output() != output)
        return std::nullopt;
      return chain;
    }
    if (auto reshape = dyn_cast<tosa::ReshapeOp>(def))
      value = reshape.getInput1();
    else if (auto add = dyn_cast<tosa::AddOp>(def))
      value = isBias(add.getInput1()) ? add.getInput2() : add.getInput1();
    else
      return std::nullopt;
  }
  return std::nullopt;
}

} // namespace qopt
