/* simulate.c: synthetic ketamine dose study (a stochastic novel-tank swimming model) written in the generic CSV cohort layout. */
#include "zfstress/sim.h"
#include "zfstress/core.h"

#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/*
 * Behaviour model (synthetic data; docs/SIMULATION.md is the long form).
 *
 * Side-view tank W x H = 200 x 150 mm, y = 0 at the floor, time step
 * dt = 1/fps. Each fish is a correlated random walk in the (x, y) plane:
 *
 *   speed v      Ornstein-Uhlenbeck around the fish's cruising speed
 *                (relaxation 1 s, stationary sd 25 %), kept above 25 %
 *                of it by reflection so that swimming never looks frozen;
 *   heading th   th += (omega + steer) dt + sigma sqrt(dt) N(0,1), sigma
 *                = 1.2 rad/sqrt(s): a correlated random walk;
 *   dive         steer = -k(t) (0.5 + y/H) cos th turns the heading
 *                towards straight down, harder the higher the fish is;
 *                k = 1.8 rad/s for a control fish, and
 *                k(t) = k (f + (1 - f) exp(-t / tau)) decays over the
 *                trial (habituation, f = 0.35, tau = 150 s);
 *   freezing     bouts start at rate r_f (1.3 - 0.6 y/H) (0.4 + 0.6
 *                exp(-t / tau)) per s of swimming (r_f = 0.025 / s for a
 *                control fish; more at the floor, fewer with habituation)
 *                and last U(2, 8) s with the position held constant;
 *   erratic      bursts start at rate r_e = 0.012 / s and last
 *                U(0.3, 0.8) s at U(4, 6) x cruising speed after a sharp
 *                heading change of
 *                U(90, 180) deg to either side;
 *   circling     omega, a constant turning bias whose sign (clockwise or
 *                counter-clockwise) is drawn per fish;
 *   walls        positions are reflected at the walls, and so is the
 *                heading component normal to the wall.
 *
 * The dose d (mg/L) acts through three smooth Hill curves
 * h(d) = 1 / (1 + (EC50 / d)^n), h(0) = 0 (table dose_curves below):
 *   anxiolysis       EC50 12, n 2:  k x (1 - 0.75 h), r_f x (1 - 0.8 h),
 *                                   r_e x (1 - 0.5 h)
 *   circling         EC50 22, n 3:  |omega| = 1.1 rad/s x h
 *   hyperlocomotion  EC50 32, n 4:  cruising speed 30 mm/s x (1 + 0.5 h)
 * so 2 mg/L stays close to control, 20 mg/L is anxiolytic and circles,
 * 40 mg/L does both more strongly and swims faster.
 *
 * Every fish draws its own parameters: each rate or strength above is
 * multiplied by a log-normal factor exp(s N(0,1)) (s in fish_spread), and
 * tau too. The constants below hold these numbers; keep this comment and
 * docs/SIMULATION.md in step with them.
 *
 * Top-view tests (opts->test) keep the walk, freezing, bursts and circling
 * and replace the dive by the test's own preference, turning the heading
 * towards a target direction phi with steer = k(t) sin(phi - th):
 *   open field (300 x 300 mm): phi points at the nearest wall while the fish
 *                is more than 15 mm from it (thigmotaxis), k = 1.5 rad/s;
 *   light/dark (300 x 100 mm, dark half x < 150): phi points into the dark
 *                half while the fish is in the light (scototaxis),
 *                k = 2.0 rad/s; in the dark no steering.
 * Anxiolysis weakens k exactly as it weakens the dive; freezing has no
 * depth dependence there.
 *
 * One gsl_rng_mt19937 seeded with opts->seed drives the whole study, in
 * group order then fish order, so a seed gives byte-identical files. Each
 * fish is written as it is simulated; memory does not grow with the cohort.
 */

