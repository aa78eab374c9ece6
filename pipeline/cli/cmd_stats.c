/* cmd_stats.c: 'zfstress stats': group comparisons from a study's experiment file, or from a tidy CSV with --table. */
#include "cli/cli.h"
#include "zfstress/core.h"
#include "zfstress/stats.h"

#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define DEFAULT_FACTOR "group"

void zf_usage_stats(FILE *fp)
{
    zf_compare_opts d;
    zf_compare_opts_default(&d);
    zf_usage_stats_study(fp);
    fprintf(fp,
            "\nUsage: zfstress stats --table METRICS.csv --out STATS.csv [options]\n\n"
            "Compare the groups of a tidy CSV (one row per animal: a factor column and metric\n"
            "columns, e.g. from another tool) and write the tidy results table.\n\n"
            "Options:\n"
            "  --table FILE         the tidy CSV (delimiter detected)\n"
            "  -o, --out FILE       results CSV to write (required)\n"
            "  --factor NAME        column holding the groups (default: %s)\n"
            "  --control LEVEL      control level of the factor (default: %s)\n"
            "  --metrics A,B        columns to compare (default: every numeric column except the\n"
            "                       factor and an id column named subject or id)\n"
            "  --adjust METHOD      p-value correction across contrasts: holm, hochberg, bonferroni,\n"
            "                       sidak, holm-sidak, BH, BY, none (default: %s)\n"
            "  --seed K             seed of the bootstrap and the permutations (default: %lu)\n"
            "  --bootstrap N        bootstrap resamples for the BCa CIs (default: %zu)\n"
            "  --permutations N     random splits of the permutation test (default: %zu)\n"
            "  --exact-ties         exact conditional Mann-Whitney p with ties (default: %s)\n"
            "  -q, --quiet / -v, --verbose / -h, --help\n\n"
            "Procedures: welch_t, student_t, mann_whitney, permutation, mean_diff, median_diff,\n"
            "cohens_d, hedges_g per level against the control; with more than two levels also\n"
            "anova, welch_anova, kruskal_wallis, tukey_hsd, dunnett, dunn (docs/STATISTICS.md).\n",
            DEFAULT_FACTOR, d.control, zf_adjust_name(d.adjust), d.seed, d.nboot, d.nperm,
            d.mw_exact_ties ? "on" : "off");
}

/* A nonnegative integer option value; 0 and sets *out, or -1. */
static int parse_count(const char *s, unsigned long long max, unsigned long long *out)
{
    char *end;
    unsigned long long v;
    if (!s || !*s || *s == '-' || *s == '+')
        return -1;
    errno = 0;
    v = strtoull(s, &end, 10);
    if (errno || *end || v > max)
        return -1;
    *out = v;
    return 0;
}

/* Split "a,b,c" into a malloc'd copy and an array of pointers into it. */
static int split_list(const char *s, char **copy, const char ***items, size_t *n)
{
    size_t k = 1, len = strlen(s);
    char *c = malloc(len + 1);
    const char **it;
    *copy = NULL;
    *items = NULL;
    *n = 0;
    if (!c)
        return -1;
    memcpy(c, s, len + 1);
    for (size_t i = 0; i < len; i++)
        k += c[i] == ',';
    it = malloc(k * sizeof *it);
    if (!it) {
        free(c);
        return -1;
    }
    k = 0;
    it[k++] = c;
    for (size_t i = 0; i < len; i++)
        if (c[i] == ',') {
            c[i] = '\0';
            it[k++] = c + i + 1;
        }
    *copy = c;
    *items = it;
    *n = k;
    return 0;
}

