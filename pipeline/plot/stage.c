/* stage.c: the plot stage of a study: the experiment file as a figure source (groups, metrics, bins, tracks, stats) and the study's figures, or the default set, drawn into figures/. */
#include "plot/plot_internal.h"

#include "zfstress/core.h"
#include "zfstress/experiment.h"
#include "zfstress/metrics.h"
#include "zfstress/study.h"
#include "zfstress/table.h"

#include "core/pool.h"
#include "study/study_internal.h"

#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* How figures name the catalogue's endpoints when the study says nothing. */
static const struct {
    const char *metric, *label, *title;
} default_labels[] = {
    {"distance_mm", "distance swum", "Distance swum"},
    {"mean_speed_mm_s", "mean speed", "Mean speed"},
    {"time_top_s", "time in top zone", "Time in top zone"},
    {"time_bottom_s", "time in bottom zone", "Time in bottom zone"},
    {"top_entries", "entries into top zone", "Entries into top zone"},
    {"latency_top_s", "latency to top zone", "Latency to top zone"},
    {"freezing_time_s", "freezing time", "Freezing time"},
    {"freezing_bouts", "freezing bouts", "Freezing bouts"},
    {"latency_freezing_s", "latency to freezing", "Latency to first freezing"},
    {"observed_s", "time tracked", "Time tracked"},
    {"fraction_missing", "fraction of samples missing", "Missing samples"},
};

typedef struct metric_text {
    char name[80];
    char label[96], unit[32], title[96];
} metric_text;

typedef struct study_src {
    const zf_study *s;
    zf_experiment *e;
    size_t ns;
    metric_text *text; /* [ntext]: every column the study's metrics stage writes */
    size_t ntext;
} study_src;

/* Labels of one output column: the study's plot.metrics, else the table
 * above, else the name without its unit suffix. */
static void fill_text(const zf_study *s, const zf_metric_column *col, metric_text *t)
{
    const zf_metric_desc *d = col->desc;
    const char *label = NULL, *title = NULL, *unit = d->unit;
    snprintf(t->name, sizeof t->name, "%s", col->name);
    for (size_t i = 0; i < sizeof default_labels / sizeof default_labels[0]; i++)
        if (strcmp(default_labels[i].metric, col->name) == 0) {
            label = default_labels[i].label;
            title = default_labels[i].title;
        }
    if (strcmp(unit, "count") == 0 || strcmp(unit, "1") == 0)
        unit = ""; /* counts and fractions carry no unit */
    for (size_t i = 0; i < s->nplot_metrics; i++) {
        const zf_study_metric_style *st = &s->plot_metrics[i];
        if (strcmp(st->name, col->name) != 0)
            continue;
        if (st->label)
            label = st->label;
        if (st->unit)
            unit = st->unit;
        if (st->title)
            title = st->title;
    }
    if (label) {
        snprintf(t->label, sizeof t->label, "%s", label);
    } else { /* the name without its unit suffix, words apart */
        snprintf(t->label, sizeof t->label, "%s", col->name);
        static const char *const suffix[] = {"_mm_s", "_deg_s", "_deg_mm", "_deg", "_mm", "_s"};
        size_t len = strlen(t->label);
        for (size_t k = 0; k < sizeof suffix / sizeof suffix[0]; k++) {
            size_t sl = strlen(suffix[k]);
            if (len > sl && strcmp(t->label + len - sl, suffix[k]) == 0) {
                t->label[len - sl] = '\0';
                break;
            }
        }
        for (char *c = t->label; *c; c++)
            if (*c == '_')
                *c = ' ';
    }
    if (title) {
        snprintf(t->title, sizeof t->title, "%s", title);
    } else {
        snprintf(t->title, sizeof t->title, "%s", t->label);
        if (t->title[0] >= 'a' && t->title[0] <= 'z')
            t->title[0] = (char)(t->title[0] - 'a' + 'A');
    }
    snprintf(t->unit, sizeof t->unit, "%s", unit);
}

