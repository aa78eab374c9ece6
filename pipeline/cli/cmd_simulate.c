/* cmd_simulate.c: 'zfstress simulate': write a synthetic ketamine dose study. */
#include "cli/cli.h"
#include "zfstress/core.h"
#include "zfstress/sim.h"

#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

void zf_usage_simulate(FILE *fp)
{
    zf_sim_opts d;
    zf_sim_opts_default(&d);
    fprintf(fp,
            "Usage: zfstress simulate --out DIR [--per-group N] [--seconds S] [--fps F] [--seed K] [--groups LIST] [--test TEST]\n\n"
            "Write a synthetic (not real) ketamine dose study in the generic CSV cohort layout:\n"
            "DIR/samples.csv, DIR/tracks/<subject>.csv (frame,time_s,x_mm,y_mm; side tank 200 x 150 mm,\n"
            "y = 0 at the floor) and DIR/study.yaml. The behaviour model is in docs/SIMULATION.md.\n\n"
            "Options:\n"
            "  -o, --out DIR        output directory (required)\n"
            "  -n, --per-group N    fish per group (default %zu)\n"
            "  -s, --seconds S      trial length in s (default %g)\n"
            "  -f, --fps F          frame rate in Hz (default %g)\n"
            "  -k, --seed K         random seed (default %lu)\n"
            "  -g, --groups LIST    comma-separated groups (default %s);\n"
            "                       control = 0 mg/L, ketN = N mg/L, ketamine = 20 mg/L\n"
            "  -t, --test TEST      ntt (novel tank, side view), oft (open field, top view) or\n"
            "                       ldt (light/dark, top view) (default %s)\n"
            "  -h, --help           this text\n",
            d.per_group, d.seconds, d.fps, d.seed, d.groups, d.test == ZF_SIM_OFT ? "oft" : d.test == ZF_SIM_LDT ? "ldt" : "ntt");
}

static int number(const char *opt, const char *s, double lo, double *out)
{
    char *end = NULL;
    errno = 0;
    double v = strtod(s, &end);
    if (!s[0] || *end || errno || !(v >= lo) || !isfinite(v))
        return zf_cli_usage_error("simulate", "%s: expected a number >= %g, got \"%s\"", opt, lo, s);
    *out = v;
    return 0;
}

int zf_cmd_simulate(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"out", required_argument, NULL, 'o'}, {"per-group", required_argument, NULL, 'n'},
        {"seconds", required_argument, NULL, 's'}, {"fps", required_argument, NULL, 'f'},
        {"seed", required_argument, NULL, 'k'}, {"groups", required_argument, NULL, 'g'},
        {"test", required_argument, NULL, 't'},
        {"help", no_argument, NULL, 'h'}, {"quiet", no_argument, NULL, 'q'}, {"verbose", no_argument, NULL, 'v'},
        {NULL, 0, NULL, 0},
    };
    zf_sim_opts o;
    const char *out = NULL;
    double v = 0.0;
    int c, rc;
    if (argc == 1) {
        zf_usage_simulate(stderr);
        return ZF_EXIT_USAGE;
    }
    zf_sim_opts_default(&o);
    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, "o:n:s:f:k:g:t:hqv", longopts, NULL)) != -1) {
        switch (c) {
        case 'o': out = optarg; break;
        case 'n':
            if ((rc = number("--per-group", optarg, 1, &v)))
                return rc;
            if (v != floor(v))
                return zf_cli_usage_error("simulate", "--per-group: expected a whole number, got \"%s\"", optarg);
            o.per_group = (size_t)v;
            break;
        case 's':
            if ((rc = number("--seconds", optarg, 1e-9, &v)))
                return rc;
            o.seconds = v;
            break;
        case 'f':
            if ((rc = number("--fps", optarg, 1e-9, &v)))
                return rc;
            o.fps = v;
            break;
        case 'k':
            if ((rc = number("--seed", optarg, 0, &v)))
                return rc;
            o.seed = (unsigned long)v;
            break;
        case 'g': o.groups = optarg; break;
        case 't':
            if ((o.test = zf_sim_test_parse(optarg)) < 0)
                return zf_cli_usage_error("simulate", "--test: expected ntt, oft or ldt, got \"%s\"", optarg);
            break;
        case 'h': zf_usage_simulate(stdout); return ZF_EXIT_OK;
        case 'q': zf_log_set_level(ZF_LOG_ERROR); break;
        case 'v': zf_log_set_level(zf_log_get_level() + 1); break;
        default:
            return zf_cli_usage_error("simulate", "unknown option or missing value: '%s'", argv[optind - 1]);
        }
    }
    if (optind != argc)
        return zf_cli_usage_error("simulate", "unexpected argument '%s'", argv[optind]);
    if (!out)
        return zf_cli_usage_error("simulate", "--out DIR is required");
    if ((rc = zf_simulate(&o, out)) != ZF_OK) {
        if (rc == ZF_EINVAL)
            return zf_cli_usage_error("simulate", "%s", zf_errmsg());
        return zf_cli_fail("simulate", rc);
    }
    return ZF_EXIT_OK;
}
