/* test_plot.c: unit tests of the figure module: ticks, beeswarm, p labels, the PNG writer and the box + swarm figure. */
#include "check.h"
#include "testutil.h"
#include "plottest.h"
#include "plot/plot_internal.h"
#include "zfstress/core.h"
#include "zfstress/plot.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static int tmp_exists(const char *path)
{
    char buf[4096];
    snprintf(buf, sizeof buf, "%s.tmp", path);
    return tu_exists(buf);
}

static const unsigned char *pixel(const png_rb *im, double x, double y)
{
    size_t px = (size_t)floor(x), py = (size_t)floor(y);
    return im->rgba + (py * im->w + px) * 4;
}

static int colour_near(const unsigned char *p, uint32_t rgb, int tol)
{
    int r = (int)((rgb >> 16) & 0xFF), g = (int)((rgb >> 8) & 0xFF), b = (int)(rgb & 0xFF);
    return abs(p[0] - r) <= tol && abs(p[1] - g) <= tol && abs(p[2] - b) <= tol && p[3] == 255;
}

static void test_ticks(void)
{
    zf_ticks t;
    CHECK_OK(zf_nice_ticks(0.0, 1.0, 5, &t));
    CHECK_NEAR(t.lo, 0.0, 1e-12);
    CHECK_NEAR(t.hi, 1.0, 1e-12);
    CHECK_NEAR(t.step, 0.2, 1e-12);
    CHECK(t.count == 6);
    CHECK(t.nfrac == 1);

    CHECK_OK(zf_nice_ticks(0.3, 9.7, 5, &t));
    CHECK_NEAR(t.lo, 0.0, 1e-12);
    CHECK_NEAR(t.hi, 10.0, 1e-12);
    CHECK_NEAR(t.step, 2.0, 1e-12);
    CHECK(t.count == 6);
    CHECK(t.nfrac == 0);

    CHECK_OK(zf_nice_ticks(-3.2, 47.0, 5, &t));
    CHECK_NEAR(t.lo, -10.0, 1e-12);
    CHECK_NEAR(t.hi, 50.0, 1e-12);
    CHECK_NEAR(t.step, 10.0, 1e-12);
    CHECK(t.count == 7);

    CHECK_OK(zf_nice_ticks(9.8, 31.0, 5, &t)); /* tight: not 0-40 */
    CHECK_NEAR(t.lo, 5.0, 1e-12);
    CHECK_NEAR(t.hi, 35.0, 1e-12);

    CHECK_OK(zf_nice_ticks(0.0012, 0.0047, 5, &t));
    CHECK_NEAR(t.step, 0.001, 1e-9);
    CHECK(t.nfrac == 3);

    CHECK_OK(zf_nice_ticks(12.0, 12.0, 5, &t)); /* one value is widened */
    CHECK(t.lo < 12.0 && t.hi > 12.0);
    CHECK_OK(zf_nice_ticks(0.0, 0.0, 5, &t));
    CHECK(t.lo < 0.0 + 1e-12 && t.hi > 0.0);
    CHECK(zf_nice_ticks(NAN, 1.0, 5, &t) == ZF_EINVAL);
    CHECK(zf_nice_ticks(0.0, INFINITY, 5, &t) == ZF_EINVAL);
    CHECK(zf_nice_ticks(-1e308, 1e308, 5, &t) == ZF_EINVAL);

    CHECK_NEAR(zf_nice_num(0.23, 1), 0.2, 1e-12);
    CHECK_NEAR(zf_nice_num(0.23, 0), 0.5, 1e-12);
    CHECK_NEAR(zf_nice_num(730.0, 1), 1000.0, 1e-12);
    CHECK_NEAR(zf_nice_num(3.0, 1), 5.0, 1e-12);

    /* properties over many ranges: cover the data, nice step, sane count */
    unsigned seed = 12345u;
    for (int i = 0; i < 2000; i++) {
        seed = seed * 1103515245u + 12345u;
        double a = ((double)(seed >> 8) / 16777216.0 - 0.5) * pow(10.0, (double)(i % 9) - 4.0);
        seed = seed * 1103515245u + 12345u;
        double b = a + (double)(seed >> 8) / 16777216.0 * pow(10.0, (double)(i % 7) - 3.0);
        if (zf_nice_ticks(a, b, 5, &t) != ZF_OK) {
            CHECK(0);
            continue;
        }
        double m = t.step / pow(10.0, floor(log10(t.step) + 1e-9));
        int nice = fabs(m - 1.0) < 1e-9 || fabs(m - 2.0) < 1e-9 || fabs(m - 5.0) < 1e-9;
        if (!(t.lo <= a + 1e-8 * t.step && t.hi >= b - 1e-8 * t.step && nice && t.count >= 3 &&
              t.count <= 11)) {
            fprintf(stderr, "ticks for [%g, %g]: lo %g hi %g step %g count %d\n", a, b, t.lo, t.hi,
                    t.step, t.count);
            CHECK(0);
        }
    }
}

