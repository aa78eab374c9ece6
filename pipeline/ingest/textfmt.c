/* textfmt.c: helpers shared by the tracker text readers: head sniffing, column names, units, clock times, frame rates, messages. */
#include "zfstress/core.h"
#include "zfstress/ingest.h"
#include "zfstress/table.h"

#include "ingest/readers.h"
#include "ingest/textfmt.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char lower(char c) { return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c; }

char *zf_tx_head_text(const unsigned char *head, size_t n, size_t *len)
{
    char *out = NULL;
    size_t k = 0;
    if (n >= 2 && ((head[0] == 0xFF && head[1] == 0xFE) || (head[0] == 0xFE && head[1] == 0xFF))) {
        int be = head[0] == 0xFE;
        if (!(out = malloc(n / 2 + 1)))
            goto done;
        for (size_t i = 2; i + 1 < n; i += 2) {
            unsigned u = be ? (unsigned)head[i] << 8 | head[i + 1] : (unsigned)head[i + 1] << 8 | head[i];
            if (u == 0)
                break;
            out[k++] = u < 0x80 ? (char)u : '?';
        }
    } else {
        size_t skip = n >= 3 && head[0] == 0xEF && head[1] == 0xBB && head[2] == 0xBF ? 3 : 0;
        if (n == skip || memchr(head, '\0', n) || !(out = malloc(n - skip + 1)))
            goto done; /* empty, binary, or out of memory */
        memcpy(out, head + skip, n - skip);
        k = n - skip;
    }
    out[k] = '\0';
    if (k == 0) {
        free(out);
        out = NULL;
    } else
        *len = k;
done:
    return out;
}

int zf_tx_next_line(const char *text, size_t n, size_t *pos, size_t *start, size_t *len)
{
    if (*pos >= n)
        return 0;
    size_t s = *pos, e = s;
    while (e < n && text[e] != '\n')
        e++;
    *pos = e < n ? e + 1 : n;
    size_t l = e - s;
    while (l > 0 && text[s + l - 1] == '\r')
        l--;
    *start = s;
    *len = l;
    return 1;
}

char zf_tx_guess_delim(const char *line, size_t len)
{
    size_t tabs = 0, semis = 0, commas = 0;
    int q = 0;
    for (size_t i = 0; i < len; i++) {
        char c = line[i];
        if (c == '"')
            q = !q;
        else if (!q && c == '\t')
            tabs++;
        else if (!q && c == ';')
            semis++;
        else if (!q && c == ',')
            commas++;
    }
    if (tabs && tabs >= semis && tabs >= commas)
        return '\t';
    if (semis && semis >= commas)
        return ';';
    return ',';
}

size_t zf_tx_split(const char *line, size_t len, char delim, char *buf, size_t cap, const char **f, size_t maxf)
{
    size_t nf = 0, o = 0, i = 0;
    if (cap == 0 || maxf == 0)
        return 0;
    for (;;) {
        size_t begin = o;
        while (i < len && line[i] == ' ' && delim != ' ')
            i++;
        if (i < len && line[i] == '"') {
            i++;
            while (i < len) {
                if (line[i] == '"') {
                    if (i + 1 < len && line[i + 1] == '"') {
                        if (o + 1 < cap)
                            buf[o++] = '"';
                        i += 2;
                        continue;
                    }
                    i++;
                    break;
                }
                if (o + 1 < cap)
                    buf[o++] = line[i];
                i++;
            }
        }
        while (i < len && line[i] != delim) {
            if (o + 1 < cap)
                buf[o++] = line[i];
            i++;
        }
        while (o > begin && (buf[o - 1] == ' ' || buf[o - 1] == '\t') && delim != '\t')
            o--;
        if (o >= cap)
            break;
        buf[o++] = '\0';
        f[nf++] = buf + begin;
        if (i >= len || nf == maxf || o >= cap)
            break;
        i++; /* the delimiter */
    }
    return nf;
}

/* Lower-case, '.', '_' and blanks folded to single spaces, trimmed. */
static void normalise(const char *s, char *out, size_t cap)
{
    size_t k = 0;
    int space = 0;
    for (; *s && k + 1 < cap; s++) {
        char c = lower(*s);
        if (c == '.' || c == '_' || c == ' ' || c == '\t') {
            space = k > 0;
            continue;
        }
        if (space && k + 2 < cap)
            out[k++] = ' ';
        space = 0;
        out[k++] = c;
    }
    out[k] = '\0';
}

