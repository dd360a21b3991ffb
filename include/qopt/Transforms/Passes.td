//===- Passes.td - qopt graph-level passes ------------------*- tablegen -*-===//
//
// Float TOSA → float TOSA preparation, calibration instrumentation and the
// insertion of quantize/dequantize casts. The descriptions below are the user
// documentation (`-gen-pass-doc`).
//
//===----------------------------------------------------------------------===//

#ifndef QOPT_TRANSFORMS_PASSES
#define QOPT_TRANSFORMS_PASSES

include "mlir/Pass/PassBase.td"

def FoldConstants : Pass<"qopt-fold-constants", "mlir::func::FuncOp"> {
  let summary = "Evaluate TOSA operations whose operands are all constant";
  let description = [{
    Replaces every TOSA operation whose operands are all `tosa.const` (or
    `arith.constant`) by a `tosa.const` holding its result, computed at
    compile time. Covers elementwise arithmetic (with broadcasting), unary
    math (`rsqrt`, `reciprocal`, `exp`, ...), `reshape`, `transpose`,
    `slice`, `concat`, `cast` and `clamp` on float and integer data.

    Frontends emit batch normalization and weight layout changes as such
    constant subgraphs (`rsqrt(var + eps) * gamma`, a `transpose` of the
    weights); folding them first leaves one constant per weight, which the
    later passes need.
  }];
  let dependentDialects = ["mlir::tosa::TosaDialect"];
}

def CheckFinite : Pass<"qopt-check-finite", "mlir::func::FuncOp"> {
  let summary = "Refuse NaN and infinite float constants";
  let description = [{
    Fails with an error at the first float constant (`tosa.const` or
    `arith.constant`) that holds a NaN or an infinity, naming the element
    and the operation that uses it. Weights, biases and batch-norm
    parameters feed ranges, scales, equalization and bias correction, where
    one such value silently poisons the whole layer or model. The prepare
    pipeline runs it after folding constants and batch norms, so that
    values those folds produce are checked too (e.g. `1/sqrt(var + eps)`
    with a zero variance and epsilon).
  }];
  let dependentDialects = ["mlir::tosa::TosaDialect"];
}

def FoldBatchNorm : Pass<"qopt-fold-batchnorm", "mlir::func::FuncOp"> {
  let summary = "Fold per-channel affine arithmetic into conv/matmul weights and bias";
  let description = [{
    Folds batch normalization, in whatever form a frontend lowered it to, into
    the preceding `tosa.conv2d`, `tosa.depthwise_conv2d` or fully connected
    `tosa.matmul`: a chain of `tosa.mul`, `tosa.add` and `tosa.sub` by
    constants that are uniform or per output channel (shape `1x..x1xC`)
    directly after the op's result is absorbed as `W' = W·γ/σ`,
    `b' = (b − μ)·γ/σ + β`. The scaled output channel of the weights and the
    bias are rewritten as new constants; the arithmetic disappears.

    Folding only happens when the op's result has that chain as its single
    use, so no other consumer observes the change. Run `qopt-fold-constants`
    first so that `γ/σ` is one constant.

    When the chain ends in batch norm as TOSA legalizations write it,
    `((y − μ)·(1/σ))·γ + β`, the op records the statistics the normalized
    output is trained to have, per channel, as `qopt.bn_mean = β` and
    `qopt.bn_std = |γ|`, for the data-free passes (high-bias absorption,
    analytic bias correction).
  }];
  let dependentDialects = ["qopt::QoptDialect", "mlir::tosa::TosaDialect"];
}

def ExposeActivations : Pass<"qopt-expose-activations", "mlir::ModuleOp"> {
  let summary = "Return every activation tensor of a function (for calibration)";
  let description = [{
    Appends every activation tensor of the entry function to its results,
    in the canonical order used by the statistics file (function arguments
    first, then op results in program order; see
    `qopt/Analysis/ActivationTensors.h`). The calibrator runs the resulting
    function and records min/max/histogram for each returned tensor. The
    original results stay first.
  }];
  let options = [
    Option<"entry", "entry", "std::string", /*default=*/"\"\"",
           "Function to instrument (default: the only public function)">,
  ];
}

