/* cmd_formats.c: 'zfstress formats': list the track readers, what each reads and what the study must supply. */
#include "cli/cli.h"
#include "zfstress/ingest.h"

#include <string.h>

void zf_usage_formats(FILE *fp)
{
    fputs("Usage: zfstress formats\n\n"
          "List the track-file readers: name (for 'format:' in the study or a 'format' column of the\n"
          "sample sheet), the files it reads, and what the study must supply. 'format: auto' picks the\n"
          "reader by the file's content.\n", fp);
}

int zf_cmd_formats(int argc, char **argv)
{
    if (argc == 2 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)) {
        zf_usage_formats(stdout);
        return ZF_EXIT_OK;
    }
    if (argc != 1)
        return zf_cli_usage_error("formats", "expected no arguments");
    for (size_t i = 0; i < zf_format_count(); i++) {
        const zf_format *f = zf_format_get(i);
        printf("%s\n  reads: %s\n  needs: %s\n", f->name, f->files, f->needs);
    }
    return ZF_EXIT_OK;
}