static void test_p_labels(void)
{
    char buf[32];
    zf_p_format(0.0123, buf, sizeof buf);
    CHECK(strcmp(buf, "p = 0.0123") == 0);
    zf_p_format(0.00004, buf, sizeof buf);
    CHECK(strcmp(buf, "p < 0.0001") == 0);
    zf_p_format(0.5, buf, sizeof buf);
    CHECK(strcmp(buf, "p = 0.500") == 0);
    zf_p_format(0.000123, buf, sizeof buf);
    CHECK(strcmp(buf, "p = 0.000123") == 0);
    zf_p_format(NAN, buf, sizeof buf);
    CHECK(buf[0] == '\0');
    CHECK(strcmp(zf_p_stars(0.2), "ns") == 0);
    CHECK(strcmp(zf_p_stars(0.05), "ns") == 0);
    CHECK(strcmp(zf_p_stars(0.049), "*") == 0);
    CHECK(strcmp(zf_p_stars(0.009), "**") == 0);
    CHECK(strcmp(zf_p_stars(0.0009), "***") == 0);
    CHECK(strcmp(zf_p_stars(0.00009), "****") == 0);
    CHECK(zf_plot_group_rgb(1) == 0xE69F00);
    CHECK(zf_plot_group_rgb(2) == 0x56B4E9);
    CHECK(zf_plot_group_rgb(9) == 0xE69F00);
    zf_format_tick(-2.5, 1, buf, sizeof buf);
    CHECK(strcmp(buf, "\xe2\x88\x92" "2.5") == 0);
    zf_format_tick(-1e-17, 1, buf, sizeof buf);
    CHECK(strcmp(buf, "0.0") == 0);
    zf_format_tick(35.0, 0, buf, sizeof buf);
    CHECK(strcmp(buf, "35") == 0);
    const char svg_in[] = "<g id=\"surface146\"><use xlink:href=\"#surface9\"/><g id=\"surface9\">";
    char *svg_out = NULL;
    size_t svg_len = 0;
    CHECK_OK(zf_svg_renumber_surfaces(svg_in, strlen(svg_in), &svg_out, &svg_len));
    CHECK(svg_out && strcmp(svg_out, "<g id=\"surface1\"><use xlink:href=\"#surface2\"/><g id=\"surface2\">") == 0);
    CHECK(svg_out && svg_len == strlen(svg_out));
    free(svg_out);
}

static int swarm_ok(const double *y, const double *x, size_t n, double r)
{
    for (size_t i = 0; i < n; i++)
        for (size_t j = i + 1; j < n; j++) {
            double dx = x[i] - x[j], dy = y[i] - y[j];
            if (sqrt(dx * dx + dy * dy) < 2.0 * r * (1.0 - 1e-6)) {
                fprintf(stderr, "points %zu and %zu overlap\n", i, j);
                return 0;
            }
        }
    return 1;
}

