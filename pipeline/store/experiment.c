/* experiment.c: the HDF5 experiment file: schema, atomic create/open/commit, ragged tracks, metrics, stats and provenance. */
#include "zfstress/core.h"
#include "zfstress/experiment.h"
#include "core/chunkenc.h"
#include "core/pool.h"
#include "store/experiment_internal.h"

#include <hdf5.h>
#ifdef ZF_MPI
#include "mpi/zfmpi.h"
#include <mpi.h>
#endif

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define TIME_CHUNK 65536
/* rows per chunk of /tracks/time and /tracks/position (512 KiB each) */
#define TRACK_CHUNK ((size_t)65536)

/* One chunk of /tracks/time (ds 0) or /tracks/position (ds 1) on its way to
 * the file: cut by the writer, encoded by a pool thread, written in order. */
typedef struct chunk_job {
    zf_task task;
    int ds;
    size_t index;          /* chunk number along the rows */
    size_t rawlen, elem;
    unsigned char *raw;    /* TRACK_CHUNK rows, zero after the last sample */
    unsigned char *enc;
    size_t enclen;
    int inline_rc;         /* status when encoded without a pool */
    struct chunk_job *next;
} chunk_job;

struct zf_experiment {
    hid_t file;
    char *path;
    char *tmp;        /* NULL when opened read-only in place */
    hid_t dtime, dpos; /* open while appending tracks */
    size_t nsamples;
    /* the track writer: rows staged into whole chunks, encoded in the pool's
     * threads, written with H5Dwrite_chunk in chunk order */
    zf_pool *pool;        /* borrowed; NULL: encode in the calling thread */
    double *stage_t;      /* [TRACK_CHUNK] */
    float *stage_p;       /* [2 * TRACK_CHUNK] */
    size_t stage_n;       /* rows staged */
    size_t chunk_next;    /* index of the next chunk to cut */
    chunk_job *q_head, *q_tail;
    size_t q_len;
    size_t rows;          /* rows staged in all */
    hsize_t ext;          /* rows both track datasets are extended to */
    size_t unsynced;      /* bytes of chunks written since the write-back was last started */
    size_t ntracks, cap;
    int64_t *offset;  /* [ntracks + 1] */
    double *tail;     /* [2 * ntracks]: last two times of each track appended (not when opened) */
    int want_metrics; /* the caller runs the metrics stage right after ingest */
    void *attached;   /* what a stage left for a later one on this handle */
    void (*release)(void *);
    char **src_file, **src_format, **src_sha, **src_ydir, **src_conv, **src_ind;
    double *src_scale, *src_fps;
    int64_t *src_missing;
    /* binned activity (ViewPoint): /activity/<column>, ragged like the tracks */
    hid_t dact[5];
    int64_t *act_offset;  /* [ntracks + 1] */
    size_t nact;
    int has_activity;
#ifdef ZF_MPI
    int defer_samples;    /* /tracks rows are written by every rank (zf_experiment_mpi_write_rows) */
#endif
};

static const char *const act_names[5] = {"bin_start", "bin_duration", "inactive_distance", "small_distance", "large_distance"};
static const char *const act_units[5] = {"s", "s", "mm", "mm", "mm"};
static const char *const act_desc[5] = {
    "start of each activity bin from trial start", "length of each activity bin",
    "distance moved while inactive (below the tracker's inactivity threshold)",
    "distance moved in small movements", "distance moved in large movements"};

/* Turn a failed HDF5 call into our status with context. */
#define ZF_H5(expr, ...) do { if ((expr) < 0) { rc = zf_error(ZF_EHDF5, __VA_ARGS__); goto done; } } while (0)

static hid_t plist_nodates(hid_t cls)
{
    hid_t p = H5Pcreate(cls);
    if (p >= 0)
        H5Pset_obj_track_times(p, 0); /* byte-reproducible files */
    return p;
}

static int set_text_attr(hid_t obj, const char *key, const char *value)
{
    int rc = ZF_OK;
    hid_t type = H5I_INVALID_HID, space = H5I_INVALID_HID, attr = H5I_INVALID_HID;
    ZF_H5(type = H5Tcopy(H5T_C_S1), "cannot create string type");
    ZF_H5(H5Tset_size(type, H5T_VARIABLE), "cannot set string size");
    ZF_H5(H5Tset_cset(type, H5T_CSET_UTF8), "cannot set UTF-8");
    ZF_H5(space = H5Screate(H5S_SCALAR), "cannot create scalar space");
    if (H5Aexists(obj, key) > 0)
        H5Adelete(obj, key);
    ZF_H5(attr = H5Acreate2(obj, key, type, space, H5P_DEFAULT, H5P_DEFAULT), "cannot create attribute '%s'", key);
    ZF_H5(H5Awrite(attr, type, &value), "cannot write attribute '%s'", key);
done:
    if (attr >= 0) H5Aclose(attr);
    if (space >= 0) H5Sclose(space);
    if (type >= 0) H5Tclose(type);
    return rc;
}

static int get_text_attr(hid_t obj, const char *key, char **value)
{
    int rc = ZF_OK;
    hid_t attr = H5I_INVALID_HID, type = H5I_INVALID_HID, space = H5I_INVALID_HID;
    char *v = NULL;
    ZF_H5(attr = H5Aopen(obj, key, H5P_DEFAULT), "attribute '%s' not found", key);
    ZF_H5(type = H5Tcopy(H5T_C_S1), "cannot create string type");
    ZF_H5(H5Tset_size(type, H5T_VARIABLE), "cannot set string size");
    ZF_H5(H5Tset_cset(type, H5T_CSET_UTF8), "cannot set UTF-8");
    ZF_H5(H5Aread(attr, type, &v), "cannot read attribute '%s'", key);
    *value = zf_strdup(v ? v : "");
    if (!*value)
        rc = ZF_ENOMEM;
    ZF_H5(space = H5Aget_space(attr), "cannot read attribute space");
    H5free_memory(v);
done:
    if (space >= 0) H5Sclose(space);
    if (type >= 0) H5Tclose(type);
    if (attr >= 0) H5Aclose(attr);
    return rc;
}

static int ensure_group(hid_t file, const char *name, hid_t *out)
{
    int rc = ZF_OK;
    hid_t gcpl = H5I_INVALID_HID;
    if (H5Lexists(file, name, H5P_DEFAULT) > 0) {
        ZF_H5(*out = H5Gopen2(file, name, H5P_DEFAULT), "cannot open group '%s'", name);
        return ZF_OK;
    }
    ZF_H5(gcpl = plist_nodates(H5P_GROUP_CREATE), "cannot create property list");
    ZF_H5(*out = H5Gcreate2(file, name, H5P_DEFAULT, gcpl, H5P_DEFAULT), "cannot create group '%s'", name);
done:
    if (gcpl >= 0) H5Pclose(gcpl);
    return rc;
}

/* A 1-D (or 2-D) dataset written in one go; big ones chunked + shuffle + deflate + fletcher32. */
static int write_dataset(hid_t loc, const char *name, hid_t memtype, hid_t filetype, int rank,
                         const hsize_t *dims, const void *data, const char *units, const char *description)
{
    int rc = ZF_OK;
    hid_t space = H5I_INVALID_HID, dcpl = H5I_INVALID_HID, ds = H5I_INVALID_HID;
    if (H5Lexists(loc, name, H5P_DEFAULT) > 0)
        ZF_H5(H5Ldelete(loc, name, H5P_DEFAULT), "cannot replace dataset '%s'", name);
    ZF_H5(space = H5Screate_simple(rank, dims, NULL), "cannot create dataspace for '%s'", name);
    ZF_H5(dcpl = plist_nodates(H5P_DATASET_CREATE), "cannot create property list");
    hsize_t total = 1;
    for (int i = 0; i < rank; i++)
        total *= dims[i];
    if (total > 0 && H5Tget_class(filetype) != H5T_STRING) {
        hsize_t chunk[2] = {dims[0] < 65536 ? dims[0] : 65536, rank > 1 ? dims[1] : 1};
        ZF_H5(H5Pset_chunk(dcpl, rank, chunk), "cannot set chunking of '%s'", name);
        ZF_H5(H5Pset_fletcher32(dcpl), "cannot set fletcher32");
        ZF_H5(H5Pset_shuffle(dcpl), "cannot set shuffle");
        ZF_H5(H5Pset_deflate(dcpl, 1), "cannot set deflate");
    }
    ZF_H5(ds = H5Dcreate2(loc, name, filetype, space, H5P_DEFAULT, dcpl, H5P_DEFAULT), "cannot create dataset '%s'", name);
    if (total > 0)
        ZF_H5(H5Dwrite(ds, memtype, H5S_ALL, H5S_ALL, H5P_DEFAULT, data), "cannot write dataset '%s'", name);
    if (units && (rc = set_text_attr(ds, "units", units)) != ZF_OK)
        goto done;
    if (description && (rc = set_text_attr(ds, "description", description)) != ZF_OK)
        goto done;
done:
    /* closing writes the cached chunk: a failure here (disk full) loses the data, so it is an error */
    if (ds >= 0 && H5Dclose(ds) < 0 && rc == ZF_OK)
        rc = zf_error(ZF_EHDF5, "cannot write dataset '%s' (disk full?)", name);
    if (dcpl >= 0) H5Pclose(dcpl);
    if (space >= 0) H5Sclose(space);
    return rc;
}

static int write_strings(hid_t loc, const char *name, char *const *v, size_t n, const char *description)
{
    int rc = ZF_OK;
    hid_t type = H5I_INVALID_HID;
    hsize_t dims[1] = {n};
    ZF_H5(type = H5Tcopy(H5T_C_S1), "cannot create string type");
    ZF_H5(H5Tset_size(type, H5T_VARIABLE), "cannot set string size");
    ZF_H5(H5Tset_cset(type, H5T_CSET_UTF8), "cannot set UTF-8");
    rc = write_dataset(loc, name, type, type, 1, dims, v, "1", description);
done:
    if (type >= 0) H5Tclose(type);
    return rc;
}

static int write_f64(hid_t loc, const char *name, const double *v, size_t n, const char *units, const char *desc)
{
    hsize_t dims[1] = {n};
    return write_dataset(loc, name, H5T_NATIVE_DOUBLE, H5T_IEEE_F64LE, 1, dims, v, units, desc);
}

