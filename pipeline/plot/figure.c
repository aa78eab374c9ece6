/* figure.c: the table of figure kinds, the entry point that draws one figure to PNG/PDF/SVG, panels of cells with letters, and the helpers every kind shares. */
#include "plot/plot_internal.h"

#include "zfstress/core.h"

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_statistics_double.h>

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Adding a kind is adding a row (and its draw function). */
static const zf_figure_kind kinds[] = {
    {"estimation", "Gardner-Altman (2 groups) or Cumming (more) estimation plot: every fish, effect vs control with its bootstrap distribution and 95% CI",
     85.0, 0.0, 1, zf_draw_estimation},
    {"box", "box (type-7 quartiles, 1.5 IQR whiskers) + swarm of every fish, p values vs control from the stats results",
     85.0, 70.0, 1, zf_draw_box},
    {"timecourse", "per-bin group mean +/- SEM (or 95% CI), thin per-fish lines", 85.0, 65.0, 1,
     zf_draw_timecourse},
    {"trajectory", "small multiples of every fish's path in its tank, grouped, coloured by time or speed, zones shaded",
     180.0, 0.0, 0, zf_draw_trajectory},
    {"heatmap", "occupancy per group on one shared viridis scale, and the depth profile (time at each height)",
     180.0, 0.0, 0, zf_draw_heatmap},
    {"doseresponse", "points per fish, group means, 4-parameter log-logistic fit with 95% band, EC50, dose 0 on a broken axis",
     85.0, 70.0, 1, zf_draw_doseresponse},
    {"panel", "a grid of cells (any kind above) with panel letters A, B, C", 180.0, 0.0, 0, zf_draw_panel},
};

size_t zf_figure_kind_count(void) { return sizeof kinds / sizeof kinds[0]; }

const zf_figure_kind *zf_figure_kind_get(size_t i)
{
    return i < zf_figure_kind_count() ? &kinds[i] : NULL;
}

const zf_figure_kind *zf_figure_kind_find(const char *name)
{
    for (size_t i = 0; name && i < zf_figure_kind_count(); i++)
        if (strcmp(kinds[i].name, name) == 0)
            return &kinds[i];
    return NULL;
}

uint32_t zf_plot_default_rgb(size_t i) { return zf_plot_group_rgb(i); }

void zf_plot_series_free(zf_plot_series *s)
{
    if (!s)
        return;
    free(s->v);
    free(s->bin_start);
    s->v = NULL;
    s->bin_start = NULL;
    s->nbin = 0;
}

void zf_plot_marks_free(zf_plot_marks *m)
{
    if (!m)
        return;
    free(m->m);
    memset(m, 0, sizeof *m);
}

void zf_fig_mark(zf_fig *f, int what, size_t a, size_t b, double x, double y, double w, double h,
                 double v0, double v1)
{
    if (!f || !f->marks)
        return;
    zf_plot_marks *m = f->marks;
    if (m->n == m->cap) {
        size_t cap = m->cap ? 2 * m->cap : 256;
        zf_plot_mark *nm = realloc(m->m, cap * sizeof *nm);
        if (!nm)
            return;
        m->m = nm;
        m->cap = cap;
    }
    m->m[m->n++] = (zf_plot_mark){what, a, b, x, y, w, h, v0, v1};
}

void zf_fig_procedure(zf_fig *f, const char *fmt, ...)
{
    size_t at = strlen(f->procedure);
    if (at + 3 >= sizeof f->procedure)
        return;
    if (at) {
        memcpy(f->procedure + at, "; ", 3);
        at += 2;
    }
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(f->procedure + at, sizeof f->procedure - at, fmt, ap);
    va_end(ap);
}

const char *zf_level_label(const zf_plot_source *src, size_t i)
{
    const zf_plot_level *l = &src->levels[i];
    return l->label && l->label[0] ? l->label : l->name;
}