#define ZF_PI 3.14159265358979323846
#define TANK_W 200.0
#define TANK_H 150.0
#define OFT_W 300.0
#define OFT_H 300.0
#define OFT_K 1.5        /* rad/s: pull towards the nearest wall */
#define OFT_BAND 15.0    /* mm: no pull inside this band along the wall */
#define LDT_W 300.0
#define LDT_H 100.0
#define LDT_K 2.0        /* rad/s: pull into the dark half */

/* Geometry of each test. */
static const struct test_geom {
    const char *name;
    double w, h;
} tests[] = {{"ntt", TANK_W, TANK_H}, {"oft", OFT_W, OFT_H}, {"ldt", LDT_W, LDT_H}};

int zf_sim_test_parse(const char *name)
{
    for (int i = 0; i < (int)(sizeof tests / sizeof tests[0]); i++)
        if (strcmp(tests[i].name, name) == 0)
            return i;
    return -1;
}
#define KETAMINE_DOSE 20.0  /* mg/L of a group named "ketamine" */
#define MAX_FRAMES 1e9      /* per fish; far beyond any real recording */
#define MAX_PER_GROUP 1000000u
#define OUTBUF_SIZE 65536u
#define ROW_MAX 128u        /* longest row of a track file, with room to spare */

static const char *const default_groups = "control,ket2,ket20,ket40";

void zf_sim_opts_default(zf_sim_opts *o)
{
    o->per_group = 12;
    o->seconds = 360.0;
    o->fps = 30.0;
    o->seed = 1;
    o->groups = default_groups;
    o->test = ZF_SIM_NTT;
}

/* ---- dose effects ------------------------------------------------------ */

enum { EFFECT_ANXIOLYSIS, EFFECT_CIRCLING, EFFECT_LOCOMOTION, EFFECT_COUNT };

static const struct dose_curve {
    const char *name;
    double ec50;  /* mg/L */
    double hill;
} dose_curves[EFFECT_COUNT] = {
    [EFFECT_ANXIOLYSIS] = {"anxiolysis", 12.0, 2.0},
    [EFFECT_CIRCLING] = {"circling", 22.0, 3.0},
    [EFFECT_LOCOMOTION] = {"hyperlocomotion", 32.0, 4.0},
};

/* Fraction of the full effect at dose d, in [0, 1); written so that a huge d gives 1, not NaN. */
static double dose_effect(int which, double d)
{
    if (!(d > 0.0))
        return 0.0;
    const struct dose_curve *c = &dose_curves[which];
    return 1.0 / (1.0 + pow(c->ec50 / d, c->hill));
}

/* Control-level behaviour and how far the full dose effect moves it. */
#define CRUISE_MM_S 30.0       /* cruising speed */
#define LOCO_GAIN 0.5          /* speed x (1 + gain h) */
#define SPEED_TAU_S 1.0        /* relaxation time of the speed process */
#define SPEED_SD 0.25          /* its stationary sd, fraction of the cruising speed */
#define SPEED_MIN 0.25         /* speed reflected above this fraction while swimming */
#define DIVE_RAD_S 1.8         /* bottom-preference steering rate k */
#define DIVE_LOSS 0.75         /* k x (1 - loss h) */
#define HAB_TAU_S 150.0        /* habituation time constant */
#define HAB_FLOOR 0.35         /* k(t) decays towards this fraction of k */
#define FREEZE_PER_S 0.025     /* freezing bouts per s of swimming */
#define FREEZE_LOSS 0.8
#define FREEZE_MIN_S 2.0
#define FREEZE_MAX_S 8.0
#define BURST_PER_S 0.012      /* erratic bursts per s */
#define BURST_LOSS 0.5
#define CIRCLE_RAD_S 1.1       /* turning bias at the full circling effect */
#define TURN_SD 1.2            /* heading diffusion, rad / sqrt(s) */

/* Log-normal spread (sd of the log) of each per-fish factor. */
static const struct {
    double speed, dive, hab, freeze, burst, circle;
} fish_spread = {0.15, 0.30, 0.25, 0.35, 0.30, 0.20};

typedef struct sim_fish {
    double cruise;       /* mm/s */
    double dive;         /* rad/s at t = 0 */
    double hab_tau;      /* s */
    double freeze_rate;  /* per s */
    double burst_rate;   /* per s */
    double omega;        /* signed turning bias, rad/s */
} sim_fish;

