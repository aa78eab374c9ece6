/* reader_sleap.c: SLEAP analysis files (HDF5 in either axis order, and CSV): one track per SLEAP track, reference point from the keypoints. */
#include "zfstress/core.h"
#include "zfstress/ingest.h"
#include "zfstress/table.h"
#include "zfstress/track.h"

#include "ingest/h5read.h"
#include "ingest/readers.h"
#include "ingest/textfmt.h"

#include <hdf5.h>

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Logical axes of the SLEAP arrays; the on-disk order varies with the writer. */
enum { AX_TRACK, AX_XY, AX_NODE, AX_FRAME, AX_N };
static const char *const axis_names[AX_N] = {"track", "xy", "node", "frame"};

static int unknown_bodypart(const char *path, const char *part, char *const *nodes, size_t n)
{
    char list[512];
    zf_tx_join_names(list, sizeof list, (const char *const *)nodes, n);
    return zf_error(ZF_EINVAL, "'%s': no body part '%s': the file has %s", path, part, list);
}

static int unknown_individual(const char *path, const char *who, char *const *names, size_t n)
{
    char list[512];
    zf_tx_join_names(list, sizeof list, (const char *const *)names, n);
    return zf_error(ZF_EDATA, "'%s': no track '%s': the file has %s", path, who, n ? list : "no named tracks");
}

static int need_fps(const char *path, const zf_read_opts *o)
{
    int rc = ZF_OK;
    if (!(o->fps > 0 && isfinite(o->fps)))
        rc = zf_error(ZF_EINVAL, "'%s': SLEAP files carry no frame rate: expected fps in the study or the sample sheet", path);
    return rc;
}

/* Calibrate one track read in pixels (image y down) and hand it on. */
static int emit(const char *path, zf_track *tr, const zf_read_opts *o, const char *name, zf_track_sink sink, void *ctx)
{
    zf_track_info info;
    int rc;
    zf_track_info_init(&info);
    snprintf(info.individual, sizeof info.individual, "%s", name);
    info.fps = o->fps;
    if ((rc = zf_track_calibrate(path, tr, o, ZF_UNITS_PX, 1, &info)) == ZF_OK)
        rc = sink(ctx, tr, &info);
    return rc;
}

/* ---- HDF5 helpers ------------------------------------------------------ */

/* Read the strings of a scalar or 1-D string dataset or attribute (fixed or
 * variable length). A non-string object yields *is_string = 0 and its point
 * count in *n (SLEAP writes an empty float64 array for "no names"). */
static int read_strings(const char *path, const char *what, hid_t obj, int is_attr, char ***out, size_t *n,
                        int *is_string)
{
    int rc = ZF_OK;
    hid_t type = H5I_INVALID_HID, space = H5I_INVALID_HID, mem = H5I_INVALID_HID;
    char **v = NULL, **raw = NULL, *fixed = NULL;
    hssize_t np;
    size_t cnt = 0;
    int vlen_read = 0;

    ZF_H5(type = is_attr ? H5Aget_type(obj) : H5Dget_type(obj), "'%s': %s: cannot read the type", path, what);
    ZF_H5(space = is_attr ? H5Aget_space(obj) : H5Dget_space(obj), "'%s': %s: cannot read the shape", path, what);
    ZF_H5(np = H5Sget_simple_extent_npoints(space), "'%s': %s: cannot read the shape", path, what);
    cnt = (size_t)np;
    if (H5Tget_class(type) != H5T_STRING) {
        *is_string = 0;
        *n = cnt;
        *out = NULL;
        goto done;
    }
    if (!(v = calloc(cnt ? cnt : 1, sizeof *v))) {
        rc = zf_error(ZF_ENOMEM, "out of memory");
        goto done;
    }
    ZF_H5(mem = H5Tcopy(H5T_C_S1), "cannot create a string type");
    ZF_H5(H5Tset_cset(mem, H5Tget_cset(type)), "cannot set the character set");
    htri_t isv = H5Tis_variable_str(type);
    ZF_H5(isv, "'%s': %s: cannot read the string type", path, what);
    if (isv) {
        ZF_H5(H5Tset_size(mem, H5T_VARIABLE), "cannot set string size");
        if (!(raw = calloc(cnt ? cnt : 1, sizeof *raw))) {
            rc = zf_error(ZF_ENOMEM, "out of memory");
            goto done;
        }
        if (cnt)
            ZF_H5(is_attr ? H5Aread(obj, mem, raw) : H5Dread(obj, mem, H5S_ALL, H5S_ALL, H5P_DEFAULT, raw),
                  "'%s': %s: cannot read the strings", path, what);
        vlen_read = cnt > 0;
        for (size_t i = 0; i < cnt; i++)
            if (!(v[i] = zf_strdup(raw[i] ? raw[i] : ""))) {
                rc = ZF_ENOMEM;
                goto done;
            }
    } else {
        size_t size = H5Tget_size(type);
        if (size == 0) {
            rc = zf_error(ZF_EPARSE, "'%s': %s: strings of size 0", path, what);
            goto done;
        }
        ZF_H5(H5Tset_size(mem, size), "cannot set string size");
        /* null-padded in memory: a name filling the whole width keeps its last character */
        ZF_H5(H5Tset_strpad(mem, H5T_STR_NULLPAD), "cannot set string padding");
        if (!(fixed = calloc(cnt ? cnt : 1, size))) {
            rc = zf_error(ZF_ENOMEM, "out of memory");
            goto done;
        }
        if (cnt)
            ZF_H5(is_attr ? H5Aread(obj, mem, fixed) : H5Dread(obj, mem, H5S_ALL, H5S_ALL, H5P_DEFAULT, fixed),
                  "'%s': %s: cannot read the strings", path, what);
        for (size_t i = 0; i < cnt; i++) {
            const char *s = fixed + i * size;
            size_t len = 0;
            while (len < size && s[len])
                len++;
            while (len > 0 && s[len - 1] == ' ') /* space-padded writers */
                len--;
            if (!(v[i] = malloc(len + 1))) {
                rc = zf_error(ZF_ENOMEM, "out of memory");
                goto done;
            }
            memcpy(v[i], s, len);
            v[i][len] = '\0';
        }
    }
    *is_string = 1;
    *n = cnt;
    *out = v;
    v = NULL;
done:
    if (vlen_read) {
#if H5_VERSION_GE(1, 12, 0)
        H5Treclaim(mem, space, H5P_DEFAULT, raw);
#else
        H5Dvlen_reclaim(mem, space, H5P_DEFAULT, raw);
#endif
    }
    free(raw);
    free(fixed);
    zf_tx_strv_free(v, cnt);
    if (mem >= 0) H5Tclose(mem);
    if (space >= 0) H5Sclose(space);
    if (type >= 0) H5Tclose(type);
    return rc;
}

