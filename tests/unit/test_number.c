/* test_number.c: zf_parse_number against strtod: bit-identical doubles and the same verdict for millions of random and edge-case cells. */
#include "check.h"
#include "zfstress/core.h"
#include "zfstress/table.h"

#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The contract of zf_parse_number written the slow, obvious way: blanks
 * trimmed, the missing-value words, decimal characters only, and strtod's
 * value (overflow rejected). The fast parser must agree on every input. */
static int lower_eq(const char *a, const char *b)
{
    for (; *a && *b; a++, b++) {
        char x = *a >= 'A' && *a <= 'Z' ? (char)(*a - 'A' + 'a') : *a;
        if (x != *b)
            return 0;
    }
    return *a == *b;
}

static int reference(const char *s, double *out)
{
    static const char *const missing[] = {"nan", "na", "inf", "-inf", "+inf", "infinity", "-infinity"};
    char tmp[64];
    while (*s == ' ' || *s == '\t')
        s++;
    size_t n = strlen(s);
    while (n && (s[n - 1] == ' ' || s[n - 1] == '\t'))
        n--;
    if (n == 0 || (n == 1 && s[0] == '-')) {
        *out = NAN;
        return ZF_NUM_MISSING;
    }
    if (n >= sizeof tmp)
        return ZF_NUM_BAD;
    memcpy(tmp, s, n);
    tmp[n] = '\0';
    for (size_t k = 0; k < sizeof missing / sizeof missing[0]; k++)
        if (lower_eq(tmp, missing[k])) {
            *out = NAN;
            return ZF_NUM_MISSING;
        }
    if (strspn(tmp, "0123456789.+-eE") != n)
        return ZF_NUM_BAD;
    char *end = NULL;
    errno = 0;
    double v = strtod(tmp, &end);
    if (end != tmp + n || end == tmp || (errno == ERANGE && fabs(v) > 1.0))
        return ZF_NUM_BAD;
    *out = v;
    return ZF_NUM_OK;
}

static size_t g_mismatch;

/* Both parsers on s: same verdict, bit-identical value, out untouched on BAD. */
static void agree(const char *s)
{
    const double sentinel = 12345.678;
    double a = sentinel, b = sentinel;
    int ka = zf_parse_number(s, &a), kb = reference(s, &b);
    int same = ka == kb && (ka == ZF_NUM_OK ? memcmp(&a, &b, sizeof a) == 0
                                            : ka == ZF_NUM_MISSING ? isnan(a) && isnan(b) : a == sentinel);
    if (!same && g_mismatch++ < 20)
        fprintf(stderr, "mismatch on \"%s\": fast %d %.17g, strtod %d %.17g\n", s, ka, a, kb, b);
    CHECK(same);
}

/* splitmix64: a fixed sequence, so a failure reproduces */
static uint64_t g_state = 0x9E3779B97F4A7C15u;
static uint64_t next64(void)
{
    uint64_t z = (g_state += 0x9E3779B97F4A7C15u);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9u;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBu;
    return z ^ (z >> 31);
}
static unsigned below(unsigned n) { return (unsigned)(next64() % n); }

