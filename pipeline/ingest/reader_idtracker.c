/* reader_idtracker.c: idtracker.ai trajectories.csv (optional seconds, then x1,y1,x2,y2,... in px, image y down), one track per individual. */
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

/* Header "x1,y1,x2,y2,..." optionally preceded by "seconds," (older
 * converters prefixed the header with "# "); one row per frame; "nan" is
 * missing. Without "seconds" the time is frame / fps and the study must give
 * fps. Positions are pixels with y down. Individuals are named "1", "2", ...
 * in column order; o->individual picks one. The whole file is held. */

/* Skip a leading '#' and blanks of the first header field. */
static const char *strip_hash(const char *s)
{
    while (*s == ' ')
        s++;
    if (*s == '#') {
        s++;
        while (*s == ' ')
            s++;
    }
    return s;
}

/* 1 when s is the letter c (either case) followed by the decimal k. */
static int coord_name(const char *s, char c, size_t k)
{
    char want[32];
    while (*s == ' ')
        s++;
    if (*s != c && *s != (char)(c - 'a' + 'A'))
        return 0;
    snprintf(want, sizeof want, "%zu", k);
    size_t n = strlen(want);
    if (strncmp(s + 1, want, n) != 0)
        return 0;
    for (s += 1 + n; *s == ' '; s++)
        ;
    return *s == '\0';
}

/* Number of individuals named by header fields f[0..nf) (field 0 already
 * stripped of '#'), with *has_time set; 0 when it is not this layout. */
static size_t layout(const char *const *f, size_t nf, int *has_time)
{
    size_t off = 0;
    while (nf > 0 && f[nf - 1][0] == '\0')
        nf--; /* trailing delimiters */
    *has_time = nf > 0 && (zf_tx_name_eq(f[0], "seconds") || zf_tx_name_eq(f[0], "time"));
    off = *has_time ? 1 : 0;
    if (nf <= off || (nf - off) % 2)
        return 0;
    for (size_t i = off, k = 1; i < nf; i += 2, k++)
        if (!coord_name(f[i], 'x', k) || !coord_name(f[i + 1], 'y', k))
            return 0;
    return (nf - off) / 2;
}

int zf_sniff_idtracker(const char *path, const unsigned char *head, size_t n)
{
    size_t len = 0, pos = 0, s, l;
    int score = 0, has_time;
    char buf[4096];
    const char *f[512];
    (void)path;
    char *text = zf_tx_head_text(head, n, &len);
    if (!text)
        return 0;
    if (zf_tx_next_line(text, len, &pos, &s, &l)) {
        size_t nf = zf_tx_split(text + s, l, zf_tx_guess_delim(text + s, l), buf, sizeof buf, f, 512);
        if (nf > 0) {
            f[0] = strip_hash(f[0]);
            if (layout(f, nf, &has_time) > 0)
                score = 85;
        }
    }
    free(text);
    return score;
}

int zf_read_idtracker(const char *path, const zf_read_opts *o, zf_track_sink sink, void *ctx)
{
    int rc = ZF_OK, r, has_time = 0;
    zf_csv *c = NULL;
    char **names = NULL;
    zf_track *tracks = NULL;
    size_t ncol = 0, nf = 0, nind = 0, pick = 0, frames = 0;
    double fps = NAN;

    if ((rc = zf_tx_open_header(path, "a header 'x1,y1,x2,y2,...'", &c, &names, &ncol)) != ZF_OK)
        goto done;
    {
        const char **view = malloc(ncol * sizeof *view);
        if (!view) {
            rc = zf_error(ZF_ENOMEM, "out of memory");
            goto done;
        }
        for (size_t i = 0; i < ncol; i++)
            view[i] = i == 0 ? strip_hash(names[0]) : names[i];
        nind = layout(view, ncol, &has_time);
        free(view);
    }
    if (nind == 0) {
        char have[512];
        zf_tx_list_fields((const char *const *)names, ncol, have, sizeof have);
        rc = zf_error(ZF_EPARSE, "'%s':%zu: no position columns: expected a header 'x1,y1,x2,y2,...' (optionally after 'seconds'); found %s",
                      path, zf_csv_line(c), have);
        goto done;
    }
    if (!has_time && !(o->fps > 0)) {
        rc = zf_error(ZF_EINVAL, "'%s':%zu: no 'seconds' column: expected fps (frame rate) in the study", path, zf_csv_line(c));
        goto done;
    }
    if (o->individual) {
        long v;
        if (!zf_tx_parse_int(o->individual, &v) || v < 1 || (size_t)v > nind) {
            rc = zf_error(ZF_EDATA, "'%s': no individual '%s': the file has individuals 1..%zu", path, o->individual, nind);
            goto done;
        }
        pick = (size_t)v;
    }
    if (!(tracks = calloc(nind, sizeof *tracks))) {
        rc = zf_error(ZF_ENOMEM, "out of memory");
        goto done;
    }
    for (size_t i = 0; i < nind; i++)
        zf_track_init(&tracks[i]);
    size_t off = has_time ? 1 : 0;
    while ((r = zf_csv_next(c, &nf)) == 1) {
        size_t line = zf_csv_line(c);
        double t = (double)frames / o->fps;
        if (has_time) {
            const char *ft = zf_csv_field(c, 0);
            int k = zf_tx_parse_num(ft, o, &t);
            if (k != ZF_NUM_OK) {
                rc = k == ZF_NUM_BAD ? zf_tx_bad_number(path, line, names[0], ft, o)
                                     : zf_error(ZF_EPARSE, "'%s':%zu: column '%s': expected a time, got \"%s\"", path, line, names[0], ZF_EXCERPT(ft));
                goto done;
            }
        }
        for (size_t i = 0; i < nind; i++) {
            if (pick && i + 1 != pick)
                continue;
            size_t cx = off + 2 * i, cy = cx + 1;
            const char *fx = cx < nf ? zf_csv_field(c, cx) : "";
            const char *fy = cy < nf ? zf_csv_field(c, cy) : "";
            double x, y;
            if ((rc = zf_tx_parse_xy(path, line, names[cx], fx, names[cy], fy, o, &x, &y)) != ZF_OK)
                goto done;
            if ((rc = zf_track_push(&tracks[i], t, x, y)) != ZF_OK)
                goto done;
        }
        frames++;
    }
    if (r < 0) {
        rc = r;
        goto done;
    }
    if (frames == 0) {
        rc = zf_error(ZF_EDATA, "'%s': no frames after the header", path);
        goto done;
    }
    {
        const zf_track *any = &tracks[pick ? pick - 1 : 0];
        if ((rc = zf_tx_track_fps(any->t, any->n, has_time, o->fps, &fps)) != ZF_OK)
            goto done;
    }
    for (size_t i = 0; i < nind; i++) {
        zf_track_info info;
        if (pick && i + 1 != pick)
            continue;
        zf_track_info_init(&info);
        info.fps = fps;
        if ((rc = zf_track_calibrate(path, &tracks[i], o, ZF_UNITS_PX, 1, &info)) != ZF_OK)
            goto done;
        snprintf(info.individual, sizeof info.individual, "%zu", i + 1);
        zf_tx_note(&info, "idtracker.ai individual %zu of %zu%s", i + 1, nind,
                   has_time ? "" : ", time = frame / fps");
        if ((rc = sink(ctx, &tracks[i], &info)) != ZF_OK)
            goto done;
    }
done:
    zf_csv_close(c);
    zf_tx_strv_free(names, ncol);
    if (tracks)
        for (size_t i = 0; i < nind; i++)
            zf_track_free(&tracks[i]);
    free(tracks);
    return rc;
}