def CheckStatistics : Pass<"qopt-check-statistics", "mlir::ModuleOp"> {
  let summary = "Verify that a statistics file was gathered on this graph";
  let description = [{
    Statistics describe the activations of the graph they were gathered on.
    Cross-layer equalization and high-bias absorption change weights, and
    so every activation behind them: statistics of a graph prepared with
    other options, or of an older version of the model, would quantize with
    ranges that do not fit and no other check would notice. `qopt-calibrate`
    records in the statistics file how it prepared the graph
    (`"prepare"`) and a fingerprint of the prepared entry function
    (`"fingerprint"`: a hash of its printed form, weights included).

    Run right after the prepare pipeline, this pass fails with an error at
    the entry function when the file was gathered with other prepare
    options than `prepare` (the canonical text of the pipeline's, e.g.
    `equalize=true relu6=skip absorb-high-bias=true`), when the function's
    fingerprint differs from the recorded one, or when the file records
    neither (statistics written by hand or by an older qopt-calibrate).
    The quantize pipelines run it before `qopt-quantize`.
  }];
  let options = [
    Option<"statsFile", "stats", "std::string", /*default=*/"\"\"",
           "Statistics file written by qopt-calibrate (required)">,
    Option<"entry", "entry", "std::string", /*default=*/"\"\"",
           "Function to check (default: the function named in the statistics)">,
    Option<"prepare", "prepare", "std::string", /*default=*/"\"\"",
           "How the graph was prepared (canonical prepare options)">,
  ];
}

