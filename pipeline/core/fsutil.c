/* fsutil.c: paths, directories, SHA-256 and atomic (temp + fsync + rename) output files. */
#if defined(__linux__) && !defined(_GNU_SOURCE)
#define _GNU_SOURCE /* sync_file_range */
#endif
#include "zfstress/core.h"

#include <openssl/evp.h>

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

char *zf_strdup(const char *s)
{
    size_t n = strlen(s) + 1;
    char *d = malloc(n);
    if (!d) {
        zf_error(ZF_ENOMEM, "out of memory");
        return NULL;
    }
    memcpy(d, s, n);
    return d;
}

int zf_grow(void **p, size_t *cap, size_t need, size_t elem)
{
    if (need <= *cap)
        return ZF_OK;
    size_t n = *cap ? *cap : 64;
    while (n < need)
        n *= 2;
    void *q = realloc(*p, n * elem);
    if (!q)
        return zf_error(ZF_ENOMEM, "out of memory");
    *p = q;
    *cap = n;
    return ZF_OK;
}

char *zf_path_join(const char *dir, const char *rel)
{
    if (rel[0] == '/' || !dir || !dir[0] || strcmp(dir, ".") == 0)
        return zf_strdup(rel);
    size_t a = strlen(dir), b = strlen(rel);
    char *p = malloc(a + b + 2);
    if (!p) {
        zf_error(ZF_ENOMEM, "out of memory");
        return NULL;
    }
    memcpy(p, dir, a);
    size_t k = a;
    if (a && dir[a - 1] != '/')
        p[k++] = '/';
    memcpy(p + k, rel, b + 1);
    return p;
}

char *zf_path_dir(const char *path)
{
    const char *slash = strrchr(path, '/');
    if (!slash)
        return zf_strdup(".");
    if (slash == path)
        return zf_strdup("/");
    size_t n = (size_t)(slash - path);
    char *d = malloc(n + 1);
    if (!d) {
        zf_error(ZF_ENOMEM, "out of memory");
        return NULL;
    }
    memcpy(d, path, n);
    d[n] = '\0';
    return d;
}

int zf_mkdir_p(const char *dir)
{
    char *p = zf_strdup(dir);
    if (!p)
        return ZF_ENOMEM;
    int rc = ZF_OK;
    for (char *s = p + 1;; s++) {
        char c = *s;
        if (c == '/' || c == '\0') {
            *s = '\0';
            if (mkdir(p, 0777) != 0 && errno != EEXIST) {
                rc = zf_error(ZF_EIO, "'%s': cannot create directory: %s", p, strerror(errno));
                break;
            }
            struct stat st;
            if (stat(p, &st) != 0 || !S_ISDIR(st.st_mode)) {
                rc = zf_error(ZF_EIO, "'%s': exists and is not a directory", p);
                break;
            }
            *s = c;
            if (c == '\0')
                break;
        }
    }
    free(p);
    return rc;
}

static void hex(const unsigned char *md, unsigned len, char out[65])
{
    static const char digits[] = "0123456789abcdef";
    for (unsigned i = 0; i < len && i < 32; i++) {
        out[2 * i] = digits[md[i] >> 4];
        out[2 * i + 1] = digits[md[i] & 15];
    }
    out[64] = '\0';
}

void zf_sha256_mem(const void *data, size_t len, char out_hex[65])
{
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned mdlen = 0;
    EVP_Digest(data, len, md, &mdlen, EVP_sha256(), NULL);
    hex(md, mdlen, out_hex);
}

/* Deferred commits: temporaries closed by zf_file_commit while deferring is
 * on, waiting for zf_outfiles_flush to fsync and rename them. */
typedef struct pending_out {
    char *tmp, *path;
} pending_out;
static pthread_mutex_t g_pend_mu = PTHREAD_MUTEX_INITIALIZER;
static int g_defer;
static pending_out *g_pend;
static size_t g_npend, g_pend_cap;

/* The temporary holding the committed bytes of path while its commit is
 * deferred (malloc'd), else NULL. */
static char *pending_tmp(const char *path)
{
    char *tmp = NULL;
    pthread_mutex_lock(&g_pend_mu);
    for (size_t k = 0; k < g_npend && !tmp; k++)
        if (strcmp(g_pend[k].path, path) == 0)
            tmp = strdup(g_pend[k].tmp);
    pthread_mutex_unlock(&g_pend_mu);
    return tmp;
}

