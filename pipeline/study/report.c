/* report.c: report.html, one self-contained page (figures embedded) with the study, design, QC, metrics, statistics and provenance. */
#include "zfstress/core.h"
#include "zfstress/experiment.h"
#include "zfstress/metrics.h"
#include "zfstress/pipeline.h"
#include "zfstress/stats.h"

#include "study/study_internal.h"

#include <openssl/evp.h>

#include <dirent.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Fraction of missing samples above which a fish is flagged in the QC table. */
#define QC_FLAG_MISSING 0.10

size_t zf_sheet_first_count(const zf_table *t, size_t col, size_t r)
{
    const char *g = zf_table_cell(t, r, col);
    size_t count = 0;
    for (size_t q = 0; q < r; q++)
        if (strcmp(zf_table_cell(t, q, col), g) == 0)
            return 0;
    for (size_t q = r; q < t->nrow; q++)
        count += strcmp(zf_table_cell(t, q, col), g) == 0;
    return count;
}

static int esc(FILE *fp, const char *s)
{
    int bad = 0;
    for (; s && *s; s++) {
        switch (*s) {
        case '<': bad |= fputs("&lt;", fp) < 0; break;
        case '>': bad |= fputs("&gt;", fp) < 0; break;
        case '&': bad |= fputs("&amp;", fp) < 0; break;
        case '"': bad |= fputs("&quot;", fp) < 0; break;
        default: bad |= fputc(*s, fp) == EOF;
        }
    }
    return bad;
}

static int num(FILE *fp, double v)
{
    if (isnan(v))
        return fputs("<td class=na>NA</td>", fp) < 0;
    if (fabs(v) >= 1e4 && fabs(v) < 1e12)
        return fprintf(fp, "<td>%.0f</td>", v) < 0; /* 10180, not 1.018e+04 */
    return fprintf(fp, "<td>%.4g</td>", v) < 0;
}

