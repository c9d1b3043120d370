#ifndef LATENTMAP_CXSMM_SHIM_H
#define LATENTMAP_CXSMM_SHIM_H
#include <libxsmm.h>

/// A JIT kernel for the column-major product C = A·op(B) (+ C when `accumulate`), op(B) = Bᵀ when
/// `transB`; NULL when LIBXSMM has none for the shape or CPU. (Its kernel type is variadic,
/// which Swift cannot call, so the pointer travels as void*.)
static inline const void *latentmap_xsmm_dispatch(int m, int n, int k, int lda, int ldb, int ldc, int transB,
                                                   int accumulate) {
    const float alpha = 1, beta = accumulate ? 1 : 0;
    const int flags = (transB ? LIBXSMM_GEMM_FLAG_TRANS_B : 0) | (accumulate ? 0 : LIBXSMM_GEMM_FLAG_BETA_0);
    const libxsmm_blasint la = lda, lb = ldb, lc = ldc;
    libxsmm_smmfunction kernel = libxsmm_smmdispatch(m, n, k, &la, &lb, &lc, &alpha, &beta, &flags, NULL);
    return (const void *)kernel;
}

/// Runs a kernel from `latentmap_xsmm_dispatch` (LIBXSMM's operand order: A, B, C).
static inline void latentmap_xsmm_sgemm(const void *kernel, const float *a, const float *b, float *c) {
    ((libxsmm_smmfunction)kernel)(a, b, c);
}
#endif