int zf_sha256_file(const char *path, char out_hex[65])
{
    int rc = ZF_OK;
    FILE *fp = NULL;
    EVP_MD_CTX *ctx = NULL;
    unsigned char *buf = NULL;
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned mdlen = 0;
    char *tmp = pending_tmp(path); /* committed, not yet renamed: its bytes are there */

    if (!(fp = fopen(tmp ? tmp : path, "rb"))) {
        rc = zf_error(ZF_EIO, "'%s': cannot open: %s", path, strerror(errno));
        goto done;
    }
    if (!(ctx = EVP_MD_CTX_new()) || !(buf = malloc(1 << 16))) {
        rc = zf_error(ZF_ENOMEM, "out of memory");
        goto done;
    }
    EVP_DigestInit_ex(ctx, EVP_sha256(), NULL);
    size_t got;
    while ((got = fread(buf, 1, 1 << 16, fp)) > 0)
        EVP_DigestUpdate(ctx, buf, got);
    if (ferror(fp)) {
        rc = zf_error(ZF_EIO, "'%s': cannot read: %s", path, strerror(errno));
        goto done;
    }
    EVP_DigestFinal_ex(ctx, md, &mdlen);
    hex(md, mdlen, out_hex);
done:
    if (fp)
        fclose(fp);
    EVP_MD_CTX_free(ctx);
    free(buf);
    free(tmp);
    return rc;
}

int zf_rename_durable(const char *tmp, const char *path)
{
    if (rename(tmp, path) != 0)
        return zf_error(ZF_EIO, "'%s': cannot rename into place: %s", path, strerror(errno));
    char *dir = zf_path_dir(path);
    if (!dir)
        return ZF_ENOMEM;
    int fd = open(dir, O_RDONLY);
    if (fd >= 0) {
        fsync(fd); /* best effort: some file systems refuse fsync on directories */
        close(fd);
    }
    free(dir);
    return ZF_OK;
}

int zf_file_open_atomic(const char *path, zf_outfile *out)
{
    size_t n = strlen(path);
    memset(out, 0, sizeof *out);
    out->path = zf_strdup(path);
    out->tmp = malloc(n + 5);
    if (!out->path || !out->tmp) {
        free(out->path);
        free(out->tmp);
        out->path = out->tmp = NULL;
        return zf_error(ZF_ENOMEM, "out of memory");
    }
    memcpy(out->tmp, path, n);
    memcpy(out->tmp + n, ".tmp", 5);
    out->fp = fopen(out->tmp, "wb");
    if (!out->fp) {
        int rc = zf_error(ZF_EIO, "'%s': cannot write: %s", out->tmp, strerror(errno));
        free(out->path);
        free(out->tmp);
        out->path = out->tmp = NULL;
        return rc;
    }
    return ZF_OK;
}

/* Take tmp and path into the list (a path committed again is already there). */
static int pending_add(char *tmp, char *path)
{
    int rc = ZF_OK;
    pthread_mutex_lock(&g_pend_mu);
    for (size_t i = 0; i < g_npend; i++)
        if (strcmp(g_pend[i].path, path) == 0) {
            free(tmp);
            free(path);
            goto done;
        }
    if (g_npend == g_pend_cap) {
        size_t cap = g_pend_cap ? 2 * g_pend_cap : 64;
        pending_out *p = realloc(g_pend, cap * sizeof *p);
        if (!p) {
            remove(tmp);
            free(tmp);
            free(path);
            rc = zf_error(ZF_ENOMEM, "out of memory");
            goto done;
        }
        g_pend = p;
        g_pend_cap = cap;
    }
    g_pend[g_npend].tmp = tmp;
    g_pend[g_npend].path = path;
    g_npend++;
done:
    pthread_mutex_unlock(&g_pend_mu);
    return rc;
}

/* Length of the directory part of path (up to its last '/'). */
static size_t dir_len(const char *path)
{
    const char *slash = strrchr(path, '/');
    return slash ? (size_t)(slash - path) : 0;
}

/* Whether an output before p[i] is in p[i]'s directory. */
static int same_dir_seen(const pending_out *p, size_t i)
{
    size_t len = dir_len(p[i].path);
    for (size_t k = 0; k < i; k++)
        if (dir_len(p[k].path) == len && strncmp(p[k].path, p[i].path, len) == 0)
            return 1;
    return 0;
}

