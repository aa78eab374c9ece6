/* stages.c: the study stages (ingest, metrics, stats, plot) over one experiment file, and the runner. */
#include "zfstress/core.h"
#include "zfstress/experiment.h"
#include "zfstress/metrics.h"
#include "zfstress/pipeline.h"
#include "zfstress/plot.h"
#include "zfstress/stats.h"
#include "zfstress/table.h"
#include "zfstress/track.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Sample-sheet columns that configure reading rather than describe the fish. */
static const char *const calibration_cols[] = {"file", "format", "fps", "px_per_mm", "y_axis", "units"};

static int is_calibration(const char *name)
{
    for (size_t i = 0; i < sizeof calibration_cols / sizeof calibration_cols[0]; i++)
        if (strcmp(name, calibration_cols[i]) == 0)
            return 1;
    return 0;
}

int zf_outputs_init(zf_outputs *o, const zf_study *s, const char *dir)
{
    memset(o, 0, sizeof *o);
    o->dir = zf_strdup(dir ? dir : s->output);
    if (!o->dir)
        return ZF_ENOMEM;
    o->experiment = zf_path_join(o->dir, "experiment.h5");
    o->metrics_csv = zf_path_join(o->dir, "metrics.csv");
    o->binned_csv = zf_path_join(o->dir, "binned.csv");
    o->stats_csv = zf_path_join(o->dir, "stats.csv");
    o->figures = zf_path_join(o->dir, "figures");
    if (!o->experiment || !o->metrics_csv || !o->binned_csv || !o->stats_csv || !o->figures) {
        zf_outputs_free(o);
        return zf_error(ZF_ENOMEM, "out of memory");
    }
    return ZF_OK;
}

void zf_outputs_free(zf_outputs *o)
{
    if (!o)
        return;
    free(o->dir);
    free(o->experiment);
    free(o->metrics_csv);
    free(o->binned_csv);
    free(o->stats_csv);
    free(o->figures);
    memset(o, 0, sizeof *o);
}

/* The subject id column: "subject", or "id" as DESIGN.md names it. */
static int subject_col(const zf_table *t)
{
    int c = zf_table_col(t, "subject");
    return c >= 0 ? c : zf_table_col(t, "id");
}

/* A per-row number that overrides the study (fps, px_per_mm); NaN when empty. */
static int row_number(const zf_table *t, size_t r, const char *col, double def, double *out)
{
    int c = zf_table_col(t, col);
    *out = def;
    if (c < 0)
        return ZF_OK;
    const char *cell = zf_table_cell(t, r, (size_t)c);
    double v;
    int k = zf_parse_number(cell, &v);
    if (k == ZF_NUM_BAD || (k == ZF_NUM_OK && !(v > 0)))
        return zf_error(ZF_EPARSE, "'%s':%zu: column %d '%s': expected a positive number, got \"%s\"",
                        t->path, t->line[r], c + 1, col, cell);
    if (k == ZF_NUM_OK)
        *out = v;
    return ZF_OK;
}

static int check_sheet(const zf_study *s, const zf_table *t)
{
    int cs = subject_col(t), cf = zf_table_col(t, "file");
    if (cs < 0)
        return zf_error(ZF_EPARSE, "'%s':1: expected a column 'subject' naming each fish", t->path);
    if (cf < 0)
        return zf_error(ZF_EPARSE, "'%s':1: expected a column 'file' naming each fish's track file", t->path);
    if (t->nrow == 0)
        return zf_error(ZF_EDATA, "'%s': no subjects: expected one row per fish after the header", t->path);
    if (zf_table_col(t, s->factor) < 0)
        return zf_error(ZF_EPARSE, "'%s':1: expected a column '%s' (compare.factor in '%s')", t->path, s->factor, s->path);
    int cg = zf_table_col(t, s->factor), has_control = 0;
    for (size_t r = 0; r < t->nrow; r++)
        has_control |= strcmp(zf_table_cell(t, r, (size_t)cg), s->control) == 0;
    if (!has_control)
        return zf_error(ZF_EDATA, "'%s': column '%s': expected the control level '%s' (compare.control in '%s') in at least one row",
                        t->path, s->factor, s->control, s->path);
    for (size_t r = 0; r < t->nrow; r++) {
        const char *id = zf_table_cell(t, r, (size_t)cs);
        if (!id[0])
            return zf_error(ZF_EPARSE, "'%s':%zu: column %d 'subject': expected a subject id, got an empty field",
                            t->path, t->line[r], cs + 1);
        if (!zf_table_cell(t, r, (size_t)cf)[0])
            return zf_error(ZF_EPARSE, "'%s':%zu: column %d 'file': expected a track file, got an empty field",
                            t->path, t->line[r], cf + 1);
        for (size_t q = 0; q < r; q++)
            if (strcmp(zf_table_cell(t, q, (size_t)cs), id) == 0)
                return zf_error(ZF_EDATA, "'%s':%zu: column %d 'subject': duplicate subject id '%s' (first on line %zu)",
                                t->path, t->line[r], cs + 1, id, t->line[q]);
    }
    return ZF_OK;
}

