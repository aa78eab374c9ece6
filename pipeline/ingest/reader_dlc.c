/* reader_dlc.c: DeepLabCut CSV (single-animal 3-row and multi-animal 4-row headers, labelled-data files): one track per individual. */
#include "zfstress/core.h"
#include "zfstress/ingest.h"
#include "zfstress/table.h"
#include "zfstress/track.h"

#include "ingest/readers.h"
#include "ingest/textfmt.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Columns of one body part of one individual; -1 when absent (labelled-data
 * files have no likelihood). */
typedef struct dlc_part {
    const char *name;  /* points into the header copy */
    long cx, cy, cl;
} dlc_part;

typedef struct dlc_ind {
    const char *name;  /* "" in single-animal files */
    dlc_part *parts;
    size_t nparts, cap;
    long named;        /* index of o->bodypart among parts, -1 */
    int selected;
    zf_track tr;
} dlc_ind;

/* Read one header row whose first cell must be label. */
static int header_row(zf_csv *c, const char *label, size_t ncol, char ***out)
{
    size_t n = 0;
    int r = zf_csv_next(c, &n);
    if (r < 0)
        return r;
    if (r == 0)
        return zf_error(ZF_EPARSE, "'%s': ends inside the header: expected a '%s' row", zf_csv_path(c), label);
    if (strcmp(zf_csv_field(c, 0), label) != 0)
        return zf_error(ZF_EPARSE, "'%s':%zu: expected the DeepLabCut header row '%s', got \"%s\"", zf_csv_path(c),
                        zf_csv_line(c), label, ZF_EXCERPT(zf_csv_field(c, 0)));
    if (n != ncol)
        return zf_error(ZF_EPARSE, "'%s':%zu: header row '%s' has %zu fields, the 'scorer' row %zu", zf_csv_path(c),
                        zf_csv_line(c), label, n, ncol);
    return zf_tx_row_copy(c, n, out);
}

static int cell(const zf_csv *c, long col, const char *what, const char *coord, const zf_read_opts *o, double *out)
{
    const char *s = col >= 0 ? zf_csv_field(c, (size_t)col) : NULL;
    if (!s || !s[0]) {
        *out = NAN;
        return ZF_OK;
    }
    if (zf_parse_number_opt(s, o, out) == ZF_NUM_BAD)
        return zf_error(ZF_EPARSE, "'%s':%zu: column %ld (%s %s): expected a number, got \"%s\"", zf_csv_path(c),
                        zf_csv_line(c), col + 1, what, coord, ZF_EXCERPT(s));
    return ZF_OK;
}

int zf_sniff_dlc(const char *path, const unsigned char *head, size_t n)
{
    static const char first[] = "scorer,";
    (void)path;
    if (n >= 3 && head[0] == 0xEF && head[1] == 0xBB && head[2] == 0xBF) {
        head += 3;
        n -= 3;
    }
    if (n < sizeof first - 1 || memcmp(head, first, sizeof first - 1) != 0)
        return 0;
    const unsigned char *nl = memchr(head, '\n', n);
    if (!nl)
        return 0;
    size_t rest = n - (size_t)(nl + 1 - head);
    const char *next = (const char *)(nl + 1);
    if ((rest >= 10 && memcmp(next, "bodyparts,", 10) == 0) || (rest >= 12 && memcmp(next, "individuals,", 12) == 0))
        return 95;
    return 0;
}

