/* reader_toxtrac.c: ToxTrac Tracking_RealSpace_<n>.txt (s, mm) and headerless Tracking_<n>.txt (frames, px), one track per arena on a frame grid. */
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

/* ToxTrac writes one row per detection: absent rows are frames where the
 * animal was not found, and one animal may be split into several Track ids.
 * So each arena becomes one track on a regular frame grid (fps from the study,
 * else from the time column): frames without a row are NaN gaps, all Track
 * ids of the arena are merged (one fish per arena), and where two rows fall on
 * the same frame the first in the file is kept (counted in the provenance).
 * Label: 0 predicted, 1 confirmed, 2 occluded are kept as positions (zf_track
 * has no per-sample flag); 3 (mirror image) becomes missing.
 * RealSpace times may be rounded so that timestamps repeat: a track's rows
 * are consecutive detections, so a row whose rounded time maps to the frame
 * of the track's previous row is moved to the next frame.
 * Both files use image orientation (y grows downwards). */

#define MAX_GRID 50000000UL /* frames per arena: a guard against a wrong fps */

typedef struct {
    double t, x, y;
    long frame, arena, track;
    int label;
} tt_row;

/* Split line on runs of blanks (the headerless files may be space-separated). */
static size_t ws_split(const char *s, char *buf, size_t cap, const char **f, size_t maxf)
{
    size_t nf = 0, o = 0;
    while (*s && nf < maxf) {
        while (*s == ' ' || *s == '\t')
            s++;
        if (!*s)
            break;
        if (o >= cap)
            break;
        f[nf++] = buf + o;
        while (*s && *s != ' ' && *s != '\t' && o + 1 < cap)
            buf[o++] = *s++;
        while (*s && *s != ' ' && *s != '\t')
            s++;
        buf[o++] = '\0';
    }
    return nf;
}

/* Name equality ignoring a trailing "(unit)". */
static int base_eq(const char *name, const char *want)
{
    char b[128];
    size_t len = strcspn(name, "([");
    if (len >= sizeof b)
        return 0;
    memcpy(b, name, len);
    b[len] = '\0';
    return zf_tx_name_eq(b, want);
}

static long find_base(const char *const *f, size_t nf, const char *a, const char *b)
{
    for (size_t i = 0; i < nf; i++)
        if (base_eq(f[i], a))
            return (long)i;
    for (size_t i = 0; b && i < nf; i++)
        if (base_eq(f[i], b))
            return (long)i;
    return -1;
}

/* 1 when the fields look like a headerless row "Frame Arena Track X Y Label". */
static int pixel_row(const char *const *f, size_t nf)
{
    long v;
    double d;
    if (nf != 6)
        return 0;
    for (size_t i = 0; i < 3; i++)
        if (!zf_tx_parse_int(f[i], &v) || v < 0)
            return 0;
    if (zf_parse_number(f[3], &d) == ZF_NUM_BAD || zf_parse_number(f[4], &d) == ZF_NUM_BAD)
        return 0;
    return zf_tx_parse_int(f[5], &v) && v >= 0 && v <= 3;
}

int zf_sniff_toxtrac(const char *path, const unsigned char *head, size_t n)
{
    size_t len = 0, pos = 0, s, l, lines = 0, good = 0;
    int score = 0;
    char buf[1024], one[1024];
    const char *f[32];
    char *text = zf_tx_head_text(head, n, &len);
    if (!text)
        return 0;
    while (lines < 20 && zf_tx_next_line(text, len, &pos, &s, &l)) {
        size_t nf;
        if (l == 0)
            continue;
        if (strchr("\t;,", zf_tx_guess_delim(text + s, l)) && memchr(text + s, '\t', l))
            nf = zf_tx_split(text + s, l, '\t', buf, sizeof buf, f, 32);
        else {
            size_t k = l < sizeof one - 1 ? l : sizeof one - 1;
            memcpy(one, text + s, k);
            one[k] = '\0';
            nf = ws_split(one, buf, sizeof buf, f, 32);
        }
        if (lines++ == 0 && find_base(f, nf, "Arena", NULL) >= 0 && find_base(f, nf, "Track", NULL) >= 0 &&
            find_base(f, nf, "Pos X", NULL) >= 0 && find_base(f, nf, "Pos Y", NULL) >= 0) {
            score = 90;
            break;
        }
        if (!pixel_row(f, nf))
            break;
        good++;
    }
    if (!score && good >= 2 && good == lines)
        score = zf_tx_name_has(path, "tracking_") && !zf_tx_name_has(path, "realspace") ? 70 : 35;
    free(text);
    return score;
}

