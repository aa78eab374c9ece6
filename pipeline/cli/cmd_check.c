/* cmd_check.c: 'zfstress check STUDY.yaml': validate without writing; exit 1 when there are problems. */
#include "cli/cli.h"
#include "zfstress/core.h"
#include "zfstress/pipeline.h"

#include <string.h>

void zf_usage_check(FILE *fp)
{
    fputs("Usage: zfstress check STUDY.yaml\n\n"
          "Validate the study file and every input it names without writing anything: the sample\n"
          "sheet, each track file (exists, readable, format detected, columns present, numbers\n"
          "parse). Prints one line per subject and every problem at once.\n"
          "Exit status: 0 no problems, 1 problems found, 2 usage error.\n", fp);
}

int zf_cmd_check(int argc, char **argv)
{
    if (argc == 2 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)) {
        zf_usage_check(stdout);
        return ZF_EXIT_OK;
    }
    if (argc == 1) {
        zf_usage_check(stderr);
        return ZF_EXIT_USAGE;
    }
    if (argc != 2 || argv[1][0] == '-')
        return zf_cli_usage_error("check", "expected one study file");
    size_t problems = 0;
    int rc = zf_study_check(argv[1], stdout, &problems);
    if (rc)
        return zf_cli_fail("check", rc);
    return problems ? ZF_EXIT_FAIL : ZF_EXIT_OK;
}
