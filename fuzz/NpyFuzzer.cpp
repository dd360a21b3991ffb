//===- NpyFuzzer.cpp - libFuzzer target of the .npy reader ----------------===//
//
// Every byte string is either a tensor or an error: no crash, no undefined
// behaviour, no allocation beyond what the bytes describe.
//
//===----------------------------------------------------------------------===//

#include "qopt/Runtime/Npy.h"

#include <cstddef>
#include <cstdint>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  llvm::MemoryBufferRef buffer(
      llvm::StringRef(reinterpret_cast<const char *>(data), size), "fuzz.npy");
  llvm::Expected<qopt::Tensor> tensor = qopt::parseNpy(buffer);
  if (!tensor)
    llvm::consumeError(tensor.takeError());
  return 0;
}
