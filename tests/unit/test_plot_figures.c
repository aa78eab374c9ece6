/* test_plot_figures.c: unit tests of the figure kinds (estimation, box, timecourse, trajectory, heatmap, doseresponse, panel) on synthetic data read back with libpng, the figures: study keys, the bootstrap distribution; '--bench' times each kind. */
#include "check.h"
#include "core/pool.h"
#include "testutil.h"
#include "plottest.h"
#include "plot/plot_internal.h"
#include "zfstress/core.h"
#include "zfstress/plot.h"
#include "zfstress/stats.h"
#include "zfstress/study.h"

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_statistics_double.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

/* needle in a binary buffer */
static int contains(const unsigned char *hay, size_t n, const char *needle)
{
    size_t k = strlen(needle);
    for (size_t i = 0; i + k <= n; i++)
        if (memcmp(hay + i, needle, k) == 0)
            return 1;
    return 0;
}

/* ---- reading PNGs back --------------------------------------------------- */

static const char *text_of(const png_rb *im, const char *key)
{
    for (int i = 0; i < im->ntext; i++)
        if (strcmp(im->keys[i], key) == 0)
            return im->values[i];
    return NULL;
}

static const unsigned char *px_at(const png_rb *im, double x_mm, double y_mm, int dpi)
{
    double s = (double)dpi / 25.4;
    long px = (long)floor(x_mm * s), py = (long)floor(y_mm * s);
    if (px < 0)
        px = 0;
    if (py < 0)
        py = 0;
    if ((png_uint_32)px >= im->w)
        px = (long)im->w - 1;
    if ((png_uint_32)py >= im->h)
        py = (long)im->h - 1;
    return im->rgba + ((size_t)py * im->w + (size_t)px) * 4;
}

static int near_rgb(const unsigned char *p, uint32_t rgb, int tol)
{
    int r = (int)((rgb >> 16) & 0xFF), g = (int)((rgb >> 8) & 0xFF), b = (int)(rgb & 0xFF);
    return abs(p[0] - r) <= tol && abs(p[1] - g) <= tol && abs(p[2] - b) <= tol && p[3] == 255;
}

static int saturated(const unsigned char *p)
{
    int mx = p[0], mn = p[0];
    for (int k = 1; k < 3; k++) {
        mx = p[k] > mx ? p[k] : mx;
        mn = p[k] < mn ? p[k] : mn;
    }
    return mx - mn > 40;
}

/* ---- a synthetic study ------------------------------------------------------ */

#define NG 3
#define NBIN 5
static size_t track_n = 600; /* samples per synthetic track */

typedef struct synth {
    size_t ns;
    size_t group[64];
    double dose[64];
    double metric[64];
    double binned[64 * NBIN];
    double bin_start[NBIN];
    int circle; /* tracks: 1 circles per group quadrant */
    zf_plot_level levels[8];
    zf_stat_table st;
} synth;

static unsigned lcg_state = 12345u;
static double urand(void)
{
    lcg_state = lcg_state * 1103515245u + 12345u;
    return (double)(lcg_state >> 8) / 16777216.0;
}

static int cb_metric(void *ctx, const char *name, zf_plot_series *out)
{
    synth *s = ctx;
    if (strcmp(name, "time_top_s") != 0 && strcmp(name, "distance_mm") != 0)
        return zf_error(ZF_EINVAL, "no metric '%s'", name);
    out->v = malloc(s->ns * sizeof *out->v);
    if (!out->v)
        return ZF_ENOMEM;
    for (size_t i = 0; i < s->ns; i++)
        out->v[i] = strcmp(name, "time_top_s") == 0 ? s->metric[i] : 100.0 + 2.0 * s->metric[i];
    out->label = strcmp(name, "time_top_s") == 0 ? "time in top zone" : "distance swum";
    out->unit = strcmp(name, "time_top_s") == 0 ? "s" : "mm";
    out->title = "Synthetic";
    return ZF_OK;
}

static int cb_binned(void *ctx, const char *name, zf_plot_series *out)
{
    synth *s = ctx;
    (void)name;
    out->v = malloc(s->ns * NBIN * sizeof *out->v);
    out->bin_start = malloc(NBIN * sizeof *out->bin_start);
    if (!out->v || !out->bin_start) {
        free(out->v);
        free(out->bin_start);
        out->v = out->bin_start = NULL;
        return ZF_ENOMEM;
    }
    memcpy(out->v, s->binned, s->ns * NBIN * sizeof *out->v);
    memcpy(out->bin_start, s->bin_start, NBIN * sizeof *out->bin_start);
    out->nbin = NBIN;
    out->label = "distance swum";
    out->unit = "mm";
    out->title = "Per minute";
    return ZF_OK;
}

/* Group g swims a circle in its own part of the 200 x 150 mm tank: group 0
 * low left (centre 50, 40, radius 25), group 1 high right (150, 110), ... */
static void circle_centre(size_t g, double *cx, double *cy)
{
    *cx = g % 2 == 0 ? 50.0 : 150.0;
    *cy = g == 1 ? 110.0 : g == 2 ? 100.0 : 40.0;
}

/* The benchmark's fish: a correlated random walk at about 30 mm/s sampled
 * at 10 fps, kept inside the tank (a track with the detail of a real one). */
static int wander = 0;

static int wander_track(size_t i, zf_track *tr)
{
    unsigned st = 777u + 31u * (unsigned)i;
    double x = 100.0, y = 75.0, h = 0.0;
    for (size_t k = 0; k < track_n; k++) {
        st = st * 1103515245u + 12345u;
        h += ((double)(st >> 8) / 16777216.0 - 0.5) * 0.9;
        st = st * 1103515245u + 12345u;
        double step = 1.5 + 3.0 * (double)(st >> 8) / 16777216.0;
        double nx = x + step * cos(h), ny = y + step * sin(h);
        if (nx < 2.0 || nx > 198.0 || ny < 2.0 || ny > 148.0) {
            h += 3.14159265358979;
            nx = x;
            ny = y;
        }
        x = nx;
        y = ny;
        int rc = zf_track_push(tr, (double)k * 0.1, x, y);
        if (rc)
            return rc;
    }
    return ZF_OK;
}

static int cb_track(void *ctx, size_t i, zf_track *tr)
{
    synth *s = ctx;
    zf_track_free(tr);
    zf_track_init(tr);
    if (wander)
        return wander_track(i, tr);
    double cx, cy;
    circle_centre(s->group[i], &cx, &cy);
    for (size_t k = 0; k < track_n; k++) {
        double a = 2.0 * 3.14159265358979 * (double)k / (double)(track_n - 1);
        int rc = zf_track_push(tr, (double)k * 0.5, cx + 25.0 * cos(a), cy + 25.0 * sin(a));
        if (rc)
            return rc;
    }
    return ZF_OK;
}

