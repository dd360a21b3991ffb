//===- OnnxImporter.cpp - ONNX model to float TOSA ------------------------===//
//
// Loading, static shapes, the graph walk and the layout helpers. The
// translation of each operator is in OnnxOps.cpp.
//
//===----------------------------------------------------------------------===//

#include "Importer.h"

#include "qopt/Utils/TosaBuilders.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/Verifier.h"
#include "onnx/defs/schema.h"
#include "onnx/shape_inference/implementation.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/WithColor.h"

#include <fstream>
#include <limits>
#include <set>

using namespace mlir;
using namespace llvm;

namespace qopt::onnx_import {

int64_t nhwcAxis(int64_t axis) {
  static const int64_t positions[4] = {0, 3, 1, 2};
  return positions[axis];
}

SmallVector<int64_t> toNhwcShape(ArrayRef<int64_t> shape) {
  return {shape[0], shape[2], shape[3], shape[1]};
}

const int64_t kToNhwc[4] = {0, 2, 3, 1};
static const int64_t kToNchw[4] = {0, 3, 1, 2};

static std::string shapeString(ArrayRef<int64_t> shape) {
  std::string s = "[";
  for (auto [i, d] : llvm::enumerate(shape))
    s += (i ? ", " : "") + (d < 0 ? std::string("?") : std::to_string(d));
  return s + "]";
}

Importer::Importer(MLIRContext &context, StringRef path,
                   const OnnxImportOptions &options)
    : b(&context), loc(UnknownLoc::get(&context)), context(context),
      path(path.str()), options(options) {}

//===----------------------------------------------------------------------===//
// Diagnostics and attributes
//===----------------------------------------------------------------------===//

LogicalResult Importer::failModel(const Twine &why) {
  emitError(UnknownLoc::get(&context)) << why.str();
  return failure();
}

LogicalResult Importer::fail(const Twine &why) {
  std::string name = node->name().empty() ? "#" + std::to_string(nodeIndex)
                                          : "'" + node->name() + "'";
  emitError(loc) << "node " << name << " (" << node->op_type()
                 << "): " << why.str();
  return failure();
}

const onnx::AttributeProto *Importer::attr(StringRef name) const {
  for (const onnx::AttributeProto &a : node->attribute())
    if (a.name() == name)
      return &a;
  return nullptr;
}

int64_t Importer::attrInt(StringRef name, int64_t dflt) const {
  const onnx::AttributeProto *a = attr(name);
  return a ? a->i() : dflt;
}

float Importer::attrFloat(StringRef name, float dflt) const {
  const onnx::AttributeProto *a = attr(name);
  return a ? a->f() : dflt;
}

std::string Importer::attrString(StringRef name, StringRef dflt) const {
  const onnx::AttributeProto *a = attr(name);
  return a ? a->s() : dflt.str();
}

std::optional<SmallVector<int64_t>> Importer::attrInts(StringRef name) const {
  const onnx::AttributeProto *a = attr(name);
  if (!a)
    return std::nullopt;
  return SmallVector<int64_t>(a->ints().begin(), a->ints().end());
}

LogicalResult Importer::checkAttrs(ArrayRef<StringRef> known) {
  for (const onnx::AttributeProto &a : node->attribute())
    if (!llvm::is_contained(known, a.name()))
      return fail("attribute '" + a.name() + "' is not supported");
  return success();
}

//===----------------------------------------------------------------------===//
// Operands and results
//===----------------------------------------------------------------------===//

int Importer::numInputs() const { return node->input_size(); }

Tensor *Importer::input(int i) {
  if (i >= node->input_size() || node->input(i).empty())
    return nullptr;
  auto it = tensors.find(node->input(i));
  return it == tensors.end() ? nullptr : &it->second;
}

FailureOr<const HostTensor *> Importer::hostInput(int i, StringRef what) {
  Tensor *t = input(i);
  if (!t)
    return fail(what + " (input " + Twine(i) + ") is missing");
  if (!t->host)
    return fail(what + " must be a constant known at import time");
  return &*t->host;
}

bool Importer::resultUsed(int i) const {
  if (i >= node->output_size() || node->output(i).empty())
    return false;
  auto it = useCounts.find(node->output(i));
  return it != useCounts.end() && it->second > 0;
}

LogicalResult Importer::setResult(int i, Tensor t) {
  const std::string &name = node->output(i);
  if (!t.host && numElements(t.shape) == 0)
    return fail("empty tensors are not supported");
  auto it = inferredShapes.find(name);
  if (it != inferredShapes.end() && it->second != t.shape)
    return fail("internal error: output '" + name + "' has shape " +
                shapeString(t.shape) + " but ONNX shape inference says " +
                shapeString(it->second));
  tensors[name] = std::move(t);
  return success();
}

FailureOr<int64_t> Importer::normAxis(int64_t axis, int64_t rank) {
  if (axis < -rank || axis >= rank)
    return fail("axis " + Twine(axis) + " is out of range for rank " +
                Twine(rank));
  return axis < 0 ? axis + rank : axis;
}

//===----------------------------------------------------------------------===//
// Builders and layouts
//===----------------------------------------------------------------------===//

RankedTensorType Importer::f32(ArrayRef<int64_t> shape) {
  return RankedTensorType::get(shape, b.getF32Type());
}

Value Importer::constant(const HostTensor &h) {
  return createF32Const(b, loc, h.shape, h.floats());
}

Value Importer::scalarLike(Value like, float value) {
  int64_t rank = cast<RankedTensorType>(like.getType()).getRank();
  return createF32Const(b, loc, SmallVector<int64_t>(rank, 1), {value});
}

Value Importer::zero() { return createZeroPoint(b, loc, b.getF32Type(), 0); }

Value Importer::shapeConst(ArrayRef<int64_t> values) {
  int64_t n = values.size();
  auto attr = DenseIntElementsAttr::get(
      RankedTensorType::get({n}, b.getIndexType()), values);
  return tosa::ConstShapeOp::create(b, loc, tosa::shapeType::get(&context, n),
                                    attr);
}

Value Importer::reshape(Value v, ArrayRef<int64_t> shape) {
  if (cast<RankedTensorType>(v.getType()).getShape() == shape)
    return v;
  return tosa::ReshapeOp::create(b, loc, f32(shape), v, shapeConst(shape));
}

Value Importer::transpose(Value v, ArrayRef<int64_t> perm) {
  ArrayRef<int64_t> in = cast<RankedTensorType>(v.getType()).getShape();
  SmallVector<int64_t> shape;
  SmallVector<int32_t> perms;
  for (int64_t p : perm) {
    shape.push_back(in[p]);
    perms.push_back(p);
  }
  return tosa::TransposeOp::create(b, loc, f32(shape), v, perms);
}

Value Importer::permute(Value v, ArrayRef<int64_t> perm) {
  ArrayRef<int64_t> in = cast<RankedTensorType>(v.getType()).getShape();
  // The data order is unchanged when the non-unit dimensions keep their order.
  int64_t last = -1;
  bool sameOrder = true;
  SmallVector<int64_t> shape;
  for (int64_t p : perm) {
    shape.push_back(in[p]);
    if (in[p] == 1)
      continue;
    sameOrder &= p > last;
    last = p;
  }
  if (llvm::equal(perm, llvm::seq<int64_t>(0, perm.size())))
    return v;
  return sameOrder ? reshape(v, shape) : transpose(v, perm);
}

Value Importer::slice(Value v, ArrayRef<int64_t> start,
                      ArrayRef<int64_t> size) {
  if (cast<RankedTensorType>(v.getType()).getShape() == size)
    return v;
  return tosa::SliceOp::create(b, loc, f32(size), v, shapeConst(start),
                               shapeConst(size));
}

Value Importer::clamp(Value v, float lo, float hi) {
  return tosa::ClampOp::create(b, loc, v.getType(), v, b.getF32FloatAttr(lo),
                               b.getF32FloatAttr(hi));
}

RankedTensorType Importer::broadcastType(Value a, Value c) {
  SmallVector<int64_t> shape;
  broadcastShapes(cast<RankedTensorType>(a.getType()).getShape(),
                  cast<RankedTensorType>(c.getType()).getShape(), shape);
  return f32(shape);
}

Value Importer::mul(Value a, Value c) {
  Value shift = createIntConst(b, loc, {1}, b.getI8Type(), {0});
  return tosa::MulOp::create(b, loc, broadcastType(a, c), a, c, shift);
}

Value Importer::plain(Tensor &t) {
  if (t.plainCache)
    return t.plainCache;
  if (t.host)
    t.plainCache = constant(*t.host);
  else if (!t.nhwc)
    t.plainCache = t.value;
  else
    t.plainCache = permute(t.value, kToNchw);
  return t.plainCache;
}

Value Importer::nhwc(Tensor &t) {
  if (t.nhwcCache)
    return t.nhwcCache;
  if (t.host)
    t.nhwcCache = constant(t.host->transposed(kToNhwc));
  else if (t.nhwc)
    t.nhwcCache = t.value;
  else
    t.nhwcCache = permute(t.value, kToNhwc);
  return t.nhwcCache;
}

Value Importer::operand(Tensor &t, int64_t rank, bool asNhwc) {
  SmallVector<int64_t> padded(rank - t.rank(), 1);
  padded.append(t.shape);
  if (t.host) {
    HostTensor h = t.host->reshaped(padded);
    return constant(asNhwc ? h.transposed(kToNhwc) : h);
  }
  if (asNhwc && t.rank() == 4)
    return nhwc(t);
  Value v = reshape(plain(t), padded);
  return asNhwc ? permute(v, kToNhwc) : v;
}

//===----------------------------------------------------------------------===//
// Model loading and static shapes
//===----------------------------------------------------------------------===//

LogicalResult Importer::loadModel() {
  std::ifstream in(path, std::ios::binary);
  if (!in)
    return failModel("cannot open the file");
  if (!model.ParseFromIstream(&in))
    return failModel("not an ONNX model (protobuf parse error)");
  // Protobuf accepts many byte strings; a model has an IR version and a graph.
  if (model.ir_version() <= 0 || !model.has_graph() ||
      model.graph().node_size() == 0)
    return failModel("not an ONNX model (no IR version or no graph)");
  for (const onnx::OperatorSetIdProto &id : model.opset_import())
    if (id.domain().empty() || id.domain() == "ai.onnx")
      opset = id.version();
  if (opset < 7 || opset > 17)
    return failModel("the model uses ONNX opset " + Twine(opset) +
                     "; supported opsets are 7 to 17");
  return success();
}

/// The ONNX shape of a value_info, with -1 for unknown dimensions; nullopt
/// when it is not a tensor with a shape.
static std::optional<SmallVector<int64_t>>
shapeOf(const onnx::ValueInfoProto &info) {
  if (!info.type().has_tensor_type() || !info.type().tensor_type().has_shape())
    return std::nullopt;
  SmallVector<int64_t> shape;
  for (const auto &dim : info.type().tensor_type().shape().dim())
    shape.push_back(dim.has_dim_value() ? dim.dim_value() : -1);
  return shape;
}

LogicalResult Importer::makeInputsStatic() {
  onnx::GraphProto &graph = *model.mutable_graph();
  std::set<std::string> initializers;
  for (const onnx::TensorProto &t : graph.initializer())
    initializers.insert(t.name());
  std::set<std::string> inputs;
  for (const onnx::ValueInfoProto &info : graph.input())
    if (!initializers.count(info.name()))
      inputs.insert(info.name());
  for (const auto &entry : options.inputShapes)
    if (!inputs.count(entry.first))
      return failModel("--input-shape names '" + entry.first +
                       "', which is not an input of the model");
  for (onnx::ValueInfoProto &info : *graph.mutable_input()) {
    if (initializers.count(info.name()))
      continue;
    if (!info.type().has_tensor_type())
      return failModel("input '" + info.name() +
                       "' is not a tensor; only tensor inputs are supported");
    auto it = options.inputShapes.find(info.name());
    std::optional<SmallVector<int64_t>> shape = shapeOf(info);
    if (it != options.inputShapes.end()) {
      if (shape && shape->size() != it->second.size())
        return failModel("--input-shape " + info.name() + " gives " +
                         Twine(it->second.size()) +
                         " dimensions but the input has rank " +
                         Twine(shape->size()));
      auto *dims = info.mutable_type()->mutable_tensor_type()->mutable_shape();
      dims->clear_dim();
      for (int64_t d : it->second)
        dims->add_dim()->set_dim_value(d);
      continue;
    }
    if (!shape || llvm::is_contained(*shape, -1)) {
      std::string example;
      for (auto [i, d] :
           llvm::enumerate(shape.value_or(SmallVector<int64_t>{})))
        example += (i ? "," : "") + std::to_string(d < 0 ? 1 : d);
      return failModel(
          "input '" + info.name() + "' has a dynamic shape " +
          (shape ? shapeString(*shape) : std::string("(unknown rank)")) +
          "; pass --input-shape " + info.name() + "=" +
          (example.empty() ? std::string("<dims>") : example) +
          " (with the dimensions to compile for)");
    }
  }

  // Re-infer every intermediate shape from the static inputs: shapes stored
  // in the file may carry symbolic or stale dimensions.
  graph.clear_value_info();
  for (onnx::ValueInfoProto &info : *graph.mutable_output())
    if (info.type().has_tensor_type())
      info.mutable_type()->mutable_tensor_type()->clear_shape();
  try {
    onnx::ShapeInferenceOptions inferOptions(/*check_type=*/false,
                                             /*strict_mode=*/0,
                                             /*data_prop=*/true);
    onnx::shape_inference::InferShapes(
        model, onnx::OpSchemaRegistry::Instance(), inferOptions);
  } catch (const std::exception &e) {
    return failModel("ONNX shape inference failed: " + Twine(e.what()));
  }
  auto record = [&](const onnx::ValueInfoProto &info) {
    std::optional<SmallVector<int64_t>> shape = shapeOf(info);
    if (shape && !llvm::is_contained(*shape, -1))
      inferredShapes[info.name()] = *shape;
  };
  for (const onnx::ValueInfoProto &info : graph.value_info())
    record(info);
  for (const onnx::ValueInfoProto &info : graph.output())
    record(info);
  return success();
}

//===----------------------------------------------------------------------===//
// The graph
//===----------------------------------------------------------------------===//

LogicalResult Importer::translateNode() {
  if (!node->domain().empty() && node->domain() != "ai.onnx")
    return fail("operators of domain '" + node->domain() +
                "' are not supported");
  for (int i = 0; i < node->input_size(); ++i)
    if (!node->input(i).empty() && !tensors.count(node->input(i)))
      return fail("input '" + node->input(i) + "' is not defined before use");
  // The translations read required inputs and write required outputs
  // unchecked; the operator's schema at the model's opset says which (or its
  // newest one: exporters date some models below an operator they use).
  const onnx::OpSchema *schema =
      onnx::OpSchemaRegistry::Schema(node->op_type(), opset, "");
  if (!schema)
    schema = onnx::OpSchemaRegistry::Schema(node->op_type(), "");
  if (!schema)
    return fail("not an ONNX operator");
  auto checkArity = [&](StringRef what, int count, int min, int max,
                        const auto &formals, auto name) -> LogicalResult {
    if (count < min || count > max)
      return fail(Twine(count) + " " + what + (count == 1 ? "" : "s") +
                  " given; the operator takes " +
                  (max == std::numeric_limits<int>::max()
                       ? "at least " + std::to_string(min)
                       : std::to_string(min) +
                             (min == max ? "" : " to " + std::to_string(max))));
    for (int i = 0, e = std::min<int>(count, formals.size()); i < e; ++i)
      if (formals[i].GetOption() == onnx::OpSchema::Single && name(i).empty())
        return fail("required " + what + " " + Twine(i) + " ('" +
                    formals[i].GetName() + "') has no name");
    return success();
  };
  if (failed(checkArity("input", node->input_size(), schema->min_input(),
                        schema->max_input(), schema->inputs(),
                        [&](int i) { return node->input(i); })) ||
      failed(checkArity("output", node->output_size(), schema->min_output(),
                        schema->max_output(), schema->outputs(),
                        [&](int i) { return node->output(i); })))
    return failure();
  return translateOp(*this, node->op_type());
}

LogicalResult Importer::importGraph(ModuleOp module) {
  const onnx::GraphProto &graph = model.graph();
  for (const onnx::TensorProto &proto : graph.initializer()) {
    Expected<HostTensor> h = HostTensor::fromProto(proto);
    if (!h)
      return failModel("initializer: " + toString(h.takeError()));
    tensors[proto.name()] = Tensor::ofHost(std::move(*h));
  }
  for (const onnx::NodeProto &n : graph.node())
    for (const std::string &name : n.input())
      ++useCounts[name];
  for (const onnx::ValueInfoProto &info : graph.output())
    ++useCounts[info.name()];

  // Arguments: the graph inputs that are not initializers.
  SmallVector<Type> argTypes;
  SmallVector<std::pair<std::string, SmallVector<int64_t>>> args;
  for (const onnx::ValueInfoProto &info : graph.input()) {
    if (tensors.count(info.name()))
      continue;
    int elemType = info.type().tensor_type().elem_type();
    if (elemType != onnx::TensorProto::FLOAT)
      return failModel("input '" + info.name() + "' has element type " +
                       onnx::TensorProto::DataType_Name(
                           static_cast<onnx::TensorProto::DataType>(elemType)) +
                       "; only FLOAT inputs are supported");
    SmallVector<int64_t> shape = *shapeOf(info);
    bool argNhwc = options.nhwcIO && shape.size() == 4;
    argTypes.push_back(f32(argNhwc ? toNhwcShape(shape) : shape));
    args.push_back({info.name(), shape});
  }

  b.setInsertionPointToEnd(module.getBody());
  auto func = func::FuncOp::create(b, UnknownLoc::get(&context), "main",
                                   b.getFunctionType(argTypes, {}));
  Block *body = func.addEntryBlock();
  for (auto [i, arg] : llvm::enumerate(args)) {
    body->getArgument(i).setLoc(NameLoc::get(b.getStringAttr(arg.first)));
    tensors[arg.first] =
        Tensor::ofValue(body->getArgument(i), arg.second,
                        options.nhwcIO && arg.second.size() == 4);
  }
  b.setInsertionPointToEnd(body);

  for (auto [i, n] : llvm::enumerate(graph.node())) {
    node = &n;
    nodeIndex = i;
    std::string name =
        n.name().empty() ? n.op_type() + "_" + std::to_string(i) : n.name();
    loc = NameLoc::get(b.getStringAttr(name));
    if (failed(translateNode()))
      return failure();
    for (int r = 0; r < n.output_size(); ++r)
      if (!n.output(r).empty() && !tensors.count(n.output(r)) && resultUsed(r))
        return fail("output " + Twine(r) + " is not supported");
  }

  SmallVector<Value> results;
  for (const onnx::ValueInfoProto &info : graph.output()) {
    auto it = tensors.find(info.name());
    if (it == tensors.end())
      return failModel("graph output '" + info.name() + "' is not computed");
    Tensor &t = it->second;
    loc = NameLoc::get(b.getStringAttr(info.name()));
    results.push_back(options.nhwcIO && t.rank() == 4 ? nhwc(t) : plain(t));
  }
  func::ReturnOp::create(b, UnknownLoc::get(&context), results);
  func.setFunctionType(
      b.getFunctionType(argTypes, ValueRange(results).getTypes()));
  return success();
}

OwningOpRef<ModuleOp> Importer::run() {
  context.getOrLoadDialect<func::FuncDialect>();
  context.getOrLoadDialect<tosa::TosaDialect>();
  if (failed(loadModel()) || failed(makeInputsStatic()))
    return nullptr;
  OwningOpRef<ModuleOp> module = ModuleOp::create(UnknownLoc::get(&context));
  if (failed(importGraph(*module)) || failed(verify(*module)))
    return nullptr;
  return module;
}

} // namespace qopt::onnx_import

