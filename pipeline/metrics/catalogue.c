/* catalogue.c: the metric registry and the parameter table (name, unit, definition, reference, defaults) and the output slots they define. */
#include "zfstress/core.h"
#include "zfstress/metrics.h"
#include "metrics/metrics_internal.h"

#include <math.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#define REF_NTT "Egan et al. 2009, Behav Brain Res 205:38"
#define REF_FRZ "Cachat et al. 2010, Nat Protoc 5:1786"
#define REF_LOCO "Blaser & Gerlai 2006, Behav Res Methods 38:456"
#define REF_EV "EthoVision XT reference manual (Noldus), dependent variables"
#define REF_ZBC "Kalueff et al. 2013, Zebrafish 10:70 (zebrafish behavior catalog)"
#define REF_ROT "Riehl et al. 2011, Neurotoxicol Teratol 33:658; EthoVision XT 'Rotation'"
#define REF_THIG "Schnoerr et al. 2012, Behav Brain Res 228:367; Champagne et al. 2010, Behav Brain Res 214:332"
#define REF_LD "Maximino et al. 2010, Nat Protoc 5:209 (scototaxis); Serra et al. 1999, Braz J Med Biol Res 32:1551"
#define REF_PMR "Emran et al. 2008, J Vis Exp 20:e923; MacPhail et al. 2009, Neurotoxicology 30:52"
#define REF_QC "tracking QC"

