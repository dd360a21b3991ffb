//===- LayerReportFormat.cpp - The layer report as JSON, Markdown, HTML ---===//

#include "qopt/Report/LayerReport.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/JSON.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <optional>

using namespace llvm;

namespace qopt {

/// Layers listed under "the layers that lose most".
static constexpr size_t kWorstShown = 10;

static json::Value dbValue(double db) {
  return std::isfinite(db) ? json::Value(db) : json::Value(nullptr);
}

/// `"name": {"sqnr_db", "signal", "noise", "elements"}`.
static void sqnrAttribute(json::OStream &j, StringRef name, const Sqnr &s) {
  j.attributeObject(name, [&] {
    j.attribute("sqnr_db", dbValue(s.db()));
    // Mean squares, which make the ratio checkable.
    double n = s.count ? double(s.count) : 1.0;
    j.attribute("signal", s.signal / n);
    j.attribute("noise", s.noise / n);
    j.attribute("elements", s.count);
  });
}

void writeLayerReportJson(const LayerReport &report, raw_ostream &os) {
  json::OStream j(os, 1);
  j.object([&] {
    j.attribute("model", report.name);
    j.attribute("function", report.function);
    j.attribute("settings", report.settings);
    j.attribute("samples", report.samples);
    j.attribute("num_samples", int64_t(report.numSamples));
    j.attributeArray("outputs", [&] {
      for (const OutputEntry &out : report.outputs)
        j.object([&] {
          j.attribute("type", out.type);
          sqnrAttribute(j, "integer", out.integer);
          sqnrAttribute(j, "simulated", out.simulated);
        });
    });
    j.attributeArray("layers", [&] {
      for (const LayerEntry &l : report.layers)
        j.object([&] {
          j.attribute("id", int64_t(l.id));
          j.attribute("op", l.op);
          j.attribute("location", l.location);
          j.attribute("type", l.type);
          j.attribute("input_bits", int64_t(l.inputBits));
          j.attributeObject("activation", [&] {
            j.attribute("bits", int64_t(l.bits));
            j.attribute("scale", l.scale);
            j.attribute("zero_point", l.zeroPoint);
            j.attribute("min", l.min);
            j.attribute("max", l.max);
            j.attribute("clipped",
                        l.endToEnd.count
                            ? double(l.clipped) / double(l.endToEnd.count)
                            : 0.0);
          });
          j.attributeBegin("weight");
          if (!l.weight) {
            j.value(nullptr);
          } else {
            const WeightReport &w = *l.weight;
            j.object([&] {
              j.attribute("bits", int64_t(w.bits));
              j.attribute("format", w.format);
              if (w.format == "pwlq") {
                j.attribute("tail_step", w.tailStep);
                j.attribute("breakpoint_ratio", w.breakpointRatio);
                j.attributeArray("breakpoints", [&] {
                  for (double p : w.breakpoints)
                    j.value(p);
                });
              }
              j.attribute("axis",
                          w.axis ? json::Value(*w.axis) : json::Value(nullptr));
              j.attributeArray("scales", [&] {
                for (double s : w.scales)
                  j.value(s);
              });
              sqnrAttribute(j, "sqnr", w.sqnr);
              j.attributeArray("channel_sqnr_db", [&] {
                for (const Sqnr &c : w.channels)
                  j.value(dbValue(c.db()));
              });
            });
          }
          j.attributeEnd();
          sqnrAttribute(j, "end_to_end", l.endToEnd);
          sqnrAttribute(j, "own", l.own);
        });
    });
    j.attributeArray("worst", [&] {
      for (size_t i : report.worstFirst())
        j.value(int64_t(report.layers[i].id));
    });
  });
  os << "\n";
}

static std::string formatDb(double db) {
  if (std::isinf(db))
    return db > 0 ? "exact" : "-inf";
  return formatv("{0:f1}", db).str();
}

static std::string formatScales(const LayerEntry &l) {
  if (!l.weight)
    return "-";
  const std::vector<double> &s = l.weight->scales;
  if (s.size() == 1)
    return formatv("{0}", format("%.4g", s[0])).str();
  auto [lo, hi] = std::minmax_element(s.begin(), s.end());
  return formatv("{0} ch: {1}..{2}", s.size(), format("%.3g", *lo),
                 format("%.3g", *hi))
      .str();
}

static std::string formatActivation(const LayerEntry &l) {
  return formatv("{0}, {1} [{2}, {3}]", format("%.4g", l.scale), l.zeroPoint,
                 format("%.3g", l.min), format("%.3g", l.max))
      .str();
}

static std::string formatClipped(const LayerEntry &l) {
  if (!l.clipped || !l.endToEnd.count)
    return "0";
  return formatv("{0:f2} %",
                 100.0 * double(l.clipped) / double(l.endToEnd.count))
      .str();
}

static std::string formatWeightSqnr(const LayerEntry &l) {
  if (!l.weight)
    return "-";
  std::string text = formatDb(l.weight->sqnr.db());
  if (l.weight->channels.size() > 1) {
    size_t c = l.weight->worstChannel();
    text += formatv(" (c{0}: {1})", c, formatDb(l.weight->channels[c].db()));
  }
  return text;
}

static std::string formatBits(unsigned bits) {
  return bits ? std::to_string(bits) : "-";
}

static std::vector<std::string> layerHeader() {
  return {"id",           "op",
          "location",     "W",
          "in",           "out",
          "weight scale", "activation scale, zero point [range]",
          "clipped",      "weight SQNR (worst channel)",
          "own SQNR",     "end-to-end SQNR"};
}

/// "4", "2 ternary", "4 pwlq p/m 0.27".
static std::string formatWeightFormat(const LayerEntry &l) {
  if (!l.weight)
    return "-";
  const WeightReport &w = *l.weight;
  std::string text = std::to_string(w.bits);
  if (w.format != "uniform")
    text += " " + w.format;
  if (w.format == "pwlq")
    text += llvm::formatv(" p/m {0:F2}", w.breakpointRatio).str();
  return text;
}

static std::vector<std::string> layerCells(const LayerEntry &l) {
  return {std::to_string(l.id),
          l.op,
          l.location,
          formatWeightFormat(l),
          formatBits(l.inputBits),
          formatBits(l.bits),
          formatScales(l),
          formatActivation(l),
          formatClipped(l),
          formatWeightSqnr(l),
          formatDb(l.own.db()),
          formatDb(l.endToEnd.db())};
}

static std::vector<std::string> outputHeader() {
  return {"result", "type", "integer vs float model",
          "QDQ simulation vs prepared float"};
}

static std::vector<std::string> outputCells(size_t i, const OutputEntry &o) {
  return {std::to_string(i), o.type, formatDb(o.integer.db()),
          formatDb(o.simulated.db())};
}

static const char *kOwnExplained =
    "own SQNR: the layer alone, it and the float layer reading the float "
    "model's inputs quantized as the quantized model quantizes them (its "
    "weight, accumulation and output rounding); end-to-end SQNR: the "
    "quantized model's dequantized value against the float model's, with the "
    "error of every earlier layer; weight SQNR: dequantized against float "
    "weights, with the output channel that loses most; clipped: the share of "
    "the float model's values beyond half a step outside the activation's "
    "range. SQNR = 10 log10(sum x^2 / sum (q - x)^2) in dB over every "
    "sample; exact: no error.";

static void markdownRow(raw_ostream &os, ArrayRef<std::string> cells) {
  os << "|";
  for (const std::string &c : cells) {
    std::string escaped;
    for (char ch : c)
      escaped += ch == '|' ? std::string("\\|") : std::string(1, ch);
    os << " " << escaped << " |";
  }
  os << "\n";
}

static void markdownTable(raw_ostream &os, ArrayRef<std::string> header,
                          function_ref<void()> rows) {
  markdownRow(os, header);
  markdownRow(os, std::vector<std::string>(header.size(), "---"));
  rows();
  os << "\n";
}

void writeLayerReportMarkdown(const LayerReport &report, raw_ostream &os) {
  os << "# Quantization report: " << report.name << " (@" << report.function
     << ")\n\n";
  os << "Settings: " << report.settings << ". Measured on " << report.numSamples
     << " sample(s) of " << report.samples << ".\n\n";
  os << "## Outputs (SQNR, dB)\n\n";
  markdownTable(os, outputHeader(), [&] {
    for (auto [i, o] : llvm::enumerate(report.outputs))
      markdownRow(os, outputCells(i, o));
  });
  os << "## Layers that lose most\n\n";
  markdownTable(os, layerHeader(), [&] {
    std::vector<size_t> worst = report.worstFirst();
    for (size_t i = 0; i < std::min(worst.size(), kWorstShown); ++i)
      markdownRow(os, layerCells(report.layers[worst[i]]));
  });
  os << "## Every quantization point\n\n";
  markdownTable(os, layerHeader(), [&] {
    for (const LayerEntry &l : report.layers)
      markdownRow(os, layerCells(l));
  });
  os << kOwnExplained << " Bits: W weights, in the widest input, out the "
     << "output. The id is the activation id of `--layer-bits` and of the "
        "statistics file.\n";
}

static std::string html(StringRef text) {
  std::string out;
  for (char c : text) {
    switch (c) {
    case '<':
      out += "&lt;";
      break;
    case '>':
      out += "&gt;";
      break;
    case '&':
      out += "&amp;";
      break;
    case '"':
      out += "&quot;";
      break;
    default:
      out += c;
    }
  }
  return out;
}

static void htmlTable(raw_ostream &os, ArrayRef<std::string> header,
                      ArrayRef<std::vector<std::string>> rows) {
  os << "<table>\n<tr>";
  for (const std::string &h : header)
    os << "<th>" << html(h) << "</th>";
  os << "</tr>\n";
  for (const std::vector<std::string> &row : rows) {
    os << "<tr>";
    for (const std::string &c : row)
      os << "<td>" << html(c) << "</td>";
    os << "</tr>\n";
  }
  os << "</table>\n";
}

/// Horizontal bars per layer: weight, own and end-to-end SQNR.
static void svgChart(const LayerReport &report, raw_ostream &os) {
  struct Series {
    const char *name, *color;
  };
  const Series series[] = {{"weight SQNR", "#7b5ea7"},
                           {"own SQNR", "#e6550d"},
                           {"end-to-end SQNR", "#3182bd"}};
  auto values = [](const LayerEntry &l) {
    return std::array<std::optional<double>, 3>{
        l.weight ? std::optional(l.weight->sqnr.db()) : std::nullopt,
        l.own.db(), l.endToEnd.db()};
  };
  double top = 10.0;
  for (const LayerEntry &l : report.layers)
    for (std::optional<double> v : values(l))
      if (v && std::isfinite(*v))
        top = std::max(top, *v);
  top = std::ceil(top / 10.0) * 10.0;

  constexpr double labelWidth = 340, plotWidth = 560, bar = 7, gap = 10,
                   axis = 40;
  double rowHeight = 3 * bar + gap;
  double height = axis + rowHeight * report.layers.size() + 10;
  double width = labelWidth + plotWidth + 60;
  auto x = [&](double db) {
    return labelWidth + plotWidth * std::clamp(db, 0.0, top) / top;
  };
  os << formatv("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{0}\" "
                "height=\"{1}\" font-family=\"sans-serif\" font-size=\"11\">\n",
                width, height);
  // Legend and grid.
  for (auto [i, s] : llvm::enumerate(series)) {
    double lx = labelWidth + 150 * i;
    os << formatv("<rect x=\"{0}\" y=\"4\" width=\"12\" height=\"10\" "
                  "fill=\"{1}\"/><text x=\"{2}\" y=\"13\">{3}</text>\n",
                  lx, s.color, lx + 16, s.name);
  }
  for (double db = 0; db <= top; db += 10)
    os << formatv("<line x1=\"{0}\" y1=\"{1}\" x2=\"{0}\" y2=\"{2}\" "
                  "stroke=\"#ddd\"/><text x=\"{0}\" y=\"{3}\" "
                  "text-anchor=\"middle\">{4} dB</text>\n",
                  x(db), axis - 6, height - 10, axis - 10, int(db));
  // The worst layers' labels in red: one in four, at least one, at most 3.
  std::vector<size_t> worst = report.worstFirst();
  worst.resize(
      std::min(worst.size(), std::clamp<size_t>(worst.size() / 4, 1, 3)));
  for (auto [row, l] : llvm::enumerate(report.layers)) {
    double y = axis + rowHeight * row;
    bool isWorst = llvm::is_contained(worst, row);
    // Long locations keep their end, where ONNX names differ.
    std::string label = "#" + std::to_string(l.id) + " " + l.op + " ";
    constexpr size_t kMaxLabel = 56;
    size_t room = kMaxLabel > label.size() + 1 ? kMaxLabel - label.size() : 1;
    label += l.location.size() <= room
                 ? l.location
                 : "\u2026" + l.location.substr(l.location.size() - room + 1);
    os << formatv("<text x=\"{0}\" y=\"{1}\" text-anchor=\"end\"{2}>{3}"
                  "<title>{4}</title></text>\n",
                  labelWidth - 6, y + 1.5 * bar + 4,
                  isWorst ? " fill=\"#c00\" font-weight=\"bold\"" : "",
                  html(label), html(l.location));
    for (auto [i, v] : llvm::enumerate(values(l))) {
      if (!v)
        continue;
      double by = y + bar * i;
      double end = std::isinf(*v) && *v > 0 ? x(top) : x(*v);
      os << formatv("<rect x=\"{0}\" y=\"{1}\" width=\"{2}\" height=\"{3}\" "
                    "fill=\"{4}\"><title>{5}: {6} dB</title></rect>"
                    "<text x=\"{7}\" y=\"{8}\" font-size=\"8\">{6}</text>\n",
                    labelWidth, by, end - labelWidth, bar - 1, series[i].color,
                    series[i].name, formatDb(*v), end + 3, by + bar - 1);
    }
  }
  os << "</svg>\n";
}

void writeLayerReportHtml(const LayerReport &report, raw_ostream &os) {
  os << "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\">\n<title>"
     << html(report.name) << ": quantization report</title>\n"
     << "<style>body{font-family:sans-serif;margin:2em}"
        "table{border-collapse:collapse;font-size:12px;margin-bottom:1.5em}"
        "td,th{border:1px solid #ccc;padding:2px 6px;text-align:left}"
        "th{background:#f0f0f0}p.note{font-size:12px;color:#444;"
        "max-width:60em}</style>\n</head><body>\n";
  os << "<h1>Quantization report: " << html(report.name) << " (@"
     << html(report.function) << ")</h1>\n";
  os << "<p>Settings: " << html(report.settings) << ". Measured on "
     << report.numSamples << " sample(s) of " << html(report.samples)
     << ".</p>\n";
  os << "<h2>Outputs (SQNR, dB)</h2>\n";
  std::vector<std::vector<std::string>> rows;
  for (auto [i, o] : llvm::enumerate(report.outputs))
    rows.push_back(outputCells(i, o));
  htmlTable(os, outputHeader(), rows);
  os << "<h2>SQNR per quantization point</h2>\n";
  svgChart(report, os);
  os << "<p class=\"note\">" << html(kOwnExplained) << "</p>\n";
  os << "<h2>Layers that lose most</h2>\n";
  rows.clear();
  std::vector<size_t> worst = report.worstFirst();
  for (size_t i = 0; i < std::min(worst.size(), kWorstShown); ++i)
    rows.push_back(layerCells(report.layers[worst[i]]));
  htmlTable(os, layerHeader(), rows);
  os << "<h2>Every quantization point</h2>\n";
  rows.clear();
  for (const LayerEntry &l : report.layers)
    rows.push_back(layerCells(l));
  htmlTable(os, layerHeader(), rows);
  os << "</body></html>\n";
}

} // namespace qopt
