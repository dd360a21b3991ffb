// The header and the report of a model with quantized float boundaries and a
// conv, a depthwise conv and a matmul (upstream lowering: the weight bytes of
// the kernels depend on the target).
// RUN: rm -rf %t && qoptc %s --reference --name net -o %t
// RUN: FileCheck %s --check-prefix=HEADER < %t/net.h
// RUN: FileCheck %s --check-prefix=REPORT --match-full-lines < %t/net.report.txt
// RUN: FileCheck %s --check-prefix=MANIFEST < %t/net.json
// RUN: qopt-run %s --signature | FileCheck %s --check-prefix=SIGNATURE

// HEADER:      #ifndef QOPT_MODEL_NET_H
// HEADER:      #include <stdint.h>
// HEADER:      #define net_arena_size {{[1-9][0-9]*}}
// HEADER-NEXT: #define net_arena_align 64
// HEADER-NEXT: #define net_weight_bytes 592
// HEADER-NEXT: #define net_constant_bytes 96
// HEADER-NEXT: #define net_num_inputs 1
// HEADER-NEXT: #define net_num_outputs 2
// HEADER:      /* net_input0: tensor<1x4x4x2xf32> */
// HEADER-NEXT: typedef float net_input0_t;
// HEADER-NEXT: #define net_input0_rank 4
// HEADER-NEXT: #define net_input0_shape {1, 4, 4, 2}
// HEADER-NEXT: #define net_input0_elements 32
// HEADER-NEXT: #define net_input0_bytes 128
// HEADER-NEXT: #define net_input0_quantized 1
// HEADER-NEXT: /* real = net_input0_scale * (q - net_input0_zero_point) */
// HEADER-NEXT: #define net_input0_scale 0.25
// HEADER-NEXT: #define net_input0_zero_point (-3)
// HEADER:      /* net_output0: tensor<1x4x4x4xf32> */
// HEADER:      #define net_output0_quantized 0
// HEADER:      /* net_output1: tensor<1x3x5xf32> */
// HEADER-NEXT: typedef float net_output1_t;
// HEADER-NEXT: #define net_output1_rank 3
// HEADER-NEXT: #define net_output1_shape {1, 3, 5}
// HEADER:      #define net_output1_zero_point (7)
// HEADER:      extern "C" {
// HEADER:      int net_run(const void *input0, void *output0, void *output1, void *arena);

// REPORT:      model: net (@main)
// REPORT-NEXT: target: host ({{.*}})
// REPORT-NEXT: input 0: tensor<1x4x4x2xf32>
// REPORT-NEXT: output 0: tensor<1x4x4x4xf32>
// REPORT-NEXT: output 1: tensor<1x3x5xf32>
// REPORT-NEXT: weights: 592 bytes (packed)
// REPORT-NEXT: other constants: 96 bytes
// REPORT-NEXT: arena: {{[1-9][0-9]*}} bytes
// REPORT-NEXT: MACs: 1848
// REPORT-NEXT: layers: 3
// REPORT-NEXT: op                 location               MACs input   weight  output  bits
// REPORT-NEXT: conv2d             report.mlir:{{[0-9]+}}          1152 f32     f32     f32     float
// REPORT-NEXT: depthwise_conv2d   report.mlir:{{[0-9]+}}           576 f32     f32     f32     float
// REPORT-NEXT: matmul             report.mlir:{{[0-9]+}}           120 f32     f32     f32     float

// The manifest: the header's facts for programs (python/qopt reads it).
// MANIFEST:      "format": "qopt-model",
// MANIFEST-NEXT: "version": 1,
// MANIFEST-NEXT: "name": "net",
// MANIFEST-NEXT: "entry": "main",
// MANIFEST-NEXT: "run": "net_run",
// MANIFEST-NEXT: "target": "host",
// MANIFEST-NEXT: "object": "net.o",
// MANIFEST-NEXT: "header": "net.h",
// MANIFEST-NEXT: "weight_bytes": 592,
// MANIFEST-NEXT: "constant_bytes": 96,
// MANIFEST-NEXT: "arena_size": {{[1-9][0-9]*}},
// MANIFEST-NEXT: "arena_align": 64,
// MANIFEST-NEXT: "inputs": [
// MANIFEST-NEXT:   {
// MANIFEST-NEXT:     "dtype": "f32",
// MANIFEST-NEXT:     "shape": [
// MANIFEST-NEXT:       1,
// MANIFEST-NEXT:       4,
// MANIFEST-NEXT:       4,
// MANIFEST-NEXT:       2
// MANIFEST-NEXT:     ],
// MANIFEST-NEXT:     "bytes": 128,
// MANIFEST-NEXT:     "scale": 0.25,
// MANIFEST-NEXT:     "zero_point": -3
// MANIFEST:      "outputs": [
// MANIFEST:          "bytes": 256
// MANIFEST-NEXT:   },
// MANIFEST:          "bytes": 60,
// MANIFEST-NEXT:     "scale": 0.5,
// MANIFEST-NEXT:     "zero_point": 7

// The same tensors for the uncompiled function.
// SIGNATURE:      "function": "main",
// SIGNATURE-NEXT: "inputs": [
// SIGNATURE-NEXT:   {
// SIGNATURE-NEXT:     "dtype": "f32",
// SIGNATURE:          "scale": 0.25,
// SIGNATURE-NEXT:     "zero_point": -3
// SIGNATURE:      "outputs": [
// SIGNATURE:          "bytes": 60,
// SIGNATURE-NEXT:     "scale": 0.5,
// SIGNATURE-NEXT:     "zero_point": 7

// MACs: conv 3x3 2→4 on 4x4 16·4·18 = 1152, depthwise 3x3 16·4·9 = 576,
// matmul 3x8 · 8x5 3·5·8 = 120.
func.func @main(%x: tensor<1x4x4x2xf32> {qopt.quant = !quant.uniform<i8:f32, 0.25:-3>})
    -> (tensor<1x4x4x4xf32>, tensor<1x3x5xf32> {qopt.quant = !quant.uniform<i8:f32, 0.5:7>}) {
  %zp = "tosa.const"() {values = dense<0.0> : tensor<1xf32>} : () -> tensor<1xf32>
  %w = "tosa.const"() {values = dense<0.5> : tensor<4x3x3x2xf32>} : () -> tensor<4x3x3x2xf32>
  %b = "tosa.const"() {values = dense<0.25> : tensor<4xf32>} : () -> tensor<4xf32>
  %c = tosa.conv2d %x, %w, %b, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 1, 1, 1, 1>, stride = array<i64: 1, 1>} : (tensor<1x4x4x2xf32>, tensor<4x3x3x2xf32>, tensor<4xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x4x4x4xf32>
  %dw = "tosa.const"() {values = dense<0.125> : tensor<3x3x4x1xf32>} : () -> tensor<3x3x4x1xf32>
  %d = tosa.depthwise_conv2d %c, %dw, %b, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 1, 1, 1, 1>, stride = array<i64: 1, 1>} : (tensor<1x4x4x4xf32>, tensor<3x3x4x1xf32>, tensor<4xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x4x4x4xf32>
  %a = "tosa.const"() {values = dense<1.0> : tensor<1x3x8xf32>} : () -> tensor<1x3x8xf32>
  %m = "tosa.const"() {values = dense<2.0> : tensor<1x8x5xf32>} : () -> tensor<1x8x5xf32>
  %mm = tosa.matmul %a, %m, %zp, %zp : (tensor<1x3x8xf32>, tensor<1x8x5xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x3x5xf32>
  return %d, %mm : tensor<1x4x4x4xf32>, tensor<1x3x5xf32>
}