int zf_stage_ingest(const zf_study *s, zf_experiment *e, const char *command)
{
    int rc = ZF_OK;
    zf_table *t = NULL;
    zf_track tr;
    char *path = NULL;
    char versions[512];
    zf_track_init(&tr);

    if ((rc = zf_table_read(s->samples, &t)) != ZF_OK || (rc = check_sheet(s, t)) != ZF_OK)
        goto done;
    int cf = zf_table_col(t, "file"), cfmt = zf_table_col(t, "format"), cy = zf_table_col(t, "y_axis");
    int cu = zf_table_col(t, "units");
    /* validate every row before reading any track, so errors in the sheet come first */
    for (size_t r = 0; r < t->nrow; r++) {
        double v;
        if ((rc = row_number(t, r, "fps", s->fps, &v)) || (rc = row_number(t, r, "px_per_mm", s->px_per_mm, &v)))
            goto done;
        if (cfmt >= 0) {
            const char *f = zf_table_cell(t, r, (size_t)cfmt);
            if (f[0] && strcmp(f, "csv") != 0 && strcmp(f, "auto") != 0) {
                rc = zf_error(ZF_EPARSE, "'%s':%zu: column %d 'format': expected csv or auto, got \"%s\"",
                              t->path, t->line[r], cfmt + 1, f);
                goto done;
            }
        }
        if (cy >= 0) {
            const char *f = zf_table_cell(t, r, (size_t)cy);
            if (f[0] && strcmp(f, "up") != 0 && strcmp(f, "down") != 0) {
                rc = zf_error(ZF_EPARSE, "'%s':%zu: column %d 'y_axis': expected up or down, got \"%s\"",
                              t->path, t->line[r], cy + 1, f);
                goto done;
            }
        }
        if (cu >= 0) {
            const char *f = zf_table_cell(t, r, (size_t)cu);
            if (f[0] && zf_units_parse(f) < 0) {
                rc = zf_error(ZF_EPARSE, "'%s':%zu: column %d 'units': expected mm, cm or px, got \"%s\"",
                              t->path, t->line[r], cu + 1, f);
                goto done;
            }
        }
    }
    if ((rc = zf_experiment_write_subjects(e, t)) != ZF_OK)
        goto done;

    char *dir = zf_path_dir(s->samples);
    char *hashes = malloc(65 * (t->nrow + 1) + 1);
    if (!dir || !hashes) {
        free(dir);
        free(hashes);
        rc = zf_error(ZF_ENOMEM, "out of memory");
        goto done;
    }
    if ((rc = zf_sha256_file(s->samples, hashes)) != ZF_OK) {
        free(dir);
        free(hashes);
        goto done;
    }
    for (size_t r = 0; r < t->nrow; r++) {
        zf_csv_spec spec;
        char sha[65];
        const char *file = zf_table_cell(t, r, (size_t)cf);
        memset(&spec, 0, sizeof spec);
        spec.col_time = s->col_time;
        spec.col_x = s->col_x;
        spec.col_y = s->col_y;
        spec.units = s->units;
        spec.y_down = s->y_down;
        if (cu >= 0 && zf_table_cell(t, r, (size_t)cu)[0])
            spec.units = zf_units_parse(zf_table_cell(t, r, (size_t)cu));
        if (cy >= 0 && zf_table_cell(t, r, (size_t)cy)[0])
            spec.y_down = strcmp(zf_table_cell(t, r, (size_t)cy), "down") == 0;
        row_number(t, r, "fps", s->fps, &spec.fps);
        row_number(t, r, "px_per_mm", s->px_per_mm, &spec.px_per_mm);
        spec.y_origin = s->arena.height_mm;
        free(path);
        if (!(path = zf_path_join(dir, file))) {
            rc = ZF_ENOMEM;
            break;
        }
        if ((rc = zf_sha256_file(path, sha)) != ZF_OK) {
            char why[1024];
            snprintf(why, sizeof why, "%s", zf_errmsg());
            zf_error(rc, "'%s':%zu: column %d 'file': %s", t->path, t->line[r], cf + 1, why);
            break;
        }
        memcpy(hashes + 64 * (r + 1), sha, 64);
        if ((rc = zf_track_read_csv(path, &spec, &tr)) != ZF_OK)
            break;
        zf_track_source src = {file, "csv", sha,
                               spec.units == ZF_UNITS_CM ? 10.0 : spec.units == ZF_UNITS_PX ? 1.0 / spec.px_per_mm : 1.0,
                               spec.y_down ? "down (flipped)" : "up"};
        if ((rc = zf_experiment_append_track(e, &tr, &src)) != ZF_OK)
            break;
        zf_log(ZF_LOG_DEBUG, "ingest: %s: %zu samples", file, tr.n);
        zf_track_free(&tr);
    }
    free(dir);
    char input_sha[65];
    zf_sha256_mem(hashes, 64 * (t->nrow + 1), input_sha);
    free(hashes);
    if (rc)
        goto done;
    if ((rc = zf_experiment_finish_tracks(e)) != ZF_OK)
        goto done;
    if ((rc = zf_experiment_set_text(e, "/provenance", "input_sha256", input_sha)) != ZF_OK)
        goto done;
    zf_versions(versions, sizeof versions);
    if ((rc = zf_experiment_set_text(e, "/provenance", "study", s->text)) ||
        (rc = zf_experiment_set_text(e, "/provenance", "study_sha256", s->sha256)) ||
        (rc = zf_experiment_set_text(e, "/provenance", "command", command ? command : "")) ||
        (rc = zf_experiment_set_text(e, "/provenance", "versions", versions)))
        goto done;
    zf_log(ZF_LOG_INFO, "ingest: %zu subjects, %zu samples", zf_experiment_nsubjects(e), zf_experiment_nsamples(e));
done:
    free(path);
    zf_track_free(&tr);
    zf_table_free(t);
    return rc;
}

