/* track.c: the canonical track buffer and the generic CSV/TSV track reader (units and y direction converted at the door). */
#include "zfstress/core.h"
#include "zfstress/table.h"
#include "zfstress/track.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

void zf_track_init(zf_track *tr) { memset(tr, 0, sizeof *tr); }

void zf_track_free(zf_track *tr)
{
    if (!tr)
        return;
    free(tr->t);
    free(tr->x);
    free(tr->y);
    memset(tr, 0, sizeof *tr);
}

int zf_track_push(zf_track *tr, double t, double x, double y)
{
    if (tr->n == tr->cap) {
        size_t cap = tr->cap ? tr->cap * 2 : 4096;
        double *nt = realloc(tr->t, cap * sizeof *nt);
        if (!nt)
            return zf_error(ZF_ENOMEM, "out of memory");
        tr->t = nt;
        double *nx = realloc(tr->x, cap * sizeof *nx);
        if (!nx)
            return zf_error(ZF_ENOMEM, "out of memory");
        tr->x = nx;
        double *ny = realloc(tr->y, cap * sizeof *ny);
        if (!ny)
            return zf_error(ZF_ENOMEM, "out of memory");
        tr->y = ny;
        tr->cap = cap;
    }
    tr->t[tr->n] = t;
    tr->x[tr->n] = x;
    tr->y[tr->n] = y;
    tr->n++;
    return ZF_OK;
}

size_t zf_track_missing(const zf_track *tr)
{
    size_t m = 0;
    for (size_t i = 0; i < tr->n; i++)
        m += (size_t)(isnan(tr->x[i]) | isnan(tr->y[i])); /* no branch: the loop vectorises */
    return m;
}

int zf_track_all_missing(const zf_track *tr)
{
    for (size_t i = 0; i < tr->n; i++)
        if (!isnan(tr->x[i]) && !isnan(tr->y[i]))
            return 0;
    return 1;
}

int zf_units_parse(const char *s)
{
    if (strcmp(s, "mm") == 0)
        return ZF_UNITS_MM;
    if (strcmp(s, "cm") == 0)
        return ZF_UNITS_CM;
    if (strcmp(s, "px") == 0)
        return ZF_UNITS_PX;
    return -1;
}

const char *zf_units_name(int units)
{
    return units == ZF_UNITS_CM ? "cm" : units == ZF_UNITS_PX ? "px" : "mm";
}

static int find_col(zf_csv *c, size_t nf, const char *name, const char *role, size_t *col)
{
    for (size_t i = 0; i < nf; i++) {
        const char *f = zf_csv_field(c, i);
        if (f && strcmp(f, name) == 0) {
            *col = i;
            return ZF_OK;
        }
    }
    char have[512];
    size_t o = 0;
    have[0] = '\0';
    for (size_t i = 0; i < nf && o + 4 < sizeof have; i++) {
        int w = snprintf(have + o, sizeof have - o, "%s'%s'", i ? ", " : "", zf_csv_field(c, i));
        if (w < 0)
            break;
        o += (size_t)w;
        if (o >= sizeof have)
            o = sizeof have - 1;
    }
    return zf_error(ZF_EPARSE, "'%s':%zu: expected a column '%s' (%s), found columns %s",
                    zf_csv_path(c), zf_csv_line(c), name, role, have);
}

static int bad_number(zf_csv *c, size_t col, const char *name, const char *text)
{
    int comma = strchr(text, ',') != NULL;
    return zf_error(ZF_EPARSE, "'%s':%zu: column %zu '%s': expected a number, got \"%s\"%s",
                    zf_csv_path(c), zf_csv_line(c), col + 1, name, ZF_EXCERPT(text),
                    comma ? " (decimal comma? save the file with decimal points)" : "");
}

/* Time may stay (duplicated stamps are refused later, with the track) but not go back. */
static int time_order(zf_csv *c, size_t col, const char *name, double t, double *last_t)
{
    if (t < *last_t)
        return zf_error(ZF_EDATA, "'%s':%zu: column %zu '%s': time goes backwards (%g s after %g s)",
                        zf_csv_path(c), zf_csv_line(c), col + 1, name, t, *last_t);
    *last_t = t;
    return ZF_OK;
}