static void test_beeswarm(void)
{
    enum { N = 300 };
    double y[N], x[N];
    /* heavy ties and clusters */
    for (size_t i = 0; i < N; i++)
        y[i] = floor((double)i / 7.0) * 0.3 + (i % 3 == 0 ? 0.05 : 0.0);
    for (size_t i = 1; i < N; i++) /* insertion sort: the input must be ascending */
        for (size_t j = i; j > 0 && y[j] < y[j - 1]; j--) {
            double s = y[j];
            y[j] = y[j - 1];
            y[j - 1] = s;
        }
    CHECK_OK(zf_beeswarm(y, N, 0.7, x));
    CHECK(swarm_ok(y, x, N, 0.7));
    CHECK(x[0] == 0.0);
    /* well separated values all sit on the centre line */
    double ys[5] = {0.0, 2.0, 4.0, 6.0, 8.0}, xs[5];
    CHECK_OK(zf_beeswarm(ys, 5, 0.5, xs));
    CHECK(xs[0] == 0.0 && xs[2] == 0.0 && xs[4] == 0.0);
    /* identical values: a row at 0, -2r, +2r, -4r ... */
    double yt[4] = {1.0, 1.0, 1.0, 1.0}, xt[4];
    CHECK_OK(zf_beeswarm(yt, 4, 0.5, xt));
    CHECK_NEAR(xt[0], 0.0, 1e-12);
    CHECK_NEAR(xt[1], -1.0, 1e-12);
    CHECK_NEAR(xt[2], 1.0, 1e-12);
    CHECK_NEAR(xt[3], -2.0, 1e-12);
    double yu[3] = {1.0, 0.0, 2.0};
    CHECK(zf_beeswarm(yu, 3, 0.5, xt) == ZF_EINVAL);
    CHECK(zf_beeswarm(ys, 5, 0.0, xs) == ZF_EINVAL);
    CHECK_OK(zf_beeswarm(ys, 0, 0.5, xs));
}

static void test_argb(void)
{
    uint32_t src[3] = {0xFF102030u, 0x80404040u, 0x00000000u};
    unsigned char out[12];
    zf_argb32_to_rgba((const unsigned char *)src, 3, 1, sizeof src, out);
    CHECK(out[0] == 0x10 && out[1] == 0x20 && out[2] == 0x30 && out[3] == 0xFF);
    CHECK(out[4] == 128 && out[5] == 128 && out[6] == 128 && out[7] == 0x80);
    CHECK(out[8] == 0 && out[11] == 0);
    CHECK(zf_mm_to_px(85.0, 300) == 1004);
    CHECK(zf_mm_to_px(70.0, 300) == 827);
}

static void test_png_writer(void)
{
    char *path = tmp_path("small.png");
    unsigned char img[2 * 12]; /* 3 x 2, rows of 12 bytes */
    for (size_t i = 0; i < sizeof img; i++)
        img[i] = (unsigned char)(i * 10);
    zf_png_text text[] = {{"Software", "zfstress test"}, {"Study", "anxiety \xc3\xa9tude"}};
    remove(path);
    CHECK_OK(zf_png_write(path, img, 3, 2, 12, 600, text, 2));
    CHECK(!tmp_exists(path));
    png_rb im;
    if (read_png(path, &im)) {
        CHECK(im.w == 3 && im.h == 2);
        CHECK(!im.rgb_only); /* translucent pixels: RGBA */
        CHECK(im.ppm_x == 23622 && im.ppm_y == 23622 && im.phys_unit == PNG_RESOLUTION_METER);
        CHECK(!im.has_time);
        CHECK(memcmp(im.rgba, img, sizeof img) == 0);
        CHECK(im.ntext == 2);
        CHECK(strcmp(im.keys[0], "Software") == 0 && strcmp(im.values[0], "zfstress test") == 0);
        CHECK(strcmp(im.keys[1], "Study") == 0 && strcmp(im.values[1], "anxiety \xc3\xa9tude") == 0);
        free(im.rgba);
    } else {
        CHECK(!"cannot read back small.png");
    }
    /* invalid arguments and keys */
    zf_png_text bad[] = {{"", "x"}};
    CHECK(zf_png_write(path, img, 3, 2, 8, 300, NULL, 0) == ZF_EINVAL);
    CHECK(zf_png_write(path, img, 3, 2, 12, 300, bad, 1) == ZF_EINVAL);
    /* a directory that does not exist: error naming the file, nothing left */
    const char *missing = "/nonexistent-zf-dir/sub/x.png";
    int rc = zf_png_write(missing, img, 3, 2, 12, 300, text, 2);
    CHECK(rc == ZF_EIO);
    CHECK(strstr(zf_errmsg(), "x.png") != NULL);
    CHECK(!tu_exists(missing) && !tmp_exists(missing));
    /* libpng itself refuses (width over its limit): the longjmp path, no file */
    char *wide = tmp_path("wide.png");
    size_t wpx = 2000000;
    unsigned char *row = calloc(wpx, 4);
    if (row) {
        rc = zf_png_write(wide, row, (int)wpx, 1, wpx * 4, 300, text, 2);
        CHECK(rc == ZF_EIO);
        CHECK(strstr(zf_errmsg(), "wide.png") != NULL);
        CHECK(!tu_exists(wide) && !tmp_exists(wide));
        free(row);
    }
    free(wide);
    free(path);
}

