/* test_readers_viewpoint.c: the ViewPoint binned-activity reader on hand-made exports (CRLF, decimal commas, two plates) and the real sample. */
#include "zfstress/core.h"
#include "zfstress/ingest.h"
#include "zfstress/metrics.h"

#include "check.h"
#include "testutil.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct got {
    size_t n;
    char names[256][64];
    size_t bins[256];
    double dist[256];   /* total distance of each emitted well */
    double first_dur[256];
} got;

static int sink(void *ctx, zf_track *tr, const zf_track_info *info)
{
    got *g = ctx;
    CHECK(tr->n == 0);
    CHECK(info->activity != NULL);
    if (!info->activity || g->n >= 256)
        return ZF_OK;
    const zf_activity *a = info->activity;
    snprintf(g->names[g->n], sizeof g->names[g->n], "%s", info->individual);
    g->bins[g->n] = a->n;
    double d = 0;
    for (size_t b = 0; b < a->n; b++)
        d += a->inactive_mm[b] + a->small_mm[b] + a->large_mm[b];
    g->dist[g->n] = d;
    g->first_dur[g->n] = a->n ? a->duration_s[0] : NAN;
    g->n++;
    return ZF_OK;
}

static const char *tmpdir(void)
{
    const char *d = getenv("ZF_TMP");
    d = d ? d : "/tmp/zf_readers_viewpoint";
    zf_mkdir_p(d);
    return d;
}

static void write_file(char *path, size_t size, const char *name, const char *text)
{
    CHECK(tu_write_text_in(path, size, tmpdir(), name, text) == 0);
}

