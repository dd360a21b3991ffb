//===- Statistics.cpp - Calibration statistics file -----------------------===//

#include "qopt/Calibration/Statistics.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/raw_ostream.h"

#include <cmath>

using namespace llvm;

namespace qopt {

static constexpr StringLiteral kFormat = "qopt-stats";
static constexpr int64_t kVersion = 1;

/// One tensor per line, keys in the documented order: the file stays
/// readable in an editor and diffable.
static void writeJSON(const CalibrationStatistics &stats, raw_ostream &os) {
  os << "{\"format\": " << json::Value(kFormat) << ", \"version\": " << kVersion
     << ", \"function\": " << json::Value(stats.function)
     << ", \"samples\": " << stats.samples;
  if (!stats.prepare.empty())
    os << ", \"prepare\": " << json::Value(stats.prepare);
  if (!stats.fingerprint.empty())
    os << ", \"fingerprint\": " << json::Value(stats.fingerprint);
  os << ",\n \"tensors\": [";
  for (const TensorStatistics &t : stats.tensors) {
    os << (&t == &stats.tensors.front() ? "\n  " : ",\n  ");
    json::OStream j(os);
    j.object([&] {
      j.attribute("id", int64_t(t.id));
      j.attribute("source", t.source);
      j.attribute("shape", json::Array(t.shape));
      j.attribute("min", t.histogram.min);
      j.attribute("max", t.histogram.max);
      j.attributeArray("histogram", [&] {
        for (double c : t.histogram.counts)
          j.value(c);
      });
      if (!t.channelMean.empty())
        j.attribute("channel_mean", json::Array(t.channelMean));
    });
  }
  os << "]";
  if (const std::optional<AbsorptionStatistics> &a = stats.beforeAbsorption) {
    os << ",\n \"before_absorption\": {\"fingerprint\": "
       << json::Value(a->fingerprint) << ", \"tensors\": [";
    for (const ChannelMoments &t : a->tensors) {
      os << (&t == &a->tensors.front() ? "\n  " : ",\n  ");
      json::OStream j(os);
      j.object([&] {
        j.attribute("id", int64_t(t.id));
        j.attribute("channel_mean", json::Array(t.mean));
        j.attribute("channel_std", json::Array(t.std));
      });
    }
    os << "]}";
  }
  os << "}\n";
}

static bool fromJSON(const json::Value &value, TensorStatistics &t,
                     json::Path path) {
  json::ObjectMapper o(value, path);
  return o && o.map("id", t.id) && o.map("source", t.source) &&
         o.map("shape", t.shape) && o.map("min", t.histogram.min) &&
         o.map("max", t.histogram.max) &&
         o.map("histogram", t.histogram.counts) &&
         o.mapOptional("channel_mean", t.channelMean);
}

static bool fromJSON(const json::Value &value, ChannelMoments &t,
                     json::Path path) {
  json::ObjectMapper o(value, path);
  return o && o.map("id", t.id) && o.map("channel_mean", t.mean) &&
         o.map("channel_std", t.std);
}

static bool fromJSON(const json::Value &value, AbsorptionStatistics &a,
                     json::Path path) {
  json::ObjectMapper o(value, path);
  return o && o.map("fingerprint", a.fingerprint) &&
         o.map("tensors", a.tensors);
}

/// Shortest round-trip form, as in the file.
static std::string number(double v) {
  std::string text;
  raw_string_ostream(text) << json::Value(v);
  return text;
}

/// Semantic checks the JSON schema cannot express; the quantizer relies on
/// them (tensors indexed by id, finite ranges, non-negative counts).
static Error checkTensor(const TensorStatistics &t, size_t index) {
  auto fail = [&](const Twine &what) {
    return createStringError("tensor #" + Twine(index) + ": " + what);
  };
  if (t.id != index)
    return fail("id " + Twine(t.id) + ", expected " + Twine(index) +
                " (tensors are listed in id order)");
  for (int64_t d : t.shape)
    if (d < 0)
      return fail("negative dimension " + Twine(d) + " in shape");
  const Histogram &h = t.histogram;
  if (!std::isfinite(h.min) || !std::isfinite(h.max) || h.min > h.max)
    return fail("min " + number(h.min) + " and max " + number(h.max) +
                " are not a finite range");
  for (double c : h.counts)
    if (!(c >= 0.0) || std::isinf(c))
      return fail("histogram count " + number(c) + " is not a count");
  if (!t.channelMean.empty() &&
      (t.shape.empty() || int64_t(t.channelMean.size()) != t.shape.back()))
    return fail(Twine(t.channelMean.size()) +
                " channel means for a tensor whose innermost dimension is " +
                (t.shape.empty() ? Twine("absent") : Twine(t.shape.back())));
  for (double m : t.channelMean)
    if (!std::isfinite(m))
      return fail("channel mean " + number(m) + " is not finite");
  return Error::success();
}

/// Moments of an activation that exists, one mean and one finite,
/// non-negative deviation per channel of its innermost dimension.
static Error checkMoments(const ChannelMoments &t, size_t index,
                          ArrayRef<TensorStatistics> tensors) {
  auto fail = [&](const Twine &what) {
    return createStringError("before_absorption tensor #" + Twine(index) +
                             ": " + what);
  };
  if (t.id >= tensors.size())
    return fail("id " + Twine(t.id) + " is not a tensor of the file");
  const std::vector<int64_t> &shape = tensors[t.id].shape;
  if (shape.empty() || int64_t(t.mean.size()) != shape.back() ||
      t.std.size() != t.mean.size())
    return fail(Twine(t.mean.size()) + " channel means and " +
                Twine(t.std.size()) +
                " deviations for a tensor whose innermost dimension is " +
                (shape.empty() ? Twine("absent") : Twine(shape.back())));
  for (auto [m, s] : zip(t.mean, t.std))
    if (!std::isfinite(m) || !std::isfinite(s) || s < 0)
      return fail("channel mean " + number(m) + " and deviation " + number(s) +
                  " are not a finite mean and deviation");
  return Error::success();
}

static Error checkStatistics(const CalibrationStatistics &stats) {
  for (auto [i, t] : enumerate(stats.tensors))
    if (Error err = checkTensor(t, i))
      return err;
  if (stats.beforeAbsorption)
    for (auto [i, t] : enumerate(stats.beforeAbsorption->tensors))
      if (Error err = checkMoments(t, i, stats.tensors))
        return err;
  return Error::success();
}

Error writeStatistics(const CalibrationStatistics &stats, StringRef path) {
  if (Error err = checkStatistics(stats))
    return createStringError("cannot write '" + path +
                             "': " + toString(std::move(err)));
  Error err = writeToOutput(path, [&](raw_ostream &os) {
    writeJSON(stats, os);
    return Error::success();
  });
  if (err)
    return createStringError("cannot write '" + path +
                             "': " + toString(std::move(err)));
  return Error::success();
}

Expected<CalibrationStatistics> readStatistics(StringRef path) {
  ErrorOr<std::unique_ptr<MemoryBuffer>> buffer =
      MemoryBuffer::getFile(path, /*IsText=*/true);
  if (!buffer)
    return createStringError("statistics file '" + path +
                             "': " + buffer.getError().message());
  return parseStatistics(**buffer);
}

Expected<CalibrationStatistics> parseStatistics(MemoryBufferRef buffer) {
  auto fail = [&](const Twine &what) {
    return createStringError("statistics file '" +
                             buffer.getBufferIdentifier() + "': " + what);
  };
  Expected<json::Value> root = json::parse(buffer.getBuffer());
  if (!root)
    return fail("invalid JSON: " + toString(root.takeError()));

  std::string format;
  int64_t version = 0;
  CalibrationStatistics stats;
  json::Path::Root jsonRoot;
  json::ObjectMapper o(*root, jsonRoot);
  if (!o || !o.map("format", format))
    return fail(toString(jsonRoot.getError()));
  if (format != kFormat)
    return fail("format is '" + format + "', expected '" + kFormat + "'");
  if (!o.map("version", version))
    return fail(toString(jsonRoot.getError()));
  if (version != kVersion)
    return fail("unsupported version " + Twine(version) + " (expected " +
                Twine(kVersion) + ")");
  if (!o.map("function", stats.function) || !o.map("samples", stats.samples) ||
      !o.mapOptional("prepare", stats.prepare) ||
      !o.mapOptional("fingerprint", stats.fingerprint) ||
      !o.map("tensors", stats.tensors) ||
      !o.mapOptional("before_absorption", stats.beforeAbsorption))
    return fail(toString(jsonRoot.getError()));
  if (stats.samples < 0)
    return fail("negative sample count " + Twine(stats.samples));
  if (Error err = checkStatistics(stats))
    return fail(toString(std::move(err)));
  return stats;
}

} // namespace qopt