/* cairo's native rows straight to libpng: opaque gives RGB, translucent RGBA, same colours. */
static void test_png_argb32(void)
{
    char *path = tmp_path("argb.png");
    uint32_t px[2 * 4] = {0xFF102030u, 0xFFFFFFFFu, 0xFF000000u, 0xDEADBEEFu, /* 3 x 2, stride 16 */
                          0xFFA0B0C0u, 0xFF010203u, 0xFFFEFDFCu, 0x00000000u};
    png_rb im;
    CHECK_OK(zf_png_write_argb32(path, (const unsigned char *)px, 3, 2, 16, 300, NULL, 0));
    if (read_png(path, &im)) {
        CHECK(im.w == 3 && im.h == 2 && im.rgb_only);
        static const unsigned char want[24] = {0x10, 0x20, 0x30, 255, 255, 255, 255, 255, 0, 0, 0, 255,
                                               0xA0, 0xB0, 0xC0, 255, 1, 2, 3, 255, 0xFE, 0xFD, 0xFC, 255};
        CHECK(memcmp(im.rgba, want, sizeof want) == 0);
        free(im.rgba);
    } else {
        CHECK(!"cannot read back argb.png");
    }
    px[4] = 0x80404040u;
    CHECK_OK(zf_png_write_argb32(path, (const unsigned char *)px, 3, 2, 16, 300, NULL, 0));
    if (read_png(path, &im)) {
        CHECK(!im.rgb_only);
        CHECK(im.rgba[12] == 128 && im.rgba[13] == 128 && im.rgba[14] == 128 && im.rgba[15] == 0x80);
        CHECK(im.rgba[0] == 0x10 && im.rgba[3] == 255);
        free(im.rgba);
    } else {
        CHECK(!"cannot read back argb.png");
    }
    CHECK(zf_png_write_argb32(path, (const unsigned char *)px, 3, 2, 8, 300, NULL, 0) == ZF_EINVAL);
    free(path);
}

/* Fixed fish data: control, stressed (higher), treated; a NaN that must be skipped. */
static const double ctrl[] = {12.1, 14.3, 9.8, 11.0, 13.5, 10.2, NAN, 12.9, 11.7, 15.2, 10.9, 12.4, 13.1};
static const double stressed[] = {18.2, 21.5, 16.9, 19.8, 23.1, 17.4, 20.6, 22.0, 18.8, 19.1, 24.5,
                                  17.9, 20.2, 21.1, 16.5};
static const double treated[] = {14.8, 13.2, 16.1, 15.5, 12.7, 14.0, 17.3, 15.0, 13.8, 31.0};
static const double p_vs_ctrl[] = {NAN, 0.00002, 0.0123};

static zf_box_figure demo_figure(zf_plot_group *groups)
{
    groups[0] = (zf_plot_group){"control", ctrl, sizeof ctrl / sizeof ctrl[0]};
    groups[1] = (zf_plot_group){"stressed", stressed, sizeof stressed / sizeof stressed[0]};
    groups[2] = (zf_plot_group){"stressed + drug", treated, sizeof treated / sizeof treated[0]};
    zf_box_figure fig = {0};
    fig.title = "Time in top zone";
    fig.ylabel = "time in top (s)";
    fig.groups = groups;
    fig.ngroups = 3;
    fig.p = p_vs_ctrl;
    fig.p_label = "Welch t, Holm";
    return fig;
}