static int name_cmp(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Every PNG of dir, sorted by name, as <figure> with a base64 data URI. */
static int embed_figures(FILE *fp, const char *dir, const char *to)
{
    int rc = ZF_OK, bad = 0;
    DIR *d = opendir(dir);
    char **names = NULL;
    size_t n = 0, cap = 0;
    unsigned char *raw = NULL, *b64 = NULL;
    if (!d)
        return fputs("<p>No figures.</p>\n", fp) < 0 ? ZF_EIO : ZF_OK;
    struct dirent *de;
    while ((de = readdir(d)) != NULL) {
        size_t l = strlen(de->d_name);
        if (l < 5 || strcmp(de->d_name + l - 4, ".png") != 0)
            continue;
        if (n == cap) {
            cap = cap ? 2 * cap : 32;
            char **nn = realloc(names, cap * sizeof *nn);
            if (!nn) {
                rc = zf_error(ZF_ENOMEM, "out of memory");
                goto done;
            }
            names = nn;
        }
        if (!(names[n] = zf_strdup(de->d_name))) {
            rc = ZF_ENOMEM;
            goto done;
        }
        n++;
    }
    if (n)
        qsort(names, n, sizeof *names, name_cmp);
    for (size_t i = 0; i < n; i++) {
        char *path = zf_path_join(dir, names[i]);
        FILE *in = path ? fopen(path, "rb") : NULL;
        free(path);
        if (!in)
            continue;
        size_t len = 0, rcap = 1 << 16;
        free(raw);
        raw = malloc(rcap);
        while (raw) {
            size_t got = fread(raw + len, 1, rcap - len, in);
            len += got;
            if (got == 0)
                break;
            if (len == rcap) {
                unsigned char *r2 = realloc(raw, rcap * 2);
                if (!r2) {
                    free(raw);
                    raw = NULL;
                    break;
                }
                raw = r2;
                rcap *= 2;
            }
        }
        fclose(in);
        if (!raw) {
            rc = zf_error(ZF_ENOMEM, "out of memory");
            goto done;
        }
        free(b64);
        if (!(b64 = malloc(4 * ((len + 2) / 3) + 1))) {
            rc = zf_error(ZF_ENOMEM, "out of memory");
            goto done;
        }
        EVP_EncodeBlock(b64, raw, (int)len);
        bad |= fputs("<figure><img alt=\"", fp) < 0;
        bad |= esc(fp, names[i]);
        bad |= fprintf(fp, "\" src=\"data:image/png;base64,%s\"><figcaption>", (const char *)b64) < 0;
        bad |= esc(fp, names[i]);
        bad |= fputs("</figcaption></figure>\n", fp) < 0;
    }
    if (bad)
        rc = zf_error(ZF_EIO, "'%s': write failed (disk full?)", to);
done:
    closedir(d);
    for (size_t i = 0; i < n; i++)
        free(names[i]);
    free(names);
    free(raw);
    free(b64);
    return rc;
}

static const char *const style =
    "body{font-family:'DejaVu Sans',Arial,sans-serif;margin:2em auto;max-width:1100px;color:#222;line-height:1.4}"
    "h1{font-size:1.6em;margin-bottom:0}h2{border-bottom:1px solid #ccc;padding-bottom:.2em;margin-top:2em}"
    "table{border-collapse:collapse;font-size:.85em;margin:.5em 0}td,th{border:1px solid #ddd;padding:2px 6px;text-align:right}"
    "th{background:#f2f2f2}td.l,th.l{text-align:left}td.na{color:#999}tr.flag td{background:#fde2d0}"
    ".scroll{max-height:420px;overflow:auto}figure{display:inline-block;margin:.5em}figure img{max-width:520px}"
    "figcaption{font-size:.8em;color:#555;text-align:center}code,pre{background:#f6f6f6;font-size:.85em}"
    "pre{padding:.6em;overflow:auto}.sub{color:#666}";

int zf_write_report(const zf_study *s, zf_experiment *e, const zf_outputs *o)
{
    int rc = ZF_OK, bad = 0;
    zf_outfile out = {0};
    zf_table *sub = NULL;
    zf_stat_table st;
    size_t ns = zf_experiment_nsubjects(e), nm = 0, nout = zf_metric_nout(&s->metrics);
    double *val = NULL;
    zf_metric_column *cols = NULL;
    char *created = NULL, *versions = NULL, *command = NULL, *excluded = NULL, *input = NULL, *params = NULL;
    zf_stat_table_init(&st);

    /* every column that applies to this study: catalogue rows and zones */
    if (!(cols = malloc((nout + 1) * sizeof *cols))) {
        rc = zf_error(ZF_ENOMEM, "out of memory");
        goto done;
    }
    for (size_t k = 0; k < nout; k++)
        if (zf_metric_column_get(&s->arena, &s->metrics, k, &cols[nm]) == 1)
            nm++;
    if (!(val = malloc((ns * nm + 1) * sizeof *val))) {
        rc = zf_error(ZF_ENOMEM, "out of memory");
        goto done;
    }
    if ((rc = zf_experiment_read_subjects(e, &sub)) || (rc = zf_experiment_read_stats(e, &st)))
        goto done;
    for (size_t m = 0; m < nm; m++)
        if ((rc = zf_experiment_read_metric(e, cols[m].name, val + m * ns, ns)))
            goto done;
    zf_experiment_get_text(e, "/", "created", &created);
    zf_experiment_get_text(e, "/provenance", "versions", &versions);
    zf_experiment_get_text(e, "/provenance", "command", &command);
    zf_experiment_get_text(e, "/provenance", "excluded", &excluded);
    zf_experiment_get_text(e, "/provenance", "input_sha256", &input);
    zf_experiment_get_text(e, "/provenance", "metric_parameters", &params);
    zf_error_clear();
    if ((rc = zf_file_open_atomic(o->report, &out)))
        goto done;
    FILE *fp = out.fp;
    int cs = zf_table_col(sub, "subject") >= 0 ? zf_table_col(sub, "subject") : zf_table_col(sub, "id");
    int cg = zf_table_col(sub, s->factor);

    bad |= fprintf(fp, "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
                       "<title>zfstress report</title><style>%s</style></head><body>\n", style) < 0;
    bad |= fputs("<h1>zfstress report</h1>\n<p class=sub>study <code>", fp) < 0;
    bad |= esc(fp, s->path);
    bad |= fprintf(fp, "</code> (sha256 %.16s&hellip;), experiment created %s, zfstress %s</p>\n", s->sha256,
                   created ? created : "?", ZF_VERSION) < 0;

    /* design */
    bad |= fputs("<h2>Design</h2>\n<p>Factor <b>", fp) < 0;
    bad |= esc(fp, s->factor);
    bad |= fputs("</b>, control <b>", fp) < 0;
    bad |= esc(fp, s->control);
    bad |= fprintf(fp, "</b>; %zu subjects.</p>\n<table><tr><th class=l>group</th><th>n</th></tr>\n", ns) < 0;
    for (size_t r = 0; cg >= 0 && r < sub->nrow; r++) {
        const char *g = zf_table_cell(sub, r, (size_t)cg);
        size_t count = zf_sheet_first_count(sub, (size_t)cg, r);
        if (!count)
            continue;
        bad |= fputs("<tr><td class=l>", fp) < 0;
        bad |= esc(fp, g);
        bad |= fprintf(fp, "</td><td>%zu</td></tr>\n", count) < 0;
    }
    bad |= fputs("</table>\n", fp) < 0;

    /* parameters */
    bad |= fputs("<h2>Parameters</h2>\n<p>Metrics: <code>", fp) < 0;
    bad |= esc(fp, params ? params : "");
    bad |= fprintf(fp, "</code></p>\n<p>Statistics against the control: mean and median difference, Cohen's d and "
                       "Hedges' g with BCa bootstrap 95%% CIs (%zu resamples, seed %lu); Welch and Student t, "
                       "Mann-Whitney U, permutation test; with more than two groups one-way and Welch ANOVA, "
                       "Kruskal-Wallis, Tukey HSD, Dunnett and Dunn (docs/STATISTICS.md). p adjusted with ",
                   s->nboot, s->seed) < 0;
    bad |= esc(fp, s->adjust);
    bad |= fputs(".</p>\n<details><summary>study file</summary><pre>", fp) < 0;
    bad |= esc(fp, s->text);
    bad |= fputs("</pre></details>\n", fp) < 0;

    /* tracking QC */
    int mmiss = -1, mobs = -1;
    for (size_t m = 0; m < nm; m++) {
        if (strcmp(cols[m].name, "fraction_missing") == 0)
            mmiss = (int)m;
        if (strcmp(cols[m].name, "observed_s") == 0)
            mobs = (int)m;
    }
    bad |= fprintf(fp, "<h2>Tracking quality</h2>\n<p>Fish with more than %.0f%% missing samples are highlighted.</p>\n",
                   100 * QC_FLAG_MISSING) < 0;
    if (excluded && excluded[0]) {
        bad |= fputs("<p><b>Excluded at ingest</b> (<code>--keep-going</code>):</p><pre>", fp) < 0;
        bad |= esc(fp, excluded);
        bad |= fputs("</pre>\n", fp) < 0;
    }
    bad |= fputs("<div class=scroll><table><tr><th class=l>subject</th><th class=l>group</th>"
                 "<th>fraction missing</th><th>observed (s)</th></tr>\n", fp) < 0;
    for (size_t i = 0; i < ns; i++) {
        double fm = mmiss >= 0 ? val[(size_t)mmiss * ns + i] : NAN;
        bad |= fprintf(fp, "<tr%s><td class=l>", fm > QC_FLAG_MISSING ? " class=flag" : "") < 0;
        bad |= esc(fp, cs >= 0 ? zf_table_cell(sub, i, (size_t)cs) : "");
        bad |= fputs("</td><td class=l>", fp) < 0;
        bad |= esc(fp, cg >= 0 ? zf_table_cell(sub, i, (size_t)cg) : "");
        bad |= fputs("</td>", fp) < 0;
        bad |= num(fp, fm);
        bad |= num(fp, mobs >= 0 ? val[(size_t)mobs * ns + i] : NAN);
        bad |= fputs("</tr>\n", fp) < 0;
    }
    bad |= fputs("</table></div>\n", fp) < 0;

    /* metrics */
    bad |= fputs("<h2>Metrics</h2>\n<div class=scroll><table><tr><th class=l>subject</th><th class=l>group</th>", fp) < 0;
    for (size_t m = 0; m < nm; m++) {
        bad |= fputs("<th title=\"", fp) < 0;
        bad |= esc(fp, cols[m].definition);
        bad |= fputs(" (", fp) < 0;
        bad |= esc(fp, cols[m].desc->unit);
        bad |= fputs(")\">", fp) < 0;
        bad |= esc(fp, cols[m].name);
        bad |= fputs("</th>", fp) < 0;
    }
    bad |= fputs("</tr>\n", fp) < 0;
    for (size_t i = 0; i < ns; i++) {
        bad |= fputs("<tr><td class=l>", fp) < 0;
        bad |= esc(fp, cs >= 0 ? zf_table_cell(sub, i, (size_t)cs) : "");
        bad |= fputs("</td><td class=l>", fp) < 0;
        bad |= esc(fp, cg >= 0 ? zf_table_cell(sub, i, (size_t)cg) : "");
        bad |= fputs("</td>", fp) < 0;
        for (size_t m = 0; m < nm; m++)
            bad |= num(fp, val[m * ns + i]);
        bad |= fputs("</tr>\n", fp) < 0;
    }
    bad |= fputs("</table></div>\n", fp) < 0;

    /* statistics: estimation and classic side by side, as in stats.csv */
    bad |= fputs("<h2>Statistics</h2>\n<div class=scroll><table><tr><th class=l>metric</th><th class=l>contrast</th>"
                 "<th class=l>procedure</th><th>n1</th><th>n2</th><th>estimate</th><th>95% CI</th><th>statistic</th>"
                 "<th>df</th><th>p</th><th>p adjusted</th><th class=l>note</th></tr>\n", fp) < 0;
    for (size_t r = 0; r < st.n; r++) {
        const zf_stat_row *w = &st.rows[r];
        bad |= fputs("<tr><td class=l>", fp) < 0;
        bad |= esc(fp, w->metric);
        bad |= fputs("</td><td class=l>", fp) < 0;
        bad |= esc(fp, w->contrast);
        bad |= fputs("</td><td class=l>", fp) < 0;
        bad |= esc(fp, w->procedure);
        bad |= fprintf(fp, "</td><td>%zu</td><td>%zu</td>", w->n1, w->n2) < 0;
        bad |= num(fp, w->estimate);
        if (isnan(w->ci_low))
            bad |= fputs("<td class=na>NA</td>", fp) < 0;
        else
            bad |= fprintf(fp, "<td>[%.4g, %.4g]</td>", w->ci_low, w->ci_high) < 0;
        bad |= num(fp, w->statistic);
        bad |= num(fp, w->df);
        bad |= num(fp, w->p);
        bad |= num(fp, w->p_adjusted);
        bad |= fputs("<td class=l>", fp) < 0;
        bad |= esc(fp, w->note);
        bad |= fputs("</td></tr>\n", fp) < 0;
    }
    bad |= fputs("</table></div>\n<h2>Figures</h2>\n", fp) < 0;
    if (bad) {
        rc = zf_error(ZF_EIO, "'%s': write failed (disk full?)", out.tmp);
        goto done;
    }
    if ((rc = embed_figures(fp, o->figures, out.tmp)))
        goto done;

    /* provenance */
    bad |= fputs("<h2>Provenance</h2>\n<table>", fp) < 0;
    const char *keys[] = {"command", "software and libraries", "inputs (SHA-256 of the sheet and every track)", "study (SHA-256)"};
    const char *vals[] = {command, versions, input, s->sha256};
    for (size_t k = 0; k < 4; k++) {
        bad |= fputs("<tr><th class=l>", fp) < 0;
        bad |= esc(fp, keys[k]);
        bad |= fputs("</th><td class=l><code>", fp) < 0;
        bad |= esc(fp, vals[k] ? vals[k] : "");
        bad |= fputs("</code></td></tr>\n", fp) < 0;
    }
    bad |= fputs("</table>\n</body></html>\n", fp) < 0;
    if (bad) {
        rc = zf_error(ZF_EIO, "'%s': write failed (disk full?)", out.tmp);
        goto done;
    }
    rc = zf_file_commit(&out);
done:
    zf_file_abort(&out);
    zf_stat_table_free(&st);
    zf_table_free(sub);
    free(cols);
    free(val);
    free(created);
    free(versions);
    free(command);
    free(excluded);
    free(input);
    free(params);
    return rc;
}
