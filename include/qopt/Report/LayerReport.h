//===- LayerReport.h - Where a quantized model loses accuracy ---*- C++ -*-===//
//
// What `qoptc --report` measures: every quantization point of the QDQ graph
// (a layer's quantized output, or a quantized argument) with its bit widths
// and scales, and its signal-to-quantization-noise ratio against the float
// graph on sample inputs, both end to end and for the layer alone; every
// weight tensor's SQNR; and each result's SQNR, the integer model against
// the float model as given. The float graph, the QDQ graph, the layers alone
// and the integer graph are merged into one function, compiled once, and run
// sample by sample.
//
//===----------------------------------------------------------------------===//

#ifndef QOPT_REPORT_LAYERREPORT_H
#define QOPT_REPORT_LAYERREPORT_H

#include "qopt/Pipelines/Pipelines.h"

#include "mlir/IR/BuiltinOps.h"
#include "llvm/Support/Error.h"
#include "llvm/Support/raw_ostream.h"

#include <optional>
#include <string>
#include <vector>

namespace qopt {

/// Σ reference² and Σ (value − reference)² over every element compared.
struct Sqnr {
  double signal = 0.0, noise = 0.0;
  int64_t count = 0;

  void add(double reference, double value) {
    signal += reference * reference;
    noise += (value - reference) * (value - reference);
    ++count;
  }
  /// 10·log10(signal / noise) in dB: +inf without noise.
  double db() const;
};

struct WeightReport {
  unsigned bits = 0;
  /// qopt.weight_format: uniform, pwlq, ternary or binary.
  std::string format = "uniform";
  /// PWLQ: the tail step j, the breakpoint p over the clip m (the same for
  /// every channel, L1 / (L1 + j·L2)) and each channel's breakpoint.
  int64_t tailStep = 0;
  double breakpointRatio = 0.0;
  std::vector<double> breakpoints;
  /// The quantized dimension of per-channel weights; nullopt per tensor.
  std::optional<int64_t> axis;
  std::vector<double> scales;
  /// Dequantized integer weights against the float weights, over all of
  /// them and per output channel (the channels of per-channel quantization,
  /// whatever the granularity used).
  Sqnr sqnr;
  std::vector<Sqnr> channels;

  /// The output channel whose weights lose most.
  size_t worstChannel() const;
};

/// One quantization point: a layer's output, or an argument.
struct LayerEntry {
  /// Activation id of the point in the prepared float graph (the id of the
  /// statistics file and of `layer-bits`).
  unsigned id = 0;
  /// The ops computing it since the previous quantization points, e.g.
  /// "conv2d+clamp"; "input" for an argument.
  std::string op;
  /// The name or file:line of its main op (the conv, the matmul, ...) in the
  /// input model; the argument's number for an argument.
  std::string location;
  std::string type;
  std::optional<WeightReport> weight;
  /// Widest bit width of the quantized activations it reads (0: none).
  unsigned inputBits = 0;
  unsigned bits = 0;
  double scale = 0.0;
  int64_t zeroPoint = 0;
  /// The real range the quantization represents.
  double min = 0.0, max = 0.0;
  /// How many of the float model's values lie beyond half a step outside
  /// that range (the quantizer saturates them), of `endToEnd.count`.
  int64_t clipped = 0;
  /// The QDQ graph's dequantized value against the float graph's, end to
  /// end: the error accumulated by every layer up to this one.
  Sqnr endToEnd;
  /// The layer alone: the QDQ layer against the float layer, both reading the
  /// float graph's inputs quantized as the QDQ graph quantizes them; its own
  /// weight, accumulation and output rounding.
  Sqnr own;
};

struct OutputEntry {
  std::string type;
  /// The integer model against the float model as given.
  Sqnr integer;
  /// The QDQ simulation against the prepared float graph.
  Sqnr simulated;
};

struct LayerReport {
  std::string name, function;
  /// The quantization settings and the sample files, as the user gave them.
  std::string settings, samples;
  size_t numSamples = 0;
  std::vector<LayerEntry> layers;
  std::vector<OutputEntry> outputs;

  /// Indices into `layers` from the lowest own SQNR up: the layers that lose
  /// most.
  std::vector<size_t> worstFirst() const;
};

/// The modules a report compares, all in one context: the float model as
/// the user gave it, the float graph the quantize pipeline started from
/// (`beforeQuantize`, prepared here with `prepare` and the statistics file
/// `stats` as that pipeline prepares it), and the QDQ graph the pipeline made
/// with keep-qdq=true. None is changed.
struct LayerReportInputs {
  mlir::ModuleOp original, beforeQuantize, qdq;
  PrepareConfig prepare;
  std::string stats;
  std::string entry;
  /// Samples of each argument (see SampleSource).
  std::vector<std::string> samples;
};

/// Measures the report over every sample. Problems with the model are
/// emitted as diagnostics (an error with an empty message); problems with the
/// samples come back as an error naming the file.
llvm::Expected<LayerReport> measureLayerReport(const LayerReportInputs &inputs);

/// The report as JSON (SQNRs in dB, null where infinite), as a
/// Markdown document, and as one self-contained HTML page with an SVG chart
/// of the per-layer SQNR.
void writeLayerReportJson(const LayerReport &report, llvm::raw_ostream &os);
void writeLayerReportMarkdown(const LayerReport &report, llvm::raw_ostream &os);
void writeLayerReportHtml(const LayerReport &report, llvm::raw_ostream &os);

} // namespace qopt

#endif // QOPT_REPORT_LAYERREPORT_H