static int cmp_long(const void *a, const void *b)
{
    long x = *(const long *)a, y = *(const long *)b;
    return (x > y) - (x < y);
}

/* A row of one arena, sorted by (track, file order). */
typedef struct {
    long track;
    size_t i;
} tt_key;

static int cmp_key(const void *a, const void *b)
{
    const tt_key *x = a, *y = b;
    if (x->track != y->track)
        return (x->track > y->track) - (x->track < y->track);
    return (x->i > y->i) - (x->i < y->i);
}

/* Build and emit the track of one arena. */
static int emit_arena(const char *path, const zf_read_opts *o, tt_row *rows, size_t nrows, long arena,
                      int realspace, int units, zf_track_sink sink, void *ctx)
{
    int rc = ZF_OK;
    tt_key *idx = NULL;
    size_t m = 0, ntracks = 0, overlaps = 0, mirrors = 0, filled = 0;
    double *steps = NULL, fps = o->fps, tmin = INFINITY;
    unsigned char *occ = NULL;
    long fmin = 0, fmax = 0;
    zf_track tr;
    zf_track_info info;
    zf_track_init(&tr);
    zf_track_info_init(&info);

    if (!(idx = malloc(nrows * sizeof *idx)) || !(steps = malloc(nrows * sizeof *steps))) {
        rc = zf_error(ZF_ENOMEM, "out of memory");
        goto done;
    }
    for (size_t i = 0; i < nrows; i++)
        if (rows[i].arena == arena) {
            idx[m].track = rows[i].track;
            idx[m++].i = i;
            if (rows[i].t < tmin)
                tmin = rows[i].t;
        }
    qsort(idx, m, sizeof *idx, cmp_key);
    for (size_t k = 0; k < m; k++)
        ntracks += k == 0 || rows[idx[k].i].track != rows[idx[k - 1].i].track;
    if (!(fps > 0)) {
        if (!realspace) {
            rc = zf_error(ZF_EINVAL, "'%s': frame numbers without times (Tracking_<n>.txt): expected fps (frame rate) in the study", path);
            goto done;
        }
        size_t ns = 0;
        for (size_t k = 1; k < m; k++)
            if (rows[idx[k].i].track == rows[idx[k - 1].i].track)
                steps[ns++] = rows[idx[k].i].t - rows[idx[k - 1].i].t;
        if ((rc = zf_tx_fps_from_steps(steps, ns, &fps)) != ZF_OK)
            goto done;
        if (!(fps > 0)) {
            rc = zf_error(ZF_EDATA, "'%s': arena %ld: cannot derive the frame rate from the time column: expected fps in the study", path, arena);
            goto done;
        }
    }
    if (realspace)
        for (size_t k = 0; k < m; k++) {
            tt_row *r = &rows[idx[k].i];
            double fr = floor((r->t - tmin) * fps + 0.5);
            if (!(fr <= (double)MAX_GRID)) {
                rc = zf_error(ZF_EDATA, "'%s': arena %ld: time %g s is more than %lu frames after the first at %g fps: check the times and the frame rate",
                              path, arena, r->t, MAX_GRID, fps);
                goto done;
            }
            r->frame = (long)fr;
            if (k > 0 && rows[idx[k - 1].i].track == r->track && r->frame <= rows[idx[k - 1].i].frame)
                r->frame = rows[idx[k - 1].i].frame + 1;
        }
    for (size_t k = 0; k < m; k++) {
        long f = rows[idx[k].i].frame;
        if (k == 0 || f < fmin)
            fmin = f;
        if (k == 0 || f > fmax)
            fmax = f;
    }
    size_t n = (size_t)(fmax - fmin) + 1;
    if (n > MAX_GRID) {
        rc = zf_error(ZF_EDATA, "'%s': arena %ld: %zu frames at %g fps: check the frame rate", path, arena, n, fps);
        goto done;
    }
    if (!(occ = calloc(n, 1))) {
        rc = zf_error(ZF_ENOMEM, "out of memory");
        goto done;
    }
    for (size_t i = 0; i < n; i++) {
        double t = realspace ? tmin + (double)((long)i + fmin) / fps : (double)((long)i + fmin) / fps;
        if ((rc = zf_track_push(&tr, t, NAN, NAN)) != ZF_OK)
            goto done;
    }
    for (size_t i = 0; i < nrows; i++) { /* file order: the first row of a frame wins */
        if (rows[i].arena != arena)
            continue;
        size_t f = (size_t)(rows[i].frame - fmin);
        if (rows[i].label == 3) {
            mirrors++;
            continue;
        }
        if (occ[f]) {
            overlaps++;
            continue;
        }
        occ[f] = 1;
        filled++;
        tr.x[f] = rows[i].x;
        tr.y[f] = rows[i].y;
        if (isnan(tr.x[f]) || isnan(tr.y[f]))
            tr.x[f] = tr.y[f] = NAN;
    }
    info.fps = fps;
    if ((rc = zf_track_calibrate(path, &tr, o, units, 1, &info)) != ZF_OK)
        goto done;
    snprintf(info.arena, sizeof info.arena, "%ld", arena);
    zf_tx_note(&info, "ToxTrac %s on a %g fps grid, %zu frames without a row are gaps", realspace ? "real-space" : "pixel",
               fps, n - filled);
    if (ntracks > 1)
        zf_tx_note(&info, "%zu track fragments merged (%zu rows on an occupied frame dropped)", ntracks, overlaps);
    if (mirrors)
        zf_tx_note(&info, "%zu mirror (label 3) rows missing", mirrors);
    rc = sink(ctx, &tr, &info);
done:
    free(idx);
    free(steps);
    free(occ);
    zf_track_free(&tr);
    return rc;
}

