/* fig_arena.c: the figure kinds drawn in the tank: `trajectory` (small multiples of every fish's path, coloured by time or speed) and `heatmap` (occupancy per group on one viridis scale, and the depth profile). */
#include "plot/plot_internal.h"

#include "zfstress/core.h"

#include <gsl/gsl_sort.h>
#include <gsl/gsl_statistics_double.h>

#include "core/pool.h"

#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PATH_LW_PT 0.4
#define TANK_LW_PT 0.4
#define TANK_INK 0x555555u
#define NBUCKET 64       /* colour steps along a path */
#define PATH_TOL 0.03    /* mm: a path may leave its track by this much (a third of a 300-dpi pixel) */
#define MAX_SPEED_SAMPLES 200000
#define BAND_MIN_SAMPLES 20000 /* paths worth a second thread (cairo strokes about 1.5 M steps a second) */

/* light tints, one per zone in turn (the side view's top zone gets the first) */
static const uint32_t zone_rgb[4] = {0xDCEAF4u, 0xF1EBDDu, 0xE2F0DEu, 0xF2E2EBu};

typedef struct arena_box {
    double x, y, w, h; /* the tank on the page (mm) */
    double W, H;       /* the arena (mm) */
} arena_box;

static double ax_x(const arena_box *b, double x) { return b->x + x / b->W * b->w; }
static double ax_y(const arena_box *b, double y) { return b->y + b->h - y / b->H * b->h; }

static void arena_of(const zf_plot_source *src, double *W, double *H)
{
    *W = src->arena.width_mm > 0 ? src->arena.width_mm : 200.0;
    *H = src->arena.height_mm > 0 ? src->arena.height_mm : 150.0;
}

/* The path of a zone on the page. */
static void zone_path(cairo_t *cr, const zf_plot_zone *zn, const arena_box *b)
{
    cairo_new_path(cr);
    if (zn->shape == ZF_SHAPE_CIRCLE) {
        cairo_arc(cr, ax_x(b, zn->v[0]), ax_y(b, zn->v[1]), zn->v[2] / b->W * b->w, 0.0, 2.0 * ZF_PI);
    } else if (zn->shape == ZF_SHAPE_POLYGON) {
        for (size_t k = 0; k < zn->nv; k++)
            cairo_line_to(cr, ax_x(b, zn->v[2 * k]), ax_y(b, zn->v[2 * k + 1]));
        cairo_close_path(cr);
    } else {
        double x0 = ax_x(b, zn->v[0]), x1 = ax_x(b, zn->v[2]);
        double y0 = ax_y(b, zn->v[3]), y1 = ax_y(b, zn->v[1]);
        cairo_rectangle(cr, x0, y0, x1 - x0, y1 - y0);
    }
}

/* The arena's outline: the tank's rectangle, or the round arena of a top
 * view (diameter min(width, height), centred). */
static void tank_path(cairo_t *cr, const zf_plot_source *src, const arena_box *b)
{
    cairo_new_path(cr);
    if (src->arena.kind == ZF_ARENA_TOP && src->arena_shape == ZF_SHAPE_CIRCLE)
        cairo_arc(cr, b->x + b->w / 2.0, b->y + b->h / 2.0, fmin(b->w, b->h) / 2.0, 0.0, 2.0 * ZF_PI);
    else
        cairo_rectangle(cr, b->x, b->y, b->w, b->h);
}

static void draw_zones(cairo_t *cr, const zf_plot_source *src, const arena_box *b)
{
    cairo_save(cr);
    tank_path(cr, src, b);
    cairo_clip(cr);
    for (size_t z = 0; z < src->nzones; z++) {
        zone_path(cr, &src->zones[z], b);
        zf_canvas_rgb(cr, zone_rgb[z % 4]);
        cairo_fill(cr);
    }
    cairo_restore(cr);
}

static void draw_tank(cairo_t *cr, const zf_plot_source *src, const arena_box *b)
{
    zf_canvas_rgb(cr, TANK_INK);
    cairo_set_line_width(cr, TANK_LW_PT * ZF_MM_PER_PT);
    tank_path(cr, src, b);
    cairo_stroke(cr);
}

/* "shaded: top zone, bottom zone" for the captions ("" without zones). */
static void zone_text(const zf_plot_source *src, char *buf, size_t size)
{
    size_t at = 0;
    buf[0] = '\0';
    for (size_t z = 0; z < src->nzones && at < size; z++) {
        static const char *const tint[4] = {"blue", "beige", "green", "pink"};
        int w = snprintf(buf + at, size - at, "%s%s (%s)", z ? ", " : "; shaded: ",
                         src->zones[z].name ? src->zones[z].name : "zone", tint[z % 4]);
        if (w < 0)
            break;
        at += (size_t)w;
    }
}

/* Levels and, per level, its subjects in sheet order. */
typedef struct roster {
    size_t ng, *lev, *n, **subj;
} roster;

static void roster_free(roster *r)
{
    for (size_t g = 0; r->subj && g < r->ng; g++)
        free(r->subj[g]);
    free(r->subj);
    free(r->n);
    free(r->lev);
    memset(r, 0, sizeof *r);
}

static int roster_build(zf_fig *f, const zf_figure_spec *spec, roster *r)
{
    memset(r, 0, sizeof *r);
    int rc = zf_fig_levels(f, spec, &r->lev, &r->ng);
    if (rc != ZF_OK)
        return rc;
    r->n = calloc(r->ng, sizeof *r->n);
    r->subj = calloc(r->ng, sizeof *r->subj);
    if (!r->n || !r->subj)
        return zf_error(ZF_ENOMEM, "out of memory");
    const zf_plot_source *src = f->src;
    for (size_t g = 0; g < r->ng; g++) {
        if (!(r->subj[g] = malloc((src->nsubjects + 1) * sizeof **r->subj)))
            return zf_error(ZF_ENOMEM, "out of memory");
        for (size_t i = 0; i < src->nsubjects; i++)
            if (src->group[i] == r->lev[g])
                r->subj[g][r->n[g]++] = i;
    }
    return ZF_OK;
}

static int read_track(zf_fig *f, size_t i, zf_track *tr)
{
    if (!f->src->track)
        return zf_error(ZF_EINVAL, "figure: the data has no tracks");
    return f->src->track(f->src->ctx, i, tr);
}

