/* test_track.c: unit tests of the generic CSV track reader (units, y flip, time base, missing values, located error messages). */
#include "check.h"
#include "testutil.h"
#include "zfstress/core.h"
#include "zfstress/track.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char g_dir[1024];

/* Write text to dir/name; the full path goes to out. Returns 0 on success. */
static int write_text(char *out, size_t size, const char *name, const char *text)
{
    return tu_write_text_in(out, size, g_dir, name, text);
}

static int msg_has(const char *needle) { return strstr(zf_errmsg(), needle) != NULL; }

/* Message contains "'<path>':<line>: column <col>" (file, line and column). */
static int msg_has_location(const char *path, int line, int col)
{
    char want[1300];
    snprintf(want, sizeof want, "'%s':%d: column %d", path, line, col);
    int ok = msg_has(want);
    if (!ok)
        fprintf(stderr, "  expected \"%s\" in: %s\n", want, zf_errmsg());
    return ok;
}

static zf_csv_spec spec_mm(void)
{
    zf_csv_spec s;
    memset(&s, 0, sizeof s);
    s.col_time = "t";
    s.col_x = "x";
    s.col_y = "y";
    s.units = ZF_UNITS_MM;
    return s;
}

static void test_units(void)
{
    char p[1200];
    zf_track tr;
    zf_csv_spec s = spec_mm();
    CHECK(write_text(p, sizeof p, "units.csv", "t,x,y\n0,1.5,2\n0.04,3,4.25\n0.08,-1,0\n") == 0);

    zf_track_init(&tr);
    CHECK_OK(zf_track_read_csv(p, &s, &tr));
    CHECK(tr.n == 3);
    if (tr.n == 3) {
        CHECK(tr.t[0] == 0.0 && tr.t[1] == 0.04 && tr.t[2] == 0.08);
        CHECK(tr.x[0] == 1.5 && tr.y[0] == 2.0);
        CHECK(tr.x[1] == 3.0 && tr.y[1] == 4.25);
        CHECK(tr.x[2] == -1.0 && tr.y[2] == 0.0);
    }
    zf_track_free(&tr);

    s.units = ZF_UNITS_CM; /* cm x 10 */
    zf_track_init(&tr);
    CHECK_OK(zf_track_read_csv(p, &s, &tr));
    CHECK(tr.n == 3);
    if (tr.n == 3) {
        CHECK_NEAR(tr.x[0], 15.0, 1e-12);
        CHECK_NEAR(tr.y[1], 42.5, 1e-12);
        CHECK_NEAR(tr.x[2], -10.0, 1e-12);
        CHECK(tr.t[1] == 0.04); /* time is not scaled */
    }
    zf_track_free(&tr);

    s.units = ZF_UNITS_PX; /* px / px_per_mm */
    s.px_per_mm = 4.0;
    zf_track_init(&tr);
    CHECK_OK(zf_track_read_csv(p, &s, &tr));
    CHECK(tr.n == 3);
    if (tr.n == 3) {
        CHECK_NEAR(tr.x[0], 0.375, 1e-12);  /* 1.5 / 4 */
        CHECK_NEAR(tr.y[1], 1.0625, 1e-12); /* 4.25 / 4 */
    }
    zf_track_free(&tr);

    /* Image coordinates: y_mm = y_origin - y_px / px_per_mm. */
    s.px_per_mm = 2.0;
    s.y_down = 1;
    s.y_origin = 100.0;
    CHECK(write_text(p, sizeof p, "ydown.csv", "t,x,y\n0,10,40\n1,20,200\n2,30,0\n") == 0);
    zf_track_init(&tr);
    CHECK_OK(zf_track_read_csv(p, &s, &tr));
    CHECK(tr.n == 3);
    if (tr.n == 3) {
        CHECK_NEAR(tr.y[0], 80.0, 1e-12);  /* 100 - 40/2 */
        CHECK_NEAR(tr.y[1], 0.0, 1e-12);   /* 100 - 200/2: the floor */
        CHECK_NEAR(tr.y[2], 100.0, 1e-12); /* 100 - 0 */
        CHECK_NEAR(tr.x[1], 10.0, 1e-12);  /* x is not flipped */
    }
    zf_track_free(&tr);

    CHECK(zf_units_parse("mm") == ZF_UNITS_MM && zf_units_parse("cm") == ZF_UNITS_CM &&
          zf_units_parse("px") == ZF_UNITS_PX && zf_units_parse("inch") == -1);
    CHECK(strcmp(zf_units_name(ZF_UNITS_CM), "cm") == 0 && strcmp(zf_units_name(ZF_UNITS_PX), "px") == 0);
}