static void free_sources(zf_experiment *e)
{
    for (size_t i = 0; i < e->ntracks; i++) {
        if (e->src_file) free(e->src_file[i]);
        if (e->src_format) free(e->src_format[i]);
        if (e->src_sha) free(e->src_sha[i]);
        if (e->src_ydir) free(e->src_ydir[i]);
        if (e->src_conv) free(e->src_conv[i]);
        if (e->src_ind) free(e->src_ind[i]);
    }
    free(e->src_conv);
    free(e->src_ind);
    free(e->src_fps);
    e->src_conv = e->src_ind = NULL;
    e->src_fps = NULL;
    free(e->src_file);
    free(e->src_format);
    free(e->src_sha);
    free(e->src_ydir);
    free(e->src_scale);
    free(e->src_missing);
    free(e->offset);
    free(e->tail);
    e->tail = NULL;
    free(e->act_offset);
    e->act_offset = NULL;
    e->src_file = e->src_format = e->src_sha = e->src_ydir = NULL;
    e->src_scale = NULL;
    e->src_missing = NULL;
    e->offset = NULL;
}

static void chunk_job_free(chunk_job *j)
{
    if (!j)
        return;
    free(j->raw);
    free(j->enc);
    free(j);
}

/* Drop every chunk not yet written (a failed or abandoned ingest). */
static void discard_chunks(zf_experiment *e)
{
    while (e->q_head) {
        chunk_job *j = e->q_head;
        e->q_head = j->next;
        if (e->pool)
            zf_pool_cancel(e->pool, &j->task);
        chunk_job_free(j);
    }
    e->q_tail = NULL;
    e->q_len = 0;
}

static void destroy(zf_experiment *e)
{
    discard_chunks(e);
    if (e->release)
        e->release(e->attached);
    free(e->stage_t);
    free(e->stage_p);
    for (int k = 0; k < 5; k++)
        if (e->dact[k] >= 0) H5Dclose(e->dact[k]);
    if (e->dtime >= 0) H5Dclose(e->dtime);
    if (e->dpos >= 0) H5Dclose(e->dpos);
    if (e->file >= 0) H5Fclose(e->file);
    free_sources(e);
    free(e->path);
    free(e->tmp);
    free(e);
}

static zf_experiment *alloc_exp(const char *path, int writable)
{
    zf_experiment *e = calloc(1, sizeof *e);
    if (!e) {
        zf_error(ZF_ENOMEM, "out of memory");
        return NULL;
    }
    e->file = e->dtime = e->dpos = H5I_INVALID_HID;
    for (int k = 0; k < 5; k++)
        e->dact[k] = H5I_INVALID_HID;
    e->path = zf_strdup(path);
    if (writable && e->path) {
        size_t n = strlen(path);
        e->tmp = malloc(n + 5);
        if (e->tmp) {
            memcpy(e->tmp, path, n);
            memcpy(e->tmp + n, ".tmp", 5);
        }
    }
    if (!e->path || (writable && !e->tmp)) {
        destroy(e);
        zf_error(ZF_ENOMEM, "out of memory");
        return NULL;
    }
    return e;
}

static void created_stamp(char *buf, size_t size)
{
    const char *sde = getenv("SOURCE_DATE_EPOCH");
    time_t t = time(NULL);
    if (sde && sde[0]) {
        char *end = NULL;
        long long v = strtoll(sde, &end, 10);
        if (end && *end == '\0' && v >= 0)
            t = (time_t)v;
    }
    struct tm tmv;
    gmtime_r(&t, &tmv);
    strftime(buf, size, "%Y-%m-%dT%H:%M:%SZ", &tmv);
}

/* A failure inside the experiment file names it: messages of the HDF5 layer
 * ("cannot write dataset 'x' (disk full?)") do not know the file's path. */
static int at_file(const zf_experiment *e, int rc)
{
    if (rc != ZF_OK && e && zf_errmsg()[0] != '\'') {
        char msg[1024];
        snprintf(msg, sizeof msg, "%s", zf_errmsg());
        zf_error(rc, "'%s': %s", e->path, msg);
    }
    return rc;
}

int zf_experiment_create(const char *path, zf_experiment **out)
{
    int rc = ZF_OK;
    hid_t fcpl = H5I_INVALID_HID, root = H5I_INVALID_HID;
    char stamp[64], versions[512];
    zf_experiment *e = alloc_exp(path, 1);
    if (!e)
        return ZF_ENOMEM;
    remove(e->tmp);
    ZF_H5(fcpl = plist_nodates(H5P_FILE_CREATE), "cannot create property list");
    ZF_H5(e->file = H5Fcreate(e->tmp, H5F_ACC_TRUNC, fcpl, H5P_DEFAULT),
            "'%s': cannot create HDF5 file (is the directory writable?)", e->tmp);
    ZF_H5(root = H5Gopen2(e->file, "/", H5P_DEFAULT), "cannot open root group");
    created_stamp(stamp, sizeof stamp);
    zf_versions(versions, sizeof versions);
    if ((rc = set_text_attr(root, "schema", ZF_SCHEMA)) || (rc = set_text_attr(root, "software", "zfstress " ZF_VERSION)) ||
        (rc = set_text_attr(root, "created", stamp)) || (rc = set_text_attr(root, "versions", versions)))
        goto done;
done:
    if (root >= 0) H5Gclose(root);
    if (fcpl >= 0) H5Pclose(fcpl);
    if (rc) {
        if (e->file >= 0) {
            H5Fclose(e->file);
            e->file = H5I_INVALID_HID;
        }
        remove(e->tmp);
        destroy(e);
        return rc;
    }
    *out = e;
    return ZF_OK;
}

static int copy_file(const char *from, const char *to)
{
    int rc = ZF_OK;
    FILE *in = NULL, *out = NULL;
    char *buf = malloc(1 << 20);
    if (!buf)
        return zf_error(ZF_ENOMEM, "out of memory");
    if (!(in = fopen(from, "rb"))) {
        rc = zf_error(ZF_EIO, "'%s': cannot open: %s", from, strerror(errno));
        goto done;
    }
    if (!(out = fopen(to, "wb"))) {
        rc = zf_error(ZF_EIO, "'%s': cannot write: %s", to, strerror(errno));
        goto done;
    }
    size_t got;
    while ((got = fread(buf, 1, 1 << 20, in)) > 0)
        if (fwrite(buf, 1, got, out) != got) {
            rc = zf_error(ZF_EIO, "'%s': write failed: %s", to, strerror(errno));
            goto done;
        }
    if (ferror(in))
        rc = zf_error(ZF_EIO, "'%s': read error", from);
done:
    if (in) fclose(in);
    if (out && fclose(out) != 0 && !rc)
        rc = zf_error(ZF_EIO, "'%s': write failed: %s", to, strerror(errno));
    if (rc && out)
        remove(to);
    free(buf);
    return rc;
}

static int check_schema(zf_experiment *e)
{
    int rc = ZF_OK;
    char *schema = NULL;
    hid_t root = H5Gopen2(e->file, "/", H5P_DEFAULT);
    if (root < 0 || get_text_attr(root, "schema", &schema) != ZF_OK)
        rc = zf_error(ZF_ESCHEMA, "'%s': not a zfstress experiment file (no 'schema' attribute)", e->path);
    else if (strcmp(schema, ZF_SCHEMA) != 0)
        rc = zf_error(ZF_ESCHEMA, "'%s': schema '%s', expected '%s'", e->path, schema, ZF_SCHEMA);
    free(schema);
    if (root >= 0)
        H5Gclose(root);
    return rc;
}

static int load_offsets(zf_experiment *e)
{
    int rc = ZF_OK;
    hid_t ds = H5I_INVALID_HID, space = H5I_INVALID_HID;
    hsize_t dims[1] = {0};
    if (H5Lexists(e->file, "/tracks", H5P_DEFAULT) <= 0 || H5Lexists(e->file, "/tracks/offset", H5P_DEFAULT) <= 0)
        return ZF_OK; /* a file without tracks yet */
    ZF_H5(ds = H5Dopen2(e->file, "/tracks/offset", H5P_DEFAULT), "'%s': cannot open /tracks/offset", e->path);
    ZF_H5(space = H5Dget_space(ds), "cannot read dataspace");
    ZF_H5(H5Sget_simple_extent_dims(space, dims, NULL), "cannot read dims");
    if (dims[0] < 1) {
        rc = zf_error(ZF_ESCHEMA, "'%s': /tracks/offset is empty", e->path);
        goto done;
    }
    if (!(e->offset = malloc(dims[0] * sizeof *e->offset))) {
        rc = zf_error(ZF_ENOMEM, "out of memory");
        goto done;
    }
    ZF_H5(H5Dread(ds, H5T_NATIVE_INT64, H5S_ALL, H5S_ALL, H5P_DEFAULT, e->offset),
            "'%s': cannot read /tracks/offset (checksum error?)", e->path);
    e->ntracks = (size_t)dims[0] - 1;
    e->nsamples = (size_t)e->offset[e->ntracks];
    if (H5Lexists(e->file, "/activity", H5P_DEFAULT) > 0 && H5Lexists(e->file, "/activity/offset", H5P_DEFAULT) > 0) {
        if (!(e->act_offset = malloc(dims[0] * sizeof *e->act_offset))) {
            rc = zf_error(ZF_ENOMEM, "out of memory");
            goto done;
        }
        H5Dclose(ds);
        ds = H5I_INVALID_HID;
        ZF_H5(ds = H5Dopen2(e->file, "/activity/offset", H5P_DEFAULT), "'%s': cannot open /activity/offset", e->path);
        ZF_H5(H5Dread(ds, H5T_NATIVE_INT64, H5S_ALL, H5S_ALL, H5P_DEFAULT, e->act_offset),
              "'%s': cannot read /activity/offset (checksum error?)", e->path);
        e->has_activity = 1;
        e->nact = (size_t)e->act_offset[e->ntracks];
    }
    for (size_t i = 0; i < e->ntracks; i++)
        if (e->offset[i + 1] < e->offset[i]) {
            rc = zf_error(ZF_ESCHEMA, "'%s': /tracks/offset decreases at subject %zu", e->path, i);
            goto done;
        }
done:
    if (space >= 0) H5Sclose(space);
    if (ds >= 0) H5Dclose(ds);
    return rc;
}

int zf_experiment_open(const char *path, int writable, zf_experiment **out)
{
    int rc = ZF_OK;
    zf_experiment *e = alloc_exp(path, writable);
    if (!e)
        return ZF_ENOMEM;
    if (access(path, R_OK) != 0) {
        rc = zf_error(ZF_EIO, "'%s': cannot open: %s", path, strerror(errno));
        goto done;
    }
    if (H5Fis_hdf5(path) <= 0) {
        rc = zf_error(ZF_ESCHEMA, "'%s': not an HDF5 file", path);
        goto done;
    }
    if (writable && (rc = copy_file(path, e->tmp)) != ZF_OK)
        goto done;
    ZF_H5(e->file = H5Fopen(writable ? e->tmp : path, writable ? H5F_ACC_RDWR : H5F_ACC_RDONLY, H5P_DEFAULT),
            "'%s': cannot open HDF5 file", path);
    if ((rc = check_schema(e)) || (rc = load_offsets(e)))
        goto done;
done:
    if (rc) {
        if (e->file >= 0) {
            H5Fclose(e->file);
            e->file = H5I_INVALID_HID;
        }
        if (writable)
            remove(e->tmp);
        destroy(e);
        return rc;
    }
    *out = e;
    return ZF_OK;
}

