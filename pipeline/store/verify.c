/* verify.c: 'zfstress verify': check an experiment file's schema and shapes, and read every dataset so that fletcher32 checksums are verified. */
#include "zfstress/core.h"
#include "zfstress/experiment.h"

#include <hdf5.h>

#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Reading is bounded: at most this many bytes of one dataset in memory at a time. */
#define VERIFY_BLOCK_BYTES ((size_t)32 << 20)

typedef struct vctx {
    const char *path;
    zf_verify_report report;
    void *rctx;
    zf_verify_summary sum;
    char first[1024];      /* the first problem, for zf_errmsg */
    char **names;          /* every dataset of the file (absolute names) */
    size_t nnames, cap;
    int oom;
} vctx;

static void problem(vctx *v, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;

/* Record one problem: counted, the first kept, each handed to the caller. */
static void problem(vctx *v, const char *fmt, ...)
{
    char msg[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    if (v->sum.problems++ == 0)
        snprintf(v->first, sizeof v->first, "%s", msg);
    if (v->report)
        v->report(v->rctx, msg);
}

/* The deepest HDF5 error message of the current stack ("" when none), for "cannot read" reports. */
typedef struct h5err {
    char text[256];
    int checksum;
} h5err;

static herr_t h5err_walk(unsigned n, const H5E_error2_t *e, void *data)
{
    h5err *h = data;
    (void)n;
    if (e->desc && e->desc[0]) {
        if (!h->text[0])
            snprintf(h->text, sizeof h->text, "%s", e->desc);
        /* the chunk's filters failed: fletcher32 mismatch, or the deflate stream (with
         * zlib's own adler32) no longer decodes; both mean the stored bytes changed */
        if (strstr(e->desc, "Fletcher32") || strstr(e->desc, "fletcher32") || strstr(e->desc, "checksum") ||
            strstr(e->desc, "inflate") || strstr(e->desc, "filter returned failure"))
            h->checksum = 1;
    }
    return 0;
}

static void h5err_take(h5err *h)
{
    memset(h, 0, sizeof *h);
    H5Ewalk2(H5E_DEFAULT, H5E_WALK_UPWARD, h5err_walk, h);
    H5Eclear2(H5E_DEFAULT);
}

/* ---- the dataset list --------------------------------------------------- */

static herr_t collect(hid_t g, const char *name, const H5L_info_t *info, void *data)
{
    vctx *v = data;
    herr_t ret = 0;
    hid_t obj = H5I_INVALID_HID;
    if (info->type != H5L_TYPE_HARD)
        goto done;
    if ((obj = H5Oopen(g, name, H5P_DEFAULT)) < 0) {
        H5Eclear2(H5E_DEFAULT);
        problem(v, "/%s: cannot open", name);
        goto done;
    }
    if (H5Iget_type(obj) != H5I_DATASET)
        goto done;
    if (v->nnames == v->cap) {
        size_t cap = v->cap ? 2 * v->cap : 64;
        char **n = realloc(v->names, cap * sizeof *n);
        if (!n) {
            v->oom = 1;
            ret = -1;
            goto done;
        }
        v->names = n;
        v->cap = cap;
    }
    size_t len = strlen(name) + 2;
    if (!(v->names[v->nnames] = malloc(len))) {
        v->oom = 1;
        ret = -1;
        goto done;
    }
    snprintf(v->names[v->nnames++], len, "/%s", name);
done:
    if (obj >= 0)
        H5Oclose(obj);
    return ret;
}

/* ---- reading every element ----------------------------------------------- */

/* Read dataset name whole, block by block along its first dimension, so that
 * every chunk passes its filters (fletcher32 included). */
static void read_all(vctx *v, hid_t file, const char *name)
{
    hid_t ds = H5I_INVALID_HID, type = H5I_INVALID_HID, mem = H5I_INVALID_HID, fspace = H5I_INVALID_HID,
          mspace = H5I_INVALID_HID, dcpl = H5I_INVALID_HID;
    hsize_t dims[H5S_MAX_RANK], start[H5S_MAX_RANK], count[H5S_MAX_RANK], chunk[H5S_MAX_RANK];
    void *buf = NULL;
    int rank, is_vlen = 0;
    h5err he;

    if ((ds = H5Dopen2(file, name, H5P_DEFAULT)) < 0 || (type = H5Dget_type(ds)) < 0 ||
        (fspace = H5Dget_space(ds)) < 0 || (rank = H5Sget_simple_extent_ndims(fspace)) < 0 ||
        H5Sget_simple_extent_dims(fspace, dims, NULL) < 0 || (dcpl = H5Dget_create_plist(ds)) < 0) {
        h5err_take(&he);
        problem(v, "%s: cannot open%s%s", name, he.text[0] ? ": " : "", he.text);
        goto done;
    }
    v->sum.datasets++;
    {
        unsigned flags = 0, conf = 0;
        size_t nelm = 0;
        if (H5Pget_filter_by_id2(dcpl, H5Z_FILTER_FLETCHER32, &flags, &nelm, NULL, 0, NULL, &conf) >= 0)
            v->sum.checksummed++;
        H5Eclear2(H5E_DEFAULT);
    }
    if (H5Tget_class(type) == H5T_STRING) {
        htri_t isv = H5Tis_variable_str(type);
        is_vlen = isv > 0;
        mem = H5Tcopy(type);
    } else if (H5Tdetect_class(type, H5T_VLEN) > 0) {
        is_vlen = 1;
        mem = H5Tget_native_type(type, H5T_DIR_ASCEND);
    } else {
        mem = H5Tget_native_type(type, H5T_DIR_ASCEND);
    }
    if (mem < 0) {
        h5err_take(&he);
        problem(v, "%s: unreadable type%s%s", name, he.text[0] ? ": " : "", he.text);
        goto done;
    }
    size_t esize = H5Tget_size(mem);
    if (esize == 0) {
        problem(v, "%s: elements of size 0", name);
        goto done;
    }
    if (rank == 0) { /* scalar */
        if (!(buf = calloc(1, esize))) {
            v->oom = 1;
            goto done;
        }
        if (H5Dread(ds, mem, H5S_ALL, H5S_ALL, H5P_DEFAULT, buf) < 0) {
            h5err_take(&he);
            problem(v, "%s: %s (%s)", name, he.checksum ? "checksum error: the stored data is damaged" : "cannot read", he.text);
        } else if (is_vlen) {
            H5Dvlen_reclaim(mem, fspace, H5P_DEFAULT, buf);
        }
        goto done;
    }
    /* rows per block: whole chunks along dim 0 when chunked, bounded by VERIFY_BLOCK_BYTES */
    size_t row = esize;
    for (int r = 1; r < rank; r++)
        row *= (size_t)dims[r];
    hsize_t step = row ? (hsize_t)(VERIFY_BLOCK_BYTES / (row ? row : 1)) : dims[0];
    if (step < 1)
        step = 1;
    if (H5Pget_layout(dcpl) == H5D_CHUNKED && H5Pget_chunk(dcpl, rank, chunk) == rank && chunk[0] > 0)
        step = step >= chunk[0] ? step - step % chunk[0] : chunk[0];
    if (step > dims[0])
        step = dims[0];
    if (dims[0] == 0 || row == 0)
        goto done;
    if (!(buf = malloc((size_t)step * row))) {
        v->oom = 1;
        goto done;
    }
    for (hsize_t r0 = 0; r0 < dims[0]; r0 += step) {
        hsize_t n = dims[0] - r0 < step ? dims[0] - r0 : step;
        for (int r = 0; r < rank; r++) {
            start[r] = 0;
            count[r] = dims[r];
        }
        start[0] = r0;
        count[0] = n;
        if (H5Sselect_hyperslab(fspace, H5S_SELECT_SET, start, NULL, count, NULL) < 0 ||
            (mspace = H5Screate_simple(rank, count, NULL)) < 0) {
            h5err_take(&he);
            problem(v, "%s: cannot select rows %llu..%llu", name, (unsigned long long)r0, (unsigned long long)(r0 + n - 1));
            goto done;
        }
        if (H5Dread(ds, mem, mspace, fspace, H5P_DEFAULT, buf) < 0) {
            h5err_take(&he);
            if (he.checksum)
                problem(v, "%s: rows %llu..%llu: checksum error: a stored chunk is damaged (%s)", name,
                        (unsigned long long)r0, (unsigned long long)(r0 + n - 1), he.text);
            else
                problem(v, "%s: rows %llu..%llu: cannot read%s%s", name, (unsigned long long)r0,
                        (unsigned long long)(r0 + n - 1), he.text[0] ? ": " : "", he.text);
            /* go on with the next block: report every damaged chunk */
        } else if (is_vlen) {
            H5Dvlen_reclaim(mem, mspace, H5P_DEFAULT, buf);
        }
        H5Sclose(mspace);
        mspace = H5I_INVALID_HID;
    }
done:
    free(buf);
    if (mspace >= 0) H5Sclose(mspace);
    if (dcpl >= 0) H5Pclose(dcpl);
    if (fspace >= 0) H5Sclose(fspace);
    if (mem >= 0) H5Tclose(mem);
    if (type >= 0) H5Tclose(type);
    if (ds >= 0) H5Dclose(ds);
}

/* ---- schema ------------------------------------------------------------ */

/* Shape of dataset name: *rank and dims (up to 2); 0 when absent (reported when required). */
static int shape_of(vctx *v, hid_t file, const char *name, int required, int *rank, hsize_t *dims, H5T_class_t *cls)
{
    int found = 0;
    hid_t ds = H5I_INVALID_HID, sp = H5I_INVALID_HID, ty = H5I_INVALID_HID;
    hsize_t d[H5S_MAX_RANK];
    htri_t e = H5Lexists(file, name, H5P_DEFAULT);
    dims[0] = dims[1] = 0;
    *rank = 0;
    if (e <= 0) {
        H5Eclear2(H5E_DEFAULT);
        if (required)
            problem(v, "%s: missing (required by schema %s)", name, ZF_SCHEMA);
        goto done;
    }
    if ((ds = H5Dopen2(file, name, H5P_DEFAULT)) < 0 || (sp = H5Dget_space(ds)) < 0 ||
        (*rank = H5Sget_simple_extent_ndims(sp)) < 0 || H5Sget_simple_extent_dims(sp, d, NULL) < 0 ||
        (ty = H5Dget_type(ds)) < 0) {
        H5Eclear2(H5E_DEFAULT);
        problem(v, "%s: not a readable dataset", name);
        goto done;
    }
    for (int r = 0; r < *rank && r < 2; r++)
        dims[r] = d[r];
    if (*rank > 2)
        dims[1] = d[1];
    *cls = H5Tget_class(ty);
    found = 1;
done:
    if (ty >= 0) H5Tclose(ty);
    if (sp >= 0) H5Sclose(sp);
    if (ds >= 0) H5Dclose(ds);
    return found;
}

/* A text attribute of group or dataset obj_name into *out (malloc'd); 0 when absent or not text. */
static int text_attr(hid_t file, const char *obj_name, const char *key, char **out)
{
    int ok = 0;
    hid_t a = H5I_INVALID_HID, t = H5I_INVALID_HID, ft = H5I_INVALID_HID;
    char *s = NULL;
    *out = NULL;
    if (H5Aexists_by_name(file, obj_name, key, H5P_DEFAULT) <= 0)
        goto done;
    if ((a = H5Aopen_by_name(file, obj_name, key, H5P_DEFAULT, H5P_DEFAULT)) < 0 || (ft = H5Aget_type(a)) < 0 ||
        H5Tget_class(ft) != H5T_STRING || H5Tis_variable_str(ft) <= 0)
        goto done;
    if ((t = H5Tcopy(H5T_C_S1)) < 0 || H5Tset_size(t, H5T_VARIABLE) < 0 || H5Tset_cset(t, H5Tget_cset(ft)) < 0 ||
        H5Aread(a, t, &s) < 0)
        goto done;
    *out = zf_strdup(s ? s : "");
    ok = *out != NULL;
done:
    if (s) H5free_memory(s);
    H5Eclear2(H5E_DEFAULT);
    if (t >= 0) H5Tclose(t);
    if (ft >= 0) H5Tclose(ft);
    if (a >= 0) H5Aclose(a);
    return ok;
}

/* Read a 1-D integer dataset whole (small: offsets). */
static int read_i64(hid_t file, const char *name, size_t n, int64_t **out)
{
    int ok = 0;
    hid_t ds = H5I_INVALID_HID;
    int64_t *buf = malloc((n ? n : 1) * sizeof *buf);
    *out = NULL;
    if (!buf)
        goto done;
    if ((ds = H5Dopen2(file, name, H5P_DEFAULT)) < 0 || (n && H5Dread(ds, H5T_NATIVE_INT64, H5S_ALL, H5S_ALL, H5P_DEFAULT, buf) < 0))
        goto done;
    *out = buf;
    buf = NULL;
    ok = 1;
done:
    H5Eclear2(H5E_DEFAULT);
    free(buf);
    if (ds >= 0) H5Dclose(ds);
    return ok;
}

/* A ragged index: offset [S+1] starting at 0, never decreasing, ending at the row count n. */
static void check_offsets(vctx *v, hid_t file, const char *name, size_t nsub, hsize_t nrows)
{
    int64_t *off = NULL;
    if (!read_i64(file, name, nsub + 1, &off)) {
        problem(v, "%s: cannot read (the full read below says why)", name);
        goto done;
    }
    if (off[0] != 0)
        problem(v, "%s: starts at %lld, expected 0", name, (long long)off[0]);
    for (size_t i = 0; i < nsub; i++)
        if (off[i + 1] < off[i]) {
            problem(v, "%s: decreases at subject %zu (%lld after %lld): expected offsets that never decrease", name, i,
                    (long long)off[i + 1], (long long)off[i]);
            break;
        }
    if (off[nsub] != (int64_t)nrows)
        problem(v, "%s: ends at %lld, expected %llu (the number of rows)", name, (long long)off[nsub],
                (unsigned long long)nrows);
done:
    free(off);
}

static void check_schema(vctx *v, hid_t file)
{
    static const char *const root_attrs[] = {"schema", "software", "created", "versions"};
    static const char *const sources[] = {"source_file", "source_format", "source_sha256", "source_y_direction",
                                          "source_conversions", "source_individual", "source_fps", "source_scale",
                                          "source_frames_missing"};
    int rank;
    hsize_t d[2], dpos[2], doff[2];
    H5T_class_t cls = H5T_NO_CLASS;
    char *s = NULL;
    size_t nsub = 0;

    for (size_t i = 0; i < sizeof root_attrs / sizeof root_attrs[0]; i++) {
        if (!text_attr(file, "/", root_attrs[i], &s))
            problem(v, "/: attribute '%s': missing or not text (required by schema %s)", root_attrs[i], ZF_SCHEMA);
        else if (i == 0 && strcmp(s, ZF_SCHEMA) != 0)
            problem(v, "/: attribute 'schema' is '%s', expected '%s'", s, ZF_SCHEMA);
        free(s);
        s = NULL;
    }
    /* tracks: time [N], position [N, 2], offset [S+1] */
    int has_t = shape_of(v, file, "/tracks/time", 1, &rank, d, &cls);
    if (has_t && (rank != 1 || cls != H5T_FLOAT)) {
        problem(v, "/tracks/time: expected a 1-D float dataset");
        has_t = 0;
    }
    hsize_t n = d[0];
    if (shape_of(v, file, "/tracks/position", 1, &rank, dpos, &cls)) {
        if (rank != 2 || dpos[1] != 2 || cls != H5T_FLOAT)
            problem(v, "/tracks/position: expected a float dataset of shape (N, 2)");
        else if (has_t && dpos[0] != n)
            problem(v, "/tracks/position: %llu rows, expected %llu (as /tracks/time)", (unsigned long long)dpos[0],
                    (unsigned long long)n);
    }
    if (shape_of(v, file, "/tracks/offset", 1, &rank, doff, &cls)) {
        if (rank != 1 || cls != H5T_INTEGER || doff[0] < 1)
            problem(v, "/tracks/offset: expected a 1-D integer dataset of S+1 rows");
        else {
            nsub = (size_t)doff[0] - 1;
            v->sum.subjects = nsub;
            v->sum.samples = (size_t)n;
            if (has_t)
                check_offsets(v, file, "/tracks/offset", nsub, n);
        }
    }
    for (size_t i = 0; i < sizeof sources / sizeof sources[0]; i++) {
        char name[64];
        snprintf(name, sizeof name, "/tracks/%s", sources[i]);
        /* file, format and sha256 since schema 1; the others were added later and may be absent */
        if (shape_of(v, file, name, i < 3, &rank, d, &cls) && (rank != 1 || d[0] != nsub))
            problem(v, "%s: %llu rows, expected %zu (one per subject)", name, (unsigned long long)d[0], nsub);
    }
    /* the big datasets carry checksums */
    for (int k = 0; k < 2; k++) {
        const char *name = k ? "/tracks/position" : "/tracks/time";
        hid_t ds = H5I_INVALID_HID, dcpl = H5I_INVALID_HID;
        unsigned flags = 0, conf = 0;
        size_t nelm = 0;
        if (H5Lexists(file, name, H5P_DEFAULT) > 0 && (ds = H5Dopen2(file, name, H5P_DEFAULT)) >= 0 &&
            (dcpl = H5Dget_create_plist(ds)) >= 0 &&
            H5Pget_filter_by_id2(dcpl, H5Z_FILTER_FLETCHER32, &flags, &nelm, NULL, 0, NULL, &conf) < 0)
            problem(v, "%s: no fletcher32 checksum filter (schema %s checksums the tracks)", name, ZF_SCHEMA);
        H5Eclear2(H5E_DEFAULT);
        if (dcpl >= 0) H5Pclose(dcpl);
        if (ds >= 0) H5Dclose(ds);
    }
    /* subjects: the columns attribute names one dataset of S rows per sample-sheet column */
    if (H5Lexists(file, "/subjects", H5P_DEFAULT) <= 0) {
        H5Eclear2(H5E_DEFAULT);
        problem(v, "/subjects: missing (required by schema %s)", ZF_SCHEMA);
    } else if (!text_attr(file, "/subjects", "columns", &s)) {
        problem(v, "/subjects: attribute 'columns': missing or not text");
    } else {
        char *p = s;
        while (p && *p) {
            char *nl = strchr(p, '\n'), name[512];
            if (nl)
                *nl = '\0';
            snprintf(name, sizeof name, "/subjects/%s", p);
            if (shape_of(v, file, name, 1, &rank, d, &cls) && (rank != 1 || d[0] != nsub))
                problem(v, "%s: %llu rows, expected %zu (one per subject)", name, (unsigned long long)d[0], nsub);
            p = nl ? nl + 1 : NULL;
        }
    }
    free(s);
    s = NULL;
    /* optional groups: per-subject metrics, binned metrics, the stats table, activity */
    hsize_t nbin = 0, nstat = 0;
    int has_bins = shape_of(v, file, "/binned/bin_start", 0, &rank, d, &cls);
    if (has_bins)
        nbin = d[0];
    for (size_t i = 0; i < v->nnames; i++) {
        const char *name = v->names[i];
        if (strncmp(name, "/metrics/", 9) == 0 && shape_of(v, file, name, 1, &rank, d, &cls)) {
            if (rank != 1 || d[0] != nsub)
                problem(v, "%s: %llu rows, expected %zu (one per subject)", name, (unsigned long long)d[0], nsub);
            for (int a = 0; a < 2; a++) {
                const char *key = a ? "description" : "units";
                if (!text_attr(file, name, key, &s))
                    problem(v, "%s: attribute '%s': missing", name, key);
                free(s);
                s = NULL;
            }
        } else if (strncmp(name, "/binned/", 8) == 0 && strcmp(name, "/binned/bin_start") != 0 &&
                   shape_of(v, file, name, 1, &rank, d, &cls)) {
            if (!has_bins)
                problem(v, "%s: /binned/bin_start is missing", name);
            else if (rank != 2 || d[0] != nsub || d[1] != nbin)
                problem(v, "%s: expected shape (%zu, %llu) (subjects, bins)", name, nsub, (unsigned long long)nbin);
        } else if (strncmp(name, "/stats/", 7) == 0 && shape_of(v, file, name, 1, &rank, d, &cls)) {
            if (nstat == 0)
                nstat = d[0] + 1; /* +1: 0 means "not seen yet" */
            if (rank != 1 || d[0] + 1 != nstat)
                problem(v, "%s: %llu rows, expected %llu (every /stats column has one row per result)", name,
                        (unsigned long long)d[0], (unsigned long long)(nstat - 1));
        }
    }
    if (H5Lexists(file, "/activity/offset", H5P_DEFAULT) > 0 &&
        shape_of(v, file, "/activity/offset", 1, &rank, doff, &cls)) {
        hsize_t na = 0;
        int ok = shape_of(v, file, "/activity/bin_start", 1, &rank, d, &cls);
        na = d[0];
        if (rank != 1 || doff[0] != (hsize_t)nsub + 1)
            problem(v, "/activity/offset: %llu rows, expected %zu (subjects + 1)", (unsigned long long)doff[0], nsub + 1);
        else if (ok)
            check_offsets(v, file, "/activity/offset", nsub, na);
    }
    H5Eclear2(H5E_DEFAULT);
}

int zf_experiment_verify(const char *path, zf_verify_report report, void *ctx, zf_verify_summary *summary)
{
    int rc = ZF_OK;
    hid_t file = H5I_INVALID_HID;
    vctx v;
    memset(&v, 0, sizeof v);
    v.path = path;
    v.report = report;
    v.rctx = ctx;

    if (access(path, R_OK) != 0) {
        rc = zf_error(ZF_EIO, "'%s': cannot open: %s", path, strerror(errno));
        goto done;
    }
    htri_t is = H5Fis_hdf5(path);
    H5Eclear2(H5E_DEFAULT);
    if (is <= 0) {
        rc = zf_error(ZF_ESCHEMA, "'%s': not an HDF5 file (damaged superblock, or another kind of file)", path);
        goto done;
    }
    if ((file = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT)) < 0) {
        h5err e;
        h5err_take(&e);
        rc = zf_error(ZF_ESCHEMA, "'%s': cannot open as HDF5%s%s", path, e.text[0] ? ": " : "", e.text);
        goto done;
    }
    if (H5Lvisit(file, H5_INDEX_NAME, H5_ITER_INC, collect, &v) < 0) {
        H5Eclear2(H5E_DEFAULT);
        if (!v.oom)
            problem(&v, "/: cannot list the groups and datasets (damaged metadata)");
    }
    if (!v.oom)
        check_schema(&v, file);
    for (size_t i = 0; i < v.nnames && !v.oom; i++)
        read_all(&v, file, v.names[i]);
    if (v.oom)
        rc = zf_error(ZF_ENOMEM, "'%s': out of memory while verifying", path);
    else if (v.sum.problems)
        rc = zf_error(ZF_ESCHEMA, "'%s': %zu problem%s; the first: %s", path, v.sum.problems,
                      v.sum.problems == 1 ? "" : "s", v.first);
done:
    if (file >= 0 && H5Fclose(file) < 0)
        H5Eclear2(H5E_DEFAULT);
    for (size_t i = 0; i < v.nnames; i++)
        free(v.names[i]);
    free(v.names);
    if (summary)
        *summary = v.sum;
    return rc;
}
