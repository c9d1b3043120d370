#ifndef LATENTMAP_CZLIB_SHIM_H
#define LATENTMAP_CZLIB_SHIM_H
#include <zlib.h>
#endif
