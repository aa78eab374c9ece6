/* mpi.c: (ZF_MPI builds only) start and stop MPI, agree on a status across ranks, move byte buffers, split the rows. */
#include "zfstress/core.h"
#include "core/pool.h"
#include "mpi/zfmpi.h"

#include <mpi.h>

#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static int active, rank, size = 1, plan_sent;

/* Sends in flight: the request and the buffer it owns. */
static MPI_Request *reqs;
static void **bufs;
static size_t nreq, capreq;

int zf_mpi_init(int *argc, char ***argv)
{
    /* set by mpirun / mpiexec (Open MPI, PMIx) or srun (PMI, PMIx) for every rank */
    static const char *const launcher_env[] = {"OMPI_COMM_WORLD_SIZE", "PMIX_RANK", "PMI_RANK", "PMI_SIZE"};
    int launched = 0;
    for (size_t i = 0; i < sizeof launcher_env / sizeof launcher_env[0]; i++)
        launched |= getenv(launcher_env[i]) != NULL;
    if (!launched)
        return 0;
    if (MPI_Init(argc, argv) != MPI_SUCCESS)
        return 0;
    /* failures come back as status codes: ranks stop together through zf_mpi_agree, not by MPI's abort */
    MPI_Comm_set_errhandler(MPI_COMM_WORLD, MPI_ERRORS_RETURN);
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    active = 1;
    return 1;
}

void zf_mpi_finalize(void)
{
    if (active)
        MPI_Finalize();
    active = 0;
}

/* Waiting ranks sleep instead of spinning: Open MPI polls at full speed while it
 * waits, and the other ranks wait for rank 0 most of the run (its hashing before
 * ingest, its writing, statistics and figures after), on cores rank 0 needs. */
static void nap(void)
{
    struct timespec ts = {0, 200000}; /* 0.2 ms */
    nanosleep(&ts, NULL);
}

/* A barrier that waits asleep, before a collective that may wait long. */
static int idle_barrier(void)
{
    MPI_Request req;
    int done = 0;
    if (MPI_Ibarrier(MPI_COMM_WORLD, &req) != MPI_SUCCESS)
        return -1;
    while (!done) {
        if (MPI_Test(&req, &done, MPI_STATUS_IGNORE) != MPI_SUCCESS)
            return -1;
        if (!done)
            nap();
    }
    return 0;
}

int zf_mpi_active(void) { return active; }
int zf_mpi_rank(void) { return rank; }
int zf_mpi_size(void) { return size; }

int zf_mpi_agree(int rc)
{
    if (!active)
        return rc;
    /* the lowest failing rank (size when none failed) ... */
    int mine = rc != ZF_OK ? rank : size, first = size;
    if (idle_barrier() != 0 || MPI_Allreduce(&mine, &first, 1, MPI_INT, MPI_MIN, MPI_COMM_WORLD) != MPI_SUCCESS)
        return zf_error(ZF_EIO, "MPI: ranks could not agree on the run's status");
    if (first == size)
        return ZF_OK;
    /* ... sends its status and message to all */
    struct {
        int rc;
        char msg[2048];
    } what;
    memset(&what, 0, sizeof what);
    if (rank == first) {
        what.rc = rc;
        snprintf(what.msg, sizeof what.msg, "%s", zf_errmsg());
    }
    if (MPI_Bcast(&what, (int)sizeof what, MPI_BYTE, first, MPI_COMM_WORLD) != MPI_SUCCESS)
        return zf_error(ZF_EIO, "MPI: rank %d failed and its message could not be sent", first);
    return zf_error(what.rc, "%s", what.msg);
}

int zf_mpi_bcast(void *buf, size_t n)
{
    if (n > INT_MAX)
        return zf_error(ZF_EINVAL, "MPI: broadcast of %zu bytes is too large", n);
    if (idle_barrier() != 0 || MPI_Bcast(buf, (int)n, MPI_BYTE, 0, MPI_COMM_WORLD) != MPI_SUCCESS)
        return zf_error(ZF_EIO, "MPI: broadcast from rank 0 failed");
    return ZF_OK;
}

int zf_mpi_isend_owned(int dest, void *buf, size_t n)
{
    if (n > INT_MAX) {
        free(buf);
        return zf_error(ZF_EINVAL, "MPI: one subject's data of %zu bytes is too large for one message (2 GiB)", n);
    }
    if (nreq == capreq) {
        size_t cap = capreq ? 2 * capreq : 64;
        MPI_Request *r = realloc(reqs, cap * sizeof *r);
        if (r)
            reqs = r;
        void **b = r ? realloc(bufs, cap * sizeof *b) : NULL;
        if (!b) {
            free(buf);
            return zf_error(ZF_ENOMEM, "out of memory");
        }
        bufs = b;
        capreq = cap;
    }
    if (MPI_Isend(buf, (int)n, MPI_BYTE, dest, 1, MPI_COMM_WORLD, &reqs[nreq]) != MPI_SUCCESS) {
        free(buf);
        return zf_error(ZF_EIO, "MPI: rank %d cannot send to rank %d", rank, dest);
    }
    bufs[nreq++] = buf;
    return ZF_OK;
}

