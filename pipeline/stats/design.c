/* design.c: the designs of 'zfstress stats --table' read from a tidy CSV: one factor (with checks), factorial, repeated measures in long format (binned.csv), dose-response. */
#include "zfstress/stats.h"

#include "stats/stats_internal.h"
#include "zfstress/core.h"
#include "zfstress/table.h"

#include <gsl/gsl_math.h>
#include <gsl/gsl_sort.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* The table and the columns a design uses. */
typedef struct csv_design {
    const zf_design *d;
    zf_table *tab;
    const char *path;
    int fcol[ZF_MAX_FACTORS];
    int wcol, scol, dcol;
    size_t *mcol, nm;
} csv_design;

/* The column of name, or a ZF_EPARSE naming what it was for. */
static int need_col(const zf_table *t, const char *name, const char *what, int *col)
{
    if (!name || !*name)
        return zf_error(ZF_EINVAL, "stats table: no column name given for %s", what);
    if ((*col = zf_table_col(t, name)) < 0) {
        char w[64];
        snprintf(w, sizeof w, " (%s)", what);
        return zf_no_column(t, name, w);
    }
    return ZF_OK;
}

/* Every cell of a level column must be non-empty. */
static int levels_present(const zf_table *t, int col, const char *what)
{
    for (size_t r = 0; r < t->nrow; r++)
        if (!zf_table_cell(t, r, (size_t)col)[0])
            return zf_error(ZF_EPARSE, "'%s':%zu: column %d '%s': expected %s, got \"\"", t->path, t->line[r],
                            col + 1, t->names[col], what);
    return ZF_OK;
}

/* ---- repeated measures in long format ---- */

typedef struct long_layout {
    size_t nsub, k;
    size_t *row_sub, *row_lev;   /* [nrow] subject and within level of each row */
    const char **sub_group;      /* [nsub] group of each subject (NULL without a factor) */
    char (*wlabel)[32];          /* [k] */
    const char **wl;             /* [k] */
} long_layout;

static void long_free(long_layout *L)
{
    free(L->row_sub);
    free(L->row_lev);
    free(L->sub_group);
    free(L->wlabel);
    free(L->wl);
    memset(L, 0, sizeof *L);
}

