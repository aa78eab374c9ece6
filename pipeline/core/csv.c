/* csv.c: streaming delimited-text tokenizer (BOM, CRLF, quotes, delimiter detection), number parsing and the string table. */
#include "zfstress/core.h"
#include "zfstress/table.h"

#include <errno.h>
#include <iconv.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct zf_csv {
    FILE *fp;
    char *mem;       /* transcoded UTF-8 text when the file was UTF-16 */
    char *path;
    char delim;
    char *line;      /* raw line buffer (getline) */
    size_t line_cap;
    char *buf;       /* unquoted field text, NUL separated */
    size_t buf_cap;
    size_t *start;   /* offsets of fields in buf */
    size_t nfield, field_cap;
    size_t lineno, next_lineno;
    size_t bytes;
    int first;
};

static int grow(void **p, size_t *cap, size_t need, size_t elem)
{
    if (need <= *cap)
        return ZF_OK;
    size_t n = *cap ? *cap : 64;
    while (n < need)
        n *= 2;
    void *q = realloc(*p, n * elem);
    if (!q)
        return zf_error(ZF_ENOMEM, "out of memory");
    *p = q;
    *cap = n;
    return ZF_OK;
}

static char detect_delim(const char *line)
{
    size_t tabs = 0, semis = 0, commas = 0;
    int q = 0;
    for (const char *s = line; *s; s++) {
        if (*s == '"')
            q = !q;
        else if (!q && *s == '\t')
            tabs++;
        else if (!q && *s == ';')
            semis++;
        else if (!q && *s == ',')
            commas++;
    }
    if (tabs && tabs >= semis && tabs >= commas)
        return '\t';
    if (semis && semis >= commas)
        return ';';
    return ',';
}

/* UTF-16 text (EthoVision's "Unicode" export) is transcoded to UTF-8 in memory
 * with iconv and then read like any other file. */
static int open_utf16(const char *path, FILE *fp, int big_endian, char **mem, FILE **out)
{
    int rc = ZF_OK;
    char *in = NULL, *buf = NULL;
    size_t n = 0, cap = 1 << 16;
    iconv_t cd = (iconv_t)-1;
    if (!(in = malloc(cap)))
        return zf_error(ZF_ENOMEM, "out of memory");
    for (;;) {
        size_t got = fread(in + n, 1, cap - n, fp);
        n += got;
        if (n < cap)
            break;
        char *bigger = realloc(in, cap * 2);
        if (!bigger) {
            rc = zf_error(ZF_ENOMEM, "out of memory");
            goto done;
        }
        in = bigger;
        cap *= 2;
    }
    if (ferror(fp)) {
        rc = zf_error(ZF_EIO, "'%s': read error", path);
        goto done;
    }
    if (n % 2) {
        rc = zf_error(ZF_EPARSE, "'%s': UTF-16 text with an odd number of bytes (%zu): the file is truncated", path, n);
        goto done;
    }
    size_t outcap = n * 2 + 16, inleft = n - 2, outleft = outcap;
    if (!(buf = malloc(outcap))) {
        rc = zf_error(ZF_ENOMEM, "out of memory");
        goto done;
    }
    cd = iconv_open("UTF-8", big_endian ? "UTF-16BE" : "UTF-16LE");
    if (cd == (iconv_t)-1) {
        rc = zf_error(ZF_EIO, "'%s': cannot convert UTF-16: %s", path, strerror(errno));
        goto done;
    }
    char *ip = in + 2, *op = buf;
    if (iconv(cd, &ip, &inleft, &op, &outleft) == (size_t)-1) {
        rc = zf_error(ZF_EPARSE, "'%s': byte %zu: invalid UTF-16 text", path, (size_t)(ip - in));
        goto done;
    }
    size_t len = outcap - outleft;
    if (len == 0) {
        free(buf);
        buf = NULL;
        rc = zf_error(ZF_EPARSE, "'%s': empty UTF-16 file", path);
        goto done;
    }
    FILE *m = fmemopen(buf, len, "rb");
    if (!m) {
        rc = zf_error(ZF_ENOMEM, "'%s': cannot open transcoded text: %s", path, strerror(errno));
        goto done;
    }
    *mem = buf;
    buf = NULL;
    *out = m;
done:
    if (cd != (iconv_t)-1)
        iconv_close(cd);
    free(in);
    free(buf);
    return rc;
}