int zf_mpi_wait_sends(void)
{
    int rc = ZF_OK, done = 0;
    while (nreq && !done) {
        if (MPI_Testall((int)nreq, reqs, &done, MPI_STATUSES_IGNORE) != MPI_SUCCESS) {
            rc = zf_error(ZF_EIO, "MPI: rank %d: sending to rank 0 failed", rank);
            break;
        }
        if (!done)
            nap();
    }
    for (size_t i = 0; i < nreq; i++)
        free(bufs[i]);
    free(reqs);
    free(bufs);
    reqs = NULL;
    bufs = NULL;
    nreq = capreq = 0;
    return rc;
}

int zf_mpi_recv(int src, void **buf, size_t *n)
{
    MPI_Status st;
    int count = 0, there = 0;
    while (!there) {
        if (MPI_Iprobe(src, 1, MPI_COMM_WORLD, &there, &st) != MPI_SUCCESS)
            return zf_error(ZF_EIO, "MPI: cannot receive from rank %d", src);
        if (!there)
            nap();
    }
    if (MPI_Get_count(&st, MPI_BYTE, &count) != MPI_SUCCESS)
        return zf_error(ZF_EIO, "MPI: cannot receive from rank %d", src);
    void *b = malloc((size_t)count + 1);
    if (!b)
        return zf_error(ZF_ENOMEM, "out of memory");
    if (MPI_Recv(b, count, MPI_BYTE, src, 1, MPI_COMM_WORLD, MPI_STATUS_IGNORE) != MPI_SUCCESS) {
        free(b);
        return zf_error(ZF_EIO, "MPI: cannot receive from rank %d", src);
    }
    *buf = b;
    *n = (size_t)count;
    return ZF_OK;
}

/* The plan on the wire: go, keep_going, early, nranks, nrow, then the bounds. */
int zf_mpi_plan_send(const zf_mpi_plan *p)
{
    uint64_t head[5] = {(uint64_t)p->go, (uint64_t)p->keep_going, (uint64_t)p->early, (uint64_t)size,
                        (uint64_t)p->nrow};
    uint64_t *b = calloc((size_t)size + 1, sizeof *b);
    int rc;
    plan_sent = 1;
    for (int k = 0; b && p->go && k <= size; k++)
        b[k] = (uint64_t)p->bounds[k];
    if ((rc = zf_mpi_bcast(head, sizeof head)) == ZF_OK)
        rc = zf_mpi_bcast(b ? (void *)b : (void *)head, b ? ((size_t)size + 1) * sizeof *b : sizeof head);
    free(b);
    return rc;
}

int zf_mpi_plan_sent(void) { return plan_sent; }

int zf_mpi_plan_recv(zf_mpi_plan *p)
{
    uint64_t head[5];
    int rc;
    memset(p, 0, sizeof *p);
    if ((rc = zf_mpi_bcast(head, sizeof head)) != ZF_OK)
        return rc;
    uint64_t *b = calloc((size_t)size + 1, sizeof *b);
    /* rank 0 sends the bounds even when it could not allocate them (then the head again) */
    if ((rc = zf_mpi_bcast(b ? (void *)b : (void *)head, b ? ((size_t)size + 1) * sizeof *b : sizeof head)) != ZF_OK) {
        free(b);
        return rc;
    }
    p->go = (int)head[0];
    p->keep_going = (int)head[1];
    p->early = (int)head[2];
    p->nranks = (int)head[3];
    p->nrow = (size_t)head[4];
    if (!b || !(p->bounds = malloc(((size_t)size + 1) * sizeof *p->bounds))) {
        free(b);
        return zf_error(ZF_ENOMEM, "out of memory");
    }
    for (int k = 0; k <= size; k++)
        p->bounds[k] = (size_t)b[k];
    free(b);
    return ZF_OK;
}

void zf_mpi_split(const double *weight, size_t n, int parts, size_t *bounds)
{
    double total = 0, run = 0;
    for (size_t r = 0; r < n; r++)
        total += weight[r];
    size_t r = 0;
    bounds[0] = 0;
    /* part k ends at the first row where the running weight reaches k/parts of the total */
    for (int k = 1; k < parts; k++) {
        double target = total * (double)k / (double)parts;
        while (r < n && run + weight[r] / 2 < target)
            run += weight[r++];
        bounds[k] = r;
    }
    bounds[parts] = n;
}

int zf_mpi_run_finish(int rc)
{
    if (!active)
        return rc;
    if (!plan_sent) {
        zf_mpi_plan none = {0, 0, 0, size, 0, NULL};
        int prc = zf_mpi_plan_send(&none);
        if (rc == ZF_OK)
            rc = prc;
    }
    return zf_mpi_agree(rc);
}

int zf_mpi_run_worker(const zf_study *s, const zf_run_opts *ro)
{
    zf_mpi_plan plan;
    zf_jobs_set(ro->jobs);
    int rc = zf_mpi_plan_recv(&plan);
    if (rc == ZF_OK && plan.go)
        rc = zf_stage_ingest_worker(s, &plan);
    free(plan.bounds);
    /* a failure here also reached rank 0 inside the rows it sent; rank 0's status is the run's */
    return zf_mpi_agree(rc);
}
