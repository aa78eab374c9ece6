/* reader_ethovision.c: EthoVision XT text exports (header-count block, UTF-16 or 8-bit), legacy 3.x CSV and R re-saved tracks. */
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

/* Layouts handled, all one track per file, y up (EthoVision's own convention):
 *  - XT: line 1 is "<label>";"N" (label "Number of header lines:", older
 *    "Header Lines:", or localised); lines 2..N-2 are key/value metadata, line
 *    N-1 the column names, line N the units; data from line N+1.
 *  - legacy 3.x: key,value lines, then a "Sample no.,Time,X,Y,..." row, no units.
 *  - R re-saved: a single header row ("Trial.time","X.center","Y.center").
 * Positions are in the unit of the units row (cm, mm, px); without one the
 * file states none (mm unless the study says otherwise). "-" is missing. */

static const char *const x_names[] = {"X center", "X centre", "X", NULL};
static const char *const y_names[] = {"Y center", "Y centre", "Y", NULL};
static const char *const t_names[] = {"Trial time", "Recording time", "Time", NULL};

#define MAX_SCAN_ROWS 1000 /* legacy layouts: rows searched for the column names */

/* 1 when line 1 (fields f[0..nf)) is the XT header-count line; N in *nheader. */
static int header_count_line(const char *const *f, size_t nf, long *nheader)
{
    double d;
    long v;
    if (nf < 2 || !f[0][0] || zf_parse_number(f[0], &d) != ZF_NUM_BAD)
        return 0;
    for (size_t i = 2; i < nf; i++)
        if (f[i][0])
            return 0;
    if (!zf_tx_parse_int(f[1], &v) || v < 3 || v > 1000000)
        return 0;
    *nheader = v;
    return 1;
}

int zf_sniff_ethovision(const char *path, const unsigned char *head, size_t n)
{
    size_t len = 0, pos = 0, s, l, rows = 0;
    int score = 0;
    char buf[1024];
    const char *f[64];
    (void)path;
    char *text = zf_tx_head_text(head, n, &len);
    if (!text)
        return 0;
    while (score == 0 && rows < MAX_SCAN_ROWS && zf_tx_next_line(text, len, &pos, &s, &l)) {
        char delim = zf_tx_guess_delim(text + s, l);
        size_t nf = zf_tx_split(text + s, l, delim, buf, sizeof buf, f, 64);
        long nh;
        if (rows++ == 0 && header_count_line(f, nf, &nh)) {
            score = zf_tx_name_has(f[0], "header") ? 90 : 60;
            /* when the head reaches it, line N-1 must name at least time, x and y */
            for (long line = 2; line < nh && zf_tx_next_line(text, len, &pos, &s, &l); line++)
                if (line == nh - 1 && zf_tx_split(text + s, l, delim, buf, sizeof buf, f, 64) < 3)
                    score = 0;
            break;
        }
        static const char *const sample_no[] = {"Sample no", NULL};
        static const char *const xc[] = {"X center", "X centre", NULL};
        static const char *const yc[] = {"Y center", "Y centre", NULL};
        static const char *const xy_x[] = {"X", NULL};
        static const char *const xy_y[] = {"Y", NULL};
        if (zf_tx_find_col(f, nf, sample_no) >= 0 && zf_tx_find_col(f, nf, xy_x) >= 0 && zf_tx_find_col(f, nf, xy_y) >= 0)
            score = 80;
        else if (zf_tx_find_col(f, nf, xc) >= 0 && zf_tx_find_col(f, nf, yc) >= 0)
            score = 75;
    }
    free(text);
    return score;
}

static int is_key(const char *key, const char *want)
{
    char k[128];
    size_t n = strlen(key);
    if (n >= sizeof k)
        return 0;
    memcpy(k, key, n + 1);
    while (n && (k[n - 1] == ':' || k[n - 1] == ' '))
        k[--n] = '\0';
    return zf_tx_name_eq(k, want);
}

