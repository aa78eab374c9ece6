/* kernel.c: one pass over a track (gap interpolation and smoothing with GSL first) that fills the whole-trial and per-bin windows of the catalogue. */
#include "zfstress/core.h"
#include "zfstress/metrics.h"
#include "metrics/metrics_internal.h"

#include <gsl/gsl_errno.h>
#include <gsl/gsl_filter.h>
#include <gsl/gsl_interp.h>
#include <gsl/gsl_movstat.h>
#include <gsl/gsl_statistics_double.h>
#include <gsl/gsl_vector.h>

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define PI 3.14159265358979323846
#define RAD2DEG (180.0 / PI)
#define STENCIL 3 /* tracked samples on each side of a gap for the spline interpolants */

/* The windows one call fills: the whole trial, plus nbin bins of width
 * `width` from `origin`, or one window [lo, hi). */
typedef struct wins {
    int single;
    double lo, hi;
    double origin, width;
    size_t nbin;
} wins;

/* The work the selected metrics need (zf_metric_selected): a part of the
 * pass runs only when a metric reads what it accumulates. Every part writes
 * its own fields of zf_macc, so the selected metrics come out bit for bit as
 * in a pass that computes everything. */
enum {
    NEED_DIST = 1 << 0,    /* distance_mm, mean_speed_mm_s: distance and step time */
    NEED_PCTL = 1 << 1,    /* max_speed_mm_s: the step speeds and their percentile */
    NEED_MOBILE = 1 << 2,  /* time_mobile_s: running mean and hysteresis */
    NEED_FREEZE = 1 << 3,  /* freezing_* */
    NEED_TURN = 1 << 4,    /* turning sums (and headings) */
    NEED_ROT = 1 << 5,     /* rotations, circling (and headings) */
    NEED_ERRATIC = 1 << 6, /* erratic bursts (and headings, for their sharp turns) */
    NEED_TOP = 1 << 7,     /* time_top_s, top_entries, latency_top_* */
    NEED_BOTTOM = 1 << 8,  /* time_bottom_s */
    NEED_DEPTH = 1 << 9,   /* mean_depth_mm */
    NEED_WALL = 1 << 10,   /* thigmotaxis and centre time */
    NEED_ZONES = 1 << 11,  /* named zones */
    NEED_HEADING = NEED_TURN | NEED_ROT | NEED_ERRATIC,
    NEED_ALL = (1 << 12) - 1
};

struct zf_metric_ws {
    zf_arena arena;
    zf_metric_params p;
    unsigned need;      /* NEED_* */
    int bins_on;        /* the call has windows to fill (bins, or the single window) */
    /* per-sample arrays, cap long */
    size_t cap;
    double *x, *y, *cum, *spd, *tmp;
    size_t *spd_bin;
    unsigned char *raw, *ok;
    /* windows */
    size_t bcap;
    zf_macc *bins;
    zf_macc whole;
    wins W;
    int use_whole;
    /* Movement running mean */
    double *ring;
    size_t nring;
    /* GSL */
    gsl_interp *lin, *spline;
    gsl_interp_accel *iacc;
    gsl_filter_median_workspace *fmed;
    gsl_filter_gaussian_workspace *fgau;
    gsl_movstat_workspace *fmean;
    double *col;  /* one window's output slots */
    size_t nout;
    /* the track of the current call */
    const double *t;
    size_t n;
    /* the bin the last lookup ended in and its edges [klo, khi): most
     * questions are about it (empty, klo > khi, when there are no bins) */
    size_t khint;
    double klo, khi;
};

#define F(acc, off) (*(double *)(void *)((char *)(acc) + (off)))
#define OFF(field) offsetof(zf_macc, field)

static double edge(const wins *w, size_t b)
{
    if (w->single)
        return b == 0 ? w->lo : w->hi;
    return w->origin + (double)b * w->width;
}

static size_t nwin(const wins *w) { return w->single ? 1 : w->nbin; }

/* Index of the bin whose [edge(b), edge(b + 1)) holds t, clamped to the bins. */
static size_t bin_clamp(const wins *w, double t)
{
    if (w->single || w->nbin == 0)
        return 0;
    double f = floor((t - w->origin) / w->width);
    if (!(f >= 0))
        return 0;
    if (f >= (double)(w->nbin - 1))
        return w->nbin - 1;
    return (size_t)f;
}

/* Bins that [s, e) may overlap: [*b0, *b1]; 0 when there are no bins. */
static int bin_range(const wins *w, double s, double e, size_t *b0, size_t *b1)
{
    size_t n = nwin(w);
    if (n == 0)
        return 0;
    size_t a = bin_clamp(w, s), b = bin_clamp(w, e);
    *b0 = a > 0 ? a - 1 : 0;
    *b1 = b + 1 < n ? b + 1 : n - 1;
    return 1;
}

/* A bin at or next to the one holding t, found by walking from the last one
 * (times mostly increase, so this is a step or two; no division). Callers
 * check containment against edge(), so any starting bin gives their answer.
 * Remembers the bin and its edges for the inline tests below. */
static size_t bin_near(zf_metric_ws *w, double t)
{
    const wins *W = &w->W;
    size_t n = nwin(W), k = w->khint;
    if (n == 0)
        return 0;
    if (k >= n)
        k = n - 1;
    if (!isnan(t)) {
        while (k + 1 < n && t >= edge(W, k + 1))
            k++;
        while (k > 0 && t < edge(W, k))
            k--;
    }
    w->khint = k;
    w->klo = edge(W, k);
    w->khi = edge(W, k + 1);
    return k;
}

/* Whether [s, e) lies inside one bin, and which: the common case, where
 * the general split below gives that bin e - s and the others nothing.
 * The answer depends on s and e only: the bin c at or next to s, when
 * edge(c) <= s and e <= edge(c + 1). */
static int one_bin_miss(zf_metric_ws *w, double s, double e, size_t *k)
{
    *k = 0;
    if (nwin(&w->W) == 0)
        return 0;
    size_t c = bin_near(w, s);
    if (s >= w->klo && e <= w->khi) {
        *k = c;
        return 1;
    }
    return 0;
}

static inline int one_bin(zf_metric_ws *w, double s, double e, size_t *k)
{
    if (s >= w->klo && e <= w->khi) { /* the remembered bin (its edges are edge(khint), edge(khint + 1)) */
        *k = w->khint;
        return 1;
    }
    return one_bin_miss(w, s, e, k);
}