/* Open dataset name; *ds stays invalid (and ZF_OK) when optional and absent. */
static int open_dataset(const char *path, hid_t file, const char *name, int optional, hid_t *ds)
{
    int rc = ZF_OK;
    htri_t e = H5Lexists(file, name, H5P_DEFAULT);
    ZF_H5(e, "'%s': cannot look for dataset /%s", path, name);
    if (!e) {
        if (!optional)
            rc = zf_error(ZF_EPARSE, "'%s': dataset /%s: not found: expected a SLEAP analysis file", path, name);
        goto done;
    }
    ZF_H5(*ds = H5Dopen2(file, name, H5P_DEFAULT), "'%s': dataset /%s: cannot open", path, name);
    rc = zf_h5_plausible_size(path, name, *ds); /* the caller closes *ds */
done:
    return rc;
}

/* Shape of a dataset: rank must be want. */
static int shape(const char *path, const char *name, hid_t ds, int want, hsize_t *dims)
{
    int rc = ZF_OK;
    hid_t space = H5I_INVALID_HID;
    int r;
    ZF_H5(space = H5Dget_space(ds), "'%s': dataset /%s: cannot read the shape", path, name);
    ZF_H5(r = H5Sget_simple_extent_ndims(space), "'%s': dataset /%s: cannot read the shape", path, name);
    if (r != want) {
        rc = zf_error(ZF_EPARSE, "'%s': dataset /%s: expected %d dimensions, found %d", path, name, want, r);
        goto done;
    }
    ZF_H5(H5Sget_simple_extent_dims(space, dims, NULL), "'%s': dataset /%s: cannot read the shape", path, name);
done:
    if (space >= 0) H5Sclose(space);
    return rc;
}

static int axis_of(const char *s)
{
    static const struct { const char *name; int axis; } alias[] = {
        {"track", AX_TRACK}, {"tracks", AX_TRACK}, {"instance", AX_TRACK},
        {"xy", AX_XY}, {"coord", AX_XY}, {"coords", AX_XY}, {"coordinate", AX_XY},
        {"node", AX_NODE}, {"nodes", AX_NODE}, {"keypoint", AX_NODE},
        {"frame", AX_FRAME}, {"frames", AX_FRAME}, {"time", AX_FRAME},
    };
    for (size_t i = 0; i < sizeof alias / sizeof alias[0]; i++)
        if (strcmp(s, alias[i].name) == 0)
            return alias[i].axis;
    return -1;
}

/* The on-disk position of each wanted logical axis from the dataset's JSON
 * "dims" attribute (e.g. ["frame", "track", "node", "xy"]). *found = 0 when
 * the dataset has no such attribute. */