int zf_read_ethovision(const char *path, const zf_read_opts *o, zf_track_sink sink, void *ctx)
{
    int rc = ZF_OK, r;
    zf_csv *c = NULL;
    char **names = NULL, **widest = NULL;
    size_t ncol = 0, nwidest = 0, widest_line = 0, nf = 0, rows = 0, skipped = 0, last_line = 0;
    long nheader = 0, ct = -1, cx = -1, cy = -1;
    int xt = 0, have_names = 0, units_checked = 0, units = ZF_UNITS_AUTO;
    char subject[64] = "", arena[64] = "";
    zf_track tr;
    zf_track_info info;
    zf_track_init(&tr);
    zf_track_info_init(&info);

    if ((rc = zf_csv_open(path, 0, &c)) != ZF_OK)
        goto done;
    while ((r = zf_csv_next(c, &nf)) == 1) {
        size_t line = zf_csv_line(c);
        const char *f0 = zf_csv_field(c, 0), *f1 = nf > 1 ? zf_csv_field(c, 1) : "";
        last_line = line;
        if (rows++ == 0) {
            const char *fl[3] = {f0, f1, nf > 2 ? zf_csv_field(c, 2) : ""};
            size_t k = nf < 3 ? nf : 3;
            int trailing = 0;
            for (size_t i = 3; i < nf; i++)
                trailing |= zf_csv_field(c, i)[0] != '\0';
            if (!trailing && header_count_line(fl, k, &nheader)) {
                xt = 1;
                continue;
            }
        }
        if (!have_names) {
            int is_names;
            if (xt)
                is_names = (long)line >= nheader - 1;
            else {
                char **row = NULL;
                if ((rc = zf_tx_row_copy(c, nf, &row)) != ZF_OK)
                    goto done;
                is_names = zf_tx_find_col((const char *const *)row, nf, x_names) >= 0 &&
                           zf_tx_find_col((const char *const *)row, nf, y_names) >= 0;
                if (!is_names && nf > nwidest) {
                    zf_tx_strv_free(widest, nwidest);
                    widest = row;
                    nwidest = nf;
                    widest_line = line;
                } else
                    zf_tx_strv_free(row, nf);
            }
            if (!is_names) {
                if (!xt && rows > MAX_SCAN_ROWS)
                    break;
                if (is_key(f0, "Subject") || is_key(f0, "Subject name") || is_key(f0, "Animal"))
                    zf_tx_copy_text(subject, sizeof subject, f1);
                else if (is_key(f0, "Arena name") || is_key(f0, "Arena"))
                    zf_tx_copy_text(arena, sizeof arena, f1);
                continue;
            }
            if ((rc = zf_tx_row_copy(c, nf, &names)) != ZF_OK)
                goto done;
            ncol = nf;
            const char *const *cn = (const char *const *)names;
            cx = zf_tx_find_col(cn, ncol, x_names);
            cy = zf_tx_find_col(cn, ncol, y_names);
            ct = zf_tx_find_col(cn, ncol, t_names);
            if (cx < 0 || cy < 0) {
                char have[512];
                zf_tx_list_fields(cn, ncol, have, sizeof have);
                rc = zf_error(ZF_EPARSE, "'%s':%zu: no position columns: expected 'X center' and 'Y center' (or 'X' and 'Y'); found %s",
                              path, line, have);
                goto done;
            }
            if (ct < 0 && !(o->fps > 0)) {
                char have[512];
                zf_tx_list_fields(cn, ncol, have, sizeof have);
                rc = zf_error(ZF_EPARSE, "'%s':%zu: no time column ('Trial time', 'Recording time' or 'Time') and no fps given; found %s",
                              path, line, have);
                goto done;
            }
            have_names = 1;
            continue;
        }
        const char *ft = zf_tx_cell(c, nf, ct);
        const char *fx = zf_tx_cell(c, nf, cx);
        const char *fy = zf_tx_cell(c, nf, cy);
        double t, x, y;
        if (!units_checked) {
            units_checked = 1;
            int unit_row = xt ? (long)line <= nheader
                              : zf_tx_parse_num(fx, o, &x) == ZF_NUM_BAD && zf_tx_units_in(fx) != ZF_UNITS_AUTO;
            if (unit_row) {
                units = zf_tx_units_in(fx);
                continue;
            }
        }
        int kt = ct >= 0 ? zf_tx_parse_time(ft, o, &t) : ZF_NUM_OK;
        if (kt == ZF_NUM_BAD) {
            rc = zf_tx_bad_number(path, line, names[ct], ft, o);
            goto done;
        }
        if (kt == ZF_NUM_MISSING) {
            skipped++; /* a sample without a time cannot be placed */
            continue;
        }
        if (ct < 0)
            t = (double)tr.n / o->fps;
        if ((rc = zf_tx_parse_xy(path, line, names[cx], fx, names[cy], fy, o, &x, &y)) != ZF_OK)
            goto done;
        if ((rc = zf_track_push(&tr, t, x, y)) != ZF_OK)
            goto done;
    }
    if (r < 0) {
        rc = r;
        goto done;
    }
    if (!have_names) {
        if (xt)
            rc = zf_error(ZF_EPARSE, "'%s':1: the header says %ld header lines but the file ends at line %zu", path,
                          nheader, last_line);
        else {
            char have[512];
            zf_tx_list_fields((const char *const *)widest, nwidest, have, sizeof have);
            rc = zf_error(ZF_EPARSE, "'%s':%zu: no row names the position columns ('X center'/'Y center' or 'X'/'Y'); found %s",
                          path, widest_line ? widest_line : 1, have);
        }
        goto done;
    }
    if (tr.n == 0) {
        rc = zf_error(ZF_EDATA, "'%s': no samples after the column names", path);
        goto done;
    }
    if ((rc = zf_tx_track_fps(tr.t, tr.n, ct >= 0, o->fps, &info.fps)) != ZF_OK)
        goto done;
    if ((rc = zf_track_calibrate(path, &tr, o, units, 0, &info)) != ZF_OK)
        goto done;
    snprintf(info.individual, sizeof info.individual, "%s", subject);
    snprintf(info.arena, sizeof info.arena, "%s", arena);
    zf_tx_note(&info, xt ? "EthoVision XT export" : "EthoVision legacy/re-saved CSV");
    if (ct < 0)
        zf_tx_note(&info, "time from sample index / %g fps", o->fps);
    if (skipped)
        zf_tx_note(&info, "%zu rows without a time skipped", skipped);
    rc = sink(ctx, &tr, &info);
done:
    zf_csv_close(c);
    zf_tx_strv_free(names, ncol);
    zf_tx_strv_free(widest, nwidest);
    zf_track_free(&tr);
    return rc;
}
