/* fuzz_table.c: libFuzzer harness for the sample-sheet parser (zf_table_read: delimiter detection, quoting, BOM, CRLF) and number parsing. */
#include "fuzz_common.h"

#include "zfstress/table.h"

ZF_FUZZ_INITIALIZE_DEFAULT

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char path[512];
    zf_table *t = NULL;
    volatile size_t acc = 0;
    zf_fuzz_write("samples.csv", data, size, path, sizeof path);
    if (zf_table_read(path, &t) == ZF_OK) {
        if (!t || (t->ncol && !t->names) || (t->nrow && (!t->line || !t->cells)))
            abort();
        for (size_t c = 0; c < t->ncol; c++) {
            if (!t->names[c] || zf_table_col(t, t->names[c]) < 0)
                abort();
            acc += (size_t)zf_table_col_numeric(t, c);
        }
        for (size_t r = 0; r < t->nrow; r++)
            for (size_t c = 0; c < t->ncol; c++) {
                const char *s = zf_table_cell(t, r, c);
                double v = 0.0;
                if (!s)
                    abort(); /* never NULL: short rows are padded */
                acc += strlen(s) + (size_t)zf_parse_number(s, &v);
            }
        (void)zf_table_col(t, "subject");
    }
    (void)acc;
    zf_table_free(t);
    zf_error_clear();
    (void)unlink(path);
    return 0;
}