def Quantize : Pass<"qopt-quantize", "mlir::ModuleOp"> {
  let summary = "Insert quant.qcast/quant.dcast from calibration statistics";
  let description = [{
    Decides the quantization of the entry function from a statistics file
    written by `qopt-calibrate` and expresses it with the `quant` dialect:

    - Weights of `tosa.conv2d`, `tosa.depthwise_conv2d` and `tosa.matmul`
      (constant operand) become integer constants with a symmetric
      `!quant.uniform` type, per output channel by default, read through
      `quant.scast` + `quant.dcast`. Biases become `i32` constants with
      scale `s_in·s_w`.
    - Activations are asymmetric per tensor: every activation that feeds or
      leaves an integer-executable op gets `quant.qcast` + `quant.dcast`.
      Ops that have no integer form (softmax arithmetic, reductions) stay in
      float and are fed by a dequantize.
    - Activation functions are fused into the quantization of the op that
      produces their input: `conv → clamp` (ReLU, ReLU6) and the bias add of
      a fully connected layer get no quantization point of their own, and
      chains of elementwise unary float ops (sigmoid, tanh, hardswish,
      hardsigmoid written out in TOSA arithmetic) are quantized only at their
      ends so that they become one `tosa.table`.
    - Pooling, reshape, transpose and clamp keep the quantization of their
      input, except a global average pool, whose output is far narrower
      than its input and gets its own.

    Bit widths 2..8 are selectable globally (`weight-bits`, `act-bits`) and
    per layer (`layer-bits`); widths below 8 use narrow storage such as
    `i8<-8:7>`. Weights are narrow symmetric (`[-7, 7]` at 4 bits) except at
    2 bits, whose narrow range would be ternary: there they use all four
    levels `[-2, 1]`, the `-2` level at the clip value.

    `weight-bits=ternary` gives each output channel the values {-1, 0, +1}
    (TWN: threshold Δ = 0.7·mean|W|, scale α = mean |W| over |W| > Δ) and
    `binary` {-1, +1} with α = mean|W|; `weight-range` does not apply.
    `weight-quant=pwlq` is piecewise linear quantization (Fang et al. 2020)
    on one integer grid per layer: a b-bit weight is a region bit plus
    b − 1 bits; the centre `[−p, p]` is narrow symmetric with step
    `s1 = p / L1` (levels 0, ±1..±L1, `L1 = 2^(b−2) − 1`) and each tail
    holds `L2 = 2^(b−2)` levels `±(L1 + j·i)`, `i = 1..L2`, in steps
    `s2 = j·s1`. The weight's type has scale `s1` and storage `±(L1 + j·L2)`,
    so the integer graph is an ordinary convolution with `2^b − 1` distinct
    values. Per channel, `p` minimizes the squared error (seeded with the
    paper's Gaussian closed form, then a coarse-to-fine search); `j` is
    chosen per layer from 1 (uniform) up to values within ±64 by the total
    squared error; each weight goes to its nearest level, ties to the even
    level index. The op records `qopt.weight_format` (`uniform`, `pwlq`,
    `ternary`, `binary`) and, for PWLQ, `qopt.pwlq = {bits, tail_step,
    breakpoints}` for the report. Activation ranges come from the statistics by min-max,
    percentile, MSE-optimal clipping or KL divergence; weight ranges from
    the weights themselves by min-max or MSE-optimal clipping.

    `act-range=kl` is TensorRT's entropy calibration on the statistics'
    histogram (N bins over `[min, max]`): for every width `i` from `2^bits`
    to N bins, a window of `i` bins around zero (shrunk toward zero in
    proportion to each side, so `[0, i)` for a non-negative tensor) is the
    candidate range. P is the histogram inside the window with the clipped
    mass added to its end bins; Q merges the window's bins into `2^bits`
    groups (the last one takes the remainder) and spreads each group's
    count evenly over the bins where P is non-zero. Both are smoothed (zero
    bins get 1e-4, taken from the others) and the window with the smallest
    KL(P‖Q) wins.

    Bias correction (`bias-correction`) compensates the shift of each
    output's mean that weight rounding causes, `E[(Ŵ − W)x] = ε·E[x]`, by
    `b ← b − ε·E[x]` before the bias is quantized, with the exact `Ŵ` this
    pass chooses (bits, per-channel or not, clipping). `E[x]` per input
    channel comes from the calibration statistics' per-channel means
    (`empirical`) or from the batch norm statistics that
    `qopt-fold-batchnorm` recorded on the layer before (`analytic`, as
    `qopt-correct-bias` computes it; layers without them are left alone).
    A zero-padded convolution sees 0, not `E[x]`, at padded taps: each tap's
    term is weighted by the fraction of output positions where that tap
    reads the input, so the bias matches the mean over all output
    positions. A fully connected layer without a bias is left alone.

    Function arguments and results keep their float types (quantize on
    entry, dequantize on exit) and carry the quantization of the value as a
    `qopt.quant` attribute; `int-io` makes them integer instead.
  }];
  let options = [
    Option<"statsFile", "stats", "std::string", /*default=*/"\"\"",
           "Statistics file written by qopt-calibrate (required)">,
    Option<"entry", "entry", "std::string", /*default=*/"\"\"",
           "Function to quantize (default: the function named in the statistics)">,
    Option<"weightBits", "weight-bits", "std::string", /*default=*/"\"8\"",
           "Weight bit width: 2..8, ternary or binary">,
    Option<"weightQuant", "weight-quant", "std::string",
           /*default=*/"\"uniform\"",
           "Weight quantizer: uniform or pwlq (piecewise linear, 3..8 bits)">,
    Option<"actBits", "act-bits", "unsigned", /*default=*/"8",
           "Activation bit width (2..8)">,
    ListOption<"layerBits", "layer-bits", "std::string",
           "Per-layer bit widths: `N=W` or `N=W/A` (W: 2..8, ternary or "
           "binary) where N is the activation "
           "tensor id (from the statistics file) of the layer's output or the "
           "name of its location">,
    Option<"perChannel", "per-channel", "bool", /*default=*/"true",
           "Quantize weights per output channel (else per tensor)">,
    Option<"actRange", "act-range", "std::string", /*default=*/"\"minmax\"",
           "Activation range setting: minmax, percentile, mse or kl">,
    Option<"percentile", "percentile", "double", /*default=*/"99.99",
           "Percentile kept by act-range=percentile">,
    Option<"weightRange", "weight-range", "std::string", /*default=*/"\"minmax\"",
           "Weight range setting: minmax or mse">,
    Option<"biasCorrection", "bias-correction", "std::string",
           /*default=*/"\"none\"",
           "Bias correction: none, analytic or empirical">,
    Option<"intIO", "int-io", "bool", /*default=*/"false",
           "Give the function integer arguments and results">,
  ];
  let dependentDialects = ["qopt::QoptDialect", "mlir::tosa::TosaDialect",
                           "mlir::quant::QuantDialect"];
}

def EqualizeCrossLayer : Pass<"qopt-equalize-cross-layer", "mlir::func::FuncOp"> {
  let summary = "Balance the weight ranges of consecutive layers (data-free)";
  let description = [{
    Cross-layer equalization (Nagel et al. 2019). For two consecutive layers
    `W1 → f → W2` (`tosa.conv2d`, `tosa.depthwise_conv2d` or a fully connected
    `tosa.matmul` with constant weights; `f` a ReLU `clamp(0, +max)`, pools,
    reshapes, or nothing), output channel `i` of `W1` and its bias are divided
    by `s_i` and input channel `i` of `W2` multiplied by it, with
    `s_i = sqrt(r1_i / r2_i)` (`r1_i`: max |W1| over output channel `i`,
    `r2_i`: max |W2| over input channel `i`). Since `f(x/s) = f(x)/s` for
    `s > 0`, the float function is unchanged, while both layers end up with
    the same per-channel range `sqrt(r1_i·r2_i)`, which per-tensor weight
    quantization needs. A reshape that flattens `HxWxC` into the rows of a
    fully connected layer maps row `k` to channel `k % C`.

    Every pair of the function is equalized in turn, and the sweep repeated
    until no scale differs from 1 by more than `tolerance` in log
    (`max |log s| < tolerance`) or `max-iterations` sweeps: a chain
    `conv → depthwise → conv` thus converges to the three ranges' geometric
    mean per channel (the cube-root rule of depthwise-separable triples), and
    longer chains to their common balance.

    Only links whose every value has a single use are touched, and only
    layers whose weights and bias are constants. ReLU6 (`clamp(0, 6)`, or
    any finite bound) does not commute with a per-channel scale and a TOSA
    clamp bound is per tensor: such pairs are skipped unless
    `relu6=approximate`, which equalizes them and turns the clamp into a
    ReLU, as the paper does (outputs change where the pre-activation
    exceeded the bound). Batch norm statistics recorded by
    `qopt-fold-batchnorm` (`qopt.bn_mean`, `qopt.bn_std`) are scaled with
    the layer's output.
  }];
  let options = [
    Option<"maxIterations", "max-iterations", "unsigned", /*default=*/"100",
           "Maximum number of sweeps over the function's layer pairs">,
    Option<"tolerance", "tolerance", "double", /*default=*/"1e-6",
           "Stop when a sweep changes no scale by more than this in log">,
    Option<"relu6", "relu6", "std::string", /*default=*/"\"skip\"",
           "Pairs linked by a bounded ReLU: skip, or approximate (equalize "
           "and replace the clamp by a ReLU)">,
  ];
  let dependentDialects = ["qopt::QoptDialect", "mlir::tosa::TosaDialect"];
}

def AbsorbHighBias : Pass<"qopt-absorb-high-bias", "mlir::func::FuncOp"> {
  let summary = "Move large positive pre-activation offsets into the next layer";
  let description = [{
    High-bias absorption (Nagel et al. 2019), run after
    `qopt-equalize-cross-layer`, which can leave large biases behind. For
    two consecutive layers `W1 → ReLU → W2` with the per-channel mean `β`
    and standard deviation `γ` of `W1`'s pre-activation, the offset
    `c_i = max(0, β_i − 3γ_i)` that nearly every value
    of channel `i` carries is subtracted from `W1`'s bias and added to
    `W2`'s through its weights: `b2 ← b2 + Σ W2·c` over kernel positions
    and input channels. Since `ReLU(x − c) = ReLU(x) − c` for `x ≥ c`, the
    function only changes for the values below `β − 3γ`, and the activation
    range to quantize shrinks by `c`. Inside a zero-padded `W2` the padded
    taps see 0 instead of `−c`, so outputs at the borders shift by the
    padded taps' share of `W2·c`.

    `β` and `γ` are the statistics that `W1` records (`qopt.bn_mean`,
    `qopt.bn_std`, from the batch norm that `qopt-fold-batchnorm` folded;
    the recorded mean is lowered by `c`). Where no batch norm was folded,
    they come from data: `qopt-calibrate` with `absorb-high-bias` measures
    the pre-activation of each such `W1` on the samples before absorbing,
    and records the per-channel means and standard deviations in the
    statistics file (`before_absorption`, with the fingerprint of the graph
    they were measured on); given that file as `stats`, as the quantize
    pipelines do, this pass absorbs the same offsets, and refuses a file
    measured on another graph. Without `stats`, layers without batch norm
    statistics are left alone.

    The link between the layers follows the rules of
    `qopt-equalize-cross-layer` (single uses; pools and reshapes allowed)
    but its activation must be a ReLU: a bounded ReLU would need a per
    channel upper bound.
  }];
  let options = [
    Option<"statsFile", "stats", "std::string", /*default=*/"\"\"",
           "Statistics file of qopt-calibrate whose before_absorption "
           "entries give the pre-activation statistics of layers without "
           "batch norm statistics">,
  ];
  let dependentDialects = ["qopt::QoptDialect", "mlir::tosa::TosaDialect"];
}

def CorrectBias : Pass<"qopt-correct-bias", "mlir::func::FuncOp"> {
  let summary = "Compensate the output mean shift of weight rounding (data-free)";
  let description = [{
    Analytic bias correction (Nagel et al. 2019). Quantizing weights `W` to
    `Ŵ` shifts the mean of each output by `ε·E[x]`, `ε = Ŵ − W`; this pass
    computes `Ŵ` exactly as `qopt-quantize` will (symmetric min-max,
    `weight-bits`, per output channel unless `per-channel=false`; a
    depthwise channel multiplier above 1 is per tensor) and sets
    `b ← b − ε·E[x]` on the float graph, so run it right before
    `qopt-quantize` with the same weight options (MSE weight clipping is not
    mirrored).

    `E[x]` comes from the layer before: when the input is the output of a
    layer that records its pre-activation statistics `x ~ N(β, γ²)`
    (`qopt.bn_mean`, `qopt.bn_std`, from `qopt-fold-batchnorm`), reached
    through identity (`E = β`), a ReLU (`E = γ·φ(−β/γ) + β·(1 − Φ(−β/γ))`)
    or a bounded ReLU `clamp(0, h)` (the clipped normal's mean), reshapes
    and average pools. Other layers, such as the first one or those after
    a max pool, are left alone: their input mean needs data
    (`qopt-quantize` with `bias-correction=empirical`, from the per-channel
    means of the calibration statistics). At taps of a zero-padded
    convolution the input is 0, not `E[x]`: each tap's term is weighted by
    the fraction of output positions where it reads the input.

    `qopt-quantize` has the same correction built in
    (`bias-correction=analytic`), with the quantizer's own rounding; this
    pass is the data-free variant for graphs that are not quantized by
    qopt-quantize.
  }];
  let options = [
    Option<"weightBits", "weight-bits", "unsigned", /*default=*/"8",
           "Weight bit width the quantizer will use (2..8)">,
    Option<"perChannel", "per-channel", "bool", /*default=*/"true",
           "Whether the quantizer will quantize weights per output channel">,
  ];
  let dependentDialects = ["mlir::tosa::TosaDialect"];
}

def AdaRound : Pass<"qopt-adaround", "mlir::ModuleOp"> {
  let summary = "Learn how to round each weight (up or down) from sample inputs";
  let description = [{
    AdaRound (Nagel et al. 2020) on the float graph, right before
    `qopt-quantize`: rounding every weight to nearest is not what keeps a
    layer's outputs closest to float, especially at 4 bits. For every
    `tosa.conv2d`, `tosa.depthwise_conv2d` and fully connected `tosa.matmul`
    with constant weights (and bias), this pass

    1. takes `batch` output positions of the layer, spread evenly over the
       calibration `samples` and drawn at random with `seed`; their input
       patches (im2col, zero padding included) are the reconstruction data.
       With `inputs=quantized` (the default; the paper's asymmetric
       reconstruction) layers are rounded in program order and a layer's
       patches `x` come from the model whose earlier layers are already
       rounded (and bias-corrected), while its target stays the float
       model's output `W·x°`: the function is JIT-compiled once with every
       layer's weights and bias as extra arguments, run once for the float
       model's inputs `x°` and again before each layer that has a rounded
       layer upstream. With `inputs=float` one run of the float function
       serves every layer and `x = x°`;
    2. chooses the weight scales exactly as `qopt-quantize` will
       (`weight-bits`, `per-channel`, `weight-range`);
    3. learns, per weight, whether `w/s` goes down or up: with
       `W̃ = s·clamp(⌊W/s⌋ + h(V), qmin, qmax)` and the rectified sigmoid
       `h(V) = clamp(σ(V)·1.2 − 0.1, 0, 1)`, Adam (`learning-rate`) runs
       `iterations` steps on
       `(1/N) Σ ‖W·x° − W̃·x‖² + lambda · Σ (1 − |2h(V) − 1|^β)`
       over all N patches, with β going from 20 to 2 after a warm-up of 20 %
       of the steps without the regulariser, which pushes every `h` to 0
       or 1. The loss is `(1/N) (Σ ‖D·x‖² + 2 Σ_r d_r·c_r + const)` with
       `D = W − W̃` and `c_r = Σ (w_r·(x° − x))·x`, so besides the inputs'
       second moment only one `rows × K` cross term is kept;
    4. with `correct-bias` (default), adds the mean output error over the
       sampled positions, `W·E[x°] − W̃·E[x]`, to the layer's bias (layers
       without a bias keep none);
    5. writes back float weights on the learned grid, `s·(⌊w/s⌋ + h)`, and
       records the scales and bit width on the op as
       `qopt.weight_scales = array<f64: ...>` and `qopt.weight_bits`.

    With `weight-quant=pwlq` the grid is PWLQ's, chosen as `qopt-quantize`
    chooses it (per-channel breakpoints, the layer's tail step `j`, by the
    weights' squared error) or, with `grid-error=output`, by each weight's
    squared error times its input's second moment (the diagonal of the
    layer's `K×K` input second moment, an estimate of the output error), and
    each weight rounds down or up between the two levels around `w/s`
    (one centre step apart in the centre region, `j` in the tails, from
    `L1` to `L1 + j` across the breakpoint): `W̃ = s·(lo + (hi − lo)·h)`.
    The tail step is recorded too, as `qopt.weight_tail_step`.

    `qopt-quantize` then uses exactly those scales, so its round-to-nearest
    reproduces the learned integers; it rejects a layer whose bit width or
    channel count differs from the recorded ones, or whose weights some
    pass moved off the grid. Run it with the same `weight-bits` and
    `per-channel`.

    Activations are not quantized in the inputs (the rounded model runs in
    float), and the loss is on the layer's linear output (no activation
    function). Samples are given as to
    `qopt-calibrate`: one `.npy` batch (leading dimension enumerating
    samples) or a directory of `.npy` files per function argument. The cost
    per layer is one pass over its patches plus, per step, a product of the
    weights with their `K×K` input second moment (or with the patches, when
    there are fewer than `K/2` of them); `inputs=quantized` adds one run of
    the model over the samples per layer (with the upstream lowering of
    convolutions, whose weights are arguments there) and keeps the float
    model's layer inputs of every sample in memory. Progress is printed on a
    terminal.
  }];
  let options = [
    ListOption<"samples", "samples", "std::string",
           "Calibration samples, once per function argument: an .npy batch "
           "or a directory of .npy files (required)">,
    Option<"entry", "entry", "std::string", /*default=*/"\"\"",
           "Function to run (default: the only public function)">,
    Option<"weightBits", "weight-bits", "unsigned", /*default=*/"8",
           "Weight bit width the quantizer will use (2..8)">,
    Option<"weightQuant", "weight-quant", "std::string",
           /*default=*/"\"uniform\"",
           "Weight quantizer the quantizer will use: uniform or pwlq (3..8 "
           "bits)">,
    Option<"perChannel", "per-channel", "bool", /*default=*/"true",
           "Whether the quantizer will quantize weights per output channel">,
    Option<"weightRange", "weight-range", "std::string", /*default=*/"\"minmax\"",
           "Weight range setting the quantizer would use: minmax or mse">,
    Option<"iterations", "iterations", "unsigned", /*default=*/"1000",
           "Adam steps per layer">,
    Option<"lambda", "lambda", "double", /*default=*/"0.01",
           "Weight of the rounding regulariser">,
    Option<"learningRate", "learning-rate", "double", /*default=*/"0.01",
           "Adam learning rate">,
    Option<"batch", "batch", "unsigned", /*default=*/"4096",
           "Output positions sampled per layer (over all samples)">,
    Option<"seed", "seed", "unsigned", /*default=*/"0",
           "Seed of the position sampling">,
    Option<"inputs", "inputs", "std::string", /*default=*/"\"quantized\"",
           "Whose activations the layers' inputs are: quantized (layers in "
           "order, each reading the model whose earlier layers are rounded "
           "and reconstructing the float model's outputs) or float (the "
           "float model's, one run for all layers)">,
    Option<"gridError", "grid-error", "std::string", /*default=*/"\"weight\"",
           "How weight-quant=pwlq's grid (breakpoints, tail step) is chosen: "
           "by the weights' squared error, as qopt-quantize chooses it "
           "(weight), or by each weight's error times its input's second "
           "moment, an estimate of the output error (output)">,
    Option<"correctBias", "correct-bias", "bool", /*default=*/"true",
           "Move each layer's mean output error over the sampled positions "
           "into its bias after rounding">,
  ];
  let dependentDialects = ["qopt::QoptDialect", "mlir::tosa::TosaDialect"];
}

def SearchPrecision : Pass<"qopt-search-precision", "mlir::ModuleOp"> {
  let summary = "Choose each layer's weight width for a size or accuracy "
                "budget, measured on samples without labels";
  let description = [{
    Mixed precision as FxP-QNet chooses it: label-free, by sensitivity per
    byte saved, greedily. Runs on the prepared float graph, before
    `qopt-quantize`, and records its choice on the function as
    `qopt.layer_bits = ["ID=W", ...]` (one entry per layer with constant
    weights: ID is the layer's output activation id, W its format), which
    `qopt-quantize` applies as it applies `layer-bits` entries; the same
    list given as `layer-bits` replays the choice without searching.

    1. `qopt-quantize` (with the options given here) quantizes a copy of
       the graph once per width of `formats`; every layer's dequantized
       weights and biases are taken from each copy. Nothing else changes
       with a layer's weight width: activations keep the `act-bits`
       quantization of the copies (all equal).
    2. The QDQ graph of the widest format is compiled once with every
       layer's weights and bias as arguments; a width assignment is
       measured by running it on the samples with each layer's arguments
       taken from its width's copy, against the float graph's own outputs:
       the agreement of the argmax over the last dimension of each output
       (the prediction, per position for sequence outputs) and the output
       SQNR. An output computed by a softmax over its last axis is
       compared on the scores the softmax normalises (same predictions):
       a confident softmax squashes the noise, which would hide the inputs
       that a narrower width flips.
    3. Sensitivity: the output noise power (relative to the signal) each
       layer adds alone at each narrower format, the others at the widest.
       A layer's ladder is its formats by decreasing bytes; of formats of
       equal bytes (2-bit and ternary) the less sensitive one.
    4. Greedy reduction: the step down a ladder with the least added noise
       per byte saved is taken next. With `size-budget`, steps are taken
       until the weight bytes fit, then layers are raised back, the most
       sensitive first, while they still fit. With `max-drop`, each step
       is measured and kept only if the disagreement with the float
       predictions stays within `max-drop` percent, else that layer stops
       where it is; the search ends when no layer can step down.

    Weight bytes are counted as packed codes, `⌈count · bits / 8⌉` per
    layer (2 bits for ternary, 1 for binary); the kernels' tiles may pad a
    few more, which `qoptc` checks against the compiled object. The search
    is deterministic; it prints its progress on a terminal. A budget below
    the smallest reachable size (every layer at its narrowest format) is
    an error naming that size.
  }];
  let options = [
    ListOption<"samples", "samples", "std::string",
           "Samples, once per function argument: an .npy batch or a "
           "directory of .npy files (required)">,
    Option<"statsFile", "stats", "std::string", /*default=*/"\"\"",
           "Statistics file written by qopt-calibrate (required)">,
    Option<"entry", "entry", "std::string", /*default=*/"\"\"",
           "Function to search (default: the only public function)">,
    ListOption<"formats", "formats", "std::string",
           "Weight formats to choose from (weight-bits values; default "
           "8,4,3,2,ternary)">,
    Option<"sizeBudget", "size-budget", "std::string", /*default=*/"\"\"",
           "Weight bytes to fit in: a byte count, or Nx for N times smaller "
           "than the float32 weights">,
    Option<"maxDrop", "max-drop", "double", /*default=*/"-1.0",
           "Largest disagreement with the float model's predictions on the "
           "samples, in percent (negative: no accuracy budget)">,
    Option<"weightQuant", "weight-quant", "std::string",
           /*default=*/"\"uniform\"",
           "Weight quantizer of the formats of 3 bits and more: uniform or "
           "pwlq">,
    Option<"actBits", "act-bits", "unsigned", /*default=*/"8",
           "Activation bit width (2..8)">,
    Option<"perChannel", "per-channel", "bool", /*default=*/"true",
           "Quantize weights per output channel (else per tensor)">,
    Option<"actRange", "act-range", "std::string", /*default=*/"\"minmax\"",
           "Activation range setting: minmax, percentile, mse or kl">,
    Option<"percentile", "percentile", "double", /*default=*/"99.99",
           "Percentile kept by act-range=percentile">,
    Option<"weightRange", "weight-range", "std::string", /*default=*/"\"minmax\"",
           "Weight range setting: minmax or mse">,
    Option<"biasCorrection", "bias-correction", "std::string",
           /*default=*/"\"none\"",
           "Bias correction: none, analytic or empirical">,
  ];
  let dependentDialects = ["qopt::QoptDialect", "mlir::tosa::TosaDialect",
                           "mlir::quant::QuantDialect"];
}

#endif // QOPT_TRANSFORMS_PASSES