OwningOpRef<ModuleOp> qopt::importOnnxModel(MLIRContext &context,
                                            StringRef path,
                                            const OnnxImportOptions &options) {
  return onnx_import::Importer(context, path, options).run();
}

qopt::OnnxDiagnosticHandler::OnnxDiagnosticHandler(MLIRContext &context,
                                                   StringRef tool,
                                                   StringRef path)
    : ScopedDiagnosticHandler(
          &context, [tool = tool.str(), path = path.str()](Diagnostic &diag) {
            std::string where;
            if (auto name = dyn_cast<NameLoc>(diag.getLocation()))
              if (!StringRef(diag.str()).starts_with("node "))
                where = "node '" + name.getName().str() + "': ";
            auto &os = diag.getSeverity() == DiagnosticSeverity::Error
                           ? llvm::WithColor::error(llvm::errs(), tool)
                           : llvm::WithColor::note(llvm::errs(), tool);
            os << path << ": " << where << diag.str() << "\n";
            return success();
          }) {}

bool qopt::parseInputShape(StringRef spec, OnnxImportOptions &options) {
  auto [name, dims] = spec.split('=');
  if (name.empty() || dims.empty())
    return false;
  SmallVector<StringRef> parts;
  dims.split(parts, ',');
  std::vector<int64_t> shape;
  for (StringRef part : parts) {
    int64_t d;
    if (part.trim().getAsInteger(10, d) || d <= 0)
      return false;
    shape.push_back(d);
  }
  options.inputShapes[name.str()] = std::move(shape);
  return true;
}