int main(void)
{
    zf_init();
    char p[1024];
    zf_read_opts o;
    zf_read_opts_default(&o);
    got g;

    /* one plate, two wells, 3 bins of 6 s, CRLF and decimal commas (European locale) */
    write_file(p, sizeof p, "lpr.xls",
               "vd_samplecode\tvd_start\tvd_timebinid\tvd_aname\tvd_inadist\tvd_smldist\tvd_lardist\tvp_locationcode\r\n"
               "7\t0\t1\tA01-1\t1,5\t2\t0\tZB\r\n"
               "7\t0\t1\tA02-1\t0\t0\t0\tZB\r\n"
               "7\t6\t1\tA01-1\t0,25\t0,25\t10\tZB\r\n"
               "7\t6\t1\tA02-1\t1\t0\t0\tZB\r\n"
               "7\t12\t1\tA01-1\t0\t0\t0\tZB\r\n"
               "7\t12\t1\tA02-1\t0\t3\t0\tZB\r\n");
    const zf_format *f = NULL;
    CHECK_OK(zf_format_detect(p, &f));
    CHECK(f && strcmp(f->name, "viewpoint") == 0);
    memset(&g, 0, sizeof g);
    CHECK_OK(zf_read_tracks(p, "auto", &o, sink, &g, NULL));
    CHECK(g.n == 2);
    CHECK(strcmp(g.names[0], "A01-1") == 0 && strcmp(g.names[1], "A02-1") == 0);
    CHECK(g.bins[0] == 3 && g.bins[1] == 3);
    /* A01-1: 1.5 + 2 + 0.25 + 0.25 + 10 = 14; A02-1: 1 + 3 = 4 */
    CHECK_NEAR(g.dist[0], 14.0, 1e-12);
    CHECK_NEAR(g.dist[1], 4.0, 1e-12);
    CHECK_NEAR(g.first_dur[0], 6.0, 1e-12);

    /* one well only */
    memset(&g, 0, sizeof g);
    o.individual = "A02-1";
    CHECK_OK(zf_read_tracks(p, "viewpoint", &o, sink, &g, NULL));
    CHECK(g.n == 1 && strcmp(g.names[0], "A02-1") == 0);
    o.individual = NULL;

    /* metrics from bins: distance per 12 s window and speed = distance / binned time */
    {
        zf_activity a;
        zf_activity_init(&a);
        CHECK_OK(zf_activity_push(&a, 0, 6, 1.5, 2, 0));
        CHECK_OK(zf_activity_push(&a, 6, 6, 0.25, 0.25, 10));
        CHECK_OK(zf_activity_push(&a, 12, 6, 0, 0, 0));
        double *out = calloc(zf_metric_count(), sizeof *out);
        CHECK(out != NULL);
        if (out) {
            CHECK_OK(zf_metrics_compute_activity(&a, 0, 12, out));
            CHECK_NEAR(out[zf_metric_find("distance_mm")], 14.0, 1e-12);
            CHECK_NEAR(out[zf_metric_find("mean_speed_mm_s")], 14.0 / 12.0, 1e-12);
            CHECK_NEAR(out[zf_metric_find("observed_s")], 12.0, 1e-12);
            CHECK(isnan(out[zf_metric_find("time_top_s")]));
            free(out);
        }
        zf_activity_free(&a);
    }

    /* two plates: wells are named plate_well */
    write_file(p, sizeof p, "two.xls",
               "vd_samplecode\tvd_start\tvd_timebinid\tvd_aname\tvd_inadist\tvd_smldist\tvd_lardist\n"
               "p1\t0\t1\tA01-1\t1\t0\t0\np2\t0\t1\tA01-1\t2\t0\t0\n");
    memset(&g, 0, sizeof g);
    CHECK_OK(zf_read_tracks(p, "viewpoint", &o, sink, &g, NULL));
    CHECK(g.n == 2 && strcmp(g.names[0], "p1_A01-1") == 0 && strcmp(g.names[1], "p2_A01-1") == 0);

    /* errors name file, line and column */
    write_file(p, sizeof p, "bad.xls",
               "vd_start\tvd_aname\tvd_inadist\tvd_smldist\tvd_lardist\n0\tA01-1\t1\tx\t0\n");
    CHECK(zf_read_tracks(p, "viewpoint", &o, sink, &g, NULL) == ZF_EPARSE);
    CHECK(strstr(zf_errmsg(), "bad.xls':2: column 4 (small-movement distance): expected a number, got \"x\"") != NULL);
    write_file(p, sizeof p, "nodist.xls", "vd_start\tvd_aname\n0\tA01-1\n");
    CHECK(zf_read_tracks(p, "viewpoint", &o, sink, &g, NULL) == ZF_EPARSE);
    CHECK(strstr(zf_errmsg(), "nodist.xls':1: expected a column 'vd_inadist' (inactive distance)") != NULL);
    write_file(p, sizeof p, "back.xls",
               "vd_start\tvd_aname\tvd_inadist\tvd_smldist\tvd_lardist\n6\tA\t1\t0\t0\n0\tA\t1\t0\t0\n");
    CHECK(zf_read_tracks(p, "viewpoint", &o, sink, &g, NULL) == ZF_EDATA);
    CHECK(strstr(zf_errmsg(), "back.xls':3: well 'A': bin start 0 s does not follow 6 s") != NULL);

    /* the real ZebraBox export: 2 plates x 96 wells, 6 s bins, 245 bins per well
     * (one plate's last bin has 93 of 96 wells: 47037 rows) */
    snprintf(p, sizeof p, "%s/viewpoint/LPR_raw_data_CV.xls", ZF_SHARED_FORMATS);
    FILE *real = fopen(p, "rb");
    if (!real) {
        printf("SKIP: ../shared/formats absent: real ViewPoint sample not checked\n");
    } else {
        fclose(real);
        memset(&g, 0, sizeof g);
        CHECK_OK(zf_format_detect(p, &f));
        CHECK(f && strcmp(f->name, "viewpoint") == 0);
        CHECK_OK(zf_read_tracks(p, "auto", &o, sink, &g, NULL));
        CHECK(g.n == 192);
        size_t total = 0;
        for (size_t k = 0; k < g.n; k++)
            total += g.bins[k];
        CHECK(total == 47037);
        CHECK(strcmp(g.names[0], "000018103_A01-1") == 0);
        CHECK(g.bins[0] == 245);
        CHECK_NEAR(g.first_dur[0], 6.0, 1e-12);
        /* the side files (sample sheets of the plate) are not activity exports */
        snprintf(p, sizeof p, "%s/viewpoint/Table_ID_CV.xls", ZF_SHARED_FORMATS);
        CHECK_OK(zf_format_detect(p, &f));
        CHECK(f && strcmp(f->name, "viewpoint") != 0);
    }
    return CHECK_DONE();
}
