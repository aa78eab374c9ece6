/* cmd_stages.c: the study subcommands (run, ingest, metrics, stats, plot): parse, load the study, call the library. */
#include "cli/cli.h"
#include "zfstress/core.h"
#include "zfstress/experiment.h"
#include "zfstress/metrics.h"
#include "zfstress/pipeline.h"
#include "zfstress/study.h"
#ifdef ZF_MPI
#include "mpi/zfmpi.h"
#endif

#include <string.h>

static void stage_usage(FILE *fp, const char *cmd, const char *what, const char *writes)
{
    fprintf(fp, "Usage: zfstress %s STUDY.yaml [--out DIR] [-q] [-v]\n\n%s\n\n", cmd, what);
    fprintf(fp, "Options:\n"
                "  -o, --out DIR   output directory (default: 'output' of the study, else results/ beside it)\n"
                "  -q, --quiet     only errors\n"
                "  -v, --verbose   progress messages (twice: debug)\n"
                "  -h, --help      this text\n\nWrites: %s\n", writes);
}

void zf_usage_run(FILE *fp)
{
    zf_run_opts d;
    zf_run_opts_default(&d);
    fprintf(fp, "Usage: zfstress run STUDY.yaml [--out DIR] [--force] [--keep-going] [--jobs N] [-q] [-v]\n\n"
                "Run every stage of the study: ingest, metrics, stats, plot. Stages whose inputs (content\n"
                "hashes), parameters and software version are unchanged since the last run are skipped.\n\n"
                "Options:\n"
                "  -o, --out DIR     output directory (default: 'output' of the study, else results/ beside it)\n"
                "  -f, --force       rerun every stage (default %s)\n"
                "  -k, --keep-going  exclude a subject whose track file is bad, report it, go on (default %s)\n"
                "  -j, --jobs N      threads for per-subject work, 0 = all cores (default %d)\n"
                "  -q, --quiet       only errors\n"
                "  -v, --verbose     progress messages (twice: debug)\n"
                "  -h, --help        this text\n\n"
                "Writes: DIR/experiment.h5, DIR/metrics.csv, DIR/binned.csv, DIR/stats.csv, DIR/figures/,\n"
                "DIR/prism/<metric>.csv (one column per group), DIR/report.html, DIR/zfstress.log\n",
            d.force ? "on" : "off", d.keep_going ? "on" : "off", d.jobs);
}
void zf_usage_ingest(FILE *fp)
{
    stage_usage(fp, "ingest", "Read the sample sheet and every track it names into one HDF5 experiment file\n"
                              "(canonical units: s, mm, y up; missing samples NaN).", "DIR/experiment.h5");
}
void zf_usage_metrics(FILE *fp)
{
    stage_usage(fp, "metrics", "Compute the metric catalogue for every subject of DIR/experiment.h5.\n"
                               "'zfstress metrics --list' prints the catalogue.",
                "/metrics and /binned in DIR/experiment.h5, DIR/metrics.csv, DIR/binned.csv");
}
void zf_usage_stats_study(FILE *fp)
{
    stage_usage(fp, "stats", "Compare every level of compare.factor with compare.control, per endpoint: mean and median\n"
                             "difference, Cohen's d and Hedges' g with BCa bootstrap 95% CIs; Welch and Student t,\n"
                             "Mann-Whitney U, permutation test; with more than two groups one-way and Welch ANOVA,\n"
                             "Kruskal-Wallis, Tukey HSD, Dunnett and Dunn; Shapiro-Wilk and Brown-Forsythe beside them.\n"
                             "Designs from the study: compare.factors (factorial ANOVA type II/III, emmeans),\n"
                             "compare.repeated: bin (split-plot ANOVA, GG/HF), compare.dose (log-logistic EC50,\n"
                             "Jonckheere). 'zfstress stats --table FILE ...' runs them on a tidy table. See docs/STATISTICS.md.",
                "/stats in DIR/experiment.h5, DIR/stats.csv");
}
void zf_usage_plot(FILE *fp)
{
    stage_usage(fp, "plot", "Draw the figures the study declares (figures: list), or by default an estimation plot and a\n"
                            "time course per endpoint, trajectories and occupancy heatmaps (PNG 300 dpi; PDF, SVG).",
                "DIR/figures/*.png (and .pdf/.svg when the study asks)");
}

typedef enum { ST_INGEST, ST_METRICS, ST_STATS, ST_PLOT, ST_RUN } stage;

#ifdef ZF_MPI
/* run on every rank of mpirun: rank 0 runs the study, the others read their
 * part of the subjects for it; only rank 0 prints, with the message of the
 * rank that failed, and every rank exits with the run's status. */
