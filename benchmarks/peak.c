/* The multiply-accumulate peak of one core, measured: for each instruction
 * the kernels can use on this CPU, an unrolled loop of independent
 * accumulators (inline assembly, so nothing is folded or reordered away),
 * timed with clock_gettime. Prints one line per instruction:
 *
 *   <kind> <instruction> <MACs per instruction> <GMAC/s>
 *
 * kind: u8s8 (u8 x s8 products, the 4-bit and VNNI int8 kernels), s16
 * (sign-extended i16 products: vpmaddwd, the 8-bit weights of the AVX2 and
 * AVX-512 kernels without VNNI), s8 (AArch64 sdot/smmla) or fp32. A MAC is one
 * multiply and one add of a product into a sum, as the models' MAC counts
 * count them: vpmaddubsw + vpmaddwd(1) + vpaddd is 32 MACs per ymm (the
 * three instructions together), vpdpbusd 32 (ymm) or 64 (zmm), vpmaddwd +
 * vpaddd on i16 16 (ymm), vfmadd231ps 8 (ymm) or 16 (zmm), sdot 16, smmla
 * 32, fmla 4.
 *
 * Build for the host: clang -O2 -march=native peak.c -o peak (on AArch64,
 * -march=native or -march=armv8.2-a+dotprod[+i8mm]). Run it pinned to one
 * core (benchmarks/run.sh pins run.py, which runs this). Argument: the
 * milliseconds each measurement lasts at least (default 50; the best of
 * five is printed). */
#define _POSIX_C_SOURCE 199309L
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static double now(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec + t.tv_nsec * 1e-9;
}

/* 12 (x86 ymm, 16 registers) or 24 (zmm, AArch64: 32 registers)
 * accumulators, each instruction writing a different one. */
#define R12(X) X(0) X(1) X(2) X(3) X(4) X(5) X(6) X(7) X(8) X(9) X(10) X(11)
#define R6(X) X(0) X(1) X(2) X(3) X(4) X(5)

typedef void (*kernel_fn)(long iterations);

#if defined(__x86_64__)

#define STR_(x) #x
#define STR(x) STR_(x)

/* Accumulators ymm0-ymm11 (zmm0-zmm11 and zmm16-zmm27), operands
 * ymm14/ymm15, all zeroed first. */
#define ZERO_Y(i) "vpxor %%ymm" STR(i) ", %%ymm" STR(i) ", %%ymm" STR(i) "\n"
#define CLOBBER_Y                                                              \
  "xmm0", "xmm1", "xmm2", "xmm3", "xmm4", "xmm5", "xmm6", "xmm7", "xmm8",      \
      "xmm9", "xmm10", "xmm11", "xmm12", "xmm13", "xmm14", "xmm15", "cc"
#define LOOP(setup, body, n)                                                   \
  __asm__ volatile(R12(ZERO_Y) "vpxor %%ymm14, %%ymm14, %%ymm14\n"             \
                               "vpxor %%ymm15, %%ymm15, %%ymm15\n" setup       \
                               "1:\n" body "dec %0\n"                          \
                               "jnz 1b\n"                                      \
                   : "+r"(n)                                                   \
                   :                                                           \
                   : CLOBBER_Y)

#if defined(__FMA__)
#define FMA_Y(i) "vfmadd231ps %%ymm14, %%ymm15, %%ymm" STR(i) "\n"
static void fma_ymm(long n) { LOOP("", R12(FMA_Y), n); }
#endif

#if defined(__AVX2__)
/* Six chains (temporaries ymm6-ymm11, accumulators ymm0-ymm5, ones in
 * ymm13), twice per iteration: vpmaddubsw, vpmaddwd with ones, vpaddd. */
