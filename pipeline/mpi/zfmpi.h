/* zfmpi.h: (internal, ZF_MPI builds only) the few MPI operations a study run needs across ranks, without MPI types. */
#ifndef ZF_MPI_ZFMPI_H
#define ZF_MPI_ZFMPI_H

#include <stddef.h>

#include "zfstress/pipeline.h"
#include "zfstress/study.h"

/* Start MPI when the process was launched by mpirun or srun (an MPI launcher
 * set its environment); a plain start stays serial and never touches MPI.
 * Returns 1 when MPI is running (even with one rank). */
int zf_mpi_init(int *argc, char ***argv);
/* Finalize when zf_mpi_init started MPI; a no-op otherwise. */
void zf_mpi_finalize(void);
int zf_mpi_active(void);
int zf_mpi_rank(void); /* 0 when not active */
int zf_mpi_size(void); /* 1 when not active */

/* Collective: every rank passes its status; all get the status of the
 * lowest failing rank (ZF_OK when none failed) and, when it failed, its
 * message as their own zf_errmsg(). */
int zf_mpi_agree(int rc);
/* Collective: n bytes from rank 0 into buf on every rank. */
int zf_mpi_bcast(void *buf, size_t n);
/* Send n bytes to rank dest without waiting: buf must stay untouched until
 * zf_mpi_wait_sends returns (which then frees it with free()). */
int zf_mpi_isend_owned(int dest, void *buf, size_t n);
/* Wait until every zf_mpi_isend_owned has been received; frees the buffers. */
int zf_mpi_wait_sends(void);
/* Receive the next message from rank src into *buf (malloc'd, *n bytes). */
int zf_mpi_recv(int src, void **buf, size_t *n);

/* The run on a rank other than 0: read and compute the subjects of its part
 * of the sample sheet and send them to rank 0, which writes the experiment
 * and runs every later stage. Its status is rank 0's status (and message). */
int zf_mpi_run_worker(const zf_study *s, const zf_run_opts *ro);
/* Rank 0, after zf_run: release the other ranks (if ingest never started
 * them) and agree on the run's status. */
int zf_mpi_run_finish(int rc);

/* What rank 0 tells the others when ingest starts (zf_mpi_plan_send) or
 * that it will not (go = 0). bounds[k] .. bounds[k+1]-1 are rank k's rows. */
typedef struct zf_mpi_plan {
    int go;
    int keep_going;
    int early;      /* compute the metrics at ingest */
    int nranks;
    size_t nrow;
    size_t *bounds; /* [nranks + 1], malloc'd */
} zf_mpi_plan;
/* Rank 0: broadcast the plan (once per run). */
int zf_mpi_plan_send(const zf_mpi_plan *p);
/* Rank 0: 1 when a plan (go or not) has been sent. */
int zf_mpi_plan_sent(void);
/* Other ranks: receive it; free bounds with free(). */
int zf_mpi_plan_recv(zf_mpi_plan *p);
/* Split rows 0..n-1 into size contiguous parts of nearly equal weight
 * (samples, estimated by file size): bounds[size + 1]. */
void zf_mpi_split(const double *weight, size_t n, int size, size_t *bounds);

/* (stages.c) A rank other than 0 during ingest: read its rows of the plan
 * and send each row's result to rank 0 in sheet order. */
int zf_stage_ingest_worker(const zf_study *s, const zf_mpi_plan *plan);

#endif
