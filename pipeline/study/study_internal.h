/* study_internal.h: sample-sheet helpers shared by the ingest stage, 'zfstress check', the report and the run summary. */
#ifndef ZF_STUDY_INTERNAL_H
#define ZF_STUDY_INTERNAL_H

#include "zfstress/ingest.h"
#include "zfstress/metrics.h"
#include "zfstress/study.h"
#include "zfstress/table.h"

/* Index of the subject id column ("subject", or "id"), or -1. */
int zf_sheet_subject_col(const zf_table *t);

/* Read options of sheet row r: the study's values overridden by the row's
 * calibration cells; *format is the reader name or "auto". Fails naming the
 * sheet, line and column of a bad cell. Text fields point into s or t. */
int zf_sheet_row_opts(const zf_study *s, const zf_table *t, size_t r, zf_read_opts *o, const char **format);

/* The metric columns the study compares (stats, figures, Prism tables):
 * catalogue rows and per-zone columns that apply to its arena and parameters
 * and are endpoints. *out is malloc'd. */
int zf_study_endpoints(const zf_study *s, zf_metric_column **out, size_t *n);

/* Group sizes in order of first appearance (the report and the run summary): the number of rows
 * whose cell in column col equals row r's when row r is its first appearance, 0 otherwise. */
size_t zf_sheet_first_count(const zf_table *t, size_t col, size_t r);

#endif
