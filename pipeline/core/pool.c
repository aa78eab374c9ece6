/* pool.c: the run's thread count and a FIFO thread pool whose waiting thread helps; tasks carry their error message across threads. */
#include "zfstress/core.h"
#include "core/pool.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

enum { T_IDLE = 0, T_QUEUED, T_RUNNING, T_DONE };

struct zf_pool {
    pthread_mutex_t mu;
    pthread_cond_t work;  /* a task was queued, or the pool stops */
    pthread_cond_t done;  /* a task finished */
    zf_task *head, *tail; /* queued tasks, FIFO */
    pthread_t *tid;
    int nthreads;         /* workers started */
    int threads;          /* workers + the waiting thread */
    int stop;
};

static int g_jobs; /* 0: one per core */

void zf_jobs_set(int jobs) { g_jobs = jobs < 0 ? 0 : jobs; }

int zf_jobs(void)
{
    if (g_jobs > 0)
        return g_jobs;
    /* ZF_JOBS sets the default for every subcommand (like OMP_NUM_THREADS) */
    const char *env = getenv("ZF_JOBS");
    if (env && env[0]) {
        char *end = NULL;
        long v = strtol(env, &end, 10);
        if (end && *end == '\0' && v >= 1 && v <= 4096)
            return (int)v;
    }
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    return n >= 1 ? (n > 4096 ? 4096 : (int)n) : 1;
}

/* Run t outside the lock; keep its message when it fails. */
static void run_task(zf_pool *p, zf_task *t)
{
    int rc = t->fn(t->arg);
    char *msg = NULL;
    if (rc != 0) {
        const char *m = zf_errmsg();
        size_t n = strlen(m);
        if ((msg = malloc(n + 1)) != NULL)
            memcpy(msg, m, n + 1);
    }
    pthread_mutex_lock(&p->mu);
    t->rc = rc;
    t->msg = msg;
    t->state = T_DONE;
    pthread_cond_broadcast(&p->done);
    pthread_mutex_unlock(&p->mu);
}

/* Take the first queued task; the lock is held. */
static zf_task *pop(zf_pool *p)
{
    zf_task *t = p->head;
    if (t) {
        p->head = t->next;
        if (!p->head)
            p->tail = NULL;
        t->next = NULL;
        t->state = T_RUNNING;
    }
    return t;
}

static void *worker(void *arg)
{
    zf_pool *p = arg;
    pthread_mutex_lock(&p->mu);
    for (;;) {
        zf_task *t = pop(p);
        if (t) {
            pthread_mutex_unlock(&p->mu);
            run_task(p, t);
            pthread_mutex_lock(&p->mu);
            continue;
        }
        if (p->stop)
            break;
        pthread_cond_wait(&p->work, &p->mu);
    }
    pthread_mutex_unlock(&p->mu);
    return NULL;
}

int zf_pool_new(int threads, zf_pool **out)
{
    int rc = ZF_OK;
    zf_pool *p = calloc(1, sizeof *p);
    if (!p)
        return zf_error(ZF_ENOMEM, "out of memory");
    p->threads = threads < 1 ? 1 : threads;
    if (pthread_mutex_init(&p->mu, NULL) != 0) {
        free(p);
        return zf_error(ZF_ENOMEM, "cannot create a mutex");
    }
    pthread_cond_init(&p->work, NULL);
    pthread_cond_init(&p->done, NULL);
    if (p->threads > 1 && !(p->tid = malloc((size_t)(p->threads - 1) * sizeof *p->tid))) {
        rc = zf_error(ZF_ENOMEM, "out of memory");
        goto done;
    }
    for (int i = 0; i + 1 < p->threads; i++) {
        if (pthread_create(&p->tid[i], NULL, worker, p) != 0) {
            rc = zf_error(ZF_ENOMEM, "cannot start worker thread %d of %d", i + 1, p->threads - 1);
            goto done;
        }
        p->nthreads++;
    }
done:
    if (rc) {
        zf_pool_free(p);
        return rc;
    }
    *out = p;
    return ZF_OK;
}

int zf_pool_threads(const zf_pool *p) { return p->threads; }

void zf_pool_submit(zf_pool *p, zf_task *t)
{
    t->state = T_QUEUED;
    t->rc = 0;
    t->msg = NULL;
    t->next = NULL;
    pthread_mutex_lock(&p->mu);
    if (p->tail)
        p->tail->next = t;
    else
        p->head = t;
    p->tail = t;
    pthread_cond_signal(&p->work);
    pthread_mutex_unlock(&p->mu);
}

int zf_pool_done(zf_pool *p, zf_task *t)
{
    pthread_mutex_lock(&p->mu);
    int d = t->state == T_DONE;
    pthread_mutex_unlock(&p->mu);
    return d;
}

/* Collect a finished task: its status, its message to the caller. */
static int reap(zf_task *t)
{
    int rc = t->rc;
    if (rc != 0)
        zf_error(rc, "%s", t->msg ? t->msg : "out of memory");
    free(t->msg);
    t->msg = NULL;
    t->state = T_IDLE;
    return rc;
}

int zf_pool_wait(zf_pool *p, zf_task *t)
{
    pthread_mutex_lock(&p->mu);
    while (t->state != T_DONE) {
        /* help: run queued work in FIFO order (t itself, once it is at the head) */
        zf_task *q = pop(p);
        if (q) {
            pthread_mutex_unlock(&p->mu);
            run_task(p, q);
            pthread_mutex_lock(&p->mu);
            continue;
        }
        pthread_cond_wait(&p->done, &p->mu);
    }
    pthread_mutex_unlock(&p->mu);
    return reap(t);
}

void zf_pool_cancel(zf_pool *p, zf_task *t)
{
    pthread_mutex_lock(&p->mu);
    if (t->state == T_QUEUED) {
        zf_task **pp = &p->head, *prev = NULL;
        while (*pp && *pp != t) {
            prev = *pp;
            pp = &(*pp)->next;
        }
        if (*pp) {
            *pp = t->next;
            if (p->tail == t)
                p->tail = prev;
        }
        t->next = NULL;
        t->state = T_IDLE;
    }
    while (t->state == T_RUNNING)
        pthread_cond_wait(&p->done, &p->mu);
    pthread_mutex_unlock(&p->mu);
    if (t->state == T_DONE) {
        free(t->msg);
        t->msg = NULL;
        t->state = T_IDLE;
    }
}

void zf_pool_free(zf_pool *p)
{
    if (!p)
        return;
    pthread_mutex_lock(&p->mu);
    p->stop = 1;
    pthread_cond_broadcast(&p->work);
    pthread_mutex_unlock(&p->mu);
    for (int i = 0; i < p->nthreads; i++)
        pthread_join(p->tid[i], NULL);
    pthread_cond_destroy(&p->work);
    pthread_cond_destroy(&p->done);
    pthread_mutex_destroy(&p->mu);
    free(p->tid);
    free(p);
}
