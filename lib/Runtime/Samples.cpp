//===- Samples.cpp - Samples of a function argument -----------------------===//

#include "qopt/Runtime/Samples.h"

#include "qopt/Runtime/Npy.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"

#include <cmath>

using namespace llvm;

namespace qopt {

static bool matches(const Tensor &t, const TensorSignature &sig) {
  return t.dtype == sig.dtype && t.shape == sig.shape;
}

Expected<SampleSource> SampleSource::open(StringRef path,
                                          const TensorSignature &arg,
                                          size_t argIndex) {
  SampleSource result;
  result.source = path.str();
  result.arg = arg;
  result.argIndex = argIndex;
  if (sys::fs::is_directory(path)) {
    std::error_code ec;
    for (sys::fs::directory_iterator it(path, ec), end; it != end && !ec;
         it.increment(ec))
      if (sys::path::extension(it->path()) == ".npy")
        result.files.push_back(it->path());
    if (ec)
      return createStringError("cannot list '" + path + "': " + ec.message());
    if (result.files.empty())
      return createStringError("directory '" + path + "' has no .npy files");
    llvm::sort(result.files);
    result.isBatch = true;
    result.count = result.files.size();
    return result;
  }

  Expected<Tensor> tensor = readNpy(path);
  if (!tensor)
    return tensor.takeError();
  ArrayRef<int64_t> shape = tensor->shape, argShape = arg.shape;
  bool batchOfSamples =
      shape.size() == argShape.size() + 1 && shape.drop_front() == argShape;
  bool batchAlongUnitDim = !argShape.empty() && argShape[0] == 1 &&
                           shape.size() == argShape.size() &&
                           shape.drop_front() == argShape.drop_front();
  if (tensor->dtype != arg.dtype ||
      (shape != argShape && !batchOfSamples && !batchAlongUnitDim))
    return createStringError(
        "'" + path + "' (" + describe(tensor->dtype, shape) +
        ") holds neither one sample of argument " + Twine(argIndex) + " (" +
        arg.typeName + ") nor a batch of them along a leading dimension");
  result.count = shape == argShape ? 1 : shape[0];
  result.isBatch = shape != argShape;
  result.unitDim = result.isBatch && !batchOfSamples;
  result.batch = std::move(*tensor);
  return result;
}

/// The index of the first NaN or infinity of a float tensor, if any.
template <typename T>
static std::optional<size_t> firstNonFinite(const Tensor &t) {
  ArrayRef<T> values = t.values<T>();
  auto *it = llvm::find_if(values, [](T v) { return !std::isfinite(v); });
  if (it == values.end())
    return std::nullopt;
  return size_t(it - values.begin());
}

/// Samples feed ranges, bias corrections and searches, which one NaN or
/// infinity would poison: refused, naming the value.
static Error checkFinite(const Tensor &sample, const Twine &where) {
  std::optional<size_t> bad;
  double value = 0;
  if (sample.dtype == DType::F32) {
    if ((bad = firstNonFinite<float>(sample)))
      value = sample.values<float>()[*bad];
  } else if (sample.dtype == DType::F64) {
    if ((bad = firstNonFinite<double>(sample)))
      value = sample.values<double>()[*bad];
  }
  if (!bad)
    return Error::success();
  SmallVector<std::string> index;
  for (int64_t dim : llvm::reverse(sample.shape)) {
    index.push_back(std::to_string(*bad % dim));
    *bad /= dim;
  }
  std::reverse(index.begin(), index.end());
  return createStringError(where + " has " +
                           (std::isnan(value) ? "a NaN"
                            : value > 0       ? "+inf"
                                              : "-inf") +
                           " at [" + join(index, ", ") +
                           "]: samples must be finite");
}

Expected<Tensor> SampleSource::get(size_t i) const {
  if (files.empty()) {
    Tensor sample(arg.dtype, arg.shape);
    std::copy_n(batch.bytes.begin() + i * sample.bytes.size(),
                sample.bytes.size(), sample.bytes.begin());
    if (Error err = checkFinite(sample, "'" + source + "': sample " + Twine(i)))
      return std::move(err);
    return sample;
  }
  Expected<Tensor> sample = readNpy(files[i]);
  if (sample && !matches(*sample, arg))
    return createStringError("'" + files[i] + "': expected one sample of " +
                             "argument " + Twine(argIndex) + " (" +
                             arg.typeName + "), got " +
                             describe(sample->dtype, sample->shape));
  if (sample)
    if (Error err = checkFinite(*sample, "'" + files[i] + "'"))
      return std::move(err);
  return sample;
}

Expected<std::vector<SampleSource>> openSamples(StringRef function,
                                                ArrayRef<TensorSignature> args,
                                                ArrayRef<std::string> inputs) {
  if (args.empty())
    return createStringError("'" + function +
                             "' takes no arguments: nothing to sample");
  if (inputs.size() != args.size())
    return createStringError("'" + function + "' takes " +
                             std::to_string(args.size()) +
                             " argument(s): give samples once per argument "
                             "(got " +
                             std::to_string(inputs.size()) + ")");
  std::vector<SampleSource> sources;
  for (auto [i, path] : llvm::enumerate(inputs)) {
    Expected<SampleSource> source = SampleSource::open(path, args[i], i);
    if (!source)
      return source.takeError();
    if (!sources.empty() && source->size() != sources[0].size())
      return createStringError("'" + sources[0].path().str() + "' has " +
                               std::to_string(sources[0].size()) +
                               " sample(s) but '" + path + "' has " +
                               std::to_string(source->size()));
    sources.push_back(std::move(*source));
  }
  return sources;
}

Tensor stackSamples(ArrayRef<Tensor> samples, bool alongUnitDim) {
  const Tensor &first = samples.front();
  std::vector<int64_t> shape = first.shape;
  int64_t n = samples.size();
  if (alongUnitDim && !shape.empty() && shape[0] == 1)
    shape[0] = n;
  else
    shape.insert(shape.begin(), n);
  Tensor result(first.dtype, shape);
  auto out = result.bytes.begin();
  for (const Tensor &sample : samples)
    out = std::copy(sample.bytes.begin(), sample.bytes.end(), out);
  return result;
}

} // namespace qopt