static int dims_attr(const char *path, const char *name, hid_t ds, int rank, const int *want, int *pos, int *found)
{
    int rc = ZF_OK;
    hid_t attr = H5I_INVALID_HID;
    char **v = NULL, what[96];
    size_t n = 0;
    int is_string = 0, k = 0;
    char got[AX_N][16];

    *found = 0;
    htri_t e = H5Aexists(ds, "dims");
    ZF_H5(e, "'%s': dataset /%s: cannot look for attribute dims", path, name);
    if (!e)
        goto done;
    ZF_H5(attr = H5Aopen(ds, "dims", H5P_DEFAULT), "'%s': dataset /%s: cannot open attribute dims", path, name);
    snprintf(what, sizeof what, "dataset /%s: attribute dims", name);
    if ((rc = read_strings(path, what, attr, 1, &v, &n, &is_string)) != ZF_OK)
        goto done;
    if (!is_string || n == 0)
        goto bad;
    for (int i = 0; i < AX_N; i++)
        got[i][0] = '\0';
    if (n == 1) { /* one JSON text: take the quoted names in order */
        const char *s = v[0];
        while ((s = strchr(s, '"')) != NULL) {
            const char *end = strchr(++s, '"');
            if (!end)
                goto bad;
            size_t len = (size_t)(end - s);
            if (k >= rank || k >= AX_N || len >= sizeof got[0])
                goto bad;
            memcpy(got[k], s, len);
            got[k++][len] = '\0';
            s = end + 1;
        }
    } else { /* an array of names */
        for (size_t i = 0; i < n; i++) {
            if (k >= rank || k >= AX_N || strlen(v[i]) >= sizeof got[0])
                goto bad;
            snprintf(got[k++], sizeof got[0], "%s", v[i]);
        }
    }
    if (k != rank)
        goto bad;
    for (int a = 0; a < rank; a++)
        pos[a] = -1;
    for (int i = 0; i < rank; i++) {
        int ax = axis_of(got[i]), slot = -1;
        for (int a = 0; a < rank; a++)
            if (want[a] == ax)
                slot = a;
        if (slot < 0 || pos[slot] >= 0)
            goto bad;
        pos[slot] = i;
    }
    *found = 1;
    goto done;
bad: {
        char list[64];
        size_t o = 0;
        list[0] = '\0';
        for (int a = 0; a < rank && o < sizeof list; a++) {
            int w = snprintf(list + o, sizeof list - o, "%s%s", a ? ", " : "", axis_names[want[a]]);
            if (w < 0)
                break;
            o += (size_t)w;
        }
        rc = zf_error(ZF_EPARSE, "'%s': dataset /%s: attribute dims \"%s\": expected a JSON list of the names %s",
                      path, name, n && is_string ? v[0] : "", list);
    }
done:
    zf_tx_strv_free(v, n);
    if (attr >= 0) H5Aclose(attr);
    return rc;
}

/* Read the hyperslab start/count of a float dataset as doubles (row-major in count). */
static int read_slab(const char *path, const char *name, hid_t ds, int rank, const hsize_t *start,
                     const hsize_t *count, double **out)
{
    int rc = ZF_OK;
    hid_t fspace = H5I_INVALID_HID, mspace = H5I_INVALID_HID;
    double *buf = NULL;
    hsize_t total = 1;
    for (int i = 0; i < rank; i++)
        total *= count[i];
    if (!(buf = malloc((size_t)(total ? total : 1) * sizeof *buf))) {
        rc = zf_error(ZF_ENOMEM, "'%s': dataset /%s: out of memory for %llu values", path, name, (unsigned long long)total);
        goto done;
    }
    if (total) {
        ZF_H5(fspace = H5Dget_space(ds), "'%s': dataset /%s: cannot read the shape", path, name);
        ZF_H5(H5Sselect_hyperslab(fspace, H5S_SELECT_SET, start, NULL, count, NULL),
              "'%s': dataset /%s: cannot select a slab", path, name);
        ZF_H5(mspace = H5Screate_simple(1, &total, NULL), "cannot create a memory space");
        ZF_H5(H5Dread(ds, H5T_NATIVE_DOUBLE, mspace, fspace, H5P_DEFAULT, buf),
              "'%s': dataset /%s: cannot read the values as numbers", path, name);
    }
    *out = buf;
    buf = NULL;
done:
    free(buf);
    if (mspace >= 0) H5Sclose(mspace);
    if (fspace >= 0) H5Sclose(fspace);
    return rc;
}

/* Row-major strides of a slab of the given counts. */
static void strides(int rank, const hsize_t *count, size_t *st)
{
    size_t s = 1;
    for (int i = rank - 1; i >= 0; i--) {
        st[i] = s;
        s *= (size_t)count[i];
    }
}

/* An open SLEAP analysis HDF5 file and what is known of its layout. */
typedef struct sleap_h5 {
    hid_t file, dtracks, dscores, docc;
    hsize_t tdims[4], sdims[3], odims[2];
    int tpos[4];   /* on-disk position of AX_TRACK, AX_XY, AX_NODE, AX_FRAME in /tracks */
    int spos[3];   /* of track, node, frame in /point_scores */
    int opos[2];   /* of frame, track in /track_occupancy */
    int ofound;    /* /track_occupancy has a dims attribute */
    size_t ntracks, nnodes, nframes;
    char **nodes, **names;
    size_t nnode_names, nnames;
    unsigned char *occ; /* [nframes * ntracks], frame-major; NULL: every frame occupied */
} sleap_h5;

/* Read /track_occupancy (uint8 or h5py's bool enum; shape and dims attribute
 * already known) into h->occ[f * T + t]. */