static const struct row {
    zf_metric_desc d;
    int section;
    size_t off;
} catalogue[] = {
    {{"distance_mm", "mm", "path length: sum of straight-line steps between consecutive tracked samples",
      REF_LOCO, ZF_ARENA_ANY, "", 1}, ZF_SEC_LOCOMOTION, offsetof(zf_macc, distance_mm)},
    {{"mean_speed_mm_s", "mm/s", "distance_mm divided by the time spanned by the tracked steps",
      REF_LOCO, ZF_ARENA_ANY, "", 1}, ZF_SEC_LOCOMOTION, offsetof(zf_macc, mean_speed_mm_s)},
    {{"max_speed_mm_s", "mm/s",
      "robust maximum speed: the max_speed_percentile-th percentile of the step speeds (linear between order statistics)",
      REF_LOCO, ZF_ARENA_ANY, "max_speed_percentile", 1}, ZF_SEC_LOCOMOTION, offsetof(zf_macc, max_speed_mm_s)},
    {{"time_mobile_s", "s",
      "time Moving: moving starts when the running mean speed of the last move_avg_samples steps exceeds "
      "move_start_mm_s and stops when it drops below move_stop_mm_s (hysteresis)",
      REF_EV " 'Movement'", ZF_ARENA_ANY, "move_start_mm_s,move_stop_mm_s,move_avg_samples", 1},
     ZF_SEC_LOCOMOTION, offsetof(zf_macc, time_mobile_s)},
    {{"time_top_s", "s", "time with the fish above (1 - top_fraction) x tank height; missing samples never count",
      REF_NTT, ZF_ARENA_SIDE, "top_fraction", 1}, ZF_SEC_VERTICAL, offsetof(zf_macc, time_top_s)},
    {{"time_bottom_s", "s", "time with the fish below bottom_fraction x tank height; missing samples never count",
      REF_NTT, ZF_ARENA_SIDE, "bottom_fraction", 1}, ZF_SEC_VERTICAL, offsetof(zf_macc, time_bottom_s)},
    {{"top_entries", "count", "crossings from outside into the top zone between consecutive tracked samples",
      REF_NTT, ZF_ARENA_SIDE, "top_fraction", 1}, ZF_SEC_VERTICAL, offsetof(zf_macc, top_entries)},
    {{"latency_top_s", "s",
      "time from the start of the window to the first moment in the top zone; the window length when never (censored)",
      REF_NTT, ZF_ARENA_SIDE, "top_fraction", 1}, ZF_SEC_VERTICAL, offsetof(zf_macc, latency_top_s)},
    {{"latency_top_censored", "1",
      "1 when the fish never entered the top zone (latency_top_s is then censored at the end of the window), else 0",
      REF_NTT, ZF_ARENA_SIDE, "top_fraction", 0}, ZF_SEC_VERTICAL, offsetof(zf_macc, latency_top_censored)},
    {{"mean_depth_mm", "mm",
      "time-weighted mean distance below the water surface (height_mm - y; the water fills the tank height)",
      REF_NTT, ZF_ARENA_SIDE, "", 1}, ZF_SEC_VERTICAL, offsetof(zf_macc, mean_depth_mm)},
    {{"freezing_time_s", "s", "total duration of bouts with speed below freeze_speed_mm_s lasting at least freeze_min_s",
      REF_FRZ, ZF_ARENA_ANY, "freeze_speed_mm_s,freeze_min_s", 1}, ZF_SEC_IMMOBILITY, offsetof(zf_macc, freezing_time_s)},
    {{"freezing_bouts", "count", "number of freezing bouts (speed below freeze_speed_mm_s for at least freeze_min_s)",
      REF_FRZ, ZF_ARENA_ANY, "freeze_speed_mm_s,freeze_min_s", 1}, ZF_SEC_IMMOBILITY, offsetof(zf_macc, freezing_bouts)},
    {{"latency_freezing_s", "s",
      "time from the start of the window to the first moment of a freezing bout; the window length when none",
      REF_FRZ, ZF_ARENA_ANY, "freeze_speed_mm_s,freeze_min_s", 1}, ZF_SEC_IMMOBILITY, offsetof(zf_macc, latency_freezing_s)},
    {{"erratic_bouts", "count",
      "bursts of consecutive steps faster than erratic_speed_mm_s (or accelerating faster than erratic_accel_mm_s2) "
      "that contain a turn sharper than erratic_turn_deg",
      REF_ZBC, ZF_ARENA_ANY, "erratic_speed_mm_s,erratic_accel_mm_s2,erratic_turn_deg,turn_min_step_mm", 1},
     ZF_SEC_ERRATIC, offsetof(zf_macc, erratic_bouts)},
    {{"mean_abs_turn_deg", "deg",
      "mean absolute change of heading between consecutive displacements of at least turn_min_step_mm",
      REF_EV " 'Turn angle'", ZF_ARENA_ANY, "turn_min_step_mm", 1}, ZF_SEC_TURNING, offsetof(zf_macc, mean_abs_turn_deg)},
    {{"angular_velocity_deg_s", "deg/s", "sum of absolute turn angles divided by the time of the displacements that end them",
      REF_EV " 'Angular velocity'", ZF_ARENA_ANY, "turn_min_step_mm", 1}, ZF_SEC_TURNING,
     offsetof(zf_macc, angular_velocity_deg_s)},
    {{"meander_deg_mm", "deg/mm", "sum of absolute turn angles divided by the length of the displacements that end them",
      REF_EV " 'Meander'", ZF_ARENA_ANY, "turn_min_step_mm", 1}, ZF_SEC_TURNING, offsetof(zf_macc, meander_deg_mm)},
    {{"rotations_cw", "count",
      "clockwise rotations: each time the net clockwise turn reaches 360 deg; a reverse turn larger than "
      "rotation_tolerance_deg restarts the count in the other direction, smaller ones are subtracted",
      REF_ROT, ZF_ARENA_ANY, "turn_min_step_mm,rotation_tolerance_deg", 1}, ZF_SEC_TURNING,
     offsetof(zf_macc, rotations_cw)},
    {{"rotations_ccw", "count", "counter-clockwise rotations, as rotations_cw with the directions swapped",
      REF_ROT, ZF_ARENA_ANY, "turn_min_step_mm,rotation_tolerance_deg", 1}, ZF_SEC_TURNING,
     offsetof(zf_macc, rotations_ccw)},
    {{"circling_index", "1/min", "rotations per minute of observed time: (rotations_cw + rotations_ccw) / (observed_s / 60)",
      REF_ROT, ZF_ARENA_ANY, "turn_min_step_mm,rotation_tolerance_deg", 1}, ZF_SEC_TURNING,
     offsetof(zf_macc, circling_index)},
    {{"thigmotaxis_time_s", "s", "time within wall_band_mm of the arena wall (rectangle or circle outline)",
      REF_THIG, ZF_ARENA_TOP, "wall_band_mm", 1}, ZF_SEC_TOPVIEW, offsetof(zf_macc, thigmotaxis_time_s)},
    {{"centre_time_s", "s", "time farther than wall_band_mm from the wall (observed_s - thigmotaxis_time_s)",
      REF_THIG, ZF_ARENA_TOP, "wall_band_mm", 1}, ZF_SEC_TOPVIEW, offsetof(zf_macc, centre_time_s)},
    {{"activity_light_mm_min", "mm/min", "distance per minute while the light is on (light_schedule)",
      REF_PMR, ZF_ARENA_LIGHT, "light_schedule", 1}, ZF_SEC_LIGHT, offsetof(zf_macc, activity_light_mm_min)},
    {{"activity_dark_mm_min", "mm/min", "distance per minute while the light is off (light_schedule)",
      REF_PMR, ZF_ARENA_LIGHT, "light_schedule", 1}, ZF_SEC_LIGHT, offsetof(zf_macc, activity_dark_mm_min)},
    {{"pmr_light_on_mm", "mm",
      "photomotor response to light onset: distance in the first pmr_window_s of a light period minus the distance "
      "in the last pmr_window_s of the dark period before it; mean over the onsets in the window",
      REF_PMR, ZF_ARENA_LIGHT, "light_schedule,pmr_window_s", 1}, ZF_SEC_LIGHT, offsetof(zf_macc, pmr_light_on_mm)},
    {{"pmr_light_off_mm", "mm",
      "photomotor response to light offset: distance in the first pmr_window_s of a dark period minus the distance "
      "in the last pmr_window_s of the light period before it; mean over the offsets in the window",
      REF_PMR, ZF_ARENA_LIGHT, "light_schedule,pmr_window_s", 1}, ZF_SEC_LIGHT, offsetof(zf_macc, pmr_light_off_mm)},
    {{"observed_s", "s", "time covered by tracked samples (each sample lasts until the next one)",
      REF_QC, ZF_ARENA_ANY, "", 0}, ZF_SEC_QC, offsetof(zf_macc, observed_s)},
    {{"fraction_missing", "1", "fraction of the samples starting in the window whose position was missing in the input",
      REF_QC, ZF_ARENA_ANY, "", 0}, ZF_SEC_QC, offsetof(zf_macc, fraction_missing)},
    {{"longest_gap_s", "s", "longest run of missing input samples (their summed durations), before interpolation",
      REF_QC, ZF_ARENA_ANY, "", 0}, ZF_SEC_QC, offsetof(zf_macc, longest_gap_s)},
    {{"teleports", "count",
      "steps faster than teleport_speed_mm_s (physically impossible: tracking errors); excluded from every step metric",
      REF_QC, ZF_ARENA_ANY, "teleport_speed_mm_s", 0}, ZF_SEC_QC, offsetof(zf_macc, teleports)},
    {{"samples_interpolated", "count", "missing samples filled by interpolation (gaps up to max_gap_s)",
      REF_QC, ZF_ARENA_ANY, "max_gap_s,interpolation", 0}, ZF_SEC_QC, offsetof(zf_macc, samples_interpolated)},
};

