/* test_table.c: unit tests of the delimited-text reader (delimiters, BOM, CRLF, quotes, line numbers), number parsing and the string table. */
#include "check.h"
#include "testutil.h"
#include "zfstress/core.h"
#include "zfstress/table.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char g_dir[1024];

static void tmp_path(char *out, size_t size, const char *name)
{
    snprintf(out, size, "%s/%s", g_dir, name);
}

/* Write len bytes to dir/name; the full path goes to out. Returns 0 on success. */
static int write_file(char *out, size_t size, const char *name, const char *data, size_t len)
{
    tmp_path(out, size, name);
    return tu_write_bytes(out, data, len);
}

static int write_text(char *out, size_t size, const char *name, const char *text)
{
    return write_file(out, size, name, text, strlen(text));
}

static int streq(const char *a, const char *b) { return a && b && strcmp(a, b) == 0; }

static int msg_has(const char *needle) { return strstr(zf_errmsg(), needle) != NULL; }

/* Read path with zf_table_read; NULL (and a failed check) on error. */
static zf_table *read_ok(const char *path)
{
    zf_table *t = NULL;
    CHECK_OK(zf_table_read(path, &t));
    return t;
}

static void test_delimiters(void)
{
    char p[1200];
    struct { const char *name, *text; char delim; const char *cell; } cases[] = {
        {"comma.csv", "a,b,c\n1,2.5,x\n", ',', "2.5"},
        {"semi.csv", "a;b;c\n1;2,5;x\n", ';', "2,5"},       /* decimal comma stays one field */
        {"tab.tsv", "a\tb\tc\n1\t2, 5;\tx\n", '\t', "2, 5;"}, /* commas and ';' inside TSV fields */
    };
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        CHECK(write_text(p, sizeof p, cases[k].name, cases[k].text) == 0);
        zf_csv *c = NULL;
        size_t nf = 0;
        CHECK_OK(zf_csv_open(p, 0, &c));
        if (!c)
            continue;
        CHECK(zf_csv_next(c, &nf) == 1);
        CHECK(nf == 3);
        CHECK(zf_csv_delim(c) == cases[k].delim);
        CHECK(streq(zf_csv_field(c, 0), "a"));
        CHECK(zf_csv_field(c, 3) == NULL);
        CHECK(zf_csv_next(c, &nf) == 1);
        CHECK(nf == 3);
        CHECK(streq(zf_csv_field(c, 1), cases[k].cell));
        CHECK(zf_csv_line(c) == 2);
        CHECK(zf_csv_next(c, &nf) == 0);
        CHECK(zf_csv_bytes(c) == strlen(cases[k].text));
        CHECK(streq(zf_csv_path(c), p));
        zf_csv_close(c);

        zf_table *t = read_ok(p);
        if (t) {
            CHECK(t->ncol == 3 && t->nrow == 1);
            CHECK(streq(zf_table_cell(t, 0, 1), cases[k].cell));
            CHECK(streq(zf_table_cell(t, 0, 2), "x"));
            CHECK(streq(t->path, p));
        }
        zf_table_free(t);
    }
    /* An explicit delimiter overrides detection. */
    CHECK(write_text(p, sizeof p, "forced.csv", "a;b,c\n1;2,3\n") == 0);
    zf_csv *c = NULL;
    size_t nf = 0;
    CHECK_OK(zf_csv_open(p, ',', &c));
    if (c) {
        CHECK(zf_csv_next(c, &nf) == 1 && nf == 2);
        CHECK(streq(zf_csv_field(c, 0), "a;b"));
        zf_csv_close(c);
    }
    zf_csv_close(NULL);
}

static void test_bom_crlf(void)
{
    char p[1200];
    const char text[] = "\xEF\xBB\xBFid,group\r\nf1,ctrl\r\nf2,ket\r\n";
    CHECK(write_text(p, sizeof p, "bom.csv", text) == 0);
    zf_table *t = read_ok(p);
    if (t) {
        CHECK(t->ncol == 2 && t->nrow == 2);
        CHECK(streq(t->names[0], "id"));      /* BOM removed */
        CHECK(streq(t->names[1], "group"));   /* no trailing CR */
        CHECK(streq(zf_table_cell(t, 0, 1), "ctrl"));
        CHECK(streq(zf_table_cell(t, 1, 1), "ket"));
        CHECK(t->line[0] == 2 && t->line[1] == 3);
        CHECK(zf_table_col(t, "id") == 0);
    }
    zf_table_free(t);
}

