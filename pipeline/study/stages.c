/* stages.c: the study stages (ingest, metrics, stats, plot) over one experiment file, and the runner. */
#include "zfstress/core.h"
#include "zfstress/experiment.h"
#include "zfstress/ingest.h"
#include "zfstress/metrics.h"
#include "zfstress/pipeline.h"
#include "zfstress/plot.h"
#include "zfstress/stats.h"
#include "zfstress/table.h"
#include "zfstress/track.h"

#include "core/csvhash.h"
#include "core/hashmemo.h"
#include "core/pool.h"
#include "store/experiment_internal.h"
#include "study/study_internal.h"
#ifdef ZF_MPI
#include "mpi/zfmpi.h"
#include <stdint.h>
#include <sys/stat.h>
#endif

#include <limits.h>
#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* Sample-sheet columns that configure reading rather than describe the fish. */
static const char *const calibration_cols[] = {"file", "format", "fps", "px_per_mm", "y_axis", "units", "origin_x",
                                               "origin_y", "time_offset_s", "bodypart", "min_likelihood"};

static int params_text(const zf_study *s, char **out);

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
    o->prism = zf_path_join(o->dir, "prism");
    o->report = zf_path_join(o->dir, "report.html");
    o->log = zf_path_join(o->dir, "zfstress.log");
    if (!o->experiment || !o->metrics_csv || !o->binned_csv || !o->stats_csv || !o->figures || !o->prism ||
        !o->report || !o->log) {
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
    free(o->prism);
    free(o->report);
    free(o->log);
    memset(o, 0, sizeof *o);
}

/* The subject id column: "subject", or "id" as DESIGN.md names it. */
int zf_sheet_subject_col(const zf_table *t)
{
    int c = zf_table_col(t, "subject");
    return c >= 0 ? c : zf_table_col(t, "id");
}

/* Sample-sheet columns that calibrate reading, each a number that overrides
 * the study's value for its row. */
typedef struct num_col {
    const char *name;
    double lo, hi;
    size_t off; /* offset of the double in zf_read_opts */
} num_col;

static const num_col number_cols[] = {
    {"fps", 1e-9, 1e9, offsetof(zf_read_opts, fps)},
    {"px_per_mm", 1e-9, 1e9, offsetof(zf_read_opts, px_per_mm)},
    {"origin_x", -1e12, 1e12, offsetof(zf_read_opts, origin_x)},
    {"origin_y", -1e12, 1e12, offsetof(zf_read_opts, origin_y)},
    {"time_offset_s", 0, 1e12, offsetof(zf_read_opts, time_offset_s)},
    {"min_likelihood", 0, 1, offsetof(zf_read_opts, min_likelihood)},
};

/* Read options of row r: the study's values, overridden by the row's cells.
 * Text fields point into the study or the table. */
int zf_sheet_row_opts(const zf_study *s, const zf_table *t, size_t r, zf_read_opts *o, const char **format)
{
    zf_read_opts_default(o);
    o->col_time = s->col_time;
    o->col_x = s->col_x;
    o->col_y = s->col_y;
    o->units = s->units;
    o->px_per_mm = s->px_per_mm;
    o->y_axis = s->y_axis;
    o->origin_x = s->origin_x;
    o->origin_y = s->origin_y;
    o->arena_height_mm = s->arena.height_mm;
    o->fps = s->fps;
    o->time_offset_s = s->time_offset_s;
    o->bodypart = s->bodypart;
    o->min_likelihood = s->min_likelihood;
    o->decimal_comma = s->decimal_comma;
    *format = s->format;
    for (size_t k = 0; k < sizeof number_cols / sizeof number_cols[0]; k++) {
        int c = zf_table_col(t, number_cols[k].name);
        if (c < 0)
            continue;
        const char *cell = zf_table_cell(t, r, (size_t)c);
        double v;
        int kind = zf_parse_number(cell, &v);
        if (kind == ZF_NUM_MISSING && !cell[0])
            continue;
        if (kind != ZF_NUM_OK || !(v >= number_cols[k].lo && v <= number_cols[k].hi))
            return zf_error(ZF_EPARSE, "'%s':%zu: column %d '%s': expected a number between %g and %g, got \"%s\"",
                            t->path, t->line[r], c + 1, number_cols[k].name, number_cols[k].lo, number_cols[k].hi, cell);
        memcpy((char *)o + number_cols[k].off, &v, sizeof v);
    }
    int c;
    const char *cell;
    if ((c = zf_table_col(t, "format")) >= 0 && (cell = zf_table_cell(t, r, (size_t)c))[0]) {
        if (strcmp(cell, "auto") != 0 && !zf_format_find(cell))
            return zf_error(ZF_EPARSE, "'%s':%zu: column %d 'format': unknown format \"%s\" (zfstress formats lists them)",
                            t->path, t->line[r], c + 1, cell);
        *format = cell;
    }
    if ((c = zf_table_col(t, "units")) >= 0 && (cell = zf_table_cell(t, r, (size_t)c))[0]) {
        if ((o->units = zf_units_parse(cell)) < 0)
            return zf_error(ZF_EPARSE, "'%s':%zu: column %d 'units': expected mm, cm or px, got \"%s\"",
                            t->path, t->line[r], c + 1, cell);
    }
    if ((c = zf_table_col(t, "y_axis")) >= 0 && (cell = zf_table_cell(t, r, (size_t)c))[0]) {
        if (strcmp(cell, "up") == 0)
            o->y_axis = ZF_Y_UP;
        else if (strcmp(cell, "down") == 0)
            o->y_axis = ZF_Y_DOWN;
        else
            return zf_error(ZF_EPARSE, "'%s':%zu: column %d 'y_axis': expected up or down, got \"%s\"",
                            t->path, t->line[r], c + 1, cell);
    }
    if ((c = zf_table_col(t, "individual")) >= 0 && (cell = zf_table_cell(t, r, (size_t)c))[0])
        o->individual = cell;
    if ((c = zf_table_col(t, "arena")) >= 0 && (cell = zf_table_cell(t, r, (size_t)c))[0])
        o->arena = cell;
    if ((c = zf_table_col(t, "bodypart")) >= 0 && (cell = zf_table_cell(t, r, (size_t)c))[0])
        o->bodypart = cell;
    return ZF_OK;
}

