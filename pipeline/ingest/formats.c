/* formats.c: the reader table, content-based format detection, and calibration of tracks at the door. */
#include "zfstress/core.h"
#include "zfstress/ingest.h"
#include "zfstress/table.h"

#include "ingest/readers.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Adding a format is adding a row. Order breaks ties between equal sniff scores. */
static const zf_format formats[] = {
    {"csv", "generic CSV/TSV with a header row: time (s) and x, y columns named in the study",
     "columns: {time, x, y}; units (mm, cm, px + px_per_mm); y_axis; fps when there is no time column",
     zf_sniff_csv, zf_read_csv},
    {"ethovision", "EthoVision XT text export (UTF-16 or 8-bit; ';' ',' or tab; header-count block, names + units rows), legacy 3.x CSV, R re-saved track",
     "nothing (units from the units row, y up); fps only when there is no time column",
     zf_sniff_ethovision, zf_read_ethovision},
    {"anymaze", "ANY-maze test data CSV: Time (s or h:mm:ss.sss), Centre position X/Y (mm, or cm/px as the header says), y up",
     "nothing (px_per_mm when positions are in pixels)",
     zf_sniff_anymaze, zf_read_anymaze},
    {"toxtrac", "ToxTrac Tracking_RealSpace_<n>.txt (Time (sec), Arena, Track, Pos. X/Y (mm), Label) or headerless Tracking_<n>.txt (frame, px); one track per arena on the frame grid",
     "arena.height_mm or origin_y (image y down); fps for Tracking_<n>.txt (else derived from the time column); px_per_mm for pixels; arena to pick one",
     zf_sniff_toxtrac, zf_read_toxtrac},
    {"idtracker", "idtracker.ai trajectories.csv: [seconds,] x1,y1,x2,y2,... (px, image y down, nan missing), one track per individual",
     "px_per_mm; arena.height_mm or origin_y; fps when there is no seconds column; individual (1, 2, ...) to pick one",
     zf_sniff_idtracker, zf_read_idtracker},
    {"trex", "TRex per-individual CSV (frame, X/Y#wcentroid|#pcentroid|#centroid|X/Y (cm or px), time, missing; inf = untracked), image y down",
     "arena.height_mm or origin_y; units (px + px_per_mm) when TRex had no calibration; fps when there is no time column",
     zf_sniff_trex, zf_read_trex},
    {"sleap", "SLEAP analysis HDF5 (.analysis.h5, either axis order) or analysis CSV: keypoints per track, px, image y down",
     "fps; px_per_mm; arena.height_mm or origin_y; bodypart (else centroid of parts >= min_likelihood); individual = track name to pick one",
     zf_sniff_sleap, zf_read_sleap},
    {"dlc", "DeepLabCut CSV (3-row single-animal or 4-row multi-animal header; labelled-data files too): keypoints, px, image y down",
     "fps; px_per_mm; arena.height_mm or origin_y; bodypart (else centroid of parts >= min_likelihood); individual to pick one",
     zf_sniff_dlc, zf_read_dlc},
    {"zebrazoom", "ZebraZoom HDF5 output: HeadPos of each animal of each well, px, image y down; videoFPS and videoPixelSize from the file",
     "arena.height_mm or origin_y; px_per_mm only to override videoPixelSize; arena = well<i>, individual = animal<j> to pick one",
     zf_sniff_zebrazoom, zf_read_zebrazoom},
    {"viewpoint", "ViewPoint ZebraBox/ZebraLab binned activity export (tab-separated text, often named .xls): per-bin distances per well",
     "nothing (one subject per well; 'individual' column = well name, e.g. A01-1, to pick one)",
     zf_sniff_viewpoint, zf_read_viewpoint},
};
#define NFORMATS (sizeof formats / sizeof formats[0])

size_t zf_format_count(void) { return NFORMATS; }
const zf_format *zf_format_get(size_t i) { return i < NFORMATS ? &formats[i] : NULL; }

const zf_format *zf_format_find(const char *name)
{
    for (size_t i = 0; i < NFORMATS; i++)
        if (strcmp(formats[i].name, name) == 0)
            return &formats[i];
    return NULL;
}

void zf_read_opts_default(zf_read_opts *o)
{
    memset(o, 0, sizeof *o);
    o->col_time = "time_s";
    o->col_x = "x_mm";
    o->col_y = "y_mm";
    o->units = ZF_UNITS_AUTO;
    o->px_per_mm = NAN;
    o->y_axis = ZF_Y_AUTO;
    o->origin_x = NAN;
    o->origin_y = NAN;
    o->arena_height_mm = NAN;
    o->fps = NAN;
    o->time_offset_s = 0.0;
    o->min_likelihood = 0.6; /* DeepLabCut's default pcutoff */
}

