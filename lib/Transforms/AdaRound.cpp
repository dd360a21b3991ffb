//===- AdaRound.cpp - Learned rounding of conv/matmul weights -------------===//
//
// Gathers each layer's input patches from JIT runs over the samples, then
// learns the rounding of the layer's weights with qopt::learnRounding and
// writes back weights on the learned grid. With inputs=float one run of the
// float function serves every layer; with inputs=quantized the function is
// compiled once with every layer's weights and bias as extra arguments, and
// run again for each layer with the layers before it already rounded. The
// module is written only after every layer has been optimized, so an error
// leaves it as it was.
//
//===----------------------------------------------------------------------===//

#include "qopt/Quant/AdaRound.h"
#include "qopt/Analysis/ActivationSource.h"
#include "qopt/Analysis/ActivationTensors.h"
#include "qopt/Dialect/QoptDialect.h"
#include "qopt/Quant/WeightFormat.h"
#include "qopt/Transforms/LayerChains.h"
#include "qopt/Transforms/Passes.h"
#include "qopt/Utils/TosaQueries.h"

#include "mlir/IR/IRMapping.h"
#include "llvm/ADT/DenseSet.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/Process.h"
#include "llvm/Support/raw_ostream.h"

#include <chrono>
#include <cmath>
#include <random>

namespace qopt {
#define GEN_PASS_DEF_ADAROUND
#include "qopt/Transforms/Passes.h.inc"
} // namespace qopt

using namespace mlir;

namespace {

/// A layer to round: its weights as RoundingProblem rows, and how an output
/// position's input patch is read from the layer's input activation.
struct LayerTask {
  qopt::Layer layer{};
  unsigned inputId = 0; // activation id of the layer's input
  std::string name;
  qopt::RoundingProblem problem;
  // Input NHWC (a fully connected layer's [1, M, K] is read as [1, M, 1, K]
  // with a 1x1 kernel) and the window geometry.
  int64_t batch = 1, height = 1, width = 1, channels = 1;
  int64_t outHeight = 1, outWidth = 1;
  int64_t kernelH = 1, kernelW = 1, strideY = 1, strideX = 1;
  int64_t dilationY = 1, dilationX = 1, padTop = 0, padLeft = 0;
  bool depthwise = false;
  /// Whether the problem holds the Gram matrix or the patches.
  bool useGram = true;
  /// PWLQ's tail step of the grid rounded on (0: uniform).
  int64_t tailStep = 0;
  int64_t positionsPerSample = 0;
  /// The learned weights' scales, one per quantizer channel.
  SmallVector<double> scales;
  /// Sums over the sampled positions of the patches of the model being
  /// rounded and of the float model's (groups × cols each), for the bias
  /// correction after rounding.
  std::vector<double> inputSum, floatSum;
  /// Indices (into the task list) of the layers upstream of this one's
  /// input.
  SmallVector<size_t> upstream;

  int64_t positionsPerInput() const { return batch * outHeight * outWidth; }

  /// The flat index in the layer's weights of row `r`, column `k`.
  int64_t weightIndex(int64_t r, int64_t k) const {
    if (layer.kind == qopt::LayerKind::Conv)
      return r * problem.cols + k;
    return k * problem.rows + r; // KHxKWxCxM (row c·M + m) or 1xKxN
  }

