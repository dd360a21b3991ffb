/* Times a model compiled by qoptc as a user calls it (float in, float out):
 *
 *   harness in.bin out.bin WARMUP RUNS > times.txt
 *
 * runs <name>_run WARMUP times, then RUNS times each timed alone with
 * clock_gettime(CLOCK_MONOTONIC), printing one duration in nanoseconds per
 * line; out.bin receives the output of the last call. Build with
 * -D_POSIX_C_SOURCE=199309L -DMODEL=<name> -include <name>.h (C99; one
 * input, one output). */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#define CAT_(a, b) a##b
#define CAT(a, b) CAT_(a, b)
#define M(suffix) CAT(MODEL, suffix)

#if M(_num_inputs) != 1 || M(_num_outputs) != 1
#error "harness.c times models with one input and one output"
#endif

static unsigned char arena[M(_arena_size) + 1] __attribute__((aligned(64)));
static M(_input0_t) input[M(_input0_elements)];
static M(_output0_t) output[M(_output0_elements)];

static long long now(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec * 1000000000LL + t.tv_nsec;
}

int main(int argc, char **argv) {
  FILE *f;
  int warmup, runs, i;
  if (argc != 5) {
    fprintf(stderr, "usage: %s in.bin out.bin WARMUP RUNS\n", argv[0]);
    return 1;
  }
  f = fopen(argv[1], "rb");
  if (!f || fread(input, 1, sizeof input, f) != sizeof input) {
    fprintf(stderr, "cannot read %zu bytes from %s\n", sizeof input, argv[1]);
    return 1;
  }
  fclose(f);
  warmup = atoi(argv[3]);
  runs = atoi(argv[4]);
  for (i = 0; i < warmup; ++i)
    if (M(_run)(input, output, arena))
      return 1;
  for (i = 0; i < runs; ++i) {
    long long start = now();
    if (M(_run)(input, output, arena))
      return 1;
    printf("%lld\n", now() - start);
  }
  f = fopen(argv[2], "wb");
  if (!f || fwrite(output, 1, sizeof output, f) != sizeof output) {
    fprintf(stderr, "cannot write %s\n", argv[2]);
    return 1;
  }
  fclose(f);
  return 0;
}
