/* catalogue.c: the metric registry (name, unit, definition, reference, arena, parameters) and the one-pass kernel that fills it. */
#include "zfstress/core.h"
#include "zfstress/metrics.h"

#include <math.h>
#include <stddef.h>
#include <string.h>

/* Accumulators of one pass over a track window; each catalogue row reads one field. */
typedef struct acc {
    double distance_mm, mean_speed_mm_s;
    double time_top_s, time_bottom_s, top_entries, latency_top_s, latency_top_censored;
    double freezing_time_s, freezing_bouts, latency_freezing_s;
    double observed_s, fraction_missing;
} acc;

#define REF_NTT "Egan et al. 2009, Behav Brain Res 205:38"
#define REF_FRZ "Cachat et al. 2010, Nat Protoc 5:1786"

static const struct row {
    zf_metric_desc d;
    size_t off;
} catalogue[] = {
    {{"distance_mm", "mm", "path length: sum of straight-line steps between consecutive tracked samples",
      "Blaser & Gerlai 2006, Behav Res Methods 38:456", ZF_ARENA_ANY, "", 1}, offsetof(acc, distance_mm)},
    {{"mean_speed_mm_s", "mm/s", "distance_mm divided by the time spanned by the tracked steps",
      "Blaser & Gerlai 2006, Behav Res Methods 38:456", ZF_ARENA_ANY, "", 1}, offsetof(acc, mean_speed_mm_s)},
    {{"time_top_s", "s", "time with the fish above (1 - top_fraction) x tank height; missing samples never count",
      REF_NTT, ZF_ARENA_SIDE, "top_fraction", 1}, offsetof(acc, time_top_s)},
    {{"time_bottom_s", "s", "time with the fish below bottom_fraction x tank height; missing samples never count",
      REF_NTT, ZF_ARENA_SIDE, "bottom_fraction", 1}, offsetof(acc, time_bottom_s)},
    {{"top_entries", "count", "crossings from outside into the top zone between consecutive tracked samples",
      REF_NTT, ZF_ARENA_SIDE, "top_fraction", 1}, offsetof(acc, top_entries)},
    {{"latency_top_s", "s", "time from trial start to the first tracked sample in the top zone; trial length when never (censored)",
      REF_NTT, ZF_ARENA_SIDE, "top_fraction", 1}, offsetof(acc, latency_top_s)},
    {{"latency_top_censored", "1", "1 when the fish never entered the top zone (latency_top_s is then censored at trial end), else 0",
      REF_NTT, ZF_ARENA_SIDE, "top_fraction", 0}, offsetof(acc, latency_top_censored)},
    {{"freezing_time_s", "s", "total duration of bouts with speed below freeze_speed_mm_s lasting at least freeze_min_s",
      REF_FRZ, ZF_ARENA_ANY, "freeze_speed_mm_s,freeze_min_s", 1}, offsetof(acc, freezing_time_s)},
    {{"freezing_bouts", "count", "number of freezing bouts (speed below freeze_speed_mm_s for at least freeze_min_s)",
      REF_FRZ, ZF_ARENA_ANY, "freeze_speed_mm_s,freeze_min_s", 1}, offsetof(acc, freezing_bouts)},
    {{"latency_freezing_s", "s", "time from trial start to the start of the first freezing bout; trial length when none",
      REF_FRZ, ZF_ARENA_ANY, "freeze_speed_mm_s,freeze_min_s", 1}, offsetof(acc, latency_freezing_s)},
    {{"observed_s", "s", "time covered by tracked samples (each sample lasts until the next one)",
      "tracking QC", ZF_ARENA_ANY, "", 0}, offsetof(acc, observed_s)},
    {{"fraction_missing", "1", "fraction of samples whose position is missing",
      "tracking QC", ZF_ARENA_ANY, "", 0}, offsetof(acc, fraction_missing)},
};

#define NCAT (sizeof catalogue / sizeof catalogue[0])

void zf_metric_params_default(zf_metric_params *p)
{
    p->top_fraction = 0.5;
    p->bottom_fraction = 0.5;
    p->freeze_speed_mm_s = 5.0;
    p->freeze_min_s = 2.0;
    p->bin_s = 60.0;
}

size_t zf_metric_count(void) { return NCAT; }

const zf_metric_desc *zf_metric_get(size_t i) { return i < NCAT ? &catalogue[i].d : NULL; }

int zf_metric_find(const char *name)
{
    for (size_t i = 0; i < NCAT; i++)
        if (strcmp(catalogue[i].d.name, name) == 0)
            return (int)i;
    return -1;
}

static int valid(const zf_track *tr, size_t i) { return !isnan(tr->x[i]) && !isnan(tr->y[i]); }