  /// Writes the patches of output position `pos` (groups × cols) into
  /// `patch`; false if an input value is not finite.
  bool readPatch(const float *input, int64_t pos, float *patch) const {
    int64_t ox = pos % outWidth, oy = (pos / outWidth) % outHeight,
            n = pos / (outWidth * outHeight);
    int64_t cols = problem.cols;
    bool finite = true;
    for (int64_t ky = 0; ky < kernelH; ++ky) {
      int64_t iy = oy * strideY - padTop + ky * dilationY;
      for (int64_t kx = 0; kx < kernelW; ++kx) {
        int64_t ix = ox * strideX - padLeft + kx * dilationX;
        bool inside = iy >= 0 && iy < height && ix >= 0 && ix < width;
        const float *pixel =
            input + ((n * height + iy) * width + ix) * channels;
        int64_t tap = ky * kernelW + kx;
        for (int64_t c = 0; c < channels; ++c) {
          float x = inside ? pixel[c] : 0.0f;
          finite &= std::isfinite(x);
          // Depthwise: group c, column tap; else one group, column tap·C + c.
          if (depthwise)
            patch[c * cols + tap] = x;
          else
            patch[tap * channels + c] = x;
        }
      }
    }
    return finite;
  }
};

/// Reads the layer's window geometry; false for shapes it cannot handle.
bool describeInput(LayerTask &task) {
  Operation *op = task.layer.op;
  auto inputShape =
      cast<RankedTensorType>(op->getOperand(0).getType()).getShape();
  auto outputShape =
      cast<RankedTensorType>(op->getResult(0).getType()).getShape();
  auto weightShape = task.layer.weightType.getShape();
  if (!cast<RankedTensorType>(op->getOperand(0).getType()).hasStaticShape())
    return false;
  qopt::RoundingProblem &p = task.problem;
  if (task.layer.kind == qopt::LayerKind::FullyConnected) {
    // a: [1, M, K]; every row is a position.
    task.batch = 1;
    task.height = inputShape[1];
    task.width = 1;
    task.channels = inputShape[2];
    task.outHeight = inputShape[1];
    task.outWidth = 1;
    p.rows = weightShape[2];
    p.cols = weightShape[1];
    return inputShape[0] == 1;
  }
  // Conv2D is OxKHxKWxI, depthwise KHxKWxCxM (one group per C).
  ArrayRef<int64_t> pad, stride, dilation;
  auto readWindow = [&](auto op) {
    pad = op.getPad();
    stride = op.getStride();
    dilation = op.getDilation();
  };
  if (auto conv = dyn_cast<tosa::Conv2DOp>(op)) {
    readWindow(conv);
    task.kernelH = weightShape[1];
    task.kernelW = weightShape[2];
    p.rows = weightShape[0];
    p.cols = weightShape[1] * weightShape[2] * weightShape[3];
  } else {
    readWindow(cast<tosa::DepthwiseConv2DOp>(op));
    task.kernelH = weightShape[0];
    task.kernelW = weightShape[1];
    task.depthwise = true;
    p.rows = weightShape[2] * weightShape[3];
    p.cols = weightShape[0] * weightShape[1];
    p.groups = weightShape[2];
  }
  task.batch = inputShape[0];
  task.height = inputShape[1];
  task.width = inputShape[2];
  task.channels = inputShape[3];
  task.outHeight = outputShape[1];
  task.outWidth = outputShape[2];
  task.padTop = pad[0];
  task.padLeft = pad[2];
  task.strideY = stride[0];
  task.strideX = stride[1];
  task.dilationY = dilation[0];
  task.dilationX = dilation[1];
  return true;
}

/// The entry function JIT-compiled once with the weights and bias of every
/// task as extra arguments (appended in task order) and every activation
/// returned, so that one compilation runs the float model and every
/// partially rounded one.
class LayerRunner {
public:
  static llvm::Expected<std::unique_ptr<LayerRunner>>
  create(func::FuncOp func, ArrayRef<LayerTask> tasks,
         ArrayRef<std::string> samples);

