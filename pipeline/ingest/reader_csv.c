/* reader_csv.c: the generic CSV/TSV reader: columns named in the study, calibration from the study. */
#include "zfstress/core.h"
#include "zfstress/ingest.h"
#include "zfstress/track.h"

#include "ingest/readers.h"

#include <math.h>
#include <string.h>

int zf_sniff_csv(const char *path, const unsigned char *head, size_t n)
{
    (void)path;
    if (n == 0 || memchr(head, '\0', n))
        return 0; /* empty or binary (or UTF-16) */
    size_t lines = zf_count_byte(head, n, '\n');
    size_t delims = zf_count_byte(head, n, ',') + zf_count_byte(head, n, '\t') + zf_count_byte(head, n, ';');
    return lines >= 1 && delims >= lines ? 5 : 0; /* the fallback: any delimited text */
}

int zf_read_csv(const char *path, const zf_read_opts *o, zf_track_sink sink, void *ctx)
{
    zf_track tr;
    zf_track_info info;
    zf_csv_spec spec;
    int rc;
    zf_track_init(&tr);
    zf_track_info_init(&info);
    memset(&spec, 0, sizeof spec);
    spec.col_time = o->col_time;
    spec.col_x = o->col_x;
    spec.col_y = o->col_y;
    spec.units = ZF_UNITS_MM; /* raw numbers; zf_track_calibrate converts */
    spec.fps = o->fps;
    if ((rc = zf_track_read_csv(path, &spec, &tr)) != ZF_OK)
        return rc;
    if ((rc = zf_track_calibrate(path, &tr, o, ZF_UNITS_MM, 0, &info)) == ZF_OK) {
        info.fps = o->fps;
        rc = sink(ctx, &tr, &info);
    }
    zf_track_free(&tr);
    return rc;
}
