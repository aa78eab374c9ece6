/* runner.c: the plot stage, the whole-study runner and the experiment summary behind 'zfstress info'. */
#include "zfstress/core.h"
#include "zfstress/experiment.h"
#include "zfstress/metrics.h"
#include "zfstress/pipeline.h"
#include "zfstress/plot.h"
#include "zfstress/stats.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Levels of a factor column: the control first, then in order of first appearance. */
static size_t levels(const zf_table *t, size_t col, const char *control, const char **out)
{
    size_t k = 0;
    out[k++] = control;
    for (size_t r = 0; r < t->nrow; r++) {
        const char *v = zf_table_cell(t, r, col);
        size_t j;
        for (j = 0; j < k; j++)
            if (strcmp(out[j], v) == 0)
                break;
        if (j == k)
            out[k++] = v;
    }
    return k;
}

int zf_stage_plot(const zf_study *s, zf_experiment *e, const char *figdir)
{
    int rc = ZF_OK;
    zf_table *sub = NULL;
    zf_stat_table st;
    size_t ns = zf_experiment_nsubjects(e);
    double *v = NULL, *vals = NULL, *p = NULL;
    const char **lev = NULL;
    zf_plot_group *groups = NULL;
    char *input = NULL, *path = NULL;
    zf_stat_table_init(&st);

    if ((rc = zf_experiment_read_subjects(e, &sub)) || (rc = zf_experiment_read_stats(e, &st)) ||
        (rc = zf_experiment_get_text(e, "/provenance", "input_sha256", &input)) || (rc = zf_mkdir_p(figdir)))
        goto done;
    int cg = zf_table_col(sub, s->factor);
    if (cg < 0) {
        rc = zf_error(ZF_EDATA, "'%s': no subject column '%s'", sub->path, s->factor);
        goto done;
    }
    if (!(v = malloc((ns + 1) * sizeof *v)) || !(vals = malloc((ns + 1) * sizeof *vals)) ||
        !(lev = malloc((ns + 2) * sizeof *lev)) || !(groups = malloc((ns + 2) * sizeof *groups)) ||
        !(p = malloc((ns + 2) * sizeof *p))) {
        rc = zf_error(ZF_ENOMEM, "out of memory");
        goto done;
    }
    size_t nl = levels(sub, (size_t)cg, s->control, lev);
    char seed[32], procedure[64];
    snprintf(seed, sizeof seed, "%lu", s->seed);
    snprintf(procedure, sizeof procedure, "box + swarm; p: welch_t, %s-adjusted", s->adjust);
    for (size_t m = 0; m < zf_metric_count(); m++) {
        const zf_metric_desc *d = zf_metric_get(m);
        if (!d->endpoint || (d->arena != ZF_ARENA_ANY && d->arena != s->arena.kind))
            continue;
        if ((rc = zf_experiment_read_metric(e, d->name, v, ns)))
            goto done;
        size_t o = 0;
        for (size_t g = 0; g < nl; g++) {
            groups[g].name = lev[g];
            groups[g].values = vals + o;
            size_t start = o;
            for (size_t i = 0; i < ns; i++)
                if (strcmp(zf_table_cell(sub, i, (size_t)cg), lev[g]) == 0)
                    vals[o++] = v[i];
            groups[g].n = o - start;
            p[g] = NAN;
            char contrast[160];
            snprintf(contrast, sizeof contrast, "%s - %s", lev[g], s->control);
            for (size_t r = 0; g > 0 && r < st.n; r++)
                if (strcmp(st.rows[r].metric, d->name) == 0 && strcmp(st.rows[r].procedure, "welch_t") == 0 &&
                    strcmp(st.rows[r].contrast, contrast) == 0)
                    p[g] = st.rows[r].p_adjusted;
        }
        char ylabel[128], name[128];
        snprintf(ylabel, sizeof ylabel, "%s (%s)", d->name, d->unit);
        snprintf(name, sizeof name, "%s.png", d->name);
        zf_box_figure fig;
        memset(&fig, 0, sizeof fig);
        fig.title = d->name;
        fig.ylabel = ylabel;
        fig.groups = groups;
        fig.ngroups = nl;
        fig.p = p;
        char plabel[96];
        snprintf(plabel, sizeof plabel, "p: Welch t vs %s, %s-adjusted", s->control, s->adjust);
        fig.p_label = plabel;
        zf_png_text text[] = {
            {"Software", "zfstress " ZF_VERSION}, {"Title", d->name}, {"Study", s->sha256},
            {"Input hash", input}, {"Procedure", procedure}, {"Seed", seed},
        };
        free(path);
        if (!(path = zf_path_join(figdir, name))) {
            rc = ZF_ENOMEM;
            goto done;
        }
        if ((rc = zf_plot_box_swarm(&fig, path, text, sizeof text / sizeof text[0])) != ZF_OK)
            goto done;
    }
done:
    zf_stat_table_free(&st);
    zf_table_free(sub);
    free(v);
    free(vals);
    free(p);
    free(lev);
    free(groups);
    free(input);
    free(path);
    return rc;
}

int zf_run(const zf_study *s, const zf_outputs *o, const char *command)
{
    int rc;
    zf_experiment *e = NULL;
    if ((rc = zf_mkdir_p(o->dir)) || (rc = zf_experiment_create(o->experiment, &e)))
        return rc;
    zf_log(ZF_LOG_INFO, "run: ingest");
    if ((rc = zf_stage_ingest(s, e, command)))
        goto fail;
    zf_log(ZF_LOG_INFO, "run: metrics");
    if ((rc = zf_stage_metrics(s, e, o->metrics_csv, o->binned_csv)))
        goto fail;
    zf_log(ZF_LOG_INFO, "run: stats");
    if ((rc = zf_stage_stats(s, e, o->stats_csv)))
        goto fail;
    zf_log(ZF_LOG_INFO, "run: plot");
    if ((rc = zf_stage_plot(s, e, o->figures)))
        goto fail;
    return zf_experiment_commit(e);
fail:
    zf_experiment_close(e);
    return rc;
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
            size_t first = r, count = 0;
            for (size_t q = 0; q < r; q++)
                if (strcmp(zf_table_cell(sub, q, (size_t)cg), g) == 0)
                    first = q;
            if (first != r)
                continue;
            for (size_t q = r; q < sub->nrow; q++)
                count += strcmp(zf_table_cell(sub, q, (size_t)cg), g) == 0;
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
