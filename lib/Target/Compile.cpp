//===- Compile.cpp - Ahead-of-time compilation of a model -----------------===//

#include "qopt/Target/Compile.h"

#include "qopt/Analysis/ActivationTensors.h"
#include "qopt/Codegen/Isa.h"
#include "qopt/Codegen/WeightPacking.h"
#include "qopt/Dialect/QoptDialect.h"
#include "qopt/Pipelines/Pipelines.h"
#include "qopt/Target/Passes.h"

#include "mlir/Dialect/Bufferization/IR/Bufferization.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/Quant/IR/QuantTypes.h"
#include "mlir/Dialect/Tosa/IR/TosaOps.h"
#include "mlir/ExecutionEngine/OptUtils.h"
#include "mlir/IR/Matchers.h"
#include "mlir/IR/SymbolTable.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Pass/PassRegistry.h"
#include "mlir/Target/LLVMIR/Dialect/Builtin/BuiltinToLLVMIRTranslation.h"
#include "mlir/Target/LLVMIR/Dialect/LLVMIR/LLVMToLLVMIRTranslation.h"
#include "mlir/Target/LLVMIR/Export.h"
#include "llvm/ADT/SmallString.h"
#include "llvm/IR/LegacyPassManager.h"
#include "llvm/IR/Module.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/Program.h"
#include "llvm/Support/ToolOutputFile.h"
#include "llvm/Transforms/Utils/Cloning.h"

#include <algorithm>

using namespace mlir;

