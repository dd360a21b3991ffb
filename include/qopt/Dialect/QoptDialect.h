//===- QoptDialect.h - The quantization contract between passes -*- C++ -*-===//
//
// The qopt dialect declares, verifies and names the attributes one qopt
// pass leaves for another (QoptDialect.td says what each means). Passes
// read and write them only through the accessors below.
//
//===----------------------------------------------------------------------===//

#ifndef QOPT_DIALECT_QOPTDIALECT_H
#define QOPT_DIALECT_QOPTDIALECT_H

#include "mlir/Dialect/Quant/IR/QuantTypes.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/Dialect.h"
#include "mlir/IR/Operation.h"
#include "mlir/Interfaces/FunctionInterfaces.h"
#include "llvm/ADT/SmallVector.h"

#include <optional>

#include "qopt/Dialect/QoptDialect.h.inc"

namespace qopt {

/// Per output channel statistics of a layer's pre-activation, recorded by
/// qopt-fold-batchnorm from the batch norm it folded (β and |γ|) and kept up
/// to date by the passes that rescale or shift that output.
struct BatchNormStatistics {
  llvm::SmallVector<double> mean, std;
};
std::optional<BatchNormStatistics> getBatchNormStatistics(mlir::Operation *op);
void setBatchNormStatistics(mlir::Operation *op, llvm::ArrayRef<double> mean,
                            llvm::ArrayRef<double> std);

/// Weight quantization decided before qopt-quantize (by qopt-adaround, which
/// leaves the weights on this grid): one scale per WeightChannels channel
/// (or one) and the bit width; PWLQ grids (WeightFormat.h's PwlqGrid, whose
/// scales are the centre steps) also their tail step.
struct RecordedWeightQuant {
  llvm::SmallVector<double> scales;
  unsigned bits;
  /// 0 for a uniform grid.
  int64_t tailStep = 0;
};
std::optional<RecordedWeightQuant> getRecordedWeightQuant(mlir::Operation *op);
void setRecordedWeightQuant(mlir::Operation *op, llvm::ArrayRef<double> scales,
                            unsigned bits, int64_t tailStep = 0);
void removeRecordedWeightQuant(mlir::Operation *op);

/// The weight format qopt-quantize chose (WeightFormat::schemeName()) and,
/// for PWLQ, its two regions: `bits` per region level index, the tail step
/// in centre steps, and each channel's breakpoint.
struct PwlqRecord {
  unsigned bits;
  int64_t tailStep;
  llvm::SmallVector<double> breakpoints;
};
void setWeightFormat(mlir::Operation *op, llvm::StringRef scheme,
                     const std::optional<PwlqRecord> &pwlq);
std::optional<llvm::StringRef> getWeightFormat(mlir::Operation *op);
std::optional<PwlqRecord> getPwlq(mlir::Operation *op);

/// The quantization of a function argument or result, from its attributes
/// (`qopt.quant`), or null.
mlir::quant::QuantizedType getInterfaceQuant(mlir::DictionaryAttr attrs);
void setArgumentQuant(mlir::FunctionOpInterface func, unsigned index,
                      mlir::quant::QuantizedType type);
void setResultQuant(mlir::FunctionOpInterface func, unsigned index,
                    mlir::quant::QuantizedType type);

/// The argument attributes that mark the planned arena, and the arena's
/// size in bytes on its function.
mlir::DictionaryAttr getArenaArgAttrs(mlir::MLIRContext *ctx);
void setArenaSize(mlir::Operation *func, int64_t bytes);
std::optional<int64_t> getArenaSize(mlir::Operation *func);

/// The per-layer widths recorded on a function (`qopt.layer_bits`), in the
/// `layer-bits` syntax.
void setLayerBits(mlir::Operation *func, llvm::ArrayRef<std::string> entries);
llvm::SmallVector<std::string> getLayerBits(mlir::Operation *func);
/// A size budget's search on its function: the budget searched for
/// (`qopt.size_budget`) and the smallest weights it could reach
/// (`qopt.min_size`), both in bytes.
void setSizeBudget(mlir::Operation *func, int64_t budget, int64_t smallest);
std::optional<int64_t> getSizeBudget(mlir::Operation *func);
std::optional<int64_t> getMinSize(mlir::Operation *func);

} // namespace qopt

#endif // QOPT_DIALECT_QOPTDIALECT_H
