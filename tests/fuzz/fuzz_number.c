/* fuzz_number.c: libFuzzer harness for the number parser of track cells (zf_parse_number): differential against strtod. */
#include "fuzz_common.h"

#include "zfstress/table.h"

#include <math.h>

ZF_FUZZ_INITIALIZE_DEFAULT

/* The contract (table.h): a number's value equals strtod's on the text without its
 * surrounding blanks; missing values are NaN; a rejected text leaves out untouched. */
static void check(const char *s)
{
    double v = -12345.0, ref;
    char *end = NULL, *t = NULL;
    size_t a = 0, b = strlen(s);
    int k = zf_parse_number(s, &v);
    if (k == ZF_NUM_BAD) {
        if (v != -12345.0)
            abort(); /* out written on failure */
        return;
    }
    if (k == ZF_NUM_MISSING) {
        if (!isnan(v))
            abort();
        return;
    }
    if (k != ZF_NUM_OK || !isfinite(v))
        abort(); /* infinities are missing values, never numbers */
    while (s[a] == ' ' || s[a] == '\t')
        a++;
    while (b > a && (s[b - 1] == ' ' || s[b - 1] == '\t'))
        b--;
    if (!(t = malloc(b - a + 1)))
        abort();
    memcpy(t, s + a, b - a);
    t[b - a] = '\0';
    ref = strtod(t, &end);
    if (*end != '\0' || memcmp(&ref, &v, sizeof v) != 0)
        abort(); /* accepted text that strtod reads differently */
    free(t);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char buf[512];
    size_t n = size < sizeof buf - 1 ? size : sizeof buf - 1;
    memcpy(buf, data, n);
    buf[n] = '\0';
    check(buf);
    return 0;
}