static void test_box_png(void)
{
    zf_plot_group groups[3];
    zf_box_figure fig = demo_figure(groups);
    zf_png_text text[] = {{"Software", "zfstress " ZF_VERSION}, {"Study", "demo"},
                          {"Input-SHA256", "0123abcd"}};
    char *a = tmp_path("box_a.png"), *b = tmp_path("box_b.png");
    remove(a);
    remove(b);
    CHECK_OK(zf_plot_box_swarm(&fig, a, text, 3));
    CHECK_OK(zf_plot_box_swarm(&fig, b, text, 3));
    CHECK(!tmp_exists(a) && !tmp_exists(b));

    /* byte-identical renders */
    size_t la = 0, lb = 0;
    unsigned char *da = tu_slurp(a, &la), *db = tu_slurp(b, &lb);
    CHECK(da && db && la == lb && la > 1000 && memcmp(da, db, la) == 0);
    free(da);
    free(db);

    png_rb im;
    if (!read_png(a, &im)) {
        CHECK(!"cannot read back box_a.png");
        goto done;
    }
    CHECK(im.w == 1004 && im.h == 827); /* 85 x 70 mm at 300 dpi */
    CHECK(im.rgb_only);                 /* opaque: stored as RGB */
    CHECK(im.ppm_x == 11811 && im.ppm_y == 11811 && im.phys_unit == PNG_RESOLUTION_METER);
    CHECK(!im.has_time);
    CHECK(im.ntext == 3);
    for (int i = 0; i < im.ntext && i < 3; i++) {
        CHECK(strcmp(im.keys[i], text[i].key) == 0);
        CHECK(strcmp(im.values[i], text[i].value) == 0);
    }
    /* opaque everywhere; a white frame (nothing drawn in the outer 1 mm) */
    int opaque = 1, frame_white = 1;
    png_uint_32 border = 11; /* 1 mm at 300 dpi, rounded down */
    for (png_uint_32 y = 0; y < im.h; y++)
        for (png_uint_32 x = 0; x < im.w; x++) {
            const unsigned char *p = im.rgba + ((size_t)y * im.w + x) * 4;
            if (p[3] != 255)
                opaque = 0;
            if ((x < border || y < border || x >= im.w - border || y >= im.h - border) &&
                !(p[0] == 255 && p[1] == 255 && p[2] == 255))
                frame_white = 0;
        }
    CHECK(opaque);
    CHECK(frame_white);

    /* points at their computed positions carry the group colour: the top fish of
     * each group (never on the median line) */
    size_t top_idx[3] = {9, 10, 9};
    for (size_t g = 0; g < 3; g++) {
        double x = 0, y = 0, r = 0;
        CHECK_OK(zf_box_point_px(&fig, g, top_idx[g], &x, &y, &r));
        CHECK(r > 3.0);
        CHECK(x > 0 && x < im.w && y > 0 && y < im.h);
        const unsigned char *p = pixel(&im, x, y);
        if (!colour_near(p, zf_plot_group_rgb(g), 2))
            fprintf(stderr, "group %zu at (%.1f, %.1f): %02x%02x%02x%02x\n", g, x, y, p[0], p[1],
                    p[2], p[3]);
        CHECK(colour_near(p, zf_plot_group_rgb(g), 2));
        /* and well outside the point, not that colour */
        CHECK(!colour_near(pixel(&im, x, y - 3.0 * r), zf_plot_group_rgb(g), 2));
    }
    /* the mapping is monotone in the value: higher fish, higher on the page */
    double x1, y1, x2, y2, r1;
    CHECK_OK(zf_box_point_px(&fig, 1, 4, &x1, &y1, &r1)); /* 23.1 */
    CHECK_OK(zf_box_point_px(&fig, 1, 2, &x2, &y2, &r1)); /* 16.9 */
    CHECK(y1 < y2);
    CHECK(zf_box_point_px(&fig, 0, 6, &x1, &y1, &r1) == ZF_EINVAL); /* the NaN */
    CHECK(zf_box_point_px(&fig, 3, 0, &x1, &y1, &r1) == ZF_EINVAL);
    free(im.rgba);
done:
    free(a);
    free(b);
}

