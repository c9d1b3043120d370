#ifndef LATENTMAP_CFFTW_SHIM_H
#define LATENTMAP_CFFTW_SHIM_H
#include <fftw3.h>

/* FFTW_ESTIMATE as a value Swift can read: plans chosen by heuristics, not timing, so the
   same sizes always give the same plan (and the same bytes). */
static inline unsigned latentmap_fftw_estimate(void) { return FFTW_ESTIMATE; }
/* The directions of a complex transform (FFTW_FORWARD = -1, FFTW_BACKWARD = +1). */
static inline int latentmap_fftw_forward(void) { return FFTW_FORWARD; }
static inline int latentmap_fftw_backward(void) { return FFTW_BACKWARD; }
/* The real-even transform of an even sequence (a DCT-I): the spectrum of a symmetric kernel. */
static inline fftwf_r2r_kind latentmap_fftw_redft00(void) { return FFTW_REDFT00; }
#endif
