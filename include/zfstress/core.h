/* core.h: status codes, the last-error message, logging and small helpers shared by every module. */
#ifndef ZFSTRESS_CORE_H
#define ZFSTRESS_CORE_H

#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>

#ifdef __cplusplus
extern "C" {
#endif

#define ZF_VERSION "0.1.0"

/* Every library function returns 0 (ZF_OK) or one of these negative codes.
 * The detailed message ("'file':line: column 'x': expected a number, got "a"")
 * is kept per thread and read with zf_errmsg(). Outputs passed by pointer are
 * written only on success. */
enum {
    ZF_OK = 0,
    ZF_EINVAL = -1,   /* invalid argument or usage from a caller */
    ZF_ENOMEM = -2,   /* allocation failed */
    ZF_EIO = -3,      /* file cannot be opened, read or written */
    ZF_EPARSE = -4,   /* malformed input data (CSV, YAML, numbers) */
    ZF_ESCHEMA = -5,  /* experiment file does not follow the schema */
    ZF_EHDF5 = -6,    /* the HDF5 library reported an error */
    ZF_EDATA = -7,    /* data is well-formed but unusable (empty track, duplicate id) */
    ZF_ESTUDY = -8,   /* study file is invalid */
    ZF_ENUMERIC = -9  /* a numerical routine failed (GSL) */
};

/* Short text of a status code ("input parse error"); never NULL. */
const char *zf_strerror(int status);

/* Record the detailed message for the calling thread and return status.
 * Use as: return zf_error(ZF_EPARSE, "'%s':%zu: ...", path, line); */
int zf_error(int status, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;

/* The calling thread's last detailed message; "" when none was set. */
const char *zf_errmsg(void);

/* A cell quoted in a message: text itself when shorter than size, else its
 * first bytes (whole UTF-8 characters) then "... (N bytes)" written to buf,
 * so that a megabyte cell cannot push the rest of a message out. */
const char *zf_excerpt(const char *text, char *buf, size_t size);
enum { ZF_EXCERPT_SIZE = 96 };
/* zf_excerpt into a buffer that lives until the end of the enclosing block. */
#define ZF_EXCERPT(text) zf_excerpt((text), (char[ZF_EXCERPT_SIZE]){0}, ZF_EXCERPT_SIZE)

/* Clear the last message. */
void zf_error_clear(void);

/* Logging. Messages at or below the current level go to stderr prefixed with
 * "zfstress: ". Default level ZF_LOG_WARN; -q sets ZF_LOG_ERROR, -v ZF_LOG_INFO. */
enum { ZF_LOG_ERROR = 0, ZF_LOG_WARN = 1, ZF_LOG_INFO = 2, ZF_LOG_DEBUG = 3 };
void zf_log_set_level(int level);
int zf_log_get_level(void);
void zf_log(int level, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;

/* Also write every message up to ZF_LOG_INFO (whatever the terminal level) to
 * fp, e.g. the run's log file; NULL stops. The caller closes fp. */
void zf_log_set_file(FILE *fp);

/* Progress of a long stage, redrawn in place on stderr ("ingest 12/48 subjects
 * 4.1/s ETA 7 s"). Silent when stderr is not a terminal or with -q. */
typedef struct zf_progress {
    const char *label;
    const char *unit;
    size_t total, done;
    double t0, last;
    int active;
} zf_progress;
void zf_progress_start(zf_progress *p, const char *label, const char *unit, size_t total);
void zf_progress_step(zf_progress *p, size_t done);
void zf_progress_end(zf_progress *p);

/* Turn off GSL's abort-on-error handler and HDF5's automatic error printing;
 * their failures come back as ZF_ENUMERIC / ZF_EHDF5. Call once at start-up. */
void zf_init(void);

/* Library versions, "hdf5 1.10.8, gsl 2.7.1, ..." into buf. */
void zf_versions(char *buf, size_t size);

/* Hex SHA-256 (65 bytes with NUL) of a file's bytes. */
int zf_sha256_file(const char *path, char out_hex[65]);
/* Hex SHA-256 of a memory buffer. */
void zf_sha256_mem(const void *data, size_t len, char out_hex[65]);

/* Join dir and a relative path ("dir/rel"); absolute rel is returned as is.
 * Result is malloc'd; NULL on allocation failure. */
char *zf_path_join(const char *dir, const char *rel);
/* Directory part of path ("." when none); malloc'd. */
char *zf_path_dir(const char *path);
/* mkdir -p; 0 or ZF_EIO with message. */
int zf_mkdir_p(const char *dir);

/* Atomic output: open "<path>.tmp" for writing; zf_file_commit flushes, fsyncs,
 * closes and renames it over path (then fsyncs the directory);
 * zf_file_abort closes and removes the temporary. */
typedef struct zf_outfile {
    FILE *fp;
    char *path;
    char *tmp;
} zf_outfile;
int zf_file_open_atomic(const char *path, zf_outfile *out);
int zf_file_commit(zf_outfile *out);
void zf_file_abort(zf_outfile *out);
/* Deferred commits, for a run that writes many outputs at once: while
 * deferring is on, zf_file_commit flushes and closes the temporary and leaves
 * its fsync and rename to zf_outfiles_flush, which starts the write-back of
 * every pending temporary, fsyncs each, renames them all and fsyncs each
 * directory once. Each file stays atomic (the old or the new bytes); when a
 * temporary cannot be fsync'd none is renamed and all are removed.
 * zf_outfiles_defer(0) stops deferring and flushes. Process-wide. */
int zf_outfiles_defer(int on);
int zf_outfiles_flush(void);
/* Start writing path's dirty pages to the disk without waiting (Linux;
 * elsewhere nothing), so that a later fsync has less to wait for. */
void zf_writeback_start(const char *path);
/* Rename tmp over path durably (fsync of the directory). */
int zf_rename_durable(const char *tmp, const char *path);

/* strdup that sets ZF_ENOMEM message on failure. */
char *zf_strdup(const char *s);

/* Make *p (an array of elem-byte items, *cap of them) hold at least need
 * items: the capacity doubles from 64. ZF_ENOMEM leaves *p and *cap as they
 * were. */
int zf_grow(void **p, size_t *cap, size_t need, size_t elem);

#ifdef __cplusplus
}
#endif
#endif