#define NCAT (sizeof catalogue / sizeof catalogue[0])

/* Per-zone rows: templates instantiated once per zone declared in the study;
 * "<name>" in the name stands for the zone's name. Offsets are those of zone 0. */
static const struct row zone_rows[] = {
    {{"zone_<name>_time_s", "s", "time inside the named zone (boundary included); missing samples never count",
      REF_LD, ZF_ARENA_ZONES, "", 1}, ZF_SEC_ZONES, offsetof(zf_macc, zone_time_s)},
    {{"zone_<name>_entries", "count", "crossings from outside into the zone between consecutive tracked samples",
      REF_LD, ZF_ARENA_ZONES, "", 1}, ZF_SEC_ZONES, offsetof(zf_macc, zone_entries)},
    {{"zone_<name>_latency_s", "s",
      "time from the start of the window to the first moment in the zone; the window length when never (censored)",
      REF_LD, ZF_ARENA_ZONES, "", 1}, ZF_SEC_ZONES, offsetof(zf_macc, zone_latency_s)},
    {{"zone_<name>_latency_censored", "1", "1 when the fish never entered the zone in the window, else 0",
      REF_LD, ZF_ARENA_ZONES, "", 0}, ZF_SEC_ZONES, offsetof(zf_macc, zone_latency_censored)},
};

#define NZONEROWS (sizeof zone_rows / sizeof zone_rows[0])

static const char *const section_names[ZF_SEC_COUNT] = {
    "Locomotion", "Vertical position (side view: novel tank)", "Immobility", "Erratic movement", "Turning",
    "Top view (open field)", "Named zones (light/dark test, any arena)", "Light schedule (photomotor response)",
    "Tracking QC",
};

/* ---- parameters ---- */

/* Every default names its source. A default the literature or a reference tool gives cites it; a default
 * with no published value is marked SRC_CONV and argued from documented facts (body length, frame
 * rates), so that a lab can see what to change for its own fish and camera. */
#define SRC_CONV "convention of this pipeline (no published standard): "
#define FACT_BL "an adult zebrafish about 4 cm long (Blaser & Gerlai 2006, Behav Res Methods 38:456)"
#define SRC_EVMOVE "EthoVision XT reference manual (Noldus), 'Movement'; the manual calls its defaults an example, " \
                   "since the right thresholds vary between species"