int zf_tx_name_eq(const char *a, const char *b)
{
    char x[256], y[256];
    normalise(a, x, sizeof x);
    normalise(b, y, sizeof y);
    return strcmp(x, y) == 0;
}

long zf_tx_find_col(const char *const *fields, size_t n, const char *const *candidates)
{
    for (size_t c = 0; candidates[c]; c++)
        for (size_t i = 0; i < n; i++)
            if (fields[i] && zf_tx_name_eq(fields[i], candidates[c]))
                return (long)i;
    return -1;
}

static int units_word(const char *s, size_t len)
{
    char w[16];
    size_t k = 0;
    while (len && (*s == ' ' || *s == '\t'))
        s++, len--;
    while (len && (s[len - 1] == ' ' || s[len - 1] == '\t'))
        len--;
    if (len == 0 || len >= sizeof w)
        return ZF_UNITS_AUTO;
    for (; k < len; k++)
        w[k] = lower(s[k]);
    w[k] = '\0';
    if (strcmp(w, "mm") == 0 || strcmp(w, "millimeters") == 0 || strcmp(w, "millimetres") == 0)
        return ZF_UNITS_MM;
    if (strcmp(w, "cm") == 0 || strcmp(w, "centimeters") == 0 || strcmp(w, "centimetres") == 0)
        return ZF_UNITS_CM;
    if (strcmp(w, "px") == 0 || strcmp(w, "pixel") == 0 || strcmp(w, "pixels") == 0)
        return ZF_UNITS_PX;
    return ZF_UNITS_AUTO;
}

int zf_tx_units_in(const char *text)
{
    const char *open = strpbrk(text, "([");
    if (open) {
        const char *close = strpbrk(open + 1, ")]");
        if (close)
            return units_word(open + 1, (size_t)(close - open - 1));
    }
    return units_word(text, strlen(text));
}

int zf_tx_parse_int(const char *s, long *v)
{
    double d;
    if (zf_parse_number(s, &d) != ZF_NUM_OK || d != floor(d) || fabs(d) > 1e15)
        return 0;
    for (const char *p = s; *p; p++)
        if (*p == '.' || *p == 'e' || *p == 'E')
            return 0;
    *v = (long)d;
    return 1;
}

int zf_tx_parse_num(const char *s, const zf_read_opts *o, double *out)
{
    while (*s == ' ' || *s == '\t')
        s++;
    if (strncmp(s, "#N/A", 4) == 0 || strncmp(s, "N/A", 3) == 0) {
        const char *e = s + (s[0] == '#' ? 4 : 3);
        while (*e == ' ' || *e == '\t')
            e++;
        if (!*e) {
            *out = NAN;
            return ZF_NUM_MISSING;
        }
    }
    return zf_parse_number_opt(s, o, out);
}

int zf_tx_parse_time(const char *s, const zf_read_opts *o, double *out)
{
    const char *colon = strchr(s, ':');
    if (!colon)
        return zf_tx_parse_num(s, o, out);
    /* h:mm:ss.sss or mm:ss.sss: integer leading parts, a number of seconds last */
    double acc = 0.0;
    const char *p = s;
    int parts = 0;
    while ((colon = strchr(p, ':')) != NULL) {
        char tmp[32];
        long v;
        size_t len = (size_t)(colon - p);
        if (len == 0 || len >= sizeof tmp || ++parts > 2)
            return ZF_NUM_BAD;
        memcpy(tmp, p, len);
        tmp[len] = '\0';
        if (!zf_tx_parse_int(tmp, &v) || v < 0)
            return ZF_NUM_BAD;
        acc = acc * 60.0 + (double)v;
        p = colon + 1;
    }
    double sec;
    if (zf_parse_number_opt(p, o, &sec) != ZF_NUM_OK || sec < 0 || sec >= 60.0)
        return ZF_NUM_BAD;
    *out = acc * 60.0 + sec;
    return ZF_NUM_OK;
}