static void synth_build(synth *s, zf_plot_source *src)
{
    static const char *names[NG] = {"control", "stressed", "treated"};
    static const size_t n[NG] = {10, 12, 8};
    static const double shift[NG] = {40.0, 80.0, 55.0};
    memset(s, 0, sizeof *s);
    lcg_state = 12345u;
    for (size_t g = 0; g < NG; g++)
        for (size_t k = 0; k < n[g]; k++) {
            size_t i = s->ns++;
            s->group[i] = g;
            s->dose[i] = g == 0 ? 0.0 : g == 1 ? 2.0 : 20.0;
            s->metric[i] = shift[g] + 20.0 * (urand() - 0.5);
            for (size_t b = 0; b < NBIN; b++)
                s->binned[i * NBIN + b] = shift[g] * (1.0 + 0.1 * (double)b) + 10.0 * (urand() - 0.5);
        }
    for (size_t b = 0; b < NBIN; b++)
        s->bin_start[b] = 60.0 * (double)b;
    for (size_t g = 0; g < NG; g++)
        s->levels[g] = (zf_plot_level){names[g], NULL, zf_plot_default_rgb(g)};
    zf_stat_table_init(&s->st);
    memset(src, 0, sizeof *src);
    src->nsubjects = s->ns;
    src->ngroups = NG;
    src->levels = s->levels;
    src->group = s->group;
    src->dose = s->dose;
    src->dose_label = "drug (mg/L)";
    src->arena = (zf_arena){ZF_ARENA_SIDE, 200.0, 150.0};
    static const double top_v[4] = {0.0, 75.0, 200.0, 150.0};
    static const zf_plot_zone zones[1] = {{"top zone", ZF_SHAPE_RECT, 0, top_v}};
    src->zones = zones;
    src->nzones = 1;
    src->stats = NULL;
    src->adjust = "holm";
    src->nboot = 2000;
    src->seed = 7;
    src->ctx = s;
    src->metric = cb_metric;
    src->binned = cb_binned;
    src->track = cb_track;
}

static const char *const metric_top[1] = {"time_top_s"};

/* Render spec to path (PNG) and read it back; checks size, pHYs, tEXt. */
static int render_check(const zf_figure_spec *spec, const zf_plot_source *src, const char *name, png_rb *im)
{
    char *path = tmp_path(name);
    zf_png_text text[] = {{"Software", "zfstress " ZF_VERSION}, {"Study", "abc123"}, {"Input hash", "def456"},
                          {"Seed", "7"}};
    remove(path);
    int rc = zf_plot_figure(spec, src, path, text, 4);
    CHECK_OK(rc);
    int ok = rc == ZF_OK && read_png(path, im);
    CHECK(ok);
    if (ok) {
        int dpi = spec->dpi > 0 ? spec->dpi : 300;
        double W = 0, H = 0;
        CHECK_OK(zf_plot_figure_size(spec, src, &W, &H));
        CHECK(im->w == (png_uint_32)zf_mm_to_px(W, dpi) && im->h == (png_uint_32)zf_mm_to_px(H, dpi));
        png_uint_32 ppm = (png_uint_32)lround(dpi / 0.0254);
        CHECK(im->ppm_x == ppm && im->ppm_y == ppm && im->phys_unit == PNG_RESOLUTION_METER);
        CHECK(!im->has_time);
        CHECK(im->rgb_only);
        const char *sw = text_of(im, "Software"), *st = text_of(im, "Study"), *ih = text_of(im, "Input hash"),
                   *sd = text_of(im, "Seed"), *pr = text_of(im, "Procedure");
        CHECK(sw && strcmp(sw, "zfstress " ZF_VERSION) == 0);
        CHECK(st && strcmp(st, "abc123") == 0);
        CHECK(ih && strcmp(ih, "def456") == 0);
        CHECK(sd && strcmp(sd, "7") == 0);
        CHECK(pr && strlen(pr) > 10);
        /* opaque, and a white frame: nothing drawn in the outer 1 mm */
        int opaque = 1, frame = 1;
        png_uint_32 border = (png_uint_32)floor((double)dpi / 25.4);
        for (png_uint_32 y = 0; y < im->h; y++)
            for (png_uint_32 x = 0; x < im->w; x++) {
                const unsigned char *p = im->rgba + ((size_t)y * im->w + x) * 4;
                opaque &= p[3] == 255;
                if ((x < border || y < border || x >= im->w - border || y >= im->h - border) &&
                    !(p[0] == 255 && p[1] == 255 && p[2] == 255))
                    frame = 0;
            }
        CHECK(opaque);
        if (!frame)
            fprintf(stderr, "%s: something drawn in the outer 1 mm\n", name);
        CHECK(frame);
    }
    free(path);
    return ok;
}

/* Saturated (coloured) pixels only inside the marks' rectangles (+ slack mm). */
static int colour_inside(const png_rb *im, const zf_plot_marks *m, int dpi, double slack)
{
    double s = (double)dpi / 25.4;
    size_t bad = 0;
    for (png_uint_32 y = 0; y < im->h; y++)
        for (png_uint_32 x = 0; x < im->w; x++) {
            const unsigned char *p = im->rgba + ((size_t)y * im->w + x) * 4;
            if (!saturated(p))
                continue;
            double xm = ((double)x + 0.5) / s, ym = ((double)y + 0.5) / s;
            int in = 0;
            for (size_t k = 0; k < m->n && !in; k++) {
                const zf_plot_mark *q = &m->m[k];
                if (q->what != ZF_MARK_DATA && q->what != ZF_MARK_LEGEND && q->what != ZF_MARK_TANK)
                    continue;
                in = xm >= q->x - slack && xm <= q->x + q->w + slack && ym >= q->y - slack &&
                     ym <= q->y + q->h + slack;
            }
            if (!in && bad++ < 3)
                fprintf(stderr, "coloured pixel outside the plot areas at (%u, %u): %02x%02x%02x\n", x, y, p[0],
                        p[1], p[2]);
        }
    return bad == 0;
}

static const zf_plot_mark *find_mark(const zf_plot_marks *m, int what, size_t a)
{
    for (size_t k = 0; k < m->n; k++)
        if (m->m[k].what == what && m->m[k].a == a)
            return &m->m[k];
    return NULL;
}

/* Every point mark sits where its value maps in the data rectangle, shows
 * its group's colour, and overlaps no other point of its group. */
