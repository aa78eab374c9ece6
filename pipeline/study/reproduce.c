/* reproduce.c: 'zfstress reproduce': rerun an analysis from the provenance stored in its experiment file and compare the numbers. */
#include "zfstress/core.h"
#include "zfstress/experiment.h"
#include "zfstress/pipeline.h"
#include "zfstress/stats.h"
#include "zfstress/study.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Equal as numbers: bit for bit, or both NaN. */
static int same(double a, double b) { return a == b || (isnan(a) && isnan(b)); }

static double reldiff(double a, double b)
{
    if (same(a, b))
        return 0.0;
    if (isnan(a) || isnan(b))
        return INFINITY;
    return fabs(a - b) / fmax(fabs(a), fabs(b));
}

/* Compare /metrics and /stats of two experiments; prints every difference. */
static int compare(zf_experiment *a, zf_experiment *b, FILE *fp, size_t *ndiff, size_t *nvalues)
{
    int rc = ZF_OK;
    char **names = NULL;
    size_t nm = 0, ns = zf_experiment_nsubjects(a);
    double *va = NULL, *vb = NULL;
    zf_stat_table sa, sb;
    zf_stat_table_init(&sa);
    zf_stat_table_init(&sb);
    if (zf_experiment_nsubjects(b) != ns) {
        fprintf(fp, "differs\tsubjects: %zu recorded, %zu now\n", ns, zf_experiment_nsubjects(b));
        (*ndiff)++;
        return ZF_OK;
    }
    if ((rc = zf_experiment_list_metrics(a, &names, &nm)))
        goto done;
    if (!(va = malloc((ns + 1) * sizeof *va)) || !(vb = malloc((ns + 1) * sizeof *vb))) {
        rc = zf_error(ZF_ENOMEM, "out of memory");
        goto done;
    }
    for (size_t m = 0; m < nm; m++) {
        if ((rc = zf_experiment_read_metric(a, names[m], va, ns)))
            goto done;
        if (zf_experiment_read_metric(b, names[m], vb, ns) != ZF_OK) {
            fprintf(fp, "differs\tmetric %s: not computed by the rerun\n", names[m]);
            (*ndiff)++;
            zf_error_clear();
            continue;
        }
        double worst = 0;
        size_t bad = 0;
        for (size_t i = 0; i < ns; i++) {
            (*nvalues)++;
            if (!same(va[i], vb[i])) {
                bad++;
                worst = fmax(worst, reldiff(va[i], vb[i]));
            }
        }
        if (bad) {
            fprintf(fp, "differs\tmetric %s: %zu of %zu subjects, largest relative difference %.3g\n", names[m], bad, ns, worst);
            (*ndiff) += bad;
        }
    }
    if (zf_experiment_read_stats(a, &sa) == ZF_OK) {
        if ((rc = zf_experiment_read_stats(b, &sb)))
            goto done;
        if (sa.n != sb.n) {
            fprintf(fp, "differs\tstats: %zu rows recorded, %zu now\n", sa.n, sb.n);
            (*ndiff)++;
        } else {
            for (size_t r = 0; r < sa.n; r++) {
                const zf_stat_row *x = &sa.rows[r], *y = &sb.rows[r];
                double fx[] = {x->estimate, x->ci_low, x->ci_high, x->statistic, x->df, x->df2, x->p, x->p_adjusted};
                double fy[] = {y->estimate, y->ci_low, y->ci_high, y->statistic, y->df, y->df2, y->p, y->p_adjusted};
                int differs = strcmp(x->metric, y->metric) || strcmp(x->contrast, y->contrast) ||
                              strcmp(x->procedure, y->procedure) || x->n1 != y->n1 || x->n2 != y->n2;
                for (size_t k = 0; k < sizeof fx / sizeof fx[0]; k++) {
                    (*nvalues)++;
                    differs |= !same(fx[k], fy[k]);
                }
                if (differs) {
                    fprintf(fp, "differs\tstats row %zu: %s %s %s\n", r + 1, x->metric, x->contrast, x->procedure);
                    (*ndiff)++;
                }
            }
        }
    }
    zf_error_clear();
done:
    zf_strv_free(names, nm);
    free(va);
    free(vb);
    zf_stat_table_free(&sa);
    zf_stat_table_free(&sb);
    return rc;
}

int zf_reproduce(const char *experiment, const char *outdir, void *out, int *match)
{
    FILE *fp = out;
    int rc;
    zf_experiment *old = NULL, *now = NULL;
    char *text = NULL, *dir = NULL, *path = NULL, *input = NULL, *input_now = NULL, *tmp = NULL;
    zf_study s;
    zf_outputs o;
    int study_ok = 0;
    memset(&o, 0, sizeof o);
    *match = 0;

    if ((rc = zf_experiment_open(experiment, 0, &old)))
        return rc;
    if ((rc = zf_experiment_get_text(old, "/provenance", "study", &text)) ||
        (rc = zf_experiment_get_text(old, "/provenance", "study_dir", &dir)) ||
        (rc = zf_experiment_get_text(old, "/provenance", "study_path", &path)) ||
        (rc = zf_experiment_get_text(old, "/provenance", "input_sha256", &input))) {
        zf_error(rc, "'%s': no provenance to reproduce from (written by an older zfstress?): %s", experiment, zf_errmsg());
        goto done;
    }
    if ((rc = zf_study_parse(path, dir, text, strlen(text), &s)))
        goto done;
    study_ok = 1;
    if (!outdir) {
        const char *base = getenv("TMPDIR");
        size_t n = strlen(base && base[0] ? base : "/tmp") + 32;
        if (!(tmp = malloc(n))) {
            rc = zf_error(ZF_ENOMEM, "out of memory");
            goto done;
        }
        snprintf(tmp, n, "%s/zfstress-reproduce-XXXXXX", base && base[0] ? base : "/tmp");
        if (!mkdtemp(tmp)) {
            rc = zf_error(ZF_EIO, "'%s': cannot create a directory for the rerun", tmp);
            goto done;
        }
        outdir = tmp;
    }
    if ((rc = zf_outputs_init(&o, &s, outdir)))
        goto done;
    fprintf(fp, "study\t%s (from the provenance of '%s')\nrerun\t%s\n", path, experiment, o.dir);
    zf_run_opts ro;
    zf_run_opts_default(&ro);
    ro.force = 1;
    if ((rc = zf_run(&s, &o, &ro, "zfstress reproduce")))
        goto done;
    if ((rc = zf_experiment_open(o.experiment, 0, &now)) ||
        (rc = zf_experiment_get_text(now, "/provenance", "input_sha256", &input_now)))
        goto done;
    if (strcmp(input, input_now) != 0)
        fprintf(fp, "inputs\tCHANGED: the sample sheet or a track file differs from the recorded SHA-256\n");
    else
        fprintf(fp, "inputs\tunchanged (SHA-256 %.16s...)\n", input);
    size_t ndiff = 0, nvalues = 0;
    if ((rc = compare(old, now, fp, &ndiff, &nvalues)))
        goto done;
    *match = ndiff == 0 && strcmp(input, input_now) == 0;
    if (ndiff == 0)
        fprintf(fp, "result\treproduced: all %zu numbers (metrics and statistics) are identical\n", nvalues);
    else
        fprintf(fp, "result\tNOT reproduced: %zu of %zu numbers differ\n", ndiff, nvalues);
done:
    zf_experiment_close(old);
    zf_experiment_close(now);
    zf_outputs_free(&o);
    if (study_ok)
        zf_study_free(&s);
    free(text);
    free(dir);
    free(path);
    free(input);
    free(input_now);
    free(tmp);
    return rc;
}