int zf_tx_bad_number(const char *path, size_t line, const char *col, const char *text, const zf_read_opts *o)
{
    int hint = strchr(text, ',') != NULL && !(o && o->decimal_comma);
    return zf_error(ZF_EPARSE, "'%s':%zu: column '%s': expected a number, got \"%s\"%s", path, line, col,
                    ZF_EXCERPT(text),
                    hint ? " (decimal comma? set decimal: comma)" : "");
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

int zf_tx_fps_from_steps(double *d, size_t n, double *fps)
{
    size_t k = 0;
    *fps = NAN;
    for (size_t i = 0; i < n; i++)
        if (isfinite(d[i]) && d[i] > 0) {
            double tmp = d[k];
            d[k++] = d[i];
            d[i] = tmp;
        }
    if (k == 0)
        return ZF_OK;
    qsort(d, k, sizeof *d, cmp_double);
    double med = k % 2 ? d[k / 2] : 0.5 * (d[k / 2 - 1] + d[k / 2]);
    double thr = 1.5 * med, sum = 0.0;
    size_t cnt = 0;
    for (size_t i = 0; i < n; i++)
        if (isfinite(d[i]) && d[i] >= 0 && d[i] <= thr) {
            sum += d[i];
            cnt++;
        }
    if (sum > 0) {
        double f = (double)cnt / sum, r = floor(f + 0.5);
        *fps = r > 0 && fabs(f - r) <= 0.005 * f ? r : f;
    }
    return ZF_OK;
}

int zf_tx_fps_from_times(const double *t, size_t n, double *fps)
{
    *fps = NAN;
    if (n < 2)
        return ZF_OK;
    double *d = malloc((n - 1) * sizeof *d);
    if (!d)
        return zf_error(ZF_ENOMEM, "out of memory");
    for (size_t i = 0; i + 1 < n; i++)
        d[i] = t[i + 1] - t[i];
    int rc = zf_tx_fps_from_steps(d, n - 1, fps);
    free(d);
    return rc;
}

/* Length of the valid UTF-8 sequence at s, 0 when invalid. */
static size_t utf8_len(const unsigned char *s)
{
    size_t len = s[0] < 0x80 ? 1 : (s[0] & 0xE0) == 0xC0 ? 2 : (s[0] & 0xF0) == 0xE0 ? 3 : (s[0] & 0xF8) == 0xF0 ? 4 : 0;
    if (len == 0 || (len == 2 && s[0] < 0xC2))
        return 0;
    for (size_t i = 1; i < len; i++)
        if ((s[i] & 0xC0) != 0x80)
            return 0;
    return len;
}

void zf_tx_copy_text(char *dst, size_t cap, const char *src)
{
    const unsigned char *s = (const unsigned char *)src;
    int valid = 1;
    size_t k = 0;
    if (cap == 0)
        return;
    for (size_t i = 0; s[i];) {
        size_t l = utf8_len(s + i);
        if (!l) {
            valid = 0;
            break;
        }
        i += l;
    }
    for (size_t i = 0; s[i];) {
        if (valid) {
            size_t l = utf8_len(s + i);
            if (k + l >= cap)
                break;
            memcpy(dst + k, s + i, l);
            k += l;
            i += l;
        } else if (s[i] < 0x80) {
            if (k + 1 >= cap)
                break;
            dst[k++] = (char)s[i++];
        } else { /* Latin-1 byte -> two UTF-8 bytes */
            if (k + 2 >= cap)
                break;
            dst[k++] = (char)(0xC0 | (s[i] >> 6));
            dst[k++] = (char)(0x80 | (s[i] & 0x3F));
            i++;
        }
    }
    dst[k] = '\0';
}

void zf_tx_note(zf_track_info *info, const char *fmt, ...)
{
    size_t k = strlen(info->conversions), cap = sizeof info->conversions;
    if (k + 3 >= cap)
        return;
    if (k) {
        info->conversions[k++] = ';';
        info->conversions[k++] = ' ';
        info->conversions[k] = '\0';
    }
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(info->conversions + k, cap - k, fmt, ap);
    va_end(ap);
}

void zf_tx_list_fields(const char *const *fields, size_t n, char *buf, size_t cap)
{
    size_t k = 0;
    if (cap == 0)
        return;
    buf[0] = '\0';
    for (size_t i = 0; i < n && k < cap; i++) {
        int w = snprintf(buf + k, cap - k, "%s'%s'", i ? ", " : "", fields[i] ? fields[i] : "");
        if (w < 0)
            break;
        k += (size_t)w;
    }
    if (k >= cap && cap > 4)
        memcpy(buf + cap - 4, "...", 4);
}

int zf_tx_row_copy(const zf_csv *c, size_t nf, char ***out)
{
    int rc = ZF_OK;
    char **v = calloc(nf ? nf : 1, sizeof *v);
    if (!v) {
        rc = zf_error(ZF_ENOMEM, "out of memory");
        goto done;
    }
    for (size_t i = 0; i < nf; i++) {
        const char *f = zf_csv_field(c, i);
        if (!(v[i] = zf_strdup(f ? f : ""))) {
            rc = ZF_ENOMEM; /* zf_strdup set the message */
            goto done;
        }
    }
    *out = v;
    v = NULL;
done:
    zf_tx_strv_free(v, nf); /* calloc'd: unset entries are NULL */
    return rc;
}

void zf_tx_strv_free(char **v, size_t n)
{
    if (!v)
        return;
    for (size_t i = 0; i < n; i++)
        free(v[i]);
    free(v);
}

int zf_tx_name_has(const char *path, const char *needle)
{
    const char *base = strrchr(path, '/');
    base = base ? base + 1 : path;
    size_t m = strlen(needle);
    for (const char *p = base; *p; p++) {
        size_t i = 0;
        while (i < m && p[i] && lower(p[i]) == lower(needle[i]))
            i++;
        if (i == m)
            return 1;
    }
    return 0;
}

void zf_tx_keypoint_ref(const double *px, const double *py, const double *ps, size_t nk, double min_lik,
                        double *x, double *y)
{
    double sx = 0.0, sy = 0.0;
    size_t m = 0;
    for (size_t k = 0; k < nk; k++) {
        if (!isfinite(px[k]) || !isfinite(py[k]))
            continue;
        double s = ps ? ps[k] : 1.0;
        if (isnan(s))
            s = 1.0;
        if (s < min_lik)
            continue;
        sx += px[k];
        sy += py[k];
        m++;
    }
    *x = m ? sx / (double)m : NAN;
    *y = m ? sy / (double)m : NAN;
}

void zf_tx_join_names(char *buf, size_t size, const char *const *v, size_t n)
{
    size_t k = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < n && k < size; i++) {
        int w = snprintf(buf + k, size - k, "%s%s", i ? ", " : "", v[i]);
        if (w < 0)
            break;
        k += (size_t)w;
    }
    if (k >= size && size > 4)
        memcpy(buf + size - 4, "...", 4);
}