static void check_points(const png_rb *im, const zf_plot_marks *m, const zf_plot_source *src, int dpi,
                         size_t expect)
{
    const zf_plot_mark *rect = find_mark(m, ZF_MARK_DATA, 0);
    CHECK(rect != NULL);
    if (!rect)
        return;
    size_t n = 0, wrong_y = 0, wrong_colour = 0, overlap = 0;
    for (size_t k = 0; k < m->n; k++) {
        const zf_plot_mark *p = &m->m[k];
        if (p->what != ZF_MARK_POINT)
            continue;
        n++;
        double expect_y = rect->y + rect->h - (p->v0 - rect->v0) / (rect->v1 - rect->v0) * rect->h;
        if (fabs(expect_y - p->y) > 1e-6)
            wrong_y++;
        /* the computed value is the subject's own */
        double own = ((const synth *)src->ctx)->metric[p->b];
        if (fabs(own - p->v0) > 1e-9 && fabs(100.0 + 2.0 * own - p->v0) > 1e-9)
            wrong_y++;
        /* the centre, or (under a median or mean line drawn over it) a spot half a radius away */
        int seen = 0;
        for (int k2 = 0; k2 < 5 && !seen; k2++) {
            double dx = k2 == 1 ? 0.5 : k2 == 2 ? -0.5 : 0.0, dy = k2 == 3 ? 0.5 : k2 == 4 ? -0.5 : 0.0;
            seen = near_rgb(px_at(im, p->x + dx * p->w, p->y + dy * p->w, dpi), src->levels[p->a].rgb, 2);
        }
        if (!seen) {
            const unsigned char *c = px_at(im, p->x, p->y, dpi);
            if (wrong_colour++ < 3)
                fprintf(stderr, "point of group %zu subject %zu at (%.2f, %.2f) mm r %.2f: %02x%02x%02x\n", p->a, p->b,
                        p->x, p->y, p->w, c[0], c[1], c[2]);
        }
        for (size_t j = k + 1; j < m->n; j++) {
            const zf_plot_mark *q = &m->m[j];
            if (q->what == ZF_MARK_POINT && q->a == p->a && hypot(q->x - p->x, q->y - p->y) < 2.0 * p->w * (1 - 1e-6))
                overlap++;
        }
    }
    if (wrong_y || wrong_colour || overlap)
        fprintf(stderr, "points: %zu wrong positions, %zu wrong colours, %zu overlaps\n", wrong_y, wrong_colour,
                overlap);
    CHECK(n == expect);
    CHECK(wrong_y == 0);
    CHECK(wrong_colour == 0);
    CHECK(overlap == 0);
}

static void test_kinds_table(void)
{
    static const char *want[] = {"estimation", "box", "timecourse", "trajectory", "heatmap", "doseresponse", "panel"};
    CHECK(zf_figure_kind_count() == 7);
    for (size_t i = 0; i < 7; i++) {
        const zf_figure_kind *k = zf_figure_kind_find(want[i]);
        CHECK(k != NULL && k->draw != NULL && k->summary && k->summary[0]);
    }
    CHECK(zf_figure_kind_find("pie") == NULL);
    CHECK(zf_figure_kind_get(7) == NULL);
}

static void test_estimation(void)
{
    synth s;
    zf_plot_source src;
    synth_build(&s, &src);
    zf_figure_spec spec = {0};
    spec.kind = "estimation";
    spec.metrics = metric_top;
    spec.nmetrics = 1;
    png_rb im;
    if (render_check(&spec, &src, "est.png", &im)) {
        zf_plot_marks m = {0};
        CHECK_OK(zf_plot_figure_marks(&spec, &src, &m));
        check_points(&im, &m, &src, 300, s.ns);
        CHECK(colour_inside(&im, &m, 300, 1.0));
        /* the effect dots: the mean difference vs control, at its place on the effect axis, black */
        const zf_plot_mark *low = NULL;
        for (size_t k = 0; k < m.n; k++)
            if (m.m[k].what == ZF_MARK_DATA && m.m[k].a == 1)
                low = &m.m[k];
        CHECK(low != NULL);
        for (size_t g = 1; low && g < NG; g++) {
            double sum0 = 0, sumg = 0;
            size_t n0 = 0, ng = 0;
            for (size_t i = 0; i < s.ns; i++) {
                if (s.group[i] == 0) {
                    sum0 += s.metric[i];
                    n0++;
                } else if (s.group[i] == g) {
                    sumg += s.metric[i];
                    ng++;
                }
            }
            double diff = sumg / (double)ng - sum0 / (double)n0;
            const zf_plot_mark *e = find_mark(&m, ZF_MARK_EFFECT, g);
            CHECK(e != NULL);
            if (!e)
                continue;
            CHECK_NEAR(e->v0, diff, 1e-12);
            CHECK_ABS(e->y, low->y + low->h - (diff - low->v0) / (low->v1 - low->v0) * low->h, 1e-6);
            CHECK(near_rgb(px_at(&im, e->x, e->y, 300), 0x000000, 2));
        }
        zf_plot_marks_free(&m);
        free(im.rgba);
    }
    /* two groups: Gardner-Altman, with Hedges' g whose CI is the stats module's */
    static const char *const two[2] = {"control", "stressed"};
    spec.groups = two;
    spec.ngroups = 2;
    spec.effect = "hedges_g";
    if (render_check(&spec, &src, "ga.png", &im)) {
        zf_plot_marks m = {0};
        CHECK_OK(zf_plot_figure_marks(&spec, &src, &m));
        check_points(&im, &m, &src, 300, 22);
        CHECK(colour_inside(&im, &m, 300, 1.0));
        double x[12], y[10];
        size_t nx = 0, ny = 0;
        for (size_t i = 0; i < s.ns; i++) {
            if (s.group[i] == 1)
                x[nx++] = s.metric[i];
            if (s.group[i] == 0)
                y[ny++] = s.metric[i];
        }
        zf_test_result r;
        CHECK_OK(zf_effect_hedges_g(x, nx, y, ny, 2000, 7, &r));
        const zf_plot_mark *e = find_mark(&m, ZF_MARK_EFFECT, 1);
        CHECK(e && fabs(e->v0 - r.estimate) < 1e-12);
        zf_plot_marks_free(&m);
        free(im.rgba);
    }
    /* a crowded swarm squeezes but never overlaps */
    synth c;
    zf_plot_source csrc;
    synth_build(&c, &csrc);
    for (size_t i = 0; i < c.ns; i++)
        c.metric[i] = 50.0;
    spec.groups = NULL;
    spec.ngroups = 0;
    spec.effect = "median_diff";
    spec.width_mm = 50.0;
    int level = zf_log_get_level();
    zf_log_set_level(ZF_LOG_ERROR);
    if (render_check(&spec, &csrc, "crowd.png", &im)) {
        zf_plot_marks m = {0};
        CHECK_OK(zf_plot_figure_marks(&spec, &csrc, &m));
        const zf_plot_mark *p = find_mark(&m, ZF_MARK_POINT, 0);
        CHECK(p && p->w < 0.65);
        check_points(&im, &m, &csrc, 300, c.ns);
        zf_plot_marks_free(&m);
        free(im.rgba);
    }
    /* long group names in a narrow figure: rotated, still inside the figure */
    c.levels[0].label = "control, vehicle only";
    c.levels[1].label = "stressed by netting";
    c.levels[2].label = "treated with fluoxetine";
    for (size_t i = 0; i < c.ns; i++)
        c.metric[i] = 40.0 + (double)(i % 7);
    spec.width_mm = 60.0;
    if (render_check(&spec, &csrc, "rotated.png", &im))
        free(im.rgba);
    zf_log_set_level(level);
    /* errors: an unknown group, one group, an unknown effect; no file */
    char *bad = tmp_path("bad.png");
    static const char *const unknown[2] = {"control", "nope"};
    static const char *const one[1] = {"control"};
    spec.groups = unknown;
    spec.ngroups = 2;
    CHECK(zf_plot_figure(&spec, &src, bad, NULL, 0) == ZF_EINVAL);
    CHECK(strstr(zf_errmsg(), "nope") != NULL);
    spec.groups = one;
    spec.ngroups = 1;
    CHECK(zf_plot_figure(&spec, &src, bad, NULL, 0) == ZF_EINVAL);
    spec.groups = NULL;
    spec.effect = "cohen";
    CHECK(zf_plot_figure(&spec, &src, bad, NULL, 0) == ZF_EINVAL);
    CHECK(!tu_exists(bad));
    free(bad);
}