static const metric_text *find_text(const study_src *ss, const char *name)
{
    for (size_t i = 0; i < ss->ntext; i++)
        if (strcmp(ss->text[i].name, name) == 0)
            return &ss->text[i];
    zf_error(ZF_EINVAL, "no metric '%s' in this study ('zfstress metrics --list' prints the catalogue; "
                        "per-zone metrics need the zone in arena.zones)", name);
    return NULL;
}

/* Figures are drawn in the pool; the experiment file is read by one thread
 * at a time (the HDF5 library is not thread-safe). */
static pthread_mutex_t g_read_mu = PTHREAD_MUTEX_INITIALIZER;

static int cb_metric(void *ctx, const char *name, zf_plot_series *out)
{
    study_src *ss = ctx;
    const metric_text *t = find_text(ss, name);
    if (!t)
        return ZF_EINVAL;
    if (!(out->v = malloc((ss->ns + 1) * sizeof *out->v)))
        return zf_error(ZF_ENOMEM, "out of memory");
    pthread_mutex_lock(&g_read_mu);
    int rc = zf_experiment_read_metric(ss->e, name, out->v, ss->ns);
    pthread_mutex_unlock(&g_read_mu);
    if (rc != ZF_OK) {
        free(out->v);
        out->v = NULL;
        return rc;
    }
    out->label = t->label;
    out->unit = t->unit;
    out->title = t->title;
    return ZF_OK;
}

static int cb_binned(void *ctx, const char *name, zf_plot_series *out)
{
    study_src *ss = ctx;
    const metric_text *t = find_text(ss, name);
    if (!t)
        return ZF_EINVAL;
    pthread_mutex_lock(&g_read_mu);
    int rc = zf_experiment_read_binned(ss->e, name, &out->v, &out->nbin, &out->bin_start);
    pthread_mutex_unlock(&g_read_mu);
    if (rc != ZF_OK)
        return rc;
    out->label = t->label;
    out->unit = t->unit;
    out->title = t->title;
    return ZF_OK;
}

static int cb_track(void *ctx, size_t i, zf_track *tr)
{
    study_src *ss = ctx;
    pthread_mutex_lock(&g_read_mu);
    int rc = zf_experiment_read_track(ss->e, i, tr);
    pthread_mutex_unlock(&g_read_mu);
    return rc;
}

/* Everything the source points to, owned here. */
typedef struct stage_data {
    zf_table *sub;
    zf_stat_table st;
    int have_stats;
    zf_plot_level *levels;
    size_t nlevels;
    size_t *group;
    double *dose;
    char dose_label[160];
    zf_plot_zone zones[ZF_MAX_ZONES + 2];
    double side_v[2][4];   /* the side view's top and bottom zones */
    size_t nzones;
    metric_text *text;
    size_t ntext;
    zf_metric_column *cols; /* endpoints */
    size_t ncols;
} stage_data;

static void stage_data_free(stage_data *d)
{
    zf_table_free(d->sub);
    zf_stat_table_free(&d->st);
    free(d->levels);
    free(d->group);
    free(d->dose);
    free(d->text);
    free(d->cols);
}

/* Display order: the control, then plot.groups in their order, then the
 * other levels in order of first appearance. */