static const struct prow {
    zf_metric_param_desc d;
    size_t off; /* double (numbers) or int (choices) in zf_metric_params; unused for the schedule */
} params[] = {
    {{"bin_s", "s", ZF_PARAM_NUMBER, NULL, 60.0, 0.0, 1e9,
      "width of the time bins of /binned and binned.csv; 0: no time bins (whole-trial metrics only)",
      "one-minute bins, the resolution at which intra-session habituation in the novel tank is followed "
      "(Wong et al. 2010, Behav Brain Res 208:450)"},
     offsetof(zf_metric_params, bin_s)},
    {{"top_fraction", "1", ZF_PARAM_NUMBER, NULL, 0.5, 1e-6, 1.0,
      "top zone = the upper top_fraction of the tank height (0.5: halves, 1/3: thirds); "
      "study.yaml may give top_mm instead",
      "halves: the novel tank test divides the tank into equal top and bottom halves (" REF_NTT "; " REF_FRZ
      "); set 1/3 for a tank read in thirds"},
     offsetof(zf_metric_params, top_fraction)},
    {{"bottom_fraction", "1", ZF_PARAM_NUMBER, NULL, 0.5, 1e-6, 1.0,
      "bottom zone = the lower bottom_fraction of the tank height; defaults to top_fraction; or bottom_mm",
      "halves, as top_fraction (" REF_NTT "; " REF_FRZ ")"}, offsetof(zf_metric_params, bottom_fraction)},
    {{"freeze_speed_mm_s", "mm/s", ZF_PARAM_NUMBER, NULL, 5.0, 0.0, 1e6, "freezing: step speed below this",
      SRC_CONV "freezing is the absence of any movement but of gills and eyes (" REF_ZBC "), which a tracker "
      "sees as jitter of the centroid; 5 mm/s is an eighth of a body length per second for " FACT_BL ", and "
      "lies below EthoVision XT's default stop velocity of 17.5 mm/s (move_stop_mm_s)"},
     offsetof(zf_metric_params, freeze_speed_mm_s)},
    {{"freeze_min_s", "s", ZF_PARAM_NUMBER, NULL, 2.0, 0.0, 1e6, "freezing: for at least this long",
      "2 s, the minimum duration of a freezing bout in the novel tank protocol (" REF_FRZ ")"},
     offsetof(zf_metric_params, freeze_min_s)},
    {{"max_speed_percentile", "%", ZF_PARAM_NUMBER, NULL, 95.0, 50.0, 100.0,
      "max_speed_mm_s is this percentile of the step speeds (100: the plain maximum)",
      SRC_CONV "a high percentile rather than the maximum, which a single mistracked frame sets; 95 drops "
      "the fastest 5% of steps (30 of the 600 steps of a minute at 10 fps)"},
     offsetof(zf_metric_params, max_speed_percentile)},
    {{"move_start_mm_s", "mm/s", ZF_PARAM_NUMBER, NULL, 20.0, 0.0, 1e6, "Movement: moving starts above this speed",
      "EthoVision XT's default start velocity, 2.00 cm/s (" SRC_EVMOVE ")"},
     offsetof(zf_metric_params, move_start_mm_s)},
    {{"move_stop_mm_s", "mm/s", ZF_PARAM_NUMBER, NULL, 17.5, 0.0, 1e6,
      "Movement: moving stops below this speed (at most move_start_mm_s)",
      "EthoVision XT's default stop velocity, 1.75 cm/s (" SRC_EVMOVE ")"},
     offsetof(zf_metric_params, move_stop_mm_s)},
    {{"move_avg_samples", "steps", ZF_PARAM_INTEGER, NULL, 1.0, 1.0, 10000.0,
      "Movement: running mean of the speed over this many steps (1: none)",
      "EthoVision XT's default averaging interval, 1 sample: the speed is not smoothed (" SRC_EVMOVE ")"},
     offsetof(zf_metric_params, move_avg_samples)},
    {{"erratic_speed_mm_s", "mm/s", ZF_PARAM_NUMBER, NULL, 100.0, 0.0, 1e9, "erratic movement: steps faster than this",
      SRC_CONV "the catalog defines erratic movement (darting, sharp changes of direction and speed) without "
      "numbers (" REF_ZBC "); 100 mm/s is 2.5 body lengths per second for " FACT_BL},
     offsetof(zf_metric_params, erratic_speed_mm_s)},
    {{"erratic_accel_mm_s2", "mm/s^2", ZF_PARAM_NUMBER, NULL, 0.0, 0.0, 1e12,
      "erratic movement: or steps whose speed changes faster than this (0: criterion off)",
      SRC_CONV "off, so that erratic bouts rest on one speed threshold; EthoVision XT's 'Acceleration state' "
      "likewise leaves its threshold to the user"},
     offsetof(zf_metric_params, erratic_accel_mm_s2)},
    {{"erratic_turn_deg", "deg", ZF_PARAM_NUMBER, NULL, 90.0, 0.0, 180.0,
      "erratic movement: a burst counts when it contains a heading change sharper than this",
      SRC_CONV "the catalog's 'sharp changes in direction' (" REF_ZBC ") read as a turn of more than a right "
      "angle"},
     offsetof(zf_metric_params, erratic_turn_deg)},
    {{"turn_min_step_mm", "mm", ZF_PARAM_NUMBER, NULL, 1.0, 0.0, 1e6,
      "headings come from displacements at least this long: positions closer than this to the last kept one are "
      "skipped, so that jitter of a still fish makes no turns",
      SRC_CONV "a fortieth of the body length of " FACT_BL ", about the centroid noise of a 1 px/mm camera; "
      "Noldus TrackLab's 'minimum distance moved' filter drops smaller displacements for the same reason"},
     offsetof(zf_metric_params, turn_min_step_mm)},
    {{"rotation_tolerance_deg", "deg", ZF_PARAM_NUMBER, NULL, 90.0, 0.0, 360.0,
      "rotations: reverse turns up to this size do not restart a rotation",
      SRC_CONV "a quarter turn; EthoVision XT's 'Rotation' (a rotation is a cumulative 360 deg turn) likewise "
      "ignores reverse turns below a threshold the user sets"},
     offsetof(zf_metric_params, rotation_tolerance_deg)},
    {{"wall_band_mm", "mm", ZF_PARAM_NUMBER, NULL, 20.0, 0.0, 1e6, "thigmotaxis zone: the band this wide along the wall",
      SRC_CONV "half the body length of " FACT_BL "; open-field studies draw the outer zone to fit their "
      "arena (Champagne et al. 2010, Behav Brain Res 214:332); for larvae in multiwell plates scale the band down "
      "to the well (Schnoerr et al. 2012, Behav Brain Res 228:367)"},
     offsetof(zf_metric_params, wall_band_mm)},
    {{"teleport_speed_mm_s", "mm/s", ZF_PARAM_NUMBER, NULL, 1000.0, 1e-6, 1e12,
      "a step faster than this is a tracking error (teleport): counted, and excluded from every step metric",
      SRC_CONV "a physical bound, not a behaviour: 1 m/s is 25 body lengths per second for " FACT_BL ", a jump "
      "of 2.5 body lengths between two frames at 10 fps"},
     offsetof(zf_metric_params, teleport_speed_mm_s)},
    {{"max_gap_s", "s", ZF_PARAM_NUMBER, NULL, 0.0, 0.0, 1e9,
      "runs of missing samples lasting up to this long (between two tracked samples) are interpolated; 0: none",
      SRC_CONV "off: missing data stays missing, and visible in fraction_missing, unless the study asks for "
      "interpolation"},
     offsetof(zf_metric_params, max_gap_s)},
    {{"interpolation", "", ZF_PARAM_CHOICE, "linear|steffen|akima", 0.0, 0.0, 0.0,
      "how gaps are filled (GSL gsl_interp): linear between the two neighbours, or a monotone Steffen / Akima "
      "spline through three tracked samples on each side (linear when fewer)",
      "linear: the simplest assumption for a short gap; GSL reference manual, 'Interpolation'"},
     offsetof(zf_metric_params, interpolation)},
    {{"smooth.method", "", ZF_PARAM_CHOICE, "none|median|gaussian|mean", 0.0, 0.0, 0.0,
      "position smoothing of each tracked segment before any metric (GSL gsl_filter_median, gsl_filter_gaussian, "
      "gsl_movstat_mean)",
      "none: the positions as tracked; EthoVision XT likewise does not smooth by default (averaging interval "
      "1 sample, reference manual, 'Movement')"},
     offsetof(zf_metric_params, smooth)},
    {{"smooth.window", "samples", ZF_PARAM_ODD, NULL, 5.0, 1.0, 10001.0, "smoothing window (odd number of samples)",
      SRC_CONV "5 samples, 0.5 s at 10 fps: a quarter of the shortest freezing bout (freeze_min_s, 2 s)"},
     offsetof(zf_metric_params, smooth_window)},
    {{"smooth.alpha", "1", ZF_PARAM_NUMBER, NULL, 3.0, 1e-3, 1e3,
      "Gaussian smoothing: sigma = (window - 1) / (2 alpha)",
      "GSL reference manual, 'Gaussian filter' (alpha = 3: the window spans +-3 sigma)"},
     offsetof(zf_metric_params, smooth_alpha)},
    {{"light_schedule", "s", ZF_PARAM_SCHEDULE, NULL, 0.0, 0.0, 0.0,
      "light periods: list of [start_s, on|off]; from each start the light is on or off until the next",
      "none: no LIGHT metrics unless the study declares the schedule"}, 0},
    {{"pmr_window_s", "s", ZF_PARAM_NUMBER, NULL, 60.0, 1e-3, 1e9,
      "photomotor response: the window after a light switch compared with the window before it",
      SRC_CONV "the first minute after a switch against the last minute before it; the activity of larvae "
      "changes most right after a switch and adapts over the following minutes (Burgess & Granato 2007, "
      "J Exp Biol 210:2526; " REF_PMR ")"},
     offsetof(zf_metric_params, pmr_window_s)},
};