/* ---- trajectory ----------------------------------------------------------- */

/* Tracks kept in memory between the two passes over them (the colour scale,
 * then the drawing), up to a bound; beyond it they are read again. */
#define CACHE_MAX_SAMPLES 4000000

typedef struct track_cache {
    zf_track *tr;   /* [count], in roster order */
    char *held;     /* [count] 1 when tr[i] holds subject i's track */
    size_t count;
} track_cache;

static void cache_free(track_cache *c)
{
    for (size_t i = 0; c->tr && i < c->count; i++)
        zf_track_free(&c->tr[i]);
    free(c->tr);
    free(c->held);
    memset(c, 0, sizeof *c);
}

/* The colour scale of the paths: trial time (0..tmax, min or s) or speed
 * (0..95th percentile of every step's speed, mm/s). Fills the cache. */
static int path_scale(zf_fig *f, const roster *r, int speed, double *vmax, track_cache *c)
{
    int rc = ZF_OK;
    zf_track tmp;
    double *sp = NULL;
    size_t nsp = 0, seen = 0, total = 0, idx = 0;
    zf_track_init(&tmp);
    *vmax = 0.0;
    for (size_t g = 0; g < r->ng; g++)
        c->count += r->n[g];
    c->tr = calloc(c->count + 1, sizeof *c->tr);
    c->held = calloc(c->count + 1, 1);
    if (!c->tr || !c->held || (speed && !(sp = malloc(MAX_SPEED_SAMPLES * sizeof *sp)))) {
        rc = zf_error(ZF_ENOMEM, "out of memory");
        goto done;
    }
    for (size_t i = 0; i < c->count; i++)
        zf_track_init(&c->tr[i]);
    for (size_t g = 0; g < r->ng && rc == ZF_OK; g++)
        for (size_t k = 0; k < r->n[g] && rc == ZF_OK; k++, idx++) {
            zf_track *tr = total < CACHE_MAX_SAMPLES ? &c->tr[idx] : &tmp;
            if ((rc = read_track(f, r->subj[g][k], tr)) != ZF_OK)
                break;
            if (tr != &tmp) {
                c->held[idx] = 1;
                total += tr->n;
            }
            if (!speed) {
                if (tr->n)
                    *vmax = fmax(*vmax, tr->t[tr->n - 1]);
                continue;
            }
            for (size_t j = 1; j < tr->n; j++) {
                double dt = tr->t[j] - tr->t[j - 1];
                double v = hypot(tr->x[j] - tr->x[j - 1], tr->y[j] - tr->y[j - 1]) / dt;
                if (!(dt > 0.0) || !isfinite(v))
                    continue;
                /* a deterministic thinning keeps memory bounded on long studies */
                if (nsp < MAX_SPEED_SAMPLES)
                    sp[nsp++] = v;
                else
                    sp[seen % MAX_SPEED_SAMPLES] = v;
                seen++;
            }
        }
    if (rc == ZF_OK && speed && nsp) {
        gsl_sort(sp, 1, nsp);
        *vmax = gsl_stats_quantile_from_sorted_data(sp, 1, nsp, 0.95);
    }
    if (!(*vmax > 0.0))
        *vmax = 1.0;
done:
    zf_track_free(&tmp);
    free(sp);
    return rc;
}

typedef struct vpt {
    double x, y;
} vpt;

/* Douglas-Peucker (1973): keep[] marks the vertices of p[0..n) that keep
 * the polyline within tol of the original. stack holds 2n indices. */
static void simplify(const vpt *p, size_t n, double tol, unsigned char *keep, size_t *stack)
{
    size_t top = 0;
    memset(keep, 0, n);
    keep[0] = keep[n - 1] = 1;
    stack[top++] = 0;
    stack[top++] = n - 1;
    while (top) {
        size_t b = stack[--top], a = stack[--top];
        double dx = p[b].x - p[a].x, dy = p[b].y - p[a].y, len2 = dx * dx + dy * dy, best = -1.0;
        size_t at = a;
        for (size_t i = a + 1; i < b; i++) {
            double ex = p[i].x - p[a].x, ey = p[i].y - p[a].y, d2;
            if (len2 > 0.0) {
                double cross = ex * dy - ey * dx;
                d2 = cross * cross / len2;
                double t = (ex * dx + ey * dy) / len2; /* beyond the ends: distance to the end */
                if (t < 0.0)
                    d2 = ex * ex + ey * ey;
                else if (t > 1.0)
                    d2 = (p[i].x - p[b].x) * (p[i].x - p[b].x) + (p[i].y - p[b].y) * (p[i].y - p[b].y);
            } else {
                d2 = ex * ex + ey * ey;
            }
            if (d2 > best) {
                best = d2;
                at = i;
            }
        }
        if (best > tol * tol) {
            keep[at] = 1;
            stack[top++] = a;
            stack[top++] = at;
            stack[top++] = at;
            stack[top++] = b;
        }
    }
}

static void stroke_run(cairo_t *cr, const vpt *p, size_t n, int bucket, unsigned char *keep, size_t *stack)
{
    if (n < 2)
        return;
    simplify(p, n, PATH_TOL, keep, stack);
    zf_canvas_rgb(cr, zf_viridis(((double)bucket + 0.5) / NBUCKET));
    cairo_move_to(cr, p[0].x, p[0].y);
    for (size_t i = 1; i < n; i++)
        if (keep[i])
            cairo_line_to(cr, p[i].x, p[i].y);
    cairo_stroke(cr);
}

/* One fish's path: runs of one colour, each simplified to within PATH_TOL
 * of the track (far below a pixel at 300 dpi), each one stroke. */