int zf_read_toxtrac(const char *path, const zf_read_opts *o, zf_track_sink sink, void *ctx)
{
    int rc = ZF_OK, r, realspace = 0, units = ZF_UNITS_AUTO;
    zf_csv *c = NULL;
    tt_row *rows = NULL;
    long *arenas = NULL, want = -1;
    char **names = NULL;
    size_t nrows = 0, cap = 0, nf = 0, ncol = 0, narenas = 0, emitted = 0;
    long col[6] = {0, 1, 2, 3, 4, 5}; /* time/frame, arena, track, x, y, label */
    char buf[1024];
    const char *f[32];

    if (o->arena && !zf_tx_parse_int(o->arena, &want)) {
        rc = zf_error(ZF_EINVAL, "'%s': arena '%s': ToxTrac arenas are numbers", path, o->arena);
        goto done;
    }
    if ((rc = zf_csv_open(path, '\t', &c)) != ZF_OK)
        goto done;
    while ((r = zf_csv_next(c, &nf)) == 1) {
        size_t line = zf_csv_line(c), k;
        if (nf == 1)
            k = ws_split(zf_csv_field(c, 0), buf, sizeof buf, f, 32);
        else
            for (k = 0; k < nf && k < 32; k++)
                f[k] = zf_csv_field(c, k);
        if (k == 0)
            continue; /* nothing but blanks (or a NUL byte) on the line */
        if (nrows == 0 && !names && !pixel_row(f, k)) {
            double d;
            if (zf_parse_number(f[0], &d) != ZF_NUM_BAD) {
                rc = zf_error(ZF_EPARSE, "'%s':%zu: expected 6 fields 'Frame Arena Track X Y Label' or a header row", path, line);
                goto done;
            }
            if (!(names = calloc(k, sizeof *names))) {
                rc = zf_error(ZF_ENOMEM, "out of memory");
                goto done;
            }
            for (ncol = 0; ncol < k; ncol++)
                if (!(names[ncol] = zf_strdup(f[ncol]))) {
                    rc = ZF_ENOMEM;
                    goto done;
                }
            const char *const *cn = (const char *const *)names;
            col[0] = find_base(cn, ncol, "Time", "Time sec");
            col[1] = find_base(cn, ncol, "Arena", NULL);
            col[2] = find_base(cn, ncol, "Track", NULL);
            col[3] = find_base(cn, ncol, "Pos X", "X");
            col[4] = find_base(cn, ncol, "Pos Y", "Y");
            col[5] = find_base(cn, ncol, "Label", NULL);
            if (col[0] < 0 || col[3] < 0 || col[4] < 0) {
                char have[512];
                zf_tx_list_fields(cn, ncol, have, sizeof have);
                rc = zf_error(ZF_EPARSE, "'%s':%zu: %s: expected 'Time (sec)', 'Pos. X (mm)', 'Pos. Y (mm)'; found %s", path,
                              line, col[0] < 0 ? "no time column" : "no position columns", have);
                goto done;
            }
            units = zf_tx_units_in(names[col[3]]);
            realspace = 1;
            continue;
        }
        if (nrows == cap) {
            size_t nc = cap ? cap * 2 : 4096;
            tt_row *bigger = realloc(rows, nc * sizeof *rows);
            if (!bigger) {
                rc = zf_error(ZF_ENOMEM, "out of memory");
                goto done;
            }
            rows = bigger;
            cap = nc;
        }
        tt_row *row = &rows[nrows];
        static const char *const role[6] = {"Time (sec)", "Arena", "Track", "X", "Y", "Label"};
        double v[6] = {0, 1, 0, NAN, NAN, 0};
        for (size_t j = 0; j < 6; j++) {
            if (col[j] < 0)
                continue; /* no Arena / Track / Label column: one arena, one track, label 0 */
            const char *cell = (size_t)col[j] < k ? f[col[j]] : "";
            const char *cname = names ? names[col[j]] : role[j];
            int kind = j == 0 && realspace ? zf_tx_parse_time(cell, o, &v[j]) : zf_tx_parse_num(cell, o, &v[j]);
            if (kind == ZF_NUM_BAD) {
                rc = zf_tx_bad_number(path, line, cname, cell, o);
                goto done;
            }
            if (kind == ZF_NUM_MISSING && j != 3 && j != 4) {
                rc = zf_error(ZF_EPARSE, "'%s':%zu: column '%s': expected a number, got an empty cell", path, line, cname);
                goto done;
            }
            if ((j == 1 || j == 2 || j == 5 || (j == 0 && !realspace)) && (v[j] != floor(v[j]) || fabs(v[j]) > 1e12)) {
                rc = zf_error(ZF_EPARSE, "'%s':%zu: column '%s': expected a whole number, got \"%s\"", path, line, cname,
                              ZF_EXCERPT(cell));
                goto done;
            }
            /* ToxTrac labels are 0..3; anything far outside would not even fit the int it is kept in */
            if (j == 5 && fabs(v[j]) > 1e6) {
                rc = zf_error(ZF_EPARSE, "'%s':%zu: column '%s': expected a label from 0 to 3, got \"%s\"", path, line, cname,
                              ZF_EXCERPT(cell));
                goto done;
            }
        }
        row->t = realspace ? v[0] : NAN;
        row->frame = realspace ? 0 : (long)v[0];
        row->arena = (long)v[1];
        row->track = (long)v[2];
        row->x = v[3];
        row->y = v[4];
        row->label = (int)v[5];
        nrows++;
    }
    if (r < 0) {
        rc = r;
        goto done;
    }
    if (nrows == 0) {
        rc = zf_error(ZF_EDATA, "'%s': no rows%s", path, names ? " after the header" : "");
        goto done;
    }
    if (!realspace)
        units = ZF_UNITS_PX; /* Tracking_<n>.txt: image pixels */
    if (!(arenas = malloc(nrows * sizeof *arenas))) {
        rc = zf_error(ZF_ENOMEM, "out of memory");
        goto done;
    }
    for (size_t i = 0; i < nrows; i++)
        arenas[i] = rows[i].arena;
    qsort(arenas, nrows, sizeof *arenas, cmp_long);
    for (size_t i = 0; i < nrows; i++)
        if (i == 0 || arenas[i] != arenas[narenas - 1])
            arenas[narenas++] = arenas[i];
    for (size_t a = 0; a < narenas; a++) {
        if (o->arena && arenas[a] != want)
            continue;
        if ((rc = emit_arena(path, o, rows, nrows, arenas[a], realspace, units, sink, ctx)) != ZF_OK)
            goto done;
        emitted++;
    }
    if (emitted == 0) {
        char have[256];
        size_t k = 0;
        have[0] = '\0';
        for (size_t a = 0; a < narenas && k < sizeof have; a++) {
            int w = snprintf(have + k, sizeof have - k, "%s%ld", a ? ", " : "", arenas[a]);
            if (w < 0)
                break;
            k += (size_t)w;
        }
        rc = zf_error(ZF_EDATA, "'%s': no arena '%s'; the file has arenas %s", path, o->arena ? o->arena : "", have);
    }
done:
    zf_csv_close(c);
    zf_tx_strv_free(names, ncol);
    free(rows);
    free(arenas);
    return rc;
}
