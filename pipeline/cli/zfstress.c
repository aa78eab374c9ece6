/* zfstress.c: the program entry: dispatch table, top-level usage, help and shared option parsing. */
#include "cli/cli.h"
#include "zfstress/core.h"
#ifdef ZF_MPI
#include "mpi/zfmpi.h"
#endif

#include <getopt.h>
#if defined(__GLIBC__)
#include <malloc.h>
#endif
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

const char *zf_cli_command_line = "";

static const zf_command commands[] = {
    {"run", zf_cmd_run, zf_usage_run, "run every stage of a study: ingest, metrics, stats, plot"},
    {"check", zf_cmd_check, zf_usage_check, "validate a study and every input file without writing anything"},
    {"ingest", zf_cmd_ingest, zf_usage_ingest, "read the sample sheet and every track into experiment.h5"},
    {"metrics", zf_cmd_metrics, zf_usage_metrics, "compute the stress endpoints of every fish (--list: the catalogue)"},
    {"stats", zf_cmd_stats, zf_usage_stats, "compare groups: estimation (bootstrap CIs) and classic tests (t, U, ANOVA, post hoc)"},
    {"plot", zf_cmd_plot, zf_usage_plot, "draw one box + swarm figure per endpoint"},
    {"info", zf_cmd_info, zf_usage_info, "summarise an experiment file: subjects, samples, duration, groups"},
    {"reproduce", zf_cmd_reproduce, zf_usage_reproduce, "rerun an analysis from an experiment file's provenance and compare"},
    {"verify", zf_cmd_verify, zf_usage_verify, "check an experiment file: schema, shapes and every checksum"},
    {"formats", zf_cmd_formats, zf_usage_formats, "list the track-file readers and what each needs from the study"},
    {"simulate", zf_cmd_simulate, zf_usage_simulate, "write a synthetic ketamine dose study (generic CSV layout)"},
};
#define NCOMMANDS (sizeof commands / sizeof commands[0])

static void usage(FILE *fp)
{
    fprintf(fp, "zfstress %s: batch analysis of zebrafish stress studies\n\n", ZF_VERSION);
    fputs("Usage: zfstress <command> [options]\n\nCommands:\n", fp);
    for (size_t i = 0; i < NCOMMANDS; i++)
        fprintf(fp, "  %-10s %s\n", commands[i].name, commands[i].summary);
    fputs("  help       show the usage of a command: zfstress help CMD\n\n"
          "Options: --version, --help. Each command takes -q (quiet) and -v (verbose).\n"
          "Exit status: 0 success, 1 data or runtime error, 2 usage error.\n", fp);
}

static const zf_command *find(const char *name)
{
    for (size_t i = 0; i < NCOMMANDS; i++)
        if (strcmp(commands[i].name, name) == 0)
            return &commands[i];
    return NULL;
}

int zf_cli_fail(const char *cmd, int status)
{
    const char *msg = zf_errmsg();
    fprintf(stderr, "zfstress %s: %s\n", cmd, msg[0] ? msg : zf_strerror(status));
    return ZF_EXIT_FAIL;
}

int zf_cli_usage_error(const char *cmd, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "zfstress %s: ", cmd);
    vfprintf(stderr, fmt, ap);
    fprintf(stderr, "\nTry 'zfstress help %s'.\n", cmd);
    va_end(ap);
    return ZF_EXIT_USAGE;
}