static int draw_path(cairo_t *cr, const zf_track *tr, const arena_box *b, int speed, double vmax)
{
    if (tr->n < 2)
        return ZF_OK;
    vpt *p = malloc(tr->n * sizeof *p);
    unsigned char *keep = malloc(tr->n);
    size_t *stack = malloc(2 * tr->n * sizeof *stack);
    if (!p || !keep || !stack) {
        free(p);
        free(keep);
        free(stack);
        return zf_error(ZF_ENOMEM, "out of memory");
    }
    /* thousands of thin steps: cairo's fast antialiasing draws them in half
     * the time and looks the same at print resolution (PDF/SVG keep vectors) */
    cairo_set_antialias(cr, CAIRO_ANTIALIAS_FAST);
    cairo_set_line_width(cr, PATH_LW_PT * ZF_MM_PER_PT);
    /* bevel joins: at 0.4 pt they look round, and cost no curves per step */
    cairo_set_line_join(cr, CAIRO_LINE_JOIN_BEVEL);
    cairo_set_line_cap(cr, CAIRO_LINE_CAP_BUTT);
    int bucket = -1;
    size_t n = 0;
    for (size_t j = 1; j < tr->n; j++) {
        if (!isfinite(tr->x[j - 1]) || !isfinite(tr->y[j - 1]) || !isfinite(tr->x[j]) || !isfinite(tr->y[j])) {
            stroke_run(cr, p, n, bucket, keep, stack); /* a gap in the track is a gap in the path */
            n = 0;
            continue;
        }
        double v;
        if (speed) {
            double dt = tr->t[j] - tr->t[j - 1];
            v = dt > 0.0 ? hypot(tr->x[j] - tr->x[j - 1], tr->y[j] - tr->y[j - 1]) / dt : 0.0;
        } else {
            v = tr->t[j];
        }
        int bk = (int)fmin(NBUCKET - 1, fmax(0.0, floor(v / vmax * NBUCKET)));
        if (n && bk != bucket) {
            stroke_run(cr, p, n, bucket, keep, stack);
            n = 0;
        }
        if (n == 0)
            p[n++] = (vpt){ax_x(b, tr->x[j - 1]), ax_y(b, tr->y[j - 1])}; /* runs join up */
        p[n++] = (vpt){ax_x(b, tr->x[j]), ax_y(b, tr->y[j])};
        bucket = bk;
    }
    stroke_run(cr, p, n, bucket, keep, stack);
    cairo_set_line_join(cr, CAIRO_LINE_JOIN_MITER);
    cairo_set_antialias(cr, CAIRO_ANTIALIAS_DEFAULT);
    free(p);
    free(keep);
    free(stack);
    return ZF_OK;
}

/* A fish's path clipped to its tank. */
static int clipped_path(cairo_t *cr, const zf_track *t, const arena_box *b, int speed, double vmax)
{
    cairo_save(cr);
    cairo_rectangle(cr, b->x, b->y, b->w, b->h);
    cairo_clip(cr);
    int rc = draw_path(cr, t, b, speed, vmax);
    cairo_restore(cr);
    return rc;
}

typedef struct path_job {
    const zf_track *t; /* NULL: drawn already */
    arena_box b;
    size_t lev, subj;
    double dy0, dy1;   /* the tank's rows on the image (device units) */
} path_job;

/* The paths of the tanks that reach into rows [y0, y1) of the image, drawn
 * on a surface of those rows alone. */
typedef struct path_band {
    cairo_surface_t *surf;
    cairo_t *cr;
    const path_job *job;
    size_t njob;
    double y0, y1;
    int speed, rc;
    double vmax;
    char err[512];
} path_band;

static void *band_draw(void *arg)
{
    path_band *bd = arg;
    bd->rc = ZF_OK;
    for (size_t i = 0; i < bd->njob && bd->rc == ZF_OK; i++) {
        const path_job *j = &bd->job[i];
        if (j->t && j->dy1 > bd->y0 && j->dy0 < bd->y1)
            bd->rc = clipped_path(bd->cr, j->t, &j->b, bd->speed, bd->vmax);
    }
    if (bd->rc != ZF_OK)
        snprintf(bd->err, sizeof bd->err, "%s", zf_errmsg());
    return NULL;
}

/* A context on rows [y0, y1) of the image target of cr, with cr's transform. */
static int band_open(cairo_t *cr, cairo_surface_t *target, int y0, int y1, path_band *bd)
{
    unsigned char *data = cairo_image_surface_get_data(target);
    int stride = cairo_image_surface_get_stride(target), w = cairo_image_surface_get_width(target);
    double ox, oy, sx, sy;
    cairo_matrix_t m;
    cairo_surface_get_device_offset(target, &ox, &oy);
    cairo_surface_get_device_scale(target, &sx, &sy);
    cairo_get_matrix(cr, &m);
    bd->surf = cairo_image_surface_create_for_data(data + (size_t)y0 * (size_t)stride, CAIRO_FORMAT_ARGB32, w,
                                                   y1 - y0, stride);
    cairo_surface_set_device_offset(bd->surf, ox, oy - y0);
    cairo_surface_set_device_scale(bd->surf, sx, sy);
    bd->cr = cairo_create(bd->surf);
    cairo_set_matrix(bd->cr, &m);
    bd->y0 = y0;
    bd->y1 = y1;
    return cairo_status(bd->cr) == CAIRO_STATUS_SUCCESS ? ZF_OK : zf_error(ZF_ENOMEM, "figure: %s",
                                                                          cairo_status_to_string(cairo_status(bd->cr)));
}

static void band_close(path_band *bd)
{
    if (bd->cr)
        cairo_destroy(bd->cr);
    if (bd->surf)
        cairo_surface_destroy(bd->surf);
}

/* Every job's path. On an image with many samples to draw and a second core,
 * the rows are split where half the samples lie above: this thread draws the
 * tanks that reach into the upper band, a second one those that reach into
 * the lower band, each on its own surface over those rows of the image (a
 * tank across the split is drawn by both, each keeping to its rows). The
 * pixels are those of one thread drawing it all: cairo rasterizes each row
 * of pixels from that row's own samples. */