static int read_occupancy(const char *path, sleap_h5 *h)
{
    int rc = ZF_OK;
    hid_t ftype = H5I_INVALID_HID, mem = H5I_INVALID_HID;
    unsigned char *raw = NULL, *occ = NULL;
    size_t T = h->ntracks, F = h->nframes, st[2];

    if (!h->ofound) {
        /* always (n_frames, n_tracks) in SLEAP's writers; accept the transpose when unambiguous */
        h->opos[0] = 0;
        h->opos[1] = 1;
        if (!(h->odims[0] == F && h->odims[1] == T) && h->odims[0] == T && h->odims[1] == F) {
            h->opos[0] = 1;
            h->opos[1] = 0;
        }
    }
    if (h->odims[h->opos[0]] != F || h->odims[h->opos[1]] != T) {
        rc = zf_error(ZF_EPARSE, "'%s': dataset /track_occupancy: shape (%llu, %llu) does not match /tracks: expected (%zu frames, %zu tracks)",
                      path, (unsigned long long)h->odims[0], (unsigned long long)h->odims[1], F, T);
        goto done;
    }
    ZF_H5(ftype = H5Dget_type(h->docc), "'%s': dataset /track_occupancy: cannot read the type", path);
    H5T_class_t cls = H5Tget_class(ftype);
    if (cls == H5T_ENUM) {
        ZF_H5(mem = H5Tget_native_type(ftype, H5T_DIR_ASCEND), "'%s': dataset /track_occupancy: cannot read the type", path);
        if (H5Tget_size(mem) != 1) {
            rc = zf_error(ZF_EPARSE, "'%s': dataset /track_occupancy: expected uint8 or bool values", path);
            goto done;
        }
    } else if (cls == H5T_INTEGER || cls == H5T_FLOAT) {
        ZF_H5(mem = H5Tcopy(H5T_NATIVE_UCHAR), "cannot create a type");
    } else {
        rc = zf_error(ZF_EPARSE, "'%s': dataset /track_occupancy: expected uint8 or bool values", path);
        goto done;
    }
    size_t total = F * T;
    if (!(raw = malloc(total ? total : 1)) || !(occ = malloc(total ? total : 1))) {
        rc = zf_error(ZF_ENOMEM, "out of memory");
        goto done;
    }
    if (total)
        ZF_H5(H5Dread(h->docc, mem, H5S_ALL, H5S_ALL, H5P_DEFAULT, raw), "'%s': dataset /track_occupancy: cannot read", path);
    strides(2, h->odims, st);
    for (size_t f = 0; f < F; f++)
        for (size_t t = 0; t < T; t++)
            occ[f * T + t] = raw[f * st[h->opos[0]] + t * st[h->opos[1]]] != 0;
    h->occ = occ;
    occ = NULL;
done:
    free(raw);
    free(occ);
    if (mem >= 0) H5Tclose(mem);
    if (ftype >= 0) H5Tclose(ftype);
    return rc;
}

static void sleap_h5_close(sleap_h5 *h)
{
    if (h->docc >= 0) H5Dclose(h->docc);
    if (h->dscores >= 0) H5Dclose(h->dscores);
    if (h->dtracks >= 0) H5Dclose(h->dtracks);
    if (h->file >= 0) H5Fclose(h->file);
    zf_tx_strv_free(h->nodes, h->nnode_names);
    zf_tx_strv_free(h->names, h->nnames);
    free(h->occ);
}

/* The order of /tracks without a dims attribute: SLEAP's (n_tracks, 2,
 * n_nodes, n_frames) or the (n_frames, n_tracks, n_nodes, 2) of newer
 * writers. When the shape fits both, the track count of /track_names and the
 * shape of /track_occupancy decide; SLEAP's order otherwise. */
static void guess_tracks_order(sleap_h5 *h, size_t nnames, int have_names)
{
    const hsize_t *d = h->tdims;
    int m = d[1] == 2, s = d[3] == 2;
    if (m && s && d[0] != d[1] && have_names && nnames > 0 && (nnames == d[0] || nnames == d[1])) {
        s = nnames == d[1];
        m = !s;
    }
    if (m && s && h->docc >= 0) {
        hsize_t F = h->odims[h->opos[0]], T = h->odims[h->opos[1]];
        int fm = F == d[3] && T == d[0], fs = F == d[0] && T == d[1];
        if (fm != fs) {
            s = fs;
            m = fm;
        }
    }
    s = s && !m;
    h->tpos[AX_TRACK] = s ? 1 : 0;
    h->tpos[AX_XY] = s ? 3 : 1;
    h->tpos[AX_NODE] = 2;
    h->tpos[AX_FRAME] = s ? 0 : 3;
}

/* Open the file and learn its layout: axis order of /tracks (dims attribute,
 * else guessed from the shapes), names, scores and occupancy. */