int zf_cli_stage_args(const char *cmd, int argc, char **argv, const char **study, const char **out,
                      zf_run_opts *ro, void (*use)(FILE *))
{
    static const struct option longopts[] = {
        {"out", required_argument, NULL, 'o'}, {"help", no_argument, NULL, 'h'},
        {"quiet", no_argument, NULL, 'q'}, {"verbose", no_argument, NULL, 'v'},
        {"force", no_argument, NULL, 'f'}, {"keep-going", no_argument, NULL, 'k'},
        {"jobs", required_argument, NULL, 'j'}, {NULL, 0, NULL, 0},
    };
    int c;
    *out = NULL;
    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, ro ? "o:hqvfkj:" : "o:hqv", longopts, NULL)) != -1) {
        if (!ro && (c == 'f' || c == 'k' || c == 'j'))
            return zf_cli_usage_error(cmd, "option '%s' is for 'zfstress run'", argv[optind - 1]);
        switch (c) {
        case 'o': *out = optarg; break;
        case 'f': ro->force = 1; break;
        case 'k': ro->keep_going = 1; break;
        case 'j': {
            char *end = NULL;
            long j = strtol(optarg, &end, 10);
            if (!optarg[0] || *end || j < 0 || j > 4096)
                return zf_cli_usage_error(cmd, "--jobs: expected a number of threads from 0 (all cores) to 4096, got \"%s\"", optarg);
            ro->jobs = (int)j;
            break;
        }
        case 'h': use(stdout); return -1;
        case 'q': zf_log_set_level(ZF_LOG_ERROR); break;
        case 'v': zf_log_set_level(zf_log_get_level() + 1); break;
        default:
            return zf_cli_usage_error(cmd, "unknown option or missing value: '%s'", argv[optind - 1]);
        }
    }
    if (argc - optind != 1) {
        if (argc == 1) {
            use(stderr);
            return ZF_EXIT_USAGE;
        }
        return zf_cli_usage_error(cmd, "expected one study file, got %d arguments", argc - optind);
    }
    *study = argv[optind];
    return 0;
}

static char *join_args(int argc, char **argv)
{
    size_t n = 1;
    for (int i = 0; i < argc; i++)
        n += strlen(argv[i]) + 1;
    char *s = malloc(n);
    if (!s)
        return NULL;
    size_t o = 0;
    for (int i = 0; i < argc; i++) {
        size_t l = strlen(argv[i]);
        memcpy(s + o, argv[i], l);
        o += l;
        s[o++] = i + 1 < argc ? ' ' : '\0';
    }
    if (!argc)
        s[0] = '\0';
    return s;
}

static int finish(int code)
{
    if (fflush(stdout) != 0 || ferror(stdout) || fclose(stdout) != 0) {
        fputs("zfstress: cannot write to standard output\n", stderr);
        return ZF_EXIT_FAIL;
    }
    return code;
}

int main(int argc, char **argv)
{
#if defined(__GLIBC__)
    /* Track arrays (a few MB per fish) are allocated and freed once per file:
     * kept in the heap instead of being mapped and unmapped each time, their
     * pages are not faulted in and zeroed again for every fish (8 % of the
     * wall time of 'zfstress run' on cohort-L, for about 12 MB more peak memory). */
    mallopt(M_MMAP_THRESHOLD, 64 << 20);
    mallopt(M_TRIM_THRESHOLD, 256 << 20);
#endif
    zf_init();
    if (argc < 2) {
        usage(stderr);
        return ZF_EXIT_USAGE;
    }
    const char *name = argv[1];
    if (strcmp(name, "--version") == 0 || strcmp(name, "version") == 0) {
        char v[512];
        zf_versions(v, sizeof v);
        printf("%s\n", v);
        return finish(ZF_EXIT_OK);
    }
    if (strcmp(name, "--help") == 0 || strcmp(name, "-h") == 0) {
        usage(stdout);
        return finish(ZF_EXIT_OK);
    }
    if (strcmp(name, "help") == 0) {
        if (argc == 2) {
            usage(stdout);
            return finish(ZF_EXIT_OK);
        }
        const zf_command *c = find(argv[2]);
        if (!c) {
            fprintf(stderr, "zfstress help: unknown command '%s'\n", argv[2]);
            usage(stderr);
            return ZF_EXIT_USAGE;
        }
        c->usage(stdout);
        return finish(ZF_EXIT_OK);
    }
    const zf_command *c = find(name);
    if (!c) {
        fprintf(stderr, "zfstress: unknown command '%s'\n", name);
        usage(stderr);
        return ZF_EXIT_USAGE;
    }
    char *line = join_args(argc, argv);
    zf_cli_command_line = line ? line : "";
#ifdef ZF_MPI
    /* only run is spread over ranks; under mpirun or srun its ranks start MPI */
    if (strcmp(c->name, "run") == 0)
        zf_mpi_init(&argc, &argv);
#endif
    int code = c->run(argc - 1, argv + 1);
    free(line);
#ifdef ZF_MPI
    code = finish(code < 0 ? ZF_EXIT_OK : code);
    zf_mpi_finalize();
    return code;
#else
    return finish(code < 0 ? ZF_EXIT_OK : code);
#endif
}