static int draw_paths(cairo_t *cr, path_job *jobs, size_t n, int speed, double vmax)
{
    cairo_surface_t *target = cairo_get_target(cr);
    size_t samples = 0;
    for (size_t i = 0; i < n; i++)
        samples += jobs[i].t ? jobs[i].t->n : 0;
    int h = cairo_surface_get_type(target) == CAIRO_SURFACE_TYPE_IMAGE ? cairo_image_surface_get_height(target) : 0;
    if (samples < BAND_MIN_SAMPLES || zf_jobs() < 2 || cairo_get_group_target(cr) != target || h < 2 ||
        cairo_image_surface_get_format(target) != CAIRO_FORMAT_ARGB32) {
        for (size_t i = 0; i < n; i++) {
            int rc = jobs[i].t ? clipped_path(cr, jobs[i].t, &jobs[i].b, speed, vmax) : ZF_OK;
            if (rc != ZF_OK)
                return rc;
        }
        return ZF_OK;
    }
    /* the tanks' rows, and the row with half the samples above (tanks are laid out by rows) */
    size_t above = 0;
    int split = h / 2;
    for (size_t i = 0; i < n; i++) {
        double x0 = jobs[i].b.x, y0 = jobs[i].b.y, x1 = x0 + jobs[i].b.w, y1 = y0 + jobs[i].b.h;
        cairo_user_to_device(cr, &x0, &y0);
        cairo_user_to_device(cr, &x1, &y1);
        jobs[i].dy0 = floor(fmin(y0, y1)) - 2.0; /* antialiasing reaches a pixel beyond */
        jobs[i].dy1 = ceil(fmax(y0, y1)) + 2.0;
    }
    for (size_t i = 0; i < n; i++) {
        if (!jobs[i].t)
            continue;
        above += jobs[i].t->n;
        if (2 * above >= samples) {
            split = (int)fmin(fmax(jobs[i].dy1, 1.0), (double)(h - 1));
            break;
        }
    }
    int rc = ZF_OK;
    path_band top = {0}, bottom = {0};
    pthread_t th;
    top.job = bottom.job = jobs;
    top.njob = bottom.njob = n;
    top.speed = bottom.speed = speed;
    top.vmax = bottom.vmax = vmax;
    cairo_surface_flush(target);
    if ((rc = band_open(cr, target, 0, split, &top)) != ZF_OK || (rc = band_open(cr, target, split, h, &bottom)) != ZF_OK)
        goto done;
    if (pthread_create(&th, NULL, band_draw, &bottom) == 0) {
        band_draw(&top);
        pthread_join(th, NULL);
    } else { /* no second thread: both bands here */
        band_draw(&top);
        band_draw(&bottom);
    }
    if (top.rc != ZF_OK || bottom.rc != ZF_OK)
        rc = zf_error(top.rc != ZF_OK ? top.rc : bottom.rc, "%s", top.rc != ZF_OK ? top.err : bottom.err);
done:
    band_close(&top);
    band_close(&bottom);
    cairo_surface_mark_dirty(target);
    return rc;
}