static int sleap_h5_open(const char *path, sleap_h5 *h)
{
    int rc = ZF_OK, found = 0, is_string = 0, names_are_strings = 0;
    hid_t dn = H5I_INVALID_HID;
    static const int want4[4] = {AX_TRACK, AX_XY, AX_NODE, AX_FRAME};
    static const int want3[3] = {AX_TRACK, AX_NODE, AX_FRAME};
    static const int want2[2] = {AX_FRAME, AX_TRACK};
    size_t n = 0;
    char **v = NULL;

    ZF_H5(h->file = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT), "'%s': cannot open as HDF5", path);
    if ((rc = open_dataset(path, h->file, "tracks", 0, &h->dtracks)) != ZF_OK ||
        (rc = shape(path, "tracks", h->dtracks, 4, h->tdims)) != ZF_OK ||
        (rc = dims_attr(path, "tracks", h->dtracks, 4, want4, h->tpos, &found)) != ZF_OK)
        goto done;

    /* track names: optional; an empty non-string array means "unnamed" */
    if ((rc = open_dataset(path, h->file, "track_names", 1, &dn)) != ZF_OK)
        goto done;
    if (dn >= 0) {
        if ((rc = read_strings(path, "dataset /track_names", dn, 0, &v, &n, &is_string)) != ZF_OK)
            goto done;
        if (!is_string && n != 0) {
            rc = zf_error(ZF_EPARSE, "'%s': dataset /track_names: expected strings", path);
            goto done;
        }
        names_are_strings = is_string;
        H5Dclose(dn);
        dn = H5I_INVALID_HID;
    }

    /* occupancy layout: optional dataset, always (n_frames, n_tracks) unless its dims say otherwise */
    if ((rc = open_dataset(path, h->file, "track_occupancy", 1, &h->docc)) != ZF_OK)
        goto done;
    if (h->docc >= 0) {
        if ((rc = shape(path, "track_occupancy", h->docc, 2, h->odims)) != ZF_OK ||
            (rc = dims_attr(path, "track_occupancy", h->docc, 2, want2, h->opos, &h->ofound)) != ZF_OK)
            goto done;
        if (!h->ofound) {
            h->opos[0] = 0;
            h->opos[1] = 1;
        }
    }

    if (!found)
        guess_tracks_order(h, n, names_are_strings);
    if (h->tdims[h->tpos[AX_XY]] != 2) {
        rc = zf_error(ZF_EPARSE, "'%s': dataset /tracks: the xy axis (%d) has size %llu: expected 2 (x, y)", path,
                      h->tpos[AX_XY], (unsigned long long)h->tdims[h->tpos[AX_XY]]);
        goto done;
    }
    h->ntracks = (size_t)h->tdims[h->tpos[AX_TRACK]];
    h->nnodes = (size_t)h->tdims[h->tpos[AX_NODE]];
    h->nframes = (size_t)h->tdims[h->tpos[AX_FRAME]];
    if (names_are_strings) {
        if (n != h->ntracks) {
            rc = zf_error(ZF_EPARSE, "'%s': dataset /track_names: %zu names but /tracks has %zu tracks", path, n, h->ntracks);
            goto done;
        }
        h->names = v;
        h->nnames = n;
        v = NULL;
    }

    /* node names: required, one per node */
    if ((rc = open_dataset(path, h->file, "node_names", 0, &dn)) != ZF_OK)
        goto done;
    if ((rc = read_strings(path, "dataset /node_names", dn, 0, &h->nodes, &h->nnode_names, &is_string)) != ZF_OK)
        goto done;
    if (!is_string) {
        rc = zf_error(ZF_EPARSE, "'%s': dataset /node_names: expected strings", path);
        goto done;
    }
    if (h->nnode_names != h->nnodes) {
        rc = zf_error(ZF_EPARSE, "'%s': dataset /node_names: %zu names but /tracks has %zu nodes", path,
                      h->nnode_names, h->nnodes);
        goto done;
    }

    /* point scores: optional likelihoods */
    if ((rc = open_dataset(path, h->file, "point_scores", 1, &h->dscores)) != ZF_OK)
        goto done;
    if (h->dscores >= 0) {
        if ((rc = shape(path, "point_scores", h->dscores, 3, h->sdims)) != ZF_OK ||
            (rc = dims_attr(path, "point_scores", h->dscores, 3, want3, h->spos, &found)) != ZF_OK)
            goto done;
        if (!found) {
            size_t T = h->ntracks, N = h->nnodes, F = h->nframes;
            int std = !(h->sdims[0] == T && h->sdims[1] == N && h->sdims[2] == F) &&
                      h->sdims[0] == F && h->sdims[1] == T && h->sdims[2] == N;
            if (!std && h->tpos[AX_FRAME] == 0) /* follow /tracks when both fit */
                std = h->sdims[0] == F && h->sdims[1] == T && h->sdims[2] == N;
            h->spos[0] = std ? 1 : 0; /* track */
            h->spos[1] = std ? 2 : 1; /* node */
            h->spos[2] = std ? 0 : 2; /* frame */
        }
        if (h->sdims[h->spos[0]] != h->ntracks || h->sdims[h->spos[1]] != h->nnodes ||
            h->sdims[h->spos[2]] != h->nframes) {
            rc = zf_error(ZF_EPARSE, "'%s': dataset /point_scores: shape (%llu, %llu, %llu) does not match /tracks (%zu tracks, %zu nodes, %zu frames)",
                          path, (unsigned long long)h->sdims[0], (unsigned long long)h->sdims[1],
                          (unsigned long long)h->sdims[2], h->ntracks, h->nnodes, h->nframes);
            goto done;
        }
    }

    /* occupancy values: a track absent from a frame is missing there */
    if (h->docc >= 0 && (rc = read_occupancy(path, h)) != ZF_OK)
        goto done;
done:
    zf_tx_strv_free(v, n);
    if (dn >= 0) H5Dclose(dn);
    return rc;
}

