/* cmd_verify.c: 'zfstress verify EXPERIMENT.h5': check the schema and shapes of an experiment file and every dataset's checksums. */
#include "cli/cli.h"
#include "zfstress/core.h"
#include "zfstress/experiment.h"

#include <string.h>

void zf_usage_verify(FILE *fp)
{
    fputs("Usage: zfstress verify EXPERIMENT.h5\n\n"
          "Check an experiment file: the schema (root attributes, required groups and datasets),\n"
          "consistent shapes (/tracks/offset starts at 0, never decreases and ends at the sample\n"
          "count; subject columns and metrics have one row per subject), and read every dataset\n"
          "in full so that each chunk's fletcher32 checksum is verified. Each problem is printed\n"
          "with the dataset it concerns. Exit status 0 when the file is sound, 1 otherwise.\n", fp);
}

static void print_problem(void *ctx, const char *problem)
{
    fprintf(stderr, "zfstress verify: '%s': %s\n", (const char *)ctx, problem);
}

int zf_cmd_verify(int argc, char **argv)
{
    zf_verify_summary s;
    if (argc == 2 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)) {
        zf_usage_verify(stdout);
        return ZF_EXIT_OK;
    }
    if (argc == 1) {
        zf_usage_verify(stderr);
        return ZF_EXIT_USAGE;
    }
    if (argc != 2 || argv[1][0] == '-')
        return zf_cli_usage_error("verify", "expected one experiment file");
    int rc = zf_experiment_verify(argv[1], print_problem, argv[1], &s);
    if (rc == ZF_ESCHEMA && s.problems) {
        fprintf(stderr, "zfstress verify: '%s': %zu problem%s found\n", argv[1], s.problems, s.problems == 1 ? "" : "s");
        return ZF_EXIT_FAIL;
    }
    if (rc)
        return zf_cli_fail("verify", rc);
    printf("%s: ok: schema %s, %zu subjects, %zu samples, %zu datasets read, %zu with checksums verified\n", argv[1],
           ZF_SCHEMA, s.subjects, s.samples, s.datasets, s.checksummed);
    return ZF_EXIT_OK;
}
