/* png.c: byte-reproducible PNG writer over libpng (pHYs, tEXt/iTXt, no tIME), atomic via temp file + rename. */
#include "plot/plot_internal.h"

#include "zfstress/core.h"

#include <png.h>
#include <zlib.h>

#include <math.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>

void zf_argb32_to_rgba(const unsigned char *src, int width, int height, size_t src_stride,
                       unsigned char *dst)
{
    size_t w = (size_t)width;
    for (size_t y = 0; y < (size_t)height; y++) {
        const unsigned char *s = src + y * src_stride;
        unsigned char *o = dst + y * 4 * w;
        for (size_t x = 0; x < w; x++) {
            uint32_t px;
            memcpy(&px, s + 4 * x, sizeof px); /* native-endian word, alignment-safe */
            unsigned a = (px >> 24) & 0xFFu, r = (px >> 16) & 0xFFu, g = (px >> 8) & 0xFFu,
                     b = px & 0xFFu;
            if (a != 0 && a != 255) { /* undo premultiplication, rounded */
                r = (r * 255u + a / 2u) / a;
                g = (g * 255u + a / 2u) / a;
                b = (b * 255u + a / 2u) / a;
            }
            o[4 * x + 0] = (unsigned char)(a ? r : 0);
            o[4 * x + 1] = (unsigned char)(a ? g : 0);
            o[4 * x + 2] = (unsigned char)(a ? b : 0);
            o[4 * x + 3] = (unsigned char)a;
        }
    }
}

/* libpng error/warning context: the message is kept for our own status. */
typedef struct png_ctx {
    char msg[256];
} png_ctx;

static void on_png_error(png_structp png, png_const_charp msg)
{
    png_ctx *ctx = png_get_error_ptr(png);
    if (ctx)
        snprintf(ctx->msg, sizeof ctx->msg, "%s", msg ? msg : "unknown error");
    png_longjmp(png, 1);
}

static void on_png_warning(png_structp png, png_const_charp msg)
{
    (void)png;
    zf_log(ZF_LOG_DEBUG, "libpng warning: %s", msg ? msg : "");
}

static int is_ascii(const char *s)
{
    for (; *s; s++)
        if ((unsigned char)*s >= 0x80)
            return 0;
    return 1;
}

/* Pixel layouts zf_png_write_rows accepts. */
enum { PX_RGBA, PX_ARGB32 };

/* 1 when at least a quarter of the pixels (every 8th row) differ from their
 * left neighbour, as in a page of trajectories: zlib's string matching then
 * mostly fails, and run-length matching alone (Z_RLE) is a third faster.
 * Flat figures compress faster and smaller with the default strategy, which
 * also finds repeats of a colour pixel and of the row above. */
static int busy(const unsigned char *px, int width, int height, size_t stride)
{
    size_t changes = 0, n = 0;
    for (size_t y = 0; y < (size_t)height; y += 8) {
        const unsigned char *row = px + y * stride;
        uint32_t prev, cur;
        memcpy(&prev, row, sizeof prev);
        for (size_t x = 1; x < (size_t)width; x++, prev = cur) {
            memcpy(&cur, row + 4 * x, sizeof cur);
            changes += cur != prev;
        }
        n += (size_t)width - 1;
    }
    return 4 * changes >= n && n > 0;
}

/* The libpng calls, isolated so that only this frame's state matters after a
 * longjmp: everything it touches was set up by the caller. Returns 0 or 1 on a
 * libpng error (message in ctx). */