static int build_levels(const zf_study *s, stage_data *d, size_t cg)
{
    const zf_table *t = d->sub;
    size_t ns = t->nrow;
    if (!(d->levels = calloc(ns + 1, sizeof *d->levels)) || !(d->group = malloc((ns + 1) * sizeof *d->group)))
        return zf_error(ZF_ENOMEM, "out of memory");
    int found = 0;
    for (size_t r = 0; r < ns; r++)
        found |= strcmp(zf_table_cell(t, r, cg), s->control) == 0;
    if (!found)
        return zf_error(ZF_EDATA, "'%s': control level '%s' not found in column '%s'", t->path, s->control,
                        s->factor);
    size_t n = 0;
    d->levels[n++].name = s->control;
    for (size_t i = 0; i < s->nplot_groups; i++) {
        const char *nm = s->plot_groups[i].name;
        int present = 0;
        for (size_t r = 0; r < ns && !present; r++)
            present = strcmp(zf_table_cell(t, r, cg), nm) == 0;
        if (!present) {
            zf_log(ZF_LOG_WARN, "'%s': plot.groups: no fish in group '%s'", s->path, nm);
            continue;
        }
        if (strcmp(nm, s->control) != 0)
            d->levels[n++].name = nm;
    }
    for (size_t r = 0; r < ns; r++) {
        const char *v = zf_table_cell(t, r, cg);
        size_t j = 0;
        while (j < n && strcmp(d->levels[j].name, v) != 0)
            j++;
        if (j == n)
            d->levels[n++].name = v;
        d->group[r] = j;
    }
    for (size_t j = 0; j < n; j++) {
        d->levels[j].rgb = zf_plot_default_rgb(j);
        for (size_t i = 0; i < s->nplot_groups; i++)
            if (strcmp(s->plot_groups[i].name, d->levels[j].name) == 0) {
                d->levels[j].label = s->plot_groups[i].label;
                if (s->plot_groups[i].rgb >= 0)
                    d->levels[j].rgb = (uint32_t)s->plot_groups[i].rgb;
            }
    }
    d->nlevels = n;
    return ZF_OK;
}

/* The dose column: plot.dose.column, else a numeric column named dose or dose_*. */
static int build_dose(const zf_study *s, stage_data *d)
{
    const zf_table *t = d->sub;
    int c = -1;
    if (s->dose_column) {
        if ((c = zf_table_col(t, s->dose_column)) < 0)
            return zf_error(ZF_EDATA, "'%s': plot.dose.column: no sample-sheet column '%s'", s->path,
                            s->dose_column);
    } else {
        for (size_t k = 0; k < t->ncol && c < 0; k++)
            if ((strcmp(t->names[k], "dose") == 0 || strncmp(t->names[k], "dose_", 5) == 0) &&
                zf_table_col_numeric(t, k))
                c = (int)k;
        if (c < 0)
            return ZF_OK;
    }
    if (!(d->dose = malloc((t->nrow + 1) * sizeof *d->dose)))
        return zf_error(ZF_ENOMEM, "out of memory");
    for (size_t r = 0; r < t->nrow; r++) {
        double v = NAN;
        if (zf_parse_number(zf_table_cell(t, r, (size_t)c), &v) == ZF_NUM_BAD)
            return zf_error(ZF_EDATA, "'%s':%zu: column '%s': expected a dose, got \"%s\"", t->path, t->line[r],
                            t->names[c], zf_table_cell(t, r, (size_t)c));
        if (v < 0)
            return zf_error(ZF_EDATA, "'%s':%zu: column '%s': negative dose %g", t->path, t->line[r],
                            t->names[c], v);
        d->dose[r] = v;
    }
    const char *label = s->dose_label ? s->dose_label : t->names[c];
    if (s->dose_unit)
        snprintf(d->dose_label, sizeof d->dose_label, "%s (%s)", label, s->dose_unit);
    else
        snprintf(d->dose_label, sizeof d->dose_label, "%s", label);
    return ZF_OK;
}

/* ---- what to draw ------------------------------------------------------------ */

/* A zf_study_figure as a zf_figure_spec (cells converted into cells[]). */
static void to_spec(const zf_study_figure *sf, zf_figure_spec *out, zf_figure_spec *cells)
{
    memset(out, 0, sizeof *out);
    out->kind = sf->kind;
    out->metrics = (const char *const *)sf->metrics;
    out->nmetrics = sf->nmetrics;
    out->groups = (const char *const *)sf->groups;
    out->ngroups = sf->ngroups;
    out->width_mm = sf->width_mm;
    out->height_mm = sf->height_mm;
    out->dpi = sf->dpi;
    out->title = sf->title;
    out->effect = sf->effect;
    out->error = sf->error;
    out->lines = sf->lines;
    out->colour_by = sf->colour_by;
    out->columns = sf->columns;
    for (size_t i = 0; i < sf->ncells; i++)
        to_spec(&sf->cells[i], &cells[i], NULL);
    out->cells = sf->ncells ? cells : NULL;
    out->ncells = sf->ncells;
}