void zf_track_info_init(zf_track_info *info)
{
    memset(info, 0, sizeof *info);
    info->fps = NAN;
    info->mm_per_unit = 1.0;
    snprintf(info->units, sizeof info->units, "mm");
    snprintf(info->y_direction, sizeof info->y_direction, "up");
}

int zf_has_suffix(const char *name, const char *suffix)
{
    size_t a = strlen(name), b = strlen(suffix);
    if (b > a)
        return 0;
    for (size_t i = 0; i < b; i++) {
        char x = name[a - b + i], y = suffix[i];
        if (x >= 'A' && x <= 'Z')
            x = (char)(x - 'A' + 'a');
        if (y >= 'A' && y <= 'Z')
            y = (char)(y - 'A' + 'a');
        if (x != y)
            return 0;
    }
    return 1;
}

size_t zf_count_byte(const unsigned char *head, size_t n, unsigned char c)
{
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        k += head[i] == c;
    return k;
}

int zf_parse_number_opt(const char *s, const zf_read_opts *o, double *out)
{
    if (!o || !o->decimal_comma || !strchr(s, ','))
        return zf_parse_number(s, out);
    char tmp[64];
    size_t n = strlen(s);
    if (n >= sizeof tmp)
        return ZF_NUM_BAD;
    for (size_t i = 0; i <= n; i++)
        tmp[i] = s[i] == ',' ? '.' : s[i];
    return zf_parse_number(tmp, out);
}

#define HEAD_BYTES 65536

int zf_format_detect(const char *path, const zf_format **out)
{
    unsigned char *head = malloc(HEAD_BYTES + 1);
    if (!head)
        return zf_error(ZF_ENOMEM, "out of memory");
    FILE *fp = fopen(path, "rb");
    if (!fp) {
        int rc = zf_error(ZF_EIO, "'%s': cannot open: %s", path, strerror(errno));
        free(head);
        return rc;
    }
    size_t n = fread(head, 1, HEAD_BYTES, fp);
    int err = ferror(fp) ? errno : 0;
    fclose(fp);
    if (err) {
        free(head);
        return zf_error(ZF_EIO, "'%s': cannot read: %s", path, strerror(err));
    }
    head[n] = '\0';
    int best = 0;
    const zf_format *pick = NULL;
    for (size_t i = 0; i < NFORMATS; i++) {
        int s = formats[i].sniff(path, head, n);
        if (s > best) {
            best = s;
            pick = &formats[i];
        }
    }
    free(head);
    if (!pick) {
        if (n == 0)
            return zf_error(ZF_EPARSE, "'%s': empty file: expected a track file", path);
        char names[256];
        size_t o = 0;
        names[0] = '\0';
        for (size_t i = 0; i < NFORMATS && o < sizeof names; i++) {
            int w = snprintf(names + o, sizeof names - o, "%s%s", i ? ", " : "", formats[i].name);
            if (w < 0)
                break;
            o += (size_t)w;
        }
        return zf_error(ZF_EPARSE, "'%s': matches no reader (tried %s); set 'format' in the study or the sample sheet",
                        path, names);
    }
    *out = pick;
    return ZF_OK;
}

int zf_read_tracks(const char *path, const char *format, const zf_read_opts *o,
                   zf_track_sink sink, void *ctx, const zf_format **used)
{
    const zf_format *f = NULL;
    int rc;
    if (!format || !format[0] || strcmp(format, "auto") == 0) {
        if ((rc = zf_format_detect(path, &f)) != ZF_OK)
            return rc;
    } else if (!(f = zf_format_find(format))) {
        char names[256];
        size_t k = 0;
        names[0] = '\0';
        for (size_t i = 0; i < NFORMATS && k < sizeof names; i++) {
            int w = snprintf(names + k, sizeof names - k, "%s, ", formats[i].name);
            if (w < 0)
                break;
            k += (size_t)w;
        }
        return zf_error(ZF_EINVAL, "'%s': unknown format '%s'; expected one of: %sauto", path, format, names);
    }
    if (used)
        *used = f;
    return f->read(path, o, sink, ctx);
}