int zf_experiment_commit(zf_experiment *e)
{
    int rc = ZF_OK;
    if (!e->tmp) {
        destroy(e);
        return zf_error(ZF_EINVAL, "commit of a read-only experiment");
    }
    if (e->dtime >= 0) { H5Dclose(e->dtime); e->dtime = H5I_INVALID_HID; }
    if (e->dpos >= 0) { H5Dclose(e->dpos); e->dpos = H5I_INVALID_HID; }
    if (H5Fflush(e->file, H5F_SCOPE_GLOBAL) < 0 || H5Fclose(e->file) < 0) {
        e->file = H5I_INVALID_HID;
        rc = zf_error(ZF_EHDF5, "'%s': cannot write HDF5 file (disk full?)", e->tmp);
        goto fail;
    }
    e->file = H5I_INVALID_HID;
    int fd = open(e->tmp, O_RDONLY);
    if (fd < 0 || fsync(fd) != 0) {
        rc = zf_error(ZF_EIO, "'%s': cannot sync: %s", e->tmp, strerror(errno));
        if (fd >= 0) close(fd);
        goto fail;
    }
    close(fd);
    if ((rc = zf_rename_durable(e->tmp, e->path)) != ZF_OK)
        goto fail;
    destroy(e);
    return ZF_OK;
fail:
    remove(e->tmp);
    destroy(e);
    return rc;
}

void zf_experiment_close(zf_experiment *e)
{
    if (!e)
        return;
    if (e->dtime >= 0) { H5Dclose(e->dtime); e->dtime = H5I_INVALID_HID; }
    if (e->dpos >= 0) { H5Dclose(e->dpos); e->dpos = H5I_INVALID_HID; }
    if (e->file >= 0) { H5Fclose(e->file); e->file = H5I_INVALID_HID; }
    if (e->tmp)
        remove(e->tmp);
    destroy(e);
}

int zf_experiment_write_subjects(zf_experiment *e, const zf_table *t)
{
    int rc = ZF_OK;
    hid_t g = H5I_INVALID_HID;
    double *num = NULL;
    char **str = NULL;
    char *order = NULL;
    size_t olen = 0;
    if ((rc = ensure_group(e->file, "/subjects", &g)) != ZF_OK)
        goto done;
    if (!(num = malloc((t->nrow + 1) * sizeof *num)) || !(str = malloc((t->nrow + 1) * sizeof *str))) {
        rc = zf_error(ZF_ENOMEM, "out of memory");
        goto done;
    }
    for (size_t c = 0; c < t->ncol; c++) {
        char desc[256];
        snprintf(desc, sizeof desc, "sample-sheet column '%s', one value per subject", t->names[c]);
        if (zf_table_col_numeric(t, c)) {
            for (size_t r = 0; r < t->nrow; r++)
                zf_parse_number(zf_table_cell(t, r, c), &num[r]) == ZF_NUM_BAD ? (void)(num[r] = NAN) : (void)0;
            rc = write_f64(g, t->names[c], num, t->nrow, "", desc);
        } else {
            for (size_t r = 0; r < t->nrow; r++)
                str[r] = t->cells[r * t->ncol + c];
            rc = write_strings(g, t->names[c], str, t->nrow, desc);
        }
        if (rc)
            goto done;
        olen += strlen(t->names[c]) + 1;
    }
    if (!(order = malloc(olen + 1))) {
        rc = zf_error(ZF_ENOMEM, "out of memory");
        goto done;
    }
    order[0] = '\0';
    size_t o = 0;
    for (size_t c = 0; c < t->ncol; c++) {
        size_t l = strlen(t->names[c]);
        memcpy(order + o, t->names[c], l);
        o += l;
        order[o++] = c + 1 < t->ncol ? '\n' : '\0';
    }
    if (!t->ncol)
        order[0] = '\0';
    rc = set_text_attr(g, "columns", order);
done:
    free(order);
    free(num);
    free(str);
    if (g >= 0) H5Gclose(g);
    return at_file(e, rc);
}

int zf_experiment_read_subjects(zf_experiment *e, zf_table **out)
{
    int rc = ZF_OK;
    hid_t g = H5I_INVALID_HID, ds = H5I_INVALID_HID, type = H5I_INVALID_HID, space = H5I_INVALID_HID, st = H5I_INVALID_HID;
    char *order = NULL;
    zf_table *t = NULL;
    double *num = NULL;
    char **str = NULL;
    hsize_t dims[1] = {0};

    ZF_H5(g = H5Gopen2(e->file, "/subjects", H5P_DEFAULT), "'%s': no /subjects group", e->path);
    if ((rc = get_text_attr(g, "columns", &order)) != ZF_OK)
        goto done;
    if (!(t = calloc(1, sizeof *t)) || !(t->path = zf_strdup(e->path))) {
        rc = zf_error(ZF_ENOMEM, "out of memory");
        goto done;
    }
    size_t ncol = order[0] ? 1 : 0;
    for (const char *s = order; *s; s++)
        ncol += *s == '\n';
    if (!(t->names = calloc(ncol ? ncol : 1, sizeof *t->names))) {
        rc = zf_error(ZF_ENOMEM, "out of memory");
        goto done;
    }
    t->ncol = ncol;
    char *save = order;
    for (size_t c = 0; c < ncol; c++) {
        char *nl = strchr(save, '\n');
        if (nl)
            *nl = '\0';
        if (!(t->names[c] = zf_strdup(save))) {
            rc = ZF_ENOMEM;
            goto done;
        }
        save = nl ? nl + 1 : save + strlen(save);
    }
    for (size_t c = 0; c < ncol; c++) {
        ZF_H5(ds = H5Dopen2(g, t->names[c], H5P_DEFAULT), "'%s': missing /subjects/%s", e->path, t->names[c]);
        ZF_H5(space = H5Dget_space(ds), "cannot read dataspace");
        ZF_H5(H5Sget_simple_extent_dims(space, dims, NULL), "cannot read dims");
        if (c == 0) {
            t->nrow = (size_t)dims[0];
            if (!(t->cells = calloc(t->nrow * ncol + 1, sizeof *t->cells)) ||
                !(t->line = calloc(t->nrow + 1, sizeof *t->line)) ||
                !(num = malloc((t->nrow + 1) * sizeof *num)) || !(str = calloc(t->nrow + 1, sizeof *str))) {
                rc = zf_error(ZF_ENOMEM, "out of memory");
                goto done;
            }
            for (size_t r = 0; r < t->nrow; r++)
                t->line[r] = r + 2;
        } else if ((size_t)dims[0] != t->nrow) {
            rc = zf_error(ZF_ESCHEMA, "'%s': /subjects/%s has %zu rows, expected %zu", e->path, t->names[c],
                          (size_t)dims[0], t->nrow);
            goto done;
        }
        ZF_H5(type = H5Dget_type(ds), "cannot read type");
        if (H5Tget_class(type) == H5T_STRING) {
            ZF_H5(st = H5Tcopy(H5T_C_S1), "cannot create string type");
            ZF_H5(H5Tset_size(st, H5T_VARIABLE), "cannot set string size");
            ZF_H5(H5Tset_cset(st, H5T_CSET_UTF8), "cannot set UTF-8");
            if (t->nrow)
                ZF_H5(H5Dread(ds, st, H5S_ALL, H5S_ALL, H5P_DEFAULT, str), "'%s': cannot read /subjects/%s", e->path, t->names[c]);
            for (size_t r = 0; r < t->nrow && !rc; r++)
                if (!(t->cells[r * ncol + c] = zf_strdup(str[r] ? str[r] : "")))
                    rc = ZF_ENOMEM;
            if (t->nrow)
                H5Dvlen_reclaim(st, space, H5P_DEFAULT, str);
            H5Tclose(st);
            st = H5I_INVALID_HID;
        } else {
            if (t->nrow)
                ZF_H5(H5Dread(ds, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, num), "'%s': cannot read /subjects/%s", e->path, t->names[c]);
            for (size_t r = 0; r < t->nrow && !rc; r++) {
                char buf[64];
                if (isnan(num[r]))
                    buf[0] = '\0';
                else
                    snprintf(buf, sizeof buf, "%.15g", num[r]);
                if (!(t->cells[r * ncol + c] = zf_strdup(buf)))
                    rc = ZF_ENOMEM;
            }
        }
        if (rc)
            goto done;
        H5Tclose(type);
        type = H5I_INVALID_HID;
        H5Sclose(space);
        space = H5I_INVALID_HID;
        H5Dclose(ds);
        ds = H5I_INVALID_HID;
    }
    *out = t;
    t = NULL;
done:
    if (st >= 0) H5Tclose(st);
    if (type >= 0) H5Tclose(type);
    if (space >= 0) H5Sclose(space);
    if (ds >= 0) H5Dclose(ds);
    if (g >= 0) H5Gclose(g);
    free(order);
    free(num);
    free(str);
    zf_table_free(t);
    return at_file(e, rc);
}

/* Create /tracks/time and /tracks/position in group g with rows rows (the
 * serial writer starts at 0 and extends them as chunks arrive). Under MPI
 * every rank calls this with the same arguments: creation is collective. */
static int create_track_datasets(hid_t g, hsize_t rows, hid_t *dtime, hid_t *dpos)
{
    int rc = ZF_OK;
    hid_t space = H5I_INVALID_HID, dcpl = H5I_INVALID_HID;
    hsize_t dims1[1] = {rows}, max1[1] = {H5S_UNLIMITED}, chunk1[1] = {TRACK_CHUNK};
    hsize_t dims2[2] = {rows, 2}, max2[2] = {H5S_UNLIMITED, 2}, chunk2[2] = {TRACK_CHUNK, 2};
    /* the order of h5py's pipeline: the checksum covers the stored bytes.
     * Chunks are encoded by zf_chunk_encode and written with H5Dwrite_chunk;
     * readers see ordinary shuffle + deflate + fletcher32 datasets. */
    ZF_H5(dcpl = plist_nodates(H5P_DATASET_CREATE), "cannot create property list");
    ZF_H5(H5Pset_chunk(dcpl, 1, chunk1), "cannot set chunking");
    ZF_H5(H5Pset_shuffle(dcpl), "cannot set shuffle");
    ZF_H5(H5Pset_deflate(dcpl, 1), "cannot set deflate");
    ZF_H5(H5Pset_fletcher32(dcpl), "cannot set fletcher32");
    ZF_H5(space = H5Screate_simple(1, dims1, max1), "cannot create dataspace");
    ZF_H5(*dtime = H5Dcreate2(g, "time", H5T_IEEE_F64LE, space, H5P_DEFAULT, dcpl, H5P_DEFAULT), "cannot create /tracks/time");
    H5Sclose(space);
    space = H5I_INVALID_HID;
    H5Pclose(dcpl);
    ZF_H5(dcpl = plist_nodates(H5P_DATASET_CREATE), "cannot create property list");
    ZF_H5(H5Pset_chunk(dcpl, 2, chunk2), "cannot set chunking");
    ZF_H5(H5Pset_shuffle(dcpl), "cannot set shuffle");
    ZF_H5(H5Pset_deflate(dcpl, 1), "cannot set deflate");
    ZF_H5(H5Pset_fletcher32(dcpl), "cannot set fletcher32");
    ZF_H5(space = H5Screate_simple(2, dims2, max2), "cannot create dataspace");
    ZF_H5(*dpos = H5Dcreate2(g, "position", H5T_IEEE_F32LE, space, H5P_DEFAULT, dcpl, H5P_DEFAULT), "cannot create /tracks/position");
    if ((rc = set_text_attr(*dtime, "units", "s")) ||
        (rc = set_text_attr(*dtime, "description", "time from trial start of every sample of every subject; rows offset[i]..offset[i+1]-1 are subject i")) ||
        (rc = set_text_attr(*dpos, "units", "mm")) ||
        (rc = set_text_attr(*dpos, "description", "position (x, y) with y pointing up (0 at the tank floor for side views); NaN when missing")))
        goto done;
done:
    if (dcpl >= 0) H5Pclose(dcpl);
    if (space >= 0) H5Sclose(space);
    return rc;
}