#define NPAR (sizeof params / sizeof params[0])

void zf_arena_init(zf_arena *a, int kind, double width_mm, double height_mm)
{
    memset(a, 0, sizeof *a);
    a->kind = kind;
    a->width_mm = width_mm;
    a->height_mm = height_mm;
}

void zf_metric_params_default(zf_metric_params *p)
{
    memset(p, 0, sizeof *p);
    for (size_t i = 0; i < NPAR; i++) {
        const zf_metric_param_desc *d = &params[i].d;
        if (d->kind == ZF_PARAM_CHOICE) {
            int v = (int)d->def;
            memcpy((char *)p + params[i].off, &v, sizeof v);
        } else if (d->kind != ZF_PARAM_SCHEDULE) {
            memcpy((char *)p + params[i].off, &d->def, sizeof d->def);
        }
    }
    p->nlight = 0;
    p->arena_shape = ZF_SHAPE_RECT;
    p->nzones = 0;
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

int zf_metric_section(size_t i) { return i < NCAT ? catalogue[i].section : -1; }

const char *zf_metric_section_name(int section)
{
    return section >= 0 && section < ZF_SEC_COUNT ? section_names[section] : "";
}

size_t zf_metric_offset(size_t i) { return i < NCAT ? catalogue[i].off : 0; }

const char *zf_metric_arena_name(int arena)
{
    switch (arena) {
    case ZF_ARENA_SIDE: return "side";
    case ZF_ARENA_TOP: return "top";
    case ZF_ARENA_ZONES: return "zones";
    case ZF_ARENA_LIGHT: return "light";
    default: return "any";
    }
}

size_t zf_metric_param_count(void) { return NPAR; }

const zf_metric_param_desc *zf_metric_param_get(size_t i) { return i < NPAR ? &params[i].d : NULL; }

int zf_metric_param_find(const char *name)
{
    for (size_t i = 0; i < NPAR; i++)
        if (strcmp(params[i].d.name, name) == 0)
            return (int)i;
    return -1;
}

int zf_metric_param_set(zf_metric_params *p, size_t i, double v)
{
    if (i >= NPAR)
        return zf_error(ZF_EINVAL, "metric parameter %zu: out of range", i);
    const zf_metric_param_desc *d = &params[i].d;
    if (d->kind == ZF_PARAM_CHOICE || d->kind == ZF_PARAM_SCHEDULE)
        return zf_error(ZF_EINVAL, "metric parameter '%s': expected %s, not a number", d->name,
                        d->kind == ZF_PARAM_CHOICE ? d->choices : "a list of [start_s, on|off]");
    if (!(v >= d->lo && v <= d->hi))
        return zf_error(ZF_EINVAL, "metric parameter '%s': expected a number between %g and %g, got %g", d->name, d->lo,
                        d->hi, v);
    if (d->kind != ZF_PARAM_NUMBER && v != floor(v))
        return zf_error(ZF_EINVAL, "metric parameter '%s': expected a whole number, got %g", d->name, v);
    if (d->kind == ZF_PARAM_ODD && fmod(v, 2.0) != 1.0)
        return zf_error(ZF_EINVAL, "metric parameter '%s': expected an odd number, got %g", d->name, v);
    memcpy((char *)p + params[i].off, &v, sizeof v);
    return ZF_OK;
}

int zf_metric_param_set_choice(zf_metric_params *p, size_t i, const char *choice)
{
    if (i >= NPAR || params[i].d.kind != ZF_PARAM_CHOICE)
        return zf_error(ZF_EINVAL, "metric parameter %zu: not a named choice", i);
    const char *c = params[i].d.choices;
    size_t len = strlen(choice);
    for (int k = 0; *c; k++) {
        const char *bar = strchr(c, '|');
        size_t n = bar ? (size_t)(bar - c) : strlen(c);
        if (n == len && strncmp(c, choice, n) == 0) {
            memcpy((char *)p + params[i].off, &k, sizeof k);
            return ZF_OK;
        }
        c += n + (bar ? 1 : 0);
    }
    return zf_error(ZF_EINVAL, "metric parameter '%s': expected one of %s, got \"%s\"", params[i].d.name,
                    params[i].d.choices, choice);
}

/* Name number k of a '|'-separated list into buf. */
static void choice_name(const char *choices, int k, char *buf, size_t size)
{
    const char *c = choices;
    for (int i = 0; i < k && c; i++) {
        c = strchr(c, '|');
        if (c)
            c++;
    }
    if (!c) {
        snprintf(buf, size, "?");
        return;
    }
    const char *bar = strchr(c, '|');
    int n = bar ? (int)(bar - c) : (int)strlen(c);
    snprintf(buf, size, "%.*s", n, c);
}

/* Append formatted text at *o; 0 or -1 when it does not fit. */
static int append(char *buf, size_t size, size_t *o, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 4, 5)))
#endif
    ;
