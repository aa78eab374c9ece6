/* reader_viewpoint.c: ViewPoint ZebraBox/ZebraLab binned exports (tab-separated text despite .xls): per-bin distances per well. */
#include "zfstress/core.h"
#include "zfstress/ingest.h"
#include "zfstress/table.h"

#include "ingest/readers.h"
#include "ingest/textfmt.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Column roles and the names ViewPoint uses for them across export versions. */
enum { C_PLATE, C_START, C_WELL, C_INA, C_SML, C_LAR, NROLE };
static const char *const role_names[NROLE][3] = {
    {"vd_samplecode", "samplecode", NULL},
    {"vd_start", "sttime", "start"},
    {"vd_aname", "animal", "aname"},
    {"vd_inadist", "inadist", NULL},
    {"vd_smldist", "smldist", NULL},
    {"vd_lardist", "lardist", NULL},
};
static const char *const role_label[NROLE] = {"plate", "bin start (s)", "well", "inactive distance",
                                              "small-movement distance", "large-movement distance"};

int zf_sniff_viewpoint(const char *path, const unsigned char *head, size_t n)
{
    (void)path;
    const unsigned char *nl = memchr(head, '\n', n);
    size_t len = nl ? (size_t)(nl - head) : n;
    char line[1024];
    if (len >= sizeof line || memchr(head, '\0', len))
        return 0;
    memcpy(line, head, len);
    line[len] = '\0';
    if (!strchr(line, '\t'))
        return 0;
    if (strstr(line, "vd_aname") && strstr(line, "vd_start"))
        return 90;
    if (strstr(line, "animal") && (strstr(line, "inadist") || strstr(line, "smldist")))
        return 80;
    return 0;
}

typedef struct well {
    char name[64];
    zf_activity a;
} well;