static double spread(gsl_rng *r, double sd)
{
    return exp(gsl_ran_gaussian(r, sd));
}

static void fish_draw(gsl_rng *r, double dose, sim_fish *f)
{
    double anx = dose_effect(EFFECT_ANXIOLYSIS, dose);
    double circ = dose_effect(EFFECT_CIRCLING, dose);
    double loco = dose_effect(EFFECT_LOCOMOTION, dose);

    f->cruise = CRUISE_MM_S * (1.0 + LOCO_GAIN * loco) * spread(r, fish_spread.speed);
    f->dive = DIVE_RAD_S * (1.0 - DIVE_LOSS * anx) * spread(r, fish_spread.dive);
    f->hab_tau = HAB_TAU_S * spread(r, fish_spread.hab);
    f->freeze_rate = FREEZE_PER_S * (1.0 - FREEZE_LOSS * anx) * spread(r, fish_spread.freeze);
    f->burst_rate = BURST_PER_S * (1.0 - BURST_LOSS * anx) * spread(r, fish_spread.burst);
    double sign = gsl_rng_uniform(r) < 0.5 ? -1.0 : 1.0;
    f->omega = sign * CIRCLE_RAD_S * circ * spread(r, fish_spread.circle);
}

/* Reflect a coordinate into [0, hi]; returns 1 when a wall was hit. */
static int reflect(double *v, double hi)
{
    int hit = 0;
    if (*v < 0.0) {
        *v = -*v;
        hit = 1;
    } else if (*v > hi) {
        *v = 2.0 * hi - *v;
        hit = 1;
    }
    /* A step longer than the tank (very low fps) can overshoot the far wall. */
    if (!(*v > 0.0))
        *v = 0.0;
    else if (*v > hi)
        *v = hi;
    return hit;
}

/* Simulate one fish for n frames and write its rows to fp through buf. */
/* Heading the top-view tests pull towards at (x, y), and whether they pull there. */
static int top_target(int test, double x, double y, double *phi)
{
    if (test == ZF_SIM_OFT) {
        double d[4] = {x, OFT_W - x, y, OFT_H - y};
        static const double dir[4] = {ZF_PI, 0.0, -0.5 * ZF_PI, 0.5 * ZF_PI};
        int k = 0;
        for (int i = 1; i < 4; i++)
            if (d[i] < d[k])
                k = i;
        *phi = dir[k];
        return d[k] > OFT_BAND;
    }
    *phi = ZF_PI; /* light/dark: the dark half is at x < LDT_W / 2 */
    return x > 0.5 * LDT_W;
}