int zf_fig_levels(const zf_fig *f, const zf_figure_spec *spec, size_t **idx, size_t *n)
{
    const zf_plot_source *src = f->src;
    size_t k = spec->groups ? spec->ngroups : src->ngroups;
    size_t *out = malloc((k ? k : 1) * sizeof *out);
    if (!out)
        return zf_error(ZF_ENOMEM, "out of memory");
    for (size_t i = 0; i < k; i++) {
        if (!spec->groups) {
            out[i] = i;
            continue;
        }
        size_t j = 0;
        while (j < src->ngroups && strcmp(src->levels[j].name, spec->groups[i]) != 0 &&
               strcmp(zf_level_label(src, j), spec->groups[i]) != 0)
            j++;
        if (j == src->ngroups) {
            char list[256];
            size_t o = 0;
            list[0] = '\0';
            for (size_t g = 0; g < src->ngroups && o < sizeof list; g++) {
                int w = snprintf(list + o, sizeof list - o, "%s%s", g ? ", " : "", src->levels[g].name);
                if (w < 0)
                    break;
                o += (size_t)w;
            }
            free(out);
            return zf_error(ZF_EINVAL, "figure '%s': no group '%s'; groups: %s", spec->kind,
                            spec->groups[i], list);
        }
        for (size_t q = 0; q < i; q++)
            if (out[q] == j) {
                free(out);
                return zf_error(ZF_EINVAL, "figure '%s': group '%s' listed twice", spec->kind,
                                spec->groups[i]);
            }
        out[i] = j;
    }
    *idx = out;
    *n = k;
    return ZF_OK;
}

void zf_series_axis_label(const zf_plot_series *s, char *buf, size_t size)
{
    const char *u = s->unit ? s->unit : "";
    const char *l = s->label ? s->label : "";
    if (!u[0] || strcmp(u, "1") == 0)
        snprintf(buf, size, "%s", l);
    else
        snprintf(buf, size, "%s (%s)", l, u);
}

int zf_fig_metric(zf_fig *f, const char *name, zf_plot_series *out)
{
    memset(out, 0, sizeof *out);
    if (!name || !f->src->metric)
        return zf_error(ZF_EINVAL, "figure: no metric to draw");
    int rc = f->src->metric(f->src->ctx, name, out);
    if (rc == ZF_OK && !out->v)
        rc = zf_error(ZF_EDATA, "figure: metric '%s' has no values", name);
    if (rc != ZF_OK)
        zf_plot_series_free(out);
    return rc;
}

int zf_fig_binned(zf_fig *f, const char *name, zf_plot_series *out)
{
    memset(out, 0, sizeof *out);
    if (!name || !f->src->binned)
        return zf_error(ZF_EINVAL, "figure: no binned metric to draw");
    int rc = f->src->binned(f->src->ctx, name, out);
    if (rc == ZF_OK && (!out->v || !out->bin_start || out->nbin == 0))
        rc = zf_error(ZF_EDATA, "figure: metric '%s' has no time bins", name);
    if (rc != ZF_OK)
        zf_plot_series_free(out);
    return rc;
}

typedef struct vs_pair {
    double v;
    size_t i;
} vs_pair;

static int cmp_vs(const void *a, const void *b)
{
    const vs_pair *x = a, *y = b;
    if (x->v != y->v)
        return x->v < y->v ? -1 : 1;
    return x->i < y->i ? -1 : x->i > y->i;
}

void zf_gvals_free(zf_gvals *g)
{
    if (!g)
        return;
    free(g->raw);
    free(g->v);
    free(g->subj);
    memset(g, 0, sizeof *g);
}

int zf_gvals_build(const zf_plot_source *src, const double *v, size_t level, zf_gvals *out)
{
    int rc = ZF_OK;
    zf_gvals g;
    vs_pair *pairs = NULL;
    memset(&g, 0, sizeof g);
    size_t ns = src->nsubjects;
    g.raw = malloc((ns + 1) * sizeof *g.raw);
    g.v = malloc((ns + 1) * sizeof *g.v);
    g.subj = malloc((ns + 1) * sizeof *g.subj);
    pairs = malloc((ns + 1) * sizeof *pairs);
    if (!g.raw || !g.v || !g.subj || !pairs) {
        rc = zf_error(ZF_ENOMEM, "out of memory");
        goto done;
    }
    for (size_t i = 0; i < ns; i++) {
        if (src->group[i] != level)
            continue;
        g.raw[g.nraw++] = v[i];
        if (isfinite(v[i]))
            pairs[g.n++] = (vs_pair){v[i], i};
    }
    qsort(pairs, g.n, sizeof *pairs, cmp_vs);
    for (size_t k = 0; k < g.n; k++) {
        g.v[k] = pairs[k].v;
        g.subj[k] = pairs[k].i;
    }
    g.mean = g.sd = g.sem = g.median = NAN;
    if (g.n) {
        g.mean = gsl_stats_mean(g.v, 1, g.n);
        g.median = gsl_stats_median_from_sorted_data(g.v, 1, g.n);
    }
    if (g.n > 1) {
        g.sd = gsl_stats_sd_m(g.v, 1, g.n, g.mean);
        g.sem = g.sd / sqrt((double)g.n);
    }
done:
    free(pairs);
    if (rc == ZF_OK)
        *out = g;
    else
        zf_gvals_free(&g);
    return rc;
}

