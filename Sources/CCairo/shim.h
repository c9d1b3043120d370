#ifndef LATENTMAP_CCAIRO_SHIM_H
#define LATENTMAP_CCAIRO_SHIM_H
#include <cairo.h>
#include <cairo-svg.h>
#include <cairo-pdf.h>
#include <cairo-ps.h>
#include <cairo-ft.h>
#endif