/* Incremental redraw: a figure is keyed by the data it shows (data_key: the
 * statistics stage's key), the study's plot settings and its own spec; it is
 * redrawn only when its key differs from the one recorded for its file. */
typedef struct plot_cache {
    const char *data_key;   /* NULL: draw everything */
    const char *old_keys;   /* "file key sha256\n" lines of the previous run */
    char *new_keys;         /* the same for this run (malloc'd) */
    size_t len, cap;
    size_t drawn, kept;
} plot_cache;

typedef struct hbuf {
    char *s;
    size_t n, cap;
    int oom;
} hbuf;

static void hb_str(hbuf *b, const char *tag, const char *v)
{
    char num[32];
    const char *parts[3] = {tag, v ? v : "(null)", "\x1f"};
    for (int k = 0; k < 3; k++) {
        size_t l = strlen(parts[k]);
        if (b->n + l + 1 > b->cap) {
            size_t cap = b->cap ? 2 * b->cap : 1024;
            while (cap < b->n + l + 1)
                cap *= 2;
            char *q = realloc(b->s, cap);
            if (!q) {
                b->oom = 1;
                return;
            }
            b->s = q;
            b->cap = cap;
        }
        memcpy(b->s + b->n, parts[k], l);
        b->n += l;
    }
    (void)num;
}

static void hb_num(hbuf *b, const char *tag, double v)
{
    char num[40];
    snprintf(num, sizeof num, "%.17g", v);
    hb_str(b, tag, num);
}

static void hb_spec(hbuf *b, const zf_figure_spec *sp)
{
    hb_str(b, "kind", sp->kind);
    for (size_t i = 0; i < sp->nmetrics; i++)
        hb_str(b, "metric", sp->metrics[i]);
    for (size_t i = 0; i < sp->ngroups; i++)
        hb_str(b, "group", sp->groups[i]);
    hb_num(b, "w", sp->width_mm);
    hb_num(b, "h", sp->height_mm);
    hb_num(b, "dpi", sp->dpi);
    hb_str(b, "title", sp->title);
    hb_str(b, "effect", sp->effect);
    hb_str(b, "error", sp->error);
    hb_num(b, "lines", sp->lines);
    hb_str(b, "colour_by", sp->colour_by);
    hb_num(b, "columns", (double)sp->columns);
    for (size_t i = 0; i < sp->ncells; i++) {
        hb_str(b, "cell", "[");
        hb_spec(b, &sp->cells[i]);
        hb_str(b, "cell", "]");
    }
}

/* The key of one figure file; "" when it cannot be made (the figure is drawn). */
static void figure_key(const zf_study *s, const plot_cache *pc, const zf_figure_spec *sp, const char *file,
                       char key[65])
{
    hbuf b = {0};
    key[0] = '\0';
    hb_str(&b, "zfstress", ZF_VERSION);
    hb_str(&b, "data", pc->data_key);
    hb_str(&b, "file", file);
    hb_str(&b, "font", s->plot_font);
    hb_num(&b, "plot_dpi", s->plot_dpi);
    for (size_t i = 0; i < s->nplot_groups; i++) {
        hb_str(&b, "g", s->plot_groups[i].name);
        hb_str(&b, "gl", s->plot_groups[i].label);
        hb_num(&b, "gc", (double)s->plot_groups[i].rgb);
    }
    for (size_t i = 0; i < s->nplot_metrics; i++) {
        hb_str(&b, "m", s->plot_metrics[i].name);
        hb_str(&b, "ml", s->plot_metrics[i].label);
        hb_str(&b, "mu", s->plot_metrics[i].unit);
        hb_str(&b, "mt", s->plot_metrics[i].title);
    }
    hb_str(&b, "dose", s->dose_column);
    hb_str(&b, "dosel", s->dose_label);
    hb_str(&b, "doseu", s->dose_unit);
    hb_spec(&b, sp);
    if (!b.oom)
        zf_sha256_mem(b.s, b.n, key);
    free(b.s);
}

