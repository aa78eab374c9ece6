/* experiment_internal.h: (internal) what the stages tell the experiment writer beyond the public API: the thread pool that encodes track chunks. */
#ifndef ZF_STORE_EXPERIMENT_INTERNAL_H
#define ZF_STORE_EXPERIMENT_INTERNAL_H

#include "zfstress/experiment.h"
#include "core/pool.h"

/* Encode the chunks of /tracks in pool's threads from now on (NULL: in the
 * calling thread). Chunks in flight are written first; a pool must be
 * detached (set to NULL) before it is freed. The file's bytes do not depend
 * on the pool. */
void zf_experiment_set_pool(zf_experiment *e, zf_pool *pool);

/* Samples of subject i (*n) and its last two times (last[1] the last; NaN
 * where the track is shorter): what the bins of the metrics need, without
 * reading the track. */
int zf_experiment_track_tail(zf_experiment *e, size_t i, size_t *n, double last[2]);

/* The runner will compute the metrics right after ingest on this handle:
 * ingest may compute them while each track is in memory (zf_run sets it). */
void zf_experiment_want_metrics(zf_experiment *e, int yes);
int zf_experiment_wants_metrics(const zf_experiment *e);

/* Data one stage leaves for a later stage on the same handle (NULL: none);
 * release(data) runs when it is replaced or the handle is closed. */
void zf_experiment_attach(zf_experiment *e, void *data, void (*release)(void *));
void *zf_experiment_attached(const zf_experiment *e);

#ifdef ZF_MPI
/* (ZF_MPI) Appended tracks count their rows but do not write their samples:
 * the ranks write them with zf_experiment_mpi_write_rows. */
void zf_experiment_defer_samples(zf_experiment *e);
/* (ZF_MPI) Collective over every rank, after zf_experiment_finish_tracks on
 * rank 0: each rank writes its n tracks (track k at row first[k], in
 * increasing order) into /tracks/time and /tracks/position with parallel
 * HDF5. Rank 0 passes its experiment (closed meanwhile and opened again),
 * the others NULL; status: the rank's own state (a failure stops the write
 * on every rank). Returns the status of the first rank that failed. */
int zf_experiment_mpi_write_rows(zf_experiment *e, int status, const zf_track *tracks, const size_t *first, size_t n);
#endif

#endif
