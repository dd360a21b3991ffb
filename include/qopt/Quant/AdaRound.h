//===- AdaRound.h - Learned rounding of one layer's weights -----*- C++ -*-===//
//
// AdaRound (Nagel et al. 2020): each weight w with scale s is rounded to
// floor(w/s) or floor(w/s) + 1, whichever pair of choices over the layer
// best reconstructs the layer's outputs W·x on sample inputs x. The choice
// is relaxed to W̃ = s·clamp(floor(W/s) + h(V), qmin, qmax) with the
// rectified sigmoid h(V) = clamp(σ(V)(ζ − γ) + γ, 0, 1), ζ = 1.1, γ = −0.1,
// and V is optimized with Adam on
//
//   (1/N) Σ_n ‖(W − W̃)·x_n‖² + λ Σ (1 − |2h(V) − 1|^β)
//
// or, with the paper's asymmetric reconstruction, (1/N) Σ_n ‖W·x°_n −
// W̃·x_n‖² + λ Σ (...): x_n the input in the model whose earlier layers are
// already rounded, x°_n the float model's (see RoundingProblem::cross),
//
// with β annealed from 20 to 2 after a warm-up without the regulariser,
// which drives every h to 0 or 1. Plain C++ with no MLIR dependency.
//
//===----------------------------------------------------------------------===//

#ifndef QOPT_QUANT_ADAROUND_H
#define QOPT_QUANT_ADAROUND_H

#include "qopt/Quant/QuantMath.h"

#include "llvm/ADT/STLFunctionalExtras.h"

#include <cstdint>
#include <vector>

namespace qopt {

struct RoundingOptions {
  unsigned iterations = 1000;
  /// λ, the weight of the rounding regulariser.
  double regularization = 0.01;
  double learningRate = 1e-2;
  /// Fraction of the iterations run without the regulariser.
  double warmup = 0.2;
  double betaStart = 20.0, betaEnd = 2.0;
};

/// One layer's weights as `rows` output channels of `cols` weights each, and
/// the inputs they see. Rows are split into `groups` runs of equal length;
/// the rows of group g all read patch g of an input position (a conv or
/// fully connected layer has one group, a depthwise conv one per input
/// channel).
struct RoundingProblem {
  int64_t rows = 0, cols = 0, groups = 1;
  std::vector<float> weights;      // rows × cols
  std::vector<QuantParams> params; // per row, symmetric
  /// The integer values a weight may take, ascending (PWLQ's levels, shared
  /// by every row); empty: every integer in [qmin, qmax]. A weight rounds
  /// to one of the two levels around w/s.
  std::vector<int64_t> levels;
  /// Number of input positions N the data below sums over.
  int64_t positions = 0;
  /// Per group either Σ_n x_n·x_nᵀ (cols × cols; `gram`), or the patches x_n
  /// themselves (N × cols; `patches`, cheaper when N < cols / 2). Exactly one
  /// of the two is non-empty.
  std::vector<double> gram;
  std::vector<float> patches;
  /// Asymmetric reconstruction (empty: x° = x): with x°_n the float model's
  /// input at position n and x_n the one the data above holds, row r of
  /// `cross` (rows × cols) is Σ_n (w_r·(x°_n − x_n))·x_n and
  /// `crossConstant` = Σ_n ‖W·(x°_n − x_n)‖². The loss is then
  /// (1/N) Σ_n ‖W·x°_n − W̃·x_n‖² = (1/N) (Σ_n ‖D·x_n‖² + 2 Σ_r d_r·c_r +
  /// crossConstant), D = W − W̃.
  std::vector<double> cross;
  double crossConstant = 0.0;

  int64_t groupOf(int64_t row) const { return row / (rows / groups); }
};

/// (1/N) Σ_n ‖(W − s·q)·x_n‖² for integer weights `q` (rows × cols); with
/// `cross`, (1/N) Σ_n ‖W·x°_n − s·q·x_n‖².
double reconstructionError(const RoundingProblem &problem,
                           const std::vector<int64_t> &q);

/// Round-to-nearest integers of the problem's weights (the nearest level,
/// with `levels`; ties go down).
std::vector<int64_t> roundToNearest(const RoundingProblem &problem);

/// The learned integer weights (rows × cols), each floor(w/s) or
/// floor(w/s) + 1 clamped to [qmin, qmax] (with `levels`: the level below
/// w/s or the one above, clamped to the outer levels). `progress(i)` is
/// called after iteration i.
std::vector<int64_t>
learnRounding(const RoundingProblem &problem, const RoundingOptions &options,
              llvm::function_ref<void(unsigned)> progress = nullptr);

} // namespace qopt

#endif // QOPT_QUANT_ADAROUND_H
