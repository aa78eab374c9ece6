/* textfmt.h: private helpers shared by the tracker text readers (EthoVision, ANY-maze, ToxTrac, idtracker.ai, TRex) and the pose readers (SLEAP, DeepLabCut). */
#ifndef ZF_INGEST_TEXTFMT_H
#define ZF_INGEST_TEXTFMT_H

#include <stddef.h>

#include "zfstress/ingest.h"
#include "zfstress/table.h"

/* The sniffable text of a file head: a UTF-8 BOM is dropped and UTF-16 (LE or
 * BE, with BOM) is narrowed to one byte per code unit (non-ASCII becomes '?').
 * Returns a malloc'd NUL-terminated copy with its length in *len, or NULL when
 * the head is binary (NUL bytes in 8-bit text), empty or memory ran out. */
char *zf_tx_head_text(const unsigned char *head, size_t n, size_t *len);

/* Next line of text[0..n) starting at *pos: sets *start and *len (without the
 * line end) and advances *pos; returns 0 when there is no further line. */
int zf_tx_next_line(const char *text, size_t n, size_t *pos, size_t *start, size_t *len);

/* The delimiter of one line: tab, ';' or ',' (most frequent outside quotes, ',' if none). */
char zf_tx_guess_delim(const char *line, size_t len);

/* Split one line into at most maxf fields (quotes removed, blanks trimmed),
 * copied into buf[0..cap); returns the number of fields stored. */
size_t zf_tx_split(const char *line, size_t len, char delim, char *buf, size_t cap, const char **f, size_t maxf);

/* Column-name comparison that ignores case, surrounding blanks, and treats
 * '.', '_' and runs of blanks alike ("Trial.time" equals "trial time"). */
int zf_tx_name_eq(const char *a, const char *b);

/* Index of the first of fields[0..n) equal (zf_tx_name_eq) to one of the
 * NULL-terminated candidates, tried in candidate order; -1 when none. */
long zf_tx_find_col(const char *const *fields, size_t n, const char *const *candidates);

/* Units stated in text such as "X center (cm)", "cm", "pixels": ZF_UNITS_* or
 * ZF_UNITS_AUTO when none is stated. */
int zf_tx_units_in(const char *text);

/* 1 when s (blanks allowed around) is a decimal integer; the value in *v. */
int zf_tx_parse_int(const char *s, long *v);

/* Position cell: zf_parse_number_opt, plus "#N/A" and "N/A" as missing. */
int zf_tx_parse_num(const char *s, const zf_read_opts *o, double *out);

/* Time cell: seconds ("12.5") or clock time "h:mm:ss.sss" / "mm:ss.sss".
 * Returns ZF_NUM_OK, ZF_NUM_MISSING (*out NaN) or ZF_NUM_BAD like zf_parse_number. */
int zf_tx_parse_time(const char *s, const zf_read_opts *o, double *out);

/* The located error for a cell that is not a number, with the decimal-comma
 * hint when the text has a ',' and o->decimal_comma is off. Returns ZF_EPARSE. */
int zf_tx_bad_number(const char *path, size_t line, const char *col, const char *text, const zf_read_opts *o);

/* Frame rate from sample times t[0..n) (any order within runs; NaN skipped):
 * the mean step over runs of consecutive samples (steps up to 1.5 x the median
 * positive step, repeated rounded timestamps included), snapped to an integer
 * within 0.5 %. *fps is NaN when it cannot be derived. ZF_ENOMEM on failure. */
int zf_tx_fps_from_times(const double *t, size_t n, double *fps);
/* The same from steps d[0..n) already computed (d is reordered). */
int zf_tx_fps_from_steps(double *d, size_t n, double *fps);

/* Copy text into dst[0..cap) as UTF-8: Latin-1 text (not valid UTF-8) is
 * transcoded; truncation never splits a character. */
void zf_tx_copy_text(char *dst, size_t cap, const char *src);

/* Append "; <formatted>" to info->conversions (truncated silently). */
void zf_tx_note(zf_track_info *info, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;

/* Comma-separated list of the fields, quoted, into buf (for "found: ..." messages). */
void zf_tx_list_fields(const char *const *fields, size_t n, char *buf, size_t cap);

/* Copies of the fields of the current row of c (nf of them) into a malloc'd
 * vector *out; free with zf_tx_strv_free. ZF_ENOMEM on failure. */
int zf_tx_row_copy(const zf_csv *c, size_t nf, char ***out);
void zf_tx_strv_free(char **v, size_t n); /* NULL is a no-op */

/* 1 when the base name of path contains needle, ignoring case. */
int zf_tx_name_has(const char *path, const char *needle);

/* The reference point of the pose readers (SLEAP, DeepLabCut): the centroid of the keypoints that are present
 * and confident, score ps[k] >= min_lik; a NaN score (a user-labelled point, labelled data) or ps NULL counts
 * as 1. With one keypoint (a named body part) this is that keypoint or NaN. */
void zf_tx_keypoint_ref(const double *px, const double *py, const double *ps, size_t nk, double min_lik,
                        double *x, double *y);

/* "a, b, c" of the n names into buf (truncated with "..." when long). */
void zf_tx_join_names(char *buf, size_t size, const char *const *v, size_t n);

/* Open path as CSV (delim as zf_csv_open: 0 guesses) and read its first row: *c open (the caller closes it, also
 * on failure), *nf its fields. A file without rows is ZF_EPARSE "'path': empty file: expected <expect>". */
int zf_tx_open_csv(const char *path, char delim, const char *expect, zf_csv **c, size_t *nf);

/* zf_tx_open_csv with the delimiter guessed, then copies of the header row's fields: *names[*ncol]
 * (free with zf_tx_strv_free; set only on success). */
int zf_tx_open_header(const char *path, const char *expect, zf_csv **c, char ***names, size_t *ncol);

/* Field col of the current row of c (nf fields); "" when col < 0 or the row is shorter. */
const char *zf_tx_cell(const zf_csv *c, size_t nf, long col);

/* The position cells fx (column xcol) and fy (column ycol) of a row at line as numbers into *x and *y;
 * ZF_EPARSE as zf_tx_bad_number at the first that is not one. Either missing makes both NaN. */
int zf_tx_parse_xy(const char *path, size_t line, const char *xcol, const char *fx, const char *ycol, const char *fy,
                   const zf_read_opts *o, double *x, double *y);

/* The frame rate of a track: from its times t[0..n) when has_time (fallback when they give none, as
 * zf_tx_fps_from_times), else fallback. */
int zf_tx_track_fps(const double *t, size_t n, int has_time, double fallback, double *fps);

#endif
