/* output.c: one drawing, three files: PNG through libpng (pHYs + tEXt), PDF and SVG through cairo, each atomic and byte-reproducible. */
#include "plot/plot_internal.h"

#include "zfstress/core.h"

#include <cairo-pdf.h>
#include <cairo-svg.h>

#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

enum { FMT_PNG, FMT_PDF, FMT_SVG };

static int format_of(const char *path, int *format)
{
    static const struct {
        const char *ext;
        int format;
    } kinds[] = {{".png", FMT_PNG}, {".pdf", FMT_PDF}, {".svg", FMT_SVG}};
    const char *dot = strrchr(path, '.');
    if (dot && strlen(dot) == 4)
        for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++) {
            int same = 1;
            for (size_t c = 0; c < 4; c++) {
                char ch = dot[c];
                if (ch >= 'A' && ch <= 'Z')
                    ch = (char)(ch - 'A' + 'a');
                same &= ch == kinds[i].ext[c];
            }
            if (same) {
                *format = kinds[i].format;
                return ZF_OK;
            }
        }
    return zf_error(ZF_EINVAL, "'%s': unknown figure format (expected .png, .pdf or .svg)", path);
}

int zf_plot_check_size(double W, double H, int dpi, const char *path)
{
    if (!(W > 0.0 && H > 0.0 && W <= 2000.0 && H <= 2000.0) || dpi < 1 || dpi > 2400 ||
        zf_mm_to_px(W, dpi) * (double)zf_mm_to_px(H, dpi) > 1e8)
        return zf_error(ZF_EINVAL, "'%s': figure size %g x %g mm at %d dpi is out of range", path, W, H,
                        dpi);
    return ZF_OK;
}

static int write_png(const char *path, double W, double H, int dpi, const zf_png_text *text,
                     size_t ntext, zf_render_fn fn, void *arg)
{
    int rc = ZF_OK;
    cairo_surface_t *surf = NULL;
    cairo_t *cr = NULL;
    int wpx = zf_mm_to_px(W, dpi), hpx = zf_mm_to_px(H, dpi);

    if (wpx < 1 || hpx < 1) {
        rc = zf_error(ZF_EINVAL, "'%s': figure of %d x %d pixels", path, wpx, hpx);
        goto done;
    }
    surf = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, wpx, hpx);
    if ((rc = zf_cairo_error(cairo_surface_status(surf), path)) != ZF_OK)
        goto done;
    cr = cairo_create(surf);
    if ((rc = zf_cairo_error(cairo_status(cr), path)) != ZF_OK)
        goto done;
    /* one uniform scale: circles stay round; the last partial pixel is background */
    cairo_scale(cr, (double)dpi / 25.4, (double)dpi / 25.4);
    if ((rc = fn(cr, arg)) != ZF_OK)
        goto done;
    if ((rc = zf_cairo_error(cairo_status(cr), path)) != ZF_OK)
        goto done;
    cairo_surface_flush(surf);
    if ((rc = zf_cairo_error(cairo_surface_status(surf), path)) != ZF_OK)
        goto done;
    const unsigned char *data = cairo_image_surface_get_data(surf);
    int stride = cairo_image_surface_get_stride(surf);
    if (!data || stride < 4 * wpx) {
        rc = zf_error(ZF_EIO, "'%s': cairo image has no pixel data", path);
        goto done;
    }
    rc = zf_png_write_argb32(path, data, wpx, hpx, (size_t)stride, dpi, text, ntext);
done:
    if (cr)
        cairo_destroy(cr);
    if (surf)
        cairo_surface_destroy(surf);
    return rc;
}

/* cairo's vector output collected in memory: the SVG ids are renumbered
 * before anything reaches the disk, and a failed render never creates a file. */
typedef struct mem_stream {
    unsigned char *buf;
    size_t len, cap;
} mem_stream;

static cairo_status_t mem_write(void *closure, const unsigned char *data, unsigned int length)
{
    mem_stream *m = closure;
    if (length > m->cap - m->len) {
        size_t cap = m->cap ? m->cap : 65536;
        while (cap - m->len < length) {
            if (cap > SIZE_MAX / 2)
                return CAIRO_STATUS_NO_MEMORY;
            cap *= 2;
        }
        unsigned char *nb = realloc(m->buf, cap);
        if (!nb)
            return CAIRO_STATUS_NO_MEMORY;
        m->buf = nb;
        m->cap = cap;
    }
    memcpy(m->buf + m->len, data, length);
    m->len += length;
    return CAIRO_STATUS_SUCCESS;
}

/* PDF document info from the figure and the provenance text: cairo 1.16 has
 * no custom keys, so "key: value" pairs go into Keywords. The creation date is
 * fixed so that identical inputs give identical files. */