double zf_t975(double df)
{
    return df >= 1.0 ? gsl_cdf_tdist_Pinv(0.975, df) : NAN;
}

double zf_fig_title(zf_fig *f, const char *title, double x, double y, double w, int draw)
{
    cairo_t *cr = f->cr;
    double top = y + ZF_MARGIN;
    double letter = 0.0, lw = 0.0;
    if (f->in_panel) {
        zf_canvas_font(cr, ZF_LETTER_PT, 1);
        letter = zf_canvas_font_height(cr);
        lw = zf_canvas_text_width(cr, "W") + 1.0;
    }
    if (!title || !title[0])
        return top + (letter > 0.0 ? letter : 0.0);
    zf_canvas_font(cr, ZF_TITLE_PT, 1);
    double th = zf_canvas_font_height(cr);
    if (draw) {
        double tw = zf_canvas_text_width(cr, title);
        double cx = fmin(fmax(x + w / 2.0, x + lw + tw / 2.0), x + w - ZF_MARGIN - tw / 2.0);
        zf_canvas_rgb(cr, ZF_INK);
        zf_canvas_text(cr, cx, top + fmax(0.0, (letter - th) / 2.0), title, 0.5, ZF_VALIGN_TOP);
    }
    return top + fmax(th, letter) + 0.8;
}

void zf_fig_ylabel(zf_fig *f, double x, double ymid, const char *label, double length)
{
    cairo_t *cr = f->cr;
    double pt = ZF_LABEL_PT;
    for (; pt > 5.5; pt -= 0.5) {
        zf_canvas_font(cr, pt, 0);
        if (zf_canvas_text_width(cr, label) <= length)
            break;
    }
    zf_canvas_font(cr, pt, 0);
    zf_canvas_rgb(cr, ZF_INK);
    zf_canvas_text_vertical(cr, x, ymid, label, 0.5, ZF_VALIGN_TOP);
}

#define MAX_CAPTION_LINES 8

double zf_fig_caption(zf_fig *f, const char *text, double x, double y, double w, double h, int draw)
{
    cairo_t *cr = f->cr;
    const char *lines[MAX_CAPTION_LINES];
    if (!text || !text[0])
        return y + h - ZF_MARGIN;
    char *copy = zf_strdup(text);
    if (!copy)
        return y + h - ZF_MARGIN; /* the caption is dropped, the figure still drawn */
    zf_canvas_font(cr, ZF_CAPTION_PT, 0);
    size_t n = zf_wrap_text(cr, copy, w - 2.0 * ZF_MARGIN, lines, MAX_CAPTION_LINES);
    double lh = zf_canvas_font_height(cr);
    double top = y + h - ZF_MARGIN - (double)n * lh;
    if (draw) {
        zf_canvas_rgb(cr, ZF_CAPTION_INK);
        for (size_t k = 0; k < n; k++)
            zf_canvas_text(cr, x + ZF_MARGIN, top + (double)k * lh, lines[k], 0.0, ZF_VALIGN_TOP);
    }
    free(copy);
    return top;
}

/* ---- panels --------------------------------------------------------------- */

static size_t panel_columns(size_t n, size_t asked)
{
    if (asked)
        return asked < n ? asked : n;
    size_t c = 1;
    while (c * c < n)
        c++;
    return c;
}

/* The cells of a panel: its own cells, or one per metric of a metric kind. */
typedef struct cell_list {
    const zf_figure_spec *cells;
    zf_figure_spec *owned;
    size_t n;
} cell_list;

static int panel_cells(const zf_figure_spec *spec, cell_list *cl)
{
    memset(cl, 0, sizeof *cl);
    if (spec->ncells) {
        cl->cells = spec->cells;
        cl->n = spec->ncells;
        return ZF_OK;
    }
    if (!(cl->owned = calloc(spec->nmetrics ? spec->nmetrics : 1, sizeof *cl->owned)))
        return zf_error(ZF_ENOMEM, "out of memory");
    for (size_t i = 0; i < spec->nmetrics; i++) {
        cl->owned[i] = *spec;
        cl->owned[i].metrics = spec->metrics + i;
        cl->owned[i].nmetrics = 1;
        cl->owned[i].title = NULL;
    }
    cl->cells = cl->owned;
    cl->n = spec->nmetrics;
    return ZF_OK;
}

