//===- Isa.cpp - Instruction sets of the generated kernels ----------------===//

#include "qopt/Codegen/Isa.h"

#include "llvm/ADT/StringMap.h"
#include "llvm/ADT/StringSwitch.h"
#include "llvm/MC/MCSubtargetInfo.h"
#include "llvm/Target/TargetMachine.h"
#include "llvm/TargetParser/Host.h"
#include "llvm/TargetParser/Triple.h"

using namespace llvm;

namespace qopt {

std::optional<KernelIsa> parseKernelIsa(StringRef name) {
  return StringSwitch<std::optional<KernelIsa>>(name)
      .Case("generic", KernelIsa::Generic)
      .Case("avx2", KernelIsa::Avx2)
      .Case("avx512", KernelIsa::Avx512)
      .Case("avx-vnni", KernelIsa::AvxVnni)
      .Case("avx512-vnni", KernelIsa::Avx512Vnni)
      .Case("neon", KernelIsa::Neon)
      .Case("dotprod", KernelIsa::Dotprod)
      .Case("i8mm", KernelIsa::I8mm)
      .Default(std::nullopt);
}

StringRef stringifyKernelIsa(KernelIsa isa) {
  switch (isa) {
  case KernelIsa::Generic:
    return "generic";
  case KernelIsa::Avx2:
    return "avx2";
  case KernelIsa::Avx512:
    return "avx512";
  case KernelIsa::AvxVnni:
    return "avx-vnni";
  case KernelIsa::Avx512Vnni:
    return "avx512-vnni";
  case KernelIsa::Neon:
    return "neon";
  case KernelIsa::Dotprod:
    return "dotprod";
  case KernelIsa::I8mm:
    return "i8mm";
  }
  llvm_unreachable("unknown kernel ISA");
}

KernelIsa selectKernelIsa(StringRef arch,
                          function_ref<bool(StringRef feature)> has) {
  Triple::ArchType type = Triple(arch, "unknown", "linux").getArch();
  if (type == Triple::x86_64) {
    // AVX-512 kernels use byte/word ops (BW) and 256-bit ones in between.
    bool avx512 = has("avx512f") && has("avx512bw") && has("avx512vl");
    if (avx512 && has("avx512vnni"))
      return KernelIsa::Avx512Vnni;
    if (has("avxvnni"))
      return KernelIsa::AvxVnni;
    if (avx512)
      return KernelIsa::Avx512;
    if (has("avx2") && has("fma"))
      return KernelIsa::Avx2;
    return KernelIsa::Generic;
  }
  if (type == Triple::aarch64) {
    if (has("i8mm") && has("dotprod"))
      return KernelIsa::I8mm;
    if (has("dotprod"))
      return KernelIsa::Dotprod;
    if (has("neon"))
      return KernelIsa::Neon;
  }
  return KernelIsa::Generic;
}

/// `select(arch, has)` for a target machine's features.
template <typename Select>
static auto forMachine(const TargetMachine &machine, Select select) {
  const MCSubtargetInfo *info = machine.getMCSubtargetInfo();
  return select(machine.getTargetTriple().getArchName(),
                [&](StringRef feature) {
                  return info->checkFeatures(("+" + feature).str());
                });
}

/// `select(arch, has)` for the features of the machine this runs on.
template <typename Select> static auto forHost(Select select) {
  StringMap<bool> features = sys::getHostCPUFeatures();
  return select(Triple(sys::getProcessTriple()).getArchName(),
                [&](StringRef feature) {
                  auto it = features.find(feature);
                  return it != features.end() && it->second;
                });
}

KernelIsa selectKernelIsa(const TargetMachine &machine) {
  return forMachine(machine, [](StringRef arch, auto has) {
    return selectKernelIsa(arch, has);
  });
}

KernelIsa hostKernelIsa() {
  return forHost(
      [](StringRef arch, auto has) { return selectKernelIsa(arch, has); });
}

std::optional<KernelIsa> resolveKernelIsa(StringRef option) {
  if (option == "host")
    return hostKernelIsa();
  return parseKernelIsa(option);
}

std::optional<TableIsa> parseTableIsa(StringRef name) {
  return StringSwitch<std::optional<TableIsa>>(name)
      .Case("gather", TableIsa::Gather)
      .Case("vpermi2b", TableIsa::Vpermi2b)
      .Case("tbl", TableIsa::Tbl)
      .Default(std::nullopt);
}

StringRef stringifyTableIsa(TableIsa isa) {
  switch (isa) {
  case TableIsa::Gather:
    return "gather";
  case TableIsa::Vpermi2b:
    return "vpermi2b";
  case TableIsa::Tbl:
    return "tbl";
  }
  llvm_unreachable("unknown table ISA");
}

TableIsa selectTableIsa(StringRef arch,
                        function_ref<bool(StringRef feature)> has) {
  Triple::ArchType type = Triple(arch, "unknown", "linux").getArch();
  if (type == Triple::x86_64 && has("avx512f") && has("avx512bw") &&
      has("avx512vbmi"))
    return TableIsa::Vpermi2b;
  if (type == Triple::aarch64 && has("neon"))
    return TableIsa::Tbl;
  return TableIsa::Gather;
}

TableIsa selectTableIsa(const TargetMachine &machine) {
  return forMachine(machine, [](StringRef arch, auto has) {
    return selectTableIsa(arch, has);
  });
}

TableIsa hostTableIsa() {
  return forHost(
      [](StringRef arch, auto has) { return selectTableIsa(arch, has); });
}

} // namespace qopt
