//===- Passes.td - qopt ahead-of-time code generation -------*- tablegen -*-===//
//
// Passes of the ahead-of-time path (qoptc): they make bufferized code
// self-contained, with no heap and no runtime library.
//
//===----------------------------------------------------------------------===//

#ifndef QOPT_TARGET_PASSES
#define QOPT_TARGET_PASSES

include "mlir/Pass/PassBase.td"

def PlanArena : Pass<"qopt-plan-arena", "mlir::ModuleOp"> {
  let summary = "Place every buffer of a function in one caller-provided arena";
  let description = [{
    Replaces every `memref.alloc` of each function with a body by a
    `memref.view` into a new last argument `%arena: memref<Nxi8>`
    (argument attribute `qopt.arena`), so that generated code allocates
    nothing. `N`, also recorded as the function attribute
    `qopt.arena_size`, and the offsets are planned at compile time: a
    buffer is live from its allocation to the last use of any of its
    aliases (views, casts) in the function's top-level order, and buffers
    are placed greedily by decreasing size at the lowest offset that no
    buffer live at the same time occupies (as TFLite's arena planner).
    Offsets are multiples of `alignment`; the caller must align the arena
    likewise. `memref.dealloc`s of planned buffers are erased.

    Runs after bufferization (and `buffer-results-to-out-params`), before
    loops are lowered to a CFG. Allocations with dynamic sizes, with a
    layout, or not at the top level of a function are errors, as are
    functions with callers (their signature changes).
  }];
  let options = [
    Option<"alignment", "alignment", "int64_t", /*default=*/"64",
           "Byte alignment of every buffer in the arena">,
  ];
  let dependentDialects = ["qopt::QoptDialect", "mlir::arith::ArithDialect",
                           "mlir::memref::MemRefDialect"];
}

def ForwardResultBuffers : Pass<"qopt-forward-result-buffers",
                                 "mlir::func::FuncOp"> {
  let summary = "Compute results in the caller's output buffers";
  let description = [{
    After `buffer-results-to-out-params`, a result computed into a local
    buffer is copied into its output argument at the end of the function
    (`hoist-static-allocs` avoids the copy only when the returned value is
    the allocation itself, not a reshape of it, as elementwise
    vectorization leaves it). For a `memref.copy %src, %out` whose target
    is a function argument used by nothing else and whose source is a
    `memref.alloc` seen through `collapse_shape`/`expand_shape` with the
    same element type and count as `%out`, the allocation is replaced by
    `%out` reshaped to its type and the copy is erased: the result is
    written where the caller wants it, and the buffer leaves the arena.

    The caller's buffers must then not overlap (the C header requires it):
    an output is written while inputs are still read.
  }];
  let dependentDialects = ["mlir::memref::MemRefDialect"];
}

def MemrefCopyToLinalg : Pass<"qopt-memref-copy-to-linalg"> {
  let summary = "Rewrite memref.copy as linalg.copy";
  let description = [{
    `memref.copy` between buffers with non-identity layouts (e.g. a padded
    tensor written into a subview) lowers to a call to `memrefCopy` from
    MLIR's runner utilities, a library an object file cannot count on.
    As `linalg.copy` it lowers to plain loops with the rest of the code.
  }];
  let dependentDialects = ["mlir::linalg::LinalgDialect"];
}

#endif // QOPT_TARGET_PASSES