int zf_csv_open(const char *path, char delim, zf_csv **out)
{
    zf_csv *c = calloc(1, sizeof *c);
    if (!c)
        return zf_error(ZF_ENOMEM, "out of memory");
    c->fp = fopen(path, "rb");
    if (!c->fp) {
        int rc = zf_error(ZF_EIO, "'%s': cannot open: %s", path, strerror(errno));
        free(c);
        return rc;
    }
    {
        unsigned char bom[2] = {0, 0};
        size_t got = fread(bom, 1, 2, c->fp);
        int le = got == 2 && bom[0] == 0xFF && bom[1] == 0xFE, be = got == 2 && bom[0] == 0xFE && bom[1] == 0xFF;
        if (le || be) {
            FILE *m = NULL;
            rewind(c->fp);
            int rc = open_utf16(path, c->fp, be, &c->mem, &m);
            fclose(c->fp);
            c->fp = m;
            if (rc) {
                free(c);
                return rc;
            }
        } else {
            rewind(c->fp);
        }
    }
    c->path = zf_strdup(path);
    if (!c->path) {
        fclose(c->fp);
        free(c);
        return ZF_ENOMEM;
    }
    c->delim = delim;
    c->first = 1;
    c->next_lineno = 1;
    *out = c;
    return ZF_OK;
}

/* Read one physical line (without the line end) into c->line; returns length,
 * or -1 at EOF. */
static ssize_t read_line(zf_csv *c)
{
    ssize_t n = getline(&c->line, &c->line_cap, c->fp);
    if (n < 0)
        return -1;
    c->bytes += (size_t)n;
    while (n > 0 && (c->line[n - 1] == '\n' || c->line[n - 1] == '\r'))
        c->line[--n] = '\0';
    return n;
}

int zf_csv_next(zf_csv *c, size_t *nfields)
{
    ssize_t n;
    for (;;) {
        errno = 0;
        n = read_line(c);
        if (n < 0) {
            if (ferror(c->fp))
                return zf_error(ZF_EIO, "'%s': read error: %s", c->path, strerror(errno));
            return 0;
        }
        c->lineno = c->next_lineno++;
        if (c->first) {
            c->first = 0;
            if (n >= 3 && (unsigned char)c->line[0] == 0xEF && (unsigned char)c->line[1] == 0xBB &&
                (unsigned char)c->line[2] == 0xBF) {
                memmove(c->line, c->line + 3, (size_t)n - 2);
                n -= 3;
            }
        }
        size_t blank = 1;
        for (ssize_t i = 0; i < n; i++)
            if (c->line[i] != ' ' && c->line[i] != '\t' && c->line[i] != ',' && c->line[i] != ';') {
                blank = 0;
                break;
            }
        if (!blank)
            break;
    }
    if (!c->delim)
        c->delim = detect_delim(c->line);

    /* Split into fields; a quoted field may continue on following lines. */
    size_t need = (size_t)n + 2;
    if (grow((void **)&c->buf, &c->buf_cap, need, 1))
        return ZF_ENOMEM;
    c->nfield = 0;
    size_t o = 0;
    const char *s = c->line;
    int done = 0;
    while (!done) {
        if (grow((void **)&c->start, &c->field_cap, c->nfield + 1, sizeof(size_t)))
            return ZF_ENOMEM;
        c->start[c->nfield++] = o;
        while (*s == ' ' && c->delim != ' ')
            s++;
        if (*s == '"') {
            s++;
            for (;;) {
                if (*s == '\0') {
                    /* embedded line end: append the next physical line */
                    size_t off = (size_t)(s - c->line);
                    char *save = zf_strdup(c->line);
                    if (!save)
                        return ZF_ENOMEM;
                    ssize_t m = read_line(c);
                    if (m < 0) {
                        free(save);
                        return zf_error(ZF_EPARSE, "'%s':%zu: unterminated quoted field", c->path, c->lineno);
                    }
                    c->next_lineno++;
                    size_t total = off + 1 + (size_t)m + 1;
                    char *joined = malloc(total);
                    if (!joined || grow((void **)&c->buf, &c->buf_cap, o + total + 2, 1)) {
                        free(save);
                        free(joined);
                        return zf_error(ZF_ENOMEM, "out of memory");
                    }
                    memcpy(joined, save, off);
                    joined[off] = '\n';
                    memcpy(joined + off + 1, c->line, (size_t)m + 1);
                    free(save);
                    if (grow((void **)&c->line, &c->line_cap, total, 1)) {
                        free(joined);
                        return ZF_ENOMEM;
                    }
                    memcpy(c->line, joined, total);
                    free(joined);
                    s = c->line + off;
                    c->buf[o++] = *s++;
                    continue;
                }
                if (*s == '"') {
                    if (s[1] == '"') {
                        c->buf[o++] = '"';
                        s += 2;
                        continue;
                    }
                    s++;
                    break;
                }
                c->buf[o++] = *s++;
            }
            /* text after the closing quote up to the delimiter is kept */
            while (*s && *s != c->delim)
                c->buf[o++] = *s++;
        } else {
            while (*s && *s != c->delim)
                c->buf[o++] = *s++;
        }
        /* trim trailing blanks of unquoted text */
        while (o > c->start[c->nfield - 1] && c->buf[o - 1] == ' ' && c->delim != ' ')
            o--;
        c->buf[o++] = '\0';
        if (*s == c->delim)
            s++;
        else
            done = 1;
    }
    *nfields = c->nfield;
    return 1;
}