static void test_time_base_and_missing(void)
{
    char p[1200];
    zf_track tr;
    zf_csv_spec s = spec_mm();
    s.col_time = NULL;
    s.fps = 25.0;
    /* extra columns, other column order, tab-delimited */
    CHECK(write_text(p, sizeof p, "notime.tsv", "frame\ty\tx\n0\t1\t2\n1\t3\t4\n2\t5\t6\n3\t7\t8\n") == 0);
    zf_track_init(&tr);
    CHECK_OK(zf_track_read_csv(p, &s, &tr));
    CHECK(tr.n == 4);
    for (size_t i = 0; i < tr.n && i < 4; i++)
        CHECK(tr.t[i] == (double)i / 25.0); /* t = row / fps */
    if (tr.n == 4)
        CHECK(tr.x[3] == 8.0 && tr.y[3] == 7.0);
    zf_track_free(&tr);

    s.col_time = ""; /* empty name means no time column too */
    zf_track_init(&tr);
    CHECK_OK(zf_track_read_csv(p, &s, &tr));
    CHECK(tr.n == 4 && tr.t[2] == 2.0 / 25.0);
    zf_track_free(&tr);

    /* Missing in either coordinate makes the whole position missing; rows are kept. */
    s = spec_mm();
    CHECK(write_text(p, sizeof p, "missing.csv",
                     "t,x,y\n0,1,1\n1,NaN,2\n2,3,\n3,-,NA\n4,5,5\n5,inf,6\n6, 7 , 7 \n") == 0);
    zf_track_init(&tr);
    CHECK_OK(zf_track_read_csv(p, &s, &tr));
    CHECK(tr.n == 7);
    if (tr.n == 7) {
        for (size_t i = 1; i <= 3; i++)
            CHECK(isnan(tr.x[i]) && isnan(tr.y[i]));
        CHECK(isnan(tr.x[5]) && isnan(tr.y[5]));
        CHECK(tr.t[2] == 2.0 && tr.t[5] == 5.0);
        CHECK(tr.x[4] == 5.0 && tr.y[6] == 7.0);
    }
    CHECK(zf_track_missing(&tr) == 4);
    zf_track_free(&tr);

    /* ... also after a y flip (NaN stays NaN). */
    s.y_down = 1;
    s.y_origin = 50.0;
    zf_track_init(&tr);
    CHECK_OK(zf_track_read_csv(p, &s, &tr));
    if (tr.n == 7) {
        CHECK(isnan(tr.y[1]) && isnan(tr.x[2]));
        CHECK(tr.y[0] == 49.0);
    }
    CHECK(zf_track_missing(&tr) == 4);
    zf_track_free(&tr);
    zf_track_free(NULL);
}

/* Expect status rc from reading text with spec; the track must be left empty. */
static void expect_fail(const char *name, const char *text, const zf_csv_spec *s, int rc, char *p, size_t size)
{
    zf_track tr;
    zf_track_init(&tr);
    CHECK(write_text(p, size, name, text) == 0);
    int got = zf_track_read_csv(p, s, &tr);
    CHECK(got == rc);
    if (got != rc)
        fprintf(stderr, "  %s: got %d, message: %s\n", name, got, zf_errmsg());
    CHECK(tr.n == 0 && tr.t == NULL && tr.x == NULL && tr.y == NULL);
    CHECK(msg_has(p));
    zf_track_free(&tr);
}

