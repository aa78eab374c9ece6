/* pipeline.h: the stages of a study (ingest, metrics, stats, plot) and the runner that chains them. */
#ifndef ZFSTRESS_PIPELINE_H
#define ZFSTRESS_PIPELINE_H

#include <stddef.h>

#include "zfstress/experiment.h"
#include "zfstress/study.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Output files of a study, all under one directory. Paths are malloc'd. */
typedef struct zf_outputs {
    char *dir;
    char *experiment;   /* dir/experiment.h5 */
    char *metrics_csv;  /* dir/metrics.csv */
    char *binned_csv;   /* dir/binned.csv */
    char *stats_csv;    /* dir/stats.csv */
    char *figures;      /* dir/figures */
    char *prism;        /* dir/prism: one CSV per metric, one column per group */
    char *report;       /* dir/report.html */
    char *log;          /* dir/zfstress.log */
} zf_outputs;

/* dir NULL: the study's output directory. */
int zf_outputs_init(zf_outputs *o, const zf_study *s, const char *dir);
void zf_outputs_free(zf_outputs *o);

/* Read the sample sheet and every track named in it into e (fresh file).
 * command is recorded in /provenance. keep_going: a track file that cannot be
 * read is reported and its subject excluded (listed in /provenance 'excluded')
 * instead of stopping the stage. */
int zf_stage_ingest(const zf_study *s, zf_experiment *e, const char *command, int keep_going);
/* Compute the catalogue for every subject of e: /metrics, /binned, and the
 * CSV tables metrics.csv (one row per subject) and binned.csv (tidy, one row
 * per subject and bin); CSVs are written atomically. */
int zf_stage_metrics(const zf_study *s, zf_experiment *e, const char *metrics_csv, const char *binned_csv);
/* Compare every endpoint between the levels of the study's factor and its
 * control: /stats and stats.csv. */
int zf_stage_stats(const zf_study *s, zf_experiment *e, const char *stats_csv);
/* One box + swarm figure per endpoint into figdir/<metric>.png. */
int zf_stage_plot(const zf_study *s, zf_experiment *e, const char *figdir);

/* How a run behaves. */
typedef struct zf_run_opts {
    int force;       /* rerun every stage even when its inputs did not change */
    int keep_going;  /* exclude subjects whose track file is bad instead of stopping */
    int jobs;        /* threads for per-subject work; 0: the number of cores */
} zf_run_opts;
void zf_run_opts_default(zf_run_opts *r);

/* Every stage in order into o->dir, incrementally: a stage reruns only when
 * its inputs (content hashes), parameters or the software version changed;
 * otherwise it says so and does no work. One experiment file committed once,
 * the tables and figures each written atomically, a log in o->dir/zfstress.log. */
int zf_run(const zf_study *s, const zf_outputs *o, const zf_run_opts *ro, const char *command);

/* Write o->report: one self-contained HTML page (figures embedded) with the
 * study, design, parameters, tracking QC, metrics, statistics and provenance. */
int zf_write_report(const zf_study *s, zf_experiment *e, const zf_outputs *o);

/* Validate the study and every input it names (files exist and are readable,
 * formats detected, columns and numbers parse) without writing anything; one
 * line per problem to fp (FILE *), all problems at once. *nproblems is set. */
int zf_study_check(const char *study_path, void *fp, size_t *nproblems);

/* Rerun the analysis recorded in an experiment file's provenance (its study
 * text, with paths relative to the recorded study directory) into outdir
 * (NULL: a new temporary directory), compare every metric and statistic with
 * the recorded ones and report to fp (FILE *). *match = 1 when the inputs
 * and all numbers are identical. */
int zf_reproduce(const char *experiment, const char *outdir, void *fp, int *match);

/* Print subjects, samples, duration and groups of an experiment file to fp. */
int zf_experiment_info(const char *path, void *fp /* FILE * */);

#ifdef __cplusplus
}
#endif
#endif
