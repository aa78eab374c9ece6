/* testutil.h: file helpers the unit tests share (scratch directory, writing and reading back whole files). */
#ifndef ZF_TEST_TESTUTIL_H
#define ZF_TEST_TESTUTIL_H

#include "zfstress/core.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* The scratch directory: $ZF_TMP (set per test by ctest) or fallback, created if missing.
 * Written to out; returns zf_mkdir_p's status. */
static inline int tu_tmpdir(char *out, size_t size, const char *fallback)
{
    const char *base = getenv("ZF_TMP");
    snprintf(out, size, "%s", (base && base[0]) ? base : fallback);
    return zf_mkdir_p(out);
}

/* len bytes to path; 0 when every byte was written and the close succeeded, -1 otherwise. */
static inline int tu_write_bytes(const char *path, const void *data, size_t len)
{
    FILE *fp = fopen(path, "wb");
    if (!fp)
        return -1;
    size_t w = fwrite(data, 1, len, fp);
    int rc = fclose(fp);
    return (w == len && rc == 0) ? 0 : -1;
}

static inline int tu_write_text(const char *path, const char *text)
{
    return tu_write_bytes(path, text, strlen(text));
}

/* dir/name into out, then the text written there (as tu_write_text). */
static inline int tu_write_text_in(char *out, size_t size, const char *dir, const char *name, const char *text)
{
    snprintf(out, size, "%s/%s", dir, name);
    return tu_write_text(out, text);
}

static inline int tu_exists(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0;
}

/* The whole file in a malloc'd buffer with a NUL after the last byte (the caller frees);
 * *len is its size. NULL, with *len = 0, when the file cannot be read. */
static inline void *tu_slurp(const char *path, size_t *len)
{
    FILE *fp = fopen(path, "rb");
    char *buf = NULL;
    size_t cap = 0, n = 0;
    *len = 0;
    if (!fp)
        return NULL;
    for (;;) {
        if (cap - n < 2) {
            size_t ncap = cap ? 2 * cap : 65536;
            char *nb = realloc(buf, ncap);
            if (!nb) {
                free(buf);
                fclose(fp);
                return NULL;
            }
            buf = nb;
            cap = ncap;
        }
        size_t got = fread(buf + n, 1, cap - n - 1, fp);
        n += got;
        if (got == 0)
            break;
    }
    fclose(fp);
    buf[n] = '\0';
    *len = n;
    return buf;
}

/* 1 when both files exist and have the same bytes. */
static inline int tu_same_file(const char *a, const char *b)
{
    size_t la = 0, lb = 0;
    char *ba = tu_slurp(a, &la), *bb = tu_slurp(b, &lb);
    int same = ba && bb && la == lb && memcmp(ba, bb, la) == 0;
    free(ba);
    free(bb);
    return same;
}

/* strstr of needle in the last error message; prints both when absent. */
static inline int tu_msg_has(const char *needle)
{
    int ok = strstr(zf_errmsg(), needle) != NULL;
    if (!ok)
        fprintf(stderr, "  expected \"%s\" in: %s\n", needle, zf_errmsg());
    return ok;
}

#ifdef ZF_SHARED_FORMATS
/* 1 when the shared real-format samples are present; otherwise says SKIP and returns 0. */
static inline int tu_shared_formats(void)
{
    if (tu_exists(ZF_SHARED_FORMATS))
        return 1;
    printf("SKIP: ../shared/formats absent\n");
    return 0;
}
#endif

#endif
