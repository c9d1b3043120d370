#ifndef LATENTMAP_CFFTW_SHIM_H
#define LATENTMAP_CFFTW_SHIM_H
#include <fftw3.h>

/* FFTW_ESTIMATE as a value Swift can read: plans chosen by heuristics, not timing, so the
   same sizes always give the same plan (and the same bytes). */
static inline unsigned latentmap_fftw_estimate(void) { return FFTW_ESTIMATE; }
#endif
