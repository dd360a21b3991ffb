//===- Targets.cpp - The targets qoptc compiles for -----------------------===//

#include "qopt/Target/Targets.h"

#include "llvm/ADT/StringMap.h"
#include "llvm/MC/TargetRegistry.h"
#include "llvm/Support/TargetSelect.h"
#include "llvm/TargetParser/Host.h"
#include "llvm/TargetParser/SubtargetFeature.h"

using namespace llvm;

namespace qopt {

// x86-64 levels follow the psABI micro-architecture levels (v2 = SSE4.2,
// v3 = AVX2/FMA, v4 = AVX-512 F/BW/CD/DQ/VL); VNNI is added on top of v4.
// The AArch64 baseline is Armv8-A with NEON; dotprod and i8mm are the
// extensions that bring sdot and smmla.
static const TargetDesc targets[] = {
    {"host", "", "", "", "this machine (its CPU and all its features)"},
    {"x86-64", "x86_64-unknown-linux-gnu", "x86-64-v2", "",
     "x86-64 with SSE4.2"},
    {"x86-64-avx2", "x86_64-unknown-linux-gnu", "x86-64-v3", "",
     "x86-64 with AVX2 and FMA"},
    {"x86-64-avx512", "x86_64-unknown-linux-gnu", "x86-64-v4", "",
     "x86-64 with AVX-512 (F, BW, CD, DQ, VL)"},
    {"x86-64-avx512-vnni", "x86_64-unknown-linux-gnu", "x86-64-v4",
     "+avx512vnni", "x86-64 with AVX-512 and VNNI (vpdpbusd)"},
    {"aarch64", "aarch64-unknown-linux-gnu", "generic", "+neon",
     "Armv8-A with NEON"},
    {"aarch64-dotprod", "aarch64-unknown-linux-gnu", "generic",
     "+neon,+dotprod", "Armv8-A with NEON and the dot product (sdot)"},
    {"aarch64-i8mm", "aarch64-unknown-linux-gnu", "generic",
     "+neon,+dotprod,+i8mm", "Armv8-A with NEON, dotprod and i8mm (smmla)"},
};

ArrayRef<TargetDesc> getTargets() { return targets; }

const TargetDesc *lookupTarget(StringRef name) {
  for (const TargetDesc &desc : targets)
    if (desc.name == name)
      return &desc;
  return nullptr;
}

TargetSpec resolveTarget(const TargetDesc &desc, StringRef cpu,
                         StringRef attrs) {
  TargetSpec spec{desc.triple.str(), desc.cpu.str(), desc.features.str()};
  if (desc.triple.empty()) {
    spec.triple = sys::getDefaultTargetTriple();
    spec.cpu = sys::getHostCPUName().str();
    SubtargetFeatures features;
    for (const StringMapEntry<bool> &feature : sys::getHostCPUFeatures())
      features.AddFeature(feature.first(), feature.second);
    spec.features = features.getString();
  }
  if (!cpu.empty())
    spec.cpu = cpu.str();
  if (!attrs.empty())
    spec.features = spec.features.empty() ? attrs.str()
                                          : (spec.features + "," + attrs).str();
  return spec;
}

Expected<std::unique_ptr<TargetMachine>>
createTargetMachine(const TargetSpec &spec) {
  LLVMInitializeX86TargetInfo();
  LLVMInitializeX86Target();
  LLVMInitializeX86TargetMC();
  LLVMInitializeX86AsmPrinter();
  LLVMInitializeAArch64TargetInfo();
  LLVMInitializeAArch64Target();
  LLVMInitializeAArch64TargetMC();
  LLVMInitializeAArch64AsmPrinter();

  Triple triple(spec.triple);
  std::string error;
  const Target *target = TargetRegistry::lookupTarget(triple, error);
  if (!target)
    return createStringError(error);
  TargetOptions options;
  std::unique_ptr<TargetMachine> machine(target->createTargetMachine(
      triple, spec.cpu, spec.features, options, Reloc::PIC_, std::nullopt,
      CodeGenOptLevel::Aggressive));
  if (!machine)
    return createStringError("cannot create a target machine for '" +
                             spec.triple + "'");
  return machine;
}

} // namespace qopt
