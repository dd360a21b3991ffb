// qopt-run over many samples: an argument shaped [1, ...] takes an .npy of
// [N, ...], a directory holds one sample per file, and a single-sample input
// is reused for every sample; results are stacked like the inputs.
// RUN: rm -rf %t && mkdir -p %t/dir
// RUN: %python -c "import numpy as np; r = np.random.default_rng(0); x = r.standard_normal([5, 4]).astype(np.float32); np.save('%t/x.npy', x); np.save('%t/y.npy', np.float32([1, 2, 3, 4])); [np.save('%t/dir/%%d.npy' %% i, x[i:i+1]) for i in range(5)]"
// RUN: qopt-run %s --input %t/x.npy --input %t/y.npy --output %t/batch.npy
// RUN: qopt-run %s --input %t/dir --input %t/y.npy --output %t/dir.npy
// RUN: %python -c "import numpy as np; x = np.load('%t/x.npy'); y = np.load('%t/y.npy'); want = np.clip(x * y, 0, 6); b = np.load('%t/batch.npy'); d = np.load('%t/dir.npy'); print(b.shape, d.shape, np.array_equal(b, want), np.array_equal(d[:, 0], want))" | FileCheck %s
// CHECK: (5, 4) (5, 1, 4) True True

func.func @main(%x: tensor<1x4xf32>, %y: tensor<4xf32>) -> tensor<1x4xf32> {
  %s = tosa.const_shape {values = dense<[1, 4]> : tensor<2xindex>} : () -> !tosa.shape<2>
  %y2 = tosa.reshape %y, %s : (tensor<4xf32>, !tosa.shape<2>) -> tensor<1x4xf32>
  %shift = "tosa.const"() {values = dense<0> : tensor<1xi8>} : () -> tensor<1xi8>
  %m = tosa.mul %x, %y2, %shift : (tensor<1x4xf32>, tensor<1x4xf32>, tensor<1xi8>) -> tensor<1x4xf32>
  %r = tosa.clamp %m {min_val = 0.0 : f32, max_val = 6.0 : f32} : (tensor<1x4xf32>) -> tensor<1x4xf32>
  return %r : tensor<1x4xf32>
}
