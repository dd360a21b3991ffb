// The qopt dialect's attributes: accepted where the contract puts them,
// each misuse refused at its op with what was expected.
// RUN: qopt-mlir %s -split-input-file -verify-diagnostics | FileCheck %s

// CHECK-LABEL: func.func @contract
// CHECK-SAME: {qopt.quant = !quant.uniform<i8:f32, 2.500000e-01:-3>}
// CHECK-SAME: qopt.arena
// CHECK-SAME: qopt.arena_size = 64 : i64, qopt.layer_bits = ["3=4", "conv=8/6"], qopt.min_size = 50 : i64, qopt.size_budget = 100 : i64
// CHECK: qopt.bn_mean = dense<[1.000000e+00, 2.000000e+00]> : tensor<2xf32>
// CHECK-SAME: qopt.bn_std = dense<5.000000e-01> : tensor<2xf32>
// CHECK-SAME: qopt.weight_bits = 3 : i32
// CHECK-SAME: qopt.weight_scales = array<f64: 1.000000e-01, 2.000000e-01>
// CHECK: qopt.pwlq = {bits = 4 : i32, breakpoints = array<f64: 5.000000e-01, 2.500000e-01>, tail_step = 2 : i64}
// CHECK-SAME: qopt.weight_format = "pwlq"
func.func @contract(%x: tensor<1x2x2x1xf32> {qopt.quant = !quant.uniform<i8:f32, 0.25:-3>}, %arena: memref<64xi8> {qopt.arena})
    -> (tensor<1x2x2x2xf32>, tensor<1x2x2x2xf32> {qopt.quant = !quant.uniform<i8:f32, 0.5:7>}) attributes {qopt.arena_size = 64 : i64, qopt.layer_bits = ["3=4", "conv=8/6"], qopt.min_size = 50 : i64, qopt.size_budget = 100 : i64} {
  %w = "tosa.const"() {values = dense<[[[[0.5]]], [[[0.2]]]]> : tensor<2x1x1x1xf32>} : () -> tensor<2x1x1x1xf32>
  %b = "tosa.const"() {values = dense<0.0> : tensor<2xf32>} : () -> tensor<2xf32>
  %zp = "tosa.const"() {values = dense<0.0> : tensor<1xf32>} : () -> tensor<1xf32>
  %0 = tosa.conv2d %x, %w, %b, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>, qopt.bn_mean = dense<[1.0, 2.0]> : tensor<2xf32>, qopt.bn_std = dense<0.5> : tensor<2xf32>, qopt.weight_bits = 3 : i32, qopt.weight_scales = array<f64: 0.1, 0.2>} : (tensor<1x2x2x1xf32>, tensor<2x1x1x1xf32>, tensor<2xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x2x2x2xf32>
  %1 = tosa.conv2d %x, %w, %b, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>, qopt.pwlq = {bits = 4 : i32, tail_step = 2 : i64, breakpoints = array<f64: 0.5, 0.25>}, qopt.weight_format = "pwlq"} : (tensor<1x2x2x1xf32>, tensor<2x1x1x1xf32>, tensor<2xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x2x2x2xf32>
  return %0, %1 : tensor<1x2x2x2xf32>, tensor<1x2x2x2xf32>
}

// -----

func.func @bn_channels(%x: tensor<1x2x2x1xf32>) -> tensor<1x2x2x2xf32> {
  %w = "tosa.const"() {values = dense<0.5> : tensor<2x1x1x1xf32>} : () -> tensor<2x1x1x1xf32>
  %b = "tosa.const"() {values = dense<0.0> : tensor<2xf32>} : () -> tensor<2xf32>
  %zp = "tosa.const"() {values = dense<0.0> : tensor<1xf32>} : () -> tensor<1xf32>
  // expected-error @+1 {{'qopt.bn_mean' must be a tensor of 2 floats, one per output channel}}
  %0 = tosa.conv2d %x, %w, %b, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>, qopt.bn_mean = dense<[1.0, 2.0, 3.0]> : tensor<3xf32>, qopt.bn_std = dense<0.5> : tensor<2xf32>} : (tensor<1x2x2x1xf32>, tensor<2x1x1x1xf32>, tensor<2xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x2x2x2xf32>
  return %0 : tensor<1x2x2x2xf32>
}

// -----

