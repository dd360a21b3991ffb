//===- Targets.h - The targets qoptc compiles for ---------------*- C++ -*-===//
//
// One table of named targets (triple, CPU, features) and the LLVM target
// machine that emits code for them.
//
//===----------------------------------------------------------------------===//

#ifndef QOPT_TARGET_TARGETS_H
#define QOPT_TARGET_TARGETS_H

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"
#include "llvm/Target/TargetMachine.h"

#include <memory>
#include <string>

namespace qopt {

/// A named target: what `--target=<name>` means.
struct TargetDesc {
  llvm::StringLiteral name;
  /// Empty for `host`: the triple, CPU and features of this machine.
  llvm::StringLiteral triple;
  llvm::StringLiteral cpu;
  /// LLVM subtarget features, e.g. "+avx512vnni".
  llvm::StringLiteral features;
  llvm::StringLiteral description;
};

/// Every named target, `host` first.
llvm::ArrayRef<TargetDesc> getTargets();

/// The target called `name`, or null.
const TargetDesc *lookupTarget(llvm::StringRef name);

/// The concrete triple, CPU and features code is emitted for.
struct TargetSpec {
  std::string triple, cpu, features;
};

/// `desc` resolved (the host's values for `host`), with `cpu` replacing its
/// CPU and `attrs` ("+a,-b") appended to its features when non-empty.
TargetSpec resolveTarget(const TargetDesc &desc, llvm::StringRef cpu,
                         llvm::StringRef attrs);

/// An O3, position-independent target machine for `spec` (X86 and AArch64
/// are initialized). Fails with LLVM's message for an unknown triple.
llvm::Expected<std::unique_ptr<llvm::TargetMachine>>
createTargetMachine(const TargetSpec &spec);

} // namespace qopt

#endif // QOPT_TARGET_TARGETS_H