static int pdf_metadata(cairo_surface_t *surf, const char *title, const zf_png_text *text, size_t ntext)
{
    size_t len = 1;
    const char *creator = "zfstress " ZF_VERSION;
    for (size_t i = 0; i < ntext; i++) {
        len += strlen(text[i].key) + strlen(text[i].value) + 4;
        if (strcmp(text[i].key, "Software") == 0 || strcmp(text[i].key, "software") == 0)
            creator = text[i].value;
    }
    char *kw = malloc(len);
    if (!kw)
        return zf_error(ZF_ENOMEM, "out of memory");
    size_t at = 0;
    kw[0] = '\0';
    for (size_t i = 0; i < ntext; i++) {
        int k = snprintf(kw + at, len - at, "%s%s: %s", i ? "; " : "", text[i].key, text[i].value);
        if (k > 0)
            at += (size_t)k;
    }
    if (title && title[0])
        cairo_pdf_surface_set_metadata(surf, CAIRO_PDF_METADATA_TITLE, title);
    cairo_pdf_surface_set_metadata(surf, CAIRO_PDF_METADATA_CREATOR, creator);
    if (ntext)
        cairo_pdf_surface_set_metadata(surf, CAIRO_PDF_METADATA_KEYWORDS, kw);
    cairo_pdf_surface_set_metadata(surf, CAIRO_PDF_METADATA_CREATE_DATE, "2000-01-01T00:00:00Z");
    free(kw);
    return ZF_OK;
}

static int write_vector(const char *path, int format, double W, double H, const char *title,
                        const zf_png_text *text, size_t ntext, zf_render_fn fn, void *arg)
{
    int rc = ZF_OK;
    zf_outfile out = {0};
    mem_stream ms = {NULL, 0, 0};
    char *svg = NULL;
    cairo_surface_t *surf = NULL;
    cairo_t *cr = NULL;

    if (format == FMT_PDF)
        surf = cairo_pdf_surface_create_for_stream(mem_write, &ms, W * ZF_PT_PER_MM, H * ZF_PT_PER_MM);
    else
        surf = cairo_svg_surface_create_for_stream(mem_write, &ms, W * ZF_PT_PER_MM, H * ZF_PT_PER_MM);
    if ((rc = zf_cairo_error(cairo_surface_status(surf), path)) != ZF_OK)
        goto done;
    cr = cairo_create(surf);
    if ((rc = zf_cairo_error(cairo_status(cr), path)) != ZF_OK)
        goto done;
    cairo_scale(cr, ZF_PT_PER_MM, ZF_PT_PER_MM);
    if ((rc = fn(cr, arg)) != ZF_OK)
        goto done;
    if ((rc = zf_cairo_error(cairo_status(cr), path)) != ZF_OK)
        goto done;
    /* after the drawing, which may complete the text (a figure's procedure) */
    if (format == FMT_PDF && (rc = pdf_metadata(surf, title, text, ntext)) != ZF_OK)
        goto done;
    cairo_show_page(cr);
    if ((rc = zf_cairo_error(cairo_status(cr), path)) != ZF_OK)
        goto done;
    cairo_destroy(cr);
    cr = NULL;
    cairo_surface_finish(surf); /* emits the trailer */
    if ((rc = zf_cairo_error(cairo_surface_status(surf), path)) != ZF_OK)
        goto done;

    const void *bytes = ms.buf;
    size_t nbytes = ms.len;
    if (format == FMT_SVG) {
        if ((rc = zf_svg_renumber_surfaces((const char *)ms.buf, ms.len, &svg, &nbytes)) != ZF_OK)
            goto done;
        bytes = svg;
    }
    if ((rc = zf_file_open_atomic(path, &out)) != ZF_OK)
        goto done;
    if (nbytes && fwrite(bytes, 1, nbytes, out.fp) != nbytes) {
        rc = zf_error(ZF_EIO, "'%s': write failed: %s", out.tmp, strerror(errno));
        goto done;
    }
    rc = zf_file_commit(&out); /* flush, fsync, close, rename; removes the temp on failure */
done:
    if (cr)
        cairo_destroy(cr);
    if (surf)
        cairo_surface_destroy(surf);
    if (rc != ZF_OK && out.path)
        zf_file_abort(&out);
    free(ms.buf);
    free(svg);
    return rc;
}

int zf_plot_output(const char *path, double W, double H, int dpi, const char *title,
                   const zf_png_text *text, size_t ntext, zf_render_fn fn, void *arg)
{
    int format = FMT_PNG, rc;
    if (!path || !fn)
        return zf_error(ZF_EINVAL, "figure: NULL path or drawing");
    if (ntext && !text)
        return zf_error(ZF_EINVAL, "'%s': %zu text entries but no array", path, ntext);
    for (size_t i = 0; i < ntext; i++)
        if (!text[i].key || !text[i].value)
            return zf_error(ZF_EINVAL, "'%s': metadata entry %zu has no key or value", path, i);
    if ((rc = zf_plot_check_size(W, H, dpi, path)) != ZF_OK || (rc = format_of(path, &format)) != ZF_OK)
        return rc;
    if (format == FMT_PNG)
        return write_png(path, W, H, dpi, text, ntext, fn, arg);
    return write_vector(path, format, W, H, title, text, ntext, fn, arg);
}