int zf_read_viewpoint(const char *path, const zf_read_opts *o, zf_track_sink sink, void *ctx)
{
    int rc = ZF_OK;
    zf_csv *c = NULL;
    well *wells = NULL;
    size_t nwells = 0, cap = 0, nf = 0, last = 0;
    int col[NROLE];
    char first_plate[64] = "";
    int plates = 1;
    zf_track empty;
    zf_track_init(&empty);

    if ((rc = zf_tx_open_csv(path, '\t', "a ViewPoint header row", &c, &nf)) != ZF_OK)
        goto done;
    for (int r = 0; r < NROLE; r++) {
        col[r] = -1;
        for (size_t i = 0; i < nf && col[r] < 0; i++)
            for (int k = 0; k < 3 && role_names[r][k]; k++)
                if (strcmp(zf_csv_field(c, i), role_names[r][k]) == 0)
                    col[r] = (int)i;
        if (col[r] < 0 && r != C_PLATE) {
            rc = zf_error(ZF_EPARSE, "'%s':1: expected a column '%s' (%s) in a ViewPoint export", path, role_names[r][0],
                          role_label[r]);
            goto done;
        }
    }
    while ((rc = zf_csv_next(c, &nf)) == 1) {
        double v[NROLE];
        const char *wname = zf_csv_field(c, (size_t)col[C_WELL]);
        for (int r = C_START; r < NROLE; r++) {
            if (r == C_WELL)
                continue;
            const char *f = zf_csv_field(c, (size_t)col[r]);
            /* tab-separated, so a decimal comma is unambiguous */
            zf_read_opts dc = *o;
            dc.decimal_comma = 1;
            if (!f || zf_parse_number_opt(f, &dc, &v[r]) != ZF_NUM_OK) {
                rc = zf_error(ZF_EPARSE, "'%s':%zu: column %d (%s): expected a number, got \"%s\"", path, zf_csv_line(c),
                              col[r] + 1, role_label[r], f ? ZF_EXCERPT(f) : "(missing field)");
                goto done;
            }
        }
        if (!wname || !wname[0]) {
            rc = zf_error(ZF_EPARSE, "'%s':%zu: column %d: expected a well name, got an empty field", path,
                          zf_csv_line(c), col[C_WELL] + 1);
            goto done;
        }
        char key[64];
        const char *plate = col[C_PLATE] >= 0 ? zf_csv_field(c, (size_t)col[C_PLATE]) : NULL;
        if (plate && !first_plate[0])
            snprintf(first_plate, sizeof first_plate, "%s", plate);
        if (plate && strcmp(plate, first_plate) != 0)
            plates = 2;
        snprintf(key, sizeof key, "%s\t%s", plate ? plate : "", wname);
        /* rows cycle through the wells in order: try the one after the last first */
        size_t w = nwells;
        if (nwells && strcmp(wells[(last + 1) % nwells].name, key) == 0)
            w = (last + 1) % nwells;
        else
            for (size_t k = 0; k < nwells; k++)
                if (strcmp(wells[k].name, key) == 0) {
                    w = k;
                    break;
                }
        if (w == nwells) {
            if (nwells == cap) {
                size_t ncap = cap ? 2 * cap : 128;
                well *nw = realloc(wells, ncap * sizeof *nw);
                if (!nw) {
                    rc = zf_error(ZF_ENOMEM, "out of memory");
                    goto done;
                }
                wells = nw;
                cap = ncap;
            }
            snprintf(wells[nwells].name, sizeof wells[nwells].name, "%s", key);
            zf_activity_init(&wells[nwells].a);
            nwells++;
        }
        last = w;
        zf_activity *a = &wells[w].a;
        if (a->n && v[C_START] <= a->start_s[a->n - 1]) {
            rc = zf_error(ZF_EDATA, "'%s':%zu: well '%s': bin start %g s does not follow %g s", path, zf_csv_line(c),
                          wname, v[C_START], a->start_s[a->n - 1]);
            goto done;
        }
        if ((rc = zf_activity_push(a, v[C_START] - o->time_offset_s, NAN, v[C_INA], v[C_SML], v[C_LAR])) != ZF_OK)
            goto done;
    }
    if (rc < 0)
        goto done;
    rc = ZF_OK;
    if (nwells == 0) {
        rc = zf_error(ZF_EDATA, "'%s': no activity rows after the header", path);
        goto done;
    }
    for (size_t k = 0; k < nwells; k++) {
        zf_activity *a = &wells[k].a;
        zf_track_info info;
        zf_track_info_init(&info);
        /* bin length: the step to the next bin; the last bin as long as the one before */
        for (size_t b = 0; b + 1 < a->n; b++)
            a->duration_s[b] = a->start_s[b + 1] - a->start_s[b];
        if (a->n)
            a->duration_s[a->n - 1] = a->n > 1 ? a->duration_s[a->n - 2] : NAN;
        /* drop bins before time_offset_s */
        size_t j = 0;
        for (size_t b = 0; b < a->n; b++)
            if (a->start_s[b] >= 0) {
                a->start_s[j] = a->start_s[b];
                a->duration_s[j] = a->duration_s[b];
                a->inactive_mm[j] = a->inactive_mm[b];
                a->small_mm[j] = a->small_mm[b];
                a->large_mm[j] = a->large_mm[b];
                j++;
            }
        a->n = j;
        char *tab = strchr(wells[k].name, '\t');
        const char *wname = tab ? tab + 1 : wells[k].name;
        if (plates > 1 && tab) {
            *tab = '\0';
            snprintf(info.individual, sizeof info.individual, "%.31s_%.31s", wells[k].name, wname);
            *tab = '\t';
        } else {
            snprintf(info.individual, sizeof info.individual, "%s", wname);
        }
        if (o->individual && strcmp(o->individual, info.individual) != 0)
            continue;
        snprintf(info.units, sizeof info.units, "mm");
        snprintf(info.conversions, sizeof info.conversions,
                 "ViewPoint binned activity: per-bin distances (mm) while inactive, small and large movements");
        info.activity = a;
        if ((rc = sink(ctx, &empty, &info)) != ZF_OK)
            goto done;
    }
done:
    for (size_t k = 0; k < nwells; k++)
        zf_activity_free(&wells[k].a);
    free(wells);
    zf_csv_close(c);
    return rc;
}