/* 1 when keys holds "file key sha" for this file and key, and the file on disk
 * still has that SHA-256 (a run stopped before its commit may have replaced it). */
static int recorded(const char *keys, const char *file, const char *key, const char *path)
{
    size_t lf = strlen(file);
    for (const char *p = keys; p && *p;) {
        const char *nl = strchr(p, '\n');
        size_t len = nl ? (size_t)(nl - p) : strlen(p);
        if (len == lf + 1 + 64 + 1 + 64 && strncmp(p, file, lf) == 0 && p[lf] == ' ' &&
            strncmp(p + lf + 1, key, 64) == 0) {
            char sha[65];
            int same = zf_sha256_file(path, sha) == ZF_OK && strncmp(p + lf + 66, sha, 64) == 0;
            zf_error_clear();
            return same;
        }
        p = nl ? nl + 1 : p + len;
    }
    return 0;
}

static int remember(plot_cache *pc, const char *file, const char *key, const char *path)
{
    char sha[65];
    int rc = zf_sha256_file(path, sha);
    if (rc)
        return rc;
    size_t need = strlen(file) + 132;
    if (pc->len + need + 1 > pc->cap) {
        size_t cap = pc->cap ? 2 * pc->cap : 4096;
        while (cap < pc->len + need + 1)
            cap *= 2;
        char *q = realloc(pc->new_keys, cap);
        if (!q)
            return zf_error(ZF_ENOMEM, "out of memory");
        pc->new_keys = q;
        pc->cap = cap;
    }
    pc->len += (size_t)snprintf(pc->new_keys + pc->len, pc->cap - pc->len, "%s %s %s\n", file, key, sha);
    return ZF_OK;
}

/* One figure: prepared and finished on the calling thread in figure order,
 * drawn in the pool, so the keys, the messages and the first error are
 * those of a serial loop (each figure's bytes depend only on its data). */
typedef struct fig_job {
    zf_task task;
    const zf_study *s;
    const zf_plot_source *src;
    zf_figure_spec spec;
    zf_figure_spec *cells; /* owned: the spec's cells */
    const char *metric[1]; /* the default set's spec.metrics */
    char name[256];
    const char *format;
    const zf_png_text *text;
    size_t ntext, entry;
    char file[512], key[65];
    char *path;
    int kept, submitted;
} fig_job;

static int fig_prepare(fig_job *j, const char *figdir, plot_cache *pc)
{
    snprintf(j->file, sizeof j->file, "%s.%s", j->name, j->format ? j->format : "png");
    if (!(j->path = zf_path_join(figdir, j->file)))
        return zf_error(ZF_ENOMEM, "out of memory");
    if (j->spec.dpi == 0)
        j->spec.dpi = j->s->plot_dpi > 0 ? j->s->plot_dpi : 300;
    if (pc && pc->data_key && pc->data_key[0]) {
        figure_key(j->s, pc, &j->spec, j->file, j->key);
        j->kept = j->key[0] && access(j->path, F_OK) == 0 && recorded(pc->old_keys, j->file, j->key, j->path);
    }
    return ZF_OK;
}

static int fig_task(void *arg)
{
    fig_job *j = arg;
    return zf_plot_figure(&j->spec, j->src, j->path, j->text, j->ntext);
}