static void test_quotes_and_lines(void)
{
    char p[1200];
    /* line 1 header, line 2 escapes + delimiter, lines 3-4 one row with an
     * embedded newline, line 5 blank, line 6 blanks only, line 7 a plain row */
    const char text[] =
        "id,note,x\n"
        "1,\"he said \"\"hi\"\", twice\",3\n"
        "2,\"line one\n"
        "line two\",4\n"
        "\n"
        "   \n"
        "3,plain,5\n";
    CHECK(write_text(p, sizeof p, "quotes.csv", text) == 0);

    zf_csv *c = NULL;
    size_t nf = 0;
    CHECK_OK(zf_csv_open(p, 0, &c));
    if (c) {
        CHECK(zf_csv_next(c, &nf) == 1 && zf_csv_line(c) == 1);
        CHECK(zf_csv_next(c, &nf) == 1 && nf == 3);
        CHECK(zf_csv_line(c) == 2);
        CHECK(streq(zf_csv_field(c, 1), "he said \"hi\", twice"));
        CHECK(streq(zf_csv_field(c, 2), "3"));
        CHECK(zf_csv_next(c, &nf) == 1 && nf == 3);
        CHECK(zf_csv_line(c) == 3);
        CHECK(streq(zf_csv_field(c, 1), "line one\nline two"));
        CHECK(streq(zf_csv_field(c, 2), "4"));
        CHECK(zf_csv_next(c, &nf) == 1 && nf == 3);
        CHECK(zf_csv_line(c) == 7); /* the embedded newline and the blank lines are counted */
        CHECK(streq(zf_csv_field(c, 1), "plain"));
        CHECK(zf_csv_next(c, &nf) == 0);
        zf_csv_close(c);
    }
    zf_table *t = read_ok(p);
    if (t) {
        CHECK(t->nrow == 3);
        CHECK(t->line[0] == 2 && t->line[1] == 3 && t->line[2] == 7);
        CHECK(streq(zf_table_cell(t, 1, 1), "line one\nline two"));
        CHECK(streq(zf_table_cell(t, 2, 0), "3"));
    }
    zf_table_free(t);

    /* Blank lines anywhere are skipped; short rows are padded; a trailing empty field is fine. */
    CHECK(write_text(p, sizeof p, "blank.csv", "\n\na,b,c\n\n1,2\n\t\n4,5,6,\n") == 0);
    t = read_ok(p);
    if (t) {
        CHECK(t->ncol == 3 && t->nrow == 2);
        CHECK(streq(t->names[0], "a"));
        CHECK(t->line[0] == 5 && t->line[1] == 7);
        CHECK(streq(zf_table_cell(t, 0, 2), ""));
        CHECK(streq(zf_table_cell(t, 1, 2), "6"));
        CHECK(streq(zf_table_cell(t, 9, 0), "")); /* out of range is "" */
    }
    zf_table_free(t);

    /* An unterminated quote is a parse error naming the file. */
    CHECK(write_text(p, sizeof p, "unterminated.csv", "a,b\n1,\"open\n") == 0);
    zf_table *bad = NULL;
    CHECK(zf_table_read(p, &bad) == ZF_EPARSE);
    CHECK(bad == NULL);
    CHECK(msg_has(p));
}

static void test_parse_number(void)
{
    const char *ok[] = {"0", "12.5", "-3.25", "+7", "1e3", "2.5E-2", ".5", "5.", "  42  ", "\t-0.125\t", "1e-300",
                        "123456789.123456789"};
    for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++) {
        double v = -999.0;
        CHECK(zf_parse_number(ok[i], &v) == ZF_NUM_OK);
        CHECK(v == strtod(ok[i], NULL));
    }
    const char *missing[] = {"", "-", "NaN", "nan", "NA", "inf", "-inf", "Inf", "  ", " NA "};
    for (size_t i = 0; i < sizeof missing / sizeof missing[0]; i++) {
        double v = 1.0;
        CHECK(zf_parse_number(missing[i], &v) == ZF_NUM_MISSING);
        CHECK(isnan(v));
    }
    const char *bad[] = {"12,5", "abc", "0x10", "1e400", "-1e400", "1.2.3", "e5", "12 5", "3mm", "."};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        double v = 7.0;
        int k = zf_parse_number(bad[i], &v);
        CHECK(k == ZF_NUM_BAD);
        if (k != ZF_NUM_BAD)
            fprintf(stderr, "  (input \"%s\")\n", bad[i]);
        CHECK(v == 7.0); /* untouched */
    }
}