static int cmd_stats_table(int argc, char **argv)
{
    enum { OPT_TABLE = 256, OPT_FACTOR, OPT_CONTROL, OPT_METRICS, OPT_ADJUST, OPT_SEED, OPT_BOOT, OPT_PERM, OPT_TIES };
    static const struct option longopts[] = {
        {"table", required_argument, NULL, OPT_TABLE}, {"factor", required_argument, NULL, OPT_FACTOR},
        {"control", required_argument, NULL, OPT_CONTROL}, {"metrics", required_argument, NULL, OPT_METRICS},
        {"adjust", required_argument, NULL, OPT_ADJUST}, {"seed", required_argument, NULL, OPT_SEED},
        {"bootstrap", required_argument, NULL, OPT_BOOT}, {"permutations", required_argument, NULL, OPT_PERM},
        {"exact-ties", no_argument, NULL, OPT_TIES}, {"out", required_argument, NULL, 'o'},
        {"help", no_argument, NULL, 'h'}, {"quiet", no_argument, NULL, 'q'},
        {"verbose", no_argument, NULL, 'v'}, {NULL, 0, NULL, 0},
    };
    const char *table = NULL, *out = NULL, *factor = DEFAULT_FACTOR, *metrics = NULL;
    char *mcopy = NULL;
    const char **mlist = NULL;
    size_t nm = 0;
    zf_compare_opts o;
    zf_stat_table st;
    unsigned long long u;
    int c, rc, code = ZF_EXIT_OK;

    zf_compare_opts_default(&o);
    zf_stat_table_init(&st);
    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, "o:hqv", longopts, NULL)) != -1) {
        switch (c) {
        case OPT_TABLE: table = optarg; break;
        case OPT_FACTOR: factor = optarg; break;
        case OPT_CONTROL: o.control = optarg; break;
        case OPT_METRICS: metrics = optarg; break;
        case OPT_ADJUST:
            if ((o.adjust = zf_adjust_parse(optarg)) < 0)
                return zf_cli_usage_error("stats", "unknown --adjust '%s'; expected holm, hochberg, bonferroni, "
                                                   "sidak, holm-sidak, BH, BY or none", optarg);
            break;
        case OPT_SEED:
            if (parse_count(optarg, ULONG_MAX, &u))
                return zf_cli_usage_error("stats", "--seed: expected a nonnegative integer, got '%s'", optarg);
            o.seed = (unsigned long)u;
            break;
        case OPT_BOOT:
            if (parse_count(optarg, SIZE_MAX / 64, &u))
                return zf_cli_usage_error("stats", "--bootstrap: expected a nonnegative integer, got '%s'", optarg);
            o.nboot = (size_t)u;
            break;
        case OPT_PERM:
            if (parse_count(optarg, SIZE_MAX / 64, &u))
                return zf_cli_usage_error("stats", "--permutations: expected a nonnegative integer, got '%s'", optarg);
            o.nperm = (size_t)u;
            break;
        case OPT_TIES: o.mw_exact_ties = 1; break;
        case 'o': out = optarg; break;
        case 'h': zf_usage_stats(stdout); return -1;
        case 'q': zf_log_set_level(ZF_LOG_ERROR); break;
        case 'v': zf_log_set_level(zf_log_get_level() + 1); break;
        default:
            return zf_cli_usage_error("stats", "unknown option or missing value: '%s'", argv[optind - 1]);
        }
    }
    if (optind < argc)
        return zf_cli_usage_error("stats", "unexpected argument '%s' with --table", argv[optind]);
    if (!table || !*table)
        return zf_cli_usage_error("stats", "--table needs a file");
    if (!out || !*out)
        return zf_cli_usage_error("stats", "--table needs --out FILE");
    if (metrics) {
        if (split_list(metrics, &mcopy, &mlist, &nm)) {
            code = zf_cli_fail("stats", zf_error(ZF_ENOMEM, "out of memory"));
            goto done;
        }
        for (size_t i = 0; i < nm; i++)
            if (!mlist[i][0]) {
                code = zf_cli_usage_error("stats", "--metrics: empty column name in '%s'", metrics);
                goto done;
            }
    }
    if ((rc = zf_stats_compare_csv(&st, table, factor, mlist, nm, &o)) != ZF_OK ||
        (rc = zf_stat_table_write_csv(&st, out)) != ZF_OK) {
        code = zf_cli_fail("stats", rc);
        goto done;
    }
    zf_log(ZF_LOG_INFO, "stats: wrote %zu rows to '%s'", st.n, out);
done:
    zf_stat_table_free(&st);
    free(mcopy);
    free(mlist);
    return code;
}

int zf_cmd_stats(int argc, char **argv)
{
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--") == 0)
            break;
        if (strcmp(argv[i], "--table") == 0 || strncmp(argv[i], "--table=", 8) == 0)
            return cmd_stats_table(argc, argv);
    }
    return zf_cmd_stats_study(argc, argv);
}
