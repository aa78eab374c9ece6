/* reader_zebrazoom.c: ZebraZoom HDF5 output: head position of each animal of each well, frame rate and pixel size from the root attributes. */
#include "zfstress/core.h"
#include "zfstress/ingest.h"
#include "zfstress/track.h"

#include "ingest/h5read.h"
#include "ingest/readers.h"

#include <hdf5.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A numeric root attribute (scalar or one element); *found = 0 when absent. */
static int num_attr(const char *path, hid_t file, const char *name, double *out, int *found)
{
    int rc = ZF_OK;
    hid_t attr = H5I_INVALID_HID, type = H5I_INVALID_HID, space = H5I_INVALID_HID;
    hssize_t np;
    *found = 0;
    htri_t e = H5Aexists(file, name);
    ZF_H5(e, "'%s': cannot look for attribute %s", path, name);
    if (!e)
        goto done;
    ZF_H5(attr = H5Aopen(file, name, H5P_DEFAULT), "'%s': attribute %s: cannot open", path, name);
    ZF_H5(type = H5Aget_type(attr), "'%s': attribute %s: cannot read the type", path, name);
    ZF_H5(space = H5Aget_space(attr), "'%s': attribute %s: cannot read the shape", path, name);
    ZF_H5(np = H5Sget_simple_extent_npoints(space), "'%s': attribute %s: cannot read the shape", path, name);
    H5T_class_t cls = H5Tget_class(type);
    if (np != 1 || (cls != H5T_INTEGER && cls != H5T_FLOAT)) {
        rc = zf_error(ZF_EPARSE, "'%s': attribute %s: expected one number", path, name);
        goto done;
    }
    ZF_H5(H5Aread(attr, H5T_NATIVE_DOUBLE, out), "'%s': attribute %s: cannot read", path, name);
    *found = 1;
done:
    if (space >= 0) H5Sclose(space);
    if (type >= 0) H5Tclose(type);
    if (attr >= 0) H5Aclose(attr);
    return rc;
}

static int cmp_long(const void *a, const void *b)
{
    long x = *(const long *)a, y = *(const long *)b;
    return (x > y) - (x < y);
}

/* The numbers i of the links "<prefix><i>" of group loc, ascending. */
static int numbered_links(const char *path, hid_t loc, const char *where, const char *prefix, long **out, size_t *n)
{
    int rc = ZF_OK;
    H5G_info_t gi;
    long *v = NULL;
    size_t k = 0, plen = strlen(prefix);
    char name[256];

    ZF_H5(H5Gget_info(loc, &gi), "'%s': group %s: cannot list", path, where);
    if (!(v = malloc((gi.nlinks ? (size_t)gi.nlinks : 1) * sizeof *v))) {
        rc = zf_error(ZF_ENOMEM, "out of memory");
        goto done;
    }
    for (hsize_t i = 0; i < gi.nlinks; i++) {
        ssize_t len;
        ZF_H5(len = H5Lget_name_by_idx(loc, ".", H5_INDEX_NAME, H5_ITER_INC, i, name, sizeof name, H5P_DEFAULT),
              "'%s': group %s: cannot read link %llu", path, where, (unsigned long long)i);
        if ((size_t)len >= sizeof name || strncmp(name, prefix, plen) != 0 || name[plen] == '\0')
            continue;
        long num = 0;
        const char *s = name + plen;
        for (; *s >= '0' && *s <= '9' && num < 100000000L; s++)
            num = num * 10 + (*s - '0');
        if (*s == '\0')
            v[k++] = num;
    }
    qsort(v, k, sizeof *v, cmp_long);
    *out = v;
    *n = k;
    v = NULL;
done:
    free(v);
    return rc;
}

/* Read HeadPos (1-D compound {X, Y}, or a (frames, 2) / (2, frames) numeric
 * array) into x[] and y[] (malloc'd, *n frames). */