static int draw_cell(zf_fig *f, const zf_figure_spec *cell, double x, double y, double w, double h)
{
    const zf_figure_kind *k = zf_figure_kind_find(cell->kind);
    if (!k)
        return zf_error(ZF_EINVAL, "figure: unknown kind '%s'", cell->kind ? cell->kind : "(none)");
    if (strcmp(k->name, "panel") == 0 || (k->needs_metric && cell->nmetrics > 1))
        return zf_error(ZF_EINVAL, "figure: a panel cell holds one figure of one metric");
    return k->draw(f, cell, x, y, w, h);
}

int zf_draw_panel(zf_fig *f, const zf_figure_spec *spec, double x, double y, double w, double h)
{
    cell_list cl;
    int rc = panel_cells(spec, &cl);
    if (rc != ZF_OK)
        return rc;
    if (cl.n == 0) {
        free(cl.owned);
        return zf_error(ZF_EINVAL, "figure: a panel needs cells");
    }
    size_t cols = panel_columns(cl.n, spec->columns), rows = (cl.n + cols - 1) / cols;
    double top = y;
    if (spec->title && spec->title[0]) {
        zf_canvas_font(f->cr, ZF_TITLE_PT + 1.0, 1);
        zf_canvas_rgb(f->cr, ZF_INK);
        zf_canvas_text(f->cr, x + w / 2.0, y + ZF_MARGIN, spec->title, 0.5, ZF_VALIGN_TOP);
        top += ZF_MARGIN + zf_canvas_font_height(f->cr) + 0.5;
    }
    double cw = w / (double)cols, ch = (y + h - top) / (double)rows;
    int saved = f->in_panel;
    f->in_panel = 1;
    for (size_t i = 0; i < cl.n && rc == ZF_OK; i++) {
        double cx = x + (double)(i % cols) * cw, cy = top + (double)(i / cols) * ch;
        zf_fig_mark(f, ZF_MARK_CELL, i, 0, cx, cy, cw, ch, 0.0, 0.0);
        /* each cell draws inside its own rectangle only */
        cairo_save(f->cr);
        cairo_rectangle(f->cr, cx, cy, cw, ch);
        cairo_clip(f->cr);
        rc = draw_cell(f, &cl.cells[i], cx, cy, cw, ch);
        cairo_restore(f->cr);
        if (rc == ZF_OK)
            zf_panel_letter(f->cr, cx + ZF_MARGIN, cy + ZF_MARGIN, i);
    }
    f->in_panel = saved;
    free(cl.owned);
    return rc;
}

/* ---- sizes and the entry points -------------------------------------------- */

int zf_plot_figure_size(const zf_figure_spec *spec, const zf_plot_source *src, double *W, double *H)
{
    const zf_figure_kind *k = spec && spec->kind ? zf_figure_kind_find(spec->kind) : NULL;
    if (!k)
        return zf_error(ZF_EINVAL, "figure: unknown kind '%s'", spec && spec->kind ? spec->kind : "(none)");
    int grid = strcmp(k->name, "panel") == 0 || (k->needs_metric && spec->nmetrics > 1);
    double w = spec->width_mm > 0.0 ? spec->width_mm : grid ? 180.0 : k->width_mm;
    double h = spec->height_mm;
    if (!(h > 0.0)) {
        if (grid) {
            size_t n = spec->ncells ? spec->ncells : spec->nmetrics;
            size_t cols = panel_columns(n ? n : 1, spec->columns), rows = (n + cols - 1) / cols;
            double cw = w / (double)cols;
            h = (double)rows * fmax(55.0, fmin(80.0, cw * 0.8));
        } else if (strcmp(k->name, "estimation") == 0) {
            size_t ng = spec->groups ? spec->ngroups : src->ngroups;
            h = ng <= 2 ? 70.0 : 95.0;
        } else if (strcmp(k->name, "trajectory") == 0 || strcmp(k->name, "heatmap") == 0) {
            /* the tanks keep the arena's aspect: the height follows from the layout */
            zf_fig f;
            memset(&f, 0, sizeof f);
            f.src = src;
            h = zf_arena_height(&f, spec, strcmp(k->name, "heatmap") == 0, w);
        } else {
            h = k->height_mm > 0.0 ? k->height_mm : 70.0;
        }
    }
    *W = w;
    *H = h;
    return ZF_OK;
}

typedef struct fig_job {
    const zf_figure_spec *spec;
    const zf_plot_source *src;
    double W, H;
    zf_plot_marks *marks;
    char procedure[768];
} fig_job;

