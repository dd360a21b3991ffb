#!/usr/bin/env bash
# The full test suite: installs, builds and runs every lit, unit and numeric
# test, then prints one summary line "N passed, N failed, N skipped".
#
# scripts/test.sh --sanitize: the same tools and passes built with ASan and
# UBSan (LLVM's LLVM_USE_SANITIZER) in build-sanitize/, and the lit and unit
# tests that cover every tool and pass (not the slow kernel sweeps, nor the
# Python tests, which load the tools' libraries into an uninstrumented
# interpreter); any sanitizer report fails the test it occurs in.
set -uo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
sanitize=0
[ "${1:-}" = --sanitize ] && sanitize=1
if [ "$sanitize" -eq 1 ]; then
  build=${QOPT_BUILD_DIR:-$root/build-sanitize}
  export QOPT_BUILD_DIR=$build
  export QOPT_CMAKE_ARGS="-DLLVM_USE_SANITIZER=Address;Undefined
-DLLVM_UBSAN_FLAGS=-fsanitize=undefined -fno-sanitize=vptr,function -fno-sanitize-recover=all"
  export ASAN_OPTIONS=detect_leaks=0:abort_on_error=0
  export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
else
  build=${QOPT_BUILD_DIR:-$root/build}
  # Every test, the slow ones too (`ninja -C build check-qopt` leaves them out).
  export QOPT_SLOW_TESTS=1
fi

"$root/scripts/build.sh" || { echo "qopt: build failed"; echo "0 passed, 1 failed"; exit 1; }

log=$(mktemp)
/usr/lib/llvm-22/bin/lit -sv --time-tests \
  "$build/test" "$build/unittests" 2>&1 | tee "$log"
status=${PIPESTATUS[0]}

# lit prints "  Passed: N", "  Failed: N", "  Unsupported: N", ...
count() { sed -nE "s/^ *$1 *: *([0-9]+).*/\1/p" "$log" | tail -1 | grep . || echo 0; }
passed=$(( $(count Passed) + $(count "Expectedly Failed") ))
failed=$(( $(count Failed) + $(count Unresolved) + $(count "Unexpectedly Passed") + $(count "Timed Out") ))
skipped=$(( $(count Unsupported) + $(count Excluded) + $(count Skipped) ))

# Python tests (python/tests) on the real models and data of scripts/fetch.sh;
# pytest's last line reads "N passed, N failed, N skipped, N errors in ...".
if [ "$sanitize" -eq 1 ]; then
  :
elif "$root/scripts/fetch.sh"; then
  /usr/bin/python3 -m pytest "$root/python/tests" -q -p no:cacheprovider 2>&1 | tee "$log"
  pytest_status=${PIPESTATUS[0]}
  pycount() { tail -1 "$log" | grep -oE "[0-9]+ $1" | grep -oE "^[0-9]+" || echo 0; }
  passed=$(( passed + $(pycount passed) + $(pycount xfailed) ))
  failed=$(( failed + $(pycount failed) + $(pycount "errors?") + $(pycount xpassed) ))
  skipped=$(( skipped + $(pycount skipped) ))
  # A run that failed without counting it (a crash, a collection error).
  if [ "$pytest_status" -ne 0 ] && [ "$(pycount failed)" -eq 0 ] \
     && [ "$(pycount "errors?")" -eq 0 ]; then
    failed=$((failed + 1))
  fi
else
  echo "qopt: scripts/fetch.sh failed"
  failed=$((failed + 1))
fi
rm -f "$log"
echo "qopt: $passed passed, $failed failed, $skipped skipped"
[ "$status" -eq 0 ] && [ "$failed" -eq 0 ]