static int read_headpos(const char *path, hid_t file, const char *dsname, double **ox, double **oy, size_t *n)
{
    int rc = ZF_OK;
    hid_t ds = H5I_INVALID_HID, type = H5I_INVALID_HID, space = H5I_INVALID_HID, mem = H5I_INVALID_HID;
    double *buf = NULL, *x = NULL, *y = NULL;
    char *mx = NULL, *my = NULL;
    hsize_t dims[2] = {0, 0};
    int rank;
    size_t nf = 0;
    int transposed = 0;

    ZF_H5(ds = H5Dopen2(file, dsname, H5P_DEFAULT), "'%s': dataset /%s: cannot open", path, dsname);
    if ((rc = zf_h5_plausible_size(path, dsname, ds)) != ZF_OK)
        goto done;
    ZF_H5(type = H5Dget_type(ds), "'%s': dataset /%s: cannot read the type", path, dsname);
    ZF_H5(space = H5Dget_space(ds), "'%s': dataset /%s: cannot read the shape", path, dsname);
    ZF_H5(rank = H5Sget_simple_extent_ndims(space), "'%s': dataset /%s: cannot read the shape", path, dsname);
    if (rank < 1 || rank > 2) {
        rc = zf_error(ZF_EPARSE, "'%s': dataset /%s: expected 1 (compound X, Y) or 2 dimensions, found %d", path, dsname, rank);
        goto done;
    }
    ZF_H5(H5Sget_simple_extent_dims(space, dims, NULL), "'%s': dataset /%s: cannot read the shape", path, dsname);
    H5T_class_t cls = H5Tget_class(type);
    if (cls == H5T_COMPOUND) {
        int nm;
        ZF_H5(nm = H5Tget_nmembers(type), "'%s': dataset /%s: cannot read the fields", path, dsname);
        if (nm < 2 || (rank == 2 && dims[1] != 1)) {
            rc = zf_error(ZF_EPARSE, "'%s': dataset /%s: expected a list of {X, Y} records", path, dsname);
            goto done;
        }
        /* fields named X and Y (any case), else the first two */
        int ix = -1, iy = -1;
        for (int i = 0; i < nm; i++) {
            char *mn = H5Tget_member_name(type, (unsigned)i);
            if (!mn) {
                rc = zf_error(ZF_EHDF5, "'%s': dataset /%s: cannot read field %d", path, dsname, i);
                goto done;
            }
            if (ix < 0 && (strcmp(mn, "X") == 0 || strcmp(mn, "x") == 0))
                ix = i;
            else if (iy < 0 && (strcmp(mn, "Y") == 0 || strcmp(mn, "y") == 0))
                iy = i;
            H5free_memory(mn);
        }
        if (ix < 0 || iy < 0) {
            ix = 0;
            iy = 1;
        }
        H5T_class_t cx = H5Tget_member_class(type, (unsigned)ix), cy = H5Tget_member_class(type, (unsigned)iy);
        if ((cx != H5T_FLOAT && cx != H5T_INTEGER) || (cy != H5T_FLOAT && cy != H5T_INTEGER)) {
            rc = zf_error(ZF_EPARSE, "'%s': dataset /%s: the X, Y fields are not numbers", path, dsname);
            goto done;
        }
        if (!(mx = H5Tget_member_name(type, (unsigned)ix)) || !(my = H5Tget_member_name(type, (unsigned)iy))) {
            rc = zf_error(ZF_EHDF5, "'%s': dataset /%s: cannot read the field names", path, dsname);
            goto done;
        }
        /* the conversion matches fields by name */
        ZF_H5(mem = H5Tcreate(H5T_COMPOUND, 2 * sizeof(double)), "cannot create a compound type");
        ZF_H5(H5Tinsert(mem, mx, 0, H5T_NATIVE_DOUBLE), "cannot build the X field");
        ZF_H5(H5Tinsert(mem, my, sizeof(double), H5T_NATIVE_DOUBLE), "cannot build the Y field");
        nf = (size_t)dims[0];
    } else if (cls == H5T_FLOAT || cls == H5T_INTEGER) {
        if (rank == 2 && dims[1] == 2)
            nf = (size_t)dims[0];
        else if (rank == 2 && dims[0] == 2) {
            nf = (size_t)dims[1];
            transposed = 1;
        } else {
            if (rank == 2)
                rc = zf_error(ZF_EPARSE, "'%s': dataset /%s: expected (frames, 2) columns X, Y, found (%llu, %llu)", path,
                              dsname, (unsigned long long)dims[0], (unsigned long long)dims[1]);
            else
                rc = zf_error(ZF_EPARSE, "'%s': dataset /%s: expected (frames, 2) columns X, Y, found 1 dimension", path, dsname);
            goto done;
        }
        ZF_H5(mem = H5Tcopy(H5T_NATIVE_DOUBLE), "cannot create a type");
    } else {
        rc = zf_error(ZF_EPARSE, "'%s': dataset /%s: expected numbers or {X, Y} records", path, dsname);
        goto done;
    }
    if (!(buf = malloc((nf ? nf : 1) * 2 * sizeof *buf)) || !(x = malloc((nf ? nf : 1) * sizeof *x)) ||
        !(y = malloc((nf ? nf : 1) * sizeof *y))) {
        rc = zf_error(ZF_ENOMEM, "'%s': dataset /%s: out of memory for %zu frames", path, dsname, nf);
        goto done;
    }
    if (nf)
        ZF_H5(H5Dread(ds, mem, H5S_ALL, H5S_ALL, H5P_DEFAULT, buf), "'%s': dataset /%s: cannot read", path, dsname);
    for (size_t f = 0; f < nf; f++) {
        x[f] = transposed ? buf[f] : buf[2 * f];
        y[f] = transposed ? buf[nf + f] : buf[2 * f + 1];
    }
    *ox = x;
    *oy = y;
    *n = nf;
    x = y = NULL;
done:
    if (mx) H5free_memory(mx);
    if (my) H5free_memory(my);
    free(buf);
    free(x);
    free(y);
    if (mem >= 0) H5Tclose(mem);
    if (space >= 0) H5Sclose(space);
    if (type >= 0) H5Tclose(type);
    if (ds >= 0) H5Dclose(ds);
    return rc;
}