static int append(char *buf, size_t size, size_t *o, const char *fmt, ...)
{
    va_list ap;
    if (*o >= size)
        return -1;
    va_start(ap, fmt);
    int w = vsnprintf(buf + *o, size - *o, fmt, ap);
    va_end(ap);
    if (w < 0 || (size_t)w >= size - *o)
        return -1;
    *o += (size_t)w;
    return 0;
}

static int selection_text(const zf_metric_params *p, char *buf, size_t size, size_t *o);

static int param_text(const zf_metric_params *p, size_t i, char *buf, size_t size, size_t *o)
{
    const struct prow *r = &params[i];
    int bad = append(buf, size, o, "%s%s=", *o ? " " : "", r->d.name);
    if (r->d.kind == ZF_PARAM_CHOICE) {
        int k;
        char name[32];
        memcpy(&k, (const char *)p + r->off, sizeof k);
        choice_name(r->d.choices, k, name, sizeof name);
        bad |= append(buf, size, o, "%s", name);
    } else if (r->d.kind == ZF_PARAM_SCHEDULE) {
        if (!p->nlight)
            bad |= append(buf, size, o, "none");
        for (size_t j = 0; j < p->nlight; j++)
            bad |= append(buf, size, o, "%s%g:%s", j ? "," : "", p->light_t[j], p->light_on[j] ? "on" : "off");
    } else {
        double v;
        memcpy(&v, (const char *)p + r->off, sizeof v);
        bad |= append(buf, size, o, "%g", v);
    }
    return bad;
}

int zf_metric_params_text(const zf_metric_params *p, const char *list, char *buf, size_t size)
{
    size_t o = 0;
    int bad = 0;
    if (!size)
        return zf_error(ZF_EINVAL, "metric parameters: no room for the text");
    buf[0] = '\0';
    if (!list) {
        for (size_t i = 0; i < NPAR && !bad; i++)
            bad |= param_text(p, i, buf, size, &o);
        if (p->select && !bad)
            bad |= selection_text(p, buf, size, &o);
    } else {
        const char *c = list;
        while (*c && !bad) {
            const char *comma = strchr(c, ',');
            size_t n = comma ? (size_t)(comma - c) : strlen(c);
            char name[64];
            if (n >= sizeof name)
                return zf_error(ZF_EINVAL, "metric parameters: name too long in '%s'", list);
            memcpy(name, c, n);
            name[n] = '\0';
            int i = zf_metric_param_find(name);
            if (i < 0)
                return zf_error(ZF_EINVAL, "metric parameters: unknown parameter '%s'", name);
            bad |= param_text(p, (size_t)i, buf, size, &o);
            c += n + (comma ? 1 : 0);
        }
    }
    if (bad)
        return zf_error(ZF_EINVAL, "metric parameters: text longer than %zu bytes", size);
    return ZF_OK;
}

