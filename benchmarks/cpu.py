"""This machine's CPU for the benchmarks: its name and flags, the ISA qopt's
kernels use on it, and its multiply-accumulate peaks measured by peak.c."""

import os
import platform
import shutil
import subprocess

HERE = os.path.dirname(os.path.abspath(__file__))


def cpuinfo():
    """The first processor's fields of /proc/cpuinfo ({} elsewhere)."""
    try:
        with open("/proc/cpuinfo") as f:
            block = f.read().split("\n\n")[0]
    except OSError:
        return {}
    return {k.strip(): v.strip() for k, v in
            (line.split(":", 1) for line in block.splitlines() if ":" in line)}


def flags():
    info = cpuinfo()
    return set((info.get("flags") or info.get("Features") or "").split())


def kernel_isa():
    """The ISA qopt's conv/matmul kernels select for the host, by the rules
    of selectKernelIsa (lib/Codegen/Isa.cpp) on /proc/cpuinfo's flags."""
    f = flags()
    if platform.machine() == "x86_64":
        avx512 = {"avx512f", "avx512bw", "avx512vl"} <= f
        if avx512 and "avx512_vnni" in f:
            return "avx512-vnni"
        if "avx_vnni" in f:
            return "avx-vnni"
        if avx512:
            return "avx512"
        if {"avx2", "fma"} <= f:
            return "avx2"
        return "generic"
    if platform.machine() == "aarch64":
        if {"i8mm", "asimddp"} <= f:
            return "i8mm"
        if "asimddp" in f:
            return "dotprod"
        return "neon"
    return "generic"


def description():
    """'AMD EPYC (family 25, model 1; AVX2 FMA ...)': the CPU model and the
    vector extensions the kernels care about."""
    info = cpuinfo()
    name = info.get("model name") or platform.processor() or platform.machine()
    wanted = ["avx2", "fma", "avx512f", "avx512bw", "avx512vl", "avx512_vnni",
              "avx_vnni", "asimd", "asimddp", "i8mm"]
    have = [x for x in wanted if x in flags()]
    family = (f"family {info['cpu family']}, model {info.get('model')}; "
              if "cpu family" in info else "")
    return f"{name} ({family}{' '.join(have) or 'no vector extensions listed'})"


def _compiler():
    return shutil.which("clang-22") or shutil.which("clang") or "cc"


def measure_peaks(work, milliseconds=50):
    """Runs peak.c (built with clang-22 -O2 -march=native) and returns
    {instruction: (kind, MACs per instruction, GMAC/s)}; kind is u8s8, s16,
    s8 or fp32 (see peak.c)."""
    exe = os.path.join(work, "peak")
    subprocess.run([_compiler(), "-O2", "-march=native",
                    os.path.join(HERE, "peak.c"), "-o", exe], check=True)
    out = subprocess.run([exe, str(milliseconds)], check=True,
                         capture_output=True, text=True).stdout
    peaks = {}
    for line in out.splitlines():
        kind, name, macs, gmacs = line.split()
        peaks[name] = (kind, int(macs), float(gmacs))
    return peaks


def best(peaks, kinds):
    """(instruction, GMAC/s) of the fastest measured instruction of `kinds`,
    or (None, None)."""
    found = [(g, name) for name, (kind, _, g) in peaks.items() if kind in kinds]
    if not found:
        return None, None
    g, name = max(found)
    return name, g


def qopt_int_peak(peaks, isa, weight_bits):
    """(instruction, GMAC/s): the peak of the instruction qopt's integer
    conv/matmul kernels use for `isa` at `weight_bits` (8, or fewer: 4-bit
    containers and below): vpdpbusd on VNNI; without VNNI, vpmaddubsw +
    vpmaddwd for weights of at most 4 bits and vpmaddwd on i16 for 8-bit
    ones (selectConfig in lib/Codegen/LowerToKernels.cpp); sdot / smmla on
    AArch64."""
    width = "zmm" if isa.startswith("avx512") else "ymm"
    if isa in ("avx512-vnni", "avx-vnni"):
        name = f"vpdpbusd-{width}"
    elif isa in ("avx512", "avx2"):
        name = (f"vpmaddwd-{width}" if weight_bits == 8
                else f"vpmaddubsw+vpmaddwd-{width}")
    elif isa in ("dotprod", "i8mm"):
        name = "sdot" if isa == "dotprod" else "smmla"
    else:
        return None, None
    return (name, peaks[name][2]) if name in peaks else (None, None)


def fp32_peak(peaks):
    return best(peaks, {"fp32"})


def peaks_text(peaks):
    """'vpmaddubsw+vpmaddwd-ymm (u8s8, 32 MACs) 94.8 GMAC/s, ...'."""
    return ", ".join(f"`{name}` {g:.1f} GMAC/s ({kind}, {macs} MACs each)"
                     for name, (kind, macs, g) in peaks.items())