#define MADDUBS_CHAIN(i)                                                       \
  "vpmaddubsw %%ymm15, %%ymm14, %%ymm" STR(T##i) "\n"                          \
  "vpmaddwd %%ymm13, %%ymm" STR(T##i) ", %%ymm" STR(T##i) "\n"                 \
  "vpaddd %%ymm" STR(T##i) ", %%ymm" STR(i) ", %%ymm" STR(i) "\n"
#define T0 6
#define T1 7
#define T2 8
#define T3 9
#define T4 10
#define T5 11
#define ONES_Y                                                                 \
  "vpcmpeqw %%ymm13, %%ymm13, %%ymm13\n"                                       \
  "vpsrlw $15, %%ymm13, %%ymm13\n"
static void maddubs_ymm(long n) {
  LOOP(ONES_Y, R6(MADDUBS_CHAIN) R6(MADDUBS_CHAIN), n);
}
#define MADDWD_Y(i)                                                            \
  "vpmaddwd %%ymm15, %%ymm14, %%ymm" STR(T##i) "\n"                            \
  "vpaddd %%ymm" STR(T##i) ", %%ymm" STR(i) ", %%ymm" STR(i) "\n"
static void maddwd_ymm(long n) { LOOP("", R6(MADDWD_Y) R6(MADDWD_Y), n); }
#endif

#if defined(__AVXVNNI__) || (defined(__AVX512VNNI__) && defined(__AVX512VL__))
#if defined(__AVXVNNI__)
#define DPBUSD_Y(i) "%{vex%} vpdpbusd %%ymm15, %%ymm14, %%ymm" STR(i) "\n"
#else
#define DPBUSD_Y(i) "vpdpbusd %%ymm15, %%ymm14, %%ymm" STR(i) "\n"
#endif
static void dpbusd_ymm(long n) { LOOP("", R12(DPBUSD_Y), n); }
#endif

#if defined(__AVX512F__) && defined(__AVX512BW__)
/* zmm0-zmm11 and zmm16-zmm27: 24 accumulators; operands zmm14/zmm15. */
#define CLOBBER_Z                                                              \
  CLOBBER_Y, "xmm16", "xmm17", "xmm18", "xmm19", "xmm20", "xmm21", "xmm22",    \
      "xmm23", "xmm24", "xmm25", "xmm26", "xmm27", "xmm28", "xmm29", "xmm30",  \
      "xmm31"
#define ZERO_Z(i) "vpxord %%zmm" STR(i) ", %%zmm" STR(i) ", %%zmm" STR(i) "\n"
#define LOOPZ(setup, body, n)                                                  \
  __asm__ volatile(R12(ZERO_Z) ZERO_HI "vpxord %%zmm14, %%zmm14, %%zmm14\n"    \
                                       "vpxord %%zmm15, %%zmm15, %%zmm15\n"    \
                                       setup "1:\n" body "dec %0\n"            \
                                       "jnz 1b\n"                              \
                   : "+r"(n)                                                   \
                   :                                                           \
                   : CLOBBER_Z)
#define ZERO_HI                                                                \
  ZERO_Z(16) ZERO_Z(17) ZERO_Z(18) ZERO_Z(19) ZERO_Z(20) ZERO_Z(21)            \
      ZERO_Z(22) ZERO_Z(23) ZERO_Z(24) ZERO_Z(25) ZERO_Z(26) ZERO_Z(27)
#define R12HI(X)                                                               \
  X(16) X(17) X(18) X(19) X(20) X(21) X(22) X(23) X(24) X(25) X(26) X(27)
#define FMA_Z(i) "vfmadd231ps %%zmm14, %%zmm15, %%zmm" STR(i) "\n"
static void fma_zmm(long n) { LOOPZ("", R12(FMA_Z) R12HI(FMA_Z), n); }
#define ONES_Z                                                                 \
  "vpternlogd $0xff, %%zmm13, %%zmm13, %%zmm13\n"                              \
  "vpsrlw $15, %%zmm13, %%zmm13\n"
/* Twelve chains: temporaries zmm16-27, accumulators zmm0-11. */
#define MADDUBS_Z(i)                                                           \
  "vpmaddubsw %%zmm15, %%zmm14, %%zmm" STR(H##i) "\n"                          \
  "vpmaddwd %%zmm13, %%zmm" STR(H##i) ", %%zmm" STR(H##i) "\n"                 \
  "vpaddd %%zmm" STR(H##i) ", %%zmm" STR(i) ", %%zmm" STR(i) "\n"
#define MADDWD_Z(i)                                                            \
  "vpmaddwd %%zmm15, %%zmm14, %%zmm" STR(H##i) "\n"                            \
  "vpaddd %%zmm" STR(H##i) ", %%zmm" STR(i) ", %%zmm" STR(i) "\n"
#define H0 16
#define H1 17
#define H2 18
#define H3 19
#define H4 20
#define H5 21
#define H6 22
#define H7 23
#define H8 24
#define H9 25
#define H10 26
#define H11 27
static void maddubs_zmm(long n) { LOOPZ(ONES_Z, R12(MADDUBS_Z), n); }
static void maddwd_zmm(long n) { LOOPZ("", R12(MADDWD_Z), n); }
#if defined(__AVX512VNNI__)
#define DPBUSD_Z(i) "vpdpbusd %%zmm15, %%zmm14, %%zmm" STR(i) "\n"
static void dpbusd_zmm(long n) { LOOPZ("", R12(DPBUSD_Z) R12HI(DPBUSD_Z), n); }
#endif
#endif

#elif defined(__aarch64__)

#define STR_(x) #x
#define STR(x) STR_(x)
/* Accumulators v0-v23, operands v30/v31. */
#define R24(X) R12(X) X(12) X(13) X(14) X(15) X(16) X(17) X(18) X(19) X(20) \
  X(21) X(22) X(23)
#define ZERO_V(i) "movi v" STR(i) ".16b, #0\n"
#define CLOBBER_V                                                              \
  "v0", "v1", "v2", "v3", "v4", "v5", "v6", "v7", "v8", "v9", "v10", "v11",    \
      "v12", "v13", "v14", "v15", "v16", "v17", "v18", "v19", "v20", "v21",    \
      "v22", "v23", "v30", "v31", "cc"
#define LOOPV(body, n)                                                         \
  __asm__ volatile(R24(ZERO_V) "movi v30.16b, #1\n"                            \
                               "movi v31.16b, #1\n"                            \
                               "1:\n" body "subs %0, %0, #1\n"                 \
                               "b.ne 1b\n"                                     \
                   : "+r"(n)                                                   \
                   :                                                           \
                   : CLOBBER_V)
#define FMLA_V(i) "fmla v" STR(i) ".4s, v30.4s, v31.4s\n"
static void fmla_neon(long n) { LOOPV(R24(FMLA_V), n); }
#if defined(__ARM_FEATURE_DOTPROD)
#define SDOT_V(i) "sdot v" STR(i) ".4s, v30.16b, v31.16b\n"
static void sdot_neon(long n) { LOOPV(R24(SDOT_V), n); }
#endif
#if defined(__ARM_FEATURE_MATMUL_INT8)
#define SMMLA_V(i) "smmla v" STR(i) ".4s, v30.16b, v31.16b\n"
static void smmla_neon(long n) { LOOPV(R24(SMMLA_V), n); }
#endif

#endif

struct kernel {
  const char *kind, *name;
  kernel_fn run;
  /* MACs per instruction (group) and groups per loop iteration. */
  int macs, per_iteration;
};

static const struct kernel kernels[] = {
#if defined(__x86_64__)
#if defined(__AVX512VNNI__) && defined(__AVX512BW__)
    {"u8s8", "vpdpbusd-zmm", dpbusd_zmm, 64, 24},
#endif
#if defined(__AVXVNNI__) || (defined(__AVX512VNNI__) && defined(__AVX512VL__))
    {"u8s8", "vpdpbusd-ymm", dpbusd_ymm, 32, 12},
#endif
#if defined(__AVX512F__) && defined(__AVX512BW__)
    {"u8s8", "vpmaddubsw+vpmaddwd-zmm", maddubs_zmm, 64, 12},
    {"s16", "vpmaddwd-zmm", maddwd_zmm, 32, 12},
    {"fp32", "vfmadd231ps-zmm", fma_zmm, 16, 24},
#endif
#if defined(__AVX2__)
    {"u8s8", "vpmaddubsw+vpmaddwd-ymm", maddubs_ymm, 32, 12},
    {"s16", "vpmaddwd-ymm", maddwd_ymm, 16, 12},
#endif
#if defined(__FMA__)
    {"fp32", "vfmadd231ps-ymm", fma_ymm, 8, 12},
#endif
#elif defined(__aarch64__)
#if defined(__ARM_FEATURE_MATMUL_INT8)
    {"s8", "smmla", smmla_neon, 32, 24},
#endif
#if defined(__ARM_FEATURE_DOTPROD)
    {"s8", "sdot", sdot_neon, 16, 24},
#endif
    {"fp32", "fmla", fmla_neon, 4, 24},
#endif
};

int main(int argc, char **argv) {
  double least = (argc > 1 ? atof(argv[1]) : 50) * 1e-3;
  size_t k;
  for (k = 0; k < sizeof kernels / sizeof kernels[0]; ++k) {
    const struct kernel *c = &kernels[k];
    long n = 1000;
    double best = 0;
    int trial;
    /* Grow the loop until one run lasts `least`, then keep the best rate
     * of five runs. */
    for (;;) {
      double start = now(), t;
      c->run(n);
      t = now() - start;
      if (t >= least)
        break;
      n = t > least / 16 ? (long)(n * least / t * 1.1) : n * 16;
    }
    for (trial = 0; trial < 5; ++trial) {
      double start = now(), t, rate;
      c->run(n);
      t = now() - start;
      rate = (double)n * c->per_iteration * c->macs / t * 1e-9;
      if (rate > best)
        best = rate;
    }
    printf("%s %s %d %.1f\n", c->kind, c->name, c->macs, best);
  }
  return 0;
}
