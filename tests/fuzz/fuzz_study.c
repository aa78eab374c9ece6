/* fuzz_study.c: libFuzzer harness for the study-file parser (zf_study_parse: YAML, keys, types, ranges, figures, zones). */
#include "fuzz_common.h"

#include "zfstress/study.h"

ZF_FUZZ_INITIALIZE_DEFAULT

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    zf_study s;
    memset(&s, 0, sizeof s);
    if (zf_study_parse("study.yaml", "/nonexistent-study-dir", (const char *)data, size, &s) == ZF_OK) {
        /* what the rest of the pipeline relies on after a successful parse */
        if (!s.samples || !s.format || !s.factor || !s.control || !s.output || !s.text)
            abort();
        zf_study_free(&s);
    }
    zf_error_clear();
    return 0;
}
