#ifndef LATENTMAP_COPENBLAS_SHIM_H
#define LATENTMAP_COPENBLAS_SHIM_H
#include <cblas.h>
#include <lapacke.h>
#endif
