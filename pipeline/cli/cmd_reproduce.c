/* cmd_reproduce.c: 'zfstress reproduce EXPERIMENT.h5': rerun from the stored provenance and say whether the numbers match. */
#include "cli/cli.h"
#include "zfstress/core.h"
#include "zfstress/pipeline.h"

#include <getopt.h>
#include <string.h>

void zf_usage_reproduce(FILE *fp)
{
    fputs("Usage: zfstress reproduce EXPERIMENT.h5 [--out DIR]\n\n"
          "Rerun the analysis from the provenance stored in an experiment file (the study file's\n"
          "text, the inputs' SHA-256) and compare every metric and statistic with the recorded\n"
          "ones, bit for bit.\n\n"
          "Options:\n"
          "  -o, --out DIR   where the rerun writes (default: a new directory under $TMPDIR or /tmp)\n"
          "  -h, --help      this text\n\n"
          "Exit status: 0 reproduced, 1 numbers or inputs differ (or an error), 2 usage error.\n", fp);
}

int zf_cmd_reproduce(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"out", required_argument, NULL, 'o'}, {"help", no_argument, NULL, 'h'}, {NULL, 0, NULL, 0},
    };
    const char *out = NULL;
    int c;
    if (argc == 1) {
        zf_usage_reproduce(stderr);
        return ZF_EXIT_USAGE;
    }
    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, "o:h", longopts, NULL)) != -1) {
        switch (c) {
        case 'o': out = optarg; break;
        case 'h': zf_usage_reproduce(stdout); return ZF_EXIT_OK;
        default: return zf_cli_usage_error("reproduce", "unknown option or missing value: '%s'", argv[optind - 1]);
        }
    }
    if (argc - optind != 1)
        return zf_cli_usage_error("reproduce", "expected one experiment file");
    int match = 0;
    int rc = zf_reproduce(argv[optind], out, stdout, &match);
    if (rc)
        return zf_cli_fail("reproduce", rc);
    return match ? ZF_EXIT_OK : ZF_EXIT_FAIL;
}