int zf_draw_trajectory(zf_fig *f, const zf_figure_spec *spec, double x, double y, double w, double h)
{
    int rc = ZF_OK;
    cairo_t *cr = f->cr;
    const zf_plot_source *src = f->src;
    roster r;
    zf_track tr;
    track_cache cache;
    path_job *jobs = NULL;
    memset(&cache, 0, sizeof cache);
    zf_track_init(&tr);
    int speed = spec->colour_by && strcmp(spec->colour_by, "speed") == 0;
    if (spec->colour_by && !speed && strcmp(spec->colour_by, "time") != 0)
        return zf_error(ZF_EINVAL, "trajectory: unknown colour_by '%s' (time, speed)", spec->colour_by);
    if ((rc = roster_build(f, spec, &r)) != ZF_OK)
        goto done;
    double W, H, vmax = 1.0;
    arena_of(src, &W, &H);
    if ((rc = path_scale(f, &r, speed, &vmax, &cache)) != ZF_OK)
        goto done;
    int minutes = !speed && vmax >= 120.0;

    char caption[640], zones[128];
    zone_text(src, zones, sizeof zones);
    size_t total = 0;
    for (size_t g = 0; g < r.ng; g++)
        total += r.n[g];
    if (speed)
        snprintf(caption, sizeof caption,
                 "each tank: one fish's path in the %g %s %g mm %s-view arena (%zu fish, every fish shown)%s; "
                 "colour: swimming speed, scale clipped at the 95th percentile of all steps (%.1f mm/s)",
                 W, "\xc3\x97", H, src->arena.kind == ZF_ARENA_TOP ? "top" : "side", total, zones, vmax);
    else
        snprintf(caption, sizeof caption,
                 "each tank: one fish's path in the %g %s %g mm %s-view arena (%zu fish, every fish shown)%s; "
                 "colour: time since the start of the trial",
                 W, "\xc3\x97", H, src->arena.kind == ZF_ARENA_TOP ? "top" : "side", total, zones);
    const char *title = spec->title ? spec->title : "Swimming paths";
    double top = zf_fig_title(f, title, x, y, w, 1);
    double cap = zf_fig_caption(f, caption, x, y, w, h, 1);

    /* left: group names; right: the colour bar */
    char buf[64];
    double namew = 0.0;
    for (size_t g = 0; g < r.ng; g++) {
        zf_canvas_font(cr, ZF_TICK_PT, 1);
        namew = fmax(namew, zf_canvas_text_width(cr, zf_level_label(src, r.lev[g])));
        zf_canvas_font(cr, ZF_TICK_PT - 0.5, 0);
        snprintf(buf, sizeof buf, "n = %zu", r.n[g]);
        namew = fmax(namew, zf_canvas_text_width(cr, buf));
    }
    zf_axis cb;
    if ((rc = zf_axis_linear(&cb, 0.0, speed ? vmax : (minutes ? vmax / 60.0 : vmax), 4)) != ZF_OK)
        goto done;
    cb.v1 = speed ? vmax : (minutes ? vmax / 60.0 : vmax); /* the bar ends where the data does */
    if (cb.t.lo + (cb.t.count - 1) * cb.t.step > cb.v1 + 1e-9 * cb.t.step)
        cb.t.count--;
    const char *cblabel = speed ? "speed (mm/s)" : minutes ? "time (min)" : "time (s)";
    double cbw = 2.2, cbx_w = cbw + zf_colourbar(cr, &cb, 0, 0, cbw, 10.0, cblabel, 0) + 1.0;
    double tx0 = x + ZF_MARGIN + namew + 1.5, tx1 = x + w - ZF_MARGIN - cbx_w - 2.0;
    double ty0 = top + 0.5, ty1 = cap - 1.5;
    size_t maxn = 1;
    for (size_t g = 0; g < r.ng; g++)
        maxn = r.n[g] > maxn ? r.n[g] : maxn;
    size_t cols = maxn < 12 ? maxn : 12;
    double gap = 1.0, vgap = 1.2, ggap = 1.6;
    /* the largest tank with the arena's aspect that fits both ways */
    double tw = 0.0, th = 0.0;
    size_t rows = 0;
    for (;;) {
        rows = 0;
        for (size_t g = 0; g < r.ng; g++)
            rows += r.n[g] ? (r.n[g] + cols - 1) / cols : 1;
        tw = (tx1 - tx0 - (double)(cols - 1) * gap) / (double)cols;
        double hmax = (ty1 - ty0 - (double)(rows - 1) * vgap - (double)(r.ng - 1) * (ggap - vgap)) / (double)rows;
        th = tw * H / W;
        if (th > hmax) {
            th = hmax;
            tw = th * W / H;
        }
        /* more columns when the height, not the width, limits the tanks */
        if (cols < maxn && (double)(cols + 1) * (tw + gap) <= tx1 - tx0 + gap && th >= hmax - 1e-9)
            cols++;
        else
            break;
    }
    if (!(tw > 2.0 && th > 1.5)) {
        rc = zf_error(ZF_EINVAL, "trajectory: %.0f x %.0f mm is too small for %zu fish", w, h, total);
        goto done;
    }
    /* zones, then every path, then every outline: tanks do not overlap, so
     * the paths may be drawn in any order (held ones possibly by two threads) */
    if (!(jobs = calloc(total + 1, sizeof *jobs))) {
        rc = zf_error(ZF_ENOMEM, "out of memory");
        goto done;
    }
    double cy = ty0;
    size_t idx = 0;
    for (size_t g = 0; g < r.ng; g++) {
        size_t grows = r.n[g] ? (r.n[g] + cols - 1) / cols : 1;
        double gh = (double)grows * th + (double)(grows - 1) * vgap;
        zf_canvas_rgb(cr, ZF_INK);
        zf_canvas_font(cr, ZF_TICK_PT, 1);
        double nh = zf_canvas_font_height(cr);
        zf_canvas_text(cr, tx0 - 1.5, cy + gh / 2.0 - nh / 2.0, zf_level_label(src, r.lev[g]), 1.0,
                       ZF_VALIGN_MIDDLE);
        zf_canvas_font(cr, ZF_TICK_PT - 0.5, 0);
        snprintf(buf, sizeof buf, "n = %zu", r.n[g]);
        zf_canvas_text(cr, tx0 - 1.5, cy + gh / 2.0 + nh / 2.0, buf, 1.0, ZF_VALIGN_MIDDLE);
        for (size_t k = 0; k < r.n[g]; k++) {
            arena_box b = {tx0 + (double)(k % cols) * (tw + gap), cy + (double)(k / cols) * (th + vgap), tw, th, W, H};
            path_job *j = &jobs[idx];
            j->b = b;
            j->lev = r.lev[g];
            j->subj = r.subj[g][k];
            draw_zones(cr, src, &b);
            if (cache.held[idx]) {
                j->t = &cache.tr[idx];
            } else { /* read again: drawn now, before the next one is read */
                if ((rc = read_track(f, r.subj[g][k], &tr)) != ZF_OK ||
                    (rc = clipped_path(cr, &tr, &b, speed, vmax)) != ZF_OK)
                    goto done;
            }
            idx++;
        }
        cy += gh + ggap;
    }
    if ((rc = draw_paths(cr, jobs, total, speed, vmax)) != ZF_OK)
        goto done;
    for (size_t i = 0; i < total; i++) {
        draw_tank(cr, src, &jobs[i].b);
        zf_fig_mark(f, ZF_MARK_TANK, jobs[i].lev, jobs[i].subj, jobs[i].b.x, jobs[i].b.y, jobs[i].b.w, jobs[i].b.h,
                    0.0, 0.0);
    }
    /* the colour bar beside the tanks, as tall as they allow */
    double used = cy - ggap - ty0;
    double cbh = fmin(fmax(12.0, 0.6 * used), 40.0);
    double cbx = x + w - ZF_MARGIN - cbx_w + 1.0, cby = ty0 + (used - cbh) / 2.0;
    zf_colourbar(cr, &cb, cbx, cby, cbw, cbh, cblabel, 1);
    zf_fig_mark(f, ZF_MARK_LEGEND, 0, 0, cbx, cby, cbw, cbh, 0.0, 0.0);
    zf_fig_procedure(f, "trajectory: every fish's path, coloured by %s%s", speed ? "speed (95th-percentile scale)" : "time",
                     src->nzones ? ", zones shaded" : "");
done:
    free(jobs);
    zf_track_free(&tr);
    cache_free(&cache);
    roster_free(&r);
    return rc;
}

/* ---- heatmap ------------------------------------------------------------------ */

typedef struct occ {
    size_t nx, ny;     /* cells */
    double cell;       /* cell size (mm) */
    double *map;       /* [ng][ny][nx] mean % of time (row 0 at the floor) */
    double *prof, *prof_sem; /* [ng][ny] depth profile: mean and SEM over fish, % */
    size_t *nfish;     /* [ng] fish with positions */
} occ;

static void occ_free(occ *o)
{
    free(o->map);
    free(o->prof);
    free(o->prof_sem);
    free(o->nfish);
    memset(o, 0, sizeof *o);
}

/* Time-weighted occupancy of every fish (each sample lasts until the next
 * one, as the metrics count time), as % of its tracked time, averaged over
 * the fish of each group: every fish weighs the same. */