static int write_cell(FILE *fp, const char *s)
{
    int quote = strpbrk(s, ",\"\n") != NULL;
    if (!quote)
        return fputs(s, fp) < 0 ? -1 : 0;
    if (fputc('"', fp) == EOF)
        return -1;
    for (; *s; s++)
        if ((*s == '"' && fputc('"', fp) == EOF) || fputc(*s, fp) == EOF)
            return -1;
    return fputc('"', fp) == EOF ? -1 : 0;
}

static int write_number(FILE *fp, double v)
{
    if (isnan(v))
        return 0;
    return fprintf(fp, "%.15g", v) < 0 ? -1 : 0;
}

static char *params_text(const zf_study *s)
{
    char buf[512];
    const zf_metric_params *p = &s->metrics;
    snprintf(buf, sizeof buf,
             "top_fraction=%g bottom_fraction=%g freeze_speed_mm_s=%g freeze_min_s=%g bin_s=%g "
             "arena.kind=%s arena.width_mm=%g arena.height_mm=%g",
             p->top_fraction, p->bottom_fraction, p->freeze_speed_mm_s, p->freeze_min_s, p->bin_s,
             s->arena.kind == ZF_ARENA_SIDE ? "side" : "top", s->arena.width_mm, s->arena.height_mm);
    return zf_strdup(buf);
}