static void test_box_vector(void)
{
    zf_plot_group groups[3];
    zf_box_figure fig = demo_figure(groups);
    zf_png_text text[] = {{"Software", "zfstress " ZF_VERSION}, {"Study", "demo"}};
    char *pdf = tmp_path("box.pdf"), *svg = tmp_path("box.svg"), *pdf2 = tmp_path("box2.pdf");
    remove(pdf);
    remove(svg);
    CHECK_OK(zf_plot_box_swarm(&fig, pdf, text, 2));
    CHECK_OK(zf_plot_box_swarm(&fig, pdf2, text, 2));
    CHECK_OK(zf_plot_box_swarm(&fig, svg, text, 2));
    CHECK(!tmp_exists(pdf) && !tmp_exists(svg));
    size_t n = 0, n2 = 0;
    unsigned char *d = tu_slurp(pdf, &n), *d2 = tu_slurp(pdf2, &n2);
    CHECK(d && n > 4 && memcmp(d, "%PDF", 4) == 0);
    CHECK(d && d2 && n == n2 && memcmp(d, d2, n) == 0); /* fixed creation date */
    free(d);
    free(d2);
    d = tu_slurp(svg, &n);
    CHECK(d && strstr((const char *)d, "<svg") != NULL);
    CHECK(d && strstr((const char *)d, "id=\"surface1\"") != NULL);
    /* a second SVG in the same process is byte-identical (ids renumbered) */
    char *svg2 = tmp_path("box2.svg");
    CHECK_OK(zf_plot_box_swarm(&fig, svg2, text, 2));
    d2 = tu_slurp(svg2, &n2);
    CHECK(d && d2 && n == n2 && memcmp(d, d2, n) == 0);
    free(d);
    free(d2);
    free(svg2);
    free(pdf);
    free(pdf2);
    free(svg);
}

