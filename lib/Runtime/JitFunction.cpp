//===- JitFunction.cpp - Compile a TOSA function and call it --------------===//

#include "qopt/Runtime/JitFunction.h"

#include "qopt/Analysis/ActivationTensors.h"
#include "qopt/Pipelines/Pipelines.h"

#include "mlir/Dialect/Bufferization/IR/Bufferization.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/ExecutionEngine/ExecutionEngine.h"
#include "mlir/ExecutionEngine/OptUtils.h"
#include "mlir/IR/SymbolTable.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Target/LLVMIR/Dialect/Builtin/BuiltinToLLVMIRTranslation.h"
#include "mlir/Target/LLVMIR/Dialect/LLVMIR/LLVMToLLVMIRTranslation.h"
#include "llvm/ADT/SmallPtrSet.h"
#include "llvm/ExecutionEngine/Orc/JITTargetMachineBuilder.h"
#include "llvm/Support/DynamicLibrary.h"
#include "llvm/Support/TargetSelect.h"

#include <cstdlib>
#include <cstring>
#include <optional>

using namespace mlir;

namespace qopt {

// Memref descriptors are handled as arrays of 8-byte words.
static_assert(sizeof(void *) == sizeof(int64_t), "64-bit hosts only");

static std::optional<DType> toDType(Type type) {
  if (type.isF32())
    return DType::F32;
  if (type.isF64())
    return DType::F64;
  auto integer = dyn_cast<IntegerType>(type);
  if (!integer)
    return std::nullopt;
  if (integer.isUnsigned())
    return integer.getWidth() == 8 ? std::optional(DType::U8) : std::nullopt;
  switch (integer.getWidth()) {
  case 1:
    return DType::Bool;
  case 8:
    return DType::I8;
  case 16:
    return DType::I16;
  case 32:
    return DType::I32;
  case 64:
    return DType::I64;
  default:
    return std::nullopt;
  }
}

static FailureOr<TensorSignature> toSignature(Type type, func::FuncOp func,
                                              StringRef what, unsigned index) {
  auto tensor = dyn_cast<RankedTensorType>(type);
  std::optional<DType> dtype;
  if (tensor && tensor.hasStaticShape())
    dtype = toDType(tensor.getElementType());
  if (!dtype)
    return emitError(func.getLoc())
           << what << " #" << index << " of '" << func.getName()
           << "' has type " << type
           << ": only statically shaped tensors of f32, f64, i1, i8, ui8, "
              "i16, i32 or i64 can be passed to and from compiled code";
  std::string typeName;
  llvm::raw_string_ostream(typeName) << type;
  return TensorSignature{*dtype, tensor.getShape().vec(), std::move(typeName)};
}

/// Appends the C-interface memref descriptor of a contiguous buffer:
/// {allocated, aligned, offset, sizes[rank], strides[rank]}.
static void appendDescriptor(SmallVectorImpl<int64_t> &words, const void *data,
                             ArrayRef<int64_t> shape) {
  auto pointer = reinterpret_cast<int64_t>(data);
  words.append({pointer, pointer, 0});
  words.append(shape.begin(), shape.end());
  size_t stridesBegin = words.size();
  words.resize(words.size() + shape.size());
  int64_t stride = 1;
  for (size_t i = shape.size(); i-- > 0;) {
    words[stridesBegin + i] = stride;
    stride *= shape[i];
  }
}

FailureOr<std::unique_ptr<JitFunction>>
JitFunction::compile(ModuleOp module, StringRef entry,
                     const CodegenOptions &codegen) {
  MLIRContext *ctx = module.getContext();
  func::FuncOp func = lookupEntryFunction(module, entry);
  if (!func)
    return failure();

  std::unique_ptr<JitFunction> fn(new JitFunction);
  fn->funcName = func.getName().str();
  for (auto [i, type] : llvm::enumerate(func.getArgumentTypes())) {
    FailureOr<TensorSignature> sig = toSignature(type, func, "argument", i);
    if (failed(sig))
      return failure();
    fn->inputTypes.push_back(std::move(*sig));
  }
  for (auto [i, type] : llvm::enumerate(func.getResultTypes())) {
    FailureOr<TensorSignature> sig = toSignature(type, func, "result", i);
    if (failed(sig))
      return failure();
    fn->outputTypes.push_back(std::move(*sig));
  }

  OwningOpRef<ModuleOp> lowered = module.clone();
  auto loweredFunc = lowered->lookupSymbol<func::FuncOp>(fn->funcName);
  // Functions nothing calls need not (and may not be able to) be lowered.
  for (auto other : llvm::make_early_inc_range(lowered->getOps<func::FuncOp>()))
    if (other != loweredFunc &&
        SymbolTable::symbolKnownUseEmpty(other, *lowered))
      other.erase();
  // Inputs are the caller's buffers, reused across calls.
  for (unsigned i = 0, e = loweredFunc.getNumArguments(); i < e; ++i)
    loweredFunc.setArgAttr(
        i, bufferization::BufferizationDialect::kWritableAttrName,
        BoolAttr::get(ctx, false));

  PassManager pm = PassManager::on<ModuleOp>(ctx);
  if (failed(applyPassManagerCLOptions(pm)))
    return failure();
  buildLowerToLLVMPipeline(pm, codegen);
  if (failed(pm.run(*lowered)))
    return emitError(func.getLoc())
           << "cannot lower '" << fn->funcName << "' to the LLVM dialect";

  // Results come back through a pointer passed first (the pipeline returns
  // them as descriptors of buffers the caller owns).
  std::string cifaceName = "_mlir_ciface_" + fn->funcName;
  auto ciface = lowered->lookupSymbol<LLVM::LLVMFuncOp>(cifaceName);
  size_t expectedParams =
      fn->inputTypes.size() + (fn->outputTypes.empty() ? 0 : 1);
  if (!ciface || ciface.getNumArguments() != expectedParams ||
      !isa<LLVM::LLVMVoidType>(ciface.getFunctionType().getReturnType()))
    return emitError(func.getLoc())
           << "the lowering of '" << fn->funcName
           << "' has no C interface taking a result pointer and "
           << fn->inputTypes.size() << " memref descriptors";

  // memrefCopy and friends live in the C runner utils, not in the process.
  llvm::sys::DynamicLibrary::LoadLibraryPermanently(nullptr);
  bool needsRunnerUtils =
      llvm::any_of(lowered->getOps<LLVM::LLVMFuncOp>(), [](auto f) {
        return f.isExternal() &&
               !llvm::sys::DynamicLibrary::SearchForAddressOfSymbol(
                   f.getName().str());
      });
  SmallVector<StringRef, 1> sharedLibs;
  if (needsRunnerUtils)
    sharedLibs.push_back(QOPT_C_RUNNER_UTILS);

  registerBuiltinDialectTranslation(*ctx);
  registerLLVMDialectTranslation(*ctx);
  llvm::InitializeNativeTarget();
  llvm::InitializeNativeTargetAsmPrinter();
  auto fail = [&](llvm::Error err) {
    return emitError(func.getLoc()) << "cannot JIT-compile '" << fn->funcName
                                    << "': " << llvm::toString(std::move(err));
  };
  auto builder = llvm::orc::JITTargetMachineBuilder::detectHost();
  if (!builder)
    return fail(builder.takeError());
  builder->setCodeGenOptLevel(llvm::CodeGenOptLevel::Aggressive);
  auto targetMachine = builder->createTargetMachine();
  if (!targetMachine)
    return fail(targetMachine.takeError());
  auto transformer = makeOptimizingTransformer(
      /*optLevel=*/3, /*sizeLevel=*/0, targetMachine->get());
  ExecutionEngineOptions options;
  options.transformer = transformer;
  options.jitCodeGenOptLevel = llvm::CodeGenOptLevel::Aggressive;
  options.sharedLibPaths = sharedLibs;
  auto engine =
      ExecutionEngine::create(*lowered, options, std::move(*targetMachine));
  if (!engine)
    return fail(engine.takeError());
  fn->engine = std::move(*engine);
  fn->engine->initialize();
  auto packed = fn->engine->lookupPacked(cifaceName);
  if (!packed)
    return fail(packed.takeError());
  fn->packed = *packed;
  return fn;
}

JitFunction::~JitFunction() = default;

llvm::Expected<std::vector<Tensor>>
JitFunction::invoke(ArrayRef<Tensor> inputs) {
  if (inputs.size() != inputTypes.size())
    return llvm::createStringError("'" + funcName + "' takes " +
                                   Twine(inputTypes.size()) +
                                   " input(s), got " + Twine(inputs.size()));
  for (auto [i, input, sig] : llvm::enumerate(inputs, inputTypes))
    if (input.dtype != sig.dtype || input.shape != sig.shape)
      return llvm::createStringError("input " + Twine(i) + ": expected " +
                                     sig.typeName + ", got " +
                                     describe(input.dtype, input.shape));

  // Descriptors are built in place; `words` must not reallocate after the
  // pointers into it are taken.
  size_t numWords = 0;
  for (const TensorSignature &sig : llvm::concat<const TensorSignature>(
           ArrayRef(inputTypes), ArrayRef(outputTypes)))
    numWords += 3 + 2 * sig.shape.size();
  SmallVector<int64_t> words;
  words.reserve(numWords);
  SmallVector<void *> params;
  if (!outputTypes.empty()) {
    params.push_back(words.data());
    for (const TensorSignature &sig : outputTypes)
      words.append(3 + 2 * sig.shape.size(), 0);
  }
  for (const Tensor &input : inputs) {
    params.push_back(words.data() + words.size());
    appendDescriptor(words, input.bytes.data(), input.shape);
  }
  SmallVector<void *> packedArgs;
  for (void *&param : params)
    packedArgs.push_back(&param);
  packed(packedArgs.data());

  // Copy the results out, then free their buffers (a buffer returned twice
  // is freed once).
  std::vector<Tensor> results;
  llvm::SmallPtrSet<void *, 8> allocations;
  bool contiguous = true;
  const int64_t *desc = words.data();
  for (const TensorSignature &sig : outputTypes) {
    size_t rank = sig.shape.size();
    allocations.insert(reinterpret_cast<void *>(desc[0]));
    ArrayRef<int64_t> sizes(desc + 3, rank), strides(desc + 3 + rank, rank);
    Tensor &result = results.emplace_back(sig.dtype, sig.shape);
    SmallVector<int64_t> expected;
    appendDescriptor(expected, nullptr, sig.shape);
    contiguous &= sizes == ArrayRef(expected).slice(3, rank) &&
                  strides == ArrayRef(expected).slice(3 + rank, rank);
    if (contiguous && !result.bytes.empty())
      std::memcpy(result.bytes.data(),
                  reinterpret_cast<const uint8_t *>(desc[1]) +
                      desc[2] * dtypeSize(sig.dtype),
                  result.bytes.size());
    desc += 3 + 2 * rank;
  }
  for (void *allocation : allocations)
    std::free(allocation);
  if (!contiguous)
    return llvm::createStringError("'" + funcName +
                                   "' returned a non-contiguous result");
  return results;
}

} // namespace qopt