static int long_init(const csv_design *c, long_layout *L)
{
    const zf_table *t = c->tab;
    size_t n = t->nrow;
    const char **subs = NULL;
    double *wv = NULL, *uniq = NULL;
    size_t *first_row = NULL, nu = 0;
    int numeric, rc = ZF_OK;

    memset(L, 0, sizeof *L);
    L->row_sub = malloc((n + 1) * sizeof *L->row_sub);
    L->row_lev = malloc((n + 1) * sizeof *L->row_lev);
    L->sub_group = malloc((n + 1) * sizeof *L->sub_group);
    L->wlabel = malloc((n + 1) * sizeof *L->wlabel);
    L->wl = malloc((n + 1) * sizeof *L->wl);
    subs = malloc((n + 1) * sizeof *subs);
    wv = malloc((n + 1) * sizeof *wv);
    uniq = malloc((n + 1) * sizeof *uniq);
    first_row = malloc((n + 1) * sizeof *first_row);
    if (!L->row_sub || !L->row_lev || !L->sub_group || !L->wlabel || !L->wl || !subs || !wv || !uniq || !first_row) {
        rc = zf_error(ZF_ENOMEM, "'%s': out of memory for %zu rows", c->path, n);
        goto done;
    }
    /* subjects in order of first appearance, each in one group */
    for (size_t r = 0; r < n; r++) {
        const char *s = zf_table_cell(t, r, (size_t)c->scol);
        const char *g = c->d->nfactors ? zf_table_cell(t, r, (size_t)c->fcol[0]) : NULL;
        size_t i = 0;
        while (i < L->nsub && strcmp(subs[i], s) != 0)
            i++;
        if (i == L->nsub) {
            subs[L->nsub] = s;
            L->sub_group[L->nsub] = g;
            first_row[L->nsub++] = r;
        } else if (g && strcmp(L->sub_group[i], g) != 0) {
            rc = zf_error(ZF_EDATA, "'%s':%zu: subject '%s' is in group '%s' here and in '%s' at line %zu", c->path,
                          t->line[r], s, g, L->sub_group[i], t->line[first_row[i]]);
            goto done;
        }
        L->row_sub[r] = i;
    }
    /* within levels: numbers in increasing order when every cell is one, else text in order of appearance */
    numeric = 1;
    for (size_t r = 0; r < n && numeric; r++)
        numeric = zf_parse_number(zf_table_cell(t, r, (size_t)c->wcol), &wv[r]) == ZF_NUM_OK;
    if (numeric) {
        memcpy(uniq, wv, n * sizeof *uniq);
        if (n)
            gsl_sort(uniq, 1, n);
        for (size_t r = 0; r < n; r++)
            if (nu == 0 || uniq[r] != uniq[nu - 1])
                uniq[nu++] = uniq[r];
        for (size_t r = 0; r < n; r++) {
            size_t lo = 0, hi = nu;
            while (hi - lo > 1) {
                size_t mid = (lo + hi) / 2;
                if (uniq[mid] <= wv[r])
                    lo = mid;
                else
                    hi = mid;
            }
            L->row_lev[r] = lo;
        }
        for (size_t b = 0; b < nu; b++)
            zf_number_label(L->wlabel[b], sizeof L->wlabel[b], uniq[b]);
    } else {
        for (size_t r = 0; r < n; r++) {
            const char *s = zf_table_cell(t, r, (size_t)c->wcol);
            size_t b = 0;
            while (b < nu && strcmp(L->wlabel[b], s) != 0)
                b++;
            if (b == nu) {
                if (strlen(s) >= sizeof L->wlabel[0]) {
                    rc = zf_error(ZF_EDATA, "'%s':%zu: level \"%s\" of '%s' longer than %zu characters", c->path,
                                  t->line[r], s, t->names[c->wcol], sizeof L->wlabel[0] - 1);
                    goto done;
                }
                snprintf(L->wlabel[nu++], sizeof L->wlabel[0], "%s", s);
            }
            L->row_lev[r] = b;
        }
    }
    L->k = nu;
    for (size_t b = 0; b < nu; b++)
        L->wl[b] = L->wlabel[b];
    /* one row per subject and level */
    {
        size_t *seen = malloc((L->nsub * (nu ? nu : 1) + 1) * sizeof *seen);
        if (!seen) {
            rc = zf_error(ZF_ENOMEM, "'%s': out of memory", c->path);
            goto done;
        }
        for (size_t i = 0; i < L->nsub * nu; i++)
            seen[i] = (size_t)-1;
        for (size_t r = 0; r < n && rc == ZF_OK; r++) {
            size_t *cell = &seen[L->row_sub[r] * nu + L->row_lev[r]];
            if (*cell != (size_t)-1)
                rc = zf_error(ZF_EDATA, "'%s':%zu: subject '%s' has a second row for %s %s (the first is line %zu)",
                              c->path, t->line[r], subs[L->row_sub[r]], t->names[c->wcol], L->wlabel[L->row_lev[r]],
                              t->line[*cell]);
            *cell = r;
        }
        free(seen);
    }
done:
    free(subs);
    free(wv);
    free(uniq);
    free(first_row);
    if (rc != ZF_OK)
        long_free(L);
    return rc;
}

/* 1 when column col has the same value in every row of each subject. */
static int constant_within(const zf_table *t, size_t col, const long_layout *L)
{
    const char **first = calloc(L->nsub + 1, sizeof *first);
    int same = 1;
    if (!first)
        return 0;
    for (size_t r = 0; r < t->nrow && same; r++) {
        const char *s = zf_table_cell(t, r, col);
        if (!first[L->row_sub[r]])
            first[L->row_sub[r]] = s;
        else
            same = strcmp(first[L->row_sub[r]], s) == 0;
    }
    free(first);
    return same;
}

/* ---- the per-metric runs ---- */