static int read_sleap_h5(const char *path, const zf_read_opts *o, zf_track_sink sink, void *ctx)
{
    int rc = ZF_OK;
    sleap_h5 h;
    zf_track tr;
    double *xy = NULL, *sc = NULL, *px = NULL, *py = NULL, *ps = NULL;
    long node = -1;
    size_t emitted = 0;

    memset(&h, 0, sizeof h);
    h.file = h.dtracks = h.dscores = h.docc = H5I_INVALID_HID;
    zf_track_init(&tr);
    if ((rc = sleap_h5_open(path, &h)) != ZF_OK)
        goto done;
    if (h.nframes == 0) {
        rc = zf_error(ZF_EDATA, "'%s': dataset /tracks: no frames", path);
        goto done;
    }
    if (o->bodypart) {
        for (size_t k = 0; k < h.nnodes; k++)
            if (strcmp(h.nodes[k], o->bodypart) == 0)
                node = (long)k;
        if (node < 0) {
            rc = unknown_bodypart(path, o->bodypart, h.nodes, h.nnodes);
            goto done;
        }
    }
    size_t nk = node >= 0 ? 1 : h.nnodes;
    if (!(px = malloc((nk ? nk : 1) * sizeof *px)) || !(py = malloc((nk ? nk : 1) * sizeof *py)) ||
        !(ps = malloc((nk ? nk : 1) * sizeof *ps))) {
        rc = zf_error(ZF_ENOMEM, "out of memory");
        goto done;
    }
    for (size_t t = 0; t < h.ntracks; t++) {
        char name[64];
        if (h.names)
            snprintf(name, sizeof name, "%s", h.names[t]);
        else
            snprintf(name, sizeof name, "track_%zu", t);
        if (o->individual && strcmp(o->individual, h.names ? h.names[t] : name) != 0)
            continue;
        /* one track (and one node when named) at a time */
        hsize_t start[4] = {0, 0, 0, 0}, count[4];
        size_t st[4];
        for (int i = 0; i < 4; i++)
            count[i] = h.tdims[i];
        start[h.tpos[AX_TRACK]] = t;
        count[h.tpos[AX_TRACK]] = 1;
        if (node >= 0) {
            start[h.tpos[AX_NODE]] = (hsize_t)node;
            count[h.tpos[AX_NODE]] = 1;
        }
        free(xy);
        xy = NULL;
        if ((rc = read_slab(path, "tracks", h.dtracks, 4, start, count, &xy)) != ZF_OK)
            goto done;
        strides(4, count, st);
        size_t sst[3] = {0, 0, 0};
        free(sc);
        sc = NULL;
        if (h.dscores >= 0) {
            hsize_t s0[3] = {0, 0, 0}, c0[3];
            for (int i = 0; i < 3; i++)
                c0[i] = h.sdims[i];
            s0[h.spos[0]] = t;
            c0[h.spos[0]] = 1;
            if (node >= 0) {
                s0[h.spos[1]] = (hsize_t)node;
                c0[h.spos[1]] = 1;
            }
            if ((rc = read_slab(path, "point_scores", h.dscores, 3, s0, c0, &sc)) != ZF_OK)
                goto done;
            strides(3, c0, sst);
        }
        for (size_t f = 0; f < h.nframes; f++) {
            double x = NAN, y = NAN;
            if (!h.occ || h.occ[f * h.ntracks + t]) {
                for (size_t k = 0; k < nk; k++) {
                    size_t base = f * st[h.tpos[AX_FRAME]] + k * st[h.tpos[AX_NODE]];
                    px[k] = xy[base];
                    py[k] = xy[base + st[h.tpos[AX_XY]]];
                    ps[k] = sc ? sc[f * sst[h.spos[2]] + k * sst[h.spos[1]]] : 1.0;
                }
                zf_tx_keypoint_ref(px, py, ps, nk, o->min_likelihood, &x, &y);
            }
            if ((rc = zf_track_push(&tr, (double)f / o->fps, x, y)) != ZF_OK)
                goto done;
        }
        if ((rc = emit(path, &tr, o, name, sink, ctx)) != ZF_OK)
            goto done;
        zf_track_free(&tr);
        zf_track_init(&tr);
        emitted++;
    }
    if (o->individual && !emitted) {
        if (h.names)
            rc = unknown_individual(path, o->individual, h.names, h.nnames);
        else
            rc = zf_error(ZF_EDATA, "'%s': no track '%s': the file's %zu tracks are unnamed (track_0 ...)", path,
                          o->individual, h.ntracks);
    }
done:
    zf_track_free(&tr);
    free(xy);
    free(sc);
    free(px);
    free(py);
    free(ps);
    sleap_h5_close(&h);
    return rc;
}

/* ---- CSV --------------------------------------------------------------- */

/* Per SLEAP track: the reference point of each frame it appears in. */
typedef struct csv_track {
    char *name;
    size_t n, cap;
    size_t *frame;
    double *x, *y;
} csv_track;

static int csv_track_push(csv_track *c, size_t frame, double x, double y)
{
    if (c->n == c->cap) {
        size_t cap = c->cap ? 2 * c->cap : 256;
        size_t *fr = realloc(c->frame, cap * sizeof *fr);
        if (!fr)
            return zf_error(ZF_ENOMEM, "out of memory");
        c->frame = fr;
        double *nx = realloc(c->x, cap * sizeof *nx);
        if (!nx)
            return zf_error(ZF_ENOMEM, "out of memory");
        c->x = nx;
        double *ny = realloc(c->y, cap * sizeof *ny);
        if (!ny)
            return zf_error(ZF_ENOMEM, "out of memory");
        c->y = ny;
        c->cap = cap;
    }
    c->frame[c->n] = frame;
    c->x[c->n] = x;
    c->y[c->n] = y;
    c->n++;
    return ZF_OK;
}

/* Columns of one node: "<node>.x", "<node>.y" and optional "<node>.score". */
typedef struct csv_node {
    char *name;
    size_t cx, cy, cs;
    int has_score;
} csv_node;

static int ends_with(const char *s, const char *suffix)
{
    size_t a = strlen(s), b = strlen(suffix);
    return a > b && strcmp(s + a - b, suffix) == 0;
}

static int cell_number(const zf_csv *c, size_t col, const char *node, const char *suffix, const zf_read_opts *o,
                       double *out)
{
    const char *s = zf_csv_field(c, col);
    if (!s || !s[0]) {
        *out = NAN;
        return ZF_OK;
    }
    if (zf_parse_number_opt(s, o, out) == ZF_NUM_BAD)
        return zf_error(ZF_EPARSE, "'%s':%zu: column %zu '%s%s': expected a number, got \"%s\"", zf_csv_path(c),
                        zf_csv_line(c), col + 1, node, suffix, ZF_EXCERPT(s));
    return ZF_OK;
}