/* The bin whose [edge(b), edge(b + 1)) holds t, if any. */
static int bin_at_miss(zf_metric_ws *w, double t, size_t *b)
{
    *b = 0;
    if (nwin(&w->W) == 0)
        return 0;
    size_t c = bin_near(w, t);
    if (t >= w->klo && t < w->khi) {
        *b = c;
        return 1;
    }
    return 0;
}

static inline int bin_at(zf_metric_ws *w, double t, size_t *b)
{
    if (t >= w->klo && t < w->khi) {
        *b = w->khint;
        return 1;
    }
    return bin_at_miss(w, t, b);
}

/* Forget the remembered bin (the windows changed). */
static void forget_bins(zf_metric_ws *w)
{
    w->khint = 0;
    w->klo = INFINITY;
    w->khi = -INFINITY;
}

/* Time [s, e) adds its length (split at the bin edges). */
static void add_time_split(zf_metric_ws *w, size_t off, double s, double e)
{
    size_t b0, b1;
    if (bin_range(&w->W, s, e, &b0, &b1))
        for (size_t b = b0; b <= b1; b++) {
            double lo = fmax(s, edge(&w->W, b)), hi = fmin(e, edge(&w->W, b + 1));
            if (hi > lo)
                F(&w->bins[b], off) += hi - lo;
        }
}

static inline void add_time(zf_metric_ws *w, size_t off, double s, double e)
{
    size_t k;
    if (!(e > s))
        return;
    if (w->use_whole)
        F(&w->whole, off) += e - s;
    if (!w->bins_on)
        return;
    if (one_bin(w, s, e, &k))
        F(&w->bins[k], off) += e - s;
    else
        add_time_split(w, off, s, e);
}

/* An event at time t. */
static inline void add_event(zf_metric_ws *w, size_t off, double t, double amount)
{
    size_t b;
    if (w->use_whole)
        F(&w->whole, off) += amount;
    if (w->bins_on && bin_at(w, t, &b))
        F(&w->bins[b], off) += amount;
}

/* An amount spread evenly over [s, e) (distance over the step's duration). */
static void add_spread_split(zf_metric_ws *w, size_t off, double s, double e, double amount)
{
    size_t b0, b1;
    if (bin_range(&w->W, s, e, &b0, &b1))
        for (size_t b = b0; b <= b1; b++) {
            double lo = fmax(s, edge(&w->W, b)), hi = fmin(e, edge(&w->W, b + 1));
            if (hi > lo)
                F(&w->bins[b], off) += amount * ((hi - lo) / (e - s));
        }
}

static inline void add_spread(zf_metric_ws *w, size_t off, double s, double e, double amount)
{
    size_t k;
    if (!(e > s)) {
        add_event(w, off, s, amount);
        return;
    }
    if (w->use_whole)
        F(&w->whole, off) += amount;
    if (!w->bins_on)
        return;
    if (one_bin(w, s, e, &k)) {
        double q = e - s; /* the split's amount * ((hi - lo) / (e - s)), with hi - lo = e - s: 1 unless inf */
        F(&w->bins[k], off) += isfinite(q) ? amount : amount * (q / q);
    } else
        add_spread_split(w, off, s, e, amount);
}

/* The state holds during [s, e): each window where it is the first time
 * gets latency = first moment - window start. */
static void first_time(zf_metric_ws *w, size_t off, double s, double e)
{
    size_t b0, b1, k;
    if (!(e > s))
        return;
    if (w->use_whole && isnan(F(&w->whole, off)))
        F(&w->whole, off) = fmax(s, w->whole.start) - w->whole.start;
    if (!w->bins_on)
        return;
    if (one_bin(w, s, e, &k)) {
        if (isnan(F(&w->bins[k], off)))
            F(&w->bins[k], off) = fmax(s, edge(&w->W, k)) - w->bins[k].start;
        return;
    }
    if (bin_range(&w->W, s, e, &b0, &b1))
        for (size_t b = b0; b <= b1; b++) {
            double lo = fmax(s, edge(&w->W, b)), hi = fmin(e, edge(&w->W, b + 1));
            if (hi > lo && isnan(F(&w->bins[b], off)))
                F(&w->bins[b], off) = lo - w->bins[b].start;
        }
}

/* An interval [s, e) of the pass with one_bin's answer for it, looked up
 * once: a sample's interval serves the sample's sums and events, and the
 * next step's (the step from t[i - 1] to t[i] is sample i - 1's interval).
 * The *_sp functions give exactly what the functions above give for the
 * same interval. */
typedef struct span {
    double s, e;
    int one;
    size_t k;
} span;

static inline span span_of(zf_metric_ws *w, double s, double e)
{
    span p = {s, e, 0, 0};
    if (w->bins_on)
        p.one = one_bin(w, s, e, &p.k);
    return p;
}

static inline void add_time_sp(zf_metric_ws *w, size_t off, const span *p)
{
    if (!(p->e > p->s))
        return;
    if (w->use_whole)
        F(&w->whole, off) += p->e - p->s;
    if (p->one)
        F(&w->bins[p->k], off) += p->e - p->s;
    else if (w->bins_on)
        add_time_split(w, off, p->s, p->e);
}

/* An event at the interval's start: inside bin k when the interval is. */
static inline void add_event_sp(zf_metric_ws *w, size_t off, const span *p, double amount)
{
    if (!(p->one && p->e > p->s)) {
        add_event(w, off, p->s, amount);
        return;
    }
    if (w->use_whole)
        F(&w->whole, off) += amount;
    F(&w->bins[p->k], off) += amount;
}

static inline void add_spread_sp(zf_metric_ws *w, size_t off, const span *p, double amount)
{
    if (!(p->e > p->s) || !p->one) {
        add_spread(w, off, p->s, p->e, amount);
        return;
    }
    if (w->use_whole)
        F(&w->whole, off) += amount;
    double q = p->e - p->s;
    F(&w->bins[p->k], off) += isfinite(q) ? amount : amount * (q / q);
}

static inline void first_time_sp(zf_metric_ws *w, size_t off, const span *p)
{
    if (!(p->e > p->s) || !p->one) {
        first_time(w, off, p->s, p->e);
        return;
    }
    if (w->use_whole && isnan(F(&w->whole, off)))
        F(&w->whole, off) = fmax(p->s, w->whole.start) - w->whole.start;
    if (isnan(F(&w->bins[p->k], off)))
        F(&w->bins[p->k], off) = fmax(p->s, edge(&w->W, p->k)) - w->bins[p->k].start;
}