static int occupancy(zf_fig *f, const roster *r, double W, double H, occ *o)
{
    int rc = ZF_OK;
    zf_track tr;
    double *fish = NULL, *rows = NULL;
    char *has = NULL;
    size_t total = 0, at = 0;
    zf_track_init(&tr);
    o->cell = fmax(W, H) / 20.0;
    o->nx = (size_t)fmax(1.0, round(W / o->cell));
    o->ny = (size_t)fmax(1.0, round(H / o->cell));
    size_t nc = o->nx * o->ny;
    for (size_t g = 0; g < r->ng; g++)
        total += r->n[g];
    o->map = calloc(r->ng * nc, sizeof *o->map);
    o->prof = calloc(r->ng * o->ny, sizeof *o->prof);
    o->prof_sem = calloc(r->ng * o->ny, sizeof *o->prof_sem);
    o->nfish = calloc(r->ng, sizeof *o->nfish);
    fish = malloc(nc * sizeof *fish);
    rows = calloc((total + 1) * o->ny, sizeof *rows); /* every fish's depth profile, for the SEM */
    has = calloc(total + 1, 1);
    if (!o->map || !o->prof || !o->prof_sem || !o->nfish || !fish || !rows || !has) {
        rc = zf_error(ZF_ENOMEM, "out of memory");
        goto done;
    }
    /* one pass over the tracks (reading them is the slow part) */
    for (size_t g = 0; g < r->ng && rc == ZF_OK; g++)
        for (size_t k = 0; k < r->n[g]; k++, at++) {
            if ((rc = read_track(f, r->subj[g][k], &tr)) != ZF_OK)
                break;
            memset(fish, 0, nc * sizeof *fish);
            double tot = 0.0;
            for (size_t j = 0; j + 1 < tr.n; j++) {
                double dt = tr.t[j + 1] - tr.t[j];
                if (!isfinite(tr.x[j]) || !isfinite(tr.y[j]) || !(dt > 0.0))
                    continue;
                long cx = lround(floor(tr.x[j] / W * (double)o->nx));
                long cy = lround(floor(tr.y[j] / H * (double)o->ny));
                cx = cx < 0 ? 0 : cx >= (long)o->nx ? (long)o->nx - 1 : cx;
                cy = cy < 0 ? 0 : cy >= (long)o->ny ? (long)o->ny - 1 : cy;
                fish[(size_t)cy * o->nx + (size_t)cx] += dt;
                tot += dt;
            }
            if (!(tot > 0.0))
                continue; /* no position tracked: not counted in n */
            has[at] = 1;
            o->nfish[g]++;
            for (size_t c = 0; c < nc; c++)
                o->map[g * nc + c] += fish[c] * 100.0 / tot;
            double *row = rows + at * o->ny;
            for (size_t yy = 0; yy < o->ny; yy++) {
                for (size_t xx = 0; xx < o->nx; xx++)
                    row[yy] += fish[yy * o->nx + xx];
                row[yy] *= 100.0 / tot;
                o->prof[g * o->ny + yy] += row[yy];
            }
        }
    if (rc != ZF_OK)
        goto done;
    at = 0;
    for (size_t g = 0; g < r->ng; g++) {
        double n = (double)o->nfish[g];
        for (size_t c = 0; n > 0.0 && c < nc; c++)
            o->map[g * nc + c] /= n;
        for (size_t yy = 0; n > 0.0 && yy < o->ny; yy++)
            o->prof[g * o->ny + yy] /= n;
        for (size_t yy = 0; yy < o->ny; yy++) {
            double ss = 0.0;
            for (size_t k = 0; k < r->n[g]; k++)
                if (has[at + k]) {
                    double d = rows[(at + k) * o->ny + yy] - o->prof[g * o->ny + yy];
                    ss += d * d;
                }
            o->prof_sem[g * o->ny + yy] = n > 1.0 ? sqrt(ss / (n - 1.0)) / sqrt(n) : NAN;
        }
        at += r->n[g];
    }
done:
    zf_track_free(&tr);
    free(fish);
    free(rows);
    free(has);
    return rc;
}

/* The cells as one small image scaled up without smoothing: no seams
 * between cells in the PNG, and one image (not hundreds of rectangles) in
 * the PDF and SVG. Row 0 of map is at the floor. */
static int paint_cells(cairo_t *cr, const zf_plot_source *src, const double *map, size_t nx, size_t ny, double vmax,
                       const arena_box *b)
{
    cairo_surface_t *img = cairo_image_surface_create(CAIRO_FORMAT_RGB24, (int)nx, (int)ny);
    int rc = zf_cairo_error(cairo_surface_status(img), "heatmap");
    if (rc == ZF_OK) {
        cairo_surface_flush(img);
        unsigned char *data = cairo_image_surface_get_data(img);
        int stride = cairo_image_surface_get_stride(img);
        for (size_t yy = 0; data && yy < ny; yy++)
            for (size_t xx = 0; xx < nx; xx++) {
                uint32_t px = zf_viridis(map[(ny - 1 - yy) * nx + xx] / vmax) | 0xFF000000u;
                memcpy(data + yy * (size_t)stride + 4 * xx, &px, sizeof px);
            }
        cairo_surface_mark_dirty(img);
        cairo_save(cr);
        tank_path(cr, src, b);
        cairo_clip(cr);
        cairo_translate(cr, b->x, b->y);
        cairo_scale(cr, b->w / (double)nx, b->h / (double)ny);
        cairo_set_source_surface(cr, img, 0.0, 0.0);
        cairo_pattern_set_filter(cairo_get_source(cr), CAIRO_FILTER_NEAREST);
        cairo_paint(cr);
        cairo_restore(cr);
    }
    cairo_surface_destroy(img);
    return rc;
}

