/* check.c: 'zfstress check': validate a study and every input it names without writing anything, listing every problem. */
#include "zfstress/core.h"
#include "zfstress/ingest.h"
#include "zfstress/pipeline.h"
#include "zfstress/study.h"
#include "zfstress/table.h"

#include "study/study_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

typedef struct counter {
    size_t tracks, samples, bins;
} counter;

static int count_sink(void *ctx, zf_track *tr, const zf_track_info *info)
{
    counter *c = ctx;
    c->tracks++;
    c->samples += tr->n;
    c->bins += info->activity ? info->activity->n : 0;
    return ZF_OK;
}

static void problem(FILE *fp, size_t *n, const char *msg)
{
    fprintf(fp, "problem: %s\n", msg);
    (*n)++;
}

int zf_study_check(const char *study_path, void *out, size_t *nproblems)
{
    FILE *fp = out;
    zf_study s;
    zf_table *t = NULL;
    char *dir = NULL, *path = NULL;
    size_t n = 0;
    int rc;

    if ((rc = zf_study_load(study_path, &s)) != ZF_OK) {
        problem(fp, &n, zf_errmsg());
        fprintf(fp, "%zu problem\n", n);
        *nproblems = n;
        return ZF_OK;
    }
    fprintf(fp, "study\t%s (sha256 %.12s)\n", study_path, s.sha256);
    if ((rc = zf_table_read(s.samples, &t)) != ZF_OK) {
        problem(fp, &n, zf_errmsg());
        goto done;
    }
    int cs = zf_sheet_subject_col(t), cf = zf_table_col(t, "file"), cg = zf_table_col(t, s.factor);
    char msg[1024];
    if (cs < 0) {
        snprintf(msg, sizeof msg, "'%s':1: expected a column 'subject' naming each fish", t->path);
        problem(fp, &n, msg);
    }
    if (cf < 0) {
        snprintf(msg, sizeof msg, "'%s':1: expected a column 'file' naming each fish's track file", t->path);
        problem(fp, &n, msg);
    }
    if (cg < 0) {
        snprintf(msg, sizeof msg, "'%s':1: expected a column '%s' (compare.factor in '%s')", t->path, s.factor, s.path);
        problem(fp, &n, msg);
    } else {
        int has_control = 0;
        for (size_t r = 0; r < t->nrow; r++)
            has_control |= strcmp(zf_table_cell(t, r, (size_t)cg), s.control) == 0;
        if (!has_control) {
            snprintf(msg, sizeof msg, "'%s': column '%s': expected the control level '%s' in at least one row",
                     t->path, s.factor, s.control);
            problem(fp, &n, msg);
        }
    }
    /* columns the design names: factorial factors and the dose */
    for (size_t f = 0; f < s.nfactors; f++)
        if (zf_table_col(t, s.factors[f]) < 0) {
            snprintf(msg, sizeof msg, "'%s':1: expected a column '%s' (compare.factors in '%s')", t->path,
                     s.factors[f], s.path);
            problem(fp, &n, msg);
        }
    if (s.dose) {
        int cd = zf_table_col(t, s.dose);
        if (cd < 0) {
            snprintf(msg, sizeof msg, "'%s':1: expected a column '%s' (compare.dose in '%s')", t->path, s.dose, s.path);
            problem(fp, &n, msg);
        } else if (!zf_table_col_numeric(t, (size_t)cd)) {
            snprintf(msg, sizeof msg, "'%s': column '%s' (compare.dose): expected numbers (doses) in every row",
                     t->path, s.dose);
            problem(fp, &n, msg);
        }
    }
    if (t->nrow == 0) {
        snprintf(msg, sizeof msg, "'%s': no subjects: expected one row per fish after the header", t->path);
        problem(fp, &n, msg);
    }
    if (cs < 0 || cf < 0)
        goto done;
    if (!(dir = zf_path_dir(s.samples))) {
        rc = ZF_ENOMEM;
        goto done;
    }
    counter total = {0, 0, 0};
    for (size_t r = 0; r < t->nrow; r++) {
        const char *id = zf_table_cell(t, r, (size_t)cs), *file = zf_table_cell(t, r, (size_t)cf);
        for (size_t q = 0; q < r; q++)
            if (strcmp(zf_table_cell(t, q, (size_t)cs), id) == 0) {
                snprintf(msg, sizeof msg, "'%s':%zu: column %d 'subject': duplicate subject id '%s' (first on line %zu)",
                         t->path, t->line[r], cs + 1, id, t->line[q]);
                problem(fp, &n, msg);
                break;
            }
        zf_read_opts o;
        const char *fmt;
        if (zf_sheet_row_opts(&s, t, r, &o, &fmt) != ZF_OK) {
            problem(fp, &n, zf_errmsg());
            continue;
        }
        if (!file[0]) {
            snprintf(msg, sizeof msg, "'%s':%zu: column %d 'file': expected a track file, got an empty field",
                     t->path, t->line[r], cf + 1);
            problem(fp, &n, msg);
            continue;
        }
        free(path);
        if (!(path = zf_path_join(dir, file))) {
            rc = ZF_ENOMEM;
            goto done;
        }
        struct stat st;
        if (stat(path, &st) != 0 || access(path, R_OK) != 0 || S_ISDIR(st.st_mode)) {
            snprintf(msg, sizeof msg, "'%s':%zu: column %d 'file': '%s': %s", t->path, t->line[r], cf + 1, path,
                     S_ISDIR(st.st_mode) ? "is a directory, expected a track file" : "cannot be read");
            problem(fp, &n, msg);
            continue;
        }
        const zf_format *used = NULL;
        counter c = {0, 0, 0};
        if (zf_read_tracks(path, fmt, &o, count_sink, &c, &used) != ZF_OK) {
            problem(fp, &n, zf_errmsg());
            continue;
        }
        total.tracks += c.tracks;
        total.samples += c.samples;
        total.bins += c.bins;
        fprintf(fp, "ok\t%s\t%s\t%zu track%s, %zu samples%s\n", id, used ? used->name : fmt, c.tracks,
                c.tracks == 1 ? "" : "s", c.samples, c.bins ? " (binned activity)" : "");
    }
    fprintf(fp, "total\t%zu rows, %zu tracks, %zu samples, %zu activity bins\n", t->nrow, total.tracks, total.samples,
            total.bins);
done:
    fprintf(fp, "%zu problem%s\n", n, n == 1 ? "" : "s");
    free(path);
    free(dir);
    zf_table_free(t);
    zf_study_free(&s);
    *nproblems = n;
    return rc;
}