static int check_sheet(const zf_study *s, const zf_table *t)
{
    int cs = zf_sheet_subject_col(t), cf = zf_table_col(t, "file");
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

/* State of the ingest sink: each track a reader emits becomes one subject. */
typedef struct ingest_ctx {
    zf_experiment *e;
    const zf_table *sheet;
    size_t row;            /* sheet row being read */
    const char *file;      /* as named in the sheet */
    const char *format;    /* reader used */
    const char *sha;
    const zf_read_opts *o;
    size_t emitted;        /* tracks emitted for this row */
    /* the subjects table being built: one row of the sheet per track, plus
     * the individual it came from */
    char **cells;          /* [n * (sheet->ncol + 1)] */
    size_t *line;
    size_t n, cap;
    int any_individual;
    struct early_set *early; /* metrics computed at ingest, or NULL */
#ifdef ZF_MPI
    struct mpi_ingest *mpi;  /* rows that other ranks read, or NULL */
    int keep_samples;        /* rank 0 read this row itself: it writes its samples */
#endif
} ingest_ctx;

#ifdef ZF_MPI
static int mpi_keep(struct mpi_ingest *mi, zf_track *tr, size_t first);
#endif

/* Every reader's track: each time known and later than the one before (metrics divide
 * by the step; a repeated time is a duplicated row or a concatenation). Named by the
 * sheet row and the file as the sheet names it. */
static int check_times(const zf_table *t, size_t row, const char *file, const zf_track *tr, const zf_track_info *info)
{
    int rc = ZF_OK;
    for (size_t i = 0; i < tr->n && rc == ZF_OK; i++)
        if (!isfinite(tr->t[i]) || (i && !(tr->t[i] > tr->t[i - 1])))
            rc = zf_error(ZF_EDATA, "'%s':%zu: '%s'%s%s: sample %zu: time %.10g s %s: expected strictly increasing times in seconds",
                          t->path, t->line[row], file, info->individual[0] ? ": individual " : "", info->individual, i + 1,
                          tr->t[i], !isfinite(tr->t[i]) ? "is not a finite number"
                          : tr->t[i] == tr->t[i - 1] ? "repeats the sample before" : "goes backwards");
    return rc;
}

static int ingest_sink(void *vctx, zf_track *tr, const zf_track_info *info)
{
    ingest_ctx *c = vctx;
    const zf_table *t = c->sheet;
    size_t w = t->ncol + 1;
    int cs = zf_sheet_subject_col(t), rc;
    if (info->activity) {
        if (info->activity->n == 0)
            return zf_error(ZF_EDATA, "'%s'%s%s: no activity bins", c->file,
                            info->individual[0] ? ": individual " : "", info->individual);
    } else if (tr->n < 2)
        return zf_error(ZF_EDATA, "'%s': empty track%s%s: expected at least 2 samples, got %zu", c->file,
                        info->individual[0] ? " of individual " : "", info->individual, tr->n);
    else if (zf_track_all_missing(tr))
        return zf_error(ZF_EDATA, "'%s'%s%s: every position is missing: expected at least one tracked sample", c->file,
                        info->individual[0] ? ": individual " : "", info->individual);
    else if ((rc = check_times(t, c->row, c->file, tr, info)) != ZF_OK)
        return rc;
    if (c->n == c->cap) {
        size_t cap = c->cap ? 2 * c->cap : 64;
        char **cells = realloc(c->cells, cap * w * sizeof *cells);
        if (!cells)
            return zf_error(ZF_ENOMEM, "out of memory");
        c->cells = cells;
        size_t *line = realloc(c->line, cap * sizeof *line);
        if (!line)
            return zf_error(ZF_ENOMEM, "out of memory");
        c->line = line;
        c->cap = cap;
    }
    char **row = c->cells + c->n * w;
    for (size_t k = 0; k < w; k++)
        row[k] = NULL;
    c->line[c->n] = t->line[c->row];
    c->n++;
    for (size_t k = 0; k < t->ncol; k++)
        if (!(row[k] = zf_strdup(zf_table_cell(t, c->row, k))))
            return ZF_ENOMEM;
    if (!(row[t->ncol] = zf_strdup(info->individual)))
        return ZF_ENOMEM;
    if (info->individual[0]) {
        c->any_individual = 1;
        /* a row that takes every individual of a multi-animal file: one subject each */
        if (!c->o->individual) {
            const char *id = zf_table_cell(t, c->row, (size_t)cs);
            size_t len = strlen(id) + strlen(info->individual) + 2;
            char *sub = malloc(len);
            if (!sub)
                return zf_error(ZF_ENOMEM, "out of memory");
            snprintf(sub, len, "%s_%s", id, info->individual);
            free(row[cs]);
            row[cs] = sub;
        }
    }
    for (size_t q = 0; q + 1 < c->n; q++)
        if (strcmp(c->cells[q * w + (size_t)cs], row[cs]) == 0)
            return zf_error(ZF_EDATA, "'%s':%zu: subject id '%s' (from individual '%s' of '%s') is already used on line %zu",
                            t->path, t->line[c->row], row[cs], info->individual, c->file, c->line[q]);
    zf_track_source src = {c->file, c->format, c->sha, info->mm_per_unit, info->y_direction, info->conversions,
                           info->individual, info->fps, info->activity};
    if ((rc = zf_experiment_append_track(c->e, tr, &src)) != ZF_OK)
        return rc;
    zf_log(ZF_LOG_DEBUG, "ingest: %s%s%s: %zu samples", c->file, info->individual[0] ? " individual " : "",
           info->individual, tr->n);
#ifdef ZF_MPI
    /* the experiment counted its rows; rank 0 writes them with the others' (the sink may take the arrays) */
    if (c->mpi && c->keep_samples && (rc = mpi_keep(c->mpi, tr, zf_experiment_nsamples(c->e) - tr->n)) != ZF_OK)
        return rc;
#endif
    c->emitted++;
    return ZF_OK;
}

static char individual_column[] = "individual";

/* One sheet row read by a pool thread: the file's SHA-256 and every track
 * its reader emitted, kept until the writer replays them into ingest_sink in
 * sheet order. Formats whose readers use HDF5 (not thread-safe, and the
 * writer uses it) are read by the writer itself (defer). */
typedef struct got_track {
    zf_track tr;
    zf_track_info info;
    zf_activity act;
    double *whole, *binned; /* its metrics, when computed at ingest */
    size_t nbin;
} got_track;

typedef struct row_job {
    zf_task task;
    const zf_study *s;
    const zf_table *t;
    size_t r;
    const char *dir;
    zf_read_opts o;
    const char *fmt;       /* as the study or sheet says ("auto" or a name) */
    const zf_format *used; /* reader, when the job read the file */
    char *path;
    char sha[65];
    int hashed;            /* sha is set */
    int defer;             /* the writer detects and reads (HDF5-based formats) */
    got_track *tracks;
    size_t n, cap;
    zf_metric_ws *ws;      /* the slot's workspace when metrics are computed at ingest */
#ifdef ZF_MPI
    int remote;            /* another rank reads it: received instead of run by the pool */
    int fatal;             /* that rank stopped (its failure is not the row's alone) */
#endif
} row_job;

/* Metrics computed at ingest while each track is in memory, for the metrics
 * stage that zf_run runs next on the same handle: it takes them instead of
 * reading every track back when its parameters are the same. Bins: each
 * subject's cover its data and one empty bin after them; the stage cuts or
 * pads them (with the empty bin's NaN) to the study's bin count, which gives
 * the values a computation with that count gives (the kernel fills bin b
 * from the samples in it only; bins after the data are all NaN). */
typedef struct early_row {
    double *whole, *binned;
    size_t nbin;
} early_row;

typedef struct early_set {
    char *params; /* parameter text they were computed with */
    size_t nout;
    size_t n, cap;
    early_row *rows; /* [n], by subject */
} early_set;

static void early_free(void *p)
{
    early_set *es = p;
    if (!es)
        return;
    for (size_t i = 0; i < es->n; i++) {
        free(es->rows[i].whole);
        free(es->rows[i].binned);
    }
    free(es->rows);
    free(es->params);
    free(es);
}

/* Subject i's row takes g's metrics (or none). */
static int early_put(early_set *es, size_t i, got_track *g)
{
    if (zf_grow((void **)&es->rows, &es->cap, i + 1, sizeof *es->rows) != ZF_OK)
        return ZF_ENOMEM;
    for (; es->n <= i; es->n++)
        es->rows[es->n] = (early_row){NULL, NULL, 0};
    free(es->rows[i].whole);
    free(es->rows[i].binned);
    es->rows[i] = (early_row){g->whole, g->binned, g->nbin};
    g->whole = g->binned = NULL;
    return ZF_OK;
}

static void early_truncate(early_set *es, size_t n)
{
    for (; es->n > n; es->n--) {
        free(es->rows[es->n - 1].whole);
        free(es->rows[es->n - 1].binned);
    }
}

static void row_job_clear(row_job *j)
{
    for (size_t k = 0; k < j->n; k++) {
        zf_track_free(&j->tracks[k].tr);
        zf_activity_free(&j->tracks[k].act);
        free(j->tracks[k].whole);
        free(j->tracks[k].binned);
    }
    free(j->tracks);
    free(j->path);
    j->tracks = NULL;
    j->path = NULL;
    j->n = j->cap = 0;
    j->hashed = j->defer = 0;
    j->used = NULL;
}

/* The sink of a pool thread: keep the track (its arrays taken) and a copy of what came with it. */
static int collect_sink(void *vctx, zf_track *tr, const zf_track_info *info)
{
    row_job *j = vctx;
    if (j->n == j->cap) {
        size_t cap = j->cap ? 2 * j->cap : 4;
        got_track *g = realloc(j->tracks, cap * sizeof *g);
        if (!g)
            return zf_error(ZF_ENOMEM, "out of memory");
        j->tracks = g;
        j->cap = cap;
    }
    got_track *g = &j->tracks[j->n];
    g->tr = *tr;
    zf_track_init(tr);
    g->info = *info;
    g->info.activity = NULL;
    zf_activity_init(&g->act);
    g->whole = g->binned = NULL;
    g->nbin = 0;
    j->n++;
    if (info->activity) {
        const zf_activity *a = info->activity;
        for (size_t i = 0; i < a->n; i++)
            if (zf_activity_push(&g->act, a->start_s[i], a->duration_s[i], a->inactive_mm[i], a->small_mm[i],
                                 a->large_mm[i]) != ZF_OK)
                return ZF_ENOMEM;
        g->info.activity = &g->act; /* marks the copy; pointed at again when replayed */
    }
    return ZF_OK;
}

/* Readers that may run beside the writer: everything but the HDF5-based ones. */
static int thread_safe_format(const char *name)
{
    return strcmp(name, "sleap") != 0 && strcmp(name, "zebrazoom") != 0;
}

static int starts_as_hdf5(const char *path)
{
    static const unsigned char sig[8] = {0x89, 'H', 'D', 'F', '\r', '\n', 0x1a, '\n'};
    unsigned char head[8];
    FILE *fp = fopen(path, "rb");
    if (!fp)
        return 0; /* detection then reports the problem */
    size_t n = fread(head, 1, sizeof head, fp);
    fclose(fp);
    return n == sizeof head && memcmp(head, sig, sizeof sig) == 0;
}

/* The file's SHA-256 into the job, or the error a serial ingest reports first. */
static int hash_row(row_job *j)
{
    const zf_table *t = j->t;
    int cf = zf_table_col(t, "file"), rc;
    if (zf_sha256_memo_lookup(j->path, j->sha)) { /* hashed earlier in this run (its key) */
        j->hashed = 1;
        return ZF_OK;
    }
    if ((rc = zf_sha256_file_memo(j->path, j->sha)) != ZF_OK) { /* remembered for the run's key */
        char why[1024];
        snprintf(why, sizeof why, "%s", zf_errmsg());
        return zf_error(rc, "'%s':%zu: column %d 'file': %s", t->path, t->line[j->r], cf + 1, why);
    }
    j->hashed = 1;
    return ZF_OK;
}

/* The metrics of the job's tracks, as the metrics stage would compute them
 * from the file (positions through float32). A track they cannot be
 * computed for is left to the stage, which reports the problem. */
static void early_metrics(row_job *j)
{
    const zf_metric_params *p = &j->s->metrics;
    size_t nout = zf_metric_nout(p);
    for (size_t k = 0; j->ws && k < j->n; k++) {
        got_track *g = &j->tracks[k];
        zf_track *tr = &g->tr;
        size_t n = tr->n;
        if (n == 0)
            continue;
        for (size_t i = 0; i < n; i++) {
            tr->x[i] = (double)(float)tr->x[i];
            tr->y[i] = (double)(float)tr->y[i];
        }
        double c1 = n > 1 ? tr->t[n - 1] + (tr->t[n - 1] - tr->t[n - 2]) : tr->t[0];
        if (!(c1 >= 0 && (p->bin_s == 0 || c1 / p->bin_s < 1e6)))
            continue;
        size_t nb = p->bin_s == 0 ? 0 : (size_t)floor(c1 / p->bin_s) + 2; /* bin_s 0: no bins */
        if (nb * nout > 262144)
            continue; /* over 2 MB for one fish (many small bins): the stage computes it */
        if (!(g->whole = malloc(nout * sizeof *g->whole)) || !(g->binned = malloc(nout * nb * sizeof *g->binned)) ||
            zf_metrics_track(j->ws, tr, g->whole, g->binned, nb) != ZF_OK) {
            free(g->whole);
            free(g->binned);
            g->whole = g->binned = NULL;
            zf_error_clear();
            continue;
        }
        g->nbin = nb;
    }
}

/* The pool thread's part of a row: detect, read into the job, and hash. The
 * tokenizer hashes the bytes it reads (one read of the file); when it could
 * not (another reader, or a failure) the file is hashed on its own, and a
 * hash failure is reported before any other, as a serial ingest would. */
static int row_task(void *arg)
{
    row_job *j = arg;
    int cf = zf_table_col(j->t, "file"), rc;
    char why[2048];
    if (!(j->path = zf_path_join(j->dir, zf_table_cell(j->t, j->r, (size_t)cf))))
        return ZF_ENOMEM;
    if (strcmp(j->fmt, "auto") == 0) {
        if (starts_as_hdf5(j->path)) {
            j->defer = 1;
            return hash_row(j);
        }
        if ((rc = zf_format_detect(j->path, &j->used)) != ZF_OK) {
            snprintf(why, sizeof why, "%s", zf_errmsg());
            int hr = hash_row(j);
            return hr ? hr : zf_error(rc, "%s", why);
        }
    } else {
        j->used = zf_format_find(j->fmt);
    }
    if (!j->used || !thread_safe_format(j->used->name)) {
        j->defer = 1;
        j->used = NULL;
        return hash_row(j);
    }
    /* hashed already (the run's key), else by the tokenizer on the way */
    int known = zf_sha256_memo_lookup(j->path, j->sha);
    struct stat before;
    int st_ok = !known && stat(j->path, &before) == 0;
    if (!known)
        zf_csv_hash_begin(j->path);
    rc = zf_read_tracks(j->path, j->used->name, &j->o, collect_sink, j, NULL);
    snprintf(why, sizeof why, "%s", zf_errmsg());
    if (rc == ZF_OK)
        early_metrics(j);
    if (rc == ZF_OK && (known || zf_csv_hash_end(j->sha))) {
        if (st_ok) /* for the run's key, computed after a first ingest */
            zf_sha256_memo_put(j->path, &before, j->sha);
        j->hashed = 1;
        return ZF_OK;
    }
    if (!known)
        zf_csv_hash_end(j->sha);
    int hr = hash_row(j);
    if (hr != ZF_OK)
        return hr;
    return rc ? zf_error(rc, "%s", why) : ZF_OK;
}

/* Sheet row r as the job of its slot. */
static void row_job_init(row_job *j, const zf_study *s, const zf_table *t, size_t r, const char *dir)
{
    j->s = s;
    j->t = t;
    j->r = r;
    j->dir = dir;
    zf_sheet_row_opts(s, t, r, &j->o, &j->fmt);
    j->task.fn = row_task;
    j->task.arg = j;
}

#ifdef ZF_MPI
/* Rows read by other ranks (ZF_MPI builds under mpirun). Each rank reads a
 * contiguous part of the sheet with the same row_task (metrics included) and
 * sends each row's result to rank 0: status and message, SHA-256, reader,
 * tracks and metrics. Rank 0 replays it as if its own pool had read the row,
 * so the experiment, its errors and --keep-going are those of a serial run;
 * its writer only counts the rows of /tracks, which every rank then writes
 * for the tracks it read (zf_experiment_mpi_write_rows), at the rows rank 0
 * gave them (the write plan: the first row of each sheet row's tracks). */
typedef struct mpi_ingest {
    zf_mpi_plan plan;
    const char *dir;
    size_t *received;   /* [nranks]: rows received from each rank */
    int *stopped;       /* [nranks]: the rank sends no more rows */
    uint64_t *row_first; /* [nrow]: first /tracks row of each row's tracks (MPI_NO_ROW: not written) */
    zf_track *mine;     /* tracks rank 0 read itself, and their first rows */
    size_t *mine_first;
    size_t nmine, capmine;
    int write_sent;     /* the write plan went out */
} mpi_ingest;

#define MPI_NO_ROW UINT64_MAX

/* Rank 0 keeps a track it read (taking its arrays) to write it with the others. */
static int mpi_keep(mpi_ingest *mi, zf_track *tr, size_t first)
{
    if (mi->nmine == mi->capmine) {
        size_t cap = mi->capmine ? 2 * mi->capmine : 64;
        zf_track *m = realloc(mi->mine, cap * sizeof *m);
        if (m)
            mi->mine = m;
        size_t *f = m ? realloc(mi->mine_first, cap * sizeof *f) : NULL;
        if (!f)
            return zf_error(ZF_ENOMEM, "out of memory");
        mi->mine_first = f;
        mi->capmine = cap;
    }
    mi->mine[mi->nmine] = *tr;
    mi->mine_first[mi->nmine++] = first;
    zf_track_init(tr);
    return ZF_OK;
}

/* Rank 0, once: whether the ranks write their rows (go) and where each sheet row's tracks start. */
static int mpi_send_write_plan(mpi_ingest *mi, int go)
{
    uint64_t head = (uint64_t)go;
    int rc;
    mi->write_sent = 1;
    if ((rc = zf_mpi_bcast(&head, sizeof head)) != ZF_OK || !go)
        return rc;
    return zf_mpi_bcast(mi->row_first, mi->plan.nrow * sizeof *mi->row_first);
}

/* A row on the wire: a byte buffer written and read in the same order. */
typedef struct wire {
    unsigned char *b;
    size_t n, cap;
    int oom;
} wire;

static void put(wire *w, const void *p, size_t n)
{
    if (w->oom)
        return;
    if (w->n + n > w->cap) {
        size_t cap = w->cap ? w->cap : 4096;
        while (cap < w->n + n)
            cap *= 2;
        unsigned char *b = realloc(w->b, cap);
        if (!b) {
            w->oom = 1;
            return;
        }
        w->b = b;
        w->cap = cap;
    }
    if (n)
        memcpy(w->b + w->n, p, n);
    w->n += n;
}

static void put_u64(wire *w, uint64_t v) { put(w, &v, sizeof v); }

static void put_str(wire *w, const char *s)
{
    put_u64(w, strlen(s));
    put(w, s, strlen(s));
}

typedef struct unwire {
    const unsigned char *b;
    size_t n, at;
    int bad;
} unwire;

static void get(unwire *u, void *p, size_t n)
{
    if (u->bad || n > u->n - u->at) {
        u->bad = 1;
        memset(p, 0, n);
        return;
    }
    memcpy(p, u->b + u->at, n);
    u->at += n;
}

static uint64_t get_u64(unwire *u)
{
    uint64_t v;
    get(u, &v, sizeof v);
    return v;
}

/* n doubles, malloc'd (NULL when the message is short of them) */
static double *get_f64s(unwire *u, uint64_t n)
{
    if (u->bad || n > (u->n - u->at) / sizeof(double)) {
        u->bad = 1;
        return NULL;
    }
    double *v = malloc((size_t)n * sizeof *v + 1);
    if (!v) {
        u->bad = 1;
        return NULL;
    }
    get(u, v, (size_t)n * sizeof *v);
    return v;
}

static char *get_str(unwire *u)
{
    uint64_t n = get_u64(u);
    if (u->bad || n > u->n - u->at) {
        u->bad = 1;
        return NULL;
    }
    char *s = malloc((size_t)n + 1);
    if (!s) {
        u->bad = 1;
        return NULL;
    }
    get(u, s, (size_t)n);
    s[n] = '\0';
    return s;
}

/* The row's result: rc and message, or (fatal) the sender's own failure. */
static void mpi_pack(const row_job *j, int rc, int fatal, size_t nout, wire *w)
{
    put_u64(w, (uint64_t)(int64_t)rc);
    put_u64(w, (uint64_t)fatal);
    put_u64(w, (uint64_t)(j && j->hashed));
    put_u64(w, (uint64_t)(j && j->defer));
    static const char no_sha[64];
    put(w, j ? j->sha : no_sha, 64);
    put_str(w, j && j->used ? j->used->name : "");
    put_str(w, rc ? zf_errmsg() : "");
    put_u64(w, j ? j->n : 0);
    for (size_t k = 0; j && k < j->n; k++) {
        const got_track *g = &j->tracks[k];
        put_u64(w, g->tr.n);
        put(w, g->tr.t, g->tr.n * sizeof(double));
        put(w, g->tr.x, g->tr.n * sizeof(double));
        put(w, g->tr.y, g->tr.n * sizeof(double));
        put(w, &g->info, sizeof g->info); /* the same binary on every rank; its pointer is set again */
        put_u64(w, g->info.activity != NULL);
        if (g->info.activity) {
            const zf_activity *a = &g->act;
            put_u64(w, a->n);
            put(w, a->start_s, a->n * sizeof(double));
            put(w, a->duration_s, a->n * sizeof(double));
            put(w, a->inactive_mm, a->n * sizeof(double));
            put(w, a->small_mm, a->n * sizeof(double));
            put(w, a->large_mm, a->n * sizeof(double));
        }
        put_u64(w, g->whole != NULL);
        if (g->whole) {
            put_u64(w, nout);
            put_u64(w, g->nbin);
            put(w, g->whole, nout * sizeof(double));
            put(w, g->binned, nout * g->nbin * sizeof(double));
        }
    }
}

static int mpi_owner(const mpi_ingest *mi, size_t r)
{
    int k = 0;
    while (k + 1 < mi->plan.nranks && mi->plan.bounds[k + 1] <= r)
        k++;
    return k;
}

/* What rank 0 needs of a row before ingest_row replays it. */
static int mpi_recv_row(mpi_ingest *mi, row_job *j)
{
    int from = mpi_owner(mi, j->r), rc;
    void *buf = NULL;
    size_t n = 0;
    char *used = NULL, *msg = NULL;
    j->fatal = 1;
    if ((rc = zf_mpi_recv(from, &buf, &n)) != ZF_OK) {
        mi->stopped[from] = 1;
        return rc;
    }
    mi->received[from]++;
    unwire u = {buf, n, 0, 0};
    int row_rc = (int)(int64_t)get_u64(&u);
    j->fatal = (int)get_u64(&u);
    j->hashed = (int)get_u64(&u);
    j->defer = (int)get_u64(&u);
    get(&u, j->sha, 64);
    j->sha[64] = '\0';
    used = get_str(&u);
    msg = get_str(&u);
    j->used = used && used[0] ? zf_format_find(used) : NULL;
    uint64_t nt = get_u64(&u);
    if (!u.bad && nt <= n && !(j->tracks = calloc((size_t)nt + 1, sizeof *j->tracks)))
        u.bad = 1;
    j->cap = (size_t)nt + 1;
    for (size_t k = 0; !u.bad && k < nt; k++) {
        got_track *g = &j->tracks[k];
        zf_track_init(&g->tr);
        zf_activity_init(&g->act);
        j->n = k + 1;
        uint64_t tn = get_u64(&u);
        g->tr.t = get_f64s(&u, tn);
        g->tr.x = get_f64s(&u, tn);
        g->tr.y = get_f64s(&u, tn);
        g->tr.n = g->tr.cap = u.bad ? 0 : (size_t)tn;
        get(&u, &g->info, sizeof g->info);
        g->info.activity = NULL;
        if (get_u64(&u)) {
            zf_activity *a = &g->act;
            uint64_t an = get_u64(&u);
            a->start_s = get_f64s(&u, an);
            a->duration_s = get_f64s(&u, an);
            a->inactive_mm = get_f64s(&u, an);
            a->small_mm = get_f64s(&u, an);
            a->large_mm = get_f64s(&u, an);
            a->n = a->cap = u.bad ? 0 : (size_t)an;
            g->info.activity = a;
        }
        if (get_u64(&u)) {
            uint64_t nout = get_u64(&u), nb = get_u64(&u);
            if (nb && nout > n / nb)
                u.bad = 1;
            g->whole = get_f64s(&u, nout);
            g->binned = get_f64s(&u, nout * nb);
            g->nbin = (size_t)nb;
        }
    }
    int cf = zf_table_col(j->t, "file");
    if (!u.bad && !(j->path = zf_path_join(mi->dir, zf_table_cell(j->t, j->r, (size_t)cf))))
        u.bad = 1;
    if (row_rc != ZF_OK && (!mi->plan.keep_going || j->fatal))
        mi->stopped[from] = 1;
    if (u.bad) {
        /* short or unreadable message (or no memory for it): stop the run */
        j->hashed = 0;
        j->fatal = 1;
        rc = zf_error(ZF_EIO, "MPI: row %zu from rank %d could not be received whole (out of memory?)", j->r + 1, from);
    } else if (row_rc != ZF_OK) {
        rc = zf_error(row_rc, "%s", msg);
    }
    free(used);
    free(msg);
    free(buf);
    return rc;
}

/* Rank 0, before its first row: who reads which rows, balanced by samples
 * (estimated by each track file's size), sent to every rank. */
static int mpi_plan(const zf_table *t, const char *dir, int keep_going, int early, mpi_ingest *mi)
{
    int rc = ZF_OK, cf = zf_table_col(t, "file"), size = zf_mpi_size();
    double *weight = malloc(t->nrow * sizeof *weight + 1);
    mi->dir = dir;
    mi->plan.go = 1;
    mi->plan.keep_going = keep_going;
    mi->plan.early = early;
    mi->plan.nranks = size;
    mi->plan.nrow = t->nrow;
    mi->plan.bounds = malloc(((size_t)size + 1) * sizeof *mi->plan.bounds);
    mi->received = calloc((size_t)size, sizeof *mi->received);
    mi->stopped = calloc((size_t)size, sizeof *mi->stopped);
    mi->row_first = malloc(t->nrow * sizeof *mi->row_first + 1);
    if (!weight || !mi->plan.bounds || !mi->received || !mi->stopped || !mi->row_first) {
        rc = zf_error(ZF_ENOMEM, "out of memory");
        goto done;
    }
    for (size_t r = 0; r < t->nrow; r++) {
        char *path = zf_path_join(dir, zf_table_cell(t, r, (size_t)cf));
        struct stat st;
        mi->row_first[r] = MPI_NO_ROW;
        /* a file that cannot be read weighs little: its row fails fast */
        weight[r] = 1 + (path && stat(path, &st) == 0 ? (double)st.st_size : 0);
        free(path);
    }
    zf_mpi_split(weight, t->nrow, size, mi->plan.bounds);
    for (int k = 0; k < size; k++)
        if (mi->plan.bounds[k] < mi->plan.bounds[k + 1])
            zf_log(ZF_LOG_DEBUG, "ingest: rank %d reads rows %zu..%zu of '%s'", k, mi->plan.bounds[k] + 1,
                   mi->plan.bounds[k + 1], t->path);
        else
            zf_log(ZF_LOG_DEBUG, "ingest: rank %d has no rows (more ranks than subjects)", k);
    rc = zf_mpi_plan_send(&mi->plan);
done:
    free(weight);
    return rc;
}

/* Rank 0 stopped early: take (and drop) every row the others still send. */
static void mpi_drain(mpi_ingest *mi)
{
    for (int k = 1; k < mi->plan.nranks; k++) {
        size_t rows = mi->plan.bounds[k + 1] - mi->plan.bounds[k];
        while (!mi->stopped[k] && mi->received[k] < rows) {
            void *buf = NULL;
            size_t n = 0;
            if (zf_mpi_recv(k, &buf, &n) != ZF_OK) {
                mi->stopped[k] = 1;
                break;
            }
            mi->received[k]++;
            unwire u = {buf, n, 0, 0};
            int row_rc = (int)(int64_t)get_u64(&u);
            int fatal = (int)get_u64(&u);
            if (u.bad || (row_rc != ZF_OK && (!mi->plan.keep_going || fatal)))
                mi->stopped[k] = 1;
            free(buf);
        }
    }
    zf_error_clear();
}

/* A worker's tracks kept for the write: sheet row, and the arrays. */
typedef struct kept_track {
    size_t row;
    zf_track tr;
} kept_track;

int zf_stage_ingest_worker(const zf_study *s, const zf_mpi_plan *plan)
{
    int rc = ZF_OK, me = zf_mpi_rank(), stopped = 0;
    zf_table *t = NULL;
    char *dir = NULL;
    zf_pool *pool = NULL;
    row_job *jobs = NULL;
    kept_track *kept = NULL;
    zf_track *wtr = NULL;
    size_t *wfirst = NULL;
    uint64_t *row_first = NULL, go = 0;
    size_t nkept = 0, capkept = 0, nw = 0;
    size_t lo = plan->bounds[me], hi = plan->bounds[me + 1], nsent = 0;
    size_t window = (size_t)zf_jobs() + 1, submitted = lo, waited = lo, nout = zf_metric_nout(&s->metrics);
    if (lo >= hi)
        goto sent; /* more ranks than rows: this one only takes part in the write */
    if ((rc = zf_table_read(s->samples, &t)) != ZF_OK)
        goto done;
    if (t->nrow != plan->nrow) {
        rc = zf_error(ZF_EDATA, "'%s': rank %d read %zu rows, rank 0 %zu: expected the same sample sheet on every node",
                      s->samples, me, t->nrow, plan->nrow);
        goto done;
    }
    if (!(dir = zf_path_dir(s->samples)) || !(jobs = calloc(window, sizeof *jobs))) {
        rc = zf_error(ZF_ENOMEM, "out of memory");
        goto done;
    }
    if ((rc = zf_pool_new(zf_jobs(), &pool)) != ZF_OK)
        goto done;
    for (size_t k = 0; plan->early && k < window; k++)
        if (zf_metric_ws_new(&s->arena, &s->metrics, &jobs[k].ws) != ZF_OK) {
            jobs[k].ws = NULL; /* rank 0 computes that slot's metrics from the file */
            zf_error_clear();
        }
    /* the same window as rank 0's ingest; results go out as they come, without waiting for rank 0 */
    for (size_t r = lo; r < hi; r++) {
        for (; submitted < hi && submitted < r + window; submitted++) {
            row_job *j = &jobs[submitted % window];
            row_job_init(j, s, t, submitted, dir);
            zf_pool_submit(pool, &j->task);
        }
        row_job *j = &jobs[r % window];
        int row_rc = zf_pool_wait(pool, &j->task);
        waited = r + 1;
        wire w = {0};
        mpi_pack(j, row_rc, 0, nout, &w);
        /* the samples stay here until the ranks write them */
        for (size_t k = 0; row_rc == ZF_OK && !j->defer && !w.oom && k < j->n; k++) {
            if (nkept == capkept) {
                size_t cap = capkept ? 2 * capkept : 64;
                kept_track *kt = realloc(kept, cap * sizeof *kt);
                if (!kt) {
                    w.oom = 1;
                    break;
                }
                kept = kt;
                capkept = cap;
            }
            kept[nkept].row = r;
            kept[nkept++].tr = j->tracks[k].tr;
            zf_track_init(&j->tracks[k].tr);
        }
        row_job_clear(j);
        if (w.oom) {
            free(w.b);
            rc = zf_error(ZF_ENOMEM, "out of memory");
            goto done;
        }
        if ((rc = zf_mpi_isend_owned(0, w.b, w.n)) != ZF_OK)
            goto done;
        nsent++;
        if (row_rc != ZF_OK && !plan->keep_going) {
            stopped = 1; /* rank 0 stops at this row */
            break;
        }
    }
done:
    if (rc != ZF_OK && !stopped && nsent < hi - lo) {
        /* rank 0 still waits for rows from here: tell it why none come */
        wire w = {0};
        mpi_pack(NULL, rc, 1, nout, &w);
        if (!w.oom)
            zf_mpi_isend_owned(0, w.b, w.n);
        else
            free(w.b);
    }
    for (size_t r = waited; jobs && r < submitted; r++) {
        zf_pool_cancel(pool, &jobs[r % window].task);
        row_job_clear(&jobs[r % window]);
    }
    zf_pool_free(pool);
    pool = NULL;
    for (size_t k = 0; jobs && k < window; k++)
        zf_metric_ws_free(jobs[k].ws);
    free(jobs);
    jobs = NULL;
    int src = zf_mpi_wait_sends();
    if (rc == ZF_OK)
        rc = src;
sent:
    /* rank 0 says whether the rows are written and where each sheet row's tracks start */
    if (zf_mpi_bcast(&go, sizeof go) != ZF_OK) {
        rc = rc ? rc : zf_error(ZF_EIO, "MPI: rank %d: no word from rank 0", me);
        go = 0;
    }
    if (go) {
        int wrc = ZF_OK;
        if (!(row_first = malloc(plan->nrow * sizeof *row_first + 1)))
            wrc = zf_error(ZF_ENOMEM, "out of memory");
        /* a broadcast every rank takes part in, with or without room for it */
        else if (zf_mpi_bcast(row_first, plan->nrow * sizeof *row_first) != ZF_OK)
            wrc = zf_error(ZF_EIO, "MPI: rank %d: no word from rank 0", me);
        if (!wrc && (!(wtr = malloc((nkept + 1) * sizeof *wtr)) || !(wfirst = malloc((nkept + 1) * sizeof *wfirst))))
            wrc = zf_error(ZF_ENOMEM, "out of memory");
        /* the tracks of the rows rank 0 took, each row's one after the other */
        for (size_t k = 0, at = 0; !wrc && k < nkept; k++) {
            if (k == 0 || kept[k].row != kept[k - 1].row)
                at = row_first[kept[k].row];
            if (at == MPI_NO_ROW)
                continue;
            wtr[nw] = kept[k].tr;
            wfirst[nw++] = at;
            at += kept[k].tr.n;
        }
        if (wrc)
            nw = 0;
        /* a failure here fails the write on every rank */
        int xrc = zf_experiment_mpi_write_rows(NULL, wrc ? wrc : rc, wtr, wfirst, nw);
        if (rc == ZF_OK)
            rc = xrc;
    }
    for (size_t k = 0; k < nkept; k++)
        zf_track_free(&kept[k].tr);
    free(kept);
    free(wtr);
    free(wfirst);
    free(row_first);
    free(dir);
    zf_table_free(t);
    return rc;
}
#endif

/* The writer's part of row r: what the job found, in the order a serial read
 * would meet it; its SHA-256 goes to sha_out (64 hex digits). */
static int ingest_row(zf_pool *pool, row_job *j, ingest_ctx *c, char *sha_out)
{
    int rc;
    const zf_table *t = j->t;
    const zf_format *used = NULL;
    char why[2048];
    int cf = zf_table_col(t, "file");
#ifdef ZF_MPI
    if (j->remote)
        rc = mpi_recv_row(c->mpi, j);
    else
#endif
    rc = zf_pool_wait(pool, &j->task);
    if (!j->hashed)
        return rc; /* the path or the hash failed: the message says which */
    memcpy(sha_out, j->sha, 64);
    c->row = j->r;
#ifdef ZF_MPI
    c->keep_samples = !j->remote || j->defer; /* rank 0 reads the file itself */
    size_t first_row = zf_experiment_nsamples(c->e);
#endif
    c->file = zf_table_cell(t, j->r, (size_t)cf);
    c->sha = j->sha;
    c->o = &j->o;
    c->emitted = 0;
    c->format = j->used ? j->used->name : j->fmt;
    if (j->defer) {
        if (strcmp(j->fmt, "auto") == 0) {
            if ((rc = zf_format_detect(j->path, &used)) != ZF_OK)
                return rc;
            c->format = used->name;
        }
        if ((rc = zf_read_tracks(j->path, c->format, &j->o, ingest_sink, c, &used)) != ZF_OK)
            return rc;
    } else {
        /* replay: the tracks the reader emitted, then its failure if it failed */
        int read_rc = rc;
        snprintf(why, sizeof why, "%s", zf_errmsg());
        for (size_t k = 0; k < j->n; k++) {
            if (j->tracks[k].info.activity)
                j->tracks[k].info.activity = &j->tracks[k].act;
            if ((rc = ingest_sink(c, &j->tracks[k].tr, &j->tracks[k].info)) != ZF_OK)
                return rc;
            if (c->early && (rc = early_put(c->early, c->n - 1, &j->tracks[k])) != ZF_OK)
                return rc;
        }
        if (read_rc != ZF_OK)
            return zf_error(read_rc, "%s", why);
    }
    if (c->emitted == 0)
        rc = zf_error(ZF_EDATA, "'%s':%zu: '%s' has no track%s%s%s", t->path, t->line[j->r], c->file,
                      j->o.individual ? " for individual '" : "", j->o.individual ? j->o.individual : "",
                      j->o.individual ? "'" : "");
#ifdef ZF_MPI
    if (rc == ZF_OK && c->mpi && !c->keep_samples)
        c->mpi->row_first[j->r] = first_row; /* the rank that read it writes its samples there */
#endif
    return rc;
}

int zf_stage_ingest(const zf_study *s, zf_experiment *e, const char *command, int keep_going)
{
    int rc = ZF_OK;
    zf_pool *pool = NULL;
    row_job *jobs = NULL;
    early_set *early = NULL;
    size_t window = 0, submitted = 0, waited = 0;
    zf_table *t = NULL, subjects;
    char *dir = NULL, *hashes = NULL, *excluded = NULL;
    size_t nexcluded = 0;
    char versions[512], input_sha[65], study_dir[PATH_MAX];
    ingest_ctx c;
    memset(&c, 0, sizeof c);
    memset(&subjects, 0, sizeof subjects);
#ifdef ZF_MPI
    mpi_ingest mi;
    memset(&mi, 0, sizeof mi);
#endif

    if ((rc = zf_table_read(s->samples, &t)) != ZF_OK || (rc = check_sheet(s, t)) != ZF_OK)
        goto done;
    int cf = zf_table_col(t, "file");
    /* validate every row before reading any track, so errors in the sheet come first */
    for (size_t r = 0; r < t->nrow; r++) {
        zf_read_opts o;
        const char *fmt;
        if ((rc = zf_sheet_row_opts(s, t, r, &o, &fmt)) != ZF_OK)
            goto done;
    }
    if (!(dir = zf_path_dir(s->samples)) || !(hashes = malloc(64 * (t->nrow + 1) + 1))) {
        rc = zf_error(ZF_ENOMEM, "out of memory");
        goto done;
    }
    if ((rc = zf_sha256_file(s->samples, hashes)) != ZF_OK)
        goto done;
    c.e = e;
    c.sheet = t;
    /* rows are hashed and parsed by the pool, at most jobs + 1 ahead of the
     * writer, which takes them in sheet order: memory is bounded by a few
     * tracks and the file does not depend on the number of threads */
    window = (size_t)zf_jobs() + 1;
    if ((rc = zf_pool_new(zf_jobs(), &pool)) != ZF_OK)
        goto done;
    if (!(jobs = calloc(window, sizeof *jobs))) {
        rc = zf_error(ZF_ENOMEM, "out of memory");
        goto done;
    }
    zf_experiment_set_pool(e, pool);
    if (zf_experiment_wants_metrics(e)) {
        /* the metrics too, while each track is in memory (a problem there is
         * left for the metrics stage to report) */
        int ok = (early = calloc(1, sizeof *early)) != NULL && params_text(s, &early->params) == ZF_OK;
        for (size_t k = 0; ok && k < window; k++)
            ok = zf_metric_ws_new(&s->arena, &s->metrics, &jobs[k].ws) == ZF_OK;
        if (ok) {
            early->nout = zf_metric_nout(&s->metrics);
            c.early = early;
        } else {
            early_free(early);
            early = NULL;
            for (size_t k = 0; k < window; k++) {
                zf_metric_ws_free(jobs[k].ws);
                jobs[k].ws = NULL;
            }
            zf_error_clear();
        }
    }
#ifdef ZF_MPI
    if (zf_mpi_active() && zf_mpi_size() > 1) {
        if ((rc = mpi_plan(t, dir, keep_going, early != NULL, &mi)) != ZF_OK)
            goto done; /* no plan went out: zf_mpi_run_finish releases the others */
        c.mpi = &mi;
        zf_experiment_defer_samples(e); /* every rank writes the rows it read */
    }
#endif
    zf_progress prog;
    zf_progress_start(&prog, "ingest", "files", t->nrow);
    for (size_t r = 0; r < t->nrow; r++) {
        size_t n_before = c.n;
        for (; submitted < t->nrow && submitted < r + window; submitted++) {
            row_job *j = &jobs[submitted % window];
            row_job_init(j, s, t, submitted, dir);
#ifdef ZF_MPI
            j->fatal = 0;
            if ((j->remote = c.mpi && submitted >= mi.plan.bounds[1]) != 0)
                continue; /* another rank reads it */
#endif
            zf_pool_submit(pool, &j->task);
        }
        memset(hashes + 64 * (r + 1), '0', 64);
        rc = ingest_row(pool, &jobs[r % window], &c, hashes + 64 * (r + 1));
#ifdef ZF_MPI
        int fatal = jobs[r % window].fatal;
#endif
        row_job_clear(&jobs[r % window]);
        waited = r + 1;
        zf_progress_step(&prog, r + 1);
        if (rc == ZF_OK)
            continue;
#ifdef ZF_MPI
        if (fatal)
            break; /* the rank that reads it stopped: not this row's failure alone */
#endif
        if (!keep_going || c.emitted > 0 || rc == ZF_ENOMEM)
            break; /* tracks of this row are already written: it cannot be excluded cleanly */
        /* --keep-going: report, exclude the subject, go on */
        int cs = zf_sheet_subject_col(t);
        char line[1400];
        int w = snprintf(line, sizeof line, "%s\t%s\t%s\n", zf_table_cell(t, r, (size_t)cs),
                         zf_table_cell(t, r, (size_t)cf), zf_errmsg());
        zf_log(ZF_LOG_WARN, "excluded subject '%s': %s", zf_table_cell(t, r, (size_t)cs), zf_errmsg());
        size_t len = excluded ? strlen(excluded) : 0, add = w > 0 ? (size_t)w : 0;
        char *grown = realloc(excluded, len + add + 1);
        if (!grown) {
            rc = zf_error(ZF_ENOMEM, "out of memory");
            break;
        }
        excluded = grown;
        memcpy(excluded + len, line, add + 1);
        nexcluded++;
        for (size_t i = n_before * (t->ncol + 1); i < c.n * (t->ncol + 1); i++)
            free(c.cells[i]);
        c.n = n_before;
        if (early)
            early_truncate(early, c.n);
        rc = ZF_OK;
    }
    zf_progress_end(&prog);
    if (rc)
        goto done;
    if (c.n == 0) {
        rc = zf_error(ZF_EDATA, "'%s': every subject was excluded: no track could be read", t->path);
        goto done;
    }
    /* the subjects table: the sheet's columns (+ individual when a file had several) */
    size_t w = t->ncol + 1;
    int add_ind = c.any_individual && zf_table_col(t, "individual") < 0;
    subjects.path = t->path;
    subjects.ncol = t->ncol + (add_ind ? 1 : 0);
    subjects.nrow = c.n;
    subjects.line = c.line;
    if (!(subjects.names = calloc(subjects.ncol, sizeof *subjects.names)) ||
        !(subjects.cells = calloc(c.n * subjects.ncol + 1, sizeof *subjects.cells))) {
        rc = zf_error(ZF_ENOMEM, "out of memory");
        goto done;
    }
    for (size_t k = 0; k < t->ncol; k++)
        subjects.names[k] = t->names[k];
    if (add_ind)
        subjects.names[t->ncol] = individual_column;
    for (size_t i = 0; i < c.n; i++)
        for (size_t k = 0; k < subjects.ncol; k++)
            subjects.cells[i * subjects.ncol + k] = c.cells[i * w + k];
    if ((rc = zf_experiment_write_subjects(e, &subjects)) != ZF_OK)
        goto done;
    zf_sha256_mem(hashes, 64 * (t->nrow + 1), input_sha);
    if ((rc = zf_experiment_finish_tracks(e)) != ZF_OK)
        goto done;
#ifdef ZF_MPI
    /* the samples: each rank writes the rows it read, collectively, with parallel HDF5 */
    if (c.mpi && ((rc = mpi_send_write_plan(&mi, 1)) != ZF_OK ||
                  (rc = zf_experiment_mpi_write_rows(e, ZF_OK, mi.mine, mi.mine_first, mi.nmine)) != ZF_OK))
        goto done;
#endif
    /* where the study's relative paths start, so that 'zfstress reproduce' finds the inputs again */
    if (!realpath(s->dir, study_dir))
        snprintf(study_dir, sizeof study_dir, "%s", s->dir);
    zf_versions(versions, sizeof versions);
    if ((rc = zf_experiment_set_text(e, "/provenance", "input_sha256", input_sha)) ||
        (rc = zf_experiment_set_text(e, "/provenance", "study", s->text)) ||
        (rc = zf_experiment_set_text(e, "/provenance", "study_sha256", s->sha256)) ||
        (rc = zf_experiment_set_text(e, "/provenance", "study_path", s->path)) ||
        (rc = zf_experiment_set_text(e, "/provenance", "study_dir", study_dir)) ||
        (rc = zf_experiment_set_text(e, "/provenance", "command", command ? command : "")) ||
        (rc = zf_experiment_set_text(e, "/provenance", "versions", versions)) ||
        (rc = zf_experiment_set_text(e, "/provenance", "excluded", excluded ? excluded : "")))
        goto done;
    zf_log(ZF_LOG_INFO, "ingest: %zu subjects, %zu samples%s", zf_experiment_nsubjects(e), zf_experiment_nsamples(e),
           nexcluded ? " (subjects excluded: see /provenance/excluded)" : "");
    if (early) { /* for the metrics stage on this handle */
        early_truncate(early, c.n);
        zf_experiment_attach(e, early, early_free);
        early = NULL;
    }
done:
    /* rows still in the pool are dropped; the writer's chunks are flushed or dropped */
    for (size_t r = waited; jobs && r < submitted; r++) {
#ifdef ZF_MPI
        if (!jobs[r % window].remote)
#endif
        zf_pool_cancel(pool, &jobs[r % window].task);
        row_job_clear(&jobs[r % window]);
    }
#ifdef ZF_MPI
    if (c.mpi) {
        char why[2048];
        snprintf(why, sizeof why, "%s", zf_errmsg());
        mpi_drain(c.mpi);
        if (!mi.write_sent)
            mpi_send_write_plan(&mi, 0); /* the others wait for it */
        if (rc)
            zf_error(rc, "%s", why);
    }
    for (size_t k = 0; k < mi.nmine; k++)
        zf_track_free(&mi.mine[k]);
    free(mi.mine);
    free(mi.mine_first);
    free(mi.row_first);
    free(mi.plan.bounds);
    free(mi.received);
    free(mi.stopped);
#endif
    zf_experiment_set_pool(e, NULL);
    zf_pool_free(pool);
    for (size_t k = 0; jobs && k < window; k++)
        zf_metric_ws_free(jobs[k].ws);
    free(jobs);
    early_free(early);
    if (c.cells)
        for (size_t i = 0; i < c.n * (t ? t->ncol + 1 : 0); i++)
            free(c.cells[i]);
    free(c.cells);
    free(c.line);
    free(subjects.names);
    free(subjects.cells);
    free(excluded);
    free(dir);
    free(hashes);
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
    if (v == floor(v) && fabs(v) < 1e15) {
        /* an integer below 1e15 prints under %.15g as its digits (counts, zeros:
         * over half the cells), written here without printf's decimal conversion */
        char buf[24], *p = buf + sizeof buf;
        uint64_t u = (uint64_t)fabs(v);
        *--p = '\0';
        do
            *--p = (char)('0' + u % 10);
        while ((u /= 10) != 0);
        if (signbit(v))
            *--p = '-'; /* -0 too, as %.15g prints it */
        return fputs(p, fp) < 0 ? -1 : 0;
    }
    return fprintf(fp, "%.15g", v) < 0 ? -1 : 0;
}

/* Everything the metrics stage records as provenance: every metric parameter
 * and the arena with its zones, into *out (malloc'd). */
static int params_text(const zf_study *s, char **out)
{
    int rc = ZF_OK;
    size_t size = 65536, o;
    char *buf = malloc(size);
    if (!buf) {
        rc = zf_error(ZF_ENOMEM, "out of memory");
        goto done;
    }
    if ((rc = zf_metric_params_text(&s->metrics, NULL, buf, size - 1)) != ZF_OK)
        goto done;
    o = strlen(buf);
    buf[o++] = ' ';
    if ((rc = zf_arena_text(&s->arena, &s->metrics, buf + o, size - o)) != ZF_OK)
        goto done;
    *out = buf;
    buf = NULL;
done:
    free(buf);
    return rc;
}

/* End of the time a subject's data cover: the last sample lasts as long as
 * the step before it; the last activity bin as long as its duration. */
static double data_end(const zf_track *tr, const zf_activity *act)
{
    if (tr->n > 1)
        return tr->t[tr->n - 1] + (tr->t[tr->n - 1] - tr->t[tr->n - 2]);
    if (tr->n == 1)
        return tr->t[0];
    if (act->n)
        return act->start_s[act->n - 1] + (isnan(act->duration_s[act->n - 1]) ? 0 : act->duration_s[act->n - 1]);
    return 0;
}

/* One subject's metrics computed by a pool thread: the writer reads the
 * track (HDF5 stays on one thread), the job fills its slots of the tables. */
typedef struct metric_job {
    zf_task task;
    const zf_study *s;
    zf_metric_ws *ws;      /* the job slot's own workspace */
    zf_track tr;
    zf_activity act;
    double *row, *rowb;    /* [nout], [nout * nbin] */
    double *val, *binned;  /* the tables: subject i's slots only */
    size_t i, ns, nout, nbin;
} metric_job;

static int metric_task(void *arg)
{
    metric_job *j = arg;
    const zf_study *s = j->s;
    /* subjects with positions get the catalogue; binned activity the part it supports */
    int rc = j->tr.n ? zf_metrics_track(j->ws, &j->tr, j->row, j->rowb, j->nbin)
                     : zf_metrics_activity(&j->act, &s->arena, &s->metrics, j->row, j->rowb, j->nbin);
    if (rc)
        return rc;
    for (size_t k = 0; k < j->nout; k++) {
        j->val[k * j->ns + j->i] = j->row[k];
        memcpy(j->binned + (k * j->ns + j->i) * j->nbin, j->rowb + k * j->nbin, j->nbin * sizeof *j->rowb);
    }
    return ZF_OK;
}

int zf_stage_metrics(const zf_study *s, zf_experiment *e, const char *metrics_csv, const char *binned_csv)
{
    int rc = ZF_OK;
    size_t ns = zf_experiment_nsubjects(e), nout = zf_metric_nout(&s->metrics), nbin = 0, ncol = 0;
    double *val = NULL, *binned = NULL, *bin_start = NULL;
    size_t *cols = NULL;
    zf_metric_column *info = NULL;
    zf_table *sub = NULL;
    zf_pool *pool = NULL;
    metric_job *jobs = NULL;
    const early_set *early = NULL;
    size_t window = 0, submitted = 0, waited = 0;
    zf_track tr; /* the last two times of a track, to find where its data end */
    zf_outfile out = {0}, bout = {0};
    char *params = NULL;
    zf_activity act;
    zf_track_init(&tr);
    zf_activity_init(&act);

    if ((rc = zf_experiment_read_subjects(e, &sub)) != ZF_OK)
        goto done;
    if (sub->nrow != ns) {
        rc = zf_error(ZF_ESCHEMA, "experiment has %zu subjects but %zu tracks", sub->nrow, ns);
        goto done;
    }
    /* bins span the longest subject; a subject shorter than that has NaN in
     * the bins it never reached. Bins end where the data end (the last sample
     * lasts one step), less a rounding tolerance. */
    double tend = 0;
    for (size_t i = 0; i < ns; i++) {
        size_t n = 0;
        double last[2];
        if ((rc = zf_experiment_track_tail(e, i, &n, last)) != ZF_OK)
            goto done;
        zf_activity_free(&act);
        if (n == 0 && (rc = zf_experiment_read_activity(e, i, &act)) != ZF_OK)
            goto done;
        /* data_end of the track from its last two times */
        tr.t = last;
        tr.n = n > 1 ? 2 : n;
        if (n == 1)
            last[0] = last[1];
        tend = fmax(tend, data_end(&tr, &act));
        tr.t = NULL;
        tr.n = 0;
    }
    if (s->metrics.bin_s == 0) { /* time bins off: no /binned, binned.csv is its header only */
        nbin = 0;
    } else {
        nbin = tend > 0 ? (size_t)ceil(tend / s->metrics.bin_s - 1e-6) : 1;
        if (nbin < 1)
            nbin = 1;
    }
    window = (size_t)zf_jobs() + 1;
    if (!(val = malloc(ns * nout * sizeof *val + 1)) || !(binned = malloc(ns * nbin * nout * sizeof *binned + 1)) ||
        !(bin_start = malloc(nbin * sizeof *bin_start)) || !(cols = malloc(nout * sizeof *cols)) ||
        !(info = malloc(nout * sizeof *info)) || !(jobs = calloc(window, sizeof *jobs))) {
        rc = zf_error(ZF_ENOMEM, "out of memory");
        goto done;
    }
    for (size_t k = 0; k < window; k++) {
        zf_track_init(&jobs[k].tr);
        zf_activity_init(&jobs[k].act);
        if ((rc = zf_metric_ws_new(&s->arena, &s->metrics, &jobs[k].ws)) != ZF_OK)
            goto done;
        if (!(jobs[k].row = malloc(nout * sizeof *jobs[k].row)) ||
            !(jobs[k].rowb = malloc(nout * nbin * sizeof *jobs[k].rowb + 1))) {
            rc = zf_error(ZF_ENOMEM, "out of memory");
            goto done;
        }
    }
    if ((rc = zf_pool_new(zf_jobs(), &pool)) != ZF_OK)
        goto done;
    if ((rc = params_text(s, &params)) != ZF_OK)
        goto done;
    /* the CSV columns of this study: metrics of its arena kind, one per zone and template */
    for (size_t k = 0; k < nout; k++) {
        int applies = zf_metric_column_get(&s->arena, &s->metrics, k, &info[k]);
        if (applies < 0) {
            rc = applies;
            goto done;
        }
        if (applies)
            cols[ncol++] = k;
    }
    for (size_t b = 0; b < nbin; b++)
        bin_start[b] = (double)b * s->metrics.bin_s;
    /* metrics that ingest computed on this handle with these parameters */
    early = zf_experiment_attached(e);
    if (early && !(early->n == ns && early->nout == nout && strcmp(early->params, params) == 0))
        early = NULL;
    /* the writer reads subject after subject; the pool computes up to
     * jobs + 1 of them at once, each into its own slots of the tables, so the
     * result does not depend on the number of threads */
    for (size_t i = 0; i <= ns; i++) {
        if (i >= window || i == ns) { /* collect subject i - window (or the rest) */
            for (size_t q = waited; q < submitted && (q + window <= i || i == ns); q++, waited++) {
                metric_job *j = &jobs[q % window];
                if ((rc = zf_pool_wait(pool, &j->task)) != ZF_OK) {
                    char why[1024];
                    snprintf(why, sizeof why, "%s", zf_errmsg());
                    zf_error(rc, "metrics: subject '%s': %s", zf_table_cell(sub, q, (size_t)zf_sheet_subject_col(sub)), why);
                    waited++;
                    goto done;
                }
            }
        }
        if (i == ns)
            break;
        if (early && early->rows[i].whole) { /* computed at ingest */
            const early_row *er = &early->rows[i];
            for (size_t k = 0; k < nout; k++) {
                val[k * ns + i] = er->whole[k];
                for (size_t b = 0; b < nbin; b++)
                    binned[(k * ns + i) * nbin + b] = er->binned[k * er->nbin + (b < er->nbin ? b : er->nbin - 1)];
            }
            continue;
        }
        metric_job *j = &jobs[i % window];
        if ((rc = zf_experiment_read_track(e, i, &j->tr)) != ZF_OK)
            goto done;
        zf_activity_free(&j->act);
        if (j->tr.n == 0 && (rc = zf_experiment_read_activity(e, i, &j->act)) != ZF_OK)
            goto done;
        j->s = s;
        j->val = val;
        j->binned = binned;
        j->i = i;
        j->ns = ns;
        j->nout = nout;
        j->nbin = nbin;
        j->task.fn = metric_task;
        j->task.arg = j;
        zf_pool_submit(pool, &j->task);
        submitted++;
    }
    /* every selected slot (every slot when the study selects no endpoints) goes
     * to the experiment file (NaN where the study does not meet the metric's
     * need), the applicable ones to the CSV tables; /binned only with bins */
    {
        /* what an earlier run wrote for other endpoints, zones or bins goes */
        const char **keep = malloc((nout + 1) * sizeof *keep);
        size_t nkeep = 0;
        if (!keep) {
            rc = zf_error(ZF_ENOMEM, "out of memory");
            goto done;
        }
        for (size_t k = 0; k < nout; k++)
            if (zf_metric_selected(&s->metrics, k))
                keep[nkeep++] = info[k].name;
        rc = zf_experiment_prune_metrics(e, keep, nkeep, nbin > 0);
        free(keep);
        if (rc)
            goto done;
    }
    for (size_t k = 0; k < nout; k++) {
        const zf_metric_column *c = &info[k];
        if (!zf_metric_selected(&s->metrics, k))
            continue;
        if ((rc = zf_experiment_write_metric(e, c->name, c->desc->unit, c->definition, c->parameters, val + k * ns,
                                             ns)) ||
            (nbin && (rc = zf_experiment_write_binned(e, c->name, c->desc->unit, binned + k * ns * nbin, ns, nbin,
                                                      bin_start))))
            goto done;
    }
    if ((rc = zf_experiment_set_text(e, "/provenance", "metric_parameters", params)))
        goto done;

    /* metrics.csv: subject, factor columns, one column per metric; binned.csv: the same per bin */
    if (metrics_csv) {
        int cs = zf_sheet_subject_col(sub);
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
            for (size_t j = 0; j < ncol; j++)
                bad |= fputc(',', fps[k]) == EOF || write_cell(fps[k], info[cols[j]].name);
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
                for (size_t j = 0; j < ncol; j++) {
                    size_t m = cols[j];
                    bad |= fputc(',', fp) == EOF ||
                           write_number(fp, b == 0 ? val[m * ns + i] : binned[(m * ns + i) * nbin + b - 1]);
                }
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
    for (size_t q = waited; q < submitted; q++) /* subjects still in the pool */
        zf_pool_cancel(pool, &jobs[q % window].task);
    zf_pool_free(pool);
    for (size_t k = 0; jobs && k < window; k++) {
        zf_track_free(&jobs[k].tr);
        zf_activity_free(&jobs[k].act);
        zf_metric_ws_free(jobs[k].ws);
        free(jobs[k].row);
        free(jobs[k].rowb);
    }
    free(jobs);
    zf_experiment_attach(e, NULL, NULL); /* ingest's metrics are used up */
    zf_file_abort(&out);
    zf_file_abort(&bout);
    zf_activity_free(&act);
    zf_table_free(sub);
    free(val);
    free(binned);
    free(bin_start);
    free(cols);
    free(info);
    free(params);
    return rc;
}

/* The declared designs of the stats stage: factorial on /metrics, dose-response
 * on /metrics with the dose column, split-plot on /binned (rows appended to st). */
static int stage_stats_designs(const zf_study *s, zf_experiment *e, const zf_table *sub, const char *const *group,
                               const zf_metric_column *cols, size_t ncols, const zf_compare_opts *opts,
                               zf_stat_table *st)
{
    size_t ns = zf_experiment_nsubjects(e), nbin = 0;
    const char **lev = NULL, **wl = NULL;
    double *v = NULL, *dose = NULL, *bv = NULL, *bstart = NULL;
    char (*wlabel)[32] = NULL;
    int fcol[ZF_MAX_FACTORS], dcol = -1, rc = ZF_OK;

    if (!s->nfactors && !s->dose && !s->repeated)
        return ZF_OK;
    if (!(v = malloc((ns + 1) * sizeof *v)) || !(dose = malloc((ns + 1) * sizeof *dose)) ||
        !(lev = malloc((ns * (s->nfactors ? s->nfactors : 1) + 1) * sizeof *lev))) {
        rc = zf_error(ZF_ENOMEM, "out of memory");
        goto done;
    }
    for (size_t f = 0; f < s->nfactors; f++) {
        if ((fcol[f] = zf_table_col(sub, s->factors[f])) < 0) {
            rc = zf_error(ZF_EDATA, "'%s': no subject column '%s' (compare.factors in '%s')", sub->path, s->factors[f], s->path);
            goto done;
        }
        for (size_t i = 0; i < ns; i++)
            if (!(lev[i * s->nfactors + f] = zf_table_cell(sub, i, (size_t)fcol[f]))[0]) {
                rc = zf_error(ZF_EDATA, "'%s': subject %zu has no value in column '%s' (compare.factors in '%s')", sub->path,
                              i + 1, s->factors[f], s->path);
                goto done;
            }
    }
    if (s->dose) {
        if ((dcol = zf_table_col(sub, s->dose)) < 0) {
            rc = zf_error(ZF_EDATA, "'%s': no subject column '%s' (compare.dose in '%s')", sub->path, s->dose, s->path);
            goto done;
        }
        for (size_t i = 0; i < ns; i++) {
            const char *cell = zf_table_cell(sub, i, (size_t)dcol);
            int k = zf_parse_number(cell, &dose[i]);
            if (k == ZF_NUM_BAD || (k == ZF_NUM_OK && (dose[i] < 0 || isinf(dose[i])))) {
                rc = zf_error(ZF_EDATA, "'%s': subject %zu: column '%s': expected a dose >= 0, got \"%s\" (compare.dose in '%s')",
                              sub->path, i + 1, s->dose, cell, s->path);
                goto done;
            }
        }
    }
    for (size_t m = 0; m < ncols; m++) {
        if ((rc = zf_experiment_read_metric(e, cols[m].name, v, ns)) ||
            (s->nfactors && (rc = zf_stats_factorial(st, cols[m].name, (const char *const *)s->factors, s->nfactors, lev,
                                                     v, ns, opts))) ||
            (s->dose && (rc = zf_stats_dose(st, cols[m].name, s->dose, dose, v, ns, opts))))
            goto done;
        if (!s->repeated)
            continue;
        free(bv);
        free(bstart);
        bv = bstart = NULL;
        if ((rc = zf_experiment_read_binned(e, cols[m].name, &bv, &nbin, &bstart)))
            goto done;
        free(wl);
        free(wlabel);
        wlabel = NULL;
        if (!(wl = malloc((nbin + 1) * sizeof *wl)) || !(wlabel = malloc((nbin + 1) * sizeof *wlabel))) {
            rc = zf_error(ZF_ENOMEM, "out of memory");
            goto done;
        }
        for (size_t b = 0; b < nbin; b++) { /* bin starts as level names, as binned.csv's bin_start_s */
            snprintf(wlabel[b], sizeof wlabel[b], "%.15g", bstart[b]);
            wl[b] = wlabel[b];
        }
        if ((rc = zf_stats_repeated(st, cols[m].name, s->factor, s->repeated, group, bv, ns, wl, nbin, opts)))
            goto done;
    }
done:
    free(v);
    free(dose);
    free(lev);
    free(wl);
    free(wlabel);
    free(bv);
    free(bstart);
    return rc;
}

/* One endpoint's default comparisons and assumption checks, in a pool
 * thread, into a table of its own (the tables are appended in order). */
typedef struct endpoint_job {
    zf_task task;
    const char *name;
    const char *const *group;
    double *v;
    size_t ns;
    const zf_compare_opts *opts;
    zf_stat_table st;
} endpoint_job;

static int endpoint_task(void *arg)
{
    endpoint_job *j = arg;
    int rc = zf_stats_compare(&j->st, j->name, j->group, j->v, j->ns, j->opts);
    return rc ? rc : zf_stats_checks(&j->st, j->name, j->group, j->v, j->ns, j->opts);
}

/* Append the rows of src to dst. */
static int append_rows(zf_stat_table *dst, const zf_stat_table *src)
{
    if (src->n == 0)
        return ZF_OK;
    if (zf_grow((void **)&dst->rows, &dst->cap, dst->n + src->n, sizeof *dst->rows) != ZF_OK)
        return ZF_ENOMEM;
    memcpy(dst->rows + dst->n, src->rows, src->n * sizeof *src->rows);
    dst->n += src->n;
    return ZF_OK;
}

/* The default comparisons of every endpoint: metrics read here (one thread
 * reads the file), compared in the pool, rows appended in endpoint order, so
 * the table and the first error reported are those of a serial loop. */
static int compare_endpoints(zf_experiment *e, const zf_metric_column *cols, size_t ncols, const char *const *group,
                             size_t ns, const zf_compare_opts *opts, zf_stat_table *st)
{
    int rc = ZF_OK;
    zf_pool *pool = NULL;
    endpoint_job *jobs = calloc(ncols + 1, sizeof *jobs);
    size_t submitted = 0, waited = 0;
    if (!jobs || (rc = zf_pool_new(zf_jobs(), &pool)) != ZF_OK) {
        rc = jobs ? rc : zf_error(ZF_ENOMEM, "out of memory");
        goto done;
    }
    for (; submitted < ncols; submitted++) {
        endpoint_job *j = &jobs[submitted];
        if (!(j->v = malloc((ns + 1) * sizeof *j->v))) {
            rc = zf_error(ZF_ENOMEM, "out of memory");
            break;
        }
        if ((rc = zf_experiment_read_metric(e, cols[submitted].name, j->v, ns)) != ZF_OK)
            break;
        j->name = cols[submitted].name;
        j->group = group;
        j->ns = ns;
        j->opts = opts;
        j->task.fn = endpoint_task;
        j->task.arg = j;
        zf_pool_submit(pool, &j->task);
    }
    /* an earlier endpoint's failure comes first, as in a serial loop */
    char why[2048];
    snprintf(why, sizeof why, "%s", rc ? zf_errmsg() : "");
    int read_rc = rc;
    rc = ZF_OK;
    for (; waited < submitted; waited++) {
        endpoint_job *j = &jobs[waited];
        if ((rc = zf_pool_wait(pool, &j->task)) != ZF_OK || (rc = append_rows(st, &j->st)) != ZF_OK) {
            waited++;
            break;
        }
    }
    if (rc == ZF_OK && read_rc != ZF_OK)
        rc = zf_error(read_rc, "%s", why);
done:
    for (size_t q = waited; jobs && q < submitted; q++)
        zf_pool_cancel(pool, &jobs[q].task);
    zf_pool_free(pool);
    for (size_t q = 0; jobs && q <= submitted && q < ncols; q++) {
        zf_stat_table_free(&jobs[q].st);
        free(jobs[q].v);
    }
    free(jobs);
    return rc;
}

int zf_stage_stats(const zf_study *s, zf_experiment *e, const char *stats_csv)
{
    zf_metric_column *cols = NULL;
    size_t ncols = 0;
    char *excluded = NULL;
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
    if ((rc = zf_study_endpoints(s, &cols, &ncols)))
        goto done;
    /* the default comparisons with the assumption checks beside them */
    if ((rc = compare_endpoints(e, cols, ncols, group, ns, &opts, &st)) != ZF_OK)
        goto done;
    /* the designs the study declares (compare.factors, compare.dose, compare.repeated) */
    if ((rc = stage_stats_designs(s, e, sub, group, cols, ncols, &opts, &st)) != ZF_OK)
        goto done;
    if (s->family == ZF_FAMILY_STUDY && (rc = zf_stat_table_adjust_study(&st, opts.adjust)) != ZF_OK)
        goto done;
    /* subjects excluded at ingest (--keep-going) are named in every row's note */
    if (zf_experiment_get_text(e, "/provenance", "excluded", &excluded) == ZF_OK && excluded[0]) {
        size_t nx = 0;
        for (const char *q = excluded; *q; q++)
            nx += *q == '\n';
        for (size_t r = 0; r < st.n; r++) {
            size_t len = strlen(st.rows[r].note);
            snprintf(st.rows[r].note + len, sizeof st.rows[r].note - len, "%s%zu subject%s excluded at ingest",
                     len ? "; " : "", nx, nx == 1 ? "" : "s");
        }
    }
    zf_error_clear();
    if ((rc = zf_experiment_write_stats(e, &st)) != ZF_OK)
        goto done;
    if (stats_csv && (rc = zf_stat_table_write_csv(&st, stats_csv)) != ZF_OK)
        goto done;
done:
    zf_stat_table_free(&st);
    zf_table_free(sub);
    free(cols);
    free(excluded);
    free(v);
    free(group);
    return rc;
}
