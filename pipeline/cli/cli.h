/* cli.h: what the subcommand files share: the dispatch signature and error reporting. */
#ifndef ZF_CLI_H
#define ZF_CLI_H

#include <stdio.h>

#include "zfstress/pipeline.h"

/* Exit codes: documented in README.md and stable. */
enum { ZF_EXIT_OK = 0, ZF_EXIT_FAIL = 1, ZF_EXIT_USAGE = 2 };

typedef struct zf_command {
    const char *name;
    int (*run)(int argc, char **argv);
    void (*usage)(FILE *fp);
    const char *summary;
} zf_command;

/* The command line joined by spaces, recorded as provenance. */
extern const char *zf_cli_command_line;

/* Print "zfstress CMD: <library message or zf_strerror>" and return ZF_EXIT_FAIL. */
int zf_cli_fail(const char *cmd, int status);
/* Print "zfstress CMD: msg" + "Try 'zfstress help CMD'." and return ZF_EXIT_USAGE. */
int zf_cli_usage_error(const char *cmd, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;

/* Parse the options every stage shares: STUDY [--out DIR] [-q] [-v], and with
 * ro (run only) --force, --keep-going, --jobs N. Returns 0 and sets *study /
 * *out, -1 after printing asked-for help, or an exit code. */
int zf_cli_stage_args(const char *cmd, int argc, char **argv, const char **study, const char **out,
                      zf_run_opts *ro, void (*usage)(FILE *));

#define ZF_DECLARE_COMMAND(name) \
    int zf_cmd_##name(int argc, char **argv); \
    void zf_usage_##name(FILE *fp)

ZF_DECLARE_COMMAND(simulate);
ZF_DECLARE_COMMAND(ingest);
ZF_DECLARE_COMMAND(metrics);
ZF_DECLARE_COMMAND(stats);
ZF_DECLARE_COMMAND(plot);
ZF_DECLARE_COMMAND(run);
ZF_DECLARE_COMMAND(info);
ZF_DECLARE_COMMAND(formats);
ZF_DECLARE_COMMAND(check);
ZF_DECLARE_COMMAND(reproduce);
ZF_DECLARE_COMMAND(verify);

/* 'zfstress stats STUDY.yaml': the study form of the stats command (cmd_stages.c);
 * cmd_stats.c adds the tidy-table form and dispatches. */
ZF_DECLARE_COMMAND(stats_study);

#endif