int zf_sniff_zebrazoom(const char *path, const unsigned char *head, size_t n)
{
    int score = 0;
    if (!zf_h5_signature(head, n))
        return 0;
    hid_t f = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT);
    if (f < 0)
        return 0;
    if (H5Lexists(f, "dataForWell0", H5P_DEFAULT) > 0)
        score = 95;
    else if (H5Aexists(f, "videoFPS") > 0 && H5Aexists(f, "videoPixelSize") > 0)
        score = 60;
    H5Fclose(f);
    return score;
}

int zf_read_zebrazoom(const char *path, const zf_read_opts *o, zf_track_sink sink, void *ctx)
{
    int rc = ZF_OK, found = 0;
    hid_t file = H5I_INVALID_HID, well = H5I_INVALID_HID;
    long *wells = NULL, *animals = NULL;
    size_t nwells = 0, nanimals = 0, emitted = 0, untracked = 0;
    double fps = NAN, pixel = NAN, *x = NULL, *y = NULL;
    zf_read_opts oo = *o;
    zf_track tr;
    char name[128];

    zf_track_init(&tr);
    ZF_H5(file = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT), "'%s': cannot open as HDF5", path);
    if ((rc = num_attr(path, file, "videoFPS", &fps, &found)) != ZF_OK)
        goto done;
    if (!found || !(fps > 0) || !isfinite(fps))
        fps = o->fps; /* the study's rate only when the file states none */
    if (!(fps > 0) || !isfinite(fps)) {
        rc = zf_error(ZF_EINVAL, "'%s': no usable videoFPS attribute: expected fps in the study or the sample sheet", path);
        goto done;
    }
    if ((rc = num_attr(path, file, "videoPixelSize", &pixel, &found)) != ZF_OK)
        goto done;
    /* videoPixelSize is mm per pixel; the study's px_per_mm wins */
    if (!(o->px_per_mm > 0) && found && pixel > 0 && isfinite(pixel))
        oo.px_per_mm = 1.0 / pixel;
    if ((rc = numbered_links(path, file, "/", "dataForWell", &wells, &nwells)) != ZF_OK)
        goto done;
    if (nwells == 0) {
        rc = zf_error(ZF_EPARSE, "'%s': no /dataForWell<i> groups: expected a ZebraZoom HDF5 output", path);
        goto done;
    }
    for (size_t i = 0; i < nwells; i++) {
        char arena[64], gname[64];
        snprintf(arena, sizeof arena, "well%ld", wells[i]);
        if (o->arena && strcmp(o->arena, arena) != 0)
            continue;
        snprintf(gname, sizeof gname, "dataForWell%ld", wells[i]);
        ZF_H5(well = H5Gopen2(file, gname, H5P_DEFAULT), "'%s': group /%s: cannot open", path, gname);
        free(animals);
        animals = NULL;
        if ((rc = numbered_links(path, well, gname, "dataForAnimal", &animals, &nanimals)) != ZF_OK)
            goto done;
        H5Gclose(well);
        well = H5I_INVALID_HID;
        for (size_t j = 0; j < nanimals; j++) {
            char who[64];
            size_t nf = 0;
            snprintf(who, sizeof who, "animal%ld", animals[j]);
            if (o->individual && strcmp(o->individual, who) != 0)
                continue;
            snprintf(name, sizeof name, "dataForWell%ld/dataForAnimal%ld/dataPerFrame/HeadPos", wells[i], animals[j]);
            htri_t e = H5Lexists(file, name, H5P_DEFAULT);
            if (e <= 0) { /* each step of the path must exist for H5Lexists */
                rc = zf_error(ZF_EPARSE, "'%s': dataset /%s: not found", path, name);
                goto done;
            }
            free(x);
            free(y);
            x = y = NULL;
            if ((rc = read_headpos(path, file, name, &x, &y, &nf)) != ZF_OK)
                goto done;
            for (size_t f = 0; f < nf; f++) {
                double px = x[f], py = y[f];
                if (px == 0.0 && py == 0.0) { /* ZebraZoom writes (0, 0) when it lost the animal */
                    px = py = NAN;
                    untracked++;
                }
                if ((rc = zf_track_push(&tr, (double)f / fps, px, py)) != ZF_OK)
                    goto done;
            }
            zf_track_info info;
            zf_track_info_init(&info);
            snprintf(info.arena, sizeof info.arena, "%s", arena);
            snprintf(info.individual, sizeof info.individual, "%s", who);
            info.fps = fps;
            if ((rc = zf_track_calibrate(path, &tr, &oo, ZF_UNITS_PX, 1, &info)) != ZF_OK ||
                (rc = sink(ctx, &tr, &info)) != ZF_OK)
                goto done;
            zf_track_free(&tr);
            zf_track_init(&tr);
            emitted++;
        }
    }
    if (untracked)
        zf_log(ZF_LOG_INFO, "'%s': %zu frames at (0, 0) read as missing", path, untracked);
    if (emitted == 0 && (o->arena || o->individual)) {
        char list[256];
        size_t k = 0;
        list[0] = '\0';
        for (size_t i = 0; i < nwells && k < sizeof list; i++) {
            int w = snprintf(list + k, sizeof list - k, "%swell%ld", i ? ", " : "", wells[i]);
            if (w < 0)
                break;
            k += (size_t)w;
        }
        char what[192];
        if (o->arena && o->individual)
            snprintf(what, sizeof what, "individual '%s' in arena '%s'", o->individual, o->arena);
        else if (o->arena)
            snprintf(what, sizeof what, "arena '%s'", o->arena);
        else
            snprintf(what, sizeof what, "individual '%s'", o->individual);
        rc = zf_error(ZF_EDATA, "'%s': no %s: the file has %s (individuals are named animal0, animal1, ...)", path, what, list);
    }
done:
    zf_track_free(&tr);
    free(x);
    free(y);
    free(wells);
    free(animals);
    if (well >= 0) H5Gclose(well);
    if (file >= 0) H5Fclose(file);
    return rc;
}
