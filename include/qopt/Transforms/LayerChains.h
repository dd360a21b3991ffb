//===- LayerChains.h - Layers and the links between them --------*- C++ -*-===//
//
// The data-free passes (cross-layer equalization, high-bias absorption,
// analytic bias correction) rewrite the constant weights and biases of
// consecutive layers. A layer is a conv2d, depthwise_conv2d or fully connected
// matmul with constant float weights and bias; a link is the chain of ops
// from one layer's output to the next layer's input through which a per
// channel scale or shift can be moved: at most one ReLU-like clamp, pools and
// reshapes that keep channels innermost, every value with a single use.
//
//===----------------------------------------------------------------------===//

#ifndef QOPT_TRANSFORMS_LAYERCHAINS_H
#define QOPT_TRANSFORMS_LAYERCHAINS_H

#include "mlir/Dialect/Tosa/IR/TosaOps.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/SmallVector.h"

#include <optional>

namespace qopt {

enum class LayerKind { Conv, Depthwise, FullyConnected };

/// A layer's weights and bias, read into doubles for editing and written
/// back as new constants.
struct Layer {
  mlir::Operation *op;
  LayerKind kind;
  mlir::RankedTensorType weightType;
  llvm::SmallVector<double> weights; // row-major, as weightType
  /// The bias: the conv's bias operand or the fully connected layer's bias
  /// add constant; null for a fully connected layer without one.
  mlir::OpOperand *bias = nullptr;
  llvm::SmallVector<double> biasValues; // one per output channel
  /// The result the next layer reads (after an FC's reshapes and bias add).
  mlir::Value output;
  int64_t outChannels, inChannels;

  /// The output and input channel of weight element `i`, and its kernel
  /// position (row-major over KHxKW; 0 for a fully connected layer).
  int64_t outputChannel(int64_t i) const;
  int64_t inputChannel(int64_t i) const;
  int64_t tap(int64_t i) const;

  /// Per kernel position, the fraction of output positions where it reads
  /// the input rather than padding (all ones without padding).
  llvm::SmallVector<double> tapCoverage() const;

  /// Per output channel, the mean over all output positions of `error`·x
  /// for inputs of mean `inputMean` (one per input channel) and zero
  /// padding: Σ error·E[x]·coverage, with `error` one value per weight.
  llvm::SmallVector<double> meanShift(llvm::ArrayRef<double> error,
                                      llvm::ArrayRef<double> inputMean) const;

  /// Replaces the weight and bias operands by constants holding `weights`
  /// and `biasValues`.
  void write();
  /// Replaces the bias operand (which must exist) only.
  void writeBias();
};

/// `op` as a layer, if it is one with constant float weights and bias.
std::optional<Layer> getLayer(mlir::Operation *op);

/// Every layer under `root` in program order, and each layer op's position.
struct LayerList {
  llvm::SmallVector<Layer> layers;
  llvm::DenseMap<mlir::Operation *, size_t> indexOf;
};
LayerList collectLayers(mlir::Operation *root);

/// The activation between two layers.
enum class Activation {
  Identity,
  ReLU,    // clamp(0, +max)
  Bounded, // clamp(0, finite), e.g. ReLU6
};

/// The ops from a layer's output to the input of the next layer.
struct Link {
  mlir::Operation *next;
  Activation activation = Activation::Identity;
  mlir::tosa::ClampOp clamp; // null for Identity
  /// Whether a max pool is on the way (it does not preserve means).
  bool hasMaxPool = false;
  /// Channels of the link: input channel k of the next layer carries channel
  /// k % channels (a reshape may flatten HxWxC into the FC's rows).
  int64_t channels;
};

/// The mean of each input channel of `next` (which `link` leads to from
/// `prev`) when `prev`'s pre-activation is N(β, γ²) per channel, β and γ
/// its recorded batch norm statistics, through the link's activation
/// (identity, ReLU or bounded ReLU) and reshapes/average pools. None when
/// `prev` records no statistics, the link has a max pool, or the channels do
/// not map onto `next`'s inputs.
std::optional<llvm::SmallVector<double>>
getAnalyticInputMeans(const Layer &prev, const Link &link, const Layer &next);

/// The link from `layer` to the next op that can be a layer: its output has
/// a single use and so has every value on the way. Null when the chain
/// meets any other op or clamp.
std::optional<Link> getLink(const Layer &layer);

} // namespace qopt

#endif // QOPT_TRANSFORMS_LAYERCHAINS_H
