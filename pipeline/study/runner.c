/* runner.c: the plot stage, the whole-study runner and the experiment summary behind 'zfstress info'. */
#include "zfstress/core.h"
#include "zfstress/experiment.h"
#include "zfstress/metrics.h"
#include "zfstress/pipeline.h"
#include "zfstress/plot.h"
#include "zfstress/stats.h"

#include "study/study_internal.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The figures of the study (pipeline/plot/stage.c): those its figures: list
 * declares, else an estimation plot per endpoint, a time course per binned
 * endpoint, trajectories and heatmaps. */
int zf_stage_plot(const zf_study *s, zf_experiment *e, const char *figdir)
{
    return zf_plot_study(s, e, figdir);
}

int zf_experiment_info(const char *path, void *out)
{
    FILE *fp = out;
    int rc;
    zf_experiment *e = NULL;
    zf_table *sub = NULL;
    zf_track tr;
    char *schema = NULL, *software = NULL, *created = NULL;
    char **metrics = NULL;
    size_t nmetrics = 0;
    zf_activity act;
    zf_track_init(&tr);
    zf_activity_init(&act);
    if ((rc = zf_experiment_open(path, 0, &e)))
        return rc;
    if ((rc = zf_experiment_get_text(e, "/", "schema", &schema)) || (rc = zf_experiment_get_text(e, "/", "software", &software)) ||
        (rc = zf_experiment_get_text(e, "/", "created", &created)) || (rc = zf_experiment_read_subjects(e, &sub)))
        goto done;
    size_t ns = zf_experiment_nsubjects(e), missing = 0, bins = 0;
    double dmin = INFINITY, dmax = 0, total = 0;
    for (size_t i = 0; i < ns; i++) {
        if ((rc = zf_experiment_read_track(e, i, &tr)))
            goto done;
        double d = tr.n > 1 ? tr.t[tr.n - 1] - tr.t[0] : 0.0;
        if (tr.n == 0) {
            if ((rc = zf_experiment_read_activity(e, i, &act)))
                goto done;
            bins += act.n;
            d = act.n ? act.start_s[act.n - 1] + (isnan(act.duration_s[act.n - 1]) ? 0 : act.duration_s[act.n - 1]) - act.start_s[0] : 0.0;
        }
        dmin = fmin(dmin, d);
        dmax = fmax(dmax, d);
        total += d;
        missing += zf_track_missing(&tr);
    }
    if (!ns)
        dmin = 0;
    fprintf(fp, "file\t%s\nschema\t%s\nsoftware\t%s\ncreated\t%s\n", path, schema, software, created);
    fprintf(fp, "subjects\t%zu\nsamples\t%zu\nmissing_positions\t%zu\n", ns, zf_experiment_nsamples(e), missing);
    if (bins)
        fprintf(fp, "activity_bins\t%zu\n", bins);
    fprintf(fp, "duration_s\tmean %.3f, min %.3f, max %.3f\n", ns ? total / (double)ns : 0.0, dmin, dmax);
    int cg = zf_table_col(sub, "group");
    if (cg >= 0) {
        fputs("groups", fp);
        for (size_t r = 0; r < sub->nrow; r++) {
            const char *g = zf_table_cell(sub, r, (size_t)cg);
            size_t count = zf_sheet_first_count(sub, (size_t)cg, r);
            if (!count)
                continue;
            fprintf(fp, "%s%s (n = %zu)", r ? ", " : "\t", g, count);
        }
        fputc('\n', fp);
    }
    if (zf_experiment_list_metrics(e, &metrics, &nmetrics) == ZF_OK)
        fprintf(fp, "metrics\t%zu\n", nmetrics);
    else
        fputs("metrics\tnone (run 'zfstress metrics')\n", fp);
    zf_error_clear();
done:
    zf_strv_free(metrics, nmetrics);
    free(schema);
    free(software);
    free(created);
    zf_track_free(&tr);
    zf_activity_free(&act);
    zf_table_free(sub);
    zf_experiment_close(e);
    return rc;
}