int zf_metrics_compute(const zf_track *tr, double t0, double t1, const zf_arena *arena,
                       const zf_metric_params *p, double *out)
{
    acc a;
    memset(&a, 0, sizeof a);
    size_t lo = 0, hi = tr->n;
    while (lo < tr->n && tr->t[lo] < t0)
        lo++;
    hi = lo;
    while (hi < tr->n && tr->t[hi] < t1)
        hi++;
    for (size_t k = 0; k < NCAT; k++)
        out[k] = NAN;
    if (hi <= lo)
        return ZF_OK; /* empty window: every metric is undefined */

    int side = arena->kind == ZF_ARENA_SIDE;
    double top_y = (1.0 - p->top_fraction) * arena->height_mm;
    double bottom_y = p->bottom_fraction * arena->height_mm;
    double tstart = tr->t[lo];
    double step_time = 0.0, run_start = NAN;
    int in_top_prev = -1, slow_prev = 0;
    size_t missing = 0;
    a.latency_top_s = NAN;
    a.latency_freezing_s = NAN;

    for (size_t i = lo; i < hi; i++) {
        /* duration of sample i: until the next sample, clipped to the window;
         * the track's last sample lasts as long as the step before it */
        double dt;
        if (i + 1 < tr->n)
            dt = fmin(tr->t[i + 1], t1) - tr->t[i];
        else
            dt = i > 0 ? tr->t[i] - tr->t[i - 1] : 0.0;
        int ok = valid(tr, i);
        if (!ok) {
            missing++;
            in_top_prev = -1;
        } else {
            a.observed_s += dt;
            int top = tr->y[i] > top_y;
            if (side) {
                if (top)
                    a.time_top_s += dt;
                if (tr->y[i] < bottom_y)
                    a.time_bottom_s += dt;
                if (top && isnan(a.latency_top_s))
                    a.latency_top_s = tr->t[i] - tstart;
                if (top && in_top_prev == 0)
                    a.top_entries += 1;
            }
            in_top_prev = top;
        }
        /* step from i-1 to i, both inside the window and tracked */
        int slow = 0;
        if (i > lo && ok && valid(tr, i - 1)) {
            double h = tr->t[i] - tr->t[i - 1];
            double d = hypot(tr->x[i] - tr->x[i - 1], tr->y[i] - tr->y[i - 1]);
            a.distance_mm += d;
            step_time += h;
            slow = h > 0 && d / h < p->freeze_speed_mm_s;
            if (slow && !slow_prev)
                run_start = tr->t[i - 1];
        }
        if (slow_prev && !slow) {
            double len = tr->t[i - 1] - run_start;
            if (len >= p->freeze_min_s) {
                a.freezing_time_s += len;
                a.freezing_bouts += 1;
                if (isnan(a.latency_freezing_s))
                    a.latency_freezing_s = run_start - tstart;
            }
        }
        slow_prev = slow;
    }
    if (slow_prev) {
        double len = tr->t[hi - 1] - run_start;
        if (len >= p->freeze_min_s) {
            a.freezing_time_s += len;
            a.freezing_bouts += 1;
            if (isnan(a.latency_freezing_s))
                a.latency_freezing_s = run_start - tstart;
        }
    }
    /* The step out of the window's last sample happens while that sample lasts
     * (until the next one), so it belongs to this window: bins that partition
     * a trial then add up to the whole-trial distance. */
    if (hi < tr->n && valid(tr, hi - 1) && valid(tr, hi)) {
        a.distance_mm += hypot(tr->x[hi] - tr->x[hi - 1], tr->y[hi] - tr->y[hi - 1]);
        step_time += tr->t[hi] - tr->t[hi - 1];
    }
    double span = tr->t[hi - 1] - tstart;
    if (hi < tr->n)
        span = fmin(tr->t[hi], t1) - tstart;
    else if (hi - lo > 1)
        span += tr->t[hi - 1] - tr->t[hi - 2];
    a.mean_speed_mm_s = step_time > 0 ? a.distance_mm / step_time : NAN;
    if (isnan(a.latency_freezing_s))
        a.latency_freezing_s = span;
    if (side) {
        a.latency_top_censored = isnan(a.latency_top_s) ? 1.0 : 0.0;
        if (isnan(a.latency_top_s))
            a.latency_top_s = span;
    }
    a.fraction_missing = (double)missing / (double)(hi - lo);

    for (size_t k = 0; k < NCAT; k++) {
        const zf_metric_desc *d = &catalogue[k].d;
        if (d->arena != ZF_ARENA_ANY && d->arena != arena->kind)
            continue;
        memcpy(&out[k], (const char *)&a + catalogue[k].off, sizeof(double));
    }
    return ZF_OK;
}

int zf_metrics_compute_activity(const zf_activity *a, double t0, double t1, double *out)
{
    double dist = 0, dur = 0;
    size_t bins = 0;
    for (size_t k = 0; k < NCAT; k++)
        out[k] = NAN;
    for (size_t b = 0; b < a->n; b++) {
        if (!(a->start_s[b] >= t0 && a->start_s[b] < t1))
            continue;
        dist += a->inactive_mm[b] + a->small_mm[b] + a->large_mm[b];
        dur += isnan(a->duration_s[b]) ? 0 : a->duration_s[b];
        bins++;
    }
    if (!bins)
        return ZF_OK;
    out[zf_metric_find("distance_mm")] = dist;
    out[zf_metric_find("mean_speed_mm_s")] = dur > 0 ? dist / dur : NAN;
    out[zf_metric_find("observed_s")] = dur;
    out[zf_metric_find("fraction_missing")] = 0;
    return ZF_OK;
}
