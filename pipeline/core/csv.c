/* csv.c: block-buffered delimited-text tokenizer (BOM, CRLF, quotes, delimiter detection), exact fast number parsing and the string table. */
#include "zfstress/core.h"
#include "zfstress/table.h"
#include "core/csvhash.h"

#include <openssl/evp.h>

#include <errno.h>
#include <fcntl.h>
#include <float.h>
#include <iconv.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <unistd.h>

/* The tokenizer reads the file in large blocks into one buffer and splits
 * lines in place: a line without quotes (nearly every line of a track file)
 * has its delimiters overwritten with NULs and its fields point into the
 * buffer, so reading costs no allocation and no copy. Lines with quotes take
 * the general path, which copies unquoted text into c->buf. */
/* a block read, hashed and tokenized stays in the core's L2 cache: 256 KiB
 * took ingest of cohort-L from 0.516 to 0.492 s against 1 MiB (5 runs each) */
#define CSV_BLOCK ((size_t)1 << 18)
#define CSV_SLACK 8 /* bytes allocated after the usable buffer (word-wide scans) */

struct zf_csv {
    int fd;          /* -1 when the text is in memory (transcoded UTF-16) */
    char *path;
    char delim;
    char *data;      /* read buffer, or the transcoded text */
    size_t cap;      /* bytes allocated for data */
    size_t pos, end; /* unread text is data[pos .. end) */
    int eof;
    int rerr;        /* errno of a read error not yet reported */
    char *line;      /* the general path: the current logical line */
    size_t line_cap;
    char *buf;       /* the general path: unquoted field text, NUL separated */
    size_t buf_cap;
    size_t *start;   /* the general path: offsets of fields in buf */
    size_t start_cap;
    char **fld;      /* fields of the current row */
    size_t nfield, field_cap;
    size_t lineno, next_lineno;
    size_t bytes;
    int first;
    EVP_MD_CTX *md; /* SHA-256 of the bytes read, when the thread asked for it */
    size_t qnext;   /* offset in data of a '"' not before the current line, or SIZE_MAX */
    size_t qscan;   /* data[line start .. qscan) was searched and holds no quote */
};

/* The thread's request for the digest of the next file it tokenizes. */
static _Thread_local struct {
    char *path;   /* armed for this path */
    int done;     /* hex holds the digest of the whole file */
    char hex[65];
} csv_hash;

void zf_csv_hash_begin(const char *path)
{
    free(csv_hash.path);
    csv_hash.path = zf_strdup(path);
    csv_hash.done = 0;
}

int zf_csv_hash_end(char out_hex[65])
{
    int done = csv_hash.done;
    if (done)
        memcpy(out_hex, csv_hash.hex, 65);
    free(csv_hash.path);
    csv_hash.path = NULL;
    csv_hash.done = 0;
    return done;
}