static int fish_write(gsl_rng *r, const sim_fish *f, size_t n, double fps, int test, FILE *fp,
                      char *buf, const char *path)
{
    const double dt = 1.0 / fps;
    const double sqdt = sqrt(dt);
    const double vmin = SPEED_MIN * f->cruise;
    const double W = tests[test].w, H = tests[test].h;
    /* novel tank: dropped in near the floor; top views: anywhere in the arena */
    double x = gsl_ran_flat(r, 20.0, W - 20.0);
    double y = test == ZF_SIM_NTT ? gsl_ran_flat(r, 5.0, 30.0) : gsl_ran_flat(r, 10.0, H - 10.0);
    double th = gsl_ran_flat(r, -ZF_PI, ZF_PI);
    double v = f->cruise;
    size_t freeze_left = 0;  /* frames of the current freezing bout */
    double burst_left = 0.0; /* seconds of the current erratic burst */
    double burst_v = 0.0;
    size_t used = 0;

    static const char header[] = "frame,time_s,x_mm,y_mm\n";
    if (fputs(header, fp) == EOF)
        return zf_error(ZF_EIO, "'%s': write failed", path);

    for (size_t i = 0; i < n; i++) {
        double t = (double)i / fps;
        if (i > 0) {
            double hab = exp(-t / f->hab_tau);
            if (freeze_left > 0) {
                freeze_left--;
            } else if (burst_left > 0.0) {
                burst_left -= dt;
                th += TURN_SD * sqdt * gsl_ran_gaussian(r, 1.0);
                x += burst_v * cos(th) * dt;
                y += burst_v * sin(th) * dt;
            } else {
                double depth = test == ZF_SIM_NTT ? 1.3 - 0.6 * y / TANK_H : 1.0;
                double p_freeze = f->freeze_rate * depth * (0.4 + 0.6 * hab) * dt;
                double p_burst = f->burst_rate * dt;
                double u = gsl_rng_uniform(r);
                if (u < p_freeze) {
                    double dur = gsl_ran_flat(r, FREEZE_MIN_S, FREEZE_MAX_S);
                    /* this frame is the first still one, so the fish is still
                     * for at least dur (>= FREEZE_MIN_S) between samples */
                    freeze_left = (size_t)ceil(dur * fps);
                    v = vmin; /* and it restarts slowly */
                } else if (u < p_freeze + p_burst) {
                    burst_left = gsl_ran_flat(r, 0.3, 0.8);
                    burst_v = f->cruise * gsl_ran_flat(r, 4.0, 6.0);
                    double turn = gsl_ran_flat(r, 0.5 * ZF_PI, ZF_PI);
                    th += gsl_rng_uniform(r) < 0.5 ? -turn : turn;
                    x += burst_v * cos(th) * dt;
                    y += burst_v * sin(th) * dt;
                } else {
                    double k = f->dive * (HAB_FLOOR + (1.0 - HAB_FLOOR) * hab), steer = 0.0, phi;
                    if (test == ZF_SIM_NTT)
                        steer = -k * (0.5 + y / TANK_H) * cos(th);
                    else if (top_target(test, x, y, &phi))
                        steer = k / DIVE_RAD_S * (test == ZF_SIM_OFT ? OFT_K : LDT_K) * sin(phi - th);
                    th += (f->omega + steer) * dt + TURN_SD * sqdt * gsl_ran_gaussian(r, 1.0);
                    v += (f->cruise - v) * dt / SPEED_TAU_S +
                         SPEED_SD * f->cruise * sqrt(2.0 * dt / SPEED_TAU_S) * gsl_ran_gaussian(r, 1.0);
                    if (v < vmin)
                        v = 2.0 * vmin - v;
                    x += v * cos(th) * dt;
                    y += v * sin(th) * dt;
                }
            }
            if (reflect(&x, W))
                th = ZF_PI - th;
            if (reflect(&y, H))
                th = -th;
            th = remainder(th, 2.0 * ZF_PI);
        }
        int k = snprintf(buf + used, OUTBUF_SIZE - used, "%zu,%.4f,%.3f,%.3f\n", i, t, x, y);
        if (k < 0 || (size_t)k >= OUTBUF_SIZE - used)
            return zf_error(ZF_EIO, "'%s': cannot format frame %zu", path, i);
        used += (size_t)k;
        if (OUTBUF_SIZE - used < ROW_MAX || i + 1 == n) {
            if (fwrite(buf, 1, used, fp) != used)
                return zf_error(ZF_EIO, "'%s': write failed: %s", path, strerror(errno));
            used = 0;
        }
    }
    return ZF_OK;
}

/* ---- groups and options ------------------------------------------------ */

/* N of "ketN": digits with at most one '.', parsed whole by strtod. */
static int parse_dose_number(const char *s, double *out)
{
    size_t digits = 0, dots = 0;
    for (const char *p = s; *p; p++) {
        if (*p >= '0' && *p <= '9')
            digits++;
        else if (*p == '.')
            dots++;
        else
            return 0;
    }
    if (digits == 0 || dots > 1)
        return 0;
    char *end = NULL;
    errno = 0;
    double d = strtod(s, &end);
    if (end == s || *end != '\0' || errno == ERANGE || !isfinite(d) || d < 0.0)
        return 0;
    *out = d;
    return 1;
}