int zf_read_dlc(const char *path, const zf_read_opts *o, zf_track_sink sink, void *ctx)
{
    int rc = ZF_OK, r;
    zf_csv *c = NULL;
    char **inds = NULL, **bps = NULL, **coords = NULL;
    const char **names = NULL;
    dlc_ind *ind = NULL;
    double *px = NULL, *py = NULL, *pl = NULL;
    size_t ncol = 0, nidx = 1, nind = 0, nnames = 0, row = 0, nf = 0;
    int use_index = -1;
    double last_frame = -1;

    if (!(o->fps > 0 && isfinite(o->fps))) {
        rc = zf_error(ZF_EINVAL, "'%s': DeepLabCut CSV files carry no frame rate: expected fps in the study or the sample sheet", path);
        goto done;
    }
    if ((rc = zf_tx_open_csv(path, ',', "a DeepLabCut CSV", &c, &ncol)) != ZF_OK)
        goto done;
    if (strcmp(zf_csv_field(c, 0), "scorer") != 0) {
        rc = zf_error(ZF_EPARSE, "'%s':%zu: expected the DeepLabCut header row 'scorer', got \"%s\"", path,
                      zf_csv_line(c), ZF_EXCERPT(zf_csv_field(c, 0)));
        goto done;
    }
    /* the second row tells single-animal (bodyparts) from multi-animal (individuals) */
    {
        size_t n2 = 0;
        if ((r = zf_csv_next(c, &n2)) <= 0) {
            rc = r < 0 ? r : zf_error(ZF_EPARSE, "'%s': ends inside the header: expected a 'bodyparts' row", path);
            goto done;
        }
        const char *lab = zf_csv_field(c, 0);
        if (strcmp(lab, "individuals") != 0 && strcmp(lab, "bodyparts") != 0) {
            rc = zf_error(ZF_EPARSE, "'%s':%zu: expected the DeepLabCut header row 'bodyparts' or 'individuals', got \"%s\"",
                          path, zf_csv_line(c), ZF_EXCERPT(lab));
            goto done;
        }
        if (n2 != ncol) {
            rc = zf_error(ZF_EPARSE, "'%s':%zu: header row '%s' has %zu fields, the 'scorer' row %zu", path,
                          zf_csv_line(c), lab, n2, ncol);
            goto done;
        }
        if ((rc = zf_tx_row_copy(c, n2, strcmp(lab, "individuals") == 0 ? &inds : &bps)) != ZF_OK)
            goto done;
    }
    if (inds && (rc = header_row(c, "bodyparts", ncol, &bps)) != ZF_OK)
        goto done;
    if ((rc = header_row(c, "coords", ncol, &coords)) != ZF_OK)
        goto done;
    /* newer labelled-data files spread the image path over several index columns */
    while (nidx < ncol && coords[nidx][0] == '\0')
        nidx++;
    if (nidx >= ncol) {
        rc = zf_error(ZF_EPARSE, "'%s': the 'coords' row names no x, y columns", path);
        goto done;
    }
    if (!(ind = calloc(ncol, sizeof *ind)) || !(names = calloc(ncol, sizeof *names))) {
        rc = zf_error(ZF_ENOMEM, "out of memory");
        goto done;
    }
    for (size_t j = nidx; j < ncol; j++) {
        const char *who = inds ? inds[j] : "", *bp = bps[j], *co = coords[j];
        size_t i, k;
        for (i = 0; i < nind; i++)
            if (strcmp(ind[i].name, who) == 0)
                break;
        if (i == nind) {
            ind[i].name = who;
            ind[i].named = -1;
            zf_track_init(&ind[i].tr);
            nind++;
        }
        dlc_ind *d = &ind[i];
        for (k = 0; k < d->nparts; k++)
            if (strcmp(d->parts[k].name, bp) == 0)
                break;
        if (k == d->nparts) {
            if (d->nparts == d->cap) {
                size_t cap = d->cap ? 2 * d->cap : 8;
                dlc_part *np = realloc(d->parts, cap * sizeof *np);
                if (!np) {
                    rc = zf_error(ZF_ENOMEM, "out of memory");
                    goto done;
                }
                d->parts = np;
                d->cap = cap;
            }
            d->parts[k].name = bp;
            d->parts[k].cx = d->parts[k].cy = d->parts[k].cl = -1;
            d->nparts++;
            size_t q;
            for (q = 0; q < nnames; q++)
                if (strcmp(names[q], bp) == 0)
                    break;
            if (q == nnames)
                names[nnames++] = bp;
        }
        long *slot = strcmp(co, "x") == 0 ? &d->parts[k].cx : strcmp(co, "y") == 0 ? &d->parts[k].cy
                     : strcmp(co, "likelihood") == 0 ? &d->parts[k].cl : NULL;
        if (!slot) {
            rc = zf_error(ZF_EPARSE, "'%s': column %zu: coords \"%s\": expected x, y or likelihood", path, j + 1, co);
            goto done;
        }
        *slot = (long)j;
    }
    for (size_t i = 0; i < nind; i++)
        for (size_t k = 0; k < ind[i].nparts; k++)
            if (ind[i].parts[k].cx < 0 || ind[i].parts[k].cy < 0) {
                rc = zf_error(ZF_EPARSE, "'%s': body part '%s'%s%s: expected both x and y columns", path,
                              ind[i].parts[k].name, inds ? " of individual " : "", ind[i].name);
                goto done;
            }

    /* which body part, which individuals */
    if (o->bodypart) {
        int known = 0;
        for (size_t q = 0; q < nnames; q++)
            known |= strcmp(names[q], o->bodypart) == 0;
        if (!known) {
            char list[512];
            zf_tx_join_names(list, sizeof list, names, nnames);
            rc = zf_error(ZF_EINVAL, "'%s': no body part '%s': the file has %s", path, o->bodypart, list);
            goto done;
        }
    }
    size_t nsel = 0, nmatch = 0, maxparts = 1;
    for (size_t i = 0; i < nind; i++) {
        dlc_ind *d = &ind[i];
        d->selected = !o->individual || strcmp(o->individual, d->name) == 0;
        nmatch += (size_t)d->selected;
        if (d->selected && o->bodypart) {
            for (size_t k = 0; k < d->nparts; k++)
                if (strcmp(d->parts[k].name, o->bodypart) == 0)
                    d->named = (long)k;
            if (d->named < 0) {
                /* e.g. maDLC's "single" pseudo-individual holds only the unique body parts */
                zf_log(ZF_LOG_INFO, "'%s': individual '%s' has no body part '%s': skipped", path, d->name, o->bodypart);
                d->selected = 0;
            }
        }
        nsel += (size_t)d->selected;
        if (d->nparts > maxparts)
            maxparts = d->nparts;
    }
    if (nsel == 0 && nmatch > 0) {
        rc = zf_error(ZF_EINVAL, "'%s': individual '%s' has no body part '%s'", path, o->individual, o->bodypart);
        goto done;
    }
    if (nsel == 0) {
        const char **who = calloc(nind ? nind : 1, sizeof *who);
        char list[512];
        if (!who) {
            rc = zf_error(ZF_ENOMEM, "out of memory");
            goto done;
        }
        for (size_t i = 0; i < nind; i++)
            who[i] = ind[i].name;
        zf_tx_join_names(list, sizeof list, who, nind);
        free(who);
        rc = zf_error(ZF_EDATA, "'%s': no individual '%s': %s%s", path, o->individual ? o->individual : "",
                      inds ? "the file has " : "the file is single-animal", inds ? list : "");
        goto done;
    }
    if (!(px = malloc(maxparts * sizeof *px)) || !(py = malloc(maxparts * sizeof *py)) ||
        !(pl = malloc(maxparts * sizeof *pl))) {
        rc = zf_error(ZF_ENOMEM, "out of memory");
        goto done;
    }

    /* data rows */
    while ((r = zf_csv_next(c, &nf)) > 0) {
        const char *idx = zf_csv_field(c, 0);
        double fv = NAN;
        int numeric = zf_parse_number(idx, &fv) == ZF_NUM_OK && fv >= 0 && fv == floor(fv);
        if (use_index < 0)
            use_index = numeric; /* the first row decides: frame numbers or image paths */
        if (use_index) {
            if (!numeric) {
                rc = zf_error(ZF_EPARSE, "'%s':%zu: column 1: expected a frame number, got \"%s\"", path, zf_csv_line(c),
                              ZF_EXCERPT(idx));
                goto done;
            }
            if (fv <= last_frame) {
                rc = zf_error(ZF_EPARSE, "'%s':%zu: column 1: frame %.0f does not follow frame %.0f", path,
                              zf_csv_line(c), fv, last_frame);
                goto done;
            }
            last_frame = fv;
        } else {
            fv = (double)row; /* labelled data: the image's row */
        }
        for (size_t i = 0; i < nind; i++) {
            dlc_ind *d = &ind[i];
            if (!d->selected)
                continue;
            size_t k0 = d->named >= 0 ? (size_t)d->named : 0, nk = d->named >= 0 ? 1 : d->nparts;
            for (size_t k = 0; k < nk; k++) {
                const dlc_part *p = &d->parts[k0 + k];
                if ((rc = cell(c, p->cx, p->name, "x", o, &px[k])) != ZF_OK ||
                    (rc = cell(c, p->cy, p->name, "y", o, &py[k])) != ZF_OK ||
                    (rc = cell(c, p->cl, p->name, "likelihood", o, &pl[k])) != ZF_OK)
                    goto done;
            }
            double x, y;
            zf_tx_keypoint_ref(px, py, pl, nk, o->min_likelihood, &x, &y);
            if ((rc = zf_track_push(&d->tr, fv / o->fps, x, y)) != ZF_OK)
                goto done;
        }
        row++;
    }
    if (r < 0) {
        rc = r;
        goto done;
    }
    if (row == 0) {
        rc = zf_error(ZF_EDATA, "'%s': no rows after the header", path);
        goto done;
    }
    for (size_t i = 0; i < nind; i++) {
        dlc_ind *d = &ind[i];
        zf_track_info info;
        if (!d->selected)
            continue;
        zf_track_info_init(&info);
        snprintf(info.individual, sizeof info.individual, "%s", d->name);
        info.fps = o->fps;
        if ((rc = zf_track_calibrate(path, &d->tr, o, ZF_UNITS_PX, 1, &info)) != ZF_OK ||
            (rc = sink(ctx, &d->tr, &info)) != ZF_OK)
            goto done;
        zf_track_free(&d->tr);
        zf_track_init(&d->tr);
    }
done:
    zf_csv_close(c);
    if (ind)
        for (size_t i = 0; i < nind; i++) {
            free(ind[i].parts);
            zf_track_free(&ind[i].tr);
        }
    free(ind);
    free(names);
    zf_tx_strv_free(inds, ncol);
    zf_tx_strv_free(bps, ncol);
    zf_tx_strv_free(coords, ncol);
    free(px);
    free(py);
    free(pl);
    return rc;
}