static int run_metric(const csv_design *c, const long_layout *L, size_t m, const double *v, double *buf,
                      const char **lev, const double *dose, const zf_compare_opts *opts, zf_stat_table *out)
{
    const zf_table *t = c->tab;
    const char *metric = t->names[c->mcol[m]];
    int rc = ZF_OK;
    switch (c->d->kind) {
    case ZF_DESIGN_GROUPS:
        for (size_t r = 0; r < t->nrow; r++)
            lev[r] = zf_table_cell(t, r, (size_t)c->fcol[0]);
        rc = zf_stats_compare(out, metric, lev, v, t->nrow, opts);
        if (rc == ZF_OK && c->d->checks)
            rc = zf_stats_checks(out, metric, lev, v, t->nrow, opts);
        break;
    case ZF_DESIGN_FACTORIAL:
        for (size_t r = 0; r < t->nrow; r++)
            for (size_t f = 0; f < c->d->nfactors; f++)
                lev[r * c->d->nfactors + f] = zf_table_cell(t, r, (size_t)c->fcol[f]);
        rc = zf_stats_factorial(out, metric, c->d->factors, c->d->nfactors, lev, v, t->nrow, opts);
        break;
    case ZF_DESIGN_REPEATED:
        for (size_t i = 0; i < L->nsub * L->k; i++)
            buf[i] = GSL_NAN;
        for (size_t r = 0; r < t->nrow; r++)
            buf[L->row_sub[r] * L->k + L->row_lev[r]] = v[r];
        rc = zf_stats_repeated(out, metric, c->d->nfactors ? c->d->factors[0] : NULL, c->d->within,
                               c->d->nfactors ? L->sub_group : NULL, buf, L->nsub, L->wl, L->k, opts);
        break;
    case ZF_DESIGN_DOSE:
        rc = zf_stats_dose(out, metric, c->d->dose, dose, v, t->nrow, opts);
        break;
    default:
        rc = zf_error(ZF_EINVAL, "stats table: unknown design %d", c->d->kind);
        break;
    }
    return rc;
}