static void test_box_kind(void)
{
    synth s;
    zf_plot_source src;
    synth_build(&s, &src);
    /* p values from a stats table */
    zf_stat_row rows[2];
    memset(rows, 0, sizeof rows);
    for (size_t g = 0; g < 2; g++) {
        snprintf(rows[g].metric, sizeof rows[g].metric, "time_top_s");
        snprintf(rows[g].contrast, sizeof rows[g].contrast, "%s - control", g ? "treated" : "stressed");
        snprintf(rows[g].procedure, sizeof rows[g].procedure, "welch_t");
        rows[g].p_adjusted = g ? 0.02 : 0.00001;
    }
    zf_stat_table st = {2, 2, rows};
    src.stats = &st;
    zf_figure_spec spec = {0};
    spec.kind = "box";
    spec.metrics = metric_top;
    spec.nmetrics = 1;
    png_rb im;
    if (render_check(&spec, &src, "boxk.png", &im)) {
        zf_plot_marks m = {0};
        CHECK_OK(zf_plot_figure_marks(&spec, &src, &m));
        check_points(&im, &m, &src, 300, s.ns);
        zf_plot_marks_free(&m);
        free(im.rgba);
    }
    /* study colours replace the defaults */
    s.levels[1].rgb = 0xCC0000;
    if (render_check(&spec, &src, "boxk2.png", &im)) {
        zf_plot_marks m = {0};
        CHECK_OK(zf_plot_figure_marks(&spec, &src, &m));
        check_points(&im, &m, &src, 300, s.ns);
        zf_plot_marks_free(&m);
        free(im.rgba);
    }
}

static void test_timecourse(void)
{
    synth s;
    zf_plot_source src;
    synth_build(&s, &src);
    zf_figure_spec spec = {0};
    spec.kind = "timecourse";
    spec.metrics = metric_top;
    spec.nmetrics = 1;
    spec.lines = -1;
    png_rb im;
    if (render_check(&spec, &src, "tc.png", &im)) {
        zf_plot_marks m = {0};
        CHECK_OK(zf_plot_figure_marks(&spec, &src, &m));
        CHECK(colour_inside(&im, &m, 300, 0.8));
        const zf_plot_mark *rect = find_mark(&m, ZF_MARK_DATA, 0);
        size_t nmean = 0;
        for (size_t k = 0; rect && k < m.n; k++) {
            const zf_plot_mark *p = &m.m[k];
            if (p->what != ZF_MARK_MEAN)
                continue;
            nmean++;
            double sum = 0;
            size_t n = 0;
            for (size_t i = 0; i < s.ns; i++)
                if (s.group[i] == p->a) {
                    sum += s.binned[i * NBIN + p->b];
                    n++;
                }
            CHECK_NEAR(p->v0, sum / (double)n, 1e-12);
            CHECK_ABS(p->y, rect->y + rect->h - (p->v0 - rect->v0) / (rect->v1 - rect->v0) * rect->h, 1e-6);
            CHECK(near_rgb(px_at(&im, p->x, p->y, 300), src.levels[p->a].rgb, 2));
        }
        CHECK(nmean == NG * NBIN);
        zf_plot_marks_free(&m);
        free(im.rgba);
    }
    spec.error = "ci95";
    spec.lines = 0;
    spec.dpi = 600;
    if (render_check(&spec, &src, "tc600.png", &im))
        free(im.rgba);
    spec.error = "sd";
    char *bad = tmp_path("tcbad.png");
    CHECK(zf_plot_figure(&spec, &src, bad, NULL, 0) == ZF_EINVAL);
    spec.error = NULL;
    spec.dpi = 1201;
    CHECK(zf_plot_figure(&spec, &src, bad, NULL, 0) == ZF_EINVAL);
    CHECK(!tu_exists(bad));
    free(bad);
}