/* The longest [s, e) (clipped to each window). */
static void max_interval(zf_metric_ws *w, size_t off, double s, double e)
{
    size_t b0, b1;
    if (!(e > s))
        return;
    if (w->use_whole)
        F(&w->whole, off) = fmax(F(&w->whole, off), e - s);
    if (w->bins_on && bin_range(&w->W, s, e, &b0, &b1))
        for (size_t b = b0; b <= b1; b++) {
            double lo = fmax(s, edge(&w->W, b)), hi = fmin(e, edge(&w->W, b + 1));
            if (hi > lo)
                F(&w->bins[b], off) = fmax(F(&w->bins[b], off), hi - lo);
        }
}

void zf_metric_ws_free(zf_metric_ws *w)
{
    if (!w)
        return;
    free(w->x);
    free(w->y);
    free(w->cum);
    free(w->spd);
    free(w->tmp);
    free(w->spd_bin);
    free(w->raw);
    free(w->ok);
    free(w->bins);
    free(w->ring);
    free(w->col);
    if (w->lin)
        gsl_interp_free(w->lin);
    if (w->spline)
        gsl_interp_free(w->spline);
    if (w->iacc)
        gsl_interp_accel_free(w->iacc);
    if (w->fmed)
        gsl_filter_median_free(w->fmed);
    if (w->fgau)
        gsl_filter_gaussian_free(w->fgau);
    if (w->fmean)
        gsl_movstat_free(w->fmean);
    free(w);
}

/* Parameters that only make sense together. */
static int check_params(const zf_metric_params *p)
{
    if (!(p->move_stop_mm_s <= p->move_start_mm_s))
        return zf_error(ZF_EINVAL, "metric parameters: move_stop_mm_s (%g) must not exceed move_start_mm_s (%g)",
                        p->move_stop_mm_s, p->move_start_mm_s);
    if (!(p->bin_s >= 0))
        return zf_error(ZF_EINVAL, "metric parameters: bin_s must be positive (or 0: no bins), got %g", p->bin_s);
    if (!(p->move_avg_samples >= 1 && p->move_avg_samples <= 10000))
        return zf_error(ZF_EINVAL, "metric parameters: move_avg_samples must be 1 .. 10000, got %g", p->move_avg_samples);
    if (p->smooth != ZF_SMOOTH_NONE && !(p->smooth_window >= 1 && p->smooth_window <= 10001 &&
                                        fmod(p->smooth_window, 2.0) == 1.0))
        return zf_error(ZF_EINVAL, "metric parameters: smooth.window must be an odd number 1 .. 10001, got %g",
                        p->smooth_window);
    if (p->nlight > ZF_MAX_LIGHT)
        return zf_error(ZF_EINVAL, "metric parameters: more than %d light periods", ZF_MAX_LIGHT);
    for (size_t j = 1; j < p->nlight; j++)
        if (!(p->light_t[j] > p->light_t[j - 1]))
            return zf_error(ZF_EINVAL, "metric parameters: light_schedule times must increase (%g after %g)",
                            p->light_t[j], p->light_t[j - 1]);
    return ZF_OK;
}

/* What the selected slots need: each catalogue row's section and name say
 * which part of the pass accumulates it; zone slots need the zone tests. */
static unsigned need_of(const zf_metric_params *p)
{
    static const struct {
        const char *name;
        unsigned need;
    } rows[] = {
        {"distance_mm", NEED_DIST}, {"mean_speed_mm_s", NEED_DIST}, {"max_speed_mm_s", NEED_PCTL},
        {"time_mobile_s", NEED_MOBILE}, {"time_top_s", NEED_TOP}, {"time_bottom_s", NEED_BOTTOM},
        {"top_entries", NEED_TOP}, {"latency_top_s", NEED_TOP}, {"latency_top_censored", NEED_TOP},
        {"mean_depth_mm", NEED_DEPTH}, {"freezing_time_s", NEED_FREEZE}, {"freezing_bouts", NEED_FREEZE},
        {"latency_freezing_s", NEED_FREEZE}, {"erratic_bouts", NEED_ERRATIC}, {"mean_abs_turn_deg", NEED_TURN},
        {"angular_velocity_deg_s", NEED_TURN}, {"meander_deg_mm", NEED_TURN}, {"rotations_cw", NEED_ROT},
        {"rotations_ccw", NEED_ROT}, {"circling_index", NEED_ROT}, {"thigmotaxis_time_s", NEED_WALL},
        {"centre_time_s", NEED_WALL},
    };
    if (!p->select)
        return NEED_ALL;
    unsigned need = 0;
    size_t ncat = zf_metric_count(), nout = zf_metric_nout(p);
    for (size_t k = 0; k < nout; k++) {
        if (!zf_metric_selected(p, k))
            continue;
        if (k >= ncat) {
            need |= NEED_ZONES;
            continue;
        }
        const char *name = zf_metric_get(k)->name;
        size_t i;
        for (i = 0; i < sizeof rows / sizeof rows[0] && strcmp(rows[i].name, name) != 0; i++)
            ;
        /* the QC and LIGHT rows read what every pass computes (cum, sums of
         * the samples); a row this table does not know gets everything */
        if (i < sizeof rows / sizeof rows[0])
            need |= rows[i].need;
        else if (zf_metric_section(k) != ZF_SEC_QC && zf_metric_section(k) != ZF_SEC_LIGHT)
            need |= NEED_ALL;
    }
    return need;
}