int zf_draw_heatmap(zf_fig *f, const zf_figure_spec *spec, double x, double y, double w, double h)
{
    int rc = ZF_OK;
    cairo_t *cr = f->cr;
    const zf_plot_source *src = f->src;
    roster r;
    occ o;
    memset(&o, 0, sizeof o);
    if ((rc = roster_build(f, spec, &r)) != ZF_OK)
        goto done;
    double W, H;
    arena_of(src, &W, &H);
    if ((rc = occupancy(f, &r, W, H, &o)) != ZF_OK)
        goto done;
    int side = src->arena.kind != ZF_ARENA_TOP;
    size_t nc = o.nx * o.ny;
    double vmax = 0.0, pmax = 0.0;
    for (size_t c = 0; c < r.ng * nc; c++)
        vmax = fmax(vmax, o.map[c]);
    for (size_t c = 0; c < r.ng * o.ny; c++)
        pmax = fmax(pmax, o.prof[c] + (isfinite(o.prof_sem[c]) ? o.prof_sem[c] : 0.0));
    zf_axis cb, apx, apy;
    if ((rc = zf_axis_linear(&cb, 0.0, vmax > 0.0 ? vmax : 1.0, 4)) != ZF_OK ||
        (rc = zf_axis_linear(&apx, 0.0, pmax > 0.0 ? pmax : 1.0, 3)) != ZF_OK ||
        (rc = zf_axis_linear(&apy, 0.0, H, 4)) != ZF_OK)
        goto done;
    apy.v1 = H; /* the profile's height axis is the tank's */
    while (apy.t.count > 2 && apy.t.lo + (apy.t.count - 1) * apy.t.step > H + 1e-9)
        apy.t.count--;

    char caption[640], zones[160], fish[64];
    zones[0] = '\0';
    for (size_t z = 0, at = 0; z < src->nzones && at < sizeof zones; z++) {
        int wr = snprintf(zones + at, sizeof zones - at, "%s%s", z ? ", " : "; dashed outlines: ",
                          src->zones[z].name ? src->zones[z].name : "zone");
        if (wr < 0)
            break;
        at += (size_t)wr;
    }
    size_t nmin = (size_t)-1, nmax = 0;
    for (size_t g = 0; g < r.ng; g++) {
        nmin = o.nfish[g] < nmin ? o.nfish[g] : nmin;
        nmax = o.nfish[g] > nmax ? o.nfish[g] : nmax;
    }
    if (nmin == nmax)
        snprintf(fish, sizeof fish, "%zu fish per group", nmax);
    else
        snprintf(fish, sizeof fish, "%zu-%zu fish per group", nmin, nmax);
    snprintf(caption, sizeof caption,
             "occupancy: %% of each fish's tracked time in each %g %s %g mm cell, averaged over fish (%s), one colour "
             "scale for all groups%s%s",
             o.cell, "\xc3\x97", o.cell, fish, zones,
             side ? "; right: depth profile, % of time at each height (mean \xc2\xb1 SEM over fish; line colours as beside the group names)" : "");
    const char *title = spec->title ? spec->title : side ? "Occupancy and depth profile" : "Occupancy";
    double top = zf_fig_title(f, title, x, y, w, 1);
    double cap = zf_fig_caption(f, caption, x, y, w, h, 1);

    /* right to left: depth profile, colour bar; the tanks get the rest */
    zf_canvas_font(cr, ZF_TICK_PT, 0);
    double tick_h = zf_canvas_font_height(cr);
    zf_canvas_font(cr, ZF_LABEL_PT, 0);
    double lab_h = zf_canvas_font_height(cr);
    double prof_w = side ? fmin(46.0, 0.28 * w) : 0.0;
    double cbw = 2.2;
    const char *cblabel = "time (%)";
    double cb_total = cbw + zf_colourbar(cr, &cb, 0, 0, cbw, 10, cblabel, 0);
    double tx0 = x + ZF_MARGIN, tx1 = x + w - ZF_MARGIN - prof_w - cb_total - 3.0;
    size_t per_row = r.ng < 4 ? r.ng : 4;
    if (per_row == 0)
        per_row = 1;
    size_t rows = (r.ng + per_row - 1) / per_row;
    zf_canvas_font(cr, ZF_TICK_PT, 0);
    double name_h = zf_canvas_font_height(cr) + 0.6;
    double gap = 2.0;
    double ty0 = top + 0.5, ty1 = cap - 1.5 - (side ? 0.0 : 0.0);
    double tw = (tx1 - tx0 - (double)(per_row - 1) * gap) / (double)per_row;
    double th = tw * H / W;
    double hmax = (ty1 - ty0 - (double)rows * name_h - (double)(rows - 1) * gap) / (double)rows;
    if (th > hmax) {
        th = hmax;
        tw = th * W / H;
    }
    if (!(tw > 5.0 && th > 4.0)) {
        rc = zf_error(ZF_EINVAL, "heatmap: %.0f x %.0f mm is too small for %zu groups", w, h, r.ng);
        goto done;
    }
    double block_h = (double)rows * (name_h + th) + (double)(rows - 1) * gap;
    char buf[160];
    for (size_t g = 0; g < r.ng; g++) {
        double bx = tx0 + (double)(g % per_row) * (tw + gap);
        double by = ty0 + (double)(g / per_row) * (name_h + th + gap);
        zf_canvas_rgb(cr, ZF_INK);
        zf_canvas_font(cr, ZF_TICK_PT, 0);
        snprintf(buf, sizeof buf, "%s (n = %zu)", zf_level_label(src, r.lev[g]), o.nfish[g]);
        double pt = ZF_TICK_PT, sw = side ? 3.0 : 0.0; /* a line sample: the group's colour in the profile */
        while (pt > 5.0 && zf_canvas_text_width(cr, buf) + sw > tw + gap) {
            pt -= 0.5;
            zf_canvas_font(cr, pt, 0);
        }
        double tw2 = zf_canvas_text_width(cr, buf) + sw, tx = bx + tw / 2.0 - tw2 / 2.0;
        zf_canvas_text(cr, tx + sw, by, buf, 0.0, ZF_VALIGN_TOP);
        if (side) {
            double my = by + zf_canvas_font_height(cr) / 2.0;
            zf_canvas_rgb(cr, src->levels[r.lev[g]].rgb);
            zf_canvas_line(cr, tx, my, tx + sw - 0.8, my, 1.4);
            zf_fig_mark(f, ZF_MARK_LEGEND, r.lev[g], 0, tx, my - 0.5, sw, 1.0, 0.0, 0.0);
        }
        arena_box b = {bx, by + name_h, tw, th, W, H};
        if ((rc = paint_cells(cr, src, o.map + g * nc, o.nx, o.ny, cb.v1, &b)) != ZF_OK)
            goto done;
        /* zone boundaries dashed over the colours, inside the arena */
        cairo_save(cr);
        tank_path(cr, src, &b);
        cairo_clip(cr);
        for (size_t z = 0; z < src->nzones; z++) {
            static const double dash[2] = {0.6, 0.5};
            cairo_set_dash(cr, dash, 2, 0.0);
            zf_canvas_rgb(cr, 0xFFFFFF);
            cairo_set_line_width(cr, 0.5 * ZF_MM_PER_PT);
            zone_path(cr, &src->zones[z], &b);
            cairo_stroke(cr);
        }
        cairo_restore(cr);
        draw_tank(cr, src, &b);
        zf_fig_mark(f, ZF_MARK_TANK, r.lev[g], (size_t)-1, b.x, b.y, b.w, b.h, 0.0, cb.v1);
    }
    double cbx = tx0 + (double)per_row * (tw + gap) - gap + 3.0;
    double cby = ty0 + name_h, cbh = block_h - name_h;
    zf_colourbar(cr, &cb, cbx, cby, cbw, cbh, cblabel, 1);
    zf_fig_mark(f, ZF_MARK_LEGEND, 0, 0, cbx, cby, cbw, cbh, 0.0, cb.v1);

    if (side) {
        /* depth profile: % of time per height band, height on the tanks' scale */
        double pax = x + w - ZF_MARGIN - prof_w + lab_h + 0.8 + zf_axis_label_width(cr, &apy) + 0.8 + ZF_TICK_LEN + 1.0;
        zf_canvas_font(cr, ZF_TICK_PT, 0);
        pax = x + w - prof_w - ZF_MARGIN + lab_h + 0.8 + zf_axis_label_width(cr, &apy) + 0.8 + ZF_TICK_LEN;
        double px0 = pax + 1.0, px1 = x + w - ZF_MARGIN - 1.5;
        double py_top = ty0 + name_h, py_bot = py_top + (rows == 1 ? th : fmin(block_h - name_h, 3.0 * th));
        /* room for the x axis under it */
        double need = ZF_TICK_LEN + 0.5 + tick_h + 0.5 + lab_h;
        if (py_bot + need > cap - 1.0)
            py_bot = cap - 1.0 - need;
        zf_axis_place(&apy, py_bot, py_top);
        zf_axis_place(&apx, px0, px1);
        zf_axis_draw_left(cr, &apy, pax);
        zf_axis_draw_bottom(cr, &apx, py_bot + 0.8);
        zf_canvas_font(cr, ZF_LABEL_PT, 0);
        zf_canvas_rgb(cr, ZF_INK);
        zf_canvas_text_vertical(cr, x + w - prof_w - ZF_MARGIN, (py_top + py_bot) / 2.0, "height (mm)", 0.5,
                                ZF_VALIGN_TOP);
        zf_canvas_text(cr, (px0 + px1) / 2.0, py_bot + 0.8 + ZF_TICK_LEN + 0.5 + tick_h + 0.3, "time (%)", 0.5,
                       ZF_VALIGN_TOP);
        zf_canvas_font(cr, ZF_TICK_PT, 0);
        zf_canvas_text(cr, (px0 + px1) / 2.0, ty0, "depth profile", 0.5, ZF_VALIGN_TOP);
        zf_fig_mark(f, ZF_MARK_DATA, 0, 0, px0, py_top, px1 - px0, py_bot - py_top, apy.v0, apy.v1);
        double band = H / (double)o.ny;
        for (size_t g = 0; g < r.ng; g++) {
            uint32_t rgb = src->levels[r.lev[g]].rgb;
            const double *pm = o.prof + g * o.ny, *pe = o.prof_sem + g * o.ny;
            if (!o.nfish[g])
                continue;
            /* SEM band, then the mean line */
            cairo_new_path(cr);
            for (size_t yy = 0; yy < o.ny; yy++)
                cairo_line_to(cr, zf_axis_pos(&apx, pm[yy] + (isfinite(pe[yy]) ? pe[yy] : 0.0)),
                              zf_axis_pos(&apy, ((double)yy + 0.5) * band));
            for (size_t yy = o.ny; yy-- > 0;)
                cairo_line_to(cr, zf_axis_pos(&apx, fmax(0.0, pm[yy] - (isfinite(pe[yy]) ? pe[yy] : 0.0))),
                              zf_axis_pos(&apy, ((double)yy + 0.5) * band));
            cairo_close_path(cr);
            zf_canvas_rgba(cr, rgb, 0.25);
            cairo_fill(cr);
            cairo_new_path(cr);
            for (size_t yy = 0; yy < o.ny; yy++)
                cairo_line_to(cr, zf_axis_pos(&apx, pm[yy]), zf_axis_pos(&apy, ((double)yy + 0.5) * band));
            zf_canvas_rgb(cr, rgb);
            cairo_set_line_width(cr, 1.0 * ZF_MM_PER_PT);
            cairo_set_line_join(cr, CAIRO_LINE_JOIN_ROUND);
            cairo_stroke(cr);
            cairo_set_line_join(cr, CAIRO_LINE_JOIN_MITER);
            for (size_t yy = 0; yy < o.ny; yy++)
                zf_fig_mark(f, ZF_MARK_MEAN, r.lev[g], yy, zf_axis_pos(&apx, pm[yy]),
                            zf_axis_pos(&apy, ((double)yy + 0.5) * band), 0.0, 0.0, pm[yy], pm[yy]);
        }
    }
    zf_fig_procedure(f, "heatmap: time-weighted occupancy in %g mm cells, %% of tracked time per fish, mean over fish%s",
                     o.cell, side ? "; depth profile mean +/- SEM" : "");
done:
    occ_free(&o);
    roster_free(&r);
    return rc;
}