static int open_track_datasets(zf_experiment *e)
{
    int rc = ZF_OK;
    hid_t g = H5I_INVALID_HID;
    if ((rc = ensure_group(e->file, "/tracks", &g)) != ZF_OK)
        goto done;
    if (H5Lexists(g, "time", H5P_DEFAULT) > 0) {
        rc = zf_error(ZF_EINVAL, "'%s': tracks were already written", e->path);
        goto done;
    }
    if (!(e->stage_t = malloc(TRACK_CHUNK * sizeof *e->stage_t)) ||
        !(e->stage_p = malloc(2 * TRACK_CHUNK * sizeof *e->stage_p))) {
        rc = zf_error(ZF_ENOMEM, "out of memory");
        goto done;
    }
    rc = create_track_datasets(g, 0, &e->dtime, &e->dpos);
done:
    if (g >= 0) H5Gclose(g);
    return rc;
}

/* The track datasets are still to be created by this writer (not when the
 * ranks of an MPI run create and write them together). */
static int tracks_unopened(const zf_experiment *e)
{
#ifdef ZF_MPI
    if (e->defer_samples)
        return 0;
#endif
    return e->dtime < 0;
}

/* Extend both track datasets to rows. */
static int extend_tracks(zf_experiment *e, hsize_t rows)
{
    int rc = ZF_OK;
    hsize_t size1[1] = {rows}, size2[2] = {rows, 2};
    ZF_H5(H5Dset_extent(e->dtime, size1), "cannot extend /tracks/time");
    ZF_H5(H5Dset_extent(e->dpos, size2), "cannot extend /tracks/position");
    e->ext = rows;
done:
    return rc;
}

static int encode_job(void *arg)
{
    chunk_job *j = arg;
    if (!(j->enc = malloc(zf_chunk_bound(j->rawlen))))
        return zf_error(ZF_ENOMEM, "out of memory");
    return zf_chunk_encode(j->raw, j->rawlen, j->elem, ZF_CHUNK_BEST, j->enc, &j->enclen);
}

/* Write the oldest chunk (waiting for its encoding), extending the datasets
 * to the rows staged so far when it lies beyond them. */
#define WRITEBACK_BYTES ((size_t)16 << 20)

static int write_head(zf_experiment *e)
{
    int rc = ZF_OK;
    chunk_job *j = e->q_head;
    e->q_head = j->next;
    if (!e->q_head)
        e->q_tail = NULL;
    e->q_len--;
    rc = e->pool ? zf_pool_wait(e->pool, &j->task) : j->inline_rc;
    if (rc)
        goto done;
    hsize_t first = (hsize_t)(j->index * TRACK_CHUNK);
    if (e->ext <= first && (rc = extend_tracks(e, first + TRACK_CHUNK < e->rows ? first + TRACK_CHUNK : e->rows)) != ZF_OK)
        goto done;
    hsize_t off[2] = {first, 0};
    ZF_H5(H5Dwrite_chunk(j->ds ? e->dpos : e->dtime, H5P_DEFAULT, 0, off, j->enclen, j->enc),
          "cannot write %s (disk full?)", j->ds ? "/tracks/position" : "/tracks/time");
    /* the disk writes the tracks while ingest goes on, so that the commit's fsync finds little left */
    if ((e->unsynced += j->enclen) >= WRITEBACK_BYTES) {
        zf_writeback_start(e->tmp);
        e->unsynced = 0;
    }
done:
    chunk_job_free(j);
    return rc;
}

/* Chunks in flight at most (both datasets): bounds memory, and being a
 * constant (not the thread count, not which encodings finished first) it
 * makes the order of every HDF5 call, hence the file's bytes, the same for
 * any number of threads. */
#define CHUNKS_IN_FLIGHT 8

/* Write chunks in order while more than CHUNKS_IN_FLIGHT wait (all: every one). */
static int drain(zf_experiment *e, int all)
{
    int rc = ZF_OK;
    while (e->q_head && !rc && (all || e->q_len > CHUNKS_IN_FLIGHT))
        rc = write_head(e);
    return rc;
}

/* Hand the staged rows (a whole chunk, or the zero-padded last one) to the
 * encoders: one job per dataset. */
static int cut_chunk(zf_experiment *e)
{
    int rc = ZF_OK;
    chunk_job *j[2] = {NULL, NULL};
    for (int k = 0; k < 2; k++) {
        if (!(j[k] = calloc(1, sizeof *j[k]))) {
            rc = zf_error(ZF_ENOMEM, "out of memory");
            goto done;
        }
        j[k]->ds = k;
        j[k]->index = e->chunk_next;
        j[k]->elem = k ? sizeof(float) : sizeof(double);
        j[k]->rawlen = TRACK_CHUNK * (k ? 2 * sizeof(float) : sizeof(double));
    }
    if (e->stage_n < TRACK_CHUNK) {
        memset(e->stage_t + e->stage_n, 0, (TRACK_CHUNK - e->stage_n) * sizeof *e->stage_t);
        memset(e->stage_p + 2 * e->stage_n, 0, 2 * (TRACK_CHUNK - e->stage_n) * sizeof *e->stage_p);
    }
    /* the staged buffers go with the jobs; fresh ones take their place */
    j[0]->raw = (unsigned char *)e->stage_t;
    j[1]->raw = (unsigned char *)e->stage_p;
    e->stage_t = NULL;
    e->stage_p = NULL;
    e->stage_n = 0;
    e->chunk_next++;
    for (int k = 0; k < 2; k++) {
        j[k]->task.fn = encode_job;
        j[k]->task.arg = j[k];
        if (e->pool)
            zf_pool_submit(e->pool, &j[k]->task);
        else
            j[k]->inline_rc = encode_job(j[k]);
        if (e->q_tail)
            e->q_tail->next = j[k];
        else
            e->q_head = j[k];
        e->q_tail = j[k];
        e->q_len++;
        j[k] = NULL;
    }
    if (!(e->stage_t = malloc(TRACK_CHUNK * sizeof *e->stage_t)) ||
        !(e->stage_p = malloc(2 * TRACK_CHUNK * sizeof *e->stage_p))) {
        rc = zf_error(ZF_ENOMEM, "out of memory");
        goto done;
    }
    rc = drain(e, 0);
done:
    chunk_job_free(j[0]);
    chunk_job_free(j[1]);
    return rc;
}

void zf_experiment_want_metrics(zf_experiment *e, int yes) { e->want_metrics = yes; }
int zf_experiment_wants_metrics(const zf_experiment *e) { return e->want_metrics; }

void zf_experiment_attach(zf_experiment *e, void *data, void (*release)(void *))
{
    if (e->release)
        e->release(e->attached);
    e->attached = data;
    e->release = release;
}

void *zf_experiment_attached(const zf_experiment *e) { return e->attached; }

void zf_experiment_set_pool(zf_experiment *e, zf_pool *pool)
{
    if (!e || e->pool == pool)
        return;
    /* chunks in flight finish with the pool that has them */
    if (e->q_head && drain(e, 1) != ZF_OK)
        discard_chunks(e);
    e->pool = pool;
}

static int grow_sources(zf_experiment *e)
{
    if (e->ntracks + 1 < e->cap)
        return ZF_OK;
    size_t cap = e->cap ? e->cap * 2 : 64;
#define GROW(field) do { \
        void *p_ = realloc(e->field, cap * sizeof *e->field); \
        if (!p_) \
            return zf_error(ZF_ENOMEM, "out of memory"); \
        e->field = p_; \
    } while (0)
    GROW(offset);
    GROW(src_file);
    GROW(src_format);
    GROW(src_sha);
    GROW(src_ydir);
    GROW(src_scale);
    GROW(src_missing);
    GROW(src_conv);
    GROW(src_ind);
    GROW(src_fps);
    GROW(act_offset);
#undef GROW
    double *tail = realloc(e->tail, 2 * cap * sizeof *tail);
    if (!tail)
        return zf_error(ZF_ENOMEM, "out of memory");
    e->tail = tail;
    e->cap = cap;
    return ZF_OK;
}

static int open_activity_datasets(zf_experiment *e)
{
    int rc = ZF_OK;
    hid_t g = H5I_INVALID_HID, space = H5I_INVALID_HID, dcpl = H5I_INVALID_HID;
    hsize_t zero1[1] = {0}, max1[1] = {H5S_UNLIMITED}, chunk1[1] = {TIME_CHUNK / 4};
    if ((rc = ensure_group(e->file, "/activity", &g)) != ZF_OK)
        goto done;
    ZF_H5(dcpl = plist_nodates(H5P_DATASET_CREATE), "cannot create property list");
    ZF_H5(H5Pset_chunk(dcpl, 1, chunk1), "cannot set chunking");
    ZF_H5(H5Pset_fletcher32(dcpl), "cannot set fletcher32");
    ZF_H5(H5Pset_shuffle(dcpl), "cannot set shuffle");
    ZF_H5(H5Pset_deflate(dcpl, 1), "cannot set deflate");
    ZF_H5(space = H5Screate_simple(1, zero1, max1), "cannot create dataspace");
    for (int k = 0; k < 5; k++) {
        ZF_H5(e->dact[k] = H5Dcreate2(g, act_names[k], H5T_IEEE_F64LE, space, H5P_DEFAULT, dcpl, H5P_DEFAULT),
              "cannot create /activity/%s", act_names[k]);
        if ((rc = set_text_attr(e->dact[k], "units", act_units[k])) || (rc = set_text_attr(e->dact[k], "description", act_desc[k])))
            goto done;
    }
done:
    if (dcpl >= 0) H5Pclose(dcpl);
    if (space >= 0) H5Sclose(space);
    if (g >= 0) H5Gclose(g);
    return rc;
}