static int png_emit(png_structp png, png_infop info, FILE *fp, const unsigned char *px, int layout,
                    int width, int height, size_t stride, int dpi, png_textp texts, int ntexts, int opaque)
{
    if (setjmp(png_jmpbuf(png)))
        return 1;
    png_init_io(png, fp);
    png_set_IHDR(png, info, (png_uint_32)width, (png_uint_32)height, 8,
                 opaque ? PNG_COLOR_TYPE_RGB : PNG_COLOR_TYPE_RGB_ALPHA, PNG_INTERLACE_NONE,
                 PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
    /* figures are flat colours: no row filter compresses them best, and
     * skips libpng's costly per-row filter search */
    png_set_filter(png, PNG_FILTER_TYPE_BASE, PNG_FILTER_NONE);
    png_set_compression_level(png, 1);
    png_set_compression_strategy(png, busy(px, width, height, stride) ? Z_RLE : Z_DEFAULT_STRATEGY);
    png_uint_32 ppm = (png_uint_32)lround((double)dpi / 0.0254);
    png_set_pHYs(png, info, ppm, ppm, PNG_RESOLUTION_METER);
    if (ntexts > 0)
        png_set_text(png, info, texts, ntexts);
    png_write_info(png, info);
    if (layout == PX_ARGB32) {
        /* opaque only: libpng drops the alpha byte of each native-endian word,
         * B G R A in memory on little-endian, A R G B on big-endian */
        const uint32_t one = 1;
        unsigned char lsb;
        memcpy(&lsb, &one, 1);
        if (lsb) {
            png_set_bgr(png);
            png_set_filler(png, 0, PNG_FILLER_AFTER);
        } else {
            png_set_filler(png, 0, PNG_FILLER_BEFORE);
        }
    } else if (opaque) {
        png_set_filler(png, 0, PNG_FILLER_AFTER); /* drop the alpha bytes of the rows */
    }
    for (int y = 0; y < height; y++)
        png_write_row(png, px + (size_t)y * stride);
    png_write_end(png, info);
    return 0;
}

static int rgba_opaque(const unsigned char *rgba, int width, int height, size_t stride)
{
    for (size_t y = 0; y < (size_t)height; y++)
        for (size_t x = 0; x < (size_t)width; x++)
            if (rgba[y * stride + 4 * x + 3] != 255)
                return 0;
    return 1;
}

static int argb32_opaque(const unsigned char *argb, int width, int height, size_t stride)
{
    for (size_t y = 0; y < (size_t)height; y++) {
        const unsigned char *row = argb + y * stride;
        uint32_t all = 0xFF000000u;
        for (size_t x = 0; x < (size_t)width; x++) {
            uint32_t w;
            memcpy(&w, row + 4 * x, sizeof w);
            all &= w;
        }
        if ((all & 0xFF000000u) != 0xFF000000u)
            return 0;
    }
    return 1;
}

/* zf_png_write for either layout; ARGB32 images must be opaque. */
static int png_write_file(const char *path, const unsigned char *px, int layout, int width, int height,
                          size_t stride, int dpi, const zf_png_text *text, size_t ntext)
{
    int rc = ZF_OK;
    zf_outfile out = {0};
    png_structp png = NULL;
    png_infop info = NULL;
    png_textp texts = NULL;
    char **owned = NULL; /* copies of keys and values: png_text wants non-const */
    png_ctx ctx = {{0}};

    if (!path || !px || width <= 0 || height <= 0 || dpi <= 0 ||
        stride < 4 * (size_t)width || (ntext && !text)) {
        rc = zf_error(ZF_EINVAL, "'%s': invalid PNG image arguments", path ? path : "(null)");
        goto done;
    }
    if (ntext > 1000) {
        rc = zf_error(ZF_EINVAL, "'%s': too many text chunks (%zu)", path, ntext);
        goto done;
    }
    for (size_t i = 0; i < ntext; i++) {
        size_t kl = text[i].key ? strlen(text[i].key) : 0;
        if (kl < 1 || kl > 79 || !is_ascii(text[i].key) || !text[i].value) {
            rc = zf_error(ZF_EINVAL, "'%s': PNG text key '%s' must be 1-79 ASCII characters with a value",
                          path, text[i].key ? text[i].key : "(null)");
            goto done;
        }
    }
    if (ntext) {
        texts = calloc(ntext, sizeof *texts);
        owned = calloc(2 * ntext, sizeof *owned);
        if (!texts || !owned) {
            rc = zf_error(ZF_ENOMEM, "out of memory");
            goto done;
        }
        for (size_t i = 0; i < ntext; i++) {
            if (!(owned[2 * i] = zf_strdup(text[i].key)) ||
                !(owned[2 * i + 1] = zf_strdup(text[i].value))) {
                rc = ZF_ENOMEM;
                goto done;
            }
            texts[i].key = owned[2 * i];
            texts[i].text = owned[2 * i + 1];
            /* UTF-8 values go into iTXt; tEXt is Latin-1 only */
            if (is_ascii(owned[2 * i + 1])) {
                texts[i].compression = PNG_TEXT_COMPRESSION_NONE;
            } else {
                texts[i].compression = PNG_ITXT_COMPRESSION_NONE;
                texts[i].lang = NULL;
                texts[i].lang_key = NULL;
            }
        }
    }

    png = png_create_write_struct(PNG_LIBPNG_VER_STRING, &ctx, on_png_error, on_png_warning);
    if (!png || !(info = png_create_info_struct(png))) {
        rc = zf_error(ZF_ENOMEM, "'%s': cannot create the PNG writer: out of memory", path);
        goto done;
    }
    int opaque = layout == PX_ARGB32 || rgba_opaque(px, width, height, stride);
    if ((rc = zf_file_open_atomic(path, &out)) != ZF_OK)
        goto done;
    if (png_emit(png, info, out.fp, px, layout, width, height, stride, dpi, texts, (int)ntext, opaque)) {
        rc = zf_error(ZF_EIO, "'%s': cannot write PNG: %s", path, ctx.msg);
        goto done;
    }
    rc = zf_file_commit(&out); /* flush, fsync, close, rename; removes the temp on failure */
done:
    if (rc != ZF_OK && out.path)
        zf_file_abort(&out);
    if (png)
        png_destroy_write_struct(&png, info ? &info : NULL);
    if (owned)
        for (size_t i = 0; i < 2 * ntext; i++)
            free(owned[i]);
    free(owned);
    free(texts);
    return rc;
}

int zf_png_write(const char *path, const unsigned char *rgba, int width, int height,
                 size_t stride, int dpi, const zf_png_text *text, size_t ntext)
{
    return png_write_file(path, rgba, PX_RGBA, width, height, stride, dpi, text, ntext);
}

int zf_png_write_argb32(const char *path, const unsigned char *argb, int width, int height,
                        size_t stride, int dpi, const zf_png_text *text, size_t ntext)
{
    if (!argb || width <= 0 || height <= 0 || stride < 4 * (size_t)width ||
        argb32_opaque(argb, width, height, stride))
        return png_write_file(path, argb, PX_ARGB32, width, height, stride, dpi, text, ntext);
    /* translucent: straight-alpha RGBA rows */
    unsigned char *rgba = malloc((size_t)width * (size_t)height * 4);
    if (!rgba)
        return zf_error(ZF_ENOMEM, "out of memory");
    zf_argb32_to_rgba(argb, width, height, stride, rgba);
    int rc = png_write_file(path, rgba, PX_RGBA, width, height, (size_t)width * 4, dpi, text, ntext);
    free(rgba);
    return rc;
}