int zf_outfiles_flush(void)
{
    int rc = ZF_OK;
    pthread_mutex_lock(&g_pend_mu);
    pending_out *p = g_pend;
    size_t n = g_npend, renamed = 0;
    g_pend = NULL;
    g_npend = g_pend_cap = 0;
    pthread_mutex_unlock(&g_pend_mu);
    if (n == 0)
        return ZF_OK;
    /* the write-back of every temporary starts before the first fsync waits,
     * so the fsyncs find most of the data written (one descriptor at a time:
     * a study may have more outputs than a process may open files) */
#if defined(__linux__) && defined(SYNC_FILE_RANGE_WRITE)
    for (size_t i = 0; i < n; i++) {
        int fd = open(p[i].tmp, O_RDONLY);
        if (fd >= 0) {
            (void)sync_file_range(fd, 0, 0, SYNC_FILE_RANGE_WRITE);
            close(fd);
        }
    }
#endif
    for (size_t i = 0; i < n && rc == ZF_OK; i++) {
        int fd = open(p[i].tmp, O_RDONLY);
        if (fd < 0 || fsync(fd) != 0)
            rc = zf_error(ZF_EIO, "'%s': write failed: %s", p[i].tmp, strerror(errno));
        if (fd >= 0)
            close(fd);
    }
    /* renamed only when every one is on the disk; a failed rename stops the rest */
    for (; rc == ZF_OK && renamed < n; renamed++)
        if (rename(p[renamed].tmp, p[renamed].path) != 0) {
            rc = zf_error(ZF_EIO, "'%s': cannot rename into place: %s", p[renamed].path, strerror(errno));
            break;
        }
    for (size_t i = renamed; i < n; i++)
        remove(p[i].tmp);
    /* each directory once */
    for (size_t i = 0; i < renamed; i++) {
        if (same_dir_seen(p, i))
            continue;
        char *dir = zf_path_dir(p[i].path);
        int dfd = dir ? open(dir, O_RDONLY) : -1;
        if (dfd >= 0) {
            fsync(dfd); /* best effort, as in zf_rename_durable */
            close(dfd);
        }
        free(dir);
    }
    for (size_t i = 0; i < n; i++) {
        free(p[i].tmp);
        free(p[i].path);
    }
    free(p);
    return rc;
}

void zf_writeback_start(const char *path)
{
#if defined(__linux__) && defined(SYNC_FILE_RANGE_WRITE)
    int fd = path ? open(path, O_RDONLY) : -1;
    if (fd >= 0) {
        (void)sync_file_range(fd, 0, 0, SYNC_FILE_RANGE_WRITE); /* starts the write-back, does not wait for it */
        close(fd);
    }
#else
    (void)path;
#endif
}

int zf_outfiles_defer(int on)
{
    pthread_mutex_lock(&g_pend_mu);
    g_defer = on;
    pthread_mutex_unlock(&g_pend_mu);
    return on ? ZF_OK : zf_outfiles_flush();
}

int zf_file_commit(zf_outfile *out)
{
    int rc = ZF_OK;
    if (!out->fp)
        return zf_error(ZF_EINVAL, "commit of a file that is not open");
    pthread_mutex_lock(&g_pend_mu);
    int defer = g_defer;
    pthread_mutex_unlock(&g_pend_mu);
    if (fflush(out->fp) != 0 || ferror(out->fp) || (!defer && fsync(fileno(out->fp)) != 0)) {
        rc = zf_error(ZF_EIO, "'%s': write failed: %s", out->tmp, strerror(errno));
        fclose(out->fp);
        out->fp = NULL;
        goto fail;
    }
    if (fclose(out->fp) != 0) {
        out->fp = NULL;
        rc = zf_error(ZF_EIO, "'%s': close failed: %s", out->tmp, strerror(errno));
        goto fail;
    }
    out->fp = NULL;
    if (defer) {
        rc = pending_add(out->tmp, out->path);
        out->path = out->tmp = NULL;
        return rc;
    }
    rc = zf_rename_durable(out->tmp, out->path);
    if (rc != ZF_OK)
        goto fail;
    free(out->path);
    free(out->tmp);
    out->path = out->tmp = NULL;
    return ZF_OK;
fail:
    remove(out->tmp);
    free(out->path);
    free(out->tmp);
    out->path = out->tmp = NULL;
    return rc;
}

void zf_file_abort(zf_outfile *out)
{
    if (out->fp)
        fclose(out->fp);
    if (out->tmp)
        remove(out->tmp);
    free(out->path);
    free(out->tmp);
    memset(out, 0, sizeof *out);
}