const char *zf_csv_field(const zf_csv *c, size_t i)
{
    return i < c->nfield ? c->buf + c->start[i] : NULL;
}

size_t zf_csv_line(const zf_csv *c) { return c->lineno; }
const char *zf_csv_path(const zf_csv *c) { return c->path; }
char zf_csv_delim(const zf_csv *c) { return c->delim; }
size_t zf_csv_bytes(const zf_csv *c) { return c->bytes; }

void zf_csv_close(zf_csv *c)
{
    if (!c)
        return;
    if (c->fp)
        fclose(c->fp);
    free(c->mem);
    free(c->path);
    free(c->line);
    free(c->buf);
    free(c->start);
    free(c);
}

static int eq_nocase(const char *a, const char *b)
{
    for (; *a && *b; a++, b++) {
        char x = *a, y = *b;
        if (x >= 'A' && x <= 'Z')
            x = (char)(x - 'A' + 'a');
        if (y >= 'A' && y <= 'Z')
            y = (char)(y - 'A' + 'a');
        if (x != y)
            return 0;
    }
    return *a == *b;
}

int zf_parse_number(const char *s, double *out)
{
    while (*s == ' ' || *s == '\t')
        s++;
    size_t n = strlen(s);
    while (n && (s[n - 1] == ' ' || s[n - 1] == '\t'))
        n--;
    char tmp[64];
    if (n == 0 || (n == 1 && s[0] == '-')) {
        *out = NAN;
        return ZF_NUM_MISSING;
    }
    if (n >= sizeof tmp)
        return ZF_NUM_BAD;
    memcpy(tmp, s, n);
    tmp[n] = '\0';
    if (eq_nocase(tmp, "nan") || eq_nocase(tmp, "na") || eq_nocase(tmp, "inf") ||
        eq_nocase(tmp, "-inf") || eq_nocase(tmp, "+inf") || eq_nocase(tmp, "infinity") ||
        eq_nocase(tmp, "-infinity")) {
        *out = NAN;
        return ZF_NUM_MISSING;
    }
    /* Only decimal notation: reject hex, and leading '+' or '.' is allowed. */
    for (size_t i = 0; i < n; i++) {
        char ch = tmp[i];
        if (!((ch >= '0' && ch <= '9') || ch == '.' || ch == '-' || ch == '+' || ch == 'e' || ch == 'E'))
            return ZF_NUM_BAD;
    }
    char *end = NULL;
    errno = 0;
    double v = strtod(tmp, &end);
    if (end != tmp + n || end == tmp)
        return ZF_NUM_BAD;
    if (errno == ERANGE && fabs(v) > 1.0)
        return ZF_NUM_BAD; /* overflow: 1e400 is not a position */
    *out = v;
    return ZF_NUM_OK;
}

void zf_table_free(zf_table *t)
{
    if (!t)
        return;
    if (t->names)
        for (size_t i = 0; i < t->ncol; i++)
            free(t->names[i]);
    if (t->cells)
        for (size_t i = 0; i < t->nrow * t->ncol; i++)
            free(t->cells[i]);
    free(t->names);
    free(t->cells);
    free(t->line);
    free(t->path);
    free(t);
}

