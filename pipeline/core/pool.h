/* pool.h: (internal) the thread count of a run and a small pool of worker threads for independent per-subject and per-chunk tasks. */
#ifndef ZF_CORE_POOL_H
#define ZF_CORE_POOL_H

#include <stddef.h>

/* Threads for per-subject work in this process: what `--jobs N` asked for
 * (0: the default). zf_jobs() resolves the default to the environment
 * variable ZF_JOBS when it holds a count 1..4096, else to the number of
 * online cores; the result is >= 1. */
void zf_jobs_set(int jobs);
int zf_jobs(void);

/* A task: fn(arg) runs once on some thread. The caller owns the struct and
 * keeps it alive (and untouched) from zf_pool_submit until zf_pool_wait or
 * zf_pool_cancel returns. A task that fails returns a ZF_E* status and the
 * message it set with zf_error is handed to the thread that waits. */
typedef struct zf_task {
    int (*fn)(void *arg);
    void *arg;
    /* private to the pool */
    int state;
    int rc;
    struct zf_task *next;
    char *msg;
} zf_task;

typedef struct zf_pool zf_pool;

/* A pool whose work is done by `threads` threads in all: threads - 1
 * workers plus the thread that waits, which runs queued tasks itself while
 * it waits. threads = 1 starts no thread: every task runs, in submission
 * order, inside zf_pool_wait. Results never depend on the thread count. */
int zf_pool_new(int threads, zf_pool **out);
/* Threads the pool works with (>= 1). */
int zf_pool_threads(const zf_pool *p);
/* Queue t (fn and arg set). Never fails. */
void zf_pool_submit(zf_pool *p, zf_task *t);
/* 1 when t has finished (its wait will not block). */
int zf_pool_done(zf_pool *p, zf_task *t);
/* Wait until t has run (running queued tasks meanwhile); returns its status
 * and, on failure, sets the caller's error message to the task's. */
int zf_pool_wait(zf_pool *p, zf_task *t);
/* Forget t: unqueue it if it has not started, else wait for it. */
void zf_pool_cancel(zf_pool *p, zf_task *t);
/* Stop the workers. Every submitted task must have been waited for or
 * cancelled. NULL is a no-op. */
void zf_pool_free(zf_pool *p);

#endif