int zf_sim_group_dose(const char *name, double *dose)
{
    double d = 0.0;
    if (!name || !dose)
        return zf_error(ZF_EINVAL, "group dose: NULL argument");
    if (strcmp(name, "control") == 0)
        d = 0.0;
    else if (strcmp(name, "ketamine") == 0)
        d = KETAMINE_DOSE;
    else if (strncmp(name, "ket", 3) != 0 || !parse_dose_number(name + 3, &d))
        return zf_error(ZF_EINVAL,
                        "group '%s': unknown; expected 'control' (0 mg/L), 'ketamine' (%g mg/L) "
                        "or 'ketN' with N a non-negative dose in mg/L (e.g. ket20)",
                        name, KETAMINE_DOSE);
    *dose = d;
    return ZF_OK;
}

/* Split the comma list into names (pointers into the writable copy s). */
static int parse_groups(char *s, char **names, double *doses, size_t *ng)
{
    size_t n = 0;
    char *p = s;
    for (;;) {
        char *comma = strchr(p, ',');
        if (comma)
            *comma = '\0';
        while (*p == ' ' || *p == '\t')
            p++;
        size_t len = strlen(p);
        while (len > 0 && (p[len - 1] == ' ' || p[len - 1] == '\t'))
            p[--len] = '\0';
        if (len == 0)
            return zf_error(ZF_EINVAL, "groups: empty name in the list (group %zu)", n + 1);
        int rc = zf_sim_group_dose(p, &doses[n]);
        if (rc != ZF_OK)
            return rc;
        for (size_t j = 0; j < n; j++)
            if (strcmp(names[j], p) == 0)
                return zf_error(ZF_EINVAL, "groups: '%s' is listed twice", p);
        names[n++] = p;
        if (!comma)
            break;
        p = comma + 1;
    }
    *ng = n;
    return ZF_OK;
}

static int check_opts(const zf_sim_opts *o, const char *outdir)
{
    if (!o)
        return zf_error(ZF_EINVAL, "simulate: no options");
    if (!outdir || !outdir[0])
        return zf_error(ZF_EINVAL, "simulate: no output directory");
    if (o->per_group < 1 || o->per_group > MAX_PER_GROUP)
        return zf_error(ZF_EINVAL, "fish per group must be between 1 and %u, got %zu",
                        MAX_PER_GROUP, o->per_group);
    if (o->test < 0 || o->test >= (int)(sizeof tests / sizeof tests[0]))
        return zf_error(ZF_EINVAL, "unknown test %d: expected ntt, oft or ldt", o->test);
    if (!(o->seconds > 0.0) || !isfinite(o->seconds))
        return zf_error(ZF_EINVAL, "trial length must be a positive number of seconds, got %g", o->seconds);
    if (!(o->fps > 0.0) || !isfinite(o->fps))
        return zf_error(ZF_EINVAL, "frame rate must be a positive number, got %g", o->fps);
    double frames = round(o->seconds * o->fps);
    if (frames < 1.0)
        return zf_error(ZF_EINVAL, "%g s at %g fps is less than one frame", o->seconds, o->fps);
    if (frames > MAX_FRAMES)
        return zf_error(ZF_EINVAL, "%g s at %g fps is more than %g frames per fish",
                        o->seconds, o->fps, MAX_FRAMES);
    if (o->groups && !o->groups[0])
        return zf_error(ZF_EINVAL, "groups: the list is empty");
    return ZF_OK;
}

/* ---- output ------------------------------------------------------------ */

/* Shortest of %.15g / %.17g that reads back as v (30 -> "30", 29.97 -> "29.97"). */
static void fmt_num(char out[32], double v)
{
    snprintf(out, 32, "%.15g", v);
    if (strtod(out, NULL) != v)
        snprintf(out, 32, "%.17g", v);
}

#if defined(__GNUC__)
__attribute__((format(printf, 2, 3)))
#endif
static int put(zf_outfile *f, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int k = vfprintf(f->fp, fmt, ap);
    va_end(ap);
    if (k < 0)
        return zf_error(ZF_EIO, "'%s': write failed: %s", f->tmp, strerror(errno));
    return ZF_OK;
}