int zf_experiment_append_track(zf_experiment *e, const zf_track *tr, const zf_track_source *src)
{
    int rc = ZF_OK;
    hid_t fspace = H5I_INVALID_HID, mspace = H5I_INVALID_HID;
    if (tracks_unopened(e) && (rc = open_track_datasets(e)) != ZF_OK)
        return rc;
    if ((rc = grow_sources(e)) != ZF_OK)
        return rc;
    if (e->ntracks == 0)
        e->offset[0] = 0;
    size_t n = tr->n;
#ifdef ZF_MPI
    if (e->defer_samples)
        e->rows += n; /* the rows only: their samples come from the ranks */
    else
#endif
    for (size_t i = 0; i < n;) {
        size_t take = TRACK_CHUNK - e->stage_n;
        if (take > n - i)
            take = n - i;
        memcpy(e->stage_t + e->stage_n, tr->t + i, take * sizeof *tr->t);
        float *p = e->stage_p + 2 * e->stage_n;
        for (size_t k = 0; k < take; k++) {
            p[2 * k] = (float)tr->x[i + k];
            p[2 * k + 1] = (float)tr->y[i + k];
        }
        e->stage_n += take;
        e->rows += take;
        i += take;
        if (e->stage_n == TRACK_CHUNK && (rc = cut_chunk(e)) != ZF_OK)
            goto done;
    }
    if (e->ntracks == 0)
        e->act_offset[0] = 0;
    if (src && src->activity && src->activity->n) {
        const zf_activity *a = src->activity;
        const double *cols[5] = {a->start_s, a->duration_s, a->inactive_mm, a->small_mm, a->large_mm};
        if (e->dact[0] < 0 && (rc = open_activity_datasets(e)) != ZF_OK)
            goto done;
        hsize_t start1[1] = {e->nact}, count1[1] = {a->n}, size1[1] = {e->nact + a->n};
        for (int c = 0; c < 5; c++) {
            ZF_H5(H5Dset_extent(e->dact[c], size1), "cannot extend /activity/%s", act_names[c]);
            ZF_H5(fspace = H5Dget_space(e->dact[c]), "cannot get dataspace");
            ZF_H5(H5Sselect_hyperslab(fspace, H5S_SELECT_SET, start1, NULL, count1, NULL), "cannot select");
            ZF_H5(mspace = H5Screate_simple(1, count1, NULL), "cannot create dataspace");
            ZF_H5(H5Dwrite(e->dact[c], H5T_NATIVE_DOUBLE, mspace, fspace, H5P_DEFAULT, cols[c]),
                  "cannot write /activity/%s (disk full?)", act_names[c]);
            H5Sclose(fspace);
            H5Sclose(mspace);
            fspace = mspace = H5I_INVALID_HID;
        }
        e->nact += a->n;
        e->has_activity = 1;
    }
    size_t k = e->ntracks;
    e->act_offset[k + 1] = (int64_t)e->nact;
    e->src_file[k] = zf_strdup(src && src->file ? src->file : "");
    e->src_format[k] = zf_strdup(src && src->format ? src->format : "");
    e->src_sha[k] = zf_strdup(src && src->sha256 ? src->sha256 : "");
    e->src_ydir[k] = zf_strdup(src && src->y_direction ? src->y_direction : "up");
    e->src_conv[k] = zf_strdup(src && src->conversions ? src->conversions : "");
    e->src_ind[k] = zf_strdup(src && src->individual ? src->individual : "");
    e->src_fps[k] = src ? src->fps : NAN;
    e->src_scale[k] = src ? src->mm_per_unit : 1.0;
    e->src_missing[k] = (int64_t)zf_track_missing(tr);
    e->tail[2 * k] = n > 1 ? tr->t[n - 2] : NAN;
    e->tail[2 * k + 1] = n > 0 ? tr->t[n - 1] : NAN;
    e->ntracks++;
    e->nsamples += n;
    e->offset[e->ntracks] = (int64_t)e->nsamples;
    if (!e->src_file[k] || !e->src_format[k] || !e->src_sha[k] || !e->src_ydir[k] || !e->src_conv[k] || !e->src_ind[k])
        rc = ZF_ENOMEM;
done:
    if (fspace >= 0) H5Sclose(fspace);
    if (mspace >= 0) H5Sclose(mspace);
    return at_file(e, rc);
}

int zf_experiment_finish_tracks(zf_experiment *e)
{
    int rc = ZF_OK;
    hid_t g = H5I_INVALID_HID;
    hsize_t dims[1] = {e->ntracks + 1};
    if (tracks_unopened(e) && (rc = open_track_datasets(e)) != ZF_OK)
        return rc;
    if ((rc = grow_sources(e)) != ZF_OK)
        return rc;
    if (e->ntracks == 0)
        e->offset[0] = e->act_offset[0] = 0;
    /* the last, partial chunk, then everything still in flight */
    if (e->stage_t && e->stage_n > 0 && (rc = cut_chunk(e)) != ZF_OK)
        return rc;
    if ((rc = drain(e, 1)) != ZF_OK ||
        (e->dtime >= 0 && e->ext != (hsize_t)e->rows && (rc = extend_tracks(e, (hsize_t)e->rows)) != ZF_OK))
        return rc;
    zf_writeback_start(e->tmp); /* the tracks go to the disk while the later stages run: the commit's fsync waits less */
    if ((rc = ensure_group(e->file, "/tracks", &g)) != ZF_OK)
        return rc;
    double *missing = malloc((e->ntracks + 1) * sizeof *missing);
    if (!missing) {
        rc = zf_error(ZF_ENOMEM, "out of memory");
        goto done;
    }
    for (size_t i = 0; i < e->ntracks; i++)
        missing[i] = (double)e->src_missing[i];
    if ((rc = write_dataset(g, "offset", H5T_NATIVE_INT64, H5T_STD_I64LE, 1, dims, e->offset, "1",
                            "row index of the first sample of subject i; subject i has rows offset[i]..offset[i+1]-1")) ||
        (rc = write_strings(g, "source_file", e->src_file, e->ntracks, "track file of each subject, as named in the sample sheet")) ||
        (rc = write_strings(g, "source_format", e->src_format, e->ntracks, "reader that read the track file")) ||
        (rc = write_strings(g, "source_sha256", e->src_sha, e->ntracks, "SHA-256 of the bytes of the track file")) ||
        (rc = write_strings(g, "source_y_direction", e->src_ydir, e->ntracks, "y direction of the file: up, or down (flipped at ingest)")) ||
        (rc = write_strings(g, "source_conversions", e->src_conv, e->ntracks, "conversions applied at ingest (units, y flip, time offset)")) ||
        (rc = write_strings(g, "source_individual", e->src_ind, e->ntracks, "individual within a multi-animal file, empty for single-animal files")) ||
        (rc = write_f64(g, "source_fps", e->src_fps, e->ntracks, "Hz", "frame rate stated by the file or the study; NaN when unknown")) ||
        (rc = write_f64(g, "source_scale", e->src_scale, e->ntracks, "mm per file unit", "scale applied to the file's positions")) ||
        (rc = write_f64(g, "source_frames_missing", missing, e->ntracks, "count", "samples with a missing position")))
        goto done;
    if (e->has_activity) {
        hid_t ga = H5I_INVALID_HID;
        if ((rc = ensure_group(e->file, "/activity", &ga)) != ZF_OK)
            goto done;
        rc = write_dataset(ga, "offset", H5T_NATIVE_INT64, H5T_STD_I64LE, 1, dims, e->act_offset, "1",
                           "row index of the first activity bin of subject i; subject i has rows offset[i]..offset[i+1]-1");
        H5Gclose(ga);
        if (rc)
            goto done;
    }
done:
    free(missing);
    if (g >= 0) H5Gclose(g);
    return at_file(e, rc);
}

size_t zf_experiment_nsubjects(const zf_experiment *e) { return e->ntracks; }
size_t zf_experiment_nsamples(const zf_experiment *e) { return e->nsamples; }

int zf_experiment_track_tail(zf_experiment *e, size_t i, size_t *n, double last[2])
{
    int rc = ZF_OK;
    hid_t dt = H5I_INVALID_HID, fs = H5I_INVALID_HID, ms = H5I_INVALID_HID;
    if (i >= e->ntracks)
        return zf_error(ZF_EINVAL, "'%s': subject %zu out of range (%zu subjects)", e->path, i, e->ntracks);
    size_t len = (size_t)(e->offset[i + 1] - e->offset[i]), k = len < 2 ? len : 2;
    *n = len;
    last[0] = last[1] = NAN;
    if (k == 0)
        return ZF_OK;
    if (e->tail) { /* appended by this handle */
        last[0] = e->tail[2 * i];
        last[1] = e->tail[2 * i + 1];
        return ZF_OK;
    }
    hsize_t s1[1] = {(hsize_t)e->offset[i + 1] - k}, c1[1] = {k};
    double v[2];
    ZF_H5(dt = H5Dopen2(e->file, "/tracks/time", H5P_DEFAULT), "'%s': missing /tracks/time", e->path);
    ZF_H5(fs = H5Dget_space(dt), "cannot get dataspace");
    ZF_H5(H5Sselect_hyperslab(fs, H5S_SELECT_SET, s1, NULL, c1, NULL), "cannot select");
    ZF_H5(ms = H5Screate_simple(1, c1, NULL), "cannot create dataspace");
    ZF_H5(H5Dread(dt, H5T_NATIVE_DOUBLE, ms, fs, H5P_DEFAULT, v), "'%s': cannot read /tracks/time of subject %zu (checksum error?)", e->path, i);
    last[1] = v[k - 1];
    last[0] = k > 1 ? v[0] : NAN;
done:
    if (fs >= 0) H5Sclose(fs);
    if (ms >= 0) H5Sclose(ms);
    if (dt >= 0) H5Dclose(dt);
    return at_file(e, rc);
}