static int zone_text(const zf_zone *z, char *buf, size_t size, size_t *o)
{
    static const char *const shape[] = {"rect", "circle", "polygon"};
    size_t nv = z->shape == ZF_SHAPE_RECT ? 4 : z->shape == ZF_SHAPE_CIRCLE ? 3 : 2 * z->nv;
    int bad = append(buf, size, o, "%szone.%s=%s:", *o ? " " : "", z->name,
                     z->shape >= 0 && z->shape <= 2 ? shape[z->shape] : "?");
    for (size_t k = 0; k < nv && k < 2 * ZF_ZONE_MAX_VERTICES; k++)
        bad |= append(buf, size, o, "%s%g", k ? "," : "", z->v[k]);
    return bad;
}

/* The arena and outline, with zone zi only (SIZE_MAX: none) or every zone (all). */
static int arena_text(const zf_arena *a, const zf_metric_params *p, size_t zi, int all, char *buf, size_t size,
                      size_t *o)
{
    int bad = append(buf, size, o, "%sarena.kind=%s arena.width_mm=%g arena.height_mm=%g arena.shape=%s", *o ? " " : "",
                     a->kind == ZF_ARENA_TOP ? "top" : "side", a->width_mm, a->height_mm,
                     p && p->arena_shape == ZF_SHAPE_CIRCLE ? "circle" : "rect");
    for (size_t z = 0; p && z < p->nzones && z < ZF_MAX_ZONES; z++)
        if (all || z == zi)
            bad |= zone_text(&p->zones[z], buf, size, o);
    return bad;
}

int zf_arena_text(const zf_arena *a, const zf_metric_params *p, char *buf, size_t size)
{
    size_t o = 0;
    if (!size)
        return zf_error(ZF_EINVAL, "arena: no room for the text");
    buf[0] = '\0';
    if (arena_text(a, p, SIZE_MAX, 1, buf, size, &o))
        return zf_error(ZF_EINVAL, "arena: text longer than %zu bytes", size);
    return ZF_OK;
}

size_t zf_metric_zone_count(void) { return NZONEROWS; }

const zf_metric_desc *zf_metric_zone_get(size_t i) { return i < NZONEROWS ? &zone_rows[i].d : NULL; }

_Static_assert(NCAT + ZF_MAX_ZONES * NZONEROWS <= ZF_METRIC_MAX_SLOTS, "ZF_METRIC_MAX_SLOTS too small");

size_t zf_metric_nout(const zf_metric_params *p)
{
    size_t nz = p ? p->nzones : 0;
    return NCAT + (nz > ZF_MAX_ZONES ? ZF_MAX_ZONES : nz) * NZONEROWS;
}

/* Whether catalogue row r applies to a study with this arena and schedule. */
static int row_applies(const struct row *r, const zf_arena *a, const zf_metric_params *p)
{
    int need = r->d.arena;
    if (need == ZF_ARENA_ANY || need == ZF_ARENA_ZONES)
        return 1;
    if (need == ZF_ARENA_LIGHT)
        return p && p->nlight > 0;
    return a && need == a->kind;
}

/* Slot k -> its row and zone (SIZE_MAX for the catalogue rows); NULL when out of range. */
static const struct row *slot_row(const zf_metric_params *p, size_t k, size_t *zone)
{
    if (k < NCAT) {
        *zone = SIZE_MAX;
        return &catalogue[k];
    }
    size_t j = k - NCAT;
    if (!p || j / NZONEROWS >= p->nzones || j / NZONEROWS >= ZF_MAX_ZONES)
        return NULL;
    *zone = j / NZONEROWS;
    return &zone_rows[j % NZONEROWS];
}

int zf_metric_column_get(const zf_arena *a, const zf_metric_params *p, size_t k, zf_metric_column *col)
{
    size_t zone, o = 0;
    const struct row *r = slot_row(p, k, &zone);
    if (!r)
        return zf_error(ZF_EINVAL, "metric slot %zu: out of range", k);
    const zf_metric_desc *d = &r->d;
    int bad = 0;
    memset(col, 0, sizeof *col);
    col->desc = d;
    if (zone != SIZE_MAX) {
        const char *at = strstr(d->name, "<name>");
        const zf_zone *z = &p->zones[zone];
        int w = at ? snprintf(col->name, sizeof col->name, "%.*s%s%s", (int)(at - d->name), d->name, z->name, at + 6)
                   : snprintf(col->name, sizeof col->name, "%s", d->name);
        bad |= w < 0 || (size_t)w >= sizeof col->name;
        char zt[sizeof col->definition];
        size_t zo = 0, od = 0;
        zt[0] = '\0';
        bad |= zone_text(z, zt, sizeof zt, &zo);
        const char *eq = strchr(zt, '=');
        bad |= append(col->definition, sizeof col->definition, &od, "%s (zone '%s': %s mm)", d->definition, z->name,
                      eq ? eq + 1 : zt);
    } else {
        snprintf(col->name, sizeof col->name, "%s", d->name);
        snprintf(col->definition, sizeof col->definition, "%s", d->definition);
    }
    /* parameters: the row's, the preprocessing ones, the arena (with this zone) */
    if (p) {
        char list[512];
        int w = snprintf(list, sizeof list, "%s%s%s", d->params, d->params[0] ? "," : "", ZF_PREPROCESSING_PARAMS);
        if (w < 0 || (size_t)w >= sizeof list || zf_metric_params_text(p, list, col->parameters, sizeof col->parameters))
            bad = 1;
        else
            o = strlen(col->parameters);
    }
    if (a)
        bad |= arena_text(a, p, zone, 0, col->parameters, sizeof col->parameters, &o);
    if (bad)
        return zf_error(ZF_EINVAL, "metric '%s': name, definition or parameters too long", d->name);
    return row_applies(r, a, p) && zf_metric_selected(p, k);
}