static void test_box_errors_and_edges(void)
{
    zf_plot_group groups[3];
    zf_box_figure fig = demo_figure(groups);
    const char *exts[] = {".png", ".pdf", ".svg"};
    for (size_t i = 0; i < 3; i++) {
        char path[128];
        snprintf(path, sizeof path, "/nonexistent-zf-dir/fig%s", exts[i]);
        int rc = zf_plot_box_swarm(&fig, path, NULL, 0);
        CHECK(rc == ZF_EIO);
        CHECK(strstr(zf_errmsg(), "fig") != NULL);
        CHECK(!tu_exists(path) && !tmp_exists(path));
    }
    char *bad = tmp_path("fig.jpg");
    CHECK(zf_plot_box_swarm(&fig, bad, NULL, 0) == ZF_EINVAL);
    CHECK(!tu_exists(bad) && !tmp_exists(bad));
    free(bad);

    /* invalid UTF-8 in a label: an error and no file */
    char *bad_utf = tmp_path("badutf.png");
    zf_box_figure f2 = fig;
    f2.title = "bad \xff title";
    CHECK(zf_plot_box_swarm(&f2, bad_utf, NULL, 0) == ZF_EINVAL);
    CHECK(!tu_exists(bad_utf) && !tmp_exists(bad_utf));
    free(bad_utf);

    /* no groups, and groups of NaN only: axes with "no data" */
    zf_box_figure empty = {0};
    empty.title = "empty";
    empty.ylabel = "distance (mm)";
    char *e1 = tmp_path("empty.png"), *e2 = tmp_path("allnan.png");
    CHECK_OK(zf_plot_box_swarm(&empty, e1, NULL, 0));
    CHECK(tu_exists(e1));
    double nans[3] = {NAN, NAN, NAN};
    zf_plot_group ng[2] = {{"control", nans, 3}, {"stressed", NULL, 0}};
    double pn[2] = {NAN, 0.3};
    empty.groups = ng;
    empty.ngroups = 2;
    empty.p = pn;
    CHECK_OK(zf_plot_box_swarm(&empty, e2, NULL, 0));
    CHECK(tu_exists(e2));
    free(e1);
    free(e2);

    /* a crowded group: points shrink, never overlap, stay in the figure */
    enum { M = 120 };
    double many[M];
    for (size_t i = 0; i < M; i++)
        many[i] = 5.0 + (double)(i % 4) * 0.01;
    zf_plot_group cg[2] = {{"control", many, M}, {"drug", many, 40}};
    zf_box_figure crowd = {0};
    crowd.title = "crowd";
    crowd.ylabel = "speed (mm/s)";
    crowd.groups = cg;
    crowd.ngroups = 2;
    crowd.width_mm = 60;
    crowd.height_mm = 50;
    crowd.dpi = 150;
    int level = zf_log_get_level();
    zf_log_set_level(ZF_LOG_ERROR); /* the "swarm wider than the box" warning is expected */
    double xs[M], ys[M], r = 0;
    int ok = 1;
    for (size_t i = 0; i < M; i++) {
        if (zf_box_point_px(&crowd, 0, i, &xs[i], &ys[i], &r) != ZF_OK)
            ok = 0;
        if (xs[i] - r < 0 || ys[i] - r < 0 || xs[i] + r > 60 / 25.4 * 150 || ys[i] + r > 50 / 25.4 * 150)
            ok = 0;
    }
    CHECK(ok);
    CHECK(r < 0.7 / 25.4 * 150);
    for (size_t i = 0; i < M; i++)
        for (size_t j = i + 1; j < M; j++) {
            double dx = xs[i] - xs[j], dy = ys[i] - ys[j];
            if (sqrt(dx * dx + dy * dy) < 2.0 * r * (1.0 - 1e-6))
                ok = 0;
        }
    CHECK(ok);
    /* eight groups with long names in one column: names rotate; with seven
     * brackets in 70 mm there is no room left, which is an error, not a mess */
    static double v8[8][12];
    zf_plot_group g8[8];
    double p8[8];
    static const char *names8[8] = {"control", "CORT 1 uM", "CORT 10 uM", "fluoxetine",
                                    "diazepam", "buspirone", "alarm substance", "netting"};
    for (size_t i = 0; i < 8; i++) {
        for (size_t k = 0; k < 12; k++)
            v8[i][k] = (double)i * 0.3 + (double)((k * 7 + i) % 12) * 0.2;
        g8[i] = (zf_plot_group){names8[i], v8[i], 12};
        p8[i] = i ? pow(10.0, -(double)i * 0.7) : NAN;
    }
    zf_box_figure f8 = {"Bottom dwelling", "z score", g8, 8, p8, "Mann-Whitney U, Holm", 0, 0, 0, NULL, NULL};
    char *p8path = tmp_path("eight.png");
    remove(p8path);
    CHECK(zf_plot_box_swarm(&f8, p8path, NULL, 0) == ZF_EINVAL);
    CHECK(!tu_exists(p8path) && !tmp_exists(p8path));
    f8.height_mm = 110;
    CHECK_OK(zf_plot_box_swarm(&f8, p8path, NULL, 0));
    f8.p = NULL;
    f8.height_mm = 70;
    CHECK_OK(zf_plot_box_swarm(&f8, p8path, NULL, 0));
    free(p8path);

    char *c = tmp_path("crowd.png");
    CHECK_OK(zf_plot_box_swarm(&crowd, c, NULL, 0));
    zf_log_set_level(level);
    free(c);
}

int main(void)
{
    zf_init();
    tmpdir = getenv("ZF_TMP");
    if (!tmpdir || !tmpdir[0])
        tmpdir = "/tmp";
    CHECK_OK(zf_mkdir_p(tmpdir));

    test_ticks();
    test_p_labels();
    test_beeswarm();
    test_argb();
    test_png_writer();
    test_png_argb32();
    test_box_png();
    test_box_vector();
    test_box_errors_and_edges();
    cairo_debug_reset_static_data(); /* so that LeakSanitizer sees only our leaks */
    return CHECK_DONE();
}