static void test_arena_kinds(void)
{
    synth s;
    zf_plot_source src;
    synth_build(&s, &src);
    zf_figure_spec spec = {0};
    spec.kind = "trajectory";
    png_rb im;
    if (render_check(&spec, &src, "traj.png", &im)) {
        zf_plot_marks m = {0};
        CHECK_OK(zf_plot_figure_marks(&spec, &src, &m));
        CHECK(colour_inside(&im, &m, 300, 0.3));
        size_t tanks = 0, on_path = 0, zone_ok = 0;
        for (size_t k = 0; k < m.n; k++) {
            const zf_plot_mark *t = &m.m[k];
            if (t->what != ZF_MARK_TANK)
                continue;
            tanks++;
            CHECK(s.group[t->b] == t->a);
            double cx, cy;
            circle_centre(t->a, &cx, &cy);
            /* on the circle (leftmost point): a coloured path pixel within a pixel */
            double x = t->x + (cx - 25.0) / 200.0 * t->w, y = t->y + t->h - cy / 150.0 * t->h;
            int hit = 0;
            for (int dx = -1; dx <= 1 && !hit; dx++)
                for (int dy = -1; dy <= 1 && !hit; dy++)
                    hit = saturated(px_at(&im, x + dx * 25.4 / 300.0, y + dy * 25.4 / 300.0, 300));
            on_path += (size_t)hit;
            /* a spot off the path in the top zone: the zone's tint */
            double zx = t->x + (cx < 100.0 ? 180.0 : 20.0) / 200.0 * t->w, zy = t->y + t->h - 140.0 / 150.0 * t->h;
            zone_ok += near_rgb(px_at(&im, zx, zy, 300), 0xDCEAF4, 2) ? 1u : 0u;
        }
        CHECK(tanks == s.ns);
        CHECK(on_path == s.ns);
        CHECK(zone_ok == s.ns);
        zf_plot_marks_free(&m);
        free(im.rgba);
    }
    spec.colour_by = "speed";
    if (render_check(&spec, &src, "traj_speed.png", &im))
        free(im.rgba);
    spec.colour_by = NULL;
    spec.kind = "heatmap";
    if (render_check(&spec, &src, "heat.png", &im)) {
        zf_plot_marks m = {0};
        CHECK_OK(zf_plot_figure_marks(&spec, &src, &m));
        CHECK(colour_inside(&im, &m, 300, 0.3));
        size_t tanks = 0;
        for (size_t k = 0; k < m.n; k++) {
            const zf_plot_mark *t = &m.m[k];
            if (t->what != ZF_MARK_TANK)
                continue;
            tanks++;
            double cx, cy;
            circle_centre(t->a, &cx, &cy);
            /* where the group swam: a bright cell; the far corner: viridis' dark end */
            double x = t->x + (cx - 25.0 + 2.0) / 200.0 * t->w, y = t->y + t->h - cy / 150.0 * t->h;
            const unsigned char *p = px_at(&im, x, y, 300);
            CHECK(p[1] > 0x60);
            double fx = t->x + (cx < 100.0 ? 195.0 : 5.0) / 200.0 * t->w;
            double fy = t->y + t->h - (cy < 75.0 ? 145.0 : 5.0) / 150.0 * t->h;
            CHECK(near_rgb(px_at(&im, fx, fy, 300), 0x440154, 2));
        }
        CHECK(tanks == NG);
        /* the depth profile: group 0 spends its time low, so its curve peaks below the middle */
        zf_plot_marks_free(&m);
        free(im.rgba);
    }
    src.arena.kind = ZF_ARENA_TOP;
    src.nzones = 0;
    if (render_check(&spec, &src, "heat_top.png", &im))
        free(im.rgba);
}

/* Paths drawn by two threads, each on its own band of rows, give the very
 * bytes one thread gives (enough samples that the bands are used). */
static void test_trajectory_bands(void)
{
    synth s;
    zf_plot_source src;
    size_t keep_n = track_n;
    wander = 1;
    track_n = 1000; /* 30 fish: 30000 samples */
    synth_build(&s, &src);
    zf_figure_spec spec = {0};
    spec.kind = "trajectory";
    char *one = tmp_path("traj_1.png"), *two = tmp_path("traj_2.png");
    for (int speed = 0; speed < 2; speed++) {
        spec.colour_by = speed ? "speed" : NULL;
        zf_jobs_set(1);
        CHECK_OK(zf_plot_figure(&spec, &src, one, NULL, 0));
        zf_jobs_set(2);
        CHECK_OK(zf_plot_figure(&spec, &src, two, NULL, 0));
        CHECK(tu_same_file(one, two));
    }
    zf_jobs_set(0);
    wander = 0;
    track_n = keep_n;
    free(one);
    free(two);
}

static void test_doseresponse(void)
{
    /* six doses on a log-logistic curve: EC50 3, slope 1.5, 40 -> 120 */
    synth s;
    zf_plot_source src;
    synth_build(&s, &src);
    static const double doses[6] = {0.0, 0.3, 1.0, 3.0, 10.0, 30.0};
    static zf_plot_level lv[6];
    static const char *names[6] = {"d0", "d0.3", "d1", "d3", "d10", "d30"};
    s.ns = 0;
    lcg_state = 99u;
    for (size_t g = 0; g < 6; g++) {
        lv[g] = (zf_plot_level){names[g], NULL, zf_plot_default_rgb(g)};
        for (size_t k = 0; k < 8; k++) {
            size_t i = s.ns++;
            s.group[i] = g;
            s.dose[i] = doses[g];
            double f = doses[g] > 0 ? 40.0 + 80.0 / (1.0 + exp(-1.5 * (log(doses[g]) - log(3.0)))) : 40.0;
            s.metric[i] = f + 6.0 * (urand() - 0.5);
        }
    }
    src.nsubjects = s.ns;
    src.ngroups = 6;
    src.levels = lv;
    zf_figure_spec spec = {0};
    spec.kind = "doseresponse";
    spec.metrics = metric_top;
    spec.nmetrics = 1;
    png_rb im;
    if (render_check(&spec, &src, "dose.png", &im)) {
        zf_plot_marks m = {0};
        CHECK_OK(zf_plot_figure_marks(&spec, &src, &m));
        check_points(&im, &m, &src, 300, s.ns);
        CHECK(colour_inside(&im, &m, 300, 1.0));
        const zf_plot_mark *ec = find_mark(&m, ZF_MARK_EC50, 0), *rect = find_mark(&m, ZF_MARK_DATA, 0);
        CHECK(ec != NULL);
        if (ec && rect) {
            CHECK(ec->v0 > 2.0 && ec->v0 < 4.5);
            CHECK(ec->x > rect->x && ec->x < rect->x + rect->w);
        }
        zf_plot_marks_free(&m);
        free(im.rgba);
    }
    /* no dose column: an error naming it */
    src.dose = NULL;
    char *bad = tmp_path("dosebad.png");
    CHECK(zf_plot_figure(&spec, &src, bad, NULL, 0) == ZF_EINVAL);
    CHECK(strstr(zf_errmsg(), "dose") != NULL);
    free(bad);
}