/* The end of the file was read: the digest is complete. */
static void hash_finish(zf_csv *c)
{
    unsigned char d[EVP_MAX_MD_SIZE];
    unsigned int n = 0;
    static const char hexd[] = "0123456789abcdef";
    if (EVP_DigestFinal_ex(c->md, d, &n) == 1 && n == 32) {
        for (unsigned int i = 0; i < 32; i++) {
            csv_hash.hex[2 * i] = hexd[d[i] >> 4];
            csv_hash.hex[2 * i + 1] = hexd[d[i] & 15];
        }
        csv_hash.hex[64] = '\0';
        csv_hash.done = 1;
    }
    EVP_MD_CTX_free(c->md);
    c->md = NULL;
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

/* read(2) until len bytes or end of file; -1 with errno on error. */
static ssize_t read_full(int fd, char *dst, size_t len)
{
    size_t got = 0;
    while (got < len) {
        ssize_t r = read(fd, dst + got, len - got);
        if (r < 0) {
            if (errno == EINTR)
                continue;
            return -1;
        }
        if (r == 0)
            break;
        got += (size_t)r;
    }
    return (ssize_t)got;
}

/* Read more of the file: keep data[pos .. end) (moved to the front), grow
 * the buffer when it is full, and read a block after it. */
static int refill(zf_csv *c)
{
    if (c->eof)
        return ZF_OK;
    if (c->pos > 0) {
        memmove(c->data, c->data + c->pos, c->end - c->pos);
        c->end -= c->pos;
        c->qscan = c->qscan > c->pos ? c->qscan - c->pos : 0;
        c->qnext = c->qnext != SIZE_MAX && c->qnext >= c->pos ? c->qnext - c->pos : SIZE_MAX;
        c->pos = 0;
    }
    /* room for a block (more for a long line) and the NUL that ends the last line */
    if (c->cap - c->end <= CSV_BLOCK / 2) {
        size_t cap = c->end + CSV_BLOCK + 1 > 2 * c->cap ? c->end + CSV_BLOCK + 1 : 2 * c->cap;
        char *p = realloc(c->data, cap + CSV_SLACK);
        if (!p)
            return zf_error(ZF_ENOMEM, "out of memory");
        memset(p + cap, 0, CSV_SLACK);
        c->data = p;
        c->cap = cap;
    }
    ssize_t r = read_full(c->fd, c->data + c->end, c->cap - c->end - 1);
    if (r < 0) {
        c->rerr = errno ? errno : EIO;
        c->eof = 1;
        return zf_error(ZF_EIO, "'%s': read error: %s", c->path, strerror(c->rerr));
    }
    if (c->md && r > 0 && EVP_DigestUpdate(c->md, c->data + c->end, (size_t)r) != 1) {
        EVP_MD_CTX_free(c->md);
        c->md = NULL;
    }
    if (r == 0) {
        c->eof = 1;
        if (c->md)
            hash_finish(c);
    }
    c->end += (size_t)r;
    return ZF_OK;
}

/* The next physical line, without its line end (every trailing CR and LF
 * removed) and NUL-terminated in place: 1 with *line and *len set, 0 at the
 * end of the file, <0 on error. The line stays valid until the next call. */
static int get_line(zf_csv *c, char **line, size_t *len)
{
    size_t scan = c->pos;
    char *nl;
    for (;;) {
        nl = memchr(c->data + scan, '\n', c->end - scan);
        if (nl || c->eof)
            break;
        size_t keep = c->end - c->pos;
        int rc = refill(c);
        if (rc)
            return rc;
        scan = keep;
    }
    if (c->rerr && c->pos == c->end)
        return zf_error(ZF_EIO, "'%s': read error: %s", c->path, strerror(c->rerr));
    if (!nl && c->pos == c->end)
        return 0;
    char *s = c->data + c->pos;
    size_t n = nl ? (size_t)(nl - s) : c->end - c->pos;
    c->pos += n + (nl ? 1 : 0);
    c->bytes += n + (nl ? 1 : 0);
    while (n > 0 && (s[n - 1] == '\r' || s[n - 1] == '\n'))
        n--;
    s[n] = '\0'; /* on the '\n', a CR, or the spare byte after the last line */
    *line = s;
    *len = n;
    return 1;
}

/* UTF-16 text (EthoVision's "Unicode" export) is transcoded to UTF-8 in
 * memory with iconv and then read like any other file. */
static int open_utf16(zf_csv *c, int big_endian)
{
    int rc = ZF_OK;
    char *in = NULL, *buf = NULL;
    size_t n = 0, cap = 1 << 16;
    iconv_t cd = (iconv_t)-1;
    const char *path = c->path;
    if (!(in = malloc(cap)))
        return zf_error(ZF_ENOMEM, "out of memory");
    for (;;) {
        ssize_t got = read_full(c->fd, in + n, cap - n);
        if (got < 0) {
            rc = zf_error(ZF_EIO, "'%s': read error", path);
            goto done;
        }
        n += (size_t)got;
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
    if (n % 2) {
        rc = zf_error(ZF_EPARSE, "'%s': UTF-16 text with an odd number of bytes (%zu): the file is truncated", path, n);
        goto done;
    }
    size_t outcap = n * 2 + 16, inleft = n - 2, outleft = outcap;
    if (!(buf = calloc(1, outcap + 1 + CSV_SLACK))) {
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
        rc = zf_error(ZF_EPARSE, "'%s': empty UTF-16 file", path);
        goto done;
    }
    c->data = buf;
    c->cap = outcap + 1;
    c->pos = 0;
    c->end = len;
    c->eof = 1;
    buf = NULL;
done:
    if (cd != (iconv_t)-1)
        iconv_close(cd);
    free(in);
    free(buf);
    return rc;
}

int zf_csv_open(const char *path, char delim, zf_csv **out)
{
    int rc = ZF_OK;
    zf_csv *c = calloc(1, sizeof *c);
    if (!c)
        return zf_error(ZF_ENOMEM, "out of memory");
    c->fd = open(path, O_RDONLY | O_CLOEXEC);
    if (c->fd < 0) {
        rc = zf_error(ZF_EIO, "'%s': cannot open: %s", path, strerror(errno));
        goto done;
    }
    if (!(c->path = zf_strdup(path))) {
        rc = ZF_ENOMEM;
        goto done;
    }
    c->delim = delim;
    c->first = 1;
    c->next_lineno = 1;
    c->qnext = SIZE_MAX;
    if (csv_hash.path && strcmp(csv_hash.path, path) == 0) {
        free(csv_hash.path); /* once: the first reader of the file hashes it */
        csv_hash.path = NULL;
        if ((c->md = EVP_MD_CTX_new()) && EVP_DigestInit_ex(c->md, EVP_sha256(), NULL) != 1) {
            EVP_MD_CTX_free(c->md);
            c->md = NULL;
        }
    }
    /* the first block tells UTF-16 (a byte-order mark) from 8-bit text; a
     * read error is reported by the first zf_csv_next, as a stream would */
    if ((rc = refill(c)) != ZF_OK) {
        if (rc == ZF_ENOMEM)
            goto done;
        rc = ZF_OK;
        zf_error_clear();
    }
    if (c->end >= 2 && (((unsigned char)c->data[0] == 0xFF && (unsigned char)c->data[1] == 0xFE) ||
                        ((unsigned char)c->data[0] == 0xFE && (unsigned char)c->data[1] == 0xFF))) {
        int be = (unsigned char)c->data[0] == 0xFE;
        if (lseek(c->fd, 0, SEEK_SET) != 0) {
            rc = zf_error(ZF_EIO, "'%s': read error", path);
            goto done;
        }
        free(c->data);
        c->data = NULL;
        c->cap = c->pos = c->end = 0;
        EVP_MD_CTX_free(c->md); /* read again from the start: hashed separately */
        c->md = NULL;
        c->qnext = SIZE_MAX;
        c->qscan = 0;
        rc = open_utf16(c, be);
        close(c->fd);
        c->fd = -1;
        if (rc)
            goto done;
    }
    *out = c;
    c = NULL;
done:
    zf_csv_close(c);
    return rc;
}

#if defined(__GNUC__) && defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
/* The end of the field at s: the first delimiter or NUL, eight bytes at a
 * time (the buffer has CSV_SLACK bytes after the text, so the loads stay in it). */
static char *field_end(char *s, char d)
{
    const uint64_t ones = 0x0101010101010101u, highs = 0x8080808080808080u, dd = ones * (unsigned char)d;
    for (;; s += 8) {
        uint64_t x, y;
        memcpy(&x, s, 8);
        y = x ^ dd;
        uint64_t m = ((x - ones) & ~x & highs) | ((y - ones) & ~y & highs);
        if (m)
            return s + (__builtin_ctzll(m) >> 3);
    }
}
#else
static char *field_end(char *s, char d)
{
    while (*s && *s != d)
        s++;
    return s;
}
#endif

/* Split a line without quotes in place: each delimiter becomes a NUL, blanks
 * around fields are dropped (unless the delimiter is a blank). */
static int split_plain(zf_csv *c, char *s, const char *end)
{
    const char d = c->delim;
    const int trim = d != ' ';
    c->nfield = 0;
    for (;;) {
        if (c->nfield == c->field_cap && zf_grow((void **)&c->fld, &c->field_cap, c->nfield + 1, sizeof *c->fld))
            return ZF_ENOMEM;
        if (trim)
            while (*s == ' ')
                s++;
        char *f = s;
        s = field_end(s, d);
        char *e = s;
        int more = *s == d;
        if (trim)
            while (e > f && e[-1] == ' ')
                e--;
        *e = '\0';
        c->fld[c->nfield++] = f;
        if (!more) {
            if (s < end) /* the line goes on after a NUL byte */
                return zf_error(ZF_EPARSE, "'%s':%zu: field %zu holds a NUL byte: expected text (a damaged or binary file?)",
                                c->path, c->lineno, c->nfield);
            return ZF_OK;
        }
        s++;
    }
}

/* The general path (a quote on the line): fields unquoted into c->buf; a
 * quoted field may continue on the following physical lines. */
static int split_quoted(zf_csv *c, const char *text, size_t n)
{
    if (zf_grow((void **)&c->line, &c->line_cap, n + 1, 1) || zf_grow((void **)&c->buf, &c->buf_cap, n + 2, 1))
        return ZF_ENOMEM;
    memcpy(c->line, text, n + 1);
    c->nfield = 0;
    size_t o = 0;
    const char *s = c->line;
    int done = 0;
    while (!done) {
        if (zf_grow((void **)&c->start, &c->start_cap, c->nfield + 1, sizeof(size_t)))
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
                    char *next = NULL;
                    size_t m = 0;
                    int r = get_line(c, &next, &m);
                    if (r < 0)
                        return r;
                    if (r == 0)
                        return zf_error(ZF_EPARSE, "'%s':%zu: unterminated quoted field", c->path, c->lineno);
                    c->next_lineno++;
                    size_t total = off + 1 + m + 1;
                    if (zf_grow((void **)&c->line, &c->line_cap, total, 1) || zf_grow((void **)&c->buf, &c->buf_cap, o + total + 2, 1))
                        return zf_error(ZF_ENOMEM, "out of memory");
                    c->line[off] = '\n';
                    memcpy(c->line + off + 1, next, m + 1);
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
    if (zf_grow((void **)&c->fld, &c->field_cap, c->nfield, sizeof *c->fld))
        return ZF_ENOMEM;
    for (size_t i = 0; i < c->nfield; i++)
        c->fld[i] = c->buf + c->start[i];
    return ZF_OK;
}

/* Is there a quote in data[ls .. le), the current line? Searched a whole
 * buffer at a time: track files have none, so this is one memchr per block. */
static int line_has_quote(zf_csv *c, size_t ls, size_t le)
{
    if (c->qnext != SIZE_MAX && c->qnext >= ls)
        return c->qnext < le;
    if (c->qnext == SIZE_MAX && le <= c->qscan)
        return 0;
    size_t from = c->qnext == SIZE_MAX && c->qscan > ls ? c->qscan : ls;
    const char *q = memchr(c->data + from, '"', c->end - from);
    c->qnext = q ? (size_t)(q - c->data) : SIZE_MAX;
    c->qscan = q ? c->qnext : c->end; /* data[.. qscan) holds no quote */
    return q && (size_t)(q - c->data) < le;
}

/* The next line that is not blank, NUL-terminated in place (BOM dropped,
 * delimiter detected on the first): 1, 0 at the end, <0 on error. */
static int next_line(zf_csv *c, char **line, size_t *len)
{
    char *s = NULL;
    size_t n = 0;
    int rc;
    for (;;) {
        if ((rc = get_line(c, &s, &n)) <= 0)
            return rc;
        c->lineno = c->next_lineno++;
        if (c->first) {
            c->first = 0;
            if (n >= 3 && (unsigned char)s[0] == 0xEF && (unsigned char)s[1] == 0xBB && (unsigned char)s[2] == 0xBF) {
                s += 3;
                n -= 3;
            }
        }
        size_t blank = 1;
        for (size_t i = 0; i < n; i++)
            if (s[i] != ' ' && s[i] != '\t' && s[i] != ',' && s[i] != ';') {
                blank = 0;
                break;
            }
        if (!blank)
            break;
    }
    if (!c->delim)
        c->delim = detect_delim(s);
    *line = s;
    *len = n;
    return 1;
}

/* Split the line s[0..n) into fields by the general rules: 1 with *nfields, or <0. */
static int split_line(zf_csv *c, char *s, size_t n, size_t *nfields)
{
    size_t ls = (size_t)(s - c->data);
    int rc = line_has_quote(c, ls, ls + n) ? split_quoted(c, s, n) : split_plain(c, s, s + n);
    if (rc)
        return rc;
    *nfields = c->nfield;
    return 1;
}

int zf_csv_next(zf_csv *c, size_t *nfields)
{
    char *s = NULL;
    size_t n = 0;
    int rc;
    if ((rc = next_line(c, &s, &n)) <= 0)
        return rc;
    return split_line(c, s, n, nfields);
}

/* Powers of ten that are exact doubles: 10^k = 2^k * 5^k with 5^k < 2^53 for k <= 22. */
static const double exact_pow10[23] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,  1e8,  1e9,  1e10, 1e11,
                                       1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};

/* A cell that is a plain decimal ("134.202", "-0.5", "7"): an optional minus,
 * digits, an optional point and digits, at most 19 digits in all, ending at the
 * delimiter or the end of the line. Its value is what zf_parse_number gives
 * (the same integer w and division by an exact power of ten). Returns the end
 * of the cell, or NULL for anything else (blanks, exponents, words, signs,
 * long numbers), which the general path then reads. (Eight bytes at a time
 * with SWAR arithmetic was slower here: cells are short.) */
static inline const char *plain_decimal(const char *p, char d, double *out)
{
    int neg = *p == '-';
    uint64_t w = 0;
    size_t nd = 0, nf = 0;
    p += neg;
    const char *ip = p;
    /* more than 19 digits wrap w around (unsigned arithmetic) and are
     * refused below, so the loops need no bound of their own */
    while ((unsigned)(*p - '0') < 10u)
        w = w * 10 + (uint64_t)(*p++ - '0');
    nd = (size_t)(p - ip);
    if (*p == '.') {
        const char *fp = ++p;
        while ((unsigned)(*p - '0') < 10u)
            w = w * 10 + (uint64_t)(*p++ - '0');
        nf = (size_t)(p - fp);
        nd += nf;
    }
    if ((*p != d && *p != '\0') || nd == 0 || nd > 19 || w > ((uint64_t)1 << 53))
        return NULL; /* nf <= nd <= 19, so 10^nf is exact */
    double v = (double)w;
    v = nf ? v / exact_pow10[nf] : v;
    *out = neg ? -v : v;
    return p;
}

/* The numbers of the line s[0..n) without splitting it, when it has no quote
 * and each cell read is a plain decimal: 1 with *nfields, else 0. */
static int numbers_in_place(zf_csv *c, const char *s, size_t n, const int *slot, size_t nslot, double *v,
                            size_t *nfields)
{
#if FLT_EVAL_METHOD == 0
    const char d = c->delim;
    size_t ls = (size_t)(s - c->data);
    if (d == ' ' || nslot == 0 || line_has_quote(c, ls, ls + n))
        return 0;
    const char *p = s;
    for (size_t f = 0;; p++) {
        if (slot[f] >= 0) {
            if (!(p = plain_decimal(p, d, &v[slot[f]])))
                return 0;
        } else {
            p = field_end((char *)(uintptr_t)p, d);
        }
        if (++f == nslot) {
            /* the cells after the last one read are counted, not split, so that the
             * caller can hold the row's field count against the header's */
            const char *end = s + n;
            if (p < end) { /* cells after the last one read (none in a file of just those) */
                if (memchr(p, '\0', (size_t)(end - p)))
                    return 0; /* a NUL byte: the general path says where */
                for (const char *q = p; q < end && (q = memchr(q, d, (size_t)(end - q))) != NULL; q++)
                    f++;
            }
            c->nfield = 0; /* the cells are not split */
            *nfields = f;
            return 1;
        }
        if (*p != d)
            return 0; /* fewer cells: the general path says so */
    }
#else
    (void)c, (void)s, (void)n, (void)slot, (void)nslot, (void)v, (void)nfields;
    return 0;
#endif
}

int zf_csv_next_numbers(zf_csv *c, const int *slot, size_t nslot, double *v, size_t *nfields)
{
    char *s = NULL;
    size_t n = 0;
    int rc;
    if ((rc = next_line(c, &s, &n)) <= 0)
        return rc;
    if (numbers_in_place(c, s, n, slot, nslot, v, nfields))
        return 2;
    return split_line(c, s, n, nfields);
}

const char *zf_csv_field(const zf_csv *c, size_t i)
{
    return i < c->nfield ? c->fld[i] : NULL;
}

size_t zf_csv_line(const zf_csv *c) { return c->lineno; }
const char *zf_csv_path(const zf_csv *c) { return c->path; }
char zf_csv_delim(const zf_csv *c) { return c->delim; }
size_t zf_csv_bytes(const zf_csv *c) { return c->bytes; }

void zf_csv_close(zf_csv *c)
{
    if (!c)
        return;
    if (c->fd >= 0)
        close(c->fd);
    EVP_MD_CTX_free(c->md);
    free(c->data);
    free(c->path);
    free(c->line);
    free(c->buf);
    free(c->start);
    free(c->fld);
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

/* The general number parser: blanks trimmed, the missing-value words,
 * decimal notation only, strtod for the value. */
static int parse_number_strtod(const char *s, double *out)
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


/* Most cells are short decimals ("134.202", "-0.5", "1e-3"). Their digits
 * (at most 19) form an integer w <= 2^53 and a power of ten 10^e with
 * |e| <= 22; both are exact doubles, so one IEEE multiplication or division
 * rounds w * 10^e correctly, which is the value strtod returns (Clinger 1990).
 * Anything else (more digits, larger exponents, words, malformed text) takes
 * the general path, so the result is strtod's for every input. */
int zf_parse_number(const char *s, double *out)
{
#if FLT_EVAL_METHOD != 0
    return parse_number_strtod(s, out); /* extended-precision arithmetic would round twice */
#else
    const char *p = s, *begin, *ip, *fp = NULL;
    size_t ni, nf = 0;
    uint64_t w = 0;
    int neg = 0, e;
    while (*p == ' ' || *p == '\t')
        p++;
    begin = p;
    if (*p == '-' || *p == '+')
        neg = *p++ == '-';
    for (ip = p; (unsigned)(*p - '0') < 10u; p++)
        ;
    ni = (size_t)(p - ip);
    if (*p == '.') {
        for (fp = ++p; (unsigned)(*p - '0') < 10u; p++)
            ;
        nf = (size_t)(p - fp);
    }
    /* up to 19 digits fit an unsigned 64-bit integer; more (rare) take the general path */
    if (ni + nf == 0 || ni + nf > 19)
        goto general;
    for (size_t i = 0; i < ni; i++)
        w = w * 10 + (uint64_t)(ip[i] - '0');
    for (size_t i = 0; i < nf; i++)
        w = w * 10 + (uint64_t)(fp[i] - '0');
    e = -(int)nf;
    if (*p == 'e' || *p == 'E') {
        int eneg = 0, ev = 0;
        const char *ep;
        p++;
        if (*p == '-' || *p == '+')
            eneg = *p++ == '-';
        for (ep = p; (unsigned)(*p - '0') < 10u; p++)
            if (p - ep < 6)
                ev = ev * 10 + (*p - '0');
        if (p == ep || p - ep >= 6)
            goto general;
        e += eneg ? -ev : ev;
    }
    const char *stop = p;
    while (*p == ' ' || *p == '\t')
        p++;
    if (*p != '\0' || stop - begin >= 64 || w > ((uint64_t)1 << 53) || e < -22 || e > 22)
        goto general;
    double v = (double)w;
    v = e < 0 ? v / exact_pow10[-e] : v * exact_pow10[e];
    *out = neg ? -v : v;
    return ZF_NUM_OK;
general:
    return parse_number_strtod(s, out);
#endif
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
        if (zf_grow((void **)&t->cells, &cell_cap, (t->nrow + 1) * t->ncol, sizeof(char *)) ||
            zf_grow((void **)&t->line, &line_cap, t->nrow + 1, sizeof(size_t))) {
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
