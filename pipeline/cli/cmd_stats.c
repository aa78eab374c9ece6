/* cmd_stats.c: 'zfstress stats': group comparisons from a study's experiment file, or from a tidy CSV with --table (one factor, factorial, repeated measures, dose-response). */
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
#define DEFAULT_SUBJECT "subject"

void zf_usage_stats(FILE *fp)
{
    zf_compare_opts d;
    zf_compare_opts_default(&d);
    zf_usage_stats_study(fp);
    fprintf(fp,
            "\nUsage: zfstress stats --table METRICS.csv --out STATS.csv [design] [options]\n\n"
            "Analyse a tidy CSV (e.g. from another tool) and write the tidy results table.\n\n"
            "Designs:\n"
            "  --factor NAME        one factor (default: %s): every level against --control, one row\n"
            "                       per animal; --checks adds Shapiro-Wilk per level and Brown-Forsythe\n"
            "  --factors A,B        between-subject factorial (1 to %d factors): type II and III ANOVA,\n"
            "                       simple effects, estimated marginal means, pairwise cells, checks\n"
            "  --repeated NAME      split-plot ANOVA, --factor between x NAME within (Greenhouse-Geisser,\n"
            "                       Huynh-Feldt, Mauchly, per-level comparisons, checks) from a long table:\n"
            "                       one row per animal and level of NAME; 'bin' also finds the column\n"
            "                       bin_start_s of binned.csv\n"
            "  --subject NAME       the animal column of the long table (default: %s)\n"
            "  --dose NAME          dose-response on the numeric column NAME: 4- and 3-parameter\n"
            "                       log-logistic fits with EC50, Jonckheere-Terpstra, checks\n\n"
            "Options:\n"
            "  --table FILE         the tidy CSV (delimiter detected)\n"
            "  -o, --out FILE       results CSV to write (required)\n"
            "  --control LEVEL      control level of the factor (default: %s)\n"
            "  --metrics A,B        columns to analyse (default: every numeric column except the design's\n"
            "                       columns and an id column named subject or id)\n"
            "  --adjust METHOD      p-value correction: holm, hochberg, bonferroni, sidak, holm-sidak,\n"
            "                       BH, BY, none (default: %s)\n"
            "  --family WHICH       what a correction runs over: metric (the contrasts of one procedure\n"
            "                       within a metric) or study (across all metrics) (default: %s)\n"
            "  --checks             assumption checks beside the one-factor comparisons (default: %s)\n"
            "  --seed K             seed of the bootstrap and the permutations (default: %lu)\n"
            "  --bootstrap N        bootstrap resamples for the BCa CIs (default: %zu)\n"
            "  --permutations N     random splits of the permutation test (default: %zu)\n"
            "  --exact-ties         exact conditional Mann-Whitney p with ties (default: %s)\n"
            "  -q, --quiet / -v, --verbose / -h, --help\n\n"
            "Procedures: welch_t, student_t, mann_whitney, permutation, mean_diff, median_diff,\n"
            "cohens_d, hedges_g per level against the control; with more than two levels also\n"
            "anova, welch_anova, kruskal_wallis, tukey_hsd, dunnett, dunn; anova_type2, anova_type3,\n"
            "simple_effect, emmeans, pairwise_t; mixed_anova, mixed_anova_gg, mixed_anova_hf, mauchly;\n"
            "loglogistic4, loglogistic3, jonckheere; shapiro_wilk, brown_forsythe (docs/STATISTICS.md).\n",
            DEFAULT_FACTOR, ZF_MAX_FACTORS, DEFAULT_SUBJECT, d.control, zf_adjust_name(d.adjust),
            zf_family_name(ZF_FAMILY_METRIC), "off", d.seed, d.nboot, d.nperm, d.mw_exact_ties ? "on" : "off");
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
    enum { OPT_TABLE = 256, OPT_FACTOR, OPT_CONTROL, OPT_METRICS, OPT_ADJUST, OPT_SEED, OPT_BOOT, OPT_PERM, OPT_TIES,
           OPT_FACTORS, OPT_REPEATED, OPT_SUBJECT, OPT_DOSE, OPT_CHECKS, OPT_FAMILY };
    static const struct option longopts[] = {
        {"table", required_argument, NULL, OPT_TABLE}, {"factor", required_argument, NULL, OPT_FACTOR},
        {"control", required_argument, NULL, OPT_CONTROL}, {"metrics", required_argument, NULL, OPT_METRICS},
        {"adjust", required_argument, NULL, OPT_ADJUST}, {"seed", required_argument, NULL, OPT_SEED},
        {"bootstrap", required_argument, NULL, OPT_BOOT}, {"permutations", required_argument, NULL, OPT_PERM},
        {"exact-ties", no_argument, NULL, OPT_TIES}, {"factors", required_argument, NULL, OPT_FACTORS},
        {"repeated", required_argument, NULL, OPT_REPEATED}, {"subject", required_argument, NULL, OPT_SUBJECT},
        {"dose", required_argument, NULL, OPT_DOSE}, {"checks", no_argument, NULL, OPT_CHECKS},
        {"family", required_argument, NULL, OPT_FAMILY}, {"out", required_argument, NULL, 'o'},
        {"help", no_argument, NULL, 'h'}, {"quiet", no_argument, NULL, 'q'},
        {"verbose", no_argument, NULL, 'v'}, {NULL, 0, NULL, 0},
    };
    const char *table = NULL, *out = NULL, *factor = DEFAULT_FACTOR, *metrics = NULL, *factors = NULL;
    const char *repeated = NULL, *subject = DEFAULT_SUBJECT, *dose = NULL;
    char *mcopy = NULL, *fcopy = NULL;
    const char **mlist = NULL, **flist = NULL;
    size_t nm = 0, nf = 0;
    int factor_given = 0, subject_given = 0, checks = 0, family = ZF_FAMILY_METRIC;
    zf_compare_opts o;
    zf_stat_table st;
    zf_design d;
    unsigned long long u;
    int c, rc, code = ZF_EXIT_OK;

    zf_compare_opts_default(&o);
    zf_stat_table_init(&st);
    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, "o:hqv", longopts, NULL)) != -1) {
        switch (c) {
        case OPT_TABLE: table = optarg; break;
        case OPT_FACTOR: factor = optarg; factor_given = 1; break;
        case OPT_CONTROL: o.control = optarg; break;
        case OPT_METRICS: metrics = optarg; break;
        case OPT_FACTORS: factors = optarg; break;
        case OPT_REPEATED: repeated = optarg; break;
        case OPT_SUBJECT: subject = optarg; subject_given = 1; break;
        case OPT_DOSE: dose = optarg; break;
        case OPT_CHECKS: checks = 1; break;
        case OPT_FAMILY:
            if ((family = zf_family_parse(optarg)) < 0)
                return zf_cli_usage_error("stats", "unknown --family '%s'; expected metric or study", optarg);
            break;
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
    if ((factors != NULL) + (repeated != NULL) + (dose != NULL) > 1)
        return zf_cli_usage_error("stats", "--factors, --repeated and --dose are different designs: choose one");
    if (factors && factor_given)
        return zf_cli_usage_error("stats", "--factor and --factors: give the factorial's factors in --factors alone");
    if (dose && factor_given)
        return zf_cli_usage_error("stats", "--dose takes no --factor (the doses are the groups)");
    if (subject_given && !repeated)
        return zf_cli_usage_error("stats", "--subject goes with --repeated");
    if (checks && (factors || repeated || dose))
        return zf_cli_usage_error("stats", "--checks is for the one-factor design (the others always check)");
    if ((repeated && !*repeated) || (dose && !*dose) || !*subject || !*factor)
        return zf_cli_usage_error("stats", "empty column name");
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
    if (factors) {
        if (split_list(factors, &fcopy, &flist, &nf)) {
            code = zf_cli_fail("stats", zf_error(ZF_ENOMEM, "out of memory"));
            goto done;
        }
        for (size_t i = 0; i < nf; i++)
            if (!flist[i][0]) {
                code = zf_cli_usage_error("stats", "--factors: empty column name in '%s'", factors);
                goto done;
            }
        if (nf > ZF_MAX_FACTORS) {
            code = zf_cli_usage_error("stats", "--factors: at most %d factors, got %zu", ZF_MAX_FACTORS, nf);
            goto done;
        }
    }
    memset(&d, 0, sizeof d);
    d.kind = factors ? ZF_DESIGN_FACTORIAL : repeated ? ZF_DESIGN_REPEATED : dose ? ZF_DESIGN_DOSE : ZF_DESIGN_GROUPS;
    d.factors = factors ? flist : &factor;
    d.nfactors = factors ? nf : (dose || (repeated && !factor_given)) ? 0 : 1;
    d.within = repeated;
    d.subject = subject;
    d.dose = dose;
    d.checks = checks;
    if (d.kind == ZF_DESIGN_GROUPS && !checks)
        rc = zf_stats_compare_csv(&st, table, factor, mlist, nm, &o);
    else
        rc = zf_stats_design_csv(&st, table, &d, mlist, nm, &o);
    if (rc == ZF_OK && family == ZF_FAMILY_STUDY)
        rc = zf_stat_table_adjust_study(&st, o.adjust);
    if (rc != ZF_OK || (rc = zf_stat_table_write_csv(&st, out)) != ZF_OK) {
        code = zf_cli_fail("stats", rc);
        goto done;
    }
    zf_log(ZF_LOG_INFO, "stats: wrote %zu rows to '%s'", st.n, out);
done:
    zf_stat_table_free(&st);
    free(mcopy);
    free(mlist);
    free(fcopy);
    free(flist);
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
