/* Is a text line upright or upside down? PaddleOCR's direction classifier
 * compiled by qoptc, called through its generated header only:
 *
 *   qoptc ch_ppocr_mobile_v2.0_cls_infer.onnx --input-shape x=1,3,48,192 \
 *         --samples lines.npy --name textdir -o out/
 *   cc -std=c99 -Iout examples/text_direction.c out/textdir.o -lm -o textdir
 *   ./textdir line.raw        # prints "0" or "180" and the probability
 *
 * line.raw: the line as the classifier's input, float32 [1, 3, 48, 192]
 * (RGB, scaled to [-1, 1], right-padded; qopt.datasets.paddleocr_input). */
#include "textdir.h"

#include <stdio.h>

static unsigned char arena[textdir_arena_size] __attribute__((aligned(64)));
static textdir_input0_t line[textdir_input0_elements];
static textdir_output0_t probabilities[textdir_output0_elements];

int main(int argc, char **argv) {
  static const char *const classes[] = {"0", "180"};
  FILE *f;
  if (argc != 2) {
    fprintf(stderr, "usage: %s line.raw\n", argv[0]);
    return 2;
  }
  f = fopen(argv[1], "rb");
  if (!f || fread(line, sizeof line, 1, f) != 1) {
    fprintf(stderr, "cannot read %zu bytes from %s\n", sizeof line, argv[1]);
    return 1;
  }
  fclose(f);
  if (textdir_run(line, probabilities, arena))
    return 1;
  int best = probabilities[1] > probabilities[0];
  printf("%s %.3f\n", classes[best], (double)probabilities[best]);
  return 0;
}