int zf_metric_ws_new(const zf_arena *a, const zf_metric_params *p, zf_metric_ws **out)
{
    int rc = ZF_OK;
    zf_metric_ws *w = NULL;
    if (!a || !p || !out)
        return zf_error(ZF_EINVAL, "metrics: NULL argument");
    if ((rc = check_params(p)) != ZF_OK)
        return rc;
    if (p->nzones > ZF_MAX_ZONES)
        return zf_error(ZF_EINVAL, "arena: more than %d zones", ZF_MAX_ZONES);
    if (!(w = calloc(1, sizeof *w))) {
        rc = zf_error(ZF_ENOMEM, "out of memory");
        goto done;
    }
    w->arena = *a;
    w->p = *p;
    w->need = need_of(p);
    w->nring = (size_t)p->move_avg_samples;
    size_t K = (size_t)p->smooth_window;
    w->nout = zf_metric_nout(p);
    if (!(w->ring = malloc(w->nring * sizeof *w->ring)) || !(w->col = malloc(w->nout * sizeof *w->col)) || !(w->lin = gsl_interp_alloc(gsl_interp_linear, 2)) ||
        !(w->iacc = gsl_interp_accel_alloc())) {
        rc = zf_error(ZF_ENOMEM, "out of memory");
        goto done;
    }
    if (p->interpolation == ZF_INTERP_STEFFEN || p->interpolation == ZF_INTERP_AKIMA) {
        const gsl_interp_type *T = p->interpolation == ZF_INTERP_STEFFEN ? gsl_interp_steffen : gsl_interp_akima;
        if (!(w->spline = gsl_interp_alloc(T, 2 * STENCIL))) {
            rc = zf_error(ZF_ENOMEM, "out of memory");
            goto done;
        }
    }
    if ((p->smooth == ZF_SMOOTH_MEDIAN && !(w->fmed = gsl_filter_median_alloc(K))) ||
        (p->smooth == ZF_SMOOTH_GAUSSIAN && !(w->fgau = gsl_filter_gaussian_alloc(K))) ||
        (p->smooth == ZF_SMOOTH_MEAN && !(w->fmean = gsl_movstat_alloc(K)))) {
        rc = zf_error(ZF_ENOMEM, "out of memory for the smoothing window of %zu samples", K);
        goto done;
    }
    *out = w;
    w = NULL;
done:
    zf_metric_ws_free(w);
    return rc;
}

/* Room for n samples and nbin bins: allocation once per track at most. */
static int ws_reserve(zf_metric_ws *w, size_t n, size_t nbin)
{
    if (n > w->cap) {
        size_t cap = n < 1024 ? 1024 : n;
        free(w->x), free(w->y), free(w->cum), free(w->spd), free(w->tmp), free(w->spd_bin), free(w->raw), free(w->ok);
        w->x = malloc(cap * sizeof *w->x);
        w->y = malloc(cap * sizeof *w->y);
        w->cum = malloc(cap * sizeof *w->cum);
        w->spd = malloc(cap * sizeof *w->spd);
        w->tmp = malloc(cap * sizeof *w->tmp);
        w->spd_bin = malloc(cap * sizeof *w->spd_bin);
        w->raw = malloc(cap);
        w->ok = malloc(cap);
        if (!w->x || !w->y || !w->cum || !w->spd || !w->tmp || !w->spd_bin || !w->raw || !w->ok) {
            w->cap = 0;
            return zf_error(ZF_ENOMEM, "out of memory for a track of %zu samples", n);
        }
        w->cap = cap;
    }
    if (nbin > w->bcap) {
        zf_macc *b = realloc(w->bins, nbin * sizeof *b);
        if (!b)
            return zf_error(ZF_ENOMEM, "out of memory for %zu bins", nbin);
        w->bins = b;
        w->bcap = nbin;
    }
    return ZF_OK;
}

/* ---- preprocessing: interpolation of short gaps, smoothing ---- */

static int interp_eval(gsl_interp *ip, gsl_interp_accel *acc, const double *xa, const double *ya, size_t m,
                       const double *t, double *dst, size_t i, size_t j)
{
    gsl_interp_accel_reset(acc);
    if (gsl_interp_init(ip, xa, ya, m) != GSL_SUCCESS)
        return -1;
    for (size_t k = i; k <= j; k++)
        if (gsl_interp_eval_e(ip, xa, ya, t[k], acc, &dst[k]) != GSL_SUCCESS)
            return -1;
    return 0;
}

/* Fill the missing run i..j (tracked samples at i - 1 and j + 1). */
static int fill_gap(zf_metric_ws *w, size_t i, size_t j)
{
    const double *t = w->t;
    double xa[2 * STENCIL], ya[2 * STENCIL], yb[2 * STENCIL];
    size_t m = 0;
    int spline = w->spline && i >= STENCIL && j + STENCIL < w->n;
    for (size_t k = 0; spline && k < STENCIL; k++)
        spline = w->raw[i - 1 - k] && w->raw[j + 1 + k];
    if (spline) {
        for (size_t k = 0; k < STENCIL; k++) {
            size_t a = i - STENCIL + k, b = j + 1 + k;
            xa[k] = t[a], ya[k] = w->x[a], yb[k] = w->y[a];
            xa[STENCIL + k] = t[b], ya[STENCIL + k] = w->x[b], yb[STENCIL + k] = w->y[b];
        }
        m = 2 * STENCIL;
        for (size_t k = 1; k < m; k++)
            spline = spline && xa[k] > xa[k - 1];
    }
    if (!spline) {
        xa[0] = t[i - 1], ya[0] = w->x[i - 1], yb[0] = w->y[i - 1];
        xa[1] = t[j + 1], ya[1] = w->x[j + 1], yb[1] = w->y[j + 1];
        m = 2;
    }
    gsl_interp *ip = spline ? w->spline : w->lin;
    if (interp_eval(ip, w->iacc, xa, ya, m, t, w->x, i, j) || interp_eval(ip, w->iacc, xa, yb, m, t, w->y, i, j))
        return zf_error(ZF_ENUMERIC, "metrics: GSL interpolation of the gap at t = %g s failed", t[i]);
    return ZF_OK;
}

static int smooth_segment(zf_metric_ws *w, double *v, size_t a, size_t len)
{
    gsl_vector_const_view in = gsl_vector_const_view_array(v + a, len);
    gsl_vector_view out = gsl_vector_view_array(w->tmp + a, len);
    int st;
    switch (w->p.smooth) {
    case ZF_SMOOTH_MEDIAN:
        st = gsl_filter_median(GSL_FILTER_END_PADVALUE, &in.vector, &out.vector, w->fmed);
        break;
    case ZF_SMOOTH_GAUSSIAN:
        st = gsl_filter_gaussian(GSL_FILTER_END_PADVALUE, w->p.smooth_alpha, 0, &in.vector, &out.vector, w->fgau);
        break;
    default:
        st = gsl_movstat_mean(GSL_MOVSTAT_END_PADVALUE, &in.vector, &out.vector, w->fmean);
        break;
    }
    if (st != GSL_SUCCESS)
        return zf_error(ZF_ENUMERIC, "metrics: GSL smoothing failed: %s", gsl_strerror(st));
    memcpy(v + a, w->tmp + a, len * sizeof *v);
    return ZF_OK;
}

