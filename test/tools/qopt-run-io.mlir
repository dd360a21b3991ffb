// qopt-run's handling of results and dtypes (Inputs/reference.py).
// RUN: rm -rf %t && mkdir -p %t
// RUN: %python %S/Inputs/reference.py gen %t multi dtypes slice
// Several results: one value returned twice, a constant, an argument and a
// rank-0 tensor, written with --output-dir.
// RUN: qopt-run %s --entry multi --input %t/multi/in0.npy --output-dir %t/multi
// Every supported dtype in and out of compiled code.
// RUN: qopt-run %s --entry dtypes --input %t/dtypes/in0.npy --input %t/dtypes/in1.npy --input %t/dtypes/in2.npy --input %t/dtypes/in3.npy --input %t/dtypes/in4.npy --input %t/dtypes/in5.npy --input %t/dtypes/in6.npy --output-dir %t/dtypes
// A strided copy out of the argument: the lowered code calls memrefCopy of
// the MLIR C runner utils.
// RUN: qopt-run %s --entry slice --input %t/slice/in0.npy --output %t/slice/out0.npy
// RUN: %python %S/Inputs/reference.py check %t multi:result dtypes:result slice | FileCheck %s --check-prefix=IO
// IO: multi: ok
// IO: dtypes: ok
// IO: slice: ok

func.func @multi(%x: tensor<2x3xf32>) -> (tensor<2x3xf32>, tensor<2x3xf32>, tensor<3xf32>, tensor<2x3xf32>, tensor<f32>) {
  %a = tosa.abs %x : (tensor<2x3xf32>) -> tensor<2x3xf32>
  %c = "tosa.const"() {values = dense<[1.0, 2.0, 3.0]> : tensor<3xf32>} : () -> tensor<3xf32>
  %k = "tosa.const"() {values = dense<7.0> : tensor<f32>} : () -> tensor<f32>
  return %a, %a, %c, %x, %k : tensor<2x3xf32>, tensor<2x3xf32>, tensor<3xf32>, tensor<2x3xf32>, tensor<f32>
}

func.func @dtypes(%a: tensor<2x3xf64>, %b: tensor<2x3xi8>, %c: tensor<2x3xui8>, %d: tensor<2x3xi16>, %e: tensor<2x3xi32>, %f: tensor<2x3xi64>, %g: tensor<2x3xi1>) -> (tensor<2x3xf64>, tensor<2x3xi8>, tensor<2x3xui8>, tensor<2x3xi16>, tensor<2x3xi32>, tensor<2x3xi64>, tensor<2x3xi1>) {
  return %a, %b, %c, %d, %e, %f, %g : tensor<2x3xf64>, tensor<2x3xi8>, tensor<2x3xui8>, tensor<2x3xi16>, tensor<2x3xi32>, tensor<2x3xi64>, tensor<2x3xi1>
}

func.func @slice(%x: tensor<3x4xf32>) -> tensor<2x2xf32> {
  %start = tosa.const_shape {values = dense<[1, 1]> : tensor<2xindex>} : () -> !tosa.shape<2>
  %size = tosa.const_shape {values = dense<[2, 2]> : tensor<2xindex>} : () -> !tosa.shape<2>
  %s = tosa.slice %x, %start, %size : (tensor<3x4xf32>, !tosa.shape<2>, !tosa.shape<2>) -> tensor<2x2xf32>
  return %s : tensor<2x2xf32>
}
