/* plottest.h: what the figure tests share: the scratch directory, the fontconfig leak suppression,
 * and PNGs read back with libpng. Include once, after check.h and testutil.h. */
#ifndef ZF_TEST_PLOTTEST_H
#define ZF_TEST_PLOTTEST_H

#include "zfstress/core.h"

#include <png.h>

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The scratch directory; main sets it. */
static const char *tmpdir;

/* Under ASan: fontconfig keeps a pattern cached for the whole process
 * (cairo's toy font face), which LeakSanitizer would report at exit. */
const char *__lsan_default_suppressions(void);
const char *__lsan_default_suppressions(void)
{
    return "leak:libfontconfig.so\n";
}

/* tmpdir/name, malloc'd (the caller frees); out of memory ends the test. */
static inline char *tmp_path(const char *name)
{
    char *p = zf_path_join(tmpdir, name);
    if (!p) {
        fprintf(stderr, "out of memory\n");
        exit(1);
    }
    return p;
}

/* A PNG read back: 8-bit RGBA pixels (RGB files get an opaque alpha), pHYs, tIME and the first text chunks. */
typedef struct png_rb {
    png_uint_32 w, h;
    unsigned char *rgba;
    png_uint_32 ppm_x, ppm_y;
    int phys_unit, has_time, ntext, rgb_only;
    char keys[16][80];
    char values[16][512];
} png_rb;

/* 1 and im filled (im->rgba malloc'd, the caller frees) or 0 and im->rgba NULL. */
static inline int read_png(const char *path, png_rb *im)
{
    FILE *fp = fopen(path, "rb");
    png_structp png = NULL;
    png_infop info = NULL;
    png_bytep *volatile rows = NULL;
    int ok = 0;
    memset(im, 0, sizeof *im);
    if (!fp)
        return 0;
    png = png_create_read_struct(PNG_LIBPNG_VER_STRING, NULL, NULL, NULL);
    if (!png || !(info = png_create_info_struct(png)))
        goto done;
    if (setjmp(png_jmpbuf(png)))
        goto done;
    png_init_io(png, fp);
    png_read_info(png, info);
    int depth = 0, colour = 0;
    png_get_IHDR(png, info, &im->w, &im->h, &depth, &colour, NULL, NULL, NULL);
    if (depth != 8 || (colour != PNG_COLOR_TYPE_RGB_ALPHA && colour != PNG_COLOR_TYPE_RGB))
        goto done;
    im->rgb_only = colour == PNG_COLOR_TYPE_RGB;
    if (im->rgb_only)
        png_set_filler(png, 0xFF, PNG_FILLER_AFTER); /* opaque figures are stored as RGB */
    png_get_pHYs(png, info, &im->ppm_x, &im->ppm_y, &im->phys_unit);
    im->has_time = png_get_valid(png, info, PNG_INFO_tIME) != 0;
    png_textp t = NULL;
    int nt = 0;
    png_get_text(png, info, &t, &nt);
    for (int i = 0; i < nt && i < 16; i++) {
        snprintf(im->keys[i], sizeof im->keys[i], "%s", t[i].key);
        snprintf(im->values[i], sizeof im->values[i], "%s", t[i].text);
        im->ntext++;
    }
    im->rgba = malloc((size_t)im->w * im->h * 4);
    rows = malloc(im->h * sizeof *rows);
    if (!im->rgba || !rows)
        goto done;
    for (png_uint_32 y = 0; y < im->h; y++)
        rows[y] = im->rgba + (size_t)y * im->w * 4;
    png_read_image(png, rows);
    png_read_end(png, NULL);
    ok = 1;
done:
    png_destroy_read_struct(&png, &info, NULL);
    free(rows);
    fclose(fp);
    if (!ok) {
        free(im->rgba);
        im->rgba = NULL;
    }
    return ok;
}

#endif