static int run_mpi(const char *cmd, const char *study_path, const char *out, const zf_run_opts *ro)
{
    zf_study study;
    zf_outputs o;
    memset(&o, 0, sizeof o);
    int rc = zf_study_load(study_path, &study), loaded = rc == ZF_OK;
    if (rc == ZF_OK)
        rc = zf_outputs_init(&o, &study, out);
    if ((rc = zf_mpi_agree(rc)) == ZF_OK)
        rc = zf_mpi_rank() == 0 ? zf_mpi_run_finish(zf_run(&study, &o, ro, zf_cli_command_line))
                                : zf_mpi_run_worker(&study, ro);
    zf_outputs_free(&o);
    if (loaded)
        zf_study_free(&study);
    if (rc)
        return zf_mpi_rank() == 0 ? zf_cli_fail(cmd, rc) : ZF_EXIT_FAIL;
    return ZF_EXIT_OK;
}
#endif

static int run_stage(const char *cmd, stage which, int argc, char **argv, void (*use)(FILE *))
{
    const char *study_path = NULL, *out = NULL;
    zf_study study;
    zf_outputs o;
    zf_experiment *e = NULL;
    zf_run_opts ropts;
    zf_run_opts_default(&ropts);
    zf_run_opts *ro = which == ST_RUN ? &ropts : NULL;
    int rc = zf_cli_stage_args(cmd, argc, argv, &study_path, &out, ro, use);
    if (rc)
        return rc;
#ifdef ZF_MPI
    if (which == ST_RUN && zf_mpi_active())
        return run_mpi(cmd, study_path, out, ro);
#endif
    memset(&o, 0, sizeof o);
    if ((rc = zf_study_load(study_path, &study)) != ZF_OK)
        return zf_cli_fail(cmd, rc);
    if ((rc = zf_outputs_init(&o, &study, out)) != ZF_OK)
        goto done;
    switch (which) {
    case ST_RUN:
        rc = zf_run(&study, &o, ro, zf_cli_command_line);
        break;
    case ST_INGEST:
        if ((rc = zf_mkdir_p(o.dir)) || (rc = zf_experiment_create(o.experiment, &e)))
            break;
        if ((rc = zf_stage_ingest(&study, e, zf_cli_command_line, 0)) == ZF_OK)
            rc = zf_experiment_commit(e);
        else
            zf_experiment_close(e);
        e = NULL;
        break;
    case ST_METRICS:
    case ST_STATS:
        if ((rc = zf_experiment_open(o.experiment, 1, &e)))
            break;
        rc = which == ST_METRICS ? zf_stage_metrics(&study, e, o.metrics_csv, o.binned_csv)
                                 : zf_stage_stats(&study, e, o.stats_csv);
        if (rc == ZF_OK)
            rc = zf_experiment_commit(e);
        else
            zf_experiment_close(e);
        e = NULL;
        break;
    case ST_PLOT:
        if ((rc = zf_experiment_open(o.experiment, 0, &e)))
            break;
        rc = zf_stage_plot(&study, e, o.figures);
        zf_experiment_close(e);
        e = NULL;
        break;
    }
done:
    zf_outputs_free(&o);
    zf_study_free(&study);
    if (rc)
        return zf_cli_fail(cmd, rc);
    return ZF_EXIT_OK;
}

int zf_cmd_run(int argc, char **argv) { return run_stage("run", ST_RUN, argc, argv, zf_usage_run); }
int zf_cmd_ingest(int argc, char **argv) { return run_stage("ingest", ST_INGEST, argc, argv, zf_usage_ingest); }
int zf_cmd_stats_study(int argc, char **argv) { return run_stage("stats", ST_STATS, argc, argv, zf_usage_stats); }
int zf_cmd_plot(int argc, char **argv) { return run_stage("plot", ST_PLOT, argc, argv, zf_usage_plot); }

int zf_cmd_metrics(int argc, char **argv)
{
    int list = 0, markdown = 0, rc;
    for (int i = 1; i < argc; i++) {
        list |= strcmp(argv[i], "--list") == 0;
        markdown |= strcmp(argv[i], "--markdown") == 0;
    }
    if (!list && !markdown)
        return run_stage("metrics", ST_METRICS, argc, argv, zf_usage_metrics);
    /* the catalogue: a tab-separated table, or the Markdown of docs/METRICS.md */
    if (argc != 1 + list + markdown)
        return zf_cli_usage_error("metrics", "--list [--markdown] takes no study file or other option");
    rc = markdown ? zf_metrics_write_markdown(stdout) : zf_metrics_write_list(stdout);
    return rc ? zf_cli_fail("metrics", rc) : ZF_EXIT_OK;
}

void zf_usage_info(FILE *fp)
{
    fputs("Usage: zfstress info EXPERIMENT.h5\n\n"
          "Print the schema, subjects, samples, missing positions, durations, groups and metrics\n"
          "of an experiment file, one 'key<TAB>value' line each.\n", fp);
}

int zf_cmd_info(int argc, char **argv)
{
    if (argc == 2 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)) {
        zf_usage_info(stdout);
        return ZF_EXIT_OK;
    }
    if (argc == 1) {
        zf_usage_info(stderr);
        return ZF_EXIT_USAGE;
    }
    if (argc != 2 || argv[1][0] == '-')
        return zf_cli_usage_error("info", "expected one experiment file");
    int rc = zf_experiment_info(argv[1], stdout);
    return rc ? zf_cli_fail("info", rc) : ZF_EXIT_OK;
}
