/* error.c: status-code texts, the per-thread detailed error message, logging and start-up of the third-party libraries. */
#include "zfstress/core.h"

#include <gsl/gsl_errno.h>
#include <gsl/gsl_version.h>
#include <hdf5.h>
#include <png.h>
#include <cairo.h>
#include <yaml.h>
#include <zlib.h>

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static _Thread_local char zf_msg[2048];
static int zf_level = ZF_LOG_WARN;
static FILE *zf_logfile;

const char *zf_strerror(int status)
{
    switch (status) {
    case ZF_OK: return "success";
    case ZF_EINVAL: return "invalid argument";
    case ZF_ENOMEM: return "out of memory";
    case ZF_EIO: return "input/output error";
    case ZF_EPARSE: return "parse error";
    case ZF_ESCHEMA: return "experiment file does not follow the schema";
    case ZF_EHDF5: return "HDF5 error";
    case ZF_EDATA: return "unusable data";
    case ZF_ESTUDY: return "invalid study file";
    case ZF_ENUMERIC: return "numerical error";
    default: return "unknown error";
    }
}

int zf_error(int status, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(zf_msg, sizeof zf_msg, fmt, ap);
    va_end(ap);
    return status;
}

const char *zf_errmsg(void) { return zf_msg; }

const char *zf_excerpt(const char *text, char *buf, size_t size)
{
    size_t n = strlen(text);
    if (n < size)
        return text;
    int tail = snprintf(NULL, 0, "... (%zu bytes)", n);
    if (tail < 0 || (size_t)tail + 1 >= size) {
        buf[0] = '\0';
        return buf;
    }
    size_t keep = size - (size_t)tail - 1;
    while (keep > 0 && ((unsigned char)text[keep] & 0xC0) == 0x80)
        keep--; /* do not split a UTF-8 character */
    memcpy(buf, text, keep);
    snprintf(buf + keep, size - keep, "... (%zu bytes)", n);
    return buf;
}
void zf_error_clear(void) { zf_msg[0] = '\0'; }

void zf_log_set_level(int level) { zf_level = level; }
int zf_log_get_level(void) { return zf_level; }

void zf_log_set_file(FILE *fp) { zf_logfile = fp; }

void zf_log(int level, const char *fmt, ...)
{
    va_list ap;
    if (zf_logfile && level <= ZF_LOG_INFO) {
        va_start(ap, fmt);
        vfprintf(zf_logfile, fmt, ap);
        fputc('\n', zf_logfile);
        va_end(ap);
    }
    if (level > zf_level)
        return;
    va_start(ap, fmt);
    fputs("zfstress: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

void zf_progress_start(zf_progress *p, const char *label, const char *unit, size_t total)
{
    p->label = label;
    p->unit = unit;
    p->total = total;
    p->done = 0;
    p->t0 = p->last = now_s();
    p->active = zf_level >= ZF_LOG_WARN && isatty(fileno(stderr));
}

void zf_progress_step(zf_progress *p, size_t done)
{
    p->done = done;
    if (!p->active)
        return;
    double t = now_s();
    if (t - p->last < 0.1 && done < p->total)
        return; /* redraw at most ten times a second */
    p->last = t;
    double el = t - p->t0, rate = el > 0 ? (double)done / el : 0.0;
    double eta = rate > 0 && p->total > done ? (double)(p->total - done) / rate : 0.0;
    fprintf(stderr, "\r\033[K%s %zu/%zu %s  %.1f/s  ETA %.0f s", p->label, done, p->total, p->unit, rate, eta);
    fflush(stderr);
}

void zf_progress_end(zf_progress *p)
{
    if (p->active) {
        fputs("\r\033[K", stderr);
        fflush(stderr);
    }
    p->active = 0;
}

void zf_init(void)
{
    /* No HDF5 clean-up at exit: every file is closed explicitly, and a file whose close
     * failed (disk full) would be flushed again by that clean-up, which crashes HDF5 1.10.
     * Must come before any other HDF5 call. */
    H5dont_atexit();
    gsl_set_error_handler_off();
    H5Eset_auto2(H5E_DEFAULT, NULL, NULL);
}

void zf_versions(char *buf, size_t size)
{
    unsigned maj = 0, min = 0, rel = 0;
    H5get_libversion(&maj, &min, &rel);
    snprintf(buf, size, "zfstress %s, hdf5 %u.%u.%u, gsl %s, libpng %s, cairo %s, libyaml %s, zlib %s",
             ZF_VERSION, maj, min, rel, GSL_VERSION, png_libpng_ver, cairo_version_string(),
             yaml_get_version_string(), zlibVersion());
}