  size_t numSamples() const { return source->numSamples(); }
  /// The activation id of task i's input in the compiled function.
  unsigned inputId(size_t i) const { return inputIds[i]; }
  /// Sets the weights and bias task i runs with.
  void setWeights(size_t i, const qopt::Layer &layer);
  /// The activations of sample `i`.
  llvm::Expected<std::vector<qopt::Tensor>> run(size_t i);

private:
  std::unique_ptr<qopt::ActivationSource> source;
  std::vector<qopt::Tensor> parameters; // per task: weights[, bias]
  std::vector<size_t> firstParameter;   // per task, into `parameters`
  std::vector<unsigned> inputIds;
};

qopt::Tensor floatTensor(ArrayRef<int64_t> shape, ArrayRef<double> values) {
  qopt::Tensor t(qopt::DType::F32, shape);
  auto *out = reinterpret_cast<float *>(t.bytes.data());
  for (auto [i, v] : llvm::enumerate(values))
    out[i] = float(v);
  return t;
}

llvm::Expected<std::unique_ptr<LayerRunner>>
LayerRunner::create(func::FuncOp func, ArrayRef<LayerTask> tasks,
                    ArrayRef<std::string> samples) {
  std::unique_ptr<LayerRunner> runner(new LayerRunner);
  auto module = func->getParentOfType<ModuleOp>();
  IRMapping mapping;
  OwningOpRef<ModuleOp> clone(cast<ModuleOp>(module->clone(mapping)));
  auto cloned = cast<func::FuncOp>(mapping.lookup(func.getOperation()));
  Block &body = cloned.getBody().front();
  for (const LayerTask &task : tasks) {
    Operation *op = mapping.lookup(task.layer.op);
    runner->firstParameter.push_back(runner->parameters.size());
    auto addArgument = [&](OpOperand &operand, RankedTensorType type,
                           ArrayRef<double> values) {
      BlockArgument arg = body.addArgument(type, operand.get().getLoc());
      Value old = operand.get();
      operand.set(arg);
      if (Operation *def = old.getDefiningOp(); def && def->use_empty())
        def->erase();
      runner->parameters.push_back(floatTensor(type.getShape(), values));
    };
    addArgument(op->getOpOperand(1), task.layer.weightType, task.layer.weights);
    if (task.layer.bias) {
      Operation *owner = mapping.lookup(task.layer.bias->getOwner());
      OpOperand &bias =
          owner->getOpOperand(task.layer.bias->getOperandNumber());
      auto type = cast<RankedTensorType>(bias.get().getType());
      SmallVector<int64_t> shape(type.getShape());
      shape.back() = task.layer.outChannels;
      addArgument(bias, type.clone(shape), task.layer.biasValues);
    }
  }
  cloned.setFunctionType(
      FunctionType::get(func.getContext(), body.getArgumentTypes(),
                        cloned.getFunctionType().getResults()));
  DenseMap<Value, unsigned> ids = qopt::getActivationTensorIds(cloned);
  for (const LayerTask &task : tasks)
    runner->inputIds.push_back(
        ids.lookup(mapping.lookup(task.layer.op)->getOperand(0)));
  llvm::Expected<std::unique_ptr<qopt::ActivationSource>> source =
      qopt::createActivationSource(cloned, samples, runner->parameters.size());
  if (!source)
    return source.takeError();
  runner->source = std::move(*source);
  return runner;
}

void LayerRunner::setWeights(size_t i, const qopt::Layer &layer) {
  size_t first = firstParameter[i];
  parameters[first] = floatTensor(parameters[first].shape, layer.weights);
  if (layer.bias)
    parameters[first + 1] =
        floatTensor(parameters[first + 1].shape, layer.biasValues);
}

llvm::Expected<std::vector<qopt::Tensor>> LayerRunner::run(size_t i) {
  return source->run(i, parameters);
}

struct AdaRoundPass : qopt::impl::AdaRoundBase<AdaRoundPass> {
  using Base::Base;

  void runOnOperation() override;

private:
  LogicalResult checkOptions(ModuleOp module);
  std::vector<LayerTask> collectTasks(func::FuncOp func);
  /// Prepares the task's problem for `numSamples` samples.
  void startGathering(LayerTask &task, size_t numSamples);
  /// Adds the patches of one sample: `input` the activation of the model
  /// being rounded, `floatInput` the float model's (null: the same).
  LogicalResult accumulate(LayerTask &task, const float *input,
                           const float *floatInput, size_t sample);
  void finishGathering(LayerTask &task);
  LogicalResult gatherFloat(func::FuncOp func, std::vector<LayerTask> &tasks);
  LogicalResult roundInOrder(func::FuncOp func, std::vector<LayerTask> &tasks);
  void round(LayerTask &task, size_t index, size_t count);

  LogicalResult fail(func::FuncOp func, llvm::Error error);