static void test_table_errors(void)
{
    char p[1200];
    zf_table *t = NULL;

    tmp_path(p, sizeof p, "does_not_exist.csv");
    remove(p);
    CHECK(zf_table_read(p, &t) == ZF_EIO);
    CHECK(t == NULL);
    CHECK(msg_has(p));

    CHECK(write_text(p, sizeof p, "empty.csv", "") == 0);
    CHECK(zf_table_read(p, &t) == ZF_EPARSE);
    CHECK(t == NULL);
    CHECK(msg_has(p) && msg_has("empty"));

    CHECK(write_text(p, sizeof p, "blank_only.csv", "\n\n  \n") == 0);
    CHECK(zf_table_read(p, &t) == ZF_EPARSE);
    CHECK(msg_has("empty"));

    CHECK(write_text(p, sizeof p, "dup.csv", "id,group,id\n1,a,2\n") == 0);
    CHECK(zf_table_read(p, &t) == ZF_EPARSE);
    CHECK(t == NULL);
    CHECK(msg_has(p) && msg_has("duplicate") && msg_has("'id'"));

    /* row 2 (line 4, after a blank line) has 4 fields for a 3-column header */
    CHECK(write_text(p, sizeof p, "long.csv", "a,b,c\n1,2,3\n\n4,5,6,7\n") == 0);
    CHECK(zf_table_read(p, &t) == ZF_EPARSE);
    CHECK(t == NULL);
    char want[1300];
    snprintf(want, sizeof want, "%s':4:", p);
    CHECK(msg_has(want));
    if (!msg_has(want))
        fprintf(stderr, "  message: %s\n", zf_errmsg());

    /* UTF-16 (both byte orders, EthoVision's "Unicode" export) is transcoded to UTF-8:
     * "id;x\n1;2,5\n" with a non-ASCII header "X°" in the second case. */
    const char le[] = "\xFF\xFEi\0d\0;\0x\0\r\0\n\0a\0;\0\x31\0\r\0\n\0";
    const char be[] = "\xFE\xFF\0i\0d\0;\0X\0\xB0\0\n\0b\0;\0\x32\0\n";
    CHECK(write_file(p, sizeof p, "utf16le.csv", le, sizeof le - 1) == 0);
    CHECK_OK(zf_table_read(p, &t));
    if (t) {
        CHECK(t->ncol == 2 && t->nrow == 1);
        CHECK(strcmp(t->names[1], "x") == 0);
        CHECK(strcmp(zf_table_cell(t, 0, 0), "a") == 0 && strcmp(zf_table_cell(t, 0, 1), "1") == 0);
        zf_table_free(t);
        t = NULL;
    }
    CHECK(write_file(p, sizeof p, "utf16be.csv", be, sizeof be - 1) == 0);
    CHECK_OK(zf_table_read(p, &t));
    if (t) {
        CHECK(strcmp(t->names[1], "X\xC2\xB0") == 0); /* U+00B0 in UTF-8 */
        CHECK(strcmp(zf_table_cell(t, 0, 1), "2") == 0);
        zf_table_free(t);
        t = NULL;
    }
    /* an odd byte count is a truncated UTF-16 file */
    const char odd[] = "\xFF\xFEi\0d";
    CHECK(write_file(p, sizeof p, "utf16odd.csv", odd, sizeof odd - 1) == 0);
    CHECK(zf_table_read(p, &t) == ZF_EPARSE);
    CHECK(t == NULL);
    CHECK(msg_has(p) && msg_has("UTF-16") && msg_has("odd number of bytes"));
    zf_table_free(NULL);
}