int zf_table_read(const char *path, zf_table **out)
{
    int rc = ZF_OK;
    zf_csv *c = NULL;
    zf_table *t = calloc(1, sizeof *t);
    size_t cell_cap = 0, line_cap = 0, nf = 0;
    if (!t)
        return zf_error(ZF_ENOMEM, "out of memory");
    if ((rc = zf_csv_open(path, 0, &c)) != ZF_OK)
        goto done;
    if (!(t->path = zf_strdup(path))) {
        rc = ZF_ENOMEM;
        goto done;
    }
    rc = zf_csv_next(c, &nf);
    if (rc < 0)
        goto done;
    if (rc == 0) {
        rc = zf_error(ZF_EPARSE, "'%s': empty file: expected a header row of column names", path);
        goto done;
    }
    t->ncol = nf;
    if (!(t->names = calloc(nf, sizeof *t->names))) {
        rc = zf_error(ZF_ENOMEM, "out of memory");
        goto done;
    }
    for (size_t i = 0; i < nf; i++) {
        const char *f = zf_csv_field(c, i);
        if (!f || !f[0]) {
            rc = zf_error(ZF_EPARSE, "'%s':%zu: column %zu: expected a column name, got an empty field",
                          path, zf_csv_line(c), i + 1);
            goto done;
        }
        for (size_t j = 0; j < i; j++)
            if (strcmp(t->names[j], f) == 0) {
                rc = zf_error(ZF_EPARSE, "'%s':%zu: column %zu: duplicate column name '%s'",
                              path, zf_csv_line(c), i + 1, f);
                goto done;
            }
        if (!(t->names[i] = zf_strdup(f))) {
            rc = ZF_ENOMEM;
            goto done;
        }
    }
    while ((rc = zf_csv_next(c, &nf)) == 1) {
        if (nf > t->ncol) {
            int extra = 0;
            for (size_t i = t->ncol; i < nf; i++) {
                const char *f = zf_csv_field(c, i);
                if (f && f[0])
                    extra = 1;
            }
            if (extra) {
                rc = zf_error(ZF_EPARSE, "'%s':%zu: expected %zu fields as in the header, got %zu",
                              path, zf_csv_line(c), t->ncol, nf);
                goto done;
            }
        }
        if (grow((void **)&t->cells, &cell_cap, (t->nrow + 1) * t->ncol, sizeof(char *)) ||
            grow((void **)&t->line, &line_cap, t->nrow + 1, sizeof(size_t))) {
            rc = ZF_ENOMEM;
            goto done;
        }
        t->line[t->nrow] = zf_csv_line(c);
        for (size_t i = 0; i < t->ncol; i++) {
            const char *f = i < nf ? zf_csv_field(c, i) : NULL;
            char *d = zf_strdup(f ? f : "");
            if (!d) {
                /* cells of this row so far are freed with the table */
                for (size_t k = i; k < t->ncol; k++)
                    t->cells[t->nrow * t->ncol + k] = NULL;
                t->nrow++;
                rc = ZF_ENOMEM;
                goto done;
            }
            t->cells[t->nrow * t->ncol + i] = d;
        }
        t->nrow++;
    }
    if (rc < 0)
        goto done;
    rc = ZF_OK;
    *out = t;
    t = NULL;
done:
    zf_csv_close(c);
    zf_table_free(t);
    return rc;
}

int zf_table_col(const zf_table *t, const char *name)
{
    for (size_t i = 0; i < t->ncol; i++)
        if (strcmp(t->names[i], name) == 0)
            return (int)i;
    return -1;
}

const char *zf_table_cell(const zf_table *t, size_t row, size_t col)
{
    if (row >= t->nrow || col >= t->ncol)
        return "";
    return t->cells[row * t->ncol + col];
}

int zf_table_col_numeric(const zf_table *t, size_t col)
{
    size_t seen = 0;
    for (size_t r = 0; r < t->nrow; r++) {
        double v;
        int k = zf_parse_number(zf_table_cell(t, r, col), &v);
        if (k == ZF_NUM_BAD)
            return 0;
        if (k == ZF_NUM_OK)
            seen++;
    }
    return seen > 0;
}