static int write_study_yaml(const char *path, double fps, const char *control, int test)
{
    int rc = ZF_OK;
    zf_outfile f;
    char fpsbuf[32];
    memset(&f, 0, sizeof f);
    fmt_num(fpsbuf, fps);
    if ((rc = zf_file_open_atomic(path, &f)) != ZF_OK)
        goto done;
    if (test == ZF_SIM_OFT)
        rc = put(&f,
                 "# Synthetic ketamine open-field study written by `zfstress simulate --test oft` (synthetic data, not real fish).\n"
                 "samples: samples.csv\n"
                 "format: csv\n"
                 "columns: {time: time_s, x: x_mm, y: y_mm}\n"
                 "units: mm\n"
                 "y_axis: up\n"
                 "fps: %s\n"
                 "arena:\n"
                 "  kind: top\n"
                 "  width_mm: %g\n"
                 "  height_mm: %g\n"
                 "  shape: rect\n"
                 "  zones:\n"
                 "    - {name: centre, rect: [75, 75, 225, 225]}\n"
                 "metrics: {wall_band_mm: 30, freeze_speed_mm_s: 5, freeze_min_s: 2, bin_s: 60}\n"
                 "compare: {factor: group, control: %s}\n"
                 "output: results\n",
                 fpsbuf, OFT_W, OFT_H, control);
    else if (test == ZF_SIM_LDT)
        rc = put(&f,
                 "# Synthetic ketamine light/dark study written by `zfstress simulate --test ldt` (synthetic data, not real fish).\n"
                 "samples: samples.csv\n"
                 "format: csv\n"
                 "columns: {time: time_s, x: x_mm, y: y_mm}\n"
                 "units: mm\n"
                 "y_axis: up\n"
                 "fps: %s\n"
                 "arena:\n"
                 "  kind: top\n"
                 "  width_mm: %g\n"
                 "  height_mm: %g\n"
                 "  zones:\n"
                 "    - {name: dark, rect: [0, 0, 150, 100]}\n"
                 "    - {name: light, rect: [150, 0, 300, 100]}\n"
                 "metrics: {freeze_speed_mm_s: 5, freeze_min_s: 2, bin_s: 60}\n"
                 "compare: {factor: group, control: %s}\n"
                 "output: results\n",
                 fpsbuf, LDT_W, LDT_H, control);
    else
    rc = put(&f,
             "# Synthetic ketamine dose study written by `zfstress simulate` (synthetic data, not real fish).\n"
             "samples: samples.csv\n"
             "format: csv\n"
             "columns: {time: time_s, x: x_mm, y: y_mm}\n"
             "units: mm\n"
             "y_axis: up\n"
             "fps: %s\n"
             "arena: {kind: side, width_mm: %g, height_mm: %g}\n"
             "metrics: {top_fraction: 0.5, freeze_speed_mm_s: 5, freeze_min_s: 2, bin_s: 60}\n"
             "compare: {factor: group, control: %s}\n"
             "output: results\n",
             fpsbuf, TANK_W, TANK_H, control);
    if (rc != ZF_OK)
        goto done;
    rc = zf_file_commit(&f);
done:
    zf_file_abort(&f);
    return rc;
}