static void test_errors(void)
{
    char p[1200];
    zf_csv_spec s = spec_mm();

    /* decimal comma in a ';' file: line 3, column 2 */
    expect_fail("comma.csv", "t;x;y\n0;1;2\n0.04;12,5;3\n", &s, ZF_EPARSE, p, sizeof p);
    CHECK(msg_has_location(p, 3, 2));
    CHECK(msg_has("\"12,5\"") && msg_has("decimal comma"));

    /* other non-numeric text, in y (column 3), no decimal-comma hint */
    expect_fail("text.csv", "t,x,y\n0,1,2\n1,2,3\n2,3,abc\n", &s, ZF_EPARSE, p, sizeof p);
    CHECK(msg_has_location(p, 4, 3));
    CHECK(msg_has("\"abc\"") && !msg_has("decimal comma"));

    /* non-numeric and missing time */
    expect_fail("badtime.csv", "t,x,y\n0,1,2\nsoon,2,3\n", &s, ZF_EPARSE, p, sizeof p);
    CHECK(msg_has_location(p, 3, 1));
    expect_fail("notime.csv", "t,x,y\n0,1,2\nNA,2,3\n", &s, ZF_EPARSE, p, sizeof p);
    CHECK(msg_has_location(p, 3, 1));

    /* unknown column: the message names it and lists the columns found */
    zf_csv_spec u = s;
    u.col_x = "X center";
    expect_fail("unknown.csv", "t,x,y\n0,1,2\n1,2,3\n", &u, ZF_EPARSE, p, sizeof p);
    CHECK(msg_has("'X center'") && msg_has("'t', 'x', 'y'"));
    char want[1300];
    snprintf(want, sizeof want, "'%s':1:", p);
    CHECK(msg_has(want));

    /* time going backwards at line 4 */
    expect_fail("back.csv", "t,x,y\n0,1,1\n1,1,1\n0.5,1,1\n", &s, ZF_EDATA, p, sizeof p);
    CHECK(msg_has_location(p, 4, 1));
    CHECK(msg_has("backwards"));

    /* empty track: header only, one sample, an empty file */
    expect_fail("header.csv", "t,x,y\n", &s, ZF_EDATA, p, sizeof p);
    CHECK(msg_has("empty track"));
    expect_fail("one.csv", "t,x,y\n0,1,1\n", &s, ZF_EDATA, p, sizeof p);
    CHECK(msg_has("empty track"));
    expect_fail("empty.csv", "", &s, ZF_EDATA, p, sizeof p);
    CHECK(msg_has("empty"));

    /* every position missing */
    expect_fail("allmissing.csv", "t,x,y\n0,NaN,NaN\n1,,\n2,3,NA\n", &s, ZF_EDATA, p, sizeof p);
    CHECK(msg_has("missing"));

    /* row too short for the x/y columns */
    expect_fail("short.csv", "t,x,y\n0,1,1\n1,2\n", &s, ZF_EPARSE, p, sizeof p);
    snprintf(want, sizeof want, "'%s':3:", p);
    CHECK(msg_has(want));

    /* px without px_per_mm; no time column and no fps */
    zf_csv_spec px = s;
    px.units = ZF_UNITS_PX;
    expect_fail("px.csv", "t,x,y\n0,1,1\n1,2,2\n", &px, ZF_EINVAL, p, sizeof p);
    CHECK(msg_has("px_per_mm"));
    zf_csv_spec nofps = s;
    nofps.col_time = NULL;
    expect_fail("nofps.csv", "t,x,y\n0,1,1\n1,2,2\n", &nofps, ZF_EINVAL, p, sizeof p);
    CHECK(msg_has("fps"));

    /* missing file */
    zf_track tr;
    zf_track_init(&tr);
    snprintf(p, sizeof p, "%s/no_such_track.csv", g_dir);
    remove(p);
    CHECK(zf_track_read_csv(p, &s, &tr) == ZF_EIO);
    CHECK(tr.n == 0 && msg_has(p));
}

int main(void)
{
    zf_init();
    CHECK_OK(tu_tmpdir(g_dir, sizeof g_dir, "/tmp/zf_track"));

    test_units();
    test_time_base_and_missing();
    test_errors();
    return CHECK_DONE();
}