  bool showProgress = false;
  std::mt19937_64 rng;
  std::vector<int64_t> order;
  std::vector<float> patch, floatPatch;
};

LogicalResult AdaRoundPass::checkOptions(ModuleOp module) {
  if (weightBits < 2 || weightBits > 8)
    return module.emitError()
           << "unsupported weight bit width " << weightBits.getValue()
           << ": qopt quantizes to 2..8 bits";
  if (weightQuant != "uniform" && weightQuant != "pwlq")
    return module.emitError()
           << "unknown weight-quant '" << weightQuant.getValue()
           << "': expected uniform or pwlq";
  if (weightQuant == "pwlq" && weightBits < 3)
    return module.emitError() << "weight-quant=pwlq needs at least 3 bits; got "
                              << weightBits.getValue();
  if (weightRange != "minmax" && weightRange != "mse")
    return module.emitError()
           << "unknown weight-range '" << weightRange.getValue()
           << "': expected minmax or mse";
  if (iterations == 0)
    return module.emitError() << "iterations must be positive";
  if (batch == 0)
    return module.emitError() << "batch must be positive";
  if (!(lambda >= 0.0 && std::isfinite(lambda)))
    return module.emitError() << "lambda must be finite and non-negative, got "
                              << lambda.getValue();
  if (!(learningRate > 0.0 && std::isfinite(learningRate)))
    return module.emitError()
           << "learning-rate must be finite and positive, got "
           << learningRate.getValue();
  if (gridError != "weight" && gridError != "output")
    return module.emitError() << "unknown grid-error '" << gridError.getValue()
                              << "': expected weight or output";
  if (inputs != "float" && inputs != "quantized")
    return module.emitError() << "unknown inputs '" << inputs.getValue()
                              << "': expected float or quantized";
  if (samples.empty())
    return module.emitError()
           << "qopt-adaround needs calibration samples (samples=FILE.npy|DIR, "
              "once per function argument)";
  return success();
}

std::vector<LayerTask> AdaRoundPass::collectTasks(func::FuncOp func) {
  DenseMap<Value, unsigned> ids = qopt::getActivationTensorIds(func);
  std::vector<LayerTask> tasks;
  for (qopt::Layer &layer : qopt::collectLayers(func).layers) {
    auto input = ids.find(layer.op->getOperand(0));
    if (input == ids.end() || !layer.weightType.getElementType().isF32() ||
        !cast<RankedTensorType>(layer.op->getOperand(0).getType())
             .getElementType()
             .isF32())
      continue;
    LayerTask task;
    task.layer = layer;
    task.inputId = input->second;
    if (!describeInput(task))
      continue;
    llvm::raw_string_ostream(task.name)
        << layer.op->getName() << " " << layer.op->getLoc();
    tasks.push_back(std::move(task));
  }
  // The layers each layer's input depends on.
  DenseMap<Operation *, size_t> taskOf;
  for (auto [i, task] : llvm::enumerate(tasks))
    taskOf[task.layer.op] = i;
  for (LayerTask &task : tasks) {
    SmallVector<Operation *> worklist;
    DenseSet<Operation *> seen;
    if (Operation *def = task.layer.op->getOperand(0).getDefiningOp())
      worklist.push_back(def);
    while (!worklist.empty()) {
      Operation *op = worklist.pop_back_val();
      if (!seen.insert(op).second)
        continue;
      if (auto it = taskOf.find(op); it != taskOf.end())
        task.upstream.push_back(it->second);
      for (Value operand : op->getOperands())
        if (Operation *def = operand.getDefiningOp())
          worklist.push_back(def);
    }
  }
  return tasks;
}

LogicalResult AdaRoundPass::fail(func::FuncOp func, llvm::Error error) {
  // An empty message was already emitted as a diagnostic.
  std::string message = llvm::toString(std::move(error));
  if (!message.empty())
    func.emitError() << message;
  return failure();
}

void AdaRoundPass::startGathering(LayerTask &task, size_t numSamples) {
  qopt::RoundingProblem &p = task.problem;
  // Patches of `batch` positions per layer, spread over the samples.
  task.positionsPerSample = std::min<int64_t>(
      task.positionsPerInput(), (int64_t(batch) + numSamples - 1) / numSamples);
  p.positions = task.positionsPerSample * numSamples;
  // A step costs rows·K² from the Gram matrix, 2·rows·N·K from patches.
  task.useGram = p.cols <= 2 * p.positions;
  if (task.useGram)
    p.gram.assign(p.groups * p.cols * p.cols, 0.0);
  else
    p.patches.reserve(p.groups * p.positions * p.cols);
  task.inputSum.assign(p.groups * p.cols, 0.0);
  task.floatSum.assign(p.groups * p.cols, 0.0);
  p.weights.resize(p.rows * p.cols);
  for (int64_t r = 0; r < p.rows; ++r)
    for (int64_t k = 0; k < p.cols; ++k)
      p.weights[r * p.cols + k] =
          float(task.layer.weights[task.weightIndex(r, k)]);
}

LogicalResult AdaRoundPass::accumulate(LayerTask &task, const float *input,
                                       const float *floatInput, size_t sample) {
  qopt::RoundingProblem &p = task.problem;
  // The first positionsPerSample of a partial Fisher-Yates shuffle.
  int64_t total = task.positionsPerInput();
  order.resize(total);
  for (int64_t i = 0; i < total; ++i)
    order[i] = i;
  for (int64_t i = 0; i < task.positionsPerSample; ++i)
    std::swap(order[i], order[i + rng() % (total - i)]);
  int64_t cols = p.cols, rowsPerGroup = p.rows / p.groups;
  patch.resize(p.groups * cols);
  floatPatch.resize(p.groups * cols);
  if (floatInput && p.cross.empty())
    p.cross.assign(p.rows * cols, 0.0);
  for (int64_t i = 0; i < task.positionsPerSample; ++i) {
    if (!task.readPatch(input, order[i], patch.data()) ||
        (floatInput &&
         !task.readPatch(floatInput, order[i], floatPatch.data())))
      return task.layer.op->emitError()
             << "the input of this layer is not finite on sample " << sample;
    const float *reference = floatInput ? floatPatch.data() : patch.data();
    for (int64_t j = 0; j < p.groups * cols; ++j) {
      task.inputSum[j] += patch[j];
      task.floatSum[j] += reference[j];
    }
    for (int64_t g = 0; g < p.groups; ++g) {
      const float *x = patch.data() + g * cols;
      if (floatInput) {
        // c_r += (w_r·(x° − x))·x and the constant ‖W·(x° − x)‖².
        const float *xf = floatPatch.data() + g * cols;
        for (int64_t r = g * rowsPerGroup; r < (g + 1) * rowsPerGroup; ++r) {
          const float *w = p.weights.data() + r * cols;
          double y = 0.0;
          for (int64_t c = 0; c < cols; ++c)
            y += double(w[c]) * (double(xf[c]) - double(x[c]));
          if (y == 0.0)
            continue;
          p.crossConstant += y * y;
          double *row = p.cross.data() + r * cols;
          for (int64_t c = 0; c < cols; ++c)
            row[c] += y * double(x[c]);
        }
      }
      if (!task.useGram) {
        p.patches.insert(p.patches.end(), x, x + cols);
        continue;
      }
      double *h = p.gram.data() + g * cols * cols;
      for (int64_t r = 0; r < cols; ++r) {
        double a = x[r];
        if (a == 0.0)
          continue;
        double *row = h + r * cols;
        for (int64_t c = r; c < cols; ++c)
          row[c] += a * double(x[c]);
      }
    }
  }
  return success();
}

void AdaRoundPass::finishGathering(LayerTask &task) {
  qopt::RoundingProblem &p = task.problem;
  if (task.useGram) {
    // Mirror the upper triangle.
    for (int64_t g = 0; g < p.groups; ++g) {
      double *h = p.gram.data() + g * p.cols * p.cols;
      for (int64_t r = 0; r < p.cols; ++r)
        for (int64_t c = 0; c < r; ++c)
          h[r * p.cols + c] = h[c * p.cols + r];
    }
    return;
  }
  // Patches were appended position-major; the problem wants group-major.
  if (p.groups > 1) {
    std::vector<float> byGroup(p.patches.size());
    for (int64_t n = 0; n < p.positions; ++n)
      for (int64_t g = 0; g < p.groups; ++g)
        std::copy_n(p.patches.begin() + (n * p.groups + g) * p.cols, p.cols,
                    byGroup.begin() + (g * p.positions + n) * p.cols);
    p.patches = std::move(byGroup);
  }
}

LogicalResult AdaRoundPass::gatherFloat(func::FuncOp func,
                                        std::vector<LayerTask> &tasks) {
  llvm::Expected<std::unique_ptr<qopt::ActivationSource>> runner =
      qopt::createActivationSource(func, samples);
  if (!runner)
    return fail(func, runner.takeError());
  size_t numSamples = (*runner)->numSamples();
  for (LayerTask &task : tasks)
    startGathering(task, numSamples);
  for (size_t sample = 0; sample < numSamples; ++sample) {
    llvm::Expected<std::vector<qopt::Tensor>> results = (*runner)->run(sample);
    if (!results)
      return fail(func, results.takeError());
    for (LayerTask &task : tasks)
      if (failed(accumulate(task,
                            (*results)[task.inputId].values<float>().data(),
                            nullptr, sample)))
        return failure();
    if (showProgress)
      llvm::errs() << "\rqopt-adaround: float model on sample " << sample + 1
                   << "/" << numSamples;
  }
  if (showProgress)
    llvm::errs() << "\n";
  for (LayerTask &task : tasks)
    finishGathering(task);
  return success();
}

LogicalResult AdaRoundPass::roundInOrder(func::FuncOp func,
                                         std::vector<LayerTask> &tasks) {
  llvm::Expected<std::unique_ptr<LayerRunner>> runner =
      LayerRunner::create(func, tasks, samples);
  if (!runner)
    return fail(func, runner.takeError());
  size_t numSamples = (*runner)->numSamples();
  // The float model's inputs of every layer, from one run (a layer's
  // positions are drawn when it is rounded, so whole tensors are kept).
  SmallVector<unsigned> floatIds;
  for (size_t i = 0; i < tasks.size(); ++i)
    floatIds.push_back((*runner)->inputId(i));
  llvm::sort(floatIds);
  floatIds.erase(llvm::unique(floatIds), floatIds.end());
  std::vector<DenseMap<unsigned, qopt::Tensor>> floatInputs(numSamples);
  for (size_t sample = 0; sample < numSamples; ++sample) {
    llvm::Expected<std::vector<qopt::Tensor>> results = (*runner)->run(sample);
    if (!results)
      return fail(func, results.takeError());
    for (unsigned id : floatIds)
      floatInputs[sample][id] = std::move((*results)[id]);
    if (showProgress)
      llvm::errs() << "\rqopt-adaround: float model on sample " << sample + 1
                   << "/" << numSamples;
  }
  if (showProgress)
    llvm::errs() << "\n";

  std::vector<bool> rounded(tasks.size(), false);
  for (auto [i, task] : llvm::enumerate(tasks)) {
    startGathering(task, numSamples);
    unsigned id = (*runner)->inputId(i);
    // Only a layer with a rounded layer upstream sees other inputs than
    // the float model's.
    bool changed =
        llvm::any_of(task.upstream, [&](size_t j) { return bool(rounded[j]); });
    for (size_t sample = 0; sample < numSamples; ++sample) {
      const float *floatInput = floatInputs[sample][id].values<float>().data();
      if (!changed) {
        if (failed(accumulate(task, floatInput, nullptr, sample)))
          return failure();
        continue;
      }
      llvm::Expected<std::vector<qopt::Tensor>> results =
          (*runner)->run(sample);
      if (!results)
        return fail(func, results.takeError());
      if (failed(accumulate(task, (*results)[id].values<float>().data(),
                            floatInput, sample)))
        return failure();
      if (showProgress)
        llvm::errs() << "\rqopt-adaround: layer " << i + 1 << "/"
                     << tasks.size() << ", inputs of sample " << sample + 1
                     << "/" << numSamples;
    }
    finishGathering(task);
    round(task, i, tasks.size());
    rounded[i] = true;
    (*runner)->setWeights(i, task.layer);
  }
  return success();
}

void AdaRoundPass::round(LayerTask &task, size_t index, size_t count) {
  qopt::RoundingProblem &p = task.problem;
  SmallVector<float> weights(task.layer.weights.begin(),
                             task.layer.weights.end());
  qopt::WeightChannels channels =
      qopt::getWeightChannels(task.layer.op, perChannel);
  qopt::WeightRange range =
      weightRange == "mse" ? qopt::WeightRange::Mse : qopt::WeightRange::MinMax;
  std::vector<qopt::QuantParams> params;
  if (weightQuant == "pwlq") {
    // qopt-quantize's grid: per-channel centre steps, the layer's tail
    // step; the weights round between its levels.
    // With grid-error=output each weight's error counts with its input's
    // second moment (the diagonal of the Gram matrix).
    std::vector<double> importance;
    if (gridError == "output") {
      importance.resize(weights.size());
      for (int64_t r = 0; r < p.rows; ++r) {
        int64_t g = p.groupOf(r);
        for (int64_t k = 0; k < p.cols; ++k) {
          double moment = 0.0;
          if (task.useGram) {
            moment = p.gram[(g * p.cols + k) * p.cols + k];
          } else {
            for (int64_t n = 0; n < p.positions; ++n) {
              double x = p.patches[(g * p.positions + n) * p.cols + k];
              moment += x * x;
            }
          }
          importance[task.weightIndex(r, k)] = moment / double(p.positions);
        }
      }
    }
    qopt::QuantizedWeights grid = qopt::quantizeWeightTensor(
        weights, channels.channels, channels.stride,
        {qopt::WeightScheme::Pwlq, weightBits}, range, importance);
    for (double scale : grid.scales)
      params.push_back({scale, 0, grid.qmin, grid.qmax});
    p.levels = qopt::PwlqGrid{weightBits, grid.tailStep, 1.0}.codebook();
    task.tailStep = grid.tailStep;
  } else {
    params = qopt::chooseWeightParams(weights, channels.channels,
                                      channels.stride, weightBits, range);
  }
  // Row r is output channel r: its scale is channel r's, or the only one.
  p.params.resize(p.rows);
  for (int64_t r = 0; r < p.rows; ++r)
    p.params[r] = params[params.size() == 1 ? 0 : r];

  qopt::RoundingOptions options;
  options.iterations = iterations;
  options.regularization = lambda;
  options.learningRate = learningRate;
  auto report = [&](unsigned it) {
    if (showProgress && (it + 1) % 50 == 0)
      llvm::errs() << "\rqopt-adaround: layer " << index + 1 << "/" << count
                   << " (" << p.rows << "x" << p.cols << "), step " << it + 1
                   << "/" << iterations;
  };
  auto start = std::chrono::steady_clock::now();
  std::vector<int64_t> q = qopt::learnRounding(p, options, report);
  std::chrono::duration<double> seconds =
      std::chrono::steady_clock::now() - start;
  if (showProgress) {
    double nearest = qopt::reconstructionError(p, qopt::roundToNearest(p));
    double learned = qopt::reconstructionError(p, q);
    llvm::errs() << "\rqopt-adaround: layer " << index + 1 << "/" << count
                 << " " << task.name << ": output error "
                 << llvm::format("%.3e", nearest) << " nearest, "
                 << llvm::format("%.3e", learned) << " learned ("
                 << llvm::format("%.1f", seconds.count()) << " s)\n";
  }
  for (int64_t r = 0; r < p.rows; ++r)
    for (int64_t k = 0; k < p.cols; ++k)
      task.layer.weights[task.weightIndex(r, k)] =
          qopt::dequantize(q[r * p.cols + k], p.params[r]);
  if (correctBias && task.layer.bias) {
    // The mean output error over the sampled positions, W·E[x°] − W̃·E[x],
    // moves into the bias (row r is output channel r).
    double inv = 1.0 / double(p.positions);
    for (int64_t r = 0; r < p.rows; ++r) {
      const double *mean = task.inputSum.data() + p.groupOf(r) * p.cols;
      const double *floatMean = task.floatSum.data() + p.groupOf(r) * p.cols;
      double shift = 0.0;
      for (int64_t k = 0; k < p.cols; ++k)
        shift += double(p.weights[r * p.cols + k]) * floatMean[k] -
                 qopt::dequantize(q[r * p.cols + k], p.params[r]) * mean[k];
      task.layer.biasValues[r] += shift * inv;
    }
  }
  task.scales = llvm::map_to_vector(
      params, [](const qopt::QuantParams &q) { return q.scale; });
  // Free the layer's data before the next one.
  p = qopt::RoundingProblem();
  task.inputSum = task.floatSum = {};
}

void AdaRoundPass::runOnOperation() {
  ModuleOp module = getOperation();
  if (failed(checkOptions(module)))
    return signalPassFailure();
  func::FuncOp func = qopt::lookupEntryFunction(module, entry);
  if (!func)
    return signalPassFailure();
  showProgress = llvm::sys::Process::StandardErrIsDisplayed();
  std::vector<LayerTask> tasks = collectTasks(func);
  if (tasks.empty()) {
    // Weights computed by constant subgraphs only become constants when
    // the graph is prepared.
    func.emitWarning() << "no conv2d, depthwise_conv2d or fully connected "
                          "matmul with constant weights to round in '"
                       << func.getName()
                       << "' (run --qopt-prepare-pipeline first)";
    return;
  }
  rng.seed(seed);
  if (inputs == "float") {
    if (failed(gatherFloat(func, tasks)))
      return signalPassFailure();
    for (auto [i, task] : llvm::enumerate(tasks))
      round(task, i, tasks.size());
  } else if (failed(roundInOrder(func, tasks))) {
    return signalPassFailure();
  }
  for (LayerTask &task : tasks) {
    task.layer.write();
    qopt::setRecordedWeightQuant(task.layer.op, task.scales, weightBits,
                                 task.tailStep);
  }
}

} // namespace