int zf_track_calibrate(const char *path, zf_track *tr, const zf_read_opts *o, int file_units,
                       int file_y_down, zf_track_info *info)
{
    int units = o->units != ZF_UNITS_AUTO ? o->units : file_units == ZF_UNITS_AUTO ? ZF_UNITS_MM : file_units;
    int y_down = o->y_axis != ZF_Y_AUTO ? o->y_axis == ZF_Y_DOWN : file_y_down;
    double scale = 1.0;
    char *c = info->conversions;
    size_t cap = sizeof info->conversions, k = 0;
    int w;

    if (units == ZF_UNITS_CM)
        scale = 10.0;
    else if (units == ZF_UNITS_PX) {
        if (!(o->px_per_mm > 0))
            return zf_error(ZF_EINVAL, "'%s': positions are in pixels: expected px_per_mm (in the study or a 'px_per_mm' column of the sample sheet)", path);
        scale = 1.0 / o->px_per_mm;
    }
    double ox = isnan(o->origin_x) ? 0.0 : o->origin_x;
    double oy = o->origin_y;
    if (y_down && isnan(oy) && isnan(o->arena_height_mm))
        return zf_error(ZF_EINVAL, "'%s': y grows downwards (image coordinates): expected arena.height_mm or origin_y to turn it into height above the floor", path);
    for (size_t i = 0; i < tr->n; i++) {
        tr->x[i] = (tr->x[i] - ox) * scale;
        if (y_down)
            tr->y[i] = isnan(oy) ? o->arena_height_mm - tr->y[i] * scale : (oy - tr->y[i]) * scale;
        else
            tr->y[i] = (tr->y[i] - (isnan(oy) ? 0.0 : oy)) * scale;
    }
    /* trim acclimation: drop samples before time_offset_s, shift the rest to 0 */
    if (o->time_offset_s > 0) {
        size_t j = 0;
        for (size_t i = 0; i < tr->n; i++)
            if (tr->t[i] >= o->time_offset_s) {
                tr->t[j] = tr->t[i] - o->time_offset_s;
                tr->x[j] = tr->x[i];
                tr->y[j] = tr->y[i];
                j++;
            }
        tr->n = j;
        if (j < 2)
            return zf_error(ZF_EDATA, "'%s': fewer than 2 samples after time_offset_s = %g s", path, o->time_offset_s);
    }
    info->mm_per_unit = scale;
    snprintf(info->units, sizeof info->units, "%s", zf_units_name(units));
    snprintf(info->y_direction, sizeof info->y_direction, "%s", y_down ? "down (flipped)" : "up");
    w = snprintf(c + k, cap - k, "positions in %s", zf_units_name(units));
    k += w > 0 ? (size_t)w : 0;
    if (units == ZF_UNITS_PX && k < cap) {
        w = snprintf(c + k, cap - k, " / %g px/mm", o->px_per_mm);
        k += w > 0 ? (size_t)w : 0;
    } else if (units == ZF_UNITS_CM && k < cap) {
        w = snprintf(c + k, cap - k, " x 10");
        k += w > 0 ? (size_t)w : 0;
    }
    if (ox != 0 && k < cap) {
        w = snprintf(c + k, cap - k, "; x origin %g", ox);
        k += w > 0 ? (size_t)w : 0;
    }
    if (y_down && k < cap) {
        if (isnan(oy))
            w = snprintf(c + k, cap - k, "; y flipped (down -> up): %g mm - y", o->arena_height_mm);
        else
            w = snprintf(c + k, cap - k, "; y flipped (down -> up) about %g", oy);
        k += w > 0 ? (size_t)w : 0;
    }
    if (o->time_offset_s > 0 && k < cap)
        snprintf(c + k, cap - k, "; first %g s dropped", o->time_offset_s);
    return ZF_OK;
}

void zf_activity_init(zf_activity *a) { memset(a, 0, sizeof *a); }

void zf_activity_free(zf_activity *a)
{
    if (!a)
        return;
    free(a->start_s);
    free(a->duration_s);
    free(a->inactive_mm);
    free(a->small_mm);
    free(a->large_mm);
    memset(a, 0, sizeof *a);
}

int zf_activity_push(zf_activity *a, double start_s, double duration_s, double inactive_mm,
                     double small_mm, double large_mm)
{
    if (a->n == a->cap) {
        size_t cap = a->cap ? 2 * a->cap : 256;
        double **cols[] = {&a->start_s, &a->duration_s, &a->inactive_mm, &a->small_mm, &a->large_mm};
        for (size_t k = 0; k < sizeof cols / sizeof cols[0]; k++) {
            double *p = realloc(*cols[k], cap * sizeof *p);
            if (!p)
                return zf_error(ZF_ENOMEM, "out of memory");
            *cols[k] = p;
        }
        a->cap = cap;
    }
    a->start_s[a->n] = start_s;
    a->duration_s[a->n] = duration_s;
    a->inactive_mm[a->n] = inactive_mm;
    a->small_mm[a->n] = small_mm;
    a->large_mm[a->n] = large_mm;
    a->n++;
    return ZF_OK;
}