int zf_simulate(const zf_sim_opts *o, const char *outdir)
{
    int rc = ZF_OK;
    char *gcopy = NULL, **names = NULL, *tracks = NULL, *samples_path = NULL, *yaml_path = NULL;
    char *sid = NULL, *rel = NULL, *path = NULL, *buf = NULL;
    double *doses = NULL;
    gsl_rng *r = NULL;
    zf_outfile samples, track;
    memset(&samples, 0, sizeof samples);
    memset(&track, 0, sizeof track);

    if ((rc = check_opts(o, outdir)) != ZF_OK)
        goto done;
    const char *list = o->groups ? o->groups : default_groups;
    size_t maxg = 1, maxlen = strlen(list);
    for (const char *p = list; *p; p++)
        maxg += *p == ',';
    if (!(gcopy = zf_strdup(list))) {
        rc = ZF_ENOMEM;
        goto done;
    }
    names = malloc(maxg * sizeof *names);
    doses = malloc(maxg * sizeof *doses);
    sid = malloc(maxlen + 32);
    rel = malloc(maxlen + 48);
    buf = malloc(OUTBUF_SIZE);
    if (!names || !doses || !sid || !rel || !buf) {
        rc = zf_error(ZF_ENOMEM, "out of memory");
        goto done;
    }
    size_t ng = 0;
    if ((rc = parse_groups(gcopy, names, doses, &ng)) != ZF_OK)
        goto done;

    const char *control = names[0];
    for (size_t g = 0; g < ng; g++)
        if (strcmp(names[g], "control") == 0)
            control = names[g];

    if ((rc = zf_mkdir_p(outdir)) != ZF_OK)
        goto done;
    if (!(tracks = zf_path_join(outdir, "tracks")) || !(samples_path = zf_path_join(outdir, "samples.csv")) ||
        !(yaml_path = zf_path_join(outdir, "study.yaml"))) {
        rc = ZF_ENOMEM;
        goto done;
    }
    if ((rc = zf_mkdir_p(tracks)) != ZF_OK)
        goto done;
    if (!(r = gsl_rng_alloc(gsl_rng_mt19937))) {
        rc = zf_error(ZF_ENOMEM, "out of memory (random number generator)");
        goto done;
    }
    gsl_rng_set(r, o->seed);

    if ((rc = zf_file_open_atomic(samples_path, &samples)) != ZF_OK)
        goto done;
    if ((rc = put(&samples, "subject,group,dose_mg_per_l,file,fps\n")) != ZF_OK)
        goto done;

    size_t nframes = (size_t)round(o->seconds * o->fps);
    int width = 2;
    for (size_t k = o->per_group; k >= 100; k /= 10)
        width++;
    char fpsbuf[32], dosebuf[32];
    fmt_num(fpsbuf, o->fps);

    for (size_t g = 0; g < ng; g++) {
        const char *name = names[g];
        size_t len = strlen(name);
        /* "control01" but "ket20_01", so that the number stays readable */
        const char *sep = (len > 0 && name[len - 1] >= '0' && name[len - 1] <= '9') ? "_" : "";
        fmt_num(dosebuf, doses[g]);
        zf_log(ZF_LOG_INFO, "simulate: group %s (%s mg/L): %zu fish", name, dosebuf, o->per_group);
        for (size_t k = 1; k <= o->per_group; k++) {
            sim_fish fish;
            snprintf(sid, maxlen + 32, "%s%s%0*zu", name, sep, width, k);
            snprintf(rel, maxlen + 48, "tracks/%s.csv", sid);
            free(path);
            if (!(path = zf_path_join(outdir, rel))) {
                rc = ZF_ENOMEM;
                goto done;
            }
            fish_draw(r, doses[g], &fish);
            if ((rc = zf_file_open_atomic(path, &track)) != ZF_OK)
                goto done;
            if ((rc = fish_write(r, &fish, nframes, o->fps, o->test, track.fp, buf, track.tmp)) != ZF_OK)
                goto done;
            if ((rc = zf_file_commit(&track)) != ZF_OK)
                goto done;
            if ((rc = put(&samples, "%s,%s,%s,%s,%s\n", sid, name, dosebuf, rel, fpsbuf)) != ZF_OK)
                goto done;
        }
    }
    if ((rc = zf_file_commit(&samples)) != ZF_OK)
        goto done;
    rc = write_study_yaml(yaml_path, o->fps, control, o->test);

done:
    zf_file_abort(&track);
    zf_file_abort(&samples);
    gsl_rng_free(r);
    free(gcopy);
    free(names);
    free(doses);
    free(tracks);
    free(samples_path);
    free(yaml_path);
    free(sid);
    free(rel);
    free(path);
    free(buf);
    return rc;
}