int zf_experiment_read_track(zf_experiment *e, size_t i, zf_track *tr)
{
    int rc = ZF_OK;
    hid_t dt = H5I_INVALID_HID, dp = H5I_INVALID_HID, fs = H5I_INVALID_HID, ms = H5I_INVALID_HID;
    float *pos = NULL;
    zf_track t;
    zf_track_init(&t);
    if (i >= e->ntracks)
        return zf_error(ZF_EINVAL, "'%s': subject %zu out of range (%zu subjects)", e->path, i, e->ntracks);
    size_t n = (size_t)(e->offset[i + 1] - e->offset[i]);
    hsize_t s1[1] = {(hsize_t)e->offset[i]}, c1[1] = {n};
    hsize_t s2[2] = {(hsize_t)e->offset[i], 0}, c2[2] = {n, 2};
    if (!(t.t = malloc((n + 1) * sizeof *t.t)) || !(t.x = malloc((n + 1) * sizeof *t.x)) ||
        !(t.y = malloc((n + 1) * sizeof *t.y)) || !(pos = malloc((2 * n + 1) * sizeof *pos))) {
        rc = zf_error(ZF_ENOMEM, "out of memory");
        goto done;
    }
    t.cap = n + 1;
    if (n) {
        ZF_H5(dt = H5Dopen2(e->file, "/tracks/time", H5P_DEFAULT), "'%s': missing /tracks/time", e->path);
        ZF_H5(fs = H5Dget_space(dt), "cannot get dataspace");
        ZF_H5(H5Sselect_hyperslab(fs, H5S_SELECT_SET, s1, NULL, c1, NULL), "cannot select");
        ZF_H5(ms = H5Screate_simple(1, c1, NULL), "cannot create dataspace");
        ZF_H5(H5Dread(dt, H5T_NATIVE_DOUBLE, ms, fs, H5P_DEFAULT, t.t), "'%s': cannot read /tracks/time of subject %zu (checksum error?)", e->path, i);
        H5Sclose(fs);
        H5Sclose(ms);
        fs = ms = H5I_INVALID_HID;
        ZF_H5(dp = H5Dopen2(e->file, "/tracks/position", H5P_DEFAULT), "'%s': missing /tracks/position", e->path);
        ZF_H5(fs = H5Dget_space(dp), "cannot get dataspace");
        ZF_H5(H5Sselect_hyperslab(fs, H5S_SELECT_SET, s2, NULL, c2, NULL), "cannot select");
        ZF_H5(ms = H5Screate_simple(2, c2, NULL), "cannot create dataspace");
        ZF_H5(H5Dread(dp, H5T_NATIVE_FLOAT, ms, fs, H5P_DEFAULT, pos), "'%s': cannot read /tracks/position of subject %zu (checksum error?)", e->path, i);
    }
    for (size_t k = 0; k < n; k++) {
        t.x[k] = (double)pos[2 * k];
        t.y[k] = (double)pos[2 * k + 1];
    }
    t.n = n;
    zf_track_free(tr);
    *tr = t;
    zf_track_init(&t);
done:
    if (fs >= 0) H5Sclose(fs);
    if (ms >= 0) H5Sclose(ms);
    if (dt >= 0) H5Dclose(dt);
    if (dp >= 0) H5Dclose(dp);
    free(pos);
    zf_track_free(&t);
    return at_file(e, rc);
}

int zf_experiment_write_metric(zf_experiment *e, const char *name, const char *unit,
                               const char *definition, const char *params, const double *v, size_t n)
{
    int rc = ZF_OK;
    hid_t g = H5I_INVALID_HID, ds = H5I_INVALID_HID;
    if ((rc = ensure_group(e->file, "/metrics", &g)) != ZF_OK)
        return rc;
    if ((rc = write_f64(g, name, v, n, unit, definition)) != ZF_OK)
        goto done;
    ZF_H5(ds = H5Dopen2(g, name, H5P_DEFAULT), "cannot reopen /metrics/%s", name);
    rc = set_text_attr(ds, "parameters", params ? params : "");
done:
    if (ds >= 0) H5Dclose(ds);
    if (g >= 0) H5Gclose(g);
    return at_file(e, rc);
}

int zf_experiment_write_binned(zf_experiment *e, const char *name, const char *unit,
                               const double *v, size_t nsub, size_t nbin, const double *bin_start)
{
    int rc = ZF_OK;
    hid_t g = H5I_INVALID_HID;
    hsize_t dims[2] = {nsub, nbin};
    if ((rc = ensure_group(e->file, "/binned", &g)) != ZF_OK)
        return rc;
    /* rewritten with every metric: a rerun may have changed the bin width */
    if ((rc = write_f64(g, "bin_start", bin_start, nbin, "s", "start of each time bin from trial start")) != ZF_OK)
        goto done;
    char desc[160];
    snprintf(desc, sizeof desc, "%s per time bin: subjects x bins", name);
    rc = write_dataset(g, name, H5T_NATIVE_DOUBLE, H5T_IEEE_F64LE, 2, dims, v, unit, desc);
done:
    if (g >= 0) H5Gclose(g);
    return at_file(e, rc);
}

int zf_experiment_read_binned(zf_experiment *e, const char *name, double **v, size_t *nbin,
                              double **bin_start)
{
    int rc = ZF_OK;
    hid_t ds = H5I_INVALID_HID, space = H5I_INVALID_HID, bs = H5I_INVALID_HID, bspace = H5I_INVALID_HID;
    hsize_t dims[2] = {0, 0}, bdims[1] = {0};
    double *vv = NULL, *bb = NULL;
    char path[256];
    snprintf(path, sizeof path, "/binned/%s", name);
    if (H5Lexists(e->file, "/binned", H5P_DEFAULT) <= 0 || H5Lexists(e->file, path, H5P_DEFAULT) <= 0 ||
        H5Lexists(e->file, "/binned/bin_start", H5P_DEFAULT) <= 0)
        return zf_error(ZF_ESCHEMA, "'%s': no dataset %s (run 'zfstress metrics' first)", e->path, path);
    ZF_H5(ds = H5Dopen2(e->file, path, H5P_DEFAULT), "'%s': cannot open %s", e->path, path);
    ZF_H5(space = H5Dget_space(ds), "cannot get dataspace");
    if (H5Sget_simple_extent_ndims(space) != 2) {
        rc = zf_error(ZF_ESCHEMA, "'%s': %s is not subjects x bins", e->path, path);
        goto done;
    }
    ZF_H5(H5Sget_simple_extent_dims(space, dims, NULL), "cannot read dims");
    ZF_H5(bs = H5Dopen2(e->file, "/binned/bin_start", H5P_DEFAULT), "'%s': cannot open /binned/bin_start", e->path);
    ZF_H5(bspace = H5Dget_space(bs), "cannot get dataspace");
    if (H5Sget_simple_extent_ndims(bspace) != 1) {
        rc = zf_error(ZF_ESCHEMA, "'%s': /binned/bin_start is not one-dimensional", e->path);
        goto done;
    }
    ZF_H5(H5Sget_simple_extent_dims(bspace, bdims, NULL), "cannot read dims");
    if ((size_t)dims[0] != e->ntracks || dims[1] != bdims[0]) {
        rc = zf_error(ZF_ESCHEMA, "'%s': %s is %zu x %zu, expected %zu subjects x %zu bins", e->path, path,
                      (size_t)dims[0], (size_t)dims[1], e->ntracks, (size_t)bdims[0]);
        goto done;
    }
    if (!(vv = malloc((size_t)(dims[0] * dims[1]) * sizeof *vv + 1)) ||
        !(bb = malloc((size_t)bdims[0] * sizeof *bb + 1))) {
        rc = zf_error(ZF_ENOMEM, "out of memory");
        goto done;
    }
    if (dims[0] * dims[1] > 0)
        ZF_H5(H5Dread(ds, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, vv), "'%s': cannot read %s (checksum error?)", e->path, path);
    if (bdims[0] > 0)
        ZF_H5(H5Dread(bs, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, bb), "'%s': cannot read /binned/bin_start", e->path);
    *v = vv;
    *bin_start = bb;
    *nbin = (size_t)bdims[0];
    vv = bb = NULL;
done:
    free(vv);
    free(bb);
    if (bspace >= 0) H5Sclose(bspace);
    if (bs >= 0) H5Dclose(bs);
    if (space >= 0) H5Sclose(space);
    if (ds >= 0) H5Dclose(ds);
    return at_file(e, rc);
}

int zf_experiment_read_metric(zf_experiment *e, const char *name, double *v, size_t n)
{
    int rc = ZF_OK;
    hid_t ds = H5I_INVALID_HID, space = H5I_INVALID_HID;
    hsize_t dims[1] = {0};
    char path[256];
    snprintf(path, sizeof path, "/metrics/%s", name);
    if (H5Lexists(e->file, "/metrics", H5P_DEFAULT) <= 0 || H5Lexists(e->file, path, H5P_DEFAULT) <= 0)
        return zf_error(ZF_ESCHEMA, "'%s': no dataset %s (run 'zfstress metrics' first)", e->path, path);
    ZF_H5(ds = H5Dopen2(e->file, path, H5P_DEFAULT), "'%s': cannot open %s", e->path, path);
    ZF_H5(space = H5Dget_space(ds), "cannot get dataspace");
    ZF_H5(H5Sget_simple_extent_dims(space, dims, NULL), "cannot read dims");
    if ((size_t)dims[0] != n) {
        rc = zf_error(ZF_ESCHEMA, "'%s': %s has %zu values, expected %zu", e->path, path, (size_t)dims[0], n);
        goto done;
    }
    if (n)
        ZF_H5(H5Dread(ds, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, v), "'%s': cannot read %s (checksum error?)", e->path, path);
done:
    if (space >= 0) H5Sclose(space);
    if (ds >= 0) H5Dclose(ds);
    return at_file(e, rc);
}

void zf_strv_free(char **v, size_t n)
{
    if (!v)
        return;
    for (size_t i = 0; i < n; i++)
        free(v[i]);
    free(v);
}

/* Delete every link of group gname whose name is neither in keep[nkeep] nor
 * also (NULL: none). */
static int prune_group(zf_experiment *e, const char *gname, const char *const *keep, size_t nkeep, const char *also)
{
    int rc = ZF_OK;
    hid_t g = H5I_INVALID_HID;
    H5G_info_t info;
    char **del = NULL;
    size_t ndel = 0;
    if (H5Lexists(e->file, gname, H5P_DEFAULT) <= 0)
        return ZF_OK;
    ZF_H5(g = H5Gopen2(e->file, gname, H5P_DEFAULT), "cannot open %s", gname);
    ZF_H5(H5Gget_info(g, &info), "cannot list %s", gname);
    if (!(del = calloc(info.nlinks + 1, sizeof *del))) {
        rc = zf_error(ZF_ENOMEM, "out of memory");
        goto done;
    }
    for (hsize_t k = 0; k < info.nlinks; k++) {
        ssize_t len = H5Lget_name_by_idx(g, ".", H5_INDEX_NAME, H5_ITER_INC, k, NULL, 0, H5P_DEFAULT);
        char *name = len < 0 ? NULL : malloc((size_t)len + 1);
        if (!name) {
            rc = len < 0 ? zf_error(ZF_EHDF5, "cannot list %s", gname) : zf_error(ZF_ENOMEM, "out of memory");
            goto done;
        }
        H5Lget_name_by_idx(g, ".", H5_INDEX_NAME, H5_ITER_INC, k, name, (size_t)len + 1, H5P_DEFAULT);
        size_t j;
        for (j = 0; j < nkeep && strcmp(keep[j], name) != 0; j++)
            ;
        if (j < nkeep || (also && strcmp(also, name) == 0))
            free(name);
        else
            del[ndel++] = name;
    }
    for (size_t j = 0; j < ndel; j++)
        ZF_H5(H5Ldelete(g, del[j], H5P_DEFAULT), "cannot delete %s/%s", gname, del[j]);
done:
    for (size_t j = 0; del && j < ndel; j++)
        free(del[j]);
    free(del);
    if (g >= 0) H5Gclose(g);
    return at_file(e, rc);
}