func.func @bn_pair(%x: tensor<1x2x2x1xf32>) -> tensor<1x2x2x2xf32> {
  %w = "tosa.const"() {values = dense<0.5> : tensor<2x1x1x1xf32>} : () -> tensor<2x1x1x1xf32>
  %b = "tosa.const"() {values = dense<0.0> : tensor<2xf32>} : () -> tensor<2xf32>
  %zp = "tosa.const"() {values = dense<0.0> : tensor<1xf32>} : () -> tensor<1xf32>
  // expected-error @+1 {{'qopt.bn_mean' without 'qopt.bn_std'}}
  %0 = tosa.conv2d %x, %w, %b, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>, qopt.bn_mean = dense<1.0> : tensor<2xf32>} : (tensor<1x2x2x1xf32>, tensor<2x1x1x1xf32>, tensor<2xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x2x2x2xf32>
  return %0 : tensor<1x2x2x2xf32>
}

// -----

func.func @bn_negative_std(%x: tensor<1x2x2x1xf32>) -> tensor<1x2x2x2xf32> {
  %w = "tosa.const"() {values = dense<0.5> : tensor<2x1x1x1xf32>} : () -> tensor<2x1x1x1xf32>
  %b = "tosa.const"() {values = dense<0.0> : tensor<2xf32>} : () -> tensor<2xf32>
  %zp = "tosa.const"() {values = dense<0.0> : tensor<1xf32>} : () -> tensor<1xf32>
  // expected-error @+1 {{'qopt.bn_std' holds -1.000000e+00: expected finite non-negative values}}
  %0 = tosa.conv2d %x, %w, %b, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>, qopt.bn_mean = dense<1.0> : tensor<2xf32>, qopt.bn_std = dense<[1.0, -1.0]> : tensor<2xf32>} : (tensor<1x2x2x1xf32>, tensor<2x1x1x1xf32>, tensor<2xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x2x2x2xf32>
  return %0 : tensor<1x2x2x2xf32>
}

// -----

func.func @bn_not_a_layer(%x: tensor<1x2xf32>) -> tensor<1x2xf32> {
  // expected-error @+1 {{'qopt.bn_mean' belongs on a conv2d, depthwise_conv2d or matmul}}
  %0 = tosa.abs %x {qopt.bn_mean = dense<1.0> : tensor<2xf32>} : (tensor<1x2xf32>) -> tensor<1x2xf32>
  return %0 : tensor<1x2xf32>
}

// -----

func.func @scales_without_bits(%x: tensor<1x2x2x1xf32>) -> tensor<1x2x2x2xf32> {
  %w = "tosa.const"() {values = dense<0.5> : tensor<2x1x1x1xf32>} : () -> tensor<2x1x1x1xf32>
  %b = "tosa.const"() {values = dense<0.0> : tensor<2xf32>} : () -> tensor<2xf32>
  %zp = "tosa.const"() {values = dense<0.0> : tensor<1xf32>} : () -> tensor<1xf32>
  // expected-error @+1 {{expected 'qopt.weight_scales' (array<f64> of positive scales) together with 'qopt.weight_bits' (integer)}}
  %0 = tosa.conv2d %x, %w, %b, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>, qopt.weight_scales = array<f64: 0.1, 0.1>} : (tensor<1x2x2x1xf32>, tensor<2x1x1x1xf32>, tensor<2xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x2x2x2xf32>
  return %0 : tensor<1x2x2x2xf32>
}

// -----

func.func @scale_count(%x: tensor<1x2x2x1xf32>) -> tensor<1x2x2x2xf32> {
  %w = "tosa.const"() {values = dense<0.5> : tensor<2x1x1x1xf32>} : () -> tensor<2x1x1x1xf32>
  %b = "tosa.const"() {values = dense<0.0> : tensor<2xf32>} : () -> tensor<2xf32>
  %zp = "tosa.const"() {values = dense<0.0> : tensor<1xf32>} : () -> tensor<1xf32>
  // expected-error @+1 {{'qopt.weight_scales' has 3 scales: expected 1 or 2 (one per weight channel)}}
  %0 = tosa.conv2d %x, %w, %b, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>, qopt.weight_bits = 8 : i32, qopt.weight_scales = array<f64: 0.1, 0.1, 0.1>} : (tensor<1x2x2x1xf32>, tensor<2x1x1x1xf32>, tensor<2xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x2x2x2xf32>
  return %0 : tensor<1x2x2x2xf32>
}

// -----