static int preprocess(zf_metric_ws *w, const zf_track *tr)
{
    int rc = ZF_OK;
    size_t n = tr->n;
    const double *t = tr->t;
    for (size_t i = 0; i < n; i++) {
        w->x[i] = tr->x[i];
        w->y[i] = tr->y[i];
        w->raw[i] = !isnan(w->x[i]) && !isnan(w->y[i]);
        if (!w->raw[i])
            w->x[i] = w->y[i] = NAN;
    }
    if (w->p.max_gap_s > 0) {
        double lim = w->p.max_gap_s * (1 + 1e-9);
        for (size_t i = 0; i < n; i++) {
            if (w->raw[i])
                continue;
            size_t j = i;
            while (j + 1 < n && !w->raw[j + 1])
                j++;
            if (i > 0 && j + 1 < n && t[j + 1] - t[i] <= lim && t[j + 1] > t[i - 1] &&
                (rc = fill_gap(w, i, j)) != ZF_OK)
                return rc;
            i = j;
        }
    }
    for (size_t i = 0; i < n; i++)
        w->ok[i] = !isnan(w->x[i]) && !isnan(w->y[i]);
    if (w->p.smooth != ZF_SMOOTH_NONE && w->p.smooth_window > 1) {
        for (size_t i = 0; i < n; i++) {
            if (!w->ok[i])
                continue;
            size_t j = i;
            while (j + 1 < n && w->ok[j + 1])
                j++;
            if (j > i && ((rc = smooth_segment(w, w->x, i, j - i + 1)) || (rc = smooth_segment(w, w->y, i, j - i + 1))))
                return rc;
            i = j;
        }
    }
    return ZF_OK;
}

/* ---- geometry ---- */

static int in_zone(const zf_zone *z, double x, double y)
{
    const double *v = z->v;
    switch (z->shape) {
    case ZF_SHAPE_RECT:
        return x >= v[0] && x <= v[2] && y >= v[1] && y <= v[3];
    case ZF_SHAPE_CIRCLE:
        return (x - v[0]) * (x - v[0]) + (y - v[1]) * (y - v[1]) <= v[2] * v[2];
    default: {
        /* even-odd rule: count edges crossed by a ray to +x */
        int in = 0;
        for (size_t i = 0, j = z->nv - 1; i < z->nv; j = i++) {
            double xi = v[2 * i], yi = v[2 * i + 1], xj = v[2 * j], yj = v[2 * j + 1];
            if ((yi > y) != (yj > y) && x < (xj - xi) * (y - yi) / (yj - yi) + xi)
                in = !in;
        }
        return in;
    }
    }
}

static int near_wall(const zf_arena *a, int shape, double band, double x, double y)
{
    if (shape == ZF_SHAPE_CIRCLE) {
        double r = 0.5 * fmin(a->width_mm, a->height_mm);
        return hypot(x - 0.5 * a->width_mm, y - 0.5 * a->height_mm) > r - band;
    }
    return fmin(fmin(x, a->width_mm - x), fmin(y, a->height_mm - y)) < band;
}

/* ---- percentiles ---- */

/* q-th percentile (0..100) of v[n] (permuted), linear between order statistics. */
static double percentile(double *v, size_t n, double q)
{
    if (!n)
        return NAN;
    double h = (double)(n - 1) * q / 100.0;
    size_t lo = (size_t)floor(h);
    if (lo >= n - 1)
        return gsl_stats_select(v, 1, n, n - 1);
    double a = gsl_stats_select(v, 1, n, lo);
    if (h == (double)lo)
        return a;
    /* the next order statistic in one pass: a again while copies of a
     * remain, else the least value above a (a second selection gives the same) */
    size_t le = 0;
    double above = INFINITY, b;
    int nan = 0;
    for (size_t i = 0; i < n; i++) {
        double x = v[i];
        nan |= isnan(x);
        if (x <= a)
            le++;
        else if (x < above)
            above = x;
    }
    if (nan)
        b = gsl_stats_select(v, 1, n, lo + 1);
    else
        b = lo + 1 < le ? a : above;
    return a + (h - (double)lo) * (b - a);
}

/* ---- light schedule ---- */

void zf_light_window(zf_macc *acc, const zf_metric_params *p, zf_cumfn D, const void *ctx, double c0, double c1,
                     double wlo, double whi)
{
    double ld = 0, dd = 0, lt = 0, dt = 0, on_sum = 0, off_sum = 0;
    size_t on_n = 0, off_n = 0;
    if (!p->nlight || !(acc->end > acc->start))
        return;
    for (size_t j = 0; j < p->nlight; j++) {
        double ps = p->light_t[j], pe = j + 1 < p->nlight ? p->light_t[j + 1] : INFINITY;
        double a = fmax(ps, acc->start), b = fmin(pe, acc->end);
        if (!(b > a))
            continue;
        double dist = D(ctx, b) - D(ctx, a);
        if (p->light_on[j])
            ld += dist, lt += b - a;
        else
            dd += dist, dt += b - a;
    }
    acc->activity_light_mm_min = lt > 0 ? ld / (lt / 60.0) : NAN;
    acc->activity_dark_mm_min = dt > 0 ? dd / (dt / 60.0) : NAN;
    double w = p->pmr_window_s, tol = 1e-9 * fmax(1.0, fabs(c1));
    for (size_t j = 1; j < p->nlight; j++) {
        double T = p->light_t[j];
        if (p->light_on[j] == p->light_on[j - 1] || !(T >= wlo && T < whi))
            continue;
        if (T - w < c0 - tol || T + w > c1 + tol || T - w < p->light_t[j - 1] - tol ||
            (j + 1 < p->nlight && T + w > p->light_t[j + 1] + tol))
            continue; /* the windows must lie inside the data and inside the two periods */
        double r = (D(ctx, T + w) - D(ctx, T)) - (D(ctx, T) - D(ctx, T - w));
        if (p->light_on[j])
            on_sum += r, on_n++;
        else
            off_sum += r, off_n++;
    }
    acc->pmr_light_on_mm = on_n ? on_sum / (double)on_n : NAN;
    acc->pmr_light_off_mm = off_n ? off_sum / (double)off_n : NAN;
}

