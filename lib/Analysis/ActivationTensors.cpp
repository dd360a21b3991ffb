//===- ActivationTensors.cpp - Canonical list of activations --------------===//

#include "qopt/Analysis/ActivationTensors.h"

#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/DialectResourceBlobManager.h"
#include "mlir/IR/OperationSupport.h"
#include "llvm/ADT/DenseSet.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/xxhash.h"

#include <limits>

using namespace mlir;

namespace qopt {

static bool isFloatTensor(Value v) {
  auto type = dyn_cast<RankedTensorType>(v.getType());
  return type && isa<FloatType>(type.getElementType());
}

SmallVector<Value> getActivationTensors(func::FuncOp func) {
  SmallVector<Value> result;
  llvm::DenseSet<Value> dependsOnInput;
  for (BlockArgument arg : func.getArguments()) {
    dependsOnInput.insert(arg);
    if (isFloatTensor(arg))
      result.push_back(arg);
  }
  func.walk([&](Operation *op) {
    if (op == func.getOperation())
      return;
    bool live = llvm::any_of(op->getOperands(), [&](Value operand) {
      return dependsOnInput.contains(operand);
    });
    if (!live)
      return;
    for (Value r : op->getResults()) {
      dependsOnInput.insert(r);
      if (isFloatTensor(r))
        result.push_back(r);
    }
  });
  return result;
}

llvm::DenseMap<Value, unsigned> getActivationTensorIds(func::FuncOp func) {
  llvm::DenseMap<Value, unsigned> ids;
  for (auto [i, v] : llvm::enumerate(getActivationTensors(func)))
    ids[v] = i;
  return ids;
}

std::string describeActivation(Value v) {
  if (Operation *op = v.getDefiningOp())
    return op->getName().getStringRef().str();
  return "arg";
}

std::string graphFingerprint(func::FuncOp func) {
  std::string text;
  llvm::raw_string_ostream os(text);
  // Every flag that the command line can change is set: the printed form
  // must not depend on --mlir-print-debuginfo and the like.
  func->print(os,
              OpPrintingFlags()
                  .printGenericOpForm()
                  .useLocalScope()
                  .enableDebugInfo(false)
                  .elideLargeElementsAttrs(std::numeric_limits<int64_t>::max())
                  .printLargeElementsAttrWithHex(100)
                  .skipRegions(false)
                  .printValueUsers(false)
                  .printUniqueSSAIDs(false)
                  .printNameLocAsPrefix(false));
  // Blob constants print as their handle only: add their bytes.
  func.walk([&](Operation *op) {
    for (NamedAttribute attr : op->getAttrs())
      if (auto resource = dyn_cast<DenseResourceElementsAttr>(attr.getValue()))
        if (AsmResourceBlob *blob = resource.getRawHandle().getBlob())
          os << StringRef(blob->getData().data(), blob->getData().size());
  });
  std::string hex;
  llvm::raw_string_ostream(hex)
      << llvm::format_hex_no_prefix(llvm::xxh3_64bits(text), 16);
  return hex;
}

func::FuncOp lookupEntryFunction(ModuleOp module, StringRef name) {
  if (!name.empty()) {
    auto func = module.lookupSymbol<func::FuncOp>(name);
    if (!func || func.isExternal()) {
      module.emitError() << "no function named '" << name << "' with a body";
      return nullptr;
    }
    return func;
  }
  func::FuncOp found;
  for (auto func : module.getOps<func::FuncOp>()) {
    if (func.isExternal() || func.isPrivate())
      continue;
    if (found) {
      module.emitError() << "several public functions ('" << found.getName()
                         << "', '" << func.getName()
                         << "'): name one with the 'entry' option";
      return nullptr;
    }
    found = func;
  }
  if (!found)
    module.emitError() << "the module has no public function with a body";
  return found;
}

} // namespace qopt