func.func @scale_sign(%x: tensor<1x2x2x1xf32>) -> tensor<1x2x2x2xf32> {
  %w = "tosa.const"() {values = dense<0.5> : tensor<2x1x1x1xf32>} : () -> tensor<2x1x1x1xf32>
  %b = "tosa.const"() {values = dense<0.0> : tensor<2xf32>} : () -> tensor<2xf32>
  %zp = "tosa.const"() {values = dense<0.0> : tensor<1xf32>} : () -> tensor<1xf32>
  // expected-error @+1 {{'qopt.weight_scales' holds -1.000000e-01: expected positive scales}}
  %0 = tosa.conv2d %x, %w, %b, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>, qopt.weight_bits = 8 : i32, qopt.weight_scales = array<f64: 0.1, -0.1>} : (tensor<1x2x2x1xf32>, tensor<2x1x1x1xf32>, tensor<2xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x2x2x2xf32>
  return %0 : tensor<1x2x2x2xf32>
}

// -----

func.func @bits_range(%x: tensor<1x2x2x1xf32>) -> tensor<1x2x2x2xf32> {
  %w = "tosa.const"() {values = dense<0.5> : tensor<2x1x1x1xf32>} : () -> tensor<2x1x1x1xf32>
  %b = "tosa.const"() {values = dense<0.0> : tensor<2xf32>} : () -> tensor<2xf32>
  %zp = "tosa.const"() {values = dense<0.0> : tensor<1xf32>} : () -> tensor<1xf32>
  // expected-error @+1 {{'qopt.weight_bits' must be an integer from 2 to 8}}
  %0 = tosa.conv2d %x, %w, %b, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>, qopt.weight_bits = 12 : i32, qopt.weight_scales = array<f64: 0.1>} : (tensor<1x2x2x1xf32>, tensor<2x1x1x1xf32>, tensor<2xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x2x2x2xf32>
  return %0 : tensor<1x2x2x2xf32>
}

// -----

func.func @format_name(%x: tensor<1x2x2x1xf32>) -> tensor<1x2x2x2xf32> {
  %w = "tosa.const"() {values = dense<0.5> : tensor<2x1x1x1xf32>} : () -> tensor<2x1x1x1xf32>
  %b = "tosa.const"() {values = dense<0.0> : tensor<2xf32>} : () -> tensor<2xf32>
  %zp = "tosa.const"() {values = dense<0.0> : tensor<1xf32>} : () -> tensor<1xf32>
  // expected-error @+1 {{'qopt.weight_format' must be "uniform", "pwlq", "ternary" or "binary"}}
  %0 = tosa.conv2d %x, %w, %b, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>, qopt.weight_format = "kmeans"} : (tensor<1x2x2x1xf32>, tensor<2x1x1x1xf32>, tensor<2xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x2x2x2xf32>
  return %0 : tensor<1x2x2x2xf32>
}

// -----

func.func @pwlq_without_regions(%x: tensor<1x2x2x1xf32>) -> tensor<1x2x2x2xf32> {
  %w = "tosa.const"() {values = dense<0.5> : tensor<2x1x1x1xf32>} : () -> tensor<2x1x1x1xf32>
  %b = "tosa.const"() {values = dense<0.0> : tensor<2xf32>} : () -> tensor<2xf32>
  %zp = "tosa.const"() {values = dense<0.0> : tensor<1xf32>} : () -> tensor<1xf32>
  // expected-error @+1 {{'qopt.pwlq' goes with qopt.weight_format = "pwlq" and only with it}}
  %0 = tosa.conv2d %x, %w, %b, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>, qopt.weight_format = "pwlq"} : (tensor<1x2x2x1xf32>, tensor<2x1x1x1xf32>, tensor<2xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x2x2x2xf32>
  return %0 : tensor<1x2x2x2xf32>
}

// -----

func.func @pwlq_fields(%x: tensor<1x2x2x1xf32>) -> tensor<1x2x2x2xf32> {
  %w = "tosa.const"() {values = dense<0.5> : tensor<2x1x1x1xf32>} : () -> tensor<2x1x1x1xf32>
  %b = "tosa.const"() {values = dense<0.0> : tensor<2xf32>} : () -> tensor<2xf32>
  %zp = "tosa.const"() {values = dense<0.0> : tensor<1xf32>} : () -> tensor<1xf32>
  // expected-error @+1 {{'qopt.pwlq' must be {bits, tail_step, breakpoints = array<f64>}}}
  %0 = tosa.conv2d %x, %w, %b, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>, qopt.pwlq = {bits = 4 : i32}, qopt.weight_format = "pwlq"} : (tensor<1x2x2x1xf32>, tensor<2x1x1x1xf32>, tensor<2xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x2x2x2xf32>
  return %0 : tensor<1x2x2x2xf32>
}

