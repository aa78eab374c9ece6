/* reader_trex.c: TRex per-individual CSV exports (frame, X#wcentroid (cm) ..., time, missing), image y down. */
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

/* One file per individual ("..._fish<N>.csv" or "..._id<N>.csv": N becomes
 * info.individual). A leading "frame" column; positions from the first pair
 * found of X#wcentroid, X#pcentroid, X#centroid, X (with Y alike), in the
 * unit of the column name ("(cm)", "(px)"; none stated: px). TRex writes
 * "cm" even when no calibration was set (then the numbers are pixels): the
 * study's units override. Time from "time" (s), else frame / fps.
 * "missing" = 1 and "inf" cells are untracked frames (NaN). y grows downwards. */

static const char *const bases[] = {"#wcentroid", "#pcentroid", "#centroid", "", NULL};

/* Column of axis ('X' or 'Y') with the given suffix before an optional
 * " (unit)", or -1. */
static long find_axis(const char *const *f, size_t nf, char axis, const char *suffix)
{
    char want[64], have[128];
    snprintf(want, sizeof want, "%c%s", axis, suffix);
    for (size_t i = 0; i < nf; i++) {
        size_t len = strcspn(f[i], "([");
        if (len >= sizeof have)
            continue;
        memcpy(have, f[i], len);
        have[len] = '\0';
        if (zf_tx_name_eq(have, want))
            return (long)i;
    }
    return -1;
}

/* The preferred position pair; index into bases in *which, -1 when none. */
static void find_pair(const char *const *f, size_t nf, long *cx, long *cy, int *which)
{
    *cx = *cy = -1;
    *which = -1;
    for (int b = 0; bases[b]; b++) {
        long x = find_axis(f, nf, 'X', bases[b]), y = find_axis(f, nf, 'Y', bases[b]);
        if (x >= 0 && y >= 0) {
            *cx = x;
            *cy = y;
            *which = b;
            return;
        }
    }
}

int zf_sniff_trex(const char *path, const unsigned char *head, size_t n)
{
    size_t len = 0, pos = 0, s, l;
    int score = 0;
    char buf[8192];
    const char *f[512];
    char *text = zf_tx_head_text(head, n, &len);
    if (!text)
        return 0;
    if (zf_tx_next_line(text, len, &pos, &s, &l)) {
        size_t nf = zf_tx_split(text + s, l, zf_tx_guess_delim(text + s, l), buf, sizeof buf, f, 512);
        if (nf >= 2 && zf_tx_name_eq(f[0], "frame")) {
            int centroid = 0, unit_xy = 0;
            for (size_t i = 1; i < nf; i++)
                centroid |= strstr(f[i], "centroid") != NULL && strchr(f[i], '#') != NULL;
            unit_xy = find_axis(f, nf, 'X', "") >= 0 && zf_tx_units_in(f[find_axis(f, nf, 'X', "")]) != ZF_UNITS_AUTO;
            if (centroid)
                score = 85;
            else if (unit_xy)
                score = 60;
            if (score && (zf_tx_name_has(path, "_fish") || zf_tx_name_has(path, "_id")))
                score += 5;
        }
    }
    free(text);
    return score;
}

/* N of "..._fish<N>" or "..._id<N>" in the base name of path into out ("" when none). */
static void individual_from_name(const char *path, char *out, size_t cap)
{
    const char *base = strrchr(path, '/');
    base = base ? base + 1 : path;
    out[0] = '\0';
    for (const char *p = base; *p; p++) {
        static const char *const tags[] = {"_fish", "_id"};
        for (size_t t = 0; t < 2; t++) {
            size_t tl = strlen(tags[t]), k = 0;
            while (k < tl && p[k] && (p[k] >= 'A' && p[k] <= 'Z' ? (char)(p[k] - 'A' + 'a') : p[k]) == tags[t][k])
                k++;
            if (k < tl || !(p[tl] >= '0' && p[tl] <= '9'))
                continue;
            size_t d = 0;
            while (p[tl + d] >= '0' && p[tl + d] <= '9' && d + 1 < cap)
                d++;
            memcpy(out, p + tl, d);
            out[d] = '\0'; /* the last match wins */
        }
    }
}