static void test_edge_cases(void)
{
    static const char *const cases[] = {
        "", " ", "\t", "-", "+", ".", "-.", "+.", ".5", "5.", "-.5", "+.5", "+5", "-0", "+0", "0", "-0.0", "0.000",
        "-0e0", "0e0", "00000", "007", "0.1", "0.2", "0.3", "134.202", "-134.202", "7.718", " 12 ", "\t-3.5\t",
        " 1 5", "1e5", "1E5", "1e+5", "1e-5", "1e", "1e+", "1e-", "e5", "E5", ".e5", "1.e5", ".5e1", "1e400",
        "-1e400", "1e-400", "-1e-400", "1e308", "1.7976931348623157e308", "1.7976931348623158e308",
        "1.7976931348623159e308", "2.2250738585072011e-308", "2.2250738585072014e-308", "4.9406564584124654e-324",
        "2.4703282292062327e-324", "2.4703282292062328e-324", "5e-324", "1e-320", "9007199254740991",
        "9007199254740992", "9007199254740993", "9007199254740994", "9007199254740995", "18014398509481985",
        "123456789012345678", "1234567890123456789", "12345678901234567890", "123456789012345678901234567890",
        "0.1234567890123456789", "3.141592653589793238462643383279", "1e22", "1e23", "1e-22", "1e-23",
        "9007199254740993e22", "4503599627370497e-22", "8.98846567431158e307", "0.30000000000000004",
        "1.0000000000000002", "0.9999999999999999", "2.5e-3", "1e0000000000000000000001", "1e-0000000000022",
        "nan", "NaN", "NAN", "-nan", "na", "NA", "n/a", "inf", "Inf", "-inf", "+inf", "+Inf", "infinity",
        "Infinity", "-infinity", "+infinity", "INFINITY", "0x1p3", "0x10", "1,5", "12,5", "1.2.3", "--1", "+-1",
        "-+1", "1-", "1+", "1e5e5", "1e5.5", "1 ", " 1", "1\n", "1f", "1d", "ab", "1e-5 ", "  -0  ",
        "0000000000000000000000000000000000000000000000000000000000000001", /* 64 characters */
        "000000000000000000000000000000000000000000000000000000000000001",  /* 63 */
        "0.00000000000000000000000000000000000000000000000000000000000001",
        "-0.0000000000000000000000000000000000000000000000000000000000001",
        "1.00000000000000000000000000000000000000000000000000000000000000000000000000000000001",
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        agree(cases[i]);
}

/* Random cells built from the grammar and beyond it: signs, runs of digits
 * (leading zeros, 17+ digits), points, exponents of every size, blanks and
 * stray characters. */
static void test_random_grammar(size_t n)
{
    static const char stray[] = "+-.eE 0123456789,xa\t";
    char s[160];
    for (size_t k = 0; k < n; k++) {
        size_t o = 0;
        unsigned shape = below(16);
        if (below(8) == 0)
            s[o++] = below(2) ? ' ' : '\t';
        if (shape == 15) { /* anything from the alphabet */
            unsigned len = below(12);
            for (unsigned i = 0; i < len; i++)
                s[o++] = stray[below(sizeof stray - 1)];
        } else {
            unsigned r = below(6);
            if (r == 0)
                s[o++] = '-';
            else if (r == 1)
                s[o++] = '+';
            unsigned idig = below(5) == 0 ? below(30) : below(5);
            unsigned zeros = below(4) == 0 ? below(6) : 0;
            for (unsigned i = 0; i < zeros; i++)
                s[o++] = '0';
            for (unsigned i = 0; i < idig; i++)
                s[o++] = (char)('0' + below(10));
            if (below(4) != 0) {
                s[o++] = '.';
                unsigned fdig = below(5) == 0 ? below(30) : below(8);
                for (unsigned i = 0; i < fdig; i++)
                    s[o++] = (char)('0' + below(10));
            }
            if (below(4) == 0) {
                s[o++] = below(2) ? 'e' : 'E';
                unsigned es = below(3);
                if (es == 1)
                    s[o++] = '-';
                else if (es == 2)
                    s[o++] = '+';
                unsigned edig = below(10) == 0 ? below(6) : 1 + below(3);
                for (unsigned i = 0; i < edig; i++)
                    s[o++] = (char)('0' + below(10));
            }
            if (below(50) == 0)
                s[o++] = stray[below(sizeof stray - 1)];
        }
        if (below(8) == 0)
            s[o++] = below(2) ? ' ' : '\t';
        s[o] = '\0';
        agree(s);
    }
}

/* Cells as programs print them: %.Nf, %.Ng, %.Ne and %.17g of doubles of
 * every magnitude, including subnormals and the extremes. */
static void test_random_printed(size_t n)
{
    char s[400];
    for (size_t k = 0; k < n; k++) {
        double v;
        unsigned kind = below(4);
        if (kind == 0) { /* tracker-like: positions and times */
            v = (double)(next64() >> 11) / 9007199254740992.0 * 2000.0 - 500.0;
        } else if (kind == 1) { /* any finite bit pattern */
            uint64_t bits = next64();
            memcpy(&v, &bits, sizeof v);
            if (!isfinite(v))
                v = 1.0;
        } else if (kind == 2) { /* near powers of ten */
            v = pow(10.0, (double)((int)below(60) - 30)) * (1.0 + ((double)below(1000) - 500.0) * 1e-16);
        } else { /* integers around 2^53 */
            v = 9007199254740992.0 + (double)((int)below(2001) - 1000);
        }
        unsigned f = below(4), prec = below(19);
        if (f == 0 && fabs(v) < 1e30)
            snprintf(s, sizeof s, "%.*f", (int)prec, v);
        else if (f == 1)
            snprintf(s, sizeof s, "%.*g", (int)prec + 1, v);
        else if (f == 2)
            snprintf(s, sizeof s, "%.*e", (int)prec, v);
        else
            snprintf(s, sizeof s, "%.17g", v);
        agree(s);
    }
}

/* A cell for the row test: mostly plain decimals of every length (the fast
 * path's grammar and just beyond it), some printed doubles, some anything. */
static void random_cell(char *s, size_t cap)
{
    static const char stray[] = "+-.eE 0123456789xa\t";
    size_t o = 0;
    unsigned kind = below(40);
    if (kind < 34) {
        if (below(4) == 0)
            s[o++] = '-';
        else if (below(40) == 0)
            s[o++] = '+';
        unsigned idig = below(6) == 0 ? below(24) : below(5);
        for (unsigned i = 0; i < idig; i++)
            s[o++] = (char)('0' + below(10));
        if (below(5) != 0) {
            s[o++] = '.';
            unsigned fdig = below(6) == 0 ? below(24) : below(9);
            for (unsigned i = 0; i < fdig; i++)
                s[o++] = (char)('0' + below(10));
        }
        if (below(30) == 0)
            s[o++] = stray[below(sizeof stray - 1)];
        s[o] = '\0';
    } else if (kind < 37) {
        uint64_t bits = next64();
        double v;
        memcpy(&v, &bits, sizeof v);
        if (!isfinite(v))
            v = 0.25;
        if (below(2))
            snprintf(s, cap, "%.17g", v);
        else
            snprintf(s, cap, "%.*f", (int)below(12), fmod(v, 1e6));
    } else if (kind < 39) {
        unsigned len = below(8);
        for (unsigned i = 0; i < len; i++)
            s[o++] = stray[below(sizeof stray - 1)];
        s[o] = '\0';
    } else {
        snprintf(s, cap, "\"%u.%u\"", below(1000), below(1000));
    }
}

/* zf_csv_next_numbers against zf_csv_next + zf_parse_number on a file of
 * random rows: the same verdict per row, bit-identical values, the same
 * fields when it falls back, the same line numbers. */
static void test_rows(const char *dir, size_t nrows)
{
    char path[1100], cell[400];
    snprintf(path, sizeof path, "%s/rows.csv", dir);
    FILE *f = fopen(path, "w");
    CHECK(f != NULL);
    if (!f)
        return;
    fputs("frame,x,t,y,extra\n", f);
    for (size_t r = 0; r < nrows; r++) {
        unsigned ncell = below(50) == 0 ? below(5) : 5;
        for (unsigned k = 0; k < ncell; k++) {
            random_cell(cell, sizeof cell);
            fprintf(f, "%s%s", k ? "," : "", cell);
        }
        fputs(below(20) == 0 ? "\r\n" : below(200) == 0 ? "\n\n" : "\n", f);
    }
    fclose(f);
    zf_csv *a = NULL, *b = NULL;
    size_t na = 0, nb = 0, fast = 0;
    CHECK_OK(zf_csv_open(path, 0, &a));
    CHECK_OK(zf_csv_open(path, 0, &b));
    if (!a || !b)
        goto done;
    CHECK(zf_csv_next(a, &na) == 1 && zf_csv_next(b, &nb) == 1);
    const int slot[4] = {-1, 1, 0, 2}; /* cells 1, 2, 3 to v[1], v[0], v[2] */
    for (;;) {
        double v[3] = {0, 0, 0};
        int ra = zf_csv_next(a, &na), rb = zf_csv_next_numbers(b, slot, 4, v, &nb);
        if (ra != 1) {
            CHECK(rb == ra);
            break;
        }
        CHECK(rb == 1 || rb == 2);
        CHECK(zf_csv_line(a) == zf_csv_line(b));
        if (rb == 2) {
            fast++;
            CHECK(na >= 4);
            for (size_t c = 1; c < 4 && c < na; c++) {
                double ref = 0;
                int k = zf_parse_number(zf_csv_field(a, c), &ref);
                CHECK(k == ZF_NUM_OK);
                double got = v[slot[c]];
                if (k != ZF_NUM_OK || memcmp(&ref, &got, sizeof ref) != 0) {
                    g_mismatch++;
                    CHECK(0);
                    fprintf(stderr, "  row %zu cell %zu \"%s\": %.17g, fast path %.17g\n", zf_csv_line(a), c,
                            zf_csv_field(a, c), ref, got);
                }
            }
        } else {
            CHECK(na == nb);
            for (size_t c = 0; c < na && c < nb; c++)
                CHECK(strcmp(zf_csv_field(a, c), zf_csv_field(b, c)) == 0);
            /* the fallback is right to fall back: some wanted cell is not a plain decimal or missing */
        }
    }
    CHECK(fast > nrows / 3); /* the test exercises both paths */
    CHECK(fast < nrows - nrows / 4);
done:
    zf_csv_close(a);
    zf_csv_close(b);
    remove(path);
}

int main(void)
{
    zf_init();
    const char *base = getenv("ZF_TMP");
    char dir[1024];
    snprintf(dir, sizeof dir, "%s", (base && base[0]) ? base : "/tmp/zf_number");
    CHECK_OK(zf_mkdir_p(dir));
    test_rows(dir, 300000);
    test_edge_cases();
    test_random_grammar(2000000);
    test_random_printed(2000000);
    if (g_mismatch)
        fprintf(stderr, "%zu mismatches\n", g_mismatch);
    return CHECK_DONE();
}
