/* readers.h: private declarations of each format's sniff and read functions, and helpers shared by readers. */
#ifndef ZF_INGEST_READERS_H
#define ZF_INGEST_READERS_H

#include <stddef.h>

#include "zfstress/ingest.h"

#define ZF_DECLARE_READER(fmt) \
    int zf_sniff_##fmt(const char *path, const unsigned char *head, size_t n); \
    int zf_read_##fmt(const char *path, const zf_read_opts *o, zf_track_sink sink, void *ctx)

ZF_DECLARE_READER(csv);
ZF_DECLARE_READER(ethovision);
ZF_DECLARE_READER(anymaze);
ZF_DECLARE_READER(toxtrac);
ZF_DECLARE_READER(idtracker);
ZF_DECLARE_READER(trex);
ZF_DECLARE_READER(sleap);
ZF_DECLARE_READER(dlc);
ZF_DECLARE_READER(zebrazoom);
ZF_DECLARE_READER(viewpoint);

/* Parse a number honouring o->decimal_comma; same results as zf_parse_number. */
int zf_parse_number_opt(const char *s, const zf_read_opts *o, double *out);

/* 1 when name (a file path) ends with suffix, ignoring case. */
int zf_has_suffix(const char *name, const char *suffix);

/* Count of occurrences of byte c in head[0..n). */
size_t zf_count_byte(const unsigned char *head, size_t n, unsigned char c);

/* Fill info with defaults (fps NaN, empty names) before a reader sets fields. */
void zf_track_info_init(zf_track_info *info);

#endif