static int render_figure(cairo_t *cr, void *arg)
{
    fig_job *j = arg;
    zf_fig f;
    memset(&f, 0, sizeof f);
    f.cr = cr;
    f.src = j->src;
    f.W = j->W;
    f.H = j->H;
    f.marks = j->marks;
    zf_canvas_setup(cr);
    int rc = zf_canvas_set_family(cr, j->src->font);
    if (rc != ZF_OK)
        return rc;
    cairo_set_source_rgb(cr, 1.0, 1.0, 1.0);
    cairo_paint(cr);
    const zf_figure_kind *k = zf_figure_kind_find(j->spec->kind);
    if (!k)
        return zf_error(ZF_EINVAL, "figure: unknown kind '%s'", j->spec->kind ? j->spec->kind : "(none)");
    if (k->needs_metric && j->spec->nmetrics == 0)
        return zf_error(ZF_EINVAL, "figure: kind '%s' needs a metric", k->name);
    if (k->needs_metric && j->spec->nmetrics > 1)
        rc = zf_draw_panel(&f, j->spec, 0.0, 0.0, j->W, j->H);
    else
        rc = k->draw(&f, j->spec, 0.0, 0.0, j->W, j->H);
    if (rc == ZF_OK)
        rc = zf_cairo_error(cairo_status(cr), "figure");
    memcpy(j->procedure, f.procedure, sizeof j->procedure);
    return rc;
}

static int check_source(const zf_figure_spec *spec, const zf_plot_source *src)
{
    if (!spec || !src)
        return zf_error(ZF_EINVAL, "figure: NULL figure or data");
    if (!src->levels || src->ngroups == 0 || (src->nsubjects && !src->group))
        return zf_error(ZF_EINVAL, "figure '%s': no groups to draw", spec->kind ? spec->kind : "");
    if (spec->dpi < 0 || spec->dpi > 1200)
        return zf_error(ZF_EINVAL, "figure '%s': dpi %d is outside 1..1200", spec->kind ? spec->kind : "",
                        spec->dpi);
    return ZF_OK;
}

int zf_plot_figure(const zf_figure_spec *spec, const zf_plot_source *src, const char *path,
                   const zf_png_text *text, size_t ntext)
{
    int rc = ZF_OK;
    zf_png_text *all = NULL;
    fig_job job;
    memset(&job, 0, sizeof job);

    if ((rc = check_source(spec, src)) != ZF_OK)
        goto done;
    if ((rc = zf_plot_figure_size(spec, src, &job.W, &job.H)) != ZF_OK)
        goto done;
    job.spec = spec;
    job.src = src;
    if (!(all = calloc(ntext + 1, sizeof *all))) {
        rc = zf_error(ZF_ENOMEM, "out of memory");
        goto done;
    }
    for (size_t i = 0; i < ntext; i++)
        all[i] = text[i];
    all[ntext].key = "Procedure";
    all[ntext].value = job.procedure;
    /* "Procedure" is filled by the drawing, which runs before the text is written */
    rc = zf_plot_output(path, job.W, job.H, spec->dpi > 0 ? spec->dpi : 300, spec->title, all, ntext + 1,
                        render_figure, &job);
done:
    free(all);
    return rc;
}

int zf_plot_figure_marks(const zf_figure_spec *spec, const zf_plot_source *src, zf_plot_marks *marks)
{
    int rc = ZF_OK;
    cairo_surface_t *surf = NULL;
    cairo_t *cr = NULL;
    fig_job job;
    memset(&job, 0, sizeof job);
    int dpi = spec && spec->dpi > 0 ? spec->dpi : 300;

    if ((rc = check_source(spec, src)) != ZF_OK || (rc = zf_plot_figure_size(spec, src, &job.W, &job.H)) != ZF_OK ||
        (rc = zf_plot_check_size(job.W, job.H, dpi, "(marks)")) != ZF_OK)
        goto done;
    job.spec = spec;
    job.src = src;
    job.marks = marks;
    surf = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, zf_mm_to_px(job.W, dpi), zf_mm_to_px(job.H, dpi));
    if ((rc = zf_cairo_error(cairo_surface_status(surf), "(marks)")) != ZF_OK)
        goto done;
    cr = cairo_create(surf);
    if ((rc = zf_cairo_error(cairo_status(cr), "(marks)")) != ZF_OK)
        goto done;
    cairo_scale(cr, (double)dpi / 25.4, (double)dpi / 25.4);
    rc = render_figure(cr, &job);
done:
    if (cr)
        cairo_destroy(cr);
    if (surf)
        cairo_surface_destroy(surf);
    return rc;
}
