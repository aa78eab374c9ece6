/* track.h: the canonical track (s, mm, y up, NaN for missing) and the generic CSV track reader. */
#ifndef ZFSTRESS_TRACK_H
#define ZFSTRESS_TRACK_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/* One animal in one arena during one trial. t in seconds from trial start,
 * x and y in millimetres with y pointing up. Missing positions are NaN; rows
 * are never dropped. The track owns its arrays. */
typedef struct zf_track {
    size_t n, cap;
    double *t;
    double *x;
    double *y;
} zf_track;

void zf_track_init(zf_track *tr);
void zf_track_free(zf_track *tr); /* releases arrays, keeps the struct; NULL is a no-op */
int zf_track_push(zf_track *tr, double t, double x, double y);
/* Number of samples whose x or y is NaN. */
size_t zf_track_missing(const zf_track *tr);
/* 1 when no sample has both coordinates (stops at the first that has). */
int zf_track_all_missing(const zf_track *tr);

/* How to read and convert a generic CSV track. */
typedef struct zf_csv_spec {
    const char *col_time;  /* NULL or "": no time column, use frame index / fps */
    const char *col_x;
    const char *col_y;
    int units;             /* ZF_UNITS_* */
    double px_per_mm;      /* needed when units is ZF_UNITS_PX */
    int y_down;            /* 1: image coordinates (y grows downwards) */
    double y_origin;       /* with y_down: y_canonical = y_origin - y (in mm after scaling) */
    double fps;            /* needed without a time column */
} zf_csv_spec;

enum { ZF_UNITS_MM = 0, ZF_UNITS_CM = 1, ZF_UNITS_PX = 2 };
/* "mm", "cm", "px" -> ZF_UNITS_*, or -1. */
int zf_units_parse(const char *s);
const char *zf_units_name(int units);

/* Read a generic CSV/TSV track into tr (which must be initialised and empty;
 * on failure it is left empty).
 * Errors name the file, line and column: unknown column, non-numeric cell,
 * empty track, time going backwards. */
int zf_track_read_csv(const char *path, const zf_csv_spec *spec, zf_track *tr);

#ifdef __cplusplus
}
#endif
#endif
