//===- StatisticsFuzzer.cpp - libFuzzer target of the statistics reader ---===//
//
// Every byte string is either checked statistics or an error.
//
//===----------------------------------------------------------------------===//

#include "qopt/Calibration/Statistics.h"

#include <cstddef>
#include <cstdint>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  llvm::MemoryBufferRef buffer(
      llvm::StringRef(reinterpret_cast<const char *>(data), size),
      "fuzz.stats");
  llvm::Expected<qopt::CalibrationStatistics> stats =
      qopt::parseStatistics(buffer);
  if (!stats)
    llvm::consumeError(stats.takeError());
  return 0;
}
