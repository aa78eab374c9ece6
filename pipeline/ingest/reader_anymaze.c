/* reader_anymaze.c: ANY-maze test-data CSV exports (Time in s or h:mm:ss.sss, centre position in mm/cm/px). */
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

/* One header row, then one row per reported time. The time is seconds or a
 * clock "0:00:01.234"; positions are "Centre position X/Y" (also "Center",
 * "Position X", plain "X"), in mm unless the column name states "(cm)" or
 * "(px)". ANY-maze puts y = 0 at the bottom (y up) for calibrated units;
 * pixel positions are image coordinates (y down). Empty, "-" and "#N/A"
 * cells are missing. One track per file. */

static const char *const x_names[] = {"Centre position X", "Center position X", "Animal position X", "Position X", "X", NULL};
static const char *const y_names[] = {"Centre position Y", "Center position Y", "Animal position Y", "Position Y", "Y", NULL};
static const char *const t_names[] = {"Time", "Test time", "Time s", NULL};
static const char *const strong_x[] = {"Centre position X", "Center position X", "Animal position X", NULL};

/* Column names without a trailing "(unit)" / "[unit]" for matching. */
static void base_names(const char *const *in, size_t n, char *buf, size_t cap, const char **out)
{
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        const char *s = in[i];
        size_t len = strcspn(s, "([");
        if (k + len + 1 > cap) {
            out[i] = "";
            continue;
        }
        memcpy(buf + k, s, len);
        buf[k + len] = '\0';
        out[i] = buf + k;
        k += len + 1;
    }
}

int zf_sniff_anymaze(const char *path, const unsigned char *head, size_t n)
{
    size_t len = 0, pos = 0, s, l;
    int score = 0;
    char buf[2048], bbuf[2048], buf2[256];
    const char *f[128], *b[128], *g[4];
    (void)path;
    char *text = zf_tx_head_text(head, n, &len);
    if (!text)
        return 0;
    if (zf_tx_next_line(text, len, &pos, &s, &l)) {
        char delim = zf_tx_guess_delim(text + s, l);
        size_t nf = zf_tx_split(text + s, l, delim, buf, sizeof buf, f, 128);
        base_names(f, nf, bbuf, sizeof bbuf, b);
        if (zf_tx_find_col(b, nf, strong_x) >= 0)
            score = 85;
        else if (nf >= 3 && zf_tx_name_eq(b[0], "Time") && zf_tx_find_col(b, nf, x_names) >= 0 &&
                 zf_tx_find_col(b, nf, y_names) >= 0 && zf_tx_next_line(text, len, &pos, &s, &l)) {
            double t;
            size_t k = zf_tx_split(text + s, l, delim, buf2, sizeof buf2, g, 1);
            if (k == 1 && strchr(g[0], ':') && zf_tx_parse_time(g[0], NULL, &t) == ZF_NUM_OK)
                score = 45; /* Time,X,Y with clock times */
        }
    }
    free(text);
    return score;
}

int zf_read_anymaze(const char *path, const zf_read_opts *o, zf_track_sink sink, void *ctx)
{
    int rc = ZF_OK, r;
    zf_csv *c = NULL;
    char **names = NULL, *bbuf = NULL;
    const char **bases = NULL;
    size_t ncol = 0, nf = 0, blen = 0;
    long ct, cx, cy;
    int units = ZF_UNITS_AUTO, clock = 0;
    zf_track tr;
    zf_track_info info;
    zf_track_init(&tr);
    zf_track_info_init(&info);

    if ((rc = zf_tx_open_header(path, "a header row", &c, &names, &ncol)) != ZF_OK)
        goto done;
    for (size_t i = 0; i < ncol; i++)
        blen += strlen(names[i]) + 1;
    if (!(bbuf = malloc(blen + 1)) || !(bases = calloc(ncol ? ncol : 1, sizeof *bases))) {
        rc = zf_error(ZF_ENOMEM, "out of memory");
        goto done;
    }
    base_names((const char *const *)names, ncol, bbuf, blen + 1, bases);
    cx = zf_tx_find_col(bases, ncol, x_names);
    cy = zf_tx_find_col(bases, ncol, y_names);
    ct = zf_tx_find_col(bases, ncol, t_names);
    if (cx < 0 || cy < 0 || ct < 0) {
        char have[512];
        zf_tx_list_fields((const char *const *)names, ncol, have, sizeof have);
        rc = zf_error(ZF_EPARSE, "'%s':%zu: %s: expected 'Time', 'Centre position X' and 'Centre position Y' (or 'X', 'Y'); found %s",
                      path, zf_csv_line(c), ct < 0 ? "no time column" : "no position columns", have);
        goto done;
    }
    units = zf_tx_units_in(names[cx]);
    if (units == ZF_UNITS_AUTO)
        units = zf_tx_units_in(names[cy]);
    while ((r = zf_csv_next(c, &nf)) == 1) {
        size_t line = zf_csv_line(c);
        const char *ft = zf_tx_cell(c, nf, ct);
        const char *fx = zf_tx_cell(c, nf, cx);
        const char *fy = zf_tx_cell(c, nf, cy);
        double t, x, y;
        int kt = zf_tx_parse_time(ft, o, &t);
        if (kt == ZF_NUM_BAD) {
            rc = zf_tx_bad_number(path, line, names[ct], ft, o);
            goto done;
        }
        if (kt == ZF_NUM_MISSING) {
            rc = zf_error(ZF_EPARSE, "'%s':%zu: column '%s': expected a time, got an empty cell", path, line, names[ct]);
            goto done;
        }
        clock |= strchr(ft, ':') != NULL;
        if ((rc = zf_tx_parse_xy(path, line, names[cx], fx, names[cy], fy, o, &x, &y)) != ZF_OK)
            goto done;
        if ((rc = zf_track_push(&tr, t, x, y)) != ZF_OK)
            goto done;
    }
    if (r < 0) {
        rc = r;
        goto done;
    }
    if (tr.n == 0) {
        rc = zf_error(ZF_EDATA, "'%s': no samples after the header row", path);
        goto done;
    }
    if ((rc = zf_tx_track_fps(tr.t, tr.n, 1, o->fps, &info.fps)) != ZF_OK)
        goto done;
    if ((rc = zf_track_calibrate(path, &tr, o, units, units == ZF_UNITS_PX, &info)) != ZF_OK)
        goto done;
    zf_tx_note(&info, "ANY-maze export%s", clock ? ", clock times (h:mm:ss) read as seconds" : "");
    rc = sink(ctx, &tr, &info);
done:
    zf_csv_close(c);
    zf_tx_strv_free(names, ncol);
    free(bbuf);
    free(bases);
    zf_track_free(&tr);
    return rc;
}
