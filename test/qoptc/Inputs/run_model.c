/* Runs a model compiled by qoptc on raw input files and writes raw output
 * files: run in0.bin [in1.bin ...] out0.bin [out1.bin ...].
 * Build with -DMODEL=<name> -include <name>.h (C99, no other dependency). */
#include <stdio.h>
#include <stdlib.h>

#define CAT_(a, b) a##b
#define CAT(a, b) CAT_(a, b)
#define M(suffix) CAT(MODEL, suffix)

#define NI M(_num_inputs)
#define NO M(_num_outputs)

static unsigned char arena[M(_arena_size) + 1] __attribute__((aligned(64)));

static void *readFile(const char *path, size_t bytes) {
  void *data = malloc(bytes ? bytes : 1);
  FILE *f = fopen(path, "rb");
  if (!f || fread(data, 1, bytes, f) != bytes) {
    fprintf(stderr, "cannot read %zu bytes from %s\n", bytes, path);
    exit(1);
  }
  fclose(f);
  return data;
}

static void writeFile(const char *path, const void *data, size_t bytes) {
  FILE *f = fopen(path, "wb");
  if (!f || fwrite(data, 1, bytes, f) != bytes) {
    fprintf(stderr, "cannot write %s\n", path);
    exit(1);
  }
  fclose(f);
}

int main(int argc, char **argv) {
  size_t inBytes[] = {M(_input0_bytes)
#if NI > 1
                      , M(_input1_bytes)
#endif
  };
  size_t outBytes[] = {M(_output0_bytes)
#if NO > 1
                       , M(_output1_bytes)
#endif
  };
  void *in[NI], *out[NO];
  int i;
  if (argc != 1 + NI + NO) {
    fprintf(stderr, "usage: %s %d inputs %d outputs\n", argv[0], NI, NO);
    return 1;
  }
  for (i = 0; i < NI; ++i)
    in[i] = readFile(argv[1 + i], inBytes[i]);
  for (i = 0; i < NO; ++i)
    out[i] = malloc(outBytes[i]);
#if NI == 1 && NO == 1
  if (M(_run)(in[0], out[0], arena))
#elif NI == 1 && NO == 2
  if (M(_run)(in[0], out[0], out[1], arena))
#else
#error "run_model.c handles 1 input and 1 or 2 outputs"
#endif
    return 1;
  for (i = 0; i < NO; ++i)
    writeFile(argv[1 + NI + i], out[i], outBytes[i]);
  return 0;
}
