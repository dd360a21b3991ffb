//===- Manifest.cpp - The interface of a model, for programs -------------===//
//
// What the C header tells a C compiler, as JSON for programs (the Python
// package, build scripts): the run function, every argument and result
// (shape, element type, quantization), the sizes. `qopt-run --signature`
// prints the same tensor entries for an uncompiled function.
//
//===----------------------------------------------------------------------===//

#include "qopt/Target/Compile.h"

#include "qopt/Dialect/QoptDialect.h"

#include "mlir/Dialect/Quant/IR/QuantTypes.h"

using namespace mlir;

namespace qopt {

static bool isSupportedElementType(Type type) {
  if (type.isF32() || type.isF64())
    return true;
  auto integer = dyn_cast<IntegerType>(type);
  if (!integer)
    return false;
  if (integer.isUnsigned())
    return integer.getWidth() == 8;
  return llvm::is_contained({8u, 16u, 32u, 64u}, integer.getWidth());
}

static FailureOr<TensorInterface> getInterface(func::FuncOp func, Type type,
                                               DictionaryAttr attrs,
                                               StringRef what, unsigned index) {
  auto tensor = dyn_cast<RankedTensorType>(type);
  // A quantized element (an integer argument of a QDQ graph) is passed as
  // its storage type.
  auto quantized = tensor
                       ? dyn_cast<quant::QuantizedType>(tensor.getElementType())
                       : quant::QuantizedType();
  if (quantized)
    tensor = tensor.clone(quantized.getStorageType());
  if (!tensor || !tensor.hasStaticShape() ||
      !isSupportedElementType(tensor.getElementType()))
    return emitError(func.getLoc())
           << what << " #" << index << " of '" << func.getName()
           << "' has type " << type
           << ": compiled models take and return statically shaped tensors "
              "of f32, f64, i8, ui8, i16, i32 or i64";
  TensorInterface result{tensor, std::nullopt, 0};
  if (auto uniform = dyn_cast_or_null<quant::UniformQuantizedType>(
          quantized ? quantized : getInterfaceQuant(attrs))) {
    result.scale = uniform.getScale();
    result.zeroPoint = uniform.getZeroPoint();
  }
  return result;
}

LogicalResult describeInterface(func::FuncOp func,
                                std::vector<TensorInterface> &inputs,
                                std::vector<TensorInterface> &outputs) {
  for (auto [i, type] : llvm::enumerate(func.getArgumentTypes())) {
    auto interface =
        getInterface(func, type, func.getArgAttrDict(i), "argument", i);
    if (failed(interface))
      return failure();
    inputs.push_back(*interface);
  }
  for (auto [i, type] : llvm::enumerate(func.getResultTypes())) {
    auto interface =
        getInterface(func, type, func.getResultAttrDict(i), "result", i);
    if (failed(interface))
      return failure();
    outputs.push_back(*interface);
  }
  return success();
}

static void writeTensorJson(llvm::json::OStream &json,
                            const TensorInterface &t) {
  json.object([&] {
    std::string dtype;
    llvm::raw_string_ostream(dtype) << t.type.getElementType();
    json.attribute("dtype", dtype);
    json.attributeArray("shape", [&] {
      for (int64_t d : t.type.getShape())
        json.value(d);
    });
    json.attribute("bytes", t.bytes());
    if (t.scale) {
      json.attribute("scale", *t.scale);
      json.attribute("zero_point", t.zeroPoint);
    }
  });
}

void writeInterfaceJson(llvm::json::OStream &json,
                        ArrayRef<TensorInterface> inputs,
                        ArrayRef<TensorInterface> outputs) {
  for (auto [key, tensors] :
       {std::make_pair("inputs", inputs), std::make_pair("outputs", outputs)})
    json.attributeArray(key, [&json, tensors = tensors] {
      for (const TensorInterface &t : tensors)
        writeTensorJson(json, t);
    });
}

void writeManifest(const ModelSummary &model, const CompileOptions &options,
                   llvm::raw_ostream &os) {
  llvm::json::OStream json(os, /*IndentSize=*/2);
  json.object([&] {
    json.attribute("format", "qopt-model");
    json.attribute("version", 1);
    json.attribute("name", model.name);
    json.attribute("entry", model.entry);
    json.attribute("run", model.name + "_run");
    json.attribute("target", options.targetName);
    json.attribute("object", model.name + ".o");
    json.attribute("header", model.name + ".h");
    if (options.shared)
      json.attribute("shared_library", "lib" + model.name + ".so");
    json.attribute("weight_bytes", model.weightBytes);
    json.attribute("constant_bytes", model.constantBytes);
    json.attribute("arena_size", model.arenaBytes);
    json.attribute("arena_align", model.arenaAlignment);
    writeInterfaceJson(json, model.inputs, model.outputs);
  });
  os << "\n";
}

} // namespace qopt