int zf_stage_metrics(const zf_study *s, zf_experiment *e, const char *metrics_csv, const char *binned_csv)
{
    int rc = ZF_OK;
    size_t ns = zf_experiment_nsubjects(e), nm = zf_metric_count(), nbin = 0;
    double *val = NULL, *binned = NULL, *bin_start = NULL, *col = NULL, *row = NULL;
    zf_table *sub = NULL;
    zf_track tr;
    zf_outfile out = {0}, bout = {0};
    char *params = NULL;
    zf_track_init(&tr);

    if ((rc = zf_experiment_read_subjects(e, &sub)) != ZF_OK)
        goto done;
    if (sub->nrow != ns) {
        rc = zf_error(ZF_ESCHEMA, "experiment has %zu subjects but %zu tracks", sub->nrow, ns);
        goto done;
    }
    /* bins span the longest track; a subject shorter than that has NaN in the bins it never reached */
    double tmax = 0;
    for (size_t i = 0; i < ns; i++) {
        if ((rc = zf_experiment_read_track(e, i, &tr)) != ZF_OK)
            goto done;
        if (tr.n && tr.t[tr.n - 1] > tmax)
            tmax = tr.t[tr.n - 1];
    }
    nbin = (size_t)floor(tmax / s->metrics.bin_s) + 1;
    if (tmax > 0 && fmod(tmax, s->metrics.bin_s) == 0)
        nbin--; /* a sample exactly at a bin edge does not open a new bin */
    if (nbin < 1)
        nbin = 1;
    if (!(val = malloc(ns * nm * sizeof *val + 1)) || !(binned = malloc(ns * nbin * nm * sizeof *binned + 1)) ||
        !(bin_start = malloc(nbin * sizeof *bin_start)) || !(col = malloc((ns * nbin + 1) * sizeof *col)) ||
        !(row = malloc(nm * sizeof *row)) || !(params = params_text(s))) {
        rc = zf_error(ZF_ENOMEM, "out of memory");
        goto done;
    }
    for (size_t b = 0; b < nbin; b++)
        bin_start[b] = (double)b * s->metrics.bin_s;
    for (size_t i = 0; i < ns; i++) {
        if ((rc = zf_experiment_read_track(e, i, &tr)) != ZF_OK ||
            (rc = zf_metrics_compute(&tr, -INFINITY, INFINITY, &s->arena, &s->metrics, row)) != ZF_OK)
            goto done;
        for (size_t m = 0; m < nm; m++)
            val[m * ns + i] = row[m];
        for (size_t b = 0; b < nbin; b++) {
            if ((rc = zf_metrics_compute(&tr, bin_start[b], bin_start[b] + s->metrics.bin_s, &s->arena, &s->metrics, row)))
                goto done;
            for (size_t m = 0; m < nm; m++)
                binned[(m * ns + i) * nbin + b] = row[m];
        }
    }
    for (size_t m = 0; m < nm; m++) {
        const zf_metric_desc *d = zf_metric_get(m);
        if ((rc = zf_experiment_write_metric(e, d->name, d->unit, d->definition, params, val + m * ns, ns)) ||
            (rc = zf_experiment_write_binned(e, d->name, d->unit, binned + m * ns * nbin, ns, nbin, bin_start)))
            goto done;
    }
    if ((rc = zf_experiment_set_text(e, "/provenance", "metric_parameters", params)))
        goto done;

    /* metrics.csv: subject, factor columns, one column per metric; binned.csv: the same per bin */
    if (metrics_csv) {
        int cs = subject_col(sub);
        if ((rc = zf_file_open_atomic(metrics_csv, &out)) || (binned_csv && (rc = zf_file_open_atomic(binned_csv, &bout))))
            goto done;
        int bad = 0;
        FILE *fps[2] = {out.fp, bout.fp};
        for (int k = 0; k < 2; k++) {
            if (!fps[k])
                continue;
            bad |= write_cell(fps[k], "subject");
            for (size_t c = 0; c < sub->ncol; c++)
                if ((int)c != cs && !is_calibration(sub->names[c]))
                    bad |= fputc(',', fps[k]) == EOF || write_cell(fps[k], sub->names[c]);
            if (k == 1)
                bad |= fputs(",bin_start_s", fps[k]) < 0;
            for (size_t m = 0; m < nm; m++)
                bad |= fputc(',', fps[k]) == EOF || write_cell(fps[k], zf_metric_get(m)->name);
            bad |= fputc('\n', fps[k]) == EOF;
        }
        for (size_t i = 0; i < ns; i++) {
            for (size_t b = 0; b <= (bout.fp ? nbin : 0); b++) {
                FILE *fp = b == 0 ? out.fp : bout.fp;
                bad |= write_cell(fp, zf_table_cell(sub, i, (size_t)cs));
                for (size_t c = 0; c < sub->ncol; c++)
                    if ((int)c != cs && !is_calibration(sub->names[c]))
                        bad |= fputc(',', fp) == EOF || write_cell(fp, zf_table_cell(sub, i, c));
                if (b > 0)
                    bad |= fputc(',', fp) == EOF || write_number(fp, bin_start[b - 1]);
                for (size_t m = 0; m < nm; m++)
                    bad |= fputc(',', fp) == EOF ||
                           write_number(fp, b == 0 ? val[m * ns + i] : binned[(m * ns + i) * nbin + b - 1]);
                bad |= fputc('\n', fp) == EOF;
            }
        }
        if (bad) {
            rc = zf_error(ZF_EIO, "'%s': write failed (disk full?)", metrics_csv);
            goto done;
        }
        if ((rc = zf_file_commit(&out)) || (bout.fp && (rc = zf_file_commit(&bout))))
            goto done;
    }
done:
    zf_file_abort(&out);
    zf_file_abort(&bout);
    zf_track_free(&tr);
    zf_table_free(sub);
    free(val);
    free(binned);
    free(bin_start);
    free(col);
    free(row);
    free(params);
    return rc;
}