static void test_panel_and_formats(void)
{
    synth s;
    zf_plot_source src;
    synth_build(&s, &src);
    zf_figure_spec cells[4];
    memset(cells, 0, sizeof cells);
    static const char *kinds[4] = {"estimation", "timecourse", "box", "heatmap"};
    for (size_t i = 0; i < 4; i++) {
        cells[i].kind = kinds[i];
        cells[i].metrics = metric_top;
        cells[i].nmetrics = i == 3 ? 0 : 1;
        cells[i].lines = -1;
    }
    zf_figure_spec spec = {0};
    spec.kind = "panel";
    spec.cells = cells;
    spec.ncells = 4;
    spec.columns = 2;
    png_rb im;
    if (render_check(&spec, &src, "panel.png", &im)) {
        zf_plot_marks m = {0};
        CHECK_OK(zf_plot_figure_marks(&spec, &src, &m));
        size_t ncell = 0;
        for (size_t k = 0; k < m.n; k++)
            if (m.m[k].what == ZF_MARK_CELL) {
                const zf_plot_mark *c = &m.m[k];
                ncell++;
                CHECK(fabs(c->w - 90.0) < 1e-9); /* 180 mm in two columns */
            }
        CHECK(ncell == 4);
        /* letter A: black ink near the cell's top-left corner */
        int dark = 0;
        for (double x = 1.6; x < 4.5 && !dark; x += 0.1)
            for (double y = 1.6; y < 5.0 && !dark; y += 0.1)
                dark = near_rgb(px_at(&im, x, y, 300), 0x000000, 40);
        CHECK(dark);
        zf_plot_marks_free(&m);
        free(im.rgba);
    }
    /* several metrics of one kind: a grid of cells */
    static const char *const two[2] = {"time_top_s", "distance_mm"};
    zf_figure_spec grid = {0};
    grid.kind = "estimation";
    grid.metrics = two;
    grid.nmetrics = 2;
    if (render_check(&grid, &src, "grid.png", &im))
        free(im.rgba);
    /* PDF and SVG from the same drawing; deterministic within a process */
    const char *names[4] = {"panel.pdf", "panel2.pdf", "panel.svg", "panel2.svg"};
    unsigned char *d[4] = {NULL, NULL, NULL, NULL};
    size_t n[4] = {0, 0, 0, 0};
    for (size_t i = 0; i < 4; i++) {
        char *p = tmp_path(names[i]);
        remove(p);
        CHECK_OK(zf_plot_figure(&spec, &src, p, NULL, 0));
        d[i] = tu_slurp(p, &n[i]);
        free(p);
    }
    CHECK(d[0] && n[0] > 4 && memcmp(d[0], "%PDF", 4) == 0);
    /* the provenance in Keywords (cairo writes it as UTF-16BE hex) */
    CHECK(d[0] && contains(d[0], n[0], "00500072006F006300650064007500720065"));
    CHECK(d[0] && d[1] && n[0] == n[1] && memcmp(d[0], d[1], n[0]) == 0);
    CHECK(d[2] && strstr((const char *)d[2], "<svg") != NULL);
    CHECK(d[2] && d[3] && n[2] == n[3] && memcmp(d[2], d[3], n[2]) == 0);
    for (size_t i = 0; i < 4; i++)
        free(d[i]);
    /* PNG: byte-identical for the same inputs */
    char *a = tmp_path("same_a.png"), *b = tmp_path("same_b.png");
    CHECK_OK(zf_plot_figure(&spec, &src, a, NULL, 0));
    CHECK_OK(zf_plot_figure(&spec, &src, b, NULL, 0));
    size_t la = 0, lb = 0;
    unsigned char *da = tu_slurp(a, &la), *db = tu_slurp(b, &lb);
    CHECK(da && db && la == lb && memcmp(da, db, la) == 0);
    free(da);
    free(db);
    free(a);
    free(b);
    /* an unknown kind, a panel cell holding a panel */
    char *bad = tmp_path("panelbad.png");
    zf_figure_spec nope = {0};
    nope.kind = "pie";
    CHECK(zf_plot_figure(&nope, &src, bad, NULL, 0) == ZF_EINVAL);
    cells[1].kind = "panel";
    CHECK(zf_plot_figure(&spec, &src, bad, NULL, 0) == ZF_EINVAL);
    CHECK(!tu_exists(bad));
    free(bad);
}

