/* table.h: delimited-text reading (CSV/TSV tokenizer, number parsing) and the in-memory string table used for sample sheets. */
#ifndef ZFSTRESS_TABLE_H
#define ZFSTRESS_TABLE_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Streaming reader of delimited text. Handles a UTF-8 BOM, CRLF or LF, and
 * double-quoted fields (with "" escapes). Fields of the current row stay valid
 * until the next zf_csv_next() call. */
typedef struct zf_csv zf_csv;

/* Open path. delim 0 detects it from the first non-comment line (tab, ';', ','
 * in that order of preference by count). */
int zf_csv_open(const char *path, char delim, zf_csv **out);
/* Read the next row: returns 1 with *nfields set, 0 at end of file, <0 on error.
 * Blank lines are skipped. */
int zf_csv_next(zf_csv *c, size_t *nfields);
/* Read the next row for the numbers in some of its cells: cell f < nslot with
 * slot[f] >= 0 goes to v[slot[f]]. When the row has no quote and each of those
 * cells is a plain decimal (optional minus, at most 19 digits, no blanks or
 * exponent), they are parsed while the row is scanned: returns 2 with v set to
 * what zf_parse_number gives, *nfields the row's field count and the cells not
 * split (zf_csv_field gives NULL).
 * Otherwise returns 1 with the row split as zf_csv_next splits it; 0 at end of
 * file, <0 on error. */
int zf_csv_next_numbers(zf_csv *c, const int *slot, size_t nslot, double *v, size_t *nfields);
/* Field i of the current row (NUL-terminated, quotes removed); NULL if i is out of range. */
const char *zf_csv_field(const zf_csv *c, size_t i);
/* 1-based line number of the current row. */
size_t zf_csv_line(const zf_csv *c);
const char *zf_csv_path(const zf_csv *c);
char zf_csv_delim(const zf_csv *c);
/* Bytes consumed so far (for progress and throughput). */
size_t zf_csv_bytes(const zf_csv *c);
void zf_csv_close(zf_csv *c); /* NULL is a no-op */

/* Number parsing for track cells. Returns ZF_NUM_OK with *out set,
 * ZF_NUM_MISSING (empty, "-", "NaN", "nan", "NA", "inf", "-inf", "Inf") with *out = NaN,
 * or ZF_NUM_BAD when the text is not a number (out untouched). Leading and
 * trailing blanks are ignored. The value equals strtod's. */
enum { ZF_NUM_OK = 0, ZF_NUM_MISSING = 1, ZF_NUM_BAD = 2 };
int zf_parse_number(const char *s, double *out);

/* A whole delimited file held as strings: a header row of column names and
 * nrow data rows. cell(r, c) is never NULL (short rows are padded with ""). */
typedef struct zf_table {
    char *path;     /* file it came from */
    size_t ncol;
    size_t nrow;
    char **names;   /* [ncol] */
    char **cells;   /* [nrow * ncol], row-major */
    size_t *line;   /* [nrow] 1-based line number of each row in the file */
} zf_table;

/* Read path (delimiter detected). Errors: missing file, empty file, a row
 * with more fields than the header, duplicate column names. Caller frees with
 * zf_table_free. */
int zf_table_read(const char *path, zf_table **out);
void zf_table_free(zf_table *t); /* NULL is a no-op */
/* Index of column name, or -1. */
int zf_table_col(const zf_table *t, const char *name);
const char *zf_table_cell(const zf_table *t, size_t row, size_t col);
/* 1 when every non-missing cell of column col parses as a number. */
int zf_table_col_numeric(const zf_table *t, size_t col);

#ifdef __cplusplus
}
#endif
#endif