int zf_experiment_prune_metrics(zf_experiment *e, const char *const *keep, size_t nkeep, int bins)
{
    int rc = prune_group(e, "/metrics", keep, nkeep, NULL);
    if (rc == ZF_OK && bins)
        rc = prune_group(e, "/binned", keep, nkeep, "bin_start");
    else if (rc == ZF_OK && H5Lexists(e->file, "/binned", H5P_DEFAULT) > 0 &&
             H5Ldelete(e->file, "/binned", H5P_DEFAULT) < 0)
        rc = at_file(e, zf_error(ZF_EHDF5, "cannot delete /binned"));
    return rc;
}

int zf_experiment_list_metrics(zf_experiment *e, char ***names, size_t *n)
{
    int rc = ZF_OK;
    hid_t g = H5I_INVALID_HID;
    H5G_info_t info;
    char **v = NULL;
    size_t k = 0;
    if (H5Lexists(e->file, "/metrics", H5P_DEFAULT) <= 0)
        return zf_error(ZF_ESCHEMA, "'%s': no /metrics group (run 'zfstress metrics' first)", e->path);
    ZF_H5(g = H5Gopen2(e->file, "/metrics", H5P_DEFAULT), "cannot open /metrics");
    ZF_H5(H5Gget_info(g, &info), "cannot list /metrics");
    if (!(v = calloc(info.nlinks + 1, sizeof *v))) {
        rc = zf_error(ZF_ENOMEM, "out of memory");
        goto done;
    }
    for (; k < info.nlinks; k++) {
        ssize_t len = H5Lget_name_by_idx(g, ".", H5_INDEX_NAME, H5_ITER_INC, k, NULL, 0, H5P_DEFAULT);
        if (len < 0) {
            rc = zf_error(ZF_EHDF5, "cannot list /metrics");
            goto done;
        }
        if (!(v[k] = malloc((size_t)len + 1))) {
            rc = zf_error(ZF_ENOMEM, "out of memory");
            goto done;
        }
        H5Lget_name_by_idx(g, ".", H5_INDEX_NAME, H5_ITER_INC, k, v[k], (size_t)len + 1, H5P_DEFAULT);
    }
    *names = v;
    *n = k;
    v = NULL;
done:
    zf_strv_free(v, k + 1 <= info.nlinks ? k + 1 : k);
    if (g >= 0) H5Gclose(g);
    return at_file(e, rc);
}

