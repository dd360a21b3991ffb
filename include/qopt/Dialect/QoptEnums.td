//===- QoptEnums.td - The enum-like options of qopt ------*- tablegen -*-===//
//
// The values an enum-like quantization option takes, declared once: passes
// parse their string options (which keep their located diagnostics) with
// the generated symbolize functions and list the values with
// qopt::enumValues (qopt/Dialect/QoptEnums.h).
//
//===----------------------------------------------------------------------===//

#ifndef QOPT_DIALECT_QOPTENUMS_TD
#define QOPT_DIALECT_QOPTENUMS_TD

include "mlir/IR/EnumAttr.td"

def Qopt_ActRange : I32EnumAttr<"ActRange",
    "How an activation's range is set from its statistics", [
      I32EnumAttrCase<"MinMax", 0, "minmax">,
      I32EnumAttrCase<"Percentile", 1, "percentile">,
      I32EnumAttrCase<"Mse", 2, "mse">,
      I32EnumAttrCase<"Kl", 3, "kl">]> {
  let cppNamespace = "::qopt";
  let genSpecializedAttr = 0;
}

def Qopt_BiasCorrection : I32EnumAttr<"BiasCorrection",
    "How the bias absorbs the weights' rounding error", [
      I32EnumAttrCase<"None", 0, "none">,
      I32EnumAttrCase<"Analytic", 1, "analytic">,
      I32EnumAttrCase<"Empirical", 2, "empirical">]> {
  let cppNamespace = "::qopt";
  let genSpecializedAttr = 0;
}

def Qopt_Relu6Mode : I32EnumAttr<"Relu6Mode",
    "What cross-layer equalization does across a bounded ReLU", [
      I32EnumAttrCase<"Skip", 0, "skip">,
      I32EnumAttrCase<"Approximate", 1, "approximate">]> {
  let cppNamespace = "::qopt";
  let genSpecializedAttr = 0;
}

#endif // QOPT_DIALECT_QOPTENUMS_TD