/* ---- default heights ------------------------------------------------------ */

double zf_arena_height(zf_fig *f, const zf_figure_spec *spec, int heatmap, double w)
{
    const zf_plot_source *src = f->src;
    double W, H;
    arena_of(src, &W, &H);
    roster r;
    double h = 60.0;
    if (roster_build(f, spec, &r) != ZF_OK) {
        zf_error_clear(); /* the drawing reports it */
        roster_free(&r);
        return h;
    }
    /* title 5.5 mm, caption 2 lines 6 mm, margins */
    if (heatmap) {
        int side = src->arena.kind != ZF_ARENA_TOP;
        size_t per_row = r.ng < 4 ? (r.ng ? r.ng : 1) : 4, rows = (r.ng + per_row - 1) / per_row;
        double prof_w = side ? fmin(46.0, 0.28 * w) : 0.0;
        double tw = (w - 3.0 - prof_w - 15.0 - (double)(per_row - 1) * 2.0) / (double)per_row;
        double th = tw * H / W;
        h = 5.5 + (double)rows * (3.0 + th) + (double)(rows - 1) * 2.0 + (side ? 8.0 : 1.5) + 7.5;
    } else {
        size_t maxn = 1, rows = 0;
        for (size_t g = 0; g < r.ng; g++)
            maxn = r.n[g] > maxn ? r.n[g] : maxn;
        size_t cols = maxn < 12 ? maxn : 12;
        for (size_t g = 0; g < r.ng; g++)
            rows += r.n[g] ? (r.n[g] + cols - 1) / cols : 1;
        double tw = (w - 32.0 - (double)(cols - 1)) / (double)cols;
        double th = tw * H / W;
        h = 5.5 + (double)rows * th + (double)(rows - 1) * 1.2 + (double)(r.ng - 1) * 0.4 + 9.0;
    }
    roster_free(&r);
    return fmin(fmax(h, 30.0), 400.0);
}