int zf_tx_open_csv(const char *path, char delim, const char *expect, zf_csv **c, size_t *nf)
{
    int rc, r;
    if ((rc = zf_csv_open(path, delim, c)) != ZF_OK)
        return rc;
    if ((r = zf_csv_next(*c, nf)) <= 0)
        return r < 0 ? r : zf_error(ZF_EPARSE, "'%s': empty file: expected %s", path, expect);
    return ZF_OK;
}

int zf_tx_open_header(const char *path, const char *expect, zf_csv **c, char ***names, size_t *ncol)
{
    size_t nf = 0;
    int rc = zf_tx_open_csv(path, 0, expect, c, &nf);
    if (rc == ZF_OK && (rc = zf_tx_row_copy(*c, nf, names)) == ZF_OK)
        *ncol = nf;
    return rc;
}

const char *zf_tx_cell(const zf_csv *c, size_t nf, long col)
{
    return col >= 0 && (size_t)col < nf ? zf_csv_field(c, (size_t)col) : "";
}

int zf_tx_parse_xy(const char *path, size_t line, const char *xcol, const char *fx, const char *ycol, const char *fy,
                   const zf_read_opts *o, double *x, double *y)
{
    if (zf_tx_parse_num(fx, o, x) == ZF_NUM_BAD)
        return zf_tx_bad_number(path, line, xcol, fx, o);
    if (zf_tx_parse_num(fy, o, y) == ZF_NUM_BAD)
        return zf_tx_bad_number(path, line, ycol, fy, o);
    if (isnan(*x) || isnan(*y))
        *x = *y = NAN;
    return ZF_OK;
}

int zf_tx_track_fps(const double *t, size_t n, int has_time, double fallback, double *fps)
{
    int rc = ZF_OK;
    if (!has_time) {
        *fps = fallback;
        return ZF_OK;
    }
    if ((rc = zf_tx_fps_from_times(t, n, fps)) != ZF_OK)
        return rc;
    if (isnan(*fps))
        *fps = fallback;
    return ZF_OK;
}