int zf_experiment_write_stats(zf_experiment *e, const zf_stat_table *t)
{
    int rc = ZF_OK;
    hid_t g = H5I_INVALID_HID;
    size_t n = t->n;
    char **s = malloc((n + 1) * sizeof *s);
    double *d = malloc((n + 1) * sizeof *d);
    if (!s || !d) {
        rc = zf_error(ZF_ENOMEM, "out of memory");
        goto done;
    }
    if (H5Lexists(e->file, "/stats", H5P_DEFAULT) > 0)
        ZF_H5(H5Ldelete(e->file, "/stats", H5P_DEFAULT), "cannot replace /stats");
    if ((rc = ensure_group(e->file, "/stats", &g)) != ZF_OK)
        goto done;
#define STRCOL(field, desc) do { for (size_t i = 0; i < n; i++) s[i] = t->rows[i].field; \
        if ((rc = write_strings(g, #field, s, n, desc)) != ZF_OK) goto done; } while (0)
#define NUMCOL(field, units, desc) do { for (size_t i = 0; i < n; i++) d[i] = (double)t->rows[i].field; \
        if ((rc = write_f64(g, #field, d, n, units, desc)) != ZF_OK) goto done; } while (0)
    STRCOL(metric, "metric compared");
    STRCOL(contrast, "contrast: treatment - control");
    STRCOL(procedure, "statistical procedure");
    NUMCOL(n1, "count", "animals in the treatment group");
    NUMCOL(n2, "count", "animals in the control group");
    NUMCOL(estimate, "metric units or 1", "effect estimate (difference, d, g; F or H for omnibus tests)");
    NUMCOL(ci_low, "as estimate", "lower bound of the 95% CI");
    NUMCOL(ci_high, "as estimate", "upper bound of the 95% CI");
    NUMCOL(statistic, "1", "test statistic");
    NUMCOL(df, "1", "degrees of freedom (numerator for F)");
    NUMCOL(df2, "1", "denominator degrees of freedom of F tests");
    NUMCOL(p, "1", "two-sided p value");
    NUMCOL(p_adjusted, "1", "p value adjusted for multiple comparisons");
    STRCOL(adjust_method, "adjustment method");
    STRCOL(note, "notes on the data (missing values dropped, degenerate cases)");
#undef STRCOL
#undef NUMCOL
done:
    free(s);
    free(d);
    if (g >= 0) H5Gclose(g);
    return at_file(e, rc);
}

int zf_experiment_set_text(zf_experiment *e, const char *group, const char *key, const char *value)
{
    int rc;
    hid_t g = H5I_INVALID_HID;
    if ((rc = ensure_group(e->file, group, &g)) != ZF_OK)
        return rc;
    rc = set_text_attr(g, key, value);
    H5Gclose(g);
    return at_file(e, rc);
}

int zf_experiment_get_text(zf_experiment *e, const char *group, const char *key, char **value)
{
    int rc = ZF_OK;
    hid_t g = H5I_INVALID_HID;
    if (H5Lexists(e->file, group, H5P_DEFAULT) <= 0 && strcmp(group, "/") != 0)
        return zf_error(ZF_ESCHEMA, "'%s': no group %s", e->path, group);
    ZF_H5(g = H5Gopen2(e->file, group, H5P_DEFAULT), "cannot open %s", group);
    rc = get_text_attr(g, key, value);
    if (rc)
        zf_error(rc, "'%s': %s has no attribute '%s'", e->path, group, key);
done:
    if (g >= 0) H5Gclose(g);
    return at_file(e, rc);
}

/* Read a 1-D dataset of /stats as strings (string type) or numbers (else). */
static int read_column(hid_t g, const char *name, size_t *n, char ***strs, double **nums)
{
    int rc = ZF_OK;
    hid_t ds = H5I_INVALID_HID, space = H5I_INVALID_HID, type = H5I_INVALID_HID, st = H5I_INVALID_HID;
    hsize_t dims[1] = {0};
    ZF_H5(ds = H5Dopen2(g, name, H5P_DEFAULT), "missing /stats/%s", name);
    ZF_H5(space = H5Dget_space(ds), "cannot get dataspace");
    ZF_H5(H5Sget_simple_extent_dims(space, dims, NULL), "cannot read dims");
    *n = (size_t)dims[0];
    ZF_H5(type = H5Dget_type(ds), "cannot read type");
    if (H5Tget_class(type) == H5T_STRING) {
        char **raw = calloc(*n + 1, sizeof *raw);
        char **v = calloc(*n + 1, sizeof *v);
        if (!raw || !v) {
            free(raw);
            free(v);
            rc = zf_error(ZF_ENOMEM, "out of memory");
            goto done;
        }
        ZF_H5(st = H5Tcopy(H5T_C_S1), "cannot create string type");
        ZF_H5(H5Tset_size(st, H5T_VARIABLE), "cannot set size");
        ZF_H5(H5Tset_cset(st, H5T_CSET_UTF8), "cannot set UTF-8");
        if (*n && H5Dread(ds, st, H5S_ALL, H5S_ALL, H5P_DEFAULT, raw) < 0) {
            free(raw);
            free(v);
            rc = zf_error(ZF_EHDF5, "cannot read /stats/%s", name);
            goto done;
        }
        for (size_t i = 0; i < *n; i++)
            if (!(v[i] = zf_strdup(raw[i] ? raw[i] : "")))
                rc = ZF_ENOMEM;
        if (*n)
            H5Dvlen_reclaim(st, space, H5P_DEFAULT, raw);
        free(raw);
        if (rc) {
            zf_strv_free(v, *n);
            goto done;
        }
        *strs = v;
    } else {
        double *v = malloc((*n + 1) * sizeof *v);
        if (!v) {
            rc = zf_error(ZF_ENOMEM, "out of memory");
            goto done;
        }
        if (*n && H5Dread(ds, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, v) < 0) {
            free(v);
            rc = zf_error(ZF_EHDF5, "cannot read /stats/%s (checksum error?)", name);
            goto done;
        }
        *nums = v;
    }
done:
    if (st >= 0) H5Tclose(st);
    if (type >= 0) H5Tclose(type);
    if (space >= 0) H5Sclose(space);
    if (ds >= 0) H5Dclose(ds);
    return rc;
}

int zf_experiment_read_stats(zf_experiment *e, zf_stat_table *t)
{
    int rc = ZF_OK;
    hid_t g = H5I_INVALID_HID;
    enum { NS = 5, NN = 10 };
    static const char *sname[NS] = {"metric", "contrast", "procedure", "adjust_method", "note"};
    static const char *nname[NN] = {"n1", "n2", "estimate", "ci_low", "ci_high", "statistic", "df", "df2", "p", "p_adjusted"};
    char **s[NS] = {0};
    size_t sn[NS] = {0};
    double *d[NN] = {0};
    size_t n = 0, k = 0;
    if (H5Lexists(e->file, "/stats", H5P_DEFAULT) <= 0)
        return zf_error(ZF_ESCHEMA, "'%s': no /stats group (run 'zfstress stats' first)", e->path);
    ZF_H5(g = H5Gopen2(e->file, "/stats", H5P_DEFAULT), "cannot open /stats");
    for (int i = 0; i < NS; i++) {
        double *unused = NULL;
        if ((rc = read_column(g, sname[i], &k, &s[i], &unused)) != ZF_OK)
            goto done;
        sn[i] = k;
        free(unused);
        if (!s[i]) {
            rc = zf_error(ZF_ESCHEMA, "'%s': /stats/%s is not text", e->path, sname[i]);
            goto done;
        }
        if (i == 0)
            n = k;
        else if (k != n) {
            rc = zf_error(ZF_ESCHEMA, "'%s': /stats columns differ in length", e->path);
            goto done;
        }
    }
    for (int i = 0; i < NN; i++) {
        char **unused = NULL;
        if ((rc = read_column(g, nname[i], &k, &unused, &d[i])) != ZF_OK)
            goto done;
        zf_strv_free(unused, k);
        if (!d[i] || k != n) {
            rc = zf_error(ZF_ESCHEMA, "'%s': /stats/%s is not a number column of %zu rows", e->path, nname[i], n);
            goto done;
        }
    }
    for (size_t r = 0; r < n; r++) {
        if (t->n == t->cap) {
            size_t cap = t->cap ? 2 * t->cap : 64;
            zf_stat_row *rows = realloc(t->rows, cap * sizeof *rows);
            if (!rows) {
                rc = zf_error(ZF_ENOMEM, "out of memory");
                goto done;
            }
            t->rows = rows;
            t->cap = cap;
        }
        zf_stat_row *w = &t->rows[t->n++];
        memset(w, 0, sizeof *w);
        snprintf(w->metric, sizeof w->metric, "%s", s[0][r]);
        snprintf(w->contrast, sizeof w->contrast, "%s", s[1][r]);
        snprintf(w->procedure, sizeof w->procedure, "%s", s[2][r]);
        snprintf(w->adjust_method, sizeof w->adjust_method, "%s", s[3][r]);
        snprintf(w->note, sizeof w->note, "%s", s[4][r]);
        w->n1 = (size_t)d[0][r];
        w->n2 = (size_t)d[1][r];
        w->estimate = d[2][r];
        w->ci_low = d[3][r];
        w->ci_high = d[4][r];
        w->statistic = d[5][r];
        w->df = d[6][r];
        w->df2 = d[7][r];
        w->p = d[8][r];
        w->p_adjusted = d[9][r];
    }
done:
    for (int i = 0; i < NS; i++)
        zf_strv_free(s[i], sn[i]);
    for (int i = 0; i < NN; i++)
        free(d[i]);
    if (g >= 0) H5Gclose(g);
    return at_file(e, rc);
}

int zf_experiment_read_activity(zf_experiment *e, size_t i, zf_activity *a)
{
    int rc = ZF_OK;
    hid_t ds = H5I_INVALID_HID, fs = H5I_INVALID_HID, ms = H5I_INVALID_HID;
    zf_activity out;
    zf_activity_init(&out);
    if (i >= e->ntracks)
        return zf_error(ZF_EINVAL, "'%s': subject %zu out of range (%zu subjects)", e->path, i, e->ntracks);
    size_t n = e->has_activity && e->act_offset ? (size_t)(e->act_offset[i + 1] - e->act_offset[i]) : 0;
    if (n) {
        double *cols[5];
        hsize_t s1[1] = {(hsize_t)e->act_offset[i]}, c1[1] = {n};
        for (size_t k = 0; k < n; k++)
            if ((rc = zf_activity_push(&out, 0, 0, 0, 0, 0)) != ZF_OK)
                goto done;
        cols[0] = out.start_s;
        cols[1] = out.duration_s;
        cols[2] = out.inactive_mm;
        cols[3] = out.small_mm;
        cols[4] = out.large_mm;
        for (int c = 0; c < 5; c++) {
            char name[64];
            snprintf(name, sizeof name, "/activity/%s", act_names[c]);
            ZF_H5(ds = H5Dopen2(e->file, name, H5P_DEFAULT), "'%s': missing %s", e->path, name);
            ZF_H5(fs = H5Dget_space(ds), "cannot get dataspace");
            ZF_H5(H5Sselect_hyperslab(fs, H5S_SELECT_SET, s1, NULL, c1, NULL), "cannot select");
            ZF_H5(ms = H5Screate_simple(1, c1, NULL), "cannot create dataspace");
            ZF_H5(H5Dread(ds, H5T_NATIVE_DOUBLE, ms, fs, H5P_DEFAULT, cols[c]),
                  "'%s': cannot read %s of subject %zu (checksum error?)", e->path, name, i);
            H5Sclose(fs);
            H5Sclose(ms);
            H5Dclose(ds);
            fs = ms = ds = H5I_INVALID_HID;
        }
    }
    zf_activity_free(a);
    *a = out;
    zf_activity_init(&out);
done:
    if (fs >= 0) H5Sclose(fs);
    if (ms >= 0) H5Sclose(ms);
    if (ds >= 0) H5Dclose(ds);
    zf_activity_free(&out);
    return at_file(e, rc);
}

#ifdef ZF_MPI
void zf_experiment_defer_samples(zf_experiment *e) { e->defer_samples = 1; }

int zf_experiment_mpi_write_rows(zf_experiment *e, int status, const zf_track *tracks, const size_t *first, size_t n)
{
    int rc = status;
    hid_t fapl = H5I_INVALID_HID, file = H5I_INVALID_HID, dxpl = H5I_INVALID_HID;
    hid_t ds[2] = {H5I_INVALID_HID, H5I_INVALID_HID}, fs = H5I_INVALID_HID, ms = H5I_INVALID_HID;
    double *bt = NULL;
    float *bp = NULL;
    char *path = NULL;
    uint64_t len = 0, total = 0;
    size_t rows = 0;
    hid_t g = H5I_INVALID_HID;
    /* rank 0 lets go of the file (every object closed) while the ranks write it */
    if (e) {
        for (int k = 0; k < 5; k++)
            if (e->dact[k] >= 0) {
                H5Dclose(e->dact[k]);
                e->dact[k] = H5I_INVALID_HID;
            }
        if (e->dtime >= 0) { H5Dclose(e->dtime); e->dtime = H5I_INVALID_HID; }
        if (e->dpos >= 0) { H5Dclose(e->dpos); e->dpos = H5I_INVALID_HID; }
        if (H5Fclose(e->file) < 0)
            rc = zf_error(ZF_EHDF5, "'%s': cannot write HDF5 file (disk full?)", e->tmp);
        e->file = H5I_INVALID_HID;
        len = strlen(e->tmp);
        total = (uint64_t)e->rows;
    }
    if (zf_mpi_bcast(&total, sizeof total) != ZF_OK || zf_mpi_bcast(&len, sizeof len) != ZF_OK || !(path = calloc((size_t)len + 1, 1)) ||
        (e && memcpy(path, e->tmp, (size_t)len + 1) == NULL) || zf_mpi_bcast(path, (size_t)len + 1) != ZF_OK) {
        rc = rc ? rc : zf_error(ZF_ENOMEM, "MPI: the experiment file's name could not be sent");
        goto agreed;
    }
    /* this rank's rows: its tracks one after the other, in file order */
    for (size_t k = 0; k < n; k++)
        rows += tracks[k].n;
    if (rc == ZF_OK && (!(bt = malloc(rows * sizeof *bt + 1)) || !(bp = malloc(2 * rows * sizeof *bp + 1))))
        rc = zf_error(ZF_ENOMEM, "out of memory");
    for (size_t k = 0, at = 0; rc == ZF_OK && k < n; k++) {
        const zf_track *tr = &tracks[k];
        memcpy(bt + at, tr->t, tr->n * sizeof *bt);
        for (size_t i = 0; i < tr->n; i++) {
            bp[2 * (at + i)] = (float)tr->x[i]; /* as the serial writer stores them */
            bp[2 * (at + i) + 1] = (float)tr->y[i];
        }
        at += tr->n;
    }
agreed:
    /* every rank enters the collective calls, or none */
    if ((rc = zf_mpi_agree(rc)) != ZF_OK)
        goto done;
    ZF_H5(fapl = H5Pcreate(H5P_FILE_ACCESS), "cannot create property list");
    ZF_H5(H5Pset_fapl_mpio(fapl, MPI_COMM_WORLD, MPI_INFO_NULL), "cannot set MPI-IO");
    ZF_H5(file = H5Fopen(path, H5F_ACC_RDWR, fapl), "'%s': cannot open with MPI-IO", path);
    /* every rank creates the datasets at their final size, with the same calls (collective) */
    ZF_H5(g = H5Gopen2(file, "/tracks", H5P_DEFAULT), "'%s': cannot open /tracks", path);
    if ((rc = create_track_datasets(g, (hsize_t)total, &ds[0], &ds[1])) != ZF_OK)
        goto done;
    /* shuffle + deflate + fletcher32 datasets: parallel HDF5 writes them collectively only */
    ZF_H5(dxpl = H5Pcreate(H5P_DATASET_XFER), "cannot create property list");
    ZF_H5(H5Pset_dxpl_mpio(dxpl, H5FD_MPIO_COLLECTIVE), "cannot set collective transfer");
    for (int d = 0; d < 2; d++) {
        hsize_t mdims[2] = {rows ? rows : 1, 2};
        ZF_H5(fs = H5Dget_space(ds[d]), "cannot get dataspace");
        ZF_H5(ms = H5Screate_simple(d + 1, mdims, NULL), "cannot create dataspace");
        ZF_H5(H5Sselect_none(fs), "cannot select");
        if (rows == 0)
            ZF_H5(H5Sselect_none(ms), "cannot select");
        for (size_t k = 0; k < n; k++) {
            hsize_t start[2] = {first[k], 0}, count[2] = {tracks[k].n, 2};
            if (count[0])
                ZF_H5(H5Sselect_hyperslab(fs, H5S_SELECT_OR, start, NULL, count, NULL), "cannot select rows");
        }
        ZF_H5(H5Dwrite(ds[d], d ? H5T_NATIVE_FLOAT : H5T_NATIVE_DOUBLE, ms, fs, dxpl, d ? (void *)bp : (void *)bt),
              "'%s': cannot write %s with MPI-IO (disk full?)", path, d ? "/tracks/position" : "/tracks/time");
        H5Sclose(fs);
        H5Sclose(ms);
        fs = ms = H5I_INVALID_HID;
    }
done:
    if (ms >= 0) H5Sclose(ms);
    if (fs >= 0) H5Sclose(fs);
    if (dxpl >= 0) H5Pclose(dxpl);
    for (int d = 0; d < 2; d++)
        if (ds[d] >= 0) H5Dclose(ds[d]);
    if (g >= 0) H5Gclose(g);
    if (file >= 0 && H5Fclose(file) < 0 && rc == ZF_OK)
        rc = zf_error(ZF_EHDF5, "'%s': cannot write HDF5 file (disk full?)", path);
    if (fapl >= 0) H5Pclose(fapl);
    free(bt);
    free(bp);
    if (rc)
        zf_log(ZF_LOG_DEBUG, "rank %d: writing the rows failed: %s", zf_mpi_rank(), zf_errmsg());
    rc = zf_mpi_agree(rc);
    /* rank 0 takes the file back for the provenance and the later stages */
    if (e && (e->file = H5Fopen(e->tmp, H5F_ACC_RDWR, H5P_DEFAULT)) < 0 && rc == ZF_OK)
        rc = zf_error(ZF_EHDF5, "'%s': cannot open again after the ranks wrote it", e->tmp);
    free(path);
    return rc;
}
#endif