static int fig_finish(fig_job *j, int rc, plot_cache *pc)
{
    if (j->kept) {
        pc->kept++;
        return remember(pc, j->file, j->key, j->path);
    }
    if (rc == ZF_OK && pc) {
        pc->drawn++;
        if (j->key[0])
            rc = remember(pc, j->file, j->key, j->path);
    }
    if (rc != ZF_OK) {
        char msg[512];
        snprintf(msg, sizeof msg, "%s", zf_errmsg());
        if (j->entry)
            rc = zf_error(rc, "'%s': figures: entry %zu (%s): %s", j->s->path, j->entry, j->spec.kind, msg);
        else
            rc = zf_error(rc, "figure '%s': %s", j->file, msg);
    } else {
        zf_log(ZF_LOG_INFO, "plot: %s", j->path);
    }
    return rc;
}

/* Draw jobs[0 .. n) (each prepared here) and finish them in order; stops at
 * the first failure, as a serial loop does (figures after it may be drawn). */
static int draw_all(fig_job *jobs, size_t n, const char *figdir, plot_cache *pc)
{
    int rc = ZF_OK;
    zf_pool *pool = NULL;
    size_t first = n, waited = 0;
    for (size_t i = 0; i < n && rc == ZF_OK; i++)
        rc = fig_prepare(&jobs[i], figdir, pc);
    if (rc == ZF_OK)
        rc = zf_pool_new(zf_jobs(), &pool);
    /* the first figure alone, so that the font machinery starts on one thread */
    int first_rc = ZF_OK;
    char first_msg[1024] = "";
    for (first = 0; rc == ZF_OK && first < n && jobs[first].kept; first++)
        ;
    if (rc == ZF_OK && first < n && (first_rc = fig_task(&jobs[first])) != ZF_OK)
        snprintf(first_msg, sizeof first_msg, "%s", zf_errmsg());
    for (size_t i = first + 1; rc == ZF_OK && first_rc == ZF_OK && i < n; i++) {
        if (jobs[i].kept)
            continue;
        jobs[i].task.fn = fig_task;
        jobs[i].task.arg = &jobs[i];
        zf_pool_submit(pool, &jobs[i].task);
        jobs[i].submitted = 1;
    }
    for (; rc == ZF_OK && waited < n; waited++) {
        fig_job *j = &jobs[waited];
        int r = ZF_OK;
        if (waited == first && first_rc != ZF_OK)
            r = zf_error(first_rc, "%s", first_msg);
        else if (j->submitted) {
            r = zf_pool_wait(pool, &j->task);
            j->submitted = 0;
        }
        rc = fig_finish(j, r, pc);
    }
    for (size_t i = 0; i < n; i++) {
        if (jobs[i].submitted)
            zf_pool_cancel(pool, &jobs[i].task);
        free(jobs[i].path);
        free(jobs[i].cells);
    }
    zf_pool_free(pool);
    return rc;
}

static int has_positions(zf_experiment *e, size_t ns, int *out)
{
    zf_track tr;
    zf_track_init(&tr);
    int rc = ZF_OK;
    *out = 0;
    for (size_t i = 0; i < ns && !*out; i++) {
        if ((rc = zf_experiment_read_track(e, i, &tr)) != ZF_OK)
            break;
        *out = tr.n > zf_track_missing(&tr);
    }
    zf_track_free(&tr);
    return rc;
}

static int plot_study(const zf_study *s, zf_experiment *e, const char *figdir, plot_cache *pc);

int zf_plot_study(const zf_study *s, zf_experiment *e, const char *figdir)
{
    return plot_study(s, e, figdir, NULL);
}

int zf_plot_study_incremental(const zf_study *s, zf_experiment *e, const char *figdir, const char *data_key,
                              const char *old_keys, char **new_keys)
{
    plot_cache pc;
    memset(&pc, 0, sizeof pc);
    pc.data_key = data_key;
    pc.old_keys = old_keys;
    int rc = plot_study(s, e, figdir, &pc);
    if (rc == ZF_OK) {
        zf_log(ZF_LOG_INFO, "plot: %zu figure%s drawn, %zu unchanged", pc.drawn, pc.drawn == 1 ? "" : "s", pc.kept);
        *new_keys = pc.new_keys ? pc.new_keys : zf_strdup("");
        if (!*new_keys)
            rc = ZF_ENOMEM;
    } else {
        free(pc.new_keys);
    }
    return rc;
}