static void test_bootdist(void)
{
    const double x[] = {12.0, 15.5, 9.8, 14.2, NAN, 13.1, 16.4, 11.9, 15.0};
    const double y[] = {10.1, 8.7, 11.4, 9.9, 7.6, 10.8, 9.2};
    double mx = (12.0 + 15.5 + 9.8 + 14.2 + 13.1 + 16.4 + 11.9 + 15.0) / 8.0;
    double my = (10.1 + 8.7 + 11.4 + 9.9 + 7.6 + 10.8 + 9.2) / 7.0;
    zf_test_result r[ZF_EFFECT_COUNT];
    CHECK_OK(zf_effect_sizes(x, 9, y, 7, 3000, 20110901UL, r));
    for (int e = 0; e < ZF_EFFECT_COUNT; e++) {
        zf_boot_dist d;
        CHECK_OK(zf_bootstrap_effect(x, 9, y, 7, e, 3000, 20110901UL, &d));
        /* the estimate and CI are the stats table's */
        CHECK(d.estimate == r[e].estimate && d.ci_low == r[e].ci_low && d.ci_high == r[e].ci_high);
        CHECK(d.n == 3000 && d.boot != NULL);
        int sorted = 1;
        size_t inside = 0;
        for (size_t i = 0; d.boot && i < d.n; i++) {
            sorted &= i == 0 || d.boot[i - 1] <= d.boot[i];
            inside += d.boot[i] >= d.ci_low && d.boot[i] <= d.ci_high;
        }
        CHECK(sorted);
        /* the distribution drawn is the one the CI came from: about 95% of it inside */
        double cover = (double)inside / (double)d.n;
        if (!(cover > 0.85 && cover < 0.99))
            fprintf(stderr, "effect %d: %.3f of the resamples inside the CI\n", e, cover);
        CHECK(cover > 0.85 && cover < 0.99);
        zf_boot_dist_free(&d);
        CHECK(d.boot == NULL);
    }
    CHECK_NEAR(r[ZF_EFFECT_MEAN_DIFF].estimate, mx - my, 1e-12);
    /* the resamples are the stats module's: BCa on them gives its CI exactly */
    {
        const double xs[8] = {12.0, 15.5, 9.8, 14.2, 13.1, 16.4, 11.9, 15.0};
        double jk[15], jbar = 0.0, s2 = 0.0, s3 = 0.0;
        for (size_t i = 0; i < 15; i++) {
            double sx = 0.0, sy = 0.0;
            for (size_t k = 0; k < 8; k++)
                sx += i < 8 && k == i ? 0.0 : xs[k];
            for (size_t k = 0; k < 7; k++)
                sy += i >= 8 && k == i - 8 ? 0.0 : y[k];
            jk[i] = sx / (i < 8 ? 7.0 : 8.0) - sy / (i >= 8 ? 6.0 : 7.0);
            jbar += jk[i] / 15.0;
        }
        for (size_t i = 0; i < 15; i++) {
            s2 += (jbar - jk[i]) * (jbar - jk[i]);
            s3 += (jbar - jk[i]) * (jbar - jk[i]) * (jbar - jk[i]);
        }
        double a = s3 / (6.0 * pow(s2, 1.5));
        zf_boot_dist d;
        CHECK_OK(zf_bootstrap_effect(x, 9, y, 7, ZF_EFFECT_MEAN_DIFF, 3000, 20110901UL, &d));
        size_t below = 0;
        for (size_t i = 0; i < d.n; i++)
            below += d.boot[i] < d.estimate;
        double z0 = gsl_cdf_ugaussian_Pinv((double)below / (double)d.n);
        double zl = z0 + gsl_cdf_ugaussian_Pinv(0.025), zh = z0 + gsl_cdf_ugaussian_Pinv(0.975);
        double plo = gsl_cdf_ugaussian_P(z0 + zl / (1.0 - a * zl)), phi = gsl_cdf_ugaussian_P(z0 + zh / (1.0 - a * zh));
        if (d.boot) {
            CHECK_NEAR(gsl_stats_quantile_from_sorted_data(d.boot, 1, d.n, plo), d.ci_low, 1e-12);
            CHECK_NEAR(gsl_stats_quantile_from_sorted_data(d.boot, 1, d.n, phi), d.ci_high, 1e-12);
        }
        zf_boot_dist_free(&d);
    }
    CHECK_NEAR(r[ZF_EFFECT_MEDIAN_DIFF].estimate, (13.1 + 14.2) / 2.0 - 9.9, 1e-12);
    /* too little data: no effect, a note, no distribution */
    zf_boot_dist d;
    CHECK_OK(zf_bootstrap_effect(x, 1, y, 1, ZF_EFFECT_HEDGES_G, 100, 1, &d));
    CHECK(isnan(d.estimate) && d.boot == NULL && d.note[0]);
    zf_boot_dist_free(&d);
    CHECK(zf_bootstrap_effect(x, 9, y, 7, 99, 100, 1, &d) == ZF_EINVAL);
    CHECK(zf_effect_parse("median_diff") == ZF_EFFECT_MEDIAN_DIFF && zf_effect_parse("x") == -1);
    CHECK(strcmp(zf_effect_name(ZF_EFFECT_HEDGES_G), "hedges_g") == 0);
    CHECK(strcmp(zf_effect_name(ZF_EFFECT_COHENS_D), "cohens_d") == 0);
}

/* ---- the study keys -------------------------------------------------------------- */

static int load_text(const char *name, const char *text, zf_study *s)
{
    char *path = tmp_path(name);
    FILE *fp = fopen(path, "wb");
    int rc = ZF_EIO;
    if (fp) {
        fputs(text, fp);
        fclose(fp);
        rc = zf_study_load(path, s);
    }
    free(path);
    return rc;
}