static int read_sleap_csv(const char *path, const zf_read_opts *o, zf_track_sink sink, void *ctx)
{
    int rc = ZF_OK, r;
    zf_csv *c = NULL;
    csv_node *nodes = NULL;
    csv_track *tracks = NULL;
    char **names = NULL, **tnames = NULL;
    size_t nnodes = 0, ntracks = 0, nf = 0, ncol = 0, maxframe = 0, repeats = 0, emitted = 0, nrows = 0, maxline = 0;
    double *px = NULL, *py = NULL, *ps = NULL, *dx = NULL, *dy = NULL;
    unsigned char *seen = NULL;
    long node = -1;
    zf_track tr;

    zf_track_init(&tr);
    if ((rc = zf_tx_open_csv(path, ',', "a SLEAP analysis CSV", &c, &ncol)) != ZF_OK)
        goto done;
    if (ncol < 2 || strcmp(zf_csv_field(c, 0), "track") != 0 || strcmp(zf_csv_field(c, 1), "frame_idx") != 0) {
        rc = zf_error(ZF_EPARSE, "'%s':1: expected the SLEAP header \"track,frame_idx,...\"", path);
        goto done;
    }
    if (!(nodes = calloc(ncol, sizeof *nodes)) || !(names = calloc(ncol, sizeof *names))) {
        rc = zf_error(ZF_ENOMEM, "out of memory");
        goto done;
    }
    for (size_t j = 2; j < ncol; j++) {
        const char *h = zf_csv_field(c, j);
        if (!ends_with(h, ".x"))
            continue;
        size_t len = strlen(h) - 2;
        csv_node *nd = &nodes[nnodes];
        if (!(nd->name = malloc(len + 1))) {
            rc = zf_error(ZF_ENOMEM, "out of memory");
            goto done;
        }
        memcpy(nd->name, h, len);
        nd->name[len] = '\0';
        names[nnodes++] = nd->name;
        nd->cx = j;
        int have_y = 0;
        for (size_t q = 2; q < ncol; q++) {
            const char *g = zf_csv_field(c, q);
            if (strncmp(g, nd->name, len) != 0)
                continue;
            if (strcmp(g + len, ".y") == 0) {
                nd->cy = q;
                have_y = 1;
            } else if (strcmp(g + len, ".score") == 0) {
                nd->cs = q;
                nd->has_score = 1;
            }
        }
        if (!have_y) {
            rc = zf_error(ZF_EPARSE, "'%s':1: column %zu '%s': no matching '%s.y' column", path, j + 1, h, nd->name);
            goto done;
        }
    }
    if (nnodes == 0) {
        rc = zf_error(ZF_EPARSE, "'%s':1: no '<node>.x' columns: expected a SLEAP analysis CSV", path);
        goto done;
    }
    if (o->bodypart) {
        for (size_t k = 0; k < nnodes; k++)
            if (strcmp(nodes[k].name, o->bodypart) == 0)
                node = (long)k;
        if (node < 0) {
            rc = unknown_bodypart(path, o->bodypart, names, nnodes);
            goto done;
        }
    }
    if (!(px = malloc(nnodes * sizeof *px)) || !(py = malloc(nnodes * sizeof *py)) || !(ps = malloc(nnodes * sizeof *ps))) {
        rc = zf_error(ZF_ENOMEM, "out of memory");
        goto done;
    }
    while ((r = zf_csv_next(c, &nf)) > 0) {
        const char *tname = zf_csv_field(c, 0), *fs = zf_csv_field(c, 1);
        double fv;
        if (!fs || zf_parse_number(fs, &fv) != ZF_NUM_OK || fv < 0 || fv != floor(fv) || fv > 1e9) {
            rc = zf_error(ZF_EPARSE, "'%s':%zu: column 2 'frame_idx': expected a frame number, got \"%s\"", path,
                          zf_csv_line(c), fs ? ZF_EXCERPT(fs) : "");
            goto done;
        }
        size_t frame = (size_t)fv, t;
        for (t = 0; t < ntracks; t++)
            if (strcmp(tracks[t].name, tname) == 0)
                break;
        if (t == ntracks) {
            csv_track *nt = realloc(tracks, (ntracks + 1) * sizeof *nt);
            if (!nt) {
                rc = zf_error(ZF_ENOMEM, "out of memory");
                goto done;
            }
            tracks = nt;
            memset(&tracks[ntracks], 0, sizeof tracks[ntracks]);
            if (!(tracks[ntracks].name = zf_strdup(tname))) {
                rc = ZF_ENOMEM;
                goto done;
            }
            ntracks++;
        }
        size_t k0 = node >= 0 ? (size_t)node : 0, nk = node >= 0 ? 1 : nnodes;
        for (size_t k = 0; k < nk; k++) {
            const csv_node *nd = &nodes[k0 + k];
            if ((rc = cell_number(c, nd->cx, nd->name, ".x", o, &px[k])) != ZF_OK ||
                (rc = cell_number(c, nd->cy, nd->name, ".y", o, &py[k])) != ZF_OK)
                goto done;
            ps[k] = 1.0;
            if (nd->has_score && (rc = cell_number(c, nd->cs, nd->name, ".score", o, &ps[k])) != ZF_OK)
                goto done;
        }
        double x, y;
        zf_tx_keypoint_ref(px, py, ps, nk, o->min_likelihood, &x, &y);
        if ((rc = csv_track_push(&tracks[t], frame, x, y)) != ZF_OK)
            goto done;
        if (frame > maxframe) {
            maxframe = frame;
            maxline = zf_csv_line(c);
        }
        nrows++;
    }
    if (r < 0) {
        rc = r;
        goto done;
    }
    if (ntracks == 0) {
        rc = zf_error(ZF_EDATA, "'%s': no rows after the header", path);
        goto done;
    }
    /* Tracks are dense from frame 0 to the last frame: a damaged frame number in a small file
     * would make billions of missing samples. Sparse tracks are real (fragments, a fish that
     * is rarely found), but not 1000 grid frames per row beyond ten million. */
    if ((maxframe + 1) * ntracks > 10000000 && (maxframe + 1) * ntracks / 1000 > nrows) {
        rc = zf_error(ZF_EDATA, "'%s':%zu: column 2 'frame_idx': frame %zu makes %zu tracks of %zu frames from %zu rows: "
                      "expected the frame numbers of one video (is the frame number damaged?)", path, maxline, maxframe,
                      ntracks, maxframe + 1, nrows);
        goto done;
    }
    if (!(tnames = calloc(ntracks, sizeof *tnames)) || !(dx = malloc((maxframe + 1) * sizeof *dx)) ||
        !(dy = malloc((maxframe + 1) * sizeof *dy)) || !(seen = malloc(maxframe + 1))) {
        rc = zf_error(ZF_ENOMEM, "out of memory");
        goto done;
    }
    for (size_t t = 0; t < ntracks; t++) {
        tnames[t] = tracks[t].name;
        if (o->individual && strcmp(o->individual, tracks[t].name) != 0)
            continue;
        /* dense frames 0..last frame of the file; frames the track misses are NaN */
        for (size_t f = 0; f <= maxframe; f++) {
            dx[f] = dy[f] = NAN;
            seen[f] = 0;
        }
        for (size_t i = 0; i < tracks[t].n; i++) {
            size_t f = tracks[t].frame[i];
            if (seen[f]) {
                repeats++;
                continue; /* a second instance of one track in a frame: keep the first */
            }
            seen[f] = 1;
            dx[f] = tracks[t].x[i];
            dy[f] = tracks[t].y[i];
        }
        for (size_t f = 0; f <= maxframe; f++)
            if ((rc = zf_track_push(&tr, (double)f / o->fps, dx[f], dy[f])) != ZF_OK)
                goto done;
        if ((rc = emit(path, &tr, o, tracks[t].name, sink, ctx)) != ZF_OK)
            goto done;
        zf_track_free(&tr);
        zf_track_init(&tr);
        emitted++;
    }
    if (repeats)
        zf_log(ZF_LOG_WARN, "'%s': %zu rows repeat a (track, frame) pair: kept the first of each", path, repeats);
    if (o->individual && !emitted)
        rc = unknown_individual(path, o->individual, tnames, ntracks);
done:
    zf_track_free(&tr);
    zf_csv_close(c);
    if (nodes)
        for (size_t k = 0; k < nnodes; k++)
            free(nodes[k].name);
    free(nodes);
    free(names);
    free(tnames);
    if (tracks)
        for (size_t t = 0; t < ntracks; t++) {
            free(tracks[t].name);
            free(tracks[t].frame);
            free(tracks[t].x);
            free(tracks[t].y);
        }
    free(tracks);
    free(px);
    free(py);
    free(ps);
    free(dx);
    free(dy);
    free(seen);
    return rc;
}