static int plot_study(const zf_study *s, zf_experiment *e, const char *figdir, plot_cache *pc)
{
    int rc = ZF_OK;
    stage_data d;
    study_src ss;
    zf_plot_source src;
    char *input = NULL;
    fig_job *jobs = NULL;
    memset(&d, 0, sizeof d);
    memset(&src, 0, sizeof src);
    zf_stat_table_init(&d.st);

    if (!s || !e || !figdir)
        return zf_error(ZF_EINVAL, "plot: NULL argument");
    size_t ns = zf_experiment_nsubjects(e);
    if ((rc = zf_experiment_read_subjects(e, &d.sub)) != ZF_OK ||
        (rc = zf_experiment_get_text(e, "/provenance", "input_sha256", &input)) != ZF_OK ||
        (rc = zf_mkdir_p(figdir)) != ZF_OK)
        goto done;
    if (d.sub->nrow != ns) {
        rc = zf_error(ZF_ESCHEMA, "experiment has %zu subjects but %zu tracks", d.sub->nrow, ns);
        goto done;
    }
    int cg = zf_table_col(d.sub, s->factor);
    if (cg < 0) {
        rc = zf_error(ZF_EDATA, "'%s': no subject column '%s'", d.sub->path, s->factor);
        goto done;
    }
    if (zf_experiment_read_stats(e, &d.st) == ZF_OK) {
        d.have_stats = 1;
    } else {
        zf_log(ZF_LOG_INFO, "plot: no statistics in the experiment file: figures without p values");
        zf_error_clear();
    }
    if ((rc = build_levels(s, &d, (size_t)cg)) != ZF_OK || (rc = build_dose(s, &d)) != ZF_OK)
        goto done;
    /* every column the metrics stage writes for this study (labels for any of them) */
    size_t nout = zf_metric_nout(&s->metrics);
    if (!(d.text = calloc(nout + 1, sizeof *d.text))) {
        rc = zf_error(ZF_ENOMEM, "out of memory");
        goto done;
    }
    for (size_t k = 0; k < nout; k++) {
        zf_metric_column col;
        int applies = zf_metric_column_get(&s->arena, &s->metrics, k, &col);
        if (applies < 0) {
            rc = applies;
            goto done;
        }
        if (applies == 1)
            fill_text(s, &col, &d.text[d.ntext++]);
    }
    if ((rc = zf_study_endpoints(s, &d.cols, &d.ncols)) != ZF_OK)
        goto done;
    if (s->arena.kind == ZF_ARENA_SIDE) {
        /* the zones the metrics count: top (and bottom, when it is not just the rest) */
        double H = s->arena.height_mm, W = s->arena.width_mm;
        double top = s->metrics.top_fraction, bot = s->metrics.bottom_fraction;
        double sv[2][4] = {{0.0, (1.0 - top) * H, W, H}, {0.0, 0.0, W, bot * H}};
        memcpy(d.side_v, sv, sizeof sv);
        d.zones[d.nzones++] = (zf_plot_zone){"top zone", ZF_SHAPE_RECT, 0, d.side_v[0]};
        if (bot + top < 1.0 - 1e-9)
            d.zones[d.nzones++] = (zf_plot_zone){"bottom zone", ZF_SHAPE_RECT, 0, d.side_v[1]};
    }
    for (size_t z = 0; z < s->metrics.nzones && z < ZF_MAX_ZONES; z++) {
        const zf_zone *zn = &s->metrics.zones[z];
        d.zones[d.nzones++] = (zf_plot_zone){zn->name, zn->shape, zn->nv, zn->v};
    }

    ss.s = s;
    ss.e = e;
    ss.ns = ns;
    ss.text = d.text;
    ss.ntext = d.ntext;
    src.nsubjects = ns;
    src.ngroups = d.nlevels;
    src.levels = d.levels;
    src.group = d.group;
    src.dose = d.dose;
    src.dose_label = d.dose_label;
    src.arena = s->arena;
    src.arena_shape = s->metrics.arena_shape;
    src.zones = d.zones;
    src.nzones = d.nzones;
    src.stats = d.have_stats ? &d.st : NULL;
    src.adjust = s->adjust;
    src.nboot = s->nboot;
    src.seed = s->seed;
    src.font = s->plot_font;
    src.ctx = &ss;
    src.metric = cb_metric;
    src.binned = cb_binned;
    src.track = cb_track;

    char seed[32];
    snprintf(seed, sizeof seed, "%lu", s->seed);
    zf_png_text text[] = {
        {"Software", "zfstress " ZF_VERSION}, {"Study", s->sha256}, {"Input hash", input}, {"Seed", seed},
    };
    size_t ntext = sizeof text / sizeof text[0];

    /* the study's figures, else the default set: every endpoint of this
     * study (catalogue rows and per-zone columns), then the tracks */
    size_t njobs = 0, cap = s->nfigures ? s->nfigures : 2 * d.ncols + 2;
    if (!(jobs = calloc(cap + 1, sizeof *jobs))) {
        rc = zf_error(ZF_ENOMEM, "out of memory");
        goto done;
    }
    for (size_t i = 0; i < cap; i++) {
        jobs[i].s = s;
        jobs[i].src = &src;
        jobs[i].text = text;
        jobs[i].ntext = ntext;
    }
    if (s->nfigures) {
        for (size_t i = 0; i < s->nfigures; i++) {
            const zf_study_figure *sf = &s->figures[i];
            fig_job *j = &jobs[njobs++];
            if (!(j->cells = calloc(sf->ncells + 1, sizeof *j->cells))) {
                rc = zf_error(ZF_ENOMEM, "out of memory");
                goto done;
            }
            to_spec(sf, &j->spec, j->cells);
            if (sf->file)
                snprintf(j->name, sizeof j->name, "%s", sf->file);
            else if (sf->nmetrics == 1)
                snprintf(j->name, sizeof j->name, "%s_%s", sf->kind, sf->metrics[0]);
            else
                snprintf(j->name, sizeof j->name, "figure%zu_%s", i + 1, sf->kind);
            j->format = sf->format;
            j->entry = i + 1;
        }
        rc = draw_all(jobs, njobs, figdir, pc);
        goto done;
    }
    for (size_t m = 0; m < d.ncols; m++)
        for (int k = 0; k < (s->metrics.bin_s > 0 ? 2 : 1); k++) { /* no timecourse without time bins */
            fig_job *j = &jobs[njobs++];
            j->metric[0] = d.cols[m].name;
            j->spec.metrics = j->metric;
            j->spec.nmetrics = 1;
            j->spec.lines = -1;
            j->spec.kind = k == 0 ? "estimation" : "timecourse";
            snprintf(j->name, sizeof j->name, k == 0 ? "%s" : "%s_timecourse", d.cols[m].name);
            j->format = "png";
        }
    size_t nend = njobs;
    if ((rc = draw_all(jobs, nend, figdir, pc)) != ZF_OK)
        goto done;
    int pos = 0;
    if ((rc = has_positions(e, ns, &pos)) != ZF_OK)
        goto done;
    if (pos)
        for (int k = 0; k < 2; k++) {
            fig_job *j = &jobs[njobs++];
            j->spec.lines = -1;
            j->spec.kind = k == 0 ? "trajectory" : "heatmap";
            snprintf(j->name, sizeof j->name, "%s", k == 0 ? "trajectories" : "heatmap");
            j->format = "png";
        }
    rc = draw_all(jobs + nend, njobs - nend, figdir, pc);
done:
    free(jobs);
    free(input);
    stage_data_free(&d);
    return rc;
}