int zf_read_trex(const char *path, const zf_read_opts *o, zf_track_sink sink, void *ctx)
{
    int rc = ZF_OK, r, which = -1, units;
    zf_csv *c = NULL;
    char **names = NULL;
    size_t ncol = 0, nf = 0, rows = 0, untracked = 0, skipped = 0;
    long cx, cy, ct, cf, cm;
    zf_track tr;
    zf_track_info info;
    zf_track_init(&tr);
    zf_track_info_init(&info);

    if ((rc = zf_tx_open_header(path, "a header row starting with 'frame'", &c, &names, &ncol)) != ZF_OK)
        goto done;
    {
        const char *const *cn = (const char *const *)names;
        static const char *const t_names[] = {"time", NULL}, *const f_names[] = {"frame", NULL},
                                 *const m_names[] = {"missing", NULL};
        find_pair(cn, ncol, &cx, &cy, &which);
        ct = zf_tx_find_col(cn, ncol, t_names);
        cf = zf_tx_find_col(cn, ncol, f_names);
        cm = zf_tx_find_col(cn, ncol, m_names);
        if (which < 0) {
            char have[512];
            zf_tx_list_fields(cn, ncol, have, sizeof have);
            rc = zf_error(ZF_EPARSE, "'%s':%zu: no position columns: expected X/Y#wcentroid, #pcentroid, #centroid or plain X/Y (with Y as well as X); found %s",
                          path, zf_csv_line(c), have);
            goto done;
        }
        if (ct < 0 && !(o->fps > 0)) {
            rc = zf_error(ZF_EINVAL, "'%s':%zu: no 'time' column: expected fps (frame rate) in the study", path, zf_csv_line(c));
            goto done;
        }
    }
    units = zf_tx_units_in(names[cx]);
    if (units == ZF_UNITS_AUTO)
        units = ZF_UNITS_PX;
    while ((r = zf_csv_next(c, &nf)) == 1) {
        size_t line = zf_csv_line(c);
        double t, x, y, v;
        rows++;
        if (ct >= 0) {
            const char *ft = zf_tx_cell(c, nf, ct);
            int k = zf_tx_parse_num(ft, o, &t);
            if (k == ZF_NUM_BAD) {
                rc = zf_tx_bad_number(path, line, names[ct], ft, o);
                goto done;
            }
            if (k == ZF_NUM_MISSING) {
                skipped++; /* TRex has no time for this row: it cannot be placed */
                continue;
            }
        } else {
            long frame = (long)rows - 1;
            const char *ff = cf >= 0 && (size_t)cf < nf ? zf_csv_field(c, (size_t)cf) : NULL;
            if (ff && !zf_tx_parse_int(ff, &frame)) {
                rc = zf_error(ZF_EPARSE, "'%s':%zu: column '%s': expected a frame number, got \"%s\"", path, line, names[cf], ZF_EXCERPT(ff));
                goto done;
            }
            t = (double)frame / o->fps;
        }
        const char *fx = zf_tx_cell(c, nf, cx);
        const char *fy = zf_tx_cell(c, nf, cy);
        if ((rc = zf_tx_parse_xy(path, line, names[cx], fx, names[cy], fy, o, &x, &y)) != ZF_OK)
            goto done;
        if (cm >= 0 && (size_t)cm < nf && zf_parse_number(zf_csv_field(c, (size_t)cm), &v) == ZF_NUM_OK && v != 0)
            x = y = NAN;
        if (isnan(x) || isnan(y)) {
            x = y = NAN;
            untracked++;
        }
        if ((rc = zf_track_push(&tr, t, x, y)) != ZF_OK)
            goto done;
    }
    if (r < 0) {
        rc = r;
        goto done;
    }
    if (tr.n == 0) {
        rc = zf_error(ZF_EDATA, "'%s': no samples after the header", path);
        goto done;
    }
    if ((rc = zf_tx_track_fps(tr.t, tr.n, ct >= 0, o->fps, &info.fps)) != ZF_OK)
        goto done;
    if ((rc = zf_track_calibrate(path, &tr, o, units, 1, &info)) != ZF_OK)
        goto done;
    individual_from_name(path, info.individual, sizeof info.individual);
    zf_tx_note(&info, "TRex columns '%s'/'%s'%s; %zu untracked frames", names[cx], names[cy],
               ct >= 0 ? "" : ", time = frame / fps", untracked);
    if (skipped)
        zf_tx_note(&info, "%zu rows without a time skipped", skipped);
    rc = sink(ctx, &tr, &info);
done:
    zf_csv_close(c);
    zf_tx_strv_free(names, ncol);
    zf_track_free(&tr);
    return rc;
}