/* ---- the reader -------------------------------------------------------- */

/* 1 when the HDF5 file at path has every one of the named root links. */
static int h5_has_all(const char *path, const char *const *links, size_t n)
{
    int ok = 0;
    hid_t f = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT);
    if (f < 0)
        return 0;
    ok = 1;
    for (size_t i = 0; i < n && ok; i++)
        ok = H5Lexists(f, links[i], H5P_DEFAULT) > 0;
    H5Fclose(f);
    return ok;
}

int zf_sniff_sleap(const char *path, const unsigned char *head, size_t n)
{
    static const char *const need[] = {"tracks", "node_names"};
    static const char csv_head[] = "track,frame_idx,";
    if (zf_h5_signature(head, n))
        return h5_has_all(path, need, 2) ? 95 : 0;
    if (n >= 3 && head[0] == 0xEF && head[1] == 0xBB && head[2] == 0xBF) {
        head += 3;
        n -= 3;
    }
    if (n >= sizeof csv_head - 1 && memcmp(head, csv_head, sizeof csv_head - 1) == 0)
        return 95;
    return 0;
}

int zf_read_sleap(const char *path, const zf_read_opts *o, zf_track_sink sink, void *ctx)
{
    unsigned char sig[8];
    size_t got = 0;
    int rc;
    FILE *fp = NULL;
    if ((rc = need_fps(path, o)) != ZF_OK)
        goto done;
    if (!(fp = fopen(path, "rb"))) {
        rc = zf_error(ZF_EIO, "'%s': cannot open: %s", path, strerror(errno));
        goto done;
    }
    got = fread(sig, 1, sizeof sig, fp);
    fclose(fp);
    if (zf_h5_signature(sig, got))
        rc = read_sleap_h5(path, o, sink, ctx);
    else
        rc = read_sleap_csv(path, o, sink, ctx);
done:
    return rc;
}