// -----

func.func @pwlq_bits(%x: tensor<1x2x2x1xf32>) -> tensor<1x2x2x2xf32> {
  %w = "tosa.const"() {values = dense<0.5> : tensor<2x1x1x1xf32>} : () -> tensor<2x1x1x1xf32>
  %b = "tosa.const"() {values = dense<0.0> : tensor<2xf32>} : () -> tensor<2xf32>
  %zp = "tosa.const"() {values = dense<0.0> : tensor<1xf32>} : () -> tensor<1xf32>
  // expected-error @+1 {{'qopt.pwlq' needs 3 to 8 bits and a tail step ≥ 1}}
  %0 = tosa.conv2d %x, %w, %b, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>, qopt.pwlq = {bits = 2 : i32, tail_step = 1 : i64, breakpoints = array<f64: 0.5, 0.5>}, qopt.weight_format = "pwlq"} : (tensor<1x2x2x1xf32>, tensor<2x1x1x1xf32>, tensor<2xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x2x2x2xf32>
  return %0 : tensor<1x2x2x2xf32>
}

// -----

// expected-error @+1 {{'qopt.quant' must be a quantized type (!quant.uniform)}}
func.func @quant_type(%x: tensor<1x2xf32> {qopt.quant = f32}) -> tensor<1x2xf32> {
  return %x : tensor<1x2xf32>
}

// -----

// expected-error @+1 {{'qopt.arena' is not an attribute of a function result}}
func.func @arena_result(%x: memref<4xi8>) -> (memref<4xi8> {qopt.arena}) {
  return %x : memref<4xi8>
}

// -----

// expected-error @+1 {{'qopt.arena_size' must be a non-negative integer on a function}}
func.func @arena_size(%x: memref<4xi8>) -> memref<4xi8> attributes {qopt.arena_size = -4 : i64} {
  return %x : memref<4xi8>
}

// -----

// expected-error @+1 {{'qopt.layer_bits' must be an array of "ID=W[/A]" strings on a function}}
func.func @layer_bits(%x: memref<4xi8>) -> memref<4xi8> attributes {qopt.layer_bits = ["3"]} {
  return %x : memref<4xi8>
}

// -----

// expected-error @+1 {{'qopt.size_budget' must be a positive integer on a function}}
func.func @size_budget(%x: memref<4xi8>) -> memref<4xi8> attributes {qopt.size_budget = 0 : i64} {
  return %x : memref<4xi8>
}

// -----

// expected-error @+1 {{'qopt.min_size' must be a positive integer on a function}}
func.func @min_size(%x: memref<4xi8>) -> memref<4xi8> attributes {qopt.min_size = -1 : i64} {
  return %x : memref<4xi8>
}

// -----

func.func @quant_on_op(%x: tensor<1x2xf32>) -> tensor<1x2xf32> {
  // expected-error @+1 {{'qopt.quant' belongs on a function's arguments or results}}
  %0 = tosa.abs %x {qopt.quant = !quant.uniform<i8:f32, 0.25>} : (tensor<1x2xf32>) -> tensor<1x2xf32>
  return %0 : tensor<1x2xf32>
}

// -----

func.func @unknown(%x: tensor<1x2xf32>) -> tensor<1x2xf32> {
  // expected-error @+1 {{unknown qopt attribute 'qopt.bits'}}
  %0 = tosa.abs %x {qopt.bits = 4} : (tensor<1x2xf32>) -> tensor<1x2xf32>
  return %0 : tensor<1x2xf32>
}

// -----

func.func @tail_step(%x: tensor<1x2x2x1xf32>) -> tensor<1x2x2x2xf32> {
  %w = "tosa.const"() {values = dense<0.5> : tensor<2x1x1x1xf32>} : () -> tensor<2x1x1x1xf32>
  %b = "tosa.const"() {values = dense<0.0> : tensor<2xf32>} : () -> tensor<2xf32>
  %zp = "tosa.const"() {values = dense<0.0> : tensor<1xf32>} : () -> tensor<1xf32>
  // expected-error @+1 {{'qopt.weight_tail_step' must be an integer of at least 1}}
  %0 = tosa.conv2d %x, %w, %b, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>, qopt.weight_bits = 4 : i32, qopt.weight_scales = array<f64: 0.1>, qopt.weight_tail_step = 0 : i64} : (tensor<1x2x2x1xf32>, tensor<2x1x1x1xf32>, tensor<2xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x2x2x2xf32>
  return %0 : tensor<1x2x2x2xf32>
}
