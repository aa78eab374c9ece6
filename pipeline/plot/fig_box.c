/* fig_box.c: the `box` figure kind: one metric of the study as box + swarm, with the adjusted Welch p values vs control from the stats results. */
#include "plot/plot_internal.h"

#include "zfstress/core.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* p_adjusted of procedure for "level - control" of metric, NaN when absent. */
static double stats_p(const zf_stat_table *st, const char *metric, const char *procedure,
                      const char *level, const char *control)
{
    char contrast[256];
    snprintf(contrast, sizeof contrast, "%s - %s", level, control);
    for (size_t r = 0; st && r < st->n; r++)
        if (strcmp(st->rows[r].metric, metric) == 0 && strcmp(st->rows[r].procedure, procedure) == 0 &&
            strcmp(st->rows[r].contrast, contrast) == 0)
            return st->rows[r].p_adjusted;
    return NAN;
}

int zf_draw_box(zf_fig *f, const zf_figure_spec *spec, double x, double y, double w, double h)
{
    int rc = ZF_OK;
    const zf_plot_source *src = f->src;
    zf_plot_series s;
    size_t *lev = NULL, nl = 0, **subj = NULL;
    double *vals = NULL, *p = NULL;
    zf_plot_group *groups = NULL;
    uint32_t *rgb = NULL;
    const char *metric = spec->metrics[0];
    memset(&s, 0, sizeof s);

    if ((rc = zf_fig_metric(f, metric, &s)) != ZF_OK || (rc = zf_fig_levels(f, spec, &lev, &nl)) != ZF_OK)
        goto done;
    vals = malloc((src->nsubjects + 1) * sizeof *vals);
    p = malloc(nl * sizeof *p);
    groups = calloc(nl, sizeof *groups);
    rgb = malloc(nl * sizeof *rgb);
    subj = calloc(nl, sizeof *subj);
    if (!vals || !p || !groups || !rgb || !subj) {
        rc = zf_error(ZF_ENOMEM, "out of memory");
        goto done;
    }
    /* values in subject order (the order of the stats module's samples) */
    size_t o = 0;
    int have_p = 0;
    for (size_t g = 0; g < nl; g++) {
        if (!(subj[g] = malloc((src->nsubjects + 1) * sizeof **subj))) {
            rc = zf_error(ZF_ENOMEM, "out of memory");
            goto done;
        }
        groups[g].name = zf_level_label(src, lev[g]);
        groups[g].values = vals + o;
        size_t start = o;
        for (size_t i = 0; i < src->nsubjects; i++)
            if (src->group[i] == lev[g]) {
                subj[g][o - start] = i;
                vals[o++] = s.v[i];
            }
        groups[g].n = o - start;
        rgb[g] = src->levels[lev[g]].rgb;
        /* brackets run from the first group, so p values only when it is the control */
        p[g] = g > 0 && lev[0] == 0 ? stats_p(src->stats, metric, "welch_t", src->levels[lev[g]].name,
                                              src->levels[0].name)
                                    : NAN;
        have_p |= !isnan(p[g]);
    }
    char ylabel[160], plabel[160];
    zf_series_axis_label(&s, ylabel, sizeof ylabel);
    snprintf(plabel, sizeof plabel, "p: Welch t vs %s, %s-adjusted (stats.csv)", zf_level_label(src, 0),
             src->adjust ? src->adjust : "holm");
    zf_box_figure fig;
    memset(&fig, 0, sizeof fig);
    fig.title = NULL; /* drawn here, on the title line every kind shares */
    fig.ylabel = ylabel;
    fig.groups = groups;
    fig.ngroups = nl;
    fig.p = have_p ? p : NULL;
    fig.p_label = have_p ? plabel : NULL;
    fig.rgb = rgb;
    fig.font = src->font;
    /* the title line (with room for a panel letter), then the box figure's own layout */
    const char *title = spec->title ? spec->title : s.title;
    double top = zf_fig_title(f, title, x, y, w, 1) - y - ZF_MARGIN + 0.8;
    fig.width_mm = w;
    fig.height_mm = h - top;
    size_t m0 = f->marks ? f->marks->n : 0;
    if ((rc = zf_box_draw(f->cr, &fig, x, y + top, f)) != ZF_OK)
        goto done;
    /* box marks name the group's k-th value: make them level and subject */
    for (size_t i = m0; f->marks && i < f->marks->n; i++) {
        zf_plot_mark *m = &f->marks->m[i];
        if (m->what == ZF_MARK_POINT) {
            m->b = subj[m->a][m->b];
            m->a = lev[m->a];
        }
    }
    zf_fig_procedure(f, "box %s: type-7 quartiles, whiskers to 1.5 IQR, every fish%s", metric,
                     have_p ? "; p: welch_t vs control, adjusted, from the stats table" : "");
done:
    if (subj)
        for (size_t g = 0; g < nl; g++)
            free(subj[g]);
    free(subj);
    free(lev);
    free(vals);
    free(p);
    free(groups);
    free(rgb);
    zf_plot_series_free(&s);
    return rc;
}