/* Cumulative tracked distance at time t (steps spread evenly over their duration). */
static double track_cum(const void *ctx, double t)
{
    const zf_metric_ws *w = ctx;
    const double *tt = w->t;
    size_t n = w->n;
    if (!(t > tt[0]))
        return 0.0;
    if (t >= tt[n - 1])
        return w->cum[n - 1];
    size_t lo = 0, hi = n - 1; /* tt[lo] < t < tt[hi] */
    while (hi - lo > 1) {
        size_t mid = lo + (hi - lo) / 2;
        if (tt[mid] <= t)
            lo = mid;
        else
            hi = mid;
    }
    double h = tt[hi] - tt[lo];
    return h > 0 ? w->cum[lo] + (w->cum[hi] - w->cum[lo]) * ((t - tt[lo]) / h) : w->cum[hi];
}

/* ---- the pass ---- */

/* The length of a displacement: sqrt(dx^2 + dy^2) in doubles, which is within
 * one ulp of hypot (the two roundings of the squares and the one of the sum
 * cost at most half an ulp each before the square root halves them) and a
 * fifth of its time; hypot where the squares could overflow or lose bits to
 * underflow, and for NaN and infinities. */
static inline double step_len(double dx, double dy)
{
    double q = dx * dx + dy * dy;
    if (q >= 0x1p-900 && q <= 0x1p900)
        return sqrt(q);
    if (dx == 0 && dy == 0)
        return 0.0;
    return hypot(dx, dy);
}

typedef struct state {
    int prev_top;                 /* -1 unknown (missing) */
    int prev_zone[ZF_MAX_ZONES];
    size_t gap_start;             /* first sample of the current raw-missing run; SIZE_MAX none */
    /* freezing */
    int slow;
    double slow_start;
    /* Movement */
    int mobile;
    size_t nring, ring_pos;
    double ring_sum;
    /* headings */
    int have_kept, have_heading;
    double kx, ky, kt, heading;
    /* rotation */
    int dir;
    double net, peak;
    /* erratic */
    int fast, sharp;
    double fast_start, prev_speed, last_turn_t, last_turn_abs;
} state;

static void end_slow(zf_metric_ws *w, state *s, double end)
{
    if (!s->slow)
        return;
    s->slow = 0;
    if (end - s->slow_start >= w->p.freeze_min_s && end > s->slow_start) {
        add_time(w, OFF(freezing_time_s), s->slow_start, end);
        add_event(w, OFF(freezing_bouts), s->slow_start, 1.0);
        first_time(w, OFF(latency_freezing_s), s->slow_start, end);
    }
}

static void end_fast(zf_metric_ws *w, state *s)
{
    if (s->fast && s->sharp)
        add_event(w, OFF(erratic_bouts), s->fast_start, 1.0);
    s->fast = s->sharp = 0;
}

/* A step could not be measured (missing sample or teleport): every chain breaks. */
static void break_chain(zf_metric_ws *w, state *s, double at)
{
    end_slow(w, s, at);
    end_fast(w, s);
    s->mobile = 0;
    s->nring = s->ring_pos = 0;
    s->ring_sum = 0;
    s->have_kept = s->have_heading = 0;
    s->dir = 0;
    s->net = s->peak = 0;
    s->prev_speed = s->last_turn_t = NAN;
}

/* A turn of a degrees (counter-clockwise positive) at time tv. */
static void rotate(zf_metric_ws *w, state *s, double a, double tv)
{
    if (s->dir == 0) {
        if (a == 0)
            return;
        s->dir = a > 0 ? 1 : -1;
        s->net = s->peak = fabs(a);
    } else {
        s->net += a * (double)s->dir;
        if (s->net > s->peak)
            s->peak = s->net;
        if (s->peak - s->net > w->p.rotation_tolerance_deg) {
            /* a reverse turn beyond the tolerance: a rotation the other way starts */
            double rev = s->peak - s->net;
            s->dir = -s->dir;
            s->net = s->peak = rev;
        }
    }
    while (s->net >= 360.0 - 1e-9) {
        add_event(w, s->dir > 0 ? OFF(rotations_ccw) : OFF(rotations_cw), tv, 1.0);
        s->net -= 360.0;
        s->peak = fmax(s->peak - 360.0, s->net);
    }
}

/* Headings from displacements of at least turn_min_step_mm: sample i may
 * become the next kept point; a turn is made at the previous kept point. */
static void heading_step(zf_metric_ws *w, state *s, size_t i, double step_d)
{
    const double *x = w->x, *y = w->y, *t = w->t;
    if (!s->have_kept) {
        s->have_kept = 1;
        s->have_heading = 0;
        s->kx = x[i - 1], s->ky = y[i - 1], s->kt = t[i - 1];
    }
    /* from the point the step started at, the step's own length is the same hypot */
    double dx = x[i] - s->kx, dy = y[i] - s->ky;
    double d = s->kx == x[i - 1] && s->ky == y[i - 1] ? step_d : step_len(dx, dy);
    if (!(d > 0) || d < w->p.turn_min_step_mm)
        return;
    double h = atan2(dy, dx);
    if (s->have_heading) {
        double a = h - s->heading;
        while (a > PI)
            a -= 2 * PI;
        while (a <= -PI)
            a += 2 * PI;
        a *= RAD2DEG;
        double tv = s->kt;
        if (w->need & NEED_TURN) {
            add_event(w, OFF(turn_sum_deg), tv, fabs(a));
            add_event(w, OFF(turn_n), tv, 1.0);
            add_event(w, OFF(turn_time_s), tv, t[i] - s->kt);
            add_event(w, OFF(turn_dist_mm), tv, d);
        }
        if (w->need & NEED_ROT)
            rotate(w, s, a, tv);
        s->last_turn_t = tv;
        s->last_turn_abs = fabs(a);
        if (s->fast && tv >= s->fast_start && fabs(a) > w->p.erratic_turn_deg)
            s->sharp = 1;
    }
    s->heading = h;
    s->have_heading = 1;
    s->kx = x[i], s->ky = y[i], s->kt = t[i];
}

