/* cmd_stats.c: 'zfstress stats': group comparisons from a study's experiment file. */
#include "cli/cli.h"

void zf_usage_stats(FILE *fp)
{
    zf_usage_stats_study(fp);
}

int zf_cmd_stats(int argc, char **argv)
{
    return zf_cmd_stats_study(argc, argv);
}
