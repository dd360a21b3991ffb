//===- QoptEnums.h - The enum-like options of qopt --------------*- C++ -*-===//

#ifndef QOPT_DIALECT_QOPTENUMS_H
#define QOPT_DIALECT_QOPTENUMS_H

#include "llvm/ADT/StringRef.h"

#include <optional>
#include <string>

#include "qopt/Dialect/QoptEnums.h.inc"

namespace qopt {

/// "a, b or c": the spellings of every value of `E`, whose largest value is
/// `max` (the generated getMaxEnumValFor<E>()), for diagnostics.
template <typename E> std::string enumValues(unsigned max) {
  std::string text;
  for (unsigned i = 0; i <= max; ++i) {
    if (i)
      text += i == max ? " or " : ", ";
    text += stringifyEnum(static_cast<E>(i)).str();
  }
  return text;
}

} // namespace qopt

#endif // QOPT_DIALECT_QOPTENUMS_H