/* Sample i: zones, time, entries. */
static void sample(zf_metric_ws *w, state *s, size_t i, const span *sp)
{
    const zf_arena *ar = &w->arena;
    const zf_metric_params *p = &w->p;
    double x = w->x[i], y = w->y[i], a = sp->s, b = sp->e;
    add_time_sp(w, OFF(observed_s), sp);
    unsigned need = w->need;
    if (ar->kind == ZF_ARENA_SIDE) {
        if (need & NEED_TOP) {
            int top = y > (1.0 - p->top_fraction) * ar->height_mm;
            if (top) {
                add_time_sp(w, OFF(time_top_s), sp);
                first_time_sp(w, OFF(latency_top_s), sp);
                if (s->prev_top == 0)
                    add_event_sp(w, OFF(top_entries), sp, 1.0);
            }
            s->prev_top = top;
        }
        if ((need & NEED_BOTTOM) && y < p->bottom_fraction * ar->height_mm)
            add_time_sp(w, OFF(time_bottom_s), sp);
        if (need & NEED_DEPTH)
            add_spread_sp(w, OFF(depth_int), sp, (ar->height_mm - y) * (b - a));
    } else if (ar->kind == ZF_ARENA_TOP && (need & NEED_WALL)) {
        if (near_wall(ar, p->arena_shape, p->wall_band_mm, x, y))
            add_time_sp(w, OFF(thigmotaxis_time_s), sp);
        else
            add_time_sp(w, OFF(centre_time_s), sp);
    }
    for (size_t z = 0; (need & NEED_ZONES) && z < p->nzones; z++) {
        int in = in_zone(&p->zones[z], x, y);
        if (in) {
            add_time_sp(w, OFF(zone_time_s) + z * sizeof(double), sp);
            first_time_sp(w, OFF(zone_latency_s) + z * sizeof(double), sp);
            if (s->prev_zone[z] == 0)
                add_event_sp(w, OFF(zone_entries) + z * sizeof(double), sp, 1.0);
        }
        s->prev_zone[z] = in;
    }
}

static inline void mobility(zf_metric_ws *w, state *s, double v, const span *sp);
static inline void erratic(zf_metric_ws *w, state *s, double v, double a, double h);

/* Step i - 1 -> i between two tracked samples (sp: its interval); m counts
 * the speeds kept. */
static void step(zf_metric_ws *w, state *s, size_t i, size_t *m, const span *sp)
{
    const zf_metric_params *p = &w->p;
    const double *t = w->t;
    double a = t[i - 1], b = t[i], h = b - a;
    double d = step_len(w->x[i] - w->x[i - 1], w->y[i] - w->y[i - 1]), v = d / h;
    if (v > p->teleport_speed_mm_s) {
        add_event_sp(w, OFF(teleports), sp, 1.0);
        w->cum[i] = w->cum[i - 1];
        break_chain(w, s, a);
        return;
    }
    w->cum[i] = w->cum[i - 1] + d;
    unsigned need = w->need;
    if (need & NEED_DIST) {
        add_spread_sp(w, OFF(distance_mm), sp, d);
        add_time_sp(w, OFF(step_time_s), sp);
    }
    if (need & NEED_PCTL) {
        size_t bin = SIZE_MAX;
        if (sp->one) /* h > 0: a lies in the bin that holds [a, b) */
            bin = sp->k;
        else if (!w->bins_on || !bin_at(w, a, &bin))
            bin = SIZE_MAX;
        w->spd[*m] = v;
        w->spd_bin[*m] = bin;
        (*m)++;
    }
    if (need & NEED_MOBILE)
        mobility(w, s, v, sp);
    /* freezing */
    if (need & NEED_FREEZE) {
        if (v < p->freeze_speed_mm_s) {
            if (!s->slow) {
                s->slow = 1;
                s->slow_start = a;
            }
        } else {
            end_slow(w, s, a);
        }
    }
    /* turns (may mark the open erratic burst sharp) */
    if (need & NEED_HEADING)
        heading_step(w, s, i, d);
    if (need & NEED_ERRATIC)
        erratic(w, s, v, a, h);
}

/* Movement: running mean over the last move_avg_samples steps, hysteresis. */
static inline void mobility(zf_metric_ws *w, state *s, double v, const span *sp)
{
    const zf_metric_params *p = &w->p;
    if (s->nring == w->nring)
        s->ring_sum -= w->ring[s->ring_pos];
    else
        s->nring++;
    w->ring[s->ring_pos] = v;
    s->ring_sum += v;
    if (++s->ring_pos == w->nring)
        s->ring_pos = 0;
    double va = s->nring == 1 ? s->ring_sum : s->ring_sum / (double)s->nring; /* x / 1 is x */
    if (va > p->move_start_mm_s)
        s->mobile = 1;
    else if (va < p->move_stop_mm_s)
        s->mobile = 0;
    if (s->mobile)
        add_time_sp(w, OFF(time_mobile_s), sp);
}

/* Erratic bursts: step speed v (or its change) over h = t[i] - t[i - 1] from a. */
static inline void erratic(zf_metric_ws *w, state *s, double v, double a, double h)
{
    const zf_metric_params *p = &w->p;
    int fast = v > p->erratic_speed_mm_s;
    if (!fast && p->erratic_accel_mm_s2 > 0) { /* the acceleration only when it can matter */
        double acc = isnan(s->prev_speed) ? NAN : fabs(v - s->prev_speed) / h;
        fast = acc > p->erratic_accel_mm_s2;
    }
    if (fast && !s->fast) {
        s->fast = 1;
        s->fast_start = a;
        s->sharp = s->last_turn_t == a && s->last_turn_abs > p->erratic_turn_deg;
    } else if (!fast && s->fast) {
        end_fast(w, s);
    }
    s->prev_speed = v;
}

/* Derived values of a window once the pass is done. */
static void finish(zf_macc *acc, const zf_metric_params *p)
{
    if (!(acc->end > acc->start)) {
        zf_macc_nan(acc);
        return;
    }
    double len = acc->end - acc->start;
    acc->mean_speed_mm_s = acc->step_time_s > 0 ? acc->distance_mm / acc->step_time_s : NAN;
    acc->latency_top_censored = isnan(acc->latency_top_s) ? 1.0 : 0.0;
    if (isnan(acc->latency_top_s))
        acc->latency_top_s = len;
    acc->mean_depth_mm = acc->observed_s > 0 ? acc->depth_int / acc->observed_s : NAN;
    if (isnan(acc->latency_freezing_s))
        acc->latency_freezing_s = len;
    acc->mean_abs_turn_deg = acc->turn_n > 0 ? acc->turn_sum_deg / acc->turn_n : NAN;
    acc->angular_velocity_deg_s = acc->turn_time_s > 0 ? acc->turn_sum_deg / acc->turn_time_s : NAN;
    acc->meander_deg_mm = acc->turn_dist_mm > 0 ? acc->turn_sum_deg / acc->turn_dist_mm : NAN;
    acc->circling_index = acc->observed_s > 0 ? (acc->rotations_cw + acc->rotations_ccw) / (acc->observed_s / 60.0) : NAN;
    for (size_t z = 0; z < p->nzones && z < ZF_MAX_ZONES; z++) {
        acc->zone_latency_censored[z] = isnan(acc->zone_latency_s[z]) ? 1.0 : 0.0;
        if (isnan(acc->zone_latency_s[z]))
            acc->zone_latency_s[z] = len;
    }
    acc->fraction_missing = acc->samples > 0 ? acc->missing / acc->samples : NAN;
}