namespace qopt {

/// Byte alignment of every buffer in the arena, hence of the arena itself.
static constexpr int64_t kArenaAlignment = 64;

static int64_t product(ArrayRef<int64_t> values) {
  int64_t p = 1;
  for (int64_t v : values)
    p *= v;
  return p;
}

std::string describeLocation(Location loc) {
  if (auto name = dyn_cast<NameLoc>(loc))
    return name.getName().str();
  if (auto file = dyn_cast<FileLineColLoc>(loc))
    return (llvm::sys::path::filename(file.getFilename().getValue()) + ":" +
            Twine(file.getLine()))
        .str();
  return "-";
}

/// Signed bits holding every value in [lo, hi].
static unsigned signedBits(int64_t lo, int64_t hi) {
  unsigned bits = 1;
  while (lo < -(int64_t(1) << (bits - 1)) ||
         hi > (int64_t(1) << (bits - 1)) - 1)
    ++bits;
  return bits;
}

/// Bits used by an integer activation: those of the clamp that produces it
/// (a narrow range or a fused activation, in integers or in the float
/// arithmetic that quantizes a float argument), looking through ops that move
/// or convert values without changing them; else its storage type's.
static unsigned activationBits(Value v) {
  auto type = dyn_cast<IntegerType>(getElementTypeOrSelf(v.getType()));
  if (!type)
    return 0;
  Operation *op = v.getDefiningOp();
  while (isa_and_nonnull<tosa::ReshapeOp, tosa::TransposeOp, tosa::MaxPool2dOp,
                         tosa::CastOp>(op))
    op = op->getOperand(0).getDefiningOp();
  auto bound = [](Attribute attr) -> std::optional<int64_t> {
    if (auto i = dyn_cast<IntegerAttr>(attr))
      return i.getInt();
    if (auto f = dyn_cast<FloatAttr>(attr))
      return std::llround(f.getValueAsDouble());
    return std::nullopt;
  };
  if (auto clamp = dyn_cast_or_null<tosa::ClampOp>(op)) {
    std::optional<int64_t> lo = bound(clamp.getMinValAttr()),
                           hi = bound(clamp.getMaxValAttr());
    if (lo && hi)
      return std::min(type.getWidth(), signedBits(*lo, *hi));
  }
  return type.getWidth();
}

/// Bits used by integer weights: those of the codebook the kernels pack
/// them with (at most 16 distinct values: a b-bit format's 2^b - 1 levels,
/// PWLQ's too, whatever their magnitude), else the signed bits of their
/// range. A matmul operand that is not constant is an activation.
static unsigned weightBits(Value weight) {
  DenseIntElementsAttr values;
  if (!matchPattern(weight, m_Constant(&values)))
    return activationBits(weight);
  SmallVector<int64_t> ints;
  for (const APInt &v : values)
    ints.push_back(v.getSExtValue());
  if (std::optional<Codebook> book =
          Codebook::select(ints, /*needsZero=*/false))
    return book->bits;
  auto [lo, hi] = std::minmax_element(ints.begin(), ints.end());
  return signedBits(std::min<int64_t>(0, *lo), std::max<int64_t>(0, *hi));
}

/// The conv, depthwise conv and matmul ops of `func` with their MACs.
static std::vector<LayerInfo> collectLayers(func::FuncOp func) {
  std::vector<LayerInfo> layers;
  auto shape = [](Value v) { return cast<ShapedType>(v.getType()).getShape(); };
  auto element = [](Value v) { return getElementTypeOrSelf(v.getType()); };
  func.walk([&](Operation *op) {
    Value input, weight;
    int64_t macs;
    if (auto conv = dyn_cast<tosa::Conv2DOp>(op)) {
      // Every output element sums KH·KW·IC products.
      input = conv.getInput(), weight = conv.getWeight();
      macs = product(shape(conv.getOutput())) * product(shape(weight)) /
             shape(weight)[0];
    } else if (auto conv = dyn_cast<tosa::DepthwiseConv2DOp>(op)) {
      // KH·KW products per output element.
      input = conv.getInput(), weight = conv.getWeight();
      macs = product(shape(conv.getOutput())) * shape(weight)[0] *
             shape(weight)[1];
    } else if (auto matmul = dyn_cast<tosa::MatMulOp>(op)) {
      input = matmul.getA(), weight = matmul.getB();
      macs = product(shape(matmul.getOutput())) * shape(input)[2];
    } else {
      return;
    }
    auto weightType = cast<ShapedType>(weight.getType());
    int64_t constantWeightBytes =
        matchPattern(weight, m_Constant())
            ? weightType.getNumElements() *
                  llvm::divideCeil(weightType.getElementTypeBitWidth(), 8)
            : 0;
    layers.push_back(
        {op->getName().stripDialect().str(), describeLocation(op->getLoc()),
         macs, element(input), element(weight), element(op->getResult(0)),
         activationBits(input), weightBits(weight), constantWeightBytes});
  });
  return layers;
}

/// Upstream buffer-results-to-out-params cannot give one buffer to two
/// results: a value returned more than once is returned as copies.
static void copyRepeatedResults(func::FuncOp func) {
  auto ret = cast<func::ReturnOp>(func.getBody().front().getTerminator());
  DenseSet<Value> seen;
  OpBuilder builder(ret);
  for (OpOperand &operand : ret->getOpOperands())
    if (!seen.insert(operand.get()).second)
      operand.set(bufferization::AllocTensorOp::create(
          builder, ret.getLoc(),
          cast<RankedTensorType>(operand.get().getType()), ValueRange{},
          operand.get()));
}

static LogicalResult runPipeline(ModuleOp module, StringRef what,
                                 function_ref<void(OpPassManager &)> build) {
  PassManager pm = PassManager::on<ModuleOp>(module.getContext());
  if (failed(applyPassManagerCLOptions(pm)))
    return failure();
  build(pm);
  if (succeeded(pm.run(module)))
    return success();
  return emitError(module.getLoc()) << "cannot lower the model " << what;
}

static void addPipeline(OpPassManager &pm, StringRef pipeline) {
  if (failed(parsePassPipeline(pipeline, pm, llvm::errs())))
    llvm::report_fatal_error("qopt: invalid built-in AOT pipeline");
}

/// Lowers `module` to the LLVM dialect with `int <name>_run(...)` exported,
/// and describes the result.
static FailureOr<ModelSummary> lowerModel(ModuleOp module,
                                          const CompileOptions &options) {
  MLIRContext *ctx = module.getContext();
  func::FuncOp func = lookupEntryFunction(module, options.entry);
  if (!func)
    return failure();
  ModelSummary model;
  model.name = options.name;
  model.entry = func.getName().str();
  model.arenaAlignment = kArenaAlignment;
  if (failed(describeInterface(func, model.inputs, model.outputs)))
    return failure();
  model.layers = collectLayers(func);
  model.layerBits = getLayerBits(func);

  for (auto other : llvm::make_early_inc_range(module.getOps<func::FuncOp>()))
    if (other != func && SymbolTable::symbolKnownUseEmpty(other, module))
      other.erase();
  // Inputs are the caller's const buffers; memrefs pass as bare pointers.
  std::string implName = options.name + "_model";
  func.setSymName(implName);
  for (unsigned i = 0, e = func.getNumArguments(); i < e; ++i)
    func.setArgAttr(i, bufferization::BufferizationDialect::kWritableAttrName,
                    BoolAttr::get(ctx, false));
  // (The attribute FuncToLLVM reads; LLVMDialect has no name for it.)
  func->setAttr("llvm.bareptr", UnitAttr::get(ctx));
  copyRepeatedResults(func);

  // Kernels for the instruction set of the target's CPU and features.
  auto machine = createTargetMachine(options.target);
  if (!machine)
    return emitError(module.getLoc())
           << "cannot compile for '" << options.targetName
           << "': " << llvm::toString(machine.takeError());
  CodegenOptions codegen{stringifyKernelIsa(selectKernelIsa(**machine)).str(),
                         options.reference,
                         stringifyTableIsa(selectTableIsa(**machine)).str()};

  // Results are written into caller buffers (the static allocations that
  // compute them become those buffers), every other buffer goes to the arena.
  if (failed(runPipeline(module, "to buffers", [&](OpPassManager &pm) {
        buildTosaToLinalgPipeline(pm, codegen);
        addPipeline(pm,
                    "one-shot-bufferize{bufferize-function-boundaries "
                    "function-boundary-type-conversion=identity-layout-map},"
                    "buffer-results-to-out-params{modify-public-functions "
                    "hoist-static-allocs}, canonicalize");
        pm.addNestedPass<func::FuncOp>(createForwardResultBuffers());
        pm.addPass(createMemrefCopyToLinalg());
        pm.addPass(createPlanArena(PlanArenaOptions{kArenaAlignment}));
      })))
    return failure();
  func = module.lookupSymbol<func::FuncOp>(implName);
  model.arenaBytes = *getArenaSize(func);
  // The kernels' weights (qopt-lower-to-kernels, qopt-lower-depthwise) apart
  // from the other constants: biases, multipliers, shifts, tables. The
  // reference lowering keeps the layers' weight constants as they are.
  int64_t constantBytes = 0, packedBytes = 0;
  module.walk([&](memref::GlobalOp global) {
    if (!global.getConstant())
      return;
    int64_t bytes =
        global.getType().getNumElements() *
        llvm::divideCeil(global.getType().getElementTypeBitWidth(), 8);
    constantBytes += bytes;
    if (global.getSymName().starts_with("__qopt_packed_weights"))
      packedBytes += bytes;
  });
  model.weightBytes = packedBytes;
  if (options.reference)
    for (const LayerInfo &layer : model.layers)
      model.weightBytes += layer.constantWeightBytes;
  model.constantBytes = constantBytes - model.weightBytes;

  if (failed(runPipeline(module, "to the LLVM dialect", [](OpPassManager &pm) {
        buildBuffersToLLVMPipeline(pm);
      })))
    return failure();

  // The exported entry point: the model (internal, inlined into it) over
  // inputs, outputs and arena as plain pointers.
  auto impl = module.lookupSymbol<LLVM::LLVMFuncOp>(implName);
  impl.setLinkage(LLVM::Linkage::Internal);
  OpBuilder builder = OpBuilder::atBlockEnd(module.getBody());
  Location loc = impl.getLoc();
  auto i32 = builder.getI32Type();
  auto run = LLVM::LLVMFuncOp::create(
      builder, loc, options.name + "_run",
      LLVM::LLVMFunctionType::get(i32, impl.getFunctionType().getParams()));
  builder.setInsertionPointToStart(run.addEntryBlock(builder));
  LLVM::CallOp::create(builder, loc, impl, run.getArguments());
  LLVM::ReturnOp::create(
      builder, loc, LLVM::ConstantOp::create(builder, loc, i32, 0).getResult());
  return model;
}

/// Writes `module` as `type` to `path` with `machine`'s code generator.
static LogicalResult emitFile(Location loc, llvm::Module &module,
                              llvm::TargetMachine &machine,
                              const CompileOptions &options, StringRef path,
                              llvm::CodeGenFileType type) {
  std::error_code ec;
  llvm::ToolOutputFile file(path, ec, llvm::sys::fs::OF_None);
  if (ec)
    return emitError(loc) << "cannot write '" << path << "': " << ec.message();
  llvm::legacy::PassManager codegen;
  if (machine.addPassesToEmitFile(codegen, file.os(), nullptr, type))
    return emitError(loc) << "'" << options.targetName
                          << "' cannot emit this kind of file";
  codegen.run(module);
  file.keep();
  return success();
}

static LogicalResult emitObject(ModuleOp module, const CompileOptions &options,
                                StringRef path, StringRef asmPath) {
  Location loc = module.getLoc();
  auto machine = createTargetMachine(options.target);
  if (!machine)
    return emitError(loc) << "cannot compile for '" << options.targetName
                          << "': " << llvm::toString(machine.takeError());
  registerBuiltinDialectTranslation(*module.getContext());
  registerLLVMDialectTranslation(*module.getContext());
  llvm::LLVMContext llvmContext;
  std::unique_ptr<llvm::Module> llvmModule =
      translateModuleToLLVMIR(module, llvmContext, options.name);
  if (!llvmModule)
    return emitError(loc) << "cannot translate the model to LLVM IR";
  llvmModule->setTargetTriple((*machine)->getTargetTriple());
  llvmModule->setDataLayout((*machine)->createDataLayout());
  if (llvm::Error err = makeOptimizingTransformer(
          /*optLevel=*/3, /*sizeLevel=*/0, machine->get())(llvmModule.get()))
    return emitError(loc) << "cannot optimize the model: "
                          << llvm::toString(std::move(err));

  // Code generation changes the module: the assembly is made from a copy.
  if (options.assembly) {
    std::unique_ptr<llvm::Module> copy = llvm::CloneModule(*llvmModule);
    if (failed(emitFile(loc, *copy, **machine, options, asmPath,
                        llvm::CodeGenFileType::AssemblyFile)))
      return failure();
  }
  return emitFile(loc, *llvmModule, **machine, options, path,
                  llvm::CodeGenFileType::ObjectFile);
}

/// Links `object` into a shared library with ld.lld (no C compiler needed).
static LogicalResult linkShared(Location loc, StringRef object,
                                StringRef output) {
  auto lld = llvm::sys::findProgramByName("ld.lld", {QOPT_LLVM_TOOLS_DIR});
  if (!lld)
    return emitError(loc) << "cannot link a shared library: ld.lld not found";
  std::string error;
  StringRef args[] = {*lld, "-shared", "-o", output, object};
  if (llvm::sys::ExecuteAndWait(*lld, args, std::nullopt, {}, 0, 0, &error))
    return emitError(loc) << "ld.lld failed to link '" << output << "'"
                          << (error.empty() ? "" : ": ") << error;
  return success();
}

static LogicalResult writeTextFile(Location loc, StringRef path,
                                   function_ref<void(llvm::raw_ostream &)> fn) {
  std::error_code ec;
  llvm::ToolOutputFile file(path, ec, llvm::sys::fs::OF_Text);
  if (ec)
    return emitError(loc) << "cannot write '" << path << "': " << ec.message();
  fn(file.os());
  file.keep();
  return success();
}

LogicalResult compileModel(ModuleOp module, const CompileOptions &options,
                           ModelSummary *summary) {
  FailureOr<ModelSummary> model = lowerModel(module, options);
  if (failed(model))
    return failure();
  if (summary)
    *summary = *model;
  auto path = [&](const Twine &file) {
    SmallString<256> p(options.outputDir);
    llvm::sys::path::append(p, file);
    return std::string(p);
  };
  Location loc = module.getLoc();
  std::string object = path(options.name + ".o");
  if (failed(emitObject(module, options, object, path(options.name + ".s"))) ||
      failed(writeTextFile(
          loc, path(options.name + ".h"),
          [&](llvm::raw_ostream &os) { writeHeader(*model, os); })) ||
      failed(writeTextFile(
          loc, path(options.name + ".report.txt"),
          [&](llvm::raw_ostream &os) { writeReport(*model, options, os); })) ||
      failed(writeTextFile(
          loc, path(options.name + ".json"),
          [&](llvm::raw_ostream &os) { writeManifest(*model, options, os); })))
    return failure();
  if (options.shared)
    return linkShared(loc, object, path("lib" + options.name + ".so"));
  return success();
}

} // namespace qopt