void zf_macc_nan(zf_macc *acc)
{
    double *f = (double *)(void *)acc;
    for (size_t i = 0; i < sizeof *acc / sizeof(double); i++)
        f[i] = NAN;
}

void zf_macc_reset(zf_macc *acc, double start, double end)
{
    memset(acc, 0, sizeof *acc);
    acc->max_speed_mm_s = NAN;
    acc->latency_top_s = NAN;
    acc->latency_freezing_s = NAN;
    for (size_t z = 0; z < ZF_MAX_ZONES; z++)
        acc->zone_latency_s[z] = NAN;
    acc->activity_light_mm_min = acc->activity_dark_mm_min = NAN;
    acc->pmr_light_on_mm = acc->pmr_light_off_mm = NAN;
    acc->start = start;
    acc->end = end;
}

void zf_metric_fill(const zf_macc *acc, const zf_arena *a, const zf_metric_params *p, double *out, size_t nout)
{
    for (size_t k = 0; k < nout; k++) {
        size_t zone;
        const struct row *r = slot_row(p, k, &zone);
        out[k] = NAN;
        if (!r || !row_applies(r, a, p) || !zf_metric_selected(p, k))
            continue;
        size_t off = r->off + (zone == SIZE_MAX ? 0 : zone * sizeof(double));
        memcpy(&out[k], (const char *)acc + off, sizeof(double));
    }
}

int zf_metric_selected(const zf_metric_params *p, size_t k)
{
    size_t zone;
    const struct row *r;
    if (!p || !p->select)
        return 1;
    if (k >= ZF_METRIC_MAX_SLOTS || !(r = slot_row(p, k, &zone)))
        return 0;
    if (p->keep[k] || r->section == ZF_SEC_QC)
        return 1;
    /* a censoring flag follows its latency (latency_top_s, zone_<name>_latency_s) */
    size_t len = strlen(r->d.name);
    return !r->d.endpoint && len > 9 && strcmp(r->d.name + len - 9, "_censored") == 0 && k > 0 && p->keep[k - 1];
}

/* Name of slot k (zone templates spelled out) into name[80]; 0 when out of range. */
static int slot_name(const zf_metric_params *p, size_t k, char name[80])
{
    size_t zone;
    const struct row *r = slot_row(p, k, &zone);
    if (!r)
        return 0;
    const char *at = zone != SIZE_MAX ? strstr(r->d.name, "<name>") : NULL;
    if (at)
        snprintf(name, 80, "%.*s%s%s", (int)(at - r->d.name), r->d.name, p->zones[zone].name, at + 6);
    else
        snprintf(name, 80, "%s", r->d.name);
    return 1;
}

int zf_metric_endpoint_find(const zf_arena *a, const zf_metric_params *p, const char *name)
{
    size_t nout = zf_metric_nout(p);
    char buf[80];
    for (size_t k = 0; k < nout; k++) {
        size_t zone;
        const struct row *r = slot_row(p, k, &zone);
        if (r && r->d.endpoint && row_applies(r, a, p) && slot_name(p, k, buf) && strcmp(buf, name) == 0)
            return (int)k;
    }
    return -1;
}

void zf_metric_endpoint_names(const zf_arena *a, const zf_metric_params *p, char *buf, size_t size)
{
    size_t nout = zf_metric_nout(p), o = 0;
    char name[80];
    if (!size)
        return;
    buf[0] = '\0';
    for (size_t k = 0; k < nout; k++) {
        size_t zone;
        const struct row *r = slot_row(p, k, &zone);
        if (!r || !r->d.endpoint || !row_applies(r, a, p) || !slot_name(p, k, name))
            continue;
        size_t keep = o;
        if (append(buf, size, &o, "%s%s", o ? ", " : "", name)) {
            o = keep;
            buf[o] = '\0';
            if (size > 4 && o + 4 < size)
                snprintf(buf + o, size - o, "...");
            return;
        }
    }
}

static int selection_text(const zf_metric_params *p, char *buf, size_t size, size_t *o)
{
    size_t nout = zf_metric_nout(p);
    int bad = append(buf, size, o, "%sendpoints=", *o ? " " : ""), first = 1;
    char name[80];
    for (size_t k = 0; k < nout && k < ZF_METRIC_MAX_SLOTS; k++)
        if (p->keep[k] && slot_name(p, k, name)) {
            bad |= append(buf, size, o, "%s%s", first ? "" : ",", name);
            first = 0;
        }
    return bad;
}