/* The pass over the track with the windows set in w->W (and w->use_whole). */
static int run(zf_metric_ws *w, const zf_track *tr)
{
    int rc;
    size_t n = tr->n, m = 0, nb = nwin(&w->W);
    const double *t = tr->t;
    state s;
    if ((rc = ws_reserve(w, n, nb)) != ZF_OK)
        return rc;
    w->t = t;
    w->n = n;
    forget_bins(w);
    double c0 = t[0], c1 = n > 1 ? t[n - 1] + (t[n - 1] - t[n - 2]) : t[0];
    zf_macc_reset(&w->whole, c0, c1);
    for (size_t b = 0; b < nb; b++)
        zf_macc_reset(&w->bins[b], fmax(c0, edge(&w->W, b)), fmin(c1, edge(&w->W, b + 1)));
    if ((rc = preprocess(w, tr)) != ZF_OK)
        return rc;

    memset(&s, 0, sizeof s);
    s.prev_top = -1;
    for (size_t z = 0; z < ZF_MAX_ZONES; z++)
        s.prev_zone[z] = -1;
    s.gap_start = SIZE_MAX;
    s.prev_speed = s.last_turn_t = NAN;
    w->cum[0] = 0;
    span prev = {0, 0, 0, 0};
    for (size_t i = 0; i < n; i++) {
        double a = t[i], b = i + 1 < n ? t[i + 1] : c1;
        span cur = span_of(w, a, b);
        /* QC of the input */
        add_event_sp(w, OFF(samples), &cur, 1.0);
        if (!w->raw[i]) {
            add_event_sp(w, OFF(missing), &cur, 1.0);
            if (s.gap_start == SIZE_MAX)
                s.gap_start = i;
            if (w->ok[i])
                add_event_sp(w, OFF(samples_interpolated), &cur, 1.0);
        } else if (s.gap_start != SIZE_MAX) {
            max_interval(w, OFF(longest_gap_s), t[s.gap_start], a);
            s.gap_start = SIZE_MAX;
        }
        if (w->ok[i]) {
            sample(w, &s, i, &cur);
        } else {
            s.prev_top = -1;
            for (size_t z = 0; z < ZF_MAX_ZONES; z++)
                s.prev_zone[z] = -1;
        }
        span step_sp = prev; /* [t[i - 1], t[i]) */
        prev = cur;
        if (i == 0)
            continue;
        if (w->ok[i - 1] && w->ok[i] && t[i] > t[i - 1]) {
            step(w, &s, i, &m, &step_sp);
        } else {
            w->cum[i] = w->cum[i - 1];
            break_chain(w, &s, t[i - 1]);
        }
    }
    if (s.gap_start != SIZE_MAX)
        max_interval(w, OFF(longest_gap_s), t[s.gap_start], c1);
    end_slow(w, &s, t[n - 1]);
    end_fast(w, &s);

    /* robust maximum speed per window: the steps of one bin are contiguous
     * (m is 0 unless max_speed_mm_s is selected) */
    for (size_t k = 0; k < m;) {
        size_t b = w->spd_bin[k], e = k;
        while (e < m && w->spd_bin[e] == b)
            e++;
        if (b != SIZE_MAX)
            w->bins[b].max_speed_mm_s = percentile(w->spd + k, e - k, w->p.max_speed_percentile);
        k = e;
    }
    if (w->use_whole && (w->need & NEED_PCTL))
        w->whole.max_speed_mm_s = percentile(w->spd, m, w->p.max_speed_percentile);

    if (w->use_whole) {
        finish(&w->whole, &w->p);
        zf_light_window(&w->whole, &w->p, track_cum, w, c0, c1, -INFINITY, INFINITY);
    }
    for (size_t b = 0; b < nb; b++) {
        finish(&w->bins[b], &w->p);
        zf_light_window(&w->bins[b], &w->p, track_cum, w, c0, c1, edge(&w->W, b), edge(&w->W, b + 1));
    }
    return ZF_OK;
}

int zf_metrics_track(zf_metric_ws *w, const zf_track *tr, double *whole, double *binned, size_t nbin)
{
    int rc;
    if (!w || !tr || !whole || (nbin && !binned))
        return zf_error(ZF_EINVAL, "metrics: NULL argument");
    size_t nout = w->nout;
    for (size_t k = 0; k < nout; k++)
        whole[k] = NAN;
    for (size_t k = 0; k < nout * nbin; k++)
        binned[k] = NAN;
    if (tr->n == 0)
        return ZF_OK;
    w->W.single = 0;
    w->W.origin = 0.0;
    w->W.width = w->p.bin_s;
    w->W.nbin = nbin;
    w->bins_on = nbin > 0;
    w->use_whole = 1;
    if ((rc = run(w, tr)) != ZF_OK)
        return rc;
    zf_metric_fill(&w->whole, &w->arena, &w->p, whole, nout);
    for (size_t b = 0; b < nbin; b++) {
        zf_metric_fill(&w->bins[b], &w->arena, &w->p, w->col, nout);
        for (size_t k = 0; k < nout; k++)
            binned[k * nbin + b] = w->col[k];
    }
    return ZF_OK;
}

int zf_metrics_compute(const zf_track *tr, double t0, double t1, const zf_arena *arena, const zf_metric_params *p,
                       double *out)
{
    int rc = ZF_OK;
    zf_metric_ws *w = NULL;
    size_t nout = zf_metric_nout(p);
    for (size_t k = 0; k < nout; k++)
        out[k] = NAN;
    if (!tr || tr->n == 0)
        goto done;
    if ((rc = zf_metric_ws_new(arena, p, &w)) != ZF_OK)
        goto done;
    w->W.single = 1;
    w->W.lo = t0;
    w->W.hi = t1;
    w->bins_on = 1;
    w->use_whole = 0;
    if ((rc = run(w, tr)) != ZF_OK)
        goto done;
    zf_metric_fill(&w->bins[0], &w->arena, &w->p, out, nout);
done:
    zf_metric_ws_free(w);
    return rc;
}
