/* run.c: the whole-study runner: incremental stages keyed by content hashes, the log file, Prism tables. */
#include "zfstress/core.h"
#include "zfstress/experiment.h"
#include "zfstress/metrics.h"
#include "zfstress/pipeline.h"
#include "zfstress/plot.h"
#include "zfstress/table.h"

#include "core/hashmemo.h"
#include "core/pool.h"
#include "store/experiment_internal.h"
#include "study/study_internal.h"

#include <dirent.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

void zf_run_opts_default(zf_run_opts *r)
{
    memset(r, 0, sizeof *r);
}

/* A growing text buffer for the canonical descriptions that keys hash. */
typedef struct sbuf {
    char *s;
    size_t n, cap;
    int oom;
} sbuf;

static void sb_add(sbuf *b, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;
static void sb_add(sbuf *b, const char *fmt, ...)
{
    va_list ap;
    for (;;) {
        size_t room = b->cap - b->n;
        va_start(ap, fmt);
        int w = b->s ? vsnprintf(b->s + b->n, room, fmt, ap) : -1;
        va_end(ap);
        if (w >= 0 && (size_t)w < room) {
            b->n += (size_t)w;
            return;
        }
        size_t cap = b->cap ? 2 * b->cap : 4096;
        while (w >= 0 && cap < b->n + (size_t)w + 1)
            cap *= 2;
        char *p = realloc(b->s, cap);
        if (!p) {
            b->oom = 1;
            return;
        }
        b->s = p;
        b->cap = cap;
    }
}

static int exists(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0;
}

/* The ingest key: software version, every setting that changes what ingest
 * reads, the sample sheet's bytes and every track file's bytes. Empty when an
 * input cannot be hashed: the stage then runs and reports the problem. */
/* One track file's SHA-256, hashed by a pool thread. */
typedef struct hash_job {
    zf_task task;
    char *path;
    char sha[65];
} hash_job;

static int hash_task(void *arg)
{
    hash_job *j = arg;
    if (zf_sha256_memo_lookup(j->path, j->sha)) /* ingest hashed it as it read it (a first run) */
        return ZF_OK;
    return zf_sha256_file_memo(j->path, j->sha); /* ingest takes it from the memo */
}

static void ingest_key(const zf_study *s, char key[65])
{
    sbuf b = {0};
    zf_table *t = NULL;
    char *dir = NULL, sha[65];
    zf_pool *pool = NULL;
    hash_job *jobs = NULL;
    size_t window = 0, submitted = 0, waited = 0;
    key[0] = '\0';
    sb_add(&b, "zfstress %s ingest\nformat=%s time=%s x=%s y=%s units=%d px=%.17g y_axis=%d fps=%.17g "
               "ox=%.17g oy=%.17g toff=%.17g bodypart=%s lik=%.17g dec=%d height=%.17g factor=%s control=%s\n",
           ZF_VERSION, s->format, s->col_time, s->col_x, s->col_y, s->units, s->px_per_mm, s->y_axis, s->fps,
           s->origin_x, s->origin_y, s->time_offset_s, s->bodypart ? s->bodypart : "", s->min_likelihood,
           s->decimal_comma, s->arena.height_mm, s->factor, s->control);
    if (zf_sha256_file(s->samples, sha) != ZF_OK || zf_table_read(s->samples, &t) != ZF_OK)
        goto done;
    sb_add(&b, "sheet %s\n", sha);
    int cf = zf_table_col(t, "file");
    if (cf < 0 || !(dir = zf_path_dir(s->samples)))
        goto done;
    /* the files are hashed by the run's threads, a few ahead, and added in sheet order */
    window = 2 * (size_t)zf_jobs();
    if (zf_pool_new(zf_jobs(), &pool) != ZF_OK || !(jobs = calloc(window, sizeof *jobs)))
        goto done;
    for (size_t r = 0; r < t->nrow; r++) {
        for (; submitted < t->nrow && submitted < r + window; submitted++) {
            hash_job *j = &jobs[submitted % window];
            if (!(j->path = zf_path_join(dir, zf_table_cell(t, submitted, (size_t)cf))))
                goto done;
            j->task.fn = hash_task;
            j->task.arg = j;
            zf_pool_submit(pool, &j->task);
        }
        hash_job *j = &jobs[r % window];
        int rc = zf_pool_wait(pool, &j->task);
        waited++;
        free(j->path);
        j->path = NULL;
        if (rc != ZF_OK)
            goto done;
        sb_add(&b, "%s\n", j->sha);
    }
    if (!b.oom)
        zf_sha256_mem(b.s, b.n, key);
done:
    for (size_t q = waited; jobs && q < submitted; q++) {
        zf_pool_cancel(pool, &jobs[q % window].task);
        free(jobs[q % window].path);
    }
    zf_pool_free(pool);
    free(jobs);
    zf_error_clear();
    free(dir);
    free(b.s);
    zf_table_free(t);
}

/* key of a later stage: the previous key and the settings it reads (the study
 * text, so any edit reruns it; figures are keyed again per file by the plot stage) */
static void chain_key(const char *prev, const char *stage, const char *text, char key[65])
{
    sbuf b = {0};
    sb_add(&b, "zfstress %s %s\n%s\n%s", ZF_VERSION, stage, prev, text);
    if (b.oom || !prev[0])
        key[0] = '\0';
    else
        zf_sha256_mem(b.s, b.n, key);
    free(b.s);
}

static void old_key(zf_experiment *e, const char *name, char key[65])
{
    char *v = NULL;
    key[0] = '\0';
    if (e && zf_experiment_get_text(e, "/provenance", name, &v) == ZF_OK && strlen(v) == 64)
        memcpy(key, v, 65);
    free(v);
    zf_error_clear();
}

/* prism/<metric>.csv: one column per group, one fish per row, the layout
 * GraphPad Prism's column tables take. */
static int write_prism(const zf_study *s, zf_experiment *e, const char *dir)
{
    int rc = ZF_OK;
    zf_table *sub = NULL;
    size_t ns = zf_experiment_nsubjects(e);
    double *v = malloc((ns + 1) * sizeof *v);
    const char **lev = malloc((ns + 1) * sizeof *lev);
    size_t *count = calloc(ns + 1, sizeof *count);
    char *path = NULL;
    zf_outfile out = {0};
    zf_metric_column *cols = NULL;
    size_t ncols = 0;
    if (!v || !lev || !count) {
        rc = zf_error(ZF_ENOMEM, "out of memory");
        goto done;
    }
    if ((rc = zf_experiment_read_subjects(e, &sub)) || (rc = zf_mkdir_p(dir)))
        goto done;
    int cg = zf_table_col(sub, s->factor);
    if (cg < 0)
        goto done;
    size_t nl = 0, maxn = 0;
    lev[nl++] = s->control;
    for (size_t i = 0; i < ns; i++) {
        const char *g = zf_table_cell(sub, i, (size_t)cg);
        size_t k;
        for (k = 0; k < nl && strcmp(lev[k], g) != 0; k++)
            ;
        if (k == nl)
            lev[nl++] = g;
        if (++count[k] > maxn)
            maxn = count[k];
    }
    if ((rc = zf_study_endpoints(s, &cols, &ncols)))
        goto done;
    for (size_t m = 0; m < ncols; m++) {
        if ((rc = zf_experiment_read_metric(e, cols[m].name, v, ns)))
            goto done;
        char name[160];
        snprintf(name, sizeof name, "%s.csv", cols[m].name);
        free(path);
        if (!(path = zf_path_join(dir, name))) {
            rc = ZF_ENOMEM;
            goto done;
        }
        if ((rc = zf_file_open_atomic(path, &out)))
            goto done;
        int bad = 0;
        for (size_t k = 0; k < nl; k++)
            bad |= fprintf(out.fp, "%s%s", k ? "," : "", lev[k]) < 0;
        bad |= fputc('\n', out.fp) == EOF;
        /* row j holds the j-th fish of each group */
        for (size_t j = 0; j < maxn; j++) {
            for (size_t k = 0; k < nl; k++) {
                size_t seen = 0;
                double val = NAN;
                for (size_t i = 0; i < ns; i++)
                    if (strcmp(zf_table_cell(sub, i, (size_t)cg), lev[k]) == 0 && seen++ == j) {
                        val = v[i];
                        break;
                    }
                if (k)
                    bad |= fputc(',', out.fp) == EOF;
                if (!isnan(val))
                    bad |= fprintf(out.fp, "%.15g", val) < 0;
            }
            bad |= fputc('\n', out.fp) == EOF;
        }
        if (bad) {
            rc = zf_error(ZF_EIO, "'%s': write failed (disk full?)", out.tmp);
            goto done;
        }
        if ((rc = zf_file_commit(&out)))
            goto done;
    }
done:
    zf_file_abort(&out);
    zf_table_free(sub);
    free(cols);
    free(v);
    free(lev);
    free(count);
    free(path);
    return rc;
}

static int name_cmp(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

/* Add "name sha256" of every regular file of dir (sorted) to b; 0 when dir is unreadable. */
static int digest_dir(sbuf *b, const char *dir)
{
    DIR *d = opendir(dir);
    char **names = NULL, sha[65];
    size_t n = 0, cap = 0;
    int ok = d != NULL;
    struct dirent *de;
    while (ok && (de = readdir(d)) != NULL) {
        if (de->d_name[0] == '.')
            continue;
        if (n == cap) {
            cap = cap ? 2 * cap : 64;
            char **nn = realloc(names, cap * sizeof *nn);
            if (!nn) {
                ok = 0;
                break;
            }
            names = nn;
        }
        if (!(names[n] = zf_strdup(de->d_name))) {
            ok = 0;
            break;
        }
        n++;
    }
    if (ok && n)
        qsort(names, n, sizeof *names, name_cmp);
    for (size_t i = 0; ok && i < n; i++) {
        char *p = zf_path_join(dir, names[i]);
        ok = p && zf_sha256_file(p, sha) == ZF_OK;
        if (ok)
            sb_add(b, "%s %s\n", names[i], sha);
        free(p);
    }
    for (size_t i = 0; i < n; i++)
        free(names[i]);
    free(names);
    if (d)
        closedir(d);
    return ok;
}

/* One SHA-256 over every output but the experiment file and the log, so that a
 * run interrupted between writing its tables and committing the experiment is
 * seen as stale by the next run. Empty when an output is missing. */
static void outputs_digest(const zf_outputs *o, char key[65])
{
    sbuf b = {0};
    const char *files[] = {o->metrics_csv, o->binned_csv, o->stats_csv, o->report};
    char sha[65];
    int ok = 1;
    key[0] = '\0';
    for (size_t i = 0; ok && i < sizeof files / sizeof files[0]; i++) {
        ok = zf_sha256_file(files[i], sha) == ZF_OK;
        if (ok)
            sb_add(&b, "%s\n", sha);
    }
    ok = ok && digest_dir(&b, o->figures) && digest_dir(&b, o->prism);
    if (ok && !b.oom)
        zf_sha256_mem(b.s, b.n, key);
    zf_error_clear();
    free(b.s);
}

/* The keys of the stages after ingest, chained from the ingest key. */
static int later_keys(const zf_study *s, const char *k_ing, char k_met[65], char k_sta[65], char k_out[65])
{
    /* metrics and stats are keyed by the settings they read, so that editing a
     * figure reruns neither; the outputs (report, Prism tables) by the whole study */
    {
        char *params = malloc(1 << 16);
        sbuf cmp = {0};
        if (!params)
            return zf_error(ZF_ENOMEM, "out of memory");
        size_t half = 1 << 15;
        if (zf_metric_params_text(&s->metrics, NULL, params, half) != ZF_OK ||
            zf_arena_text(&s->arena, &s->metrics, params + strlen(params) + 1, half) != ZF_OK) {
            snprintf(params, 1 << 16, "%s", s->text); /* too long to spell out: key by the whole study */
            zf_error_clear();
        } else {
            params[strlen(params)] = ' '; /* join the two texts */
        }
        chain_key(k_ing, "metrics", params, k_met);
        free(params);
        sb_add(&cmp, "factor=%s control=%s adjust=%s nboot=%zu seed=%lu repeated=%s dose=%s family=%d factors=",
               s->factor, s->control, s->adjust, s->nboot, s->seed, s->repeated ? s->repeated : "",
               s->dose ? s->dose : "", s->family);
        for (size_t f = 0; f < s->nfactors; f++)
            sb_add(&cmp, "%s,", s->factors[f]);
        chain_key(k_met, "stats", cmp.oom ? s->text : cmp.s, k_sta);
        free(cmp.s);
    }
    chain_key(k_sta, "outputs", s->text, k_out);
    return ZF_OK;
}

int zf_run(const zf_study *s, const zf_outputs *o, const zf_run_opts *ro, const char *command)
{
    int rc;
    zf_experiment *e = NULL, *old = NULL;
    FILE *log = NULL;
    char *old_figs = NULL, *new_figs = NULL;
    char k_ing[65], k_met[65], k_sta[65], k_out[65];
    char o_ing[65] = "", o_met[65] = "", o_sta[65] = "", o_out[65] = "", o_dig[65] = "", dig[65];

    if ((rc = zf_mkdir_p(o->dir)))
        return rc;
    zf_jobs_set(ro->jobs); /* threads of the per-subject stages */
    zf_outfiles_defer(1);  /* the outputs are fsync'd and renamed together (zf_outfiles_flush) */
    if ((log = fopen(o->log, "a")) != NULL) {
        zf_log_set_file(log);
        fprintf(log, "== %s\n", command ? command : "zfstress run");
    }
    /* a first run (or --force) ingests whatever the key says: the inputs are
     * hashed while ingest reads them, and the key is taken after it */
    int first = ro->force || !exists(o->experiment);
    k_ing[0] = '\0';
    if (!first)
        ingest_key(s, k_ing);
    if ((rc = later_keys(s, k_ing, k_met, k_sta, k_out)))
        goto done;
    if (exists(o->experiment) && zf_experiment_open(o->experiment, 0, &old) == ZF_OK) {
        old_key(old, "key_ingest", o_ing);
        old_key(old, "key_metrics", o_met);
        old_key(old, "key_stats", o_sta);
        old_key(old, "key_outputs", o_out);
        old_key(old, "outputs_sha256", o_dig);
        if (!ro->force && zf_experiment_get_text(old, "/provenance", "figure_keys", &old_figs) != ZF_OK)
            old_figs = NULL;
        zf_experiment_close(old);
        old = NULL;
    }
    zf_error_clear();
    int need_ing = ro->force || !k_ing[0] || strcmp(k_ing, o_ing) != 0;
    int need_met = need_ing || strcmp(k_met, o_met) != 0 || !exists(o->metrics_csv) || !exists(o->binned_csv);
    if (!need_met) {
        /* tables or figures not the ones this experiment recorded (edited, or a run stopped before its commit) */
        outputs_digest(o, dig);
        need_met = !dig[0] || strcmp(dig, o_dig) != 0;
    }
    int need_sta = need_met || strcmp(k_sta, o_sta) != 0 || !exists(o->stats_csv);
    int need_out = need_sta || strcmp(k_out, o_out) != 0 || !exists(o->figures) || !exists(o->prism) ||
                   !exists(o->report);
    if (!need_out) {
        zf_log(ZF_LOG_WARN, "run: '%s' is up to date: inputs, parameters and software unchanged, nothing to do "
                            "(--force reruns every stage)", o->dir);
        goto done;
    }
    if (need_ing) {
        zf_log(ZF_LOG_INFO, "run: ingest");
        if ((rc = zf_experiment_create(o->experiment, &e)))
            goto done;
        zf_experiment_want_metrics(e, 1); /* the metrics stage follows: ingest computes them on the way */
        if ((rc = zf_stage_ingest(s, e, command, ro->keep_going)))
            goto done;
        if (first) {
            ingest_key(s, k_ing); /* from the memo: ingest hashed the files as it read them */
            if ((rc = later_keys(s, k_ing, k_met, k_sta, k_out)))
                goto done;
        }
    } else {
        zf_log(ZF_LOG_INFO, "run: ingest up to date, reusing '%s'", o->experiment);
        if ((rc = zf_experiment_open(o->experiment, 1, &e)))
            goto done;
    }
    if (need_met) {
        zf_log(ZF_LOG_INFO, "run: metrics");
        if ((rc = zf_stage_metrics(s, e, o->metrics_csv, o->binned_csv)))
            goto done;
    }
    if (need_sta) {
        zf_log(ZF_LOG_INFO, "run: stats");
        if ((rc = zf_stage_stats(s, e, o->stats_csv)))
            goto done;
    }
    zf_log(ZF_LOG_INFO, "run: plot");
    if ((rc = zf_plot_study_incremental(s, e, o->figures, k_sta, old_figs, &new_figs)) ||
        (rc = zf_experiment_set_text(e, "/provenance", "figure_keys", new_figs)) || (rc = write_prism(s, e, o->prism)) ||
        (rc = zf_outfiles_flush()) || (rc = zf_write_report(s, e, o)) || (rc = zf_outfiles_defer(0)))
        goto done;
    /* the experiment is committed last and records what it was committed with */
    outputs_digest(o, dig);
    if ((rc = zf_experiment_set_text(e, "/provenance", "outputs_sha256", dig)) ||
        (rc = zf_experiment_set_text(e, "/provenance", "key_ingest", k_ing)) ||
        (rc = zf_experiment_set_text(e, "/provenance", "key_metrics", k_met)) ||
        (rc = zf_experiment_set_text(e, "/provenance", "key_stats", k_sta)) ||
        (rc = zf_experiment_set_text(e, "/provenance", "key_outputs", k_out)))
        goto done;
    rc = zf_experiment_commit(e);
    e = NULL;
done:
    if (rc == ZF_OK) {
        rc = zf_outfiles_defer(0);
    } else { /* the outputs finished before the failure go in place, as they did one by one */
        char why[2048];
        snprintf(why, sizeof why, "%s", zf_errmsg());
        if (zf_outfiles_defer(0) != ZF_OK)
            zf_error(rc, "%s", why);
    }
    free(old_figs);
    free(new_figs);
    zf_experiment_close(e);
    if (log) {
        if (rc)
            fprintf(log, "error: %s\n", zf_errmsg());
        zf_log_set_file(NULL);
        fclose(log);
    }
    return rc;
}
