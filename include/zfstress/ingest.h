/* ingest.h: the tracker-format readers (one descriptor per format), format detection and calibration at the door. */
#ifndef ZFSTRESS_INGEST_H
#define ZFSTRESS_INGEST_H

#include <stddef.h>

#include "zfstress/track.h"

#ifdef __cplusplus
extern "C" {
#endif

enum { ZF_Y_AUTO = -1, ZF_Y_UP = 0, ZF_Y_DOWN = 1 };
enum { ZF_UNITS_AUTO = -1 }; /* units as the file states them (mm when it states none) */

/* What the study and the sample-sheet row supply to a reader. NaN / NULL /
 * *_AUTO mean "not given": the reader then uses what the file says. */
typedef struct zf_read_opts {
    const char *col_time;    /* generic CSV column names */
    const char *col_x;
    const char *col_y;
    int units;               /* ZF_UNITS_*: overrides the file's unit */
    double px_per_mm;        /* scale for pixel coordinates */
    int y_axis;              /* ZF_Y_*: overrides the format's own y direction */
    double origin_x;         /* file units: x of the arena's left edge (subtracted), NaN = 0 */
    double origin_y;         /* file units: with y down, the image y of the tank floor; NaN: use arena_height_mm */
    double arena_height_mm;  /* with y down and no origin_y: y_up = arena_height_mm - y_mm */
    double fps;              /* frame rate when the file has no time column (and overrides none) */
    double time_offset_s;    /* samples before this time are dropped, the rest shifted to start at 0 */
    const char *bodypart;    /* keypoint formats: the body part to track; NULL: centroid of confident parts */
    double min_likelihood;   /* keypoint formats: parts below this likelihood are missing (default 0.6) */
    const char *individual;  /* multi-animal files: only this individual; NULL: every individual */
    const char *arena;       /* multi-arena files: only this arena; NULL: every arena */
    int decimal_comma;       /* 1: numbers use ',' as the decimal mark */
} zf_read_opts;

void zf_read_opts_default(zf_read_opts *o);

/* Binned activity of one animal (ViewPoint ZebraBox/ZebraLab exports): per
 * time bin, the distance moved while inactive, in small and in large
 * movements. Readers of such formats emit an empty track with this attached. */
typedef struct zf_activity {
    size_t n, cap;
    double *start_s;      /* bin start from trial start, s */
    double *duration_s;   /* bin length, s */
    double *inactive_mm;  /* distance moved below the inactivity threshold */
    double *small_mm;     /* distance in small movements */
    double *large_mm;     /* distance in large movements */
} zf_activity;

void zf_activity_init(zf_activity *a);
void zf_activity_free(zf_activity *a); /* keeps the struct; NULL is a no-op */
int zf_activity_push(zf_activity *a, double start_s, double duration_s, double inactive_mm,
                     double small_mm, double large_mm);

/* What a reader learned about one track it emits. */
typedef struct zf_track_info {
    char individual[64];     /* "" for single-animal files */
    char arena[64];          /* "" when the file has no arena */
    double fps;              /* stated by the file or derived; NaN when unknown */
    char units[16];          /* unit of the file's positions before conversion */
    double mm_per_unit;      /* scale applied */
    char y_direction[24];    /* "up" or "down (flipped)" */
    char conversions[256];   /* what was done, for provenance */
    const zf_activity *activity; /* binned activity instead of positions (track empty), else NULL */
} zf_track_info;

/* A reader hands each track it read to the sink; the sink may take the
 * arrays (leaving tr empty) or copy them. Non-zero return stops the reader. */
typedef int (*zf_track_sink)(void *ctx, zf_track *tr, const zf_track_info *info);

/* One row of the reader table. */
typedef struct zf_format {
    const char *name;        /* "ethovision", "csv", ... */
    const char *files;       /* what it reads, one line */
    const char *needs;       /* what the study must supply */
    /* Confidence 0 (not this format) .. 100 that the file is this format,
     * from its first bytes (up to 64 KiB) and its name. */
    int (*sniff)(const char *path, const unsigned char *head, size_t n);
    int (*read)(const char *path, const zf_read_opts *o, zf_track_sink sink, void *ctx);
} zf_format;

size_t zf_format_count(void);
const zf_format *zf_format_get(size_t i);
const zf_format *zf_format_find(const char *name); /* NULL when unknown */

/* Pick the reader by content; fails naming the file and what was looked at. */
int zf_format_detect(const char *path, const zf_format **out);

/* Read every track of path with the named format ("auto": detect). */
int zf_read_tracks(const char *path, const char *format, const zf_read_opts *o,
                   zf_track_sink sink, void *ctx, const zf_format **used);

/* For readers: convert a track read in file units in place to the canonical
 * one (mm, y up, time offset), filling info->mm_per_unit, y_direction and
 * conversions. file_units: ZF_UNITS_MM/CM/PX as the file states it;
 * file_y_down: the format's own convention. Fails (naming path) when pixels
 * have no px_per_mm. */
int zf_track_calibrate(const char *path, zf_track *tr, const zf_read_opts *o, int file_units,
                       int file_y_down, zf_track_info *info);

#ifdef __cplusplus
}
#endif
#endif