int zf_stats_design_csv(zf_stat_table *t, const char *path, const zf_design *d,
                        const char *const *metrics, size_t nmetrics, const zf_compare_opts *opts)
{
    csv_design c;
    long_layout L;
    zf_stat_table out;
    double *v = NULL, *buf = NULL, *dose = NULL;
    const char **lev = NULL;
    int rc;

    memset(&c, 0, sizeof c);
    memset(&L, 0, sizeof L);
    zf_stat_table_init(&out);
    if (!t || !path || !d || !opts || (!metrics && nmetrics))
        return zf_error(ZF_EINVAL, "stats table: NULL argument");
    if ((d->kind == ZF_DESIGN_GROUPS && d->nfactors != 1) ||
        (d->kind == ZF_DESIGN_FACTORIAL && (d->nfactors < 1 || d->nfactors > ZF_MAX_FACTORS)) ||
        (d->kind == ZF_DESIGN_REPEATED && (d->nfactors > 1 || !d->within || !d->subject)) ||
        (d->kind == ZF_DESIGN_DOSE && !d->dose) || (d->nfactors && !d->factors))
        return zf_error(ZF_EINVAL, "stats table: incomplete design");
    c.d = d;
    c.path = path;
    c.wcol = c.scol = c.dcol = -1;
    if ((rc = zf_table_read(path, &c.tab)) != ZF_OK)
        return rc;
    for (size_t f = 0; f < d->nfactors; f++) {
        if ((rc = need_col(c.tab, d->factors[f], d->kind == ZF_DESIGN_FACTORIAL ? "a factor" : "the factor", &c.fcol[f])) ||
            (rc = levels_present(c.tab, c.fcol[f], "a level")))
            goto done;
        for (size_t g = 0; g < f; g++)
            if (c.fcol[g] == c.fcol[f]) {
                rc = zf_error(ZF_EINVAL, "'%s': factor '%s' named twice", path, d->factors[f]);
                goto done;
            }
    }
    if (d->kind == ZF_DESIGN_REPEATED) {
        /* binned.csv calls the time bins bin_start_s: "bin" finds it when there is no column bin */
        c.wcol = zf_table_col(c.tab, d->within);
        if (c.wcol < 0 && strcmp(d->within, "bin") == 0)
            c.wcol = zf_table_col(c.tab, "bin_start_s");
        if (c.wcol < 0) {
            rc = zf_no_column(c.tab, d->within, strcmp(d->within, "bin") == 0 ? " (the within-subject factor) nor 'bin_start_s'"
                                                                           : " (the within-subject factor)");
            goto done;
        }
        if ((rc = levels_present(c.tab, c.wcol, "a level")) != ZF_OK ||
            (rc = need_col(c.tab, d->subject, "the subject", &c.scol)) != ZF_OK ||
            (rc = levels_present(c.tab, c.scol, "a subject")) != ZF_OK)
            goto done;
    }
    if (d->kind == ZF_DESIGN_DOSE && (rc = need_col(c.tab, d->dose, "the dose", &c.dcol)) != ZF_OK)
        goto done;
    v = malloc((c.tab->nrow + 1) * sizeof *v);
    dose = malloc((c.tab->nrow + 1) * sizeof *dose);
    lev = malloc((c.tab->nrow * (d->nfactors ? d->nfactors : 1) + 1) * sizeof *lev);
    c.mcol = malloc((c.tab->ncol + nmetrics + 1) * sizeof *c.mcol);
    if (!v || !dose || !lev || !c.mcol) {
        rc = zf_error(ZF_ENOMEM, "'%s': out of memory for %zu rows", path, c.tab->nrow);
        goto done;
    }
    if (d->kind == ZF_DESIGN_DOSE) {
        for (size_t r = 0; r < c.tab->nrow; r++) {
            const char *cell = zf_table_cell(c.tab, r, (size_t)c.dcol);
            int k = zf_parse_number(cell, &dose[r]);
            if (k == ZF_NUM_BAD || (k == ZF_NUM_OK && (dose[r] < 0 || isinf(dose[r])))) {
                rc = zf_error(ZF_EPARSE, "'%s':%zu: column %d '%s': expected a dose >= 0, got \"%s\"", path,
                              c.tab->line[r], c.dcol + 1, d->dose, cell);
                goto done;
            }
        }
    }
    if (d->kind == ZF_DESIGN_REPEATED) {
        if ((rc = long_init(&c, &L)) != ZF_OK)
            goto done;
        if (!(buf = malloc((L.nsub * L.k + 1) * sizeof *buf))) {
            rc = zf_error(ZF_ENOMEM, "'%s': out of memory", path);
            goto done;
        }
    }
    /* the metric columns */
    if (metrics) {
        for (size_t i = 0; i < nmetrics; i++) {
            int col = zf_table_col(c.tab, metrics[i]);
            int used = col >= 0 && (col == c.wcol || col == c.scol || col == c.dcol);
            for (size_t f = 0; f < d->nfactors; f++)
                used |= col == c.fcol[f];
            if (col < 0) {
                rc = zf_no_column(c.tab, metrics[i], "");
                goto done;
            }
            if (used) {
                rc = zf_error(ZF_EINVAL, "'%s': column '%s' is part of the design, not a metric", path, metrics[i]);
                goto done;
            }
            c.mcol[c.nm++] = (size_t)col;
        }
    } else {
        for (size_t col = 0; col < c.tab->ncol; col++) {
            int used = (int)col == c.wcol || (int)col == c.scol || (int)col == c.dcol ||
                       strcasecmp(c.tab->names[col], "subject") == 0 || strcasecmp(c.tab->names[col], "id") == 0;
            for (size_t f = 0; f < d->nfactors; f++)
                used |= (int)col == c.fcol[f];
            if (used)
                continue;
            if (!zf_looks_numeric(c.tab, col)) {
                zf_log(ZF_LOG_INFO, "stats: '%s': column '%s' is not numeric; skipped", path, c.tab->names[col]);
                continue;
            }
            if (d->kind == ZF_DESIGN_REPEATED && constant_within(c.tab, col, &L)) {
                zf_log(ZF_LOG_INFO, "stats: '%s': column '%s' does not vary within subjects; skipped", path,
                       c.tab->names[col]);
                continue;
            }
            c.mcol[c.nm++] = col;
        }
        if (c.nm == 0) {
            rc = zf_error(ZF_EDATA, "'%s': no numeric metric column besides the design's columns", path);
            goto done;
        }
    }
    for (size_t i = 0; i < c.nm; i++)
        if ((rc = zf_column_values(c.tab, c.mcol[i], v)) != ZF_OK)
            goto done;
    for (size_t i = 0; i < c.nm; i++) {
        if ((rc = zf_column_values(c.tab, c.mcol[i], v)) != ZF_OK ||
            (rc = run_metric(&c, &L, i, v, buf, lev, dose, opts, &out)) != ZF_OK) {
            char why[1024];
            snprintf(why, sizeof why, "%s", zf_errmsg());
            rc = zf_error(rc, "'%s': column '%s': %s", path, c.tab->names[c.mcol[i]], why);
            goto done;
        }
        zf_log(ZF_LOG_INFO, "stats: %s: %zu rows", c.tab->names[c.mcol[i]], out.n);
    }
    rc = zf_rows_move(t, &out);
done:
    zf_stat_table_free(&out);
    long_free(&L);
    zf_table_free(c.tab);
    free(c.mcol);
    free(v);
    free(buf);
    free(dose);
    free(lev);
    return rc;
}
