/* experiment.h: the HDF5 experiment file (schema zfstress-experiment/1): subjects, ragged tracks, metrics, stats, provenance. */
#ifndef ZFSTRESS_EXPERIMENT_H
#define ZFSTRESS_EXPERIMENT_H

#include <stddef.h>

#include "zfstress/ingest.h"
#include "zfstress/stats.h"
#include "zfstress/table.h"
#include "zfstress/track.h"

#ifdef __cplusplus
extern "C" {
#endif

#define ZF_SCHEMA "zfstress-experiment/1"

/* An open experiment file. Writing always goes to "<path>.tmp"; only
 * zf_experiment_commit puts it in place (fsync + rename), so an interrupted
 * run never damages the file that was there. */
typedef struct zf_experiment zf_experiment;

/* Where a track came from, recorded under /tracks/source_*. */
typedef struct zf_track_source {
    const char *file;      /* as named in the sample sheet */
    const char *format;    /* reader that read it */
    const char *sha256;    /* hex digest of the bytes read */
    double mm_per_unit;    /* scale applied to positions */
    const char *y_direction; /* "up" or "down (flipped)" */
    const char *conversions; /* what was done at the door, one line */
    const char *individual;  /* individual within a multi-animal file, "" */
    double fps;              /* frame rate stated or given; NaN when unknown */
    const zf_activity *activity; /* binned activity (ViewPoint) of this subject, or NULL */
} zf_track_source;

/* Start a new file at path (written to path.tmp). */
int zf_experiment_create(const char *path, zf_experiment **out);
/* Open an existing file. writable = 0: read only, in place. writable = 1: the
 * file is copied to path.tmp and that copy is opened; commit replaces the original. */
int zf_experiment_open(const char *path, int writable, zf_experiment **out);
/* Flush, close, fsync and rename into place; frees e (also on failure). */
int zf_experiment_commit(zf_experiment *e);
/* Close without committing: a writable temporary is removed. NULL is a no-op. */
void zf_experiment_close(zf_experiment *e);

/* /subjects/<column> for every column of the sample sheet (numbers float64 when
 * the whole column is numeric, else UTF-8 strings); attribute "columns" keeps the order. */
int zf_experiment_write_subjects(zf_experiment *e, const zf_table *samples);
/* The subjects back as a string table (numbers printed with %.15g). */
int zf_experiment_read_subjects(zf_experiment *e, zf_table **out);

/* Append the track of the next subject (subjects in sheet order). Streams to
 * chunked, compressed, checksummed datasets: memory is bounded by one track. */
int zf_experiment_append_track(zf_experiment *e, const zf_track *tr, const zf_track_source *src);
/* Write /tracks/offset and /tracks/source_* after the last append. */
int zf_experiment_finish_tracks(zf_experiment *e);

size_t zf_experiment_nsubjects(const zf_experiment *e);
size_t zf_experiment_nsamples(const zf_experiment *e);
/* Read subject i's track into tr (initialised; replaced). */
int zf_experiment_read_track(zf_experiment *e, size_t i, zf_track *tr);

/* Read subject i's binned activity into a (initialised; replaced); empty
 * when the subject has positions instead. */
int zf_experiment_read_activity(zf_experiment *e, size_t i, zf_activity *a);

/* /metrics/<name> float64[S] with attributes units, description, reference, parameters. */
int zf_experiment_write_metric(zf_experiment *e, const char *name, const char *unit,
                               const char *definition, const char *params, const double *v, size_t n);
/* Delete the datasets of /metrics and /binned not named in keep[nkeep] (left
 * by an earlier run with other endpoints or zones; /binned/bin_start stays),
 * and all of /binned when bins is 0 (time bins off). */
int zf_experiment_prune_metrics(zf_experiment *e, const char *const *keep, size_t nkeep, int bins);
/* /binned/<name> float64[S,B] and /binned/bin_start [B]. */
int zf_experiment_write_binned(zf_experiment *e, const char *name, const char *unit,
                               const double *v, size_t nsub, size_t nbin, const double *bin_start);
/* Read /binned/<name> back: *v (malloc'd, S x B row-major: subject i, bin b
 * at v[i * B + b]) and *bin_start (malloc'd [B]); the caller frees both. */
int zf_experiment_read_binned(zf_experiment *e, const char *name, double **v, size_t *nbin,
                              double **bin_start);
/* Read /metrics/<name> into v[S]. */
int zf_experiment_read_metric(zf_experiment *e, const char *name, double *v, size_t n);
/* Names of the datasets under /metrics in file order; free with zf_strv_free. */
int zf_experiment_list_metrics(zf_experiment *e, char ***names, size_t *n);
void zf_strv_free(char **v, size_t n);

/* /stats/<column>, column by column of the tidy results table. */
int zf_experiment_write_stats(zf_experiment *e, const zf_stat_table *t);

/* Read /stats back into t (initialised, appended to). */
int zf_experiment_read_stats(zf_experiment *e, zf_stat_table *t);

/* Text attribute on a group ("/", "/provenance", ...), created if missing. */
int zf_experiment_set_text(zf_experiment *e, const char *group, const char *key, const char *value);
/* Read a text attribute into a malloc'd string. */
int zf_experiment_get_text(zf_experiment *e, const char *group, const char *key, char **value);

/* What zf_experiment_verify found. */
typedef struct zf_verify_summary {
    size_t problems;     /* problems reported */
    size_t datasets;     /* datasets read in full */
    size_t checksummed;  /* of which carry a fletcher32 checksum (verified by the read) */
    size_t subjects;     /* S, from /tracks/offset */
    size_t samples;      /* N, rows of /tracks/time */
} zf_verify_summary;

/* Receives each problem, one line naming the dataset ("/tracks/position:
 * rows 0..32767: checksum error: a stored chunk is damaged (...)"). */
typedef void (*zf_verify_report)(void *ctx, const char *problem);

/* Check the file at path against the schema (root attributes; /subjects,
 * /tracks/time, /tracks/position, /tracks/offset present; offset starts at 0,
 * never decreases and ends at N; subject columns, /tracks/source_* and
 * /metrics of S rows; /binned of (S, B); /stats columns of one length) and read
 * every dataset in full, so that each chunk's fletcher32 checksum is verified.
 * Every problem goes to report (may be NULL). ZF_OK: none; ZF_ESCHEMA:
 * problems (zf_errmsg: their count and the first), also when the file is not
 * HDF5; ZF_EIO: it cannot be opened. summary (may be NULL) is filled in either case. */
int zf_experiment_verify(const char *path, zf_verify_report report, void *ctx, zf_verify_summary *summary);

#ifdef __cplusplus
}
#endif
#endif
