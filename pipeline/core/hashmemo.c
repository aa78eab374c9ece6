/* hashmemo.c: the process's memo of file digests (path + stat identity -> SHA-256), guarded by a mutex. */
#include "zfstress/core.h"
#include "core/hashmemo.h"

#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

typedef struct memo {
    char *path;
    struct stat st;
    char hex[65];
    struct memo *next;
} memo;

#define NBUCKET 4096

static pthread_mutex_t g_mu = PTHREAD_MUTEX_INITIALIZER;
static memo *g_bucket[NBUCKET];

static size_t bucket_of(const char *path)
{
    uint32_t h = 2166136261u; /* FNV-1a */
    for (const unsigned char *p = (const unsigned char *)path; *p; p++)
        h = (h ^ *p) * 16777619u;
    return h % NBUCKET;
}

static int same_file(const struct stat *a, const struct stat *b)
{
    return a->st_dev == b->st_dev && a->st_ino == b->st_ino && a->st_size == b->st_size &&
           a->st_mtim.tv_sec == b->st_mtim.tv_sec && a->st_mtim.tv_nsec == b->st_mtim.tv_nsec &&
           a->st_ctim.tv_sec == b->st_ctim.tv_sec && a->st_ctim.tv_nsec == b->st_ctim.tv_nsec;
}

int zf_sha256_memo_lookup(const char *path, char out_hex[65])
{
    struct stat st;
    int found = 0;
    if (stat(path, &st) != 0)
        return 0;
    pthread_mutex_lock(&g_mu);
    for (memo *m = g_bucket[bucket_of(path)]; m; m = m->next)
        if (strcmp(m->path, path) == 0) {
            if (same_file(&m->st, &st)) {
                memcpy(out_hex, m->hex, 65);
                found = 1;
            }
            break;
        }
    pthread_mutex_unlock(&g_mu);
    return found;
}

int zf_sha256_memo_put(const char *path, const struct stat *before, const char hex[65])
{
    struct stat after;
    /* remembered only when the file did not change while it was read */
    if (stat(path, &after) != 0 || !same_file(before, &after))
        return 0;
    memo *m = calloc(1, sizeof *m);
    if (!m || !(m->path = zf_strdup(path))) {
        free(m);
        zf_error_clear();
        return 0; /* not remembered: hashed again when asked */
    }
    m->st = after;
    memcpy(m->hex, hex, 64);
    m->hex[64] = '\0';
    size_t b = bucket_of(path);
    pthread_mutex_lock(&g_mu);
    m->next = g_bucket[b]; /* a newer entry for the same path comes first */
    g_bucket[b] = m;
    pthread_mutex_unlock(&g_mu);
    return 1;
}

int zf_sha256_file_memo(const char *path, char out_hex[65])
{
    struct stat before;
    int rc, ok = stat(path, &before) == 0;
    if ((rc = zf_sha256_file(path, out_hex)) != ZF_OK)
        return rc;
    if (ok)
        zf_sha256_memo_put(path, &before, out_hex);
    return ZF_OK;
}