static void test_study_keys(void)
{
    zf_study s;
    const char *good =
        "samples: samples.csv\n"
        "plot:\n"
        "  font: DejaVu Serif\n"
        "  dpi: 600\n"
        "  groups:\n"
        "    - {name: control, label: Control, colour: \"#112233\"}\n"
        "    - {name: ket20, label: \"20 mg/L\"}\n"
        "  metrics:\n"
        "    time_top_s: {label: time up, unit: min, title: Up}\n"
        "  dose: {column: dose_mg_per_l, label: ketamine, unit: mg/L}\n"
        "figures:\n"
        "  - {kind: estimation, metric: time_top_s, groups: [control, ket20], size: [85, 60], effect: hedges_g, file: fig1}\n"
        "  - {kind: timecourse, metrics: [distance_mm], error: ci95, lines: false, format: pdf}\n"
        "  - {kind: trajectory, colour_by: speed, size: double, dpi: 1200}\n"
        "  - kind: panel\n"
        "    columns: 2\n"
        "    file: fig4\n"
        "    cells:\n"
        "      - {kind: box, metric: time_top_s}\n"
        "      - {kind: heatmap}\n";
    if (load_text("good.yaml", good, &s) == ZF_OK) {
        CHECK(s.plot_font && strcmp(s.plot_font, "DejaVu Serif") == 0);
        CHECK(s.plot_dpi == 600);
        CHECK(s.nplot_groups == 2 && s.plot_groups[0].rgb == 0x112233 && s.plot_groups[1].rgb == -1);
        CHECK(strcmp(s.plot_groups[1].label, "20 mg/L") == 0);
        CHECK(s.nplot_metrics == 1 && strcmp(s.plot_metrics[0].unit, "min") == 0);
        CHECK(s.dose_column && strcmp(s.dose_column, "dose_mg_per_l") == 0 && strcmp(s.dose_unit, "mg/L") == 0);
        CHECK(s.nfigures == 4);
        if (s.nfigures == 4) {
            const zf_study_figure *f = s.figures;
            CHECK(strcmp(f[0].kind, "estimation") == 0 && f[0].nmetrics == 1 && f[0].ngroups == 2);
            CHECK(f[0].width_mm == 85.0 && f[0].height_mm == 60.0 && strcmp(f[0].effect, "hedges_g") == 0);
            CHECK(strcmp(f[0].file, "fig1") == 0 && f[0].lines == -1);
            CHECK(f[1].lines == 0 && strcmp(f[1].error, "ci95") == 0 && strcmp(f[1].format, "pdf") == 0);
            CHECK(f[2].width_mm == 180.0 && f[2].dpi == 1200 && strcmp(f[2].colour_by, "speed") == 0);
            CHECK(f[3].ncells == 2 && f[3].columns == 2 && strcmp(f[3].cells[1].kind, "heatmap") == 0);
        }
        zf_study_free(&s);
    } else {
        fprintf(stderr, "%s\n", zf_errmsg());
        CHECK(!"the good study did not load");
    }
    /* each mistake: ZF_ESTUDY with the line and what was expected */
    static const struct {
        const char *yaml, *msg;
    } bad[] = {
        {"samples: s.csv\nfigures:\n  - {kind: pie}\n", "expected one of estimation"},
        {"samples: s.csv\nfigures:\n  - {kind: box}\n", "needs 'metric:'"},
        {"samples: s.csv\nfigures:\n  - {kind: box, metric: nope}\n", "unknown metric 'nope'"},
        {"samples: s.csv\nfigures:\n  - {kind: panel}\n", "needs 'cells:'"},
        {"samples: s.csv\nfigures:\n  - {kind: box, metric: time_top_s, dpi: 2400}\n", "between 1 and 1200"},
        {"samples: s.csv\nfigures:\n  - {kind: box, metric: time_top_s, file: a/b}\n", "without directory"},
        {"samples: s.csv\nfigures:\n  - {kind: box, metric: time_top_s, file: a}\n  - {kind: heatmap, file: a}\n",
         "both write 'a'"},
        {"samples: s.csv\nfigures:\n  - {kind: panel, cells: [{kind: panel, cells: [{kind: heatmap}]}]}\n",
         "cannot hold a panel"},
        {"samples: s.csv\nplot: {groups: [{name: a, colour: red}]}\n", "#RRGGBB"},
        {"samples: s.csv\nplot: {groups: [{label: a}]}\n", "has no 'name'"},
        {"samples: s.csv\nplot: {metrics: {speed: {label: x}}}\n", "unknown metric 'speed'"},
        {"samples: s.csv\nfigures:\n  - {kind: box, metric: time_top_s, colour: red}\n", "unknown key 'colour'"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        int rc = load_text("bad.yaml", bad[i].yaml, &s);
        CHECK(rc == ZF_ESTUDY);
        if (rc == ZF_OK)
            zf_study_free(&s);
        if (!strstr(zf_errmsg(), bad[i].msg)) {
            fprintf(stderr, "case %zu: '%s' lacks '%s'\n", i, zf_errmsg(), bad[i].msg);
            CHECK(0);
        }
        CHECK(strstr(zf_errmsg(), "bad.yaml':") != NULL);
    }
}

/* ---- benchmark ------------------------------------------------------------ */

static double clock_ms(clockid_t id)
{
    struct timespec ts;
    clock_gettime(id, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

/* 'test_plot_figures --bench [N [KIND]]': each kind (or only KIND) at 300 dpi to PNG, mean of N renders. */
static int bench(int reps, const char *only)
{
    /* the demo study's size: 4 groups of 12 fish, 3000 samples per track, 5000 resamples */
    synth s;
    zf_plot_source src;
    synth_build(&s, &src);
    static const char *names[4] = {"control", "ket2", "ket20", "ket40"};
    s.ns = 0;
    for (size_t g = 0; g < 4; g++) {
        s.levels[g] = (zf_plot_level){names[g], NULL, zf_plot_default_rgb(g)};
        for (size_t k = 0; k < 12; k++) {
            size_t i = s.ns++;
            s.group[i] = g;
            s.dose[i] = g == 0 ? 0.0 : g == 1 ? 2.0 : g == 2 ? 20.0 : 40.0;
            s.metric[i] = 40.0 + 20.0 * (double)g + 20.0 * (urand() - 0.5);
            for (size_t b = 0; b < NBIN; b++)
                s.binned[i * NBIN + b] = s.metric[i] * (1.0 + 0.1 * (double)b) + 10.0 * (urand() - 0.5);
        }
    }
    src.nsubjects = s.ns;
    src.ngroups = 4;
    track_n = 3000;
    wander = 1;
    src.nboot = 5000;
    static const char *kinds[] = {"estimation", "box", "timecourse", "trajectory", "heatmap", "doseresponse"};
    char *path = tmp_path("bench.png");
    printf("# each kind at 300 dpi; 48 fish, 3000 samples per track, 5000 resamples; mean of %d renders\n"
           "# cpu_ms: CPU time of data, drawing, PNG encoding and writing; draw_cpu_ms: data and drawing only;\n"
           "# wall_ms: elapsed time of the whole figure including the fsync of the atomic write (varies with load)\n"
           "kind\tcpu_ms\tdraw_cpu_ms\twall_ms\n", reps);
    int rc = 0;
    for (size_t k = 0; k < sizeof kinds / sizeof kinds[0]; k++) {
        if (only && strcmp(only, kinds[k]) != 0)
            continue;
        zf_figure_spec spec = {0};
        spec.kind = kinds[k];
        spec.metrics = metric_top;
        spec.nmetrics = 1;
        spec.lines = -1;
        spec.dpi = 300;
        if (zf_plot_figure(&spec, &src, path, NULL, 0) != ZF_OK) { /* warm-up: fonts, caches */
            fprintf(stderr, "%s: %s\n", kinds[k], zf_errmsg());
            rc = 1;
            continue;
        }
        double w0 = clock_ms(CLOCK_MONOTONIC), c0 = clock_ms(CLOCK_PROCESS_CPUTIME_ID);
        for (int r = 0; r < reps; r++)
            if (zf_plot_figure(&spec, &src, path, NULL, 0) != ZF_OK)
                rc = 1;
        double wall = (clock_ms(CLOCK_MONOTONIC) - w0) / reps, cpu = (clock_ms(CLOCK_PROCESS_CPUTIME_ID) - c0) / reps;
        /* the drawing alone: the same rendering into memory, no PNG */
        c0 = clock_ms(CLOCK_PROCESS_CPUTIME_ID);
        for (int r = 0; r < reps; r++) {
            zf_plot_marks m = {0};
            if (zf_plot_figure_marks(&spec, &src, &m) != ZF_OK)
                rc = 1;
            zf_plot_marks_free(&m);
        }
        printf("%s\t%.1f\t%.1f\t%.1f\n", kinds[k], cpu, (clock_ms(CLOCK_PROCESS_CPUTIME_ID) - c0) / reps, wall);
    }
    free(path);
    return rc;
}

int main(int argc, char **argv)
{
    zf_init();
    tmpdir = getenv("ZF_TMP");
    if (!tmpdir || !tmpdir[0])
        tmpdir = "/tmp";
    CHECK_OK(zf_mkdir_p(tmpdir));
    if (argc > 1 && strcmp(argv[1], "--bench") == 0) {
        char *end = NULL;
        long reps = argc > 2 ? strtol(argv[2], &end, 10) : 20;
        return bench(reps > 0 ? (int)reps : 20, argc > 3 ? argv[3] : NULL);
    }
    test_kinds_table();
    test_bootdist();
    test_estimation();
    test_box_kind();
    test_timecourse();
    test_arena_kinds();
    test_trajectory_bands();
    test_doseresponse();
    test_panel_and_formats();
    test_study_keys();
    cairo_debug_reset_static_data();
    return CHECK_DONE();
}