int zf_stage_stats(const zf_study *s, zf_experiment *e, const char *stats_csv)
{
    int rc = ZF_OK;
    zf_table *sub = NULL;
    zf_stat_table st;
    double *v = NULL;
    const char **group = NULL;
    size_t ns = zf_experiment_nsubjects(e);
    zf_compare_opts opts;
    zf_stat_table_init(&st);

    if ((rc = zf_experiment_read_subjects(e, &sub)) != ZF_OK)
        goto done;
    int cg = zf_table_col(sub, s->factor);
    if (cg < 0) {
        rc = zf_error(ZF_EDATA, "'%s': no subject column '%s' (compare.factor in '%s')", sub->path, s->factor, s->path);
        goto done;
    }
    if (!(v = malloc((ns + 1) * sizeof *v)) || !(group = malloc((ns + 1) * sizeof *group))) {
        rc = zf_error(ZF_ENOMEM, "out of memory");
        goto done;
    }
    for (size_t i = 0; i < ns; i++)
        group[i] = zf_table_cell(sub, i, (size_t)cg);
    zf_compare_opts_default(&opts);
    opts.control = s->control;
    opts.nboot = s->nboot;
    opts.seed = s->seed;
    opts.adjust = zf_adjust_parse(s->adjust);
    for (size_t m = 0; m < zf_metric_count(); m++) {
        const zf_metric_desc *d = zf_metric_get(m);
        if (!d->endpoint || (d->arena != ZF_ARENA_ANY && d->arena != s->arena.kind))
            continue;
        if ((rc = zf_experiment_read_metric(e, d->name, v, ns)) ||
            (rc = zf_stats_compare(&st, d->name, group, v, ns, &opts)))
            goto done;
    }
    if ((rc = zf_experiment_write_stats(e, &st)) != ZF_OK)
        goto done;
    if (stats_csv && (rc = zf_stat_table_write_csv(&st, stats_csv)) != ZF_OK)
        goto done;
done:
    zf_stat_table_free(&st);
    zf_table_free(sub);
    free(v);
    free(group);
    return rc;
}