static void test_columns(void)
{
    char p[1200];
    CHECK(write_text(p, sizeof p, "cols.csv",
                     "id,dose,group,empty,mixed\n"
                     "f1,0,ctrl,,1\n"
                     "f2,NA,ket,-,x\n"
                     "f3,2.5e1,ket,NaN,2\n") == 0);
    zf_table *t = read_ok(p);
    if (!t)
        return;
    CHECK(zf_table_col(t, "id") == 0);
    CHECK(zf_table_col(t, "group") == 2);
    CHECK(zf_table_col(t, "mixed") == 4);
    CHECK(zf_table_col(t, "Group") == -1); /* names are case-sensitive */
    CHECK(zf_table_col(t, "nope") == -1);
    CHECK(zf_table_col_numeric(t, 1) == 1); /* missing cells allowed */
    CHECK(zf_table_col_numeric(t, 0) == 0);
    CHECK(zf_table_col_numeric(t, 2) == 0);
    CHECK(zf_table_col_numeric(t, 3) == 0); /* nothing but missing is not numeric */
    CHECK(zf_table_col_numeric(t, 4) == 0);
    zf_table_free(t);
}

/* A cell quoted in an error message: short cells whole, long ones cut at a character boundary with their size. */
static void test_excerpt(void)
{
    char buf[32];
    CHECK(streq(zf_excerpt("12.5mm", buf, sizeof buf), "12.5mm"));
    char big[200];
    memset(big, '7', sizeof big - 1);
    big[sizeof big - 1] = '\0';
    const char *e = zf_excerpt(big, buf, sizeof buf);
    /* "... (199 bytes)" is 15 bytes: 16 sevens fit before it in 32 with the NUL */
    CHECK(streq(e, "7777777777777777... (199 bytes)"));
    CHECK(strlen(e) < sizeof buf);
    /* a two-byte character ("\xc3\xa9", e-acute) across the cut is left out whole */
    char acc[64];
    memset(acc, 'a', sizeof acc - 1);
    acc[sizeof acc - 1] = '\0';
    acc[16] = (char)0xc3; /* "... (63 bytes)" is 14 bytes: 17 would fit, byte 17 continues the character */
    acc[17] = (char)0xa9;
    e = zf_excerpt(acc, buf, sizeof buf);
    CHECK(streq(e, "aaaaaaaaaaaaaaaa... (63 bytes)"));
    CHECK(strlen(ZF_EXCERPT(big)) < ZF_EXCERPT_SIZE);
}

/* A NUL byte inside a line is an error naming the line and the field, on the
 * plain path and on the path that parses numbers while it scans. */
static void test_nul_byte(void)
{
    static const char text[] = "t,x,y,note\n0,1.5,2.5,ok\n0.1,1.5,2\0\0,ok\n0.2,1.5,2.5,o\0k\n";
    char p[4096];
    snprintf(p, sizeof p, "%s/nul.csv", g_dir);
    CHECK(tu_write_bytes(p, text, sizeof text - 1) == 0);
    for (int numbers = 0; numbers < 2; numbers++) {
        zf_csv *c = NULL;
        size_t nf = 0;
        int slot[3] = {0, 1, 2};
        double v[3];
        CHECK_OK(zf_csv_open(p, 0, &c));
        if (!c)
            return;
        CHECK(zf_csv_next(c, &nf) == 1 && nf == 4);
        int rc = numbers ? zf_csv_next_numbers(c, slot, 3, v, &nf) : zf_csv_next(c, &nf);
        CHECK(rc >= 1 && nf == 4);
        /* line 3: the NUL bytes end field 3 */
        rc = numbers ? zf_csv_next_numbers(c, slot, 3, v, &nf) : zf_csv_next(c, &nf);
        CHECK(rc == ZF_EPARSE);
        CHECK(strstr(zf_errmsg(), "nul.csv':3: field 3 holds a NUL byte") != NULL);
        zf_csv_close(c);
        /* line 4: a NUL byte in a field after the numbers read */
        CHECK_OK(zf_csv_open(p, 0, &c));
        for (int k = 0; k < 2; k++)
            CHECK(zf_csv_next(c, &nf) == 1);
        (void)zf_csv_next(c, &nf);
        rc = numbers ? zf_csv_next_numbers(c, slot, 3, v, &nf) : zf_csv_next(c, &nf);
        CHECK(rc == ZF_EPARSE);
        CHECK(strstr(zf_errmsg(), "nul.csv':4: field 4 holds a NUL byte") != NULL);
        zf_csv_close(c);
    }
}

int main(void)
{
    zf_init();
    CHECK_OK(tu_tmpdir(g_dir, sizeof g_dir, "/tmp/zf_table"));

    test_delimiters();
    test_bom_crlf();
    test_quotes_and_lines();
    test_parse_number();
    test_table_errors();
    test_columns();
    test_excerpt();
    test_nul_byte();
    return CHECK_DONE();
}