int zf_track_read_csv(const char *path, const zf_csv_spec *spec, zf_track *tr)
{
    int rc = ZF_OK;
    zf_csv *c = NULL;
    size_t nf = 0, ct = 0, cx = 0, cy = 0;
    int has_time = spec->col_time && spec->col_time[0];
    double scale = 1.0;
    int slot_buf[64], *slot = slot_buf;

    if (spec->units == ZF_UNITS_CM)
        scale = 10.0;
    else if (spec->units == ZF_UNITS_PX) {
        if (!(spec->px_per_mm > 0))
            return zf_error(ZF_EINVAL, "'%s': units are px but no px_per_mm > 0 is set (in the study or the sample sheet)", path);
        scale = 1.0 / spec->px_per_mm;
    }
    if (!has_time && !(spec->fps > 0))
        return zf_error(ZF_EINVAL, "'%s': no time column and no fps > 0 to derive time from frame numbers", path);

    if ((rc = zf_csv_open(path, 0, &c)) != ZF_OK)
        goto done;
    rc = zf_csv_next(c, &nf);
    if (rc < 0)
        goto done;
    if (rc == 0) {
        rc = zf_error(ZF_EDATA, "'%s': empty file: expected a header row and samples", path);
        goto done;
    }
    if ((has_time && (rc = find_col(c, nf, spec->col_time, "time in s", &ct)) != ZF_OK) ||
        (rc = find_col(c, nf, spec->col_x, "x position", &cx)) != ZF_OK ||
        (rc = find_col(c, nf, spec->col_y, "y position", &cy)) != ZF_OK)
        goto done;

    /* A row may be shorter than the header only where it still holds the columns we read (trailing empty
     * cells are often left out); a row with more fields than the header has shifted its cells, as an
     * unquoted decimal comma does ("12,5"), so the columns we would read are not the ones named. */
    size_t header_nf = nf;
    /* cells time, x, y go to v[0], v[1], v[2]: rows of plain decimals are
     * parsed while they are scanned (not when one cell has two roles) */
    size_t nslot = cx > cy ? cx + 1 : cy + 1;
    if (has_time && ct + 1 > nslot)
        nslot = ct + 1;
    if (cx == cy || (has_time && (ct == cx || ct == cy)))
        nslot = 0;
    if (nslot > 64 && !(slot = malloc(nslot * sizeof *slot))) {
        rc = zf_error(ZF_ENOMEM, "out of memory");
        goto done;
    }
    for (size_t f = 0; f < nslot; f++)
        slot[f] = -1;
    if (nslot) {
        if (has_time)
            slot[ct] = 0;
        slot[cx] = 1;
        slot[cy] = 2;
    }
    double v[3];
    double last_t = -INFINITY;
    size_t row = 0;
    while ((rc = zf_csv_next_numbers(c, slot, nslot, v, &nf)) >= 1) {
        double t = 0, x = 0, y = 0;
        if (nf > header_nf) {
            rc = zf_error(ZF_EPARSE, "'%s':%zu: expected %zu fields as in the header, got %zu%s", path, zf_csv_line(c),
                          header_nf, nf, zf_csv_delim(c) == ',' ? " (an unquoted decimal comma?)" : "");
            goto done;
        }
        if (rc == 2) {
            if (has_time) {
                t = v[0];
                if ((rc = time_order(c, ct, spec->col_time, t, &last_t)) != ZF_OK)
                    goto done;
            } else {
                t = (double)row / spec->fps;
            }
            x = v[1] * scale;
            y = v[2] * scale;
            if (spec->y_down)
                y = spec->y_origin - y;
            if ((rc = zf_track_push(tr, t, x, y)) != ZF_OK)
                goto done;
            row++;
            continue;
        }
        const char *ft = has_time ? zf_csv_field(c, ct) : NULL;
        const char *fx = zf_csv_field(c, cx), *fy = zf_csv_field(c, cy);
        if (!fx || !fy || (has_time && !ft)) {
            rc = zf_error(ZF_EPARSE, "'%s':%zu: expected at least %zu fields, got %zu",
                          path, zf_csv_line(c), (has_time && ct > cx ? ct : (cx > cy ? cx : cy)) + 1, nf);
            goto done;
        }
        if (has_time) {
            int k = zf_parse_number(ft, &t);
            if (k == ZF_NUM_BAD) {
                rc = bad_number(c, ct, spec->col_time, ft);
                goto done;
            }
            if (k == ZF_NUM_MISSING) {
                rc = zf_error(ZF_EPARSE, "'%s':%zu: column %zu '%s': expected a time in seconds, got \"%s\"",
                              path, zf_csv_line(c), ct + 1, spec->col_time, ZF_EXCERPT(ft));
                goto done;
            }
            if ((rc = time_order(c, ct, spec->col_time, t, &last_t)) != ZF_OK)
                goto done;
        } else {
            t = (double)row / spec->fps;
        }
        if (zf_parse_number(fx, &x) == ZF_NUM_BAD) {
            rc = bad_number(c, cx, spec->col_x, fx);
            goto done;
        }
        if (zf_parse_number(fy, &y) == ZF_NUM_BAD) {
            rc = bad_number(c, cy, spec->col_y, fy);
            goto done;
        }
        if (isnan(x) || isnan(y))
            x = y = NAN; /* a half-known position is a missing position */
        x *= scale;
        y *= scale;
        if (spec->y_down)
            y = spec->y_origin - y;
        if ((rc = zf_track_push(tr, t, x, y)) != ZF_OK)
            goto done;
        row++;
    }
    if (rc < 0)
        goto done;
    if (tr->n < 2) {
        rc = zf_error(ZF_EDATA, "'%s': empty track: expected at least 2 samples, got %zu", path, tr->n);
        goto done;
    }
    if (zf_track_all_missing(tr)) {
        rc = zf_error(ZF_EDATA, "'%s': every position is missing: expected at least one tracked sample", path);
        goto done;
    }
    rc = ZF_OK;
done:
    if (slot != slot_buf)
        free(slot);
    zf_csv_close(c);
    if (rc != ZF_OK)
        zf_track_free(tr);
    return rc;
}
