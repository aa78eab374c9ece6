/* chunkenc.c: HDF5 chunk encoding in our own threads (byte shuffle, deflate by libdeflate or zlib with stored blocks for noise planes, fletcher32) for H5Dwrite_chunk. */
#include "zfstress/core.h"
#include "core/chunkenc.h"

#include <stdlib.h>
#include <string.h>
#include <zlib.h>
#ifdef ZF_HAVE_LIBDEFLATE
#include <libdeflate.h>
#endif

int zf_chunk_have_libdeflate(void)
{
#ifdef ZF_HAVE_LIBDEFLATE
    return 1;
#else
    return 0;
#endif
}

uint32_t zf_fletcher32(const void *data, size_t len)
{
    const unsigned char *d = data;
    size_t words = len / 2;
    uint32_t sum1 = 0, sum2 = 0;
    /* 360 words is the most that can be summed before sum2 may overflow; the
     * same blocks and reductions as HDF5, so the same 32 bits come out */
    while (words) {
        size_t n = words > 360 ? 360 : words;
        words -= n;
        for (size_t i = 0; i < n; i++, d += 2) {
            sum1 += ((uint32_t)d[0] << 8) | d[1];
            sum2 += sum1;
        }
        sum1 = (sum1 & 0xffff) + (sum1 >> 16);
        sum2 = (sum2 & 0xffff) + (sum2 >> 16);
    }
    if (len % 2) {
        sum1 += (uint32_t)*d << 8;
        sum2 += sum1;
        sum1 = (sum1 & 0xffff) + (sum1 >> 16);
        sum2 = (sum2 & 0xffff) + (sum2 >> 16);
    }
    sum1 = (sum1 & 0xffff) + (sum1 >> 16);
    sum2 = (sum2 & 0xffff) + (sum2 >> 16);
    return (sum2 << 16) | sum1;
}

size_t zf_chunk_bound(size_t nbytes)
{
    /* zlib's bound for stored or compressed data, plus the checksum */
    return (size_t)compressBound((uLong)nbytes) + 64 + 4;
}

/* HDF5's shuffle filter: byte j of element i goes to plane j. */
static void shuffle(const unsigned char *in, unsigned char *out, size_t nbytes, size_t elem)
{
    size_t n = nbytes / elem;
    if (elem == 4) {
        for (size_t i = 0; i < n; i++) {
            out[i] = in[4 * i];
            out[n + i] = in[4 * i + 1];
            out[2 * n + i] = in[4 * i + 2];
            out[3 * n + i] = in[4 * i + 3];
        }
    } else if (elem == 8) {
        for (size_t i = 0; i < n; i++)
            for (size_t j = 0; j < 8; j++)
                out[j * n + i] = in[8 * i + j];
    } else {
        for (size_t i = 0; i < n; i++)
            for (size_t j = 0; j < elem; j++)
                out[j * n + i] = in[elem * i + j];
    }
    memcpy(out + n * elem, in + n * elem, nbytes - n * elem); /* leftover bytes stay at the end */
}

#define SAMPLE 4096

/* Does this plane compress? A sample from its start, deflated with a small
 * window, must shrink below 3/4. Deterministic: the answer depends only on
 * the bytes. */
static int compressible(z_stream *trial, const unsigned char *plane, size_t n)
{
    unsigned char buf[SAMPLE];
    size_t len = n < SAMPLE ? n : SAMPLE;
    if (len < 64)
        return 1;
    if (deflateReset(trial) != Z_OK)
        return 1;
    trial->next_in = (unsigned char *)(uintptr_t)plane;
    trial->avail_in = (uInt)len;
    trial->next_out = buf;
    trial->avail_out = (uInt)(len * 3 / 4);
    return deflate(trial, Z_FINISH) == Z_STREAM_END;
}

#ifdef ZF_HAVE_LIBDEFLATE
/* compressible() by libdeflate: the same test (a sample from the plane's
 * start must deflate below 3/4 of its size) at a fraction of zlib's cost. */
static int fast_compressible(struct libdeflate_compressor *c, const unsigned char *plane, size_t n)
{
    unsigned char buf[SAMPLE];
    size_t len = n < SAMPLE ? n : SAMPLE;
    if (len < 64)
        return 1;
    return libdeflate_deflate_compress(c, plane, len, buf, len * 3 / 4) != 0;
}

/* n bytes as stored blocks at out (byte-aligned), BFINAL on the last one
 * when final; returns the bytes written. */
static size_t put_stored(unsigned char *out, const unsigned char *src, size_t n, int final)
{
    size_t at = 0;
    while (n) {
        size_t k = n < 65535 ? n : 65535;
        out[at++] = (unsigned char)(final && k == n);
        out[at++] = (unsigned char)(k & 0xff);
        out[at++] = (unsigned char)(k >> 8);
        out[at++] = (unsigned char)(~k & 0xff);
        out[at++] = (unsigned char)((~k >> 8) & 0xff);
        memcpy(out + at, src, k);
        at += k;
        src += k;
        n -= k;
    }
    return at;
}

/* The nplane byte planes of sh as one zlib stream: the planes before the
 * last run of planes that compress (the low mantissa bytes of measured
 * values, which come first in little-endian order) as stored blocks, so
 * that a reader copies them instead of decoding them; that run deflated by
 * libdeflate at level 1 as the final blocks (libdeflate writes whole
 * streams only, so it must end the stream); then the Adler-32. libdeflate
 * is plain C whose bytes depend on nothing but the input. Returns 1,
 * writing nothing, when a plane that compresses comes before a noise plane
 * (then the caller uses ZF_CHUNK_FAST). */
static int fast_planes(const unsigned char *sh, size_t nbytes, size_t nplane, unsigned char *out, size_t cap,
                       size_t *len)
{
    size_t plane = nbytes / nplane, at = 2, k = nplane;
    struct libdeflate_compressor *c = libdeflate_alloc_compressor(1);
    if (!c)
        return zf_error(ZF_ENOMEM, "out of memory");
    out[0] = 0x78; /* deflate with a 32 KiB window; 0x7801 is a multiple of 31 (RFC 1950) */
    out[1] = 0x01;
    while (k > 0 && fast_compressible(c, sh + (k - 1) * plane, k == nplane ? nbytes - (k - 1) * plane : plane))
        k--; /* planes k.. compress; the last plane keeps any leftover bytes */
    for (size_t q = 0; q + 1 < k; q++)
        if (fast_compressible(c, sh + q * plane, plane)) {
            libdeflate_free_compressor(c);
            return 1; /* a plane that compresses before noise: the zlib scheme, which takes any order */
        }
    size_t stored = k * plane, z = 0;
    at += put_stored(out + at, sh, stored, k == nplane);
    if (k < nplane) {
        z = libdeflate_deflate_compress(c, sh + stored, nbytes - stored, out + at, cap - at);
        at += z ? z : put_stored(out + at, sh + stored, nbytes - stored, 1); /* 0: it would not fit: stored */
    }
    libdeflate_free_compressor(c);
    uint32_t a = libdeflate_adler32(1, sh, nbytes);
    out[at++] = (unsigned char)(a >> 24);
    out[at++] = (unsigned char)(a >> 16);
    out[at++] = (unsigned char)(a >> 8);
    out[at++] = (unsigned char)a;
    *len = at;
    return ZF_OK;
}
#endif

int zf_chunk_encode(const void *raw, size_t nbytes, size_t elem, int mode, unsigned char *out, size_t *outlen)
{
    int rc = ZF_OK, zinit = 0, tinit = 0;
    z_stream z, trial;
    unsigned char *sh = NULL;
    size_t cap = zf_chunk_bound(nbytes) - 4, len = 0;
    memset(&z, 0, sizeof z);
    memset(&trial, 0, sizeof trial);
    if (elem == 0 || nbytes == 0 || nbytes > (size_t)UINT32_MAX)
        return zf_error(ZF_EINVAL, "chunk of %zu bytes in elements of %zu", nbytes, elem);
    if (!(sh = malloc(nbytes))) {
        rc = zf_error(ZF_ENOMEM, "out of memory");
        goto done;
    }
    if (elem > 1 && nbytes >= elem)
        shuffle(raw, sh, nbytes, elem);
    else
        memcpy(sh, raw, nbytes);
    int encoded = 0;
#ifdef ZF_HAVE_LIBDEFLATE
    if (mode == ZF_CHUNK_LIBDEFLATE) {
        if ((rc = fast_planes(sh, nbytes, elem > 1 && nbytes >= elem ? elem : 1, out, cap, &len)) < 0)
            goto done;
        encoded = rc == ZF_OK; /* 1: the zlib scheme below */
        rc = ZF_OK;
    }
#endif
    if (encoded) {
        /* done */
    } else if (mode == ZF_CHUNK_ZLIB) {
        uLongf zlen = (uLongf)cap;
        if (compress2(out, &zlen, sh, (uLong)nbytes, 1) != Z_OK) {
            rc = zf_error(ZF_ENOMEM, "zlib could not compress a chunk of %zu bytes", nbytes);
            goto done;
        }
        len = (size_t)zlen;
    } else {
        size_t nplane = elem > 1 && nbytes >= elem ? elem : 1, plane = nbytes / nplane;
        int level = 1;
        if (deflateInit2(&z, 1, Z_DEFLATED, 15, 8, Z_DEFAULT_STRATEGY) != Z_OK) {
            rc = zf_error(ZF_ENOMEM, "out of memory for zlib");
            goto done;
        }
        zinit = 1;
        if (deflateInit2(&trial, 1, Z_DEFLATED, 12, 5, Z_DEFAULT_STRATEGY) != Z_OK) {
            rc = zf_error(ZF_ENOMEM, "out of memory for zlib");
            goto done;
        }
        tinit = 1;
        z.next_out = out;
        z.avail_out = (uInt)cap;
        for (size_t p = 0; p < nplane; p++) {
            const unsigned char *src = sh + p * plane;
            size_t n = p + 1 == nplane ? nbytes - p * plane : plane; /* the last plane keeps any leftover bytes */
            int want = compressible(&trial, src, n) ? 1 : 0;
            if (want != level) {
                if (deflateParams(&z, want, Z_DEFAULT_STRATEGY) != Z_OK) {
                    rc = zf_error(ZF_ENOMEM, "zlib could not switch levels in a chunk");
                    goto done;
                }
                level = want;
            }
            z.next_in = (unsigned char *)(uintptr_t)src;
            z.avail_in = (uInt)n;
            if (deflate(&z, Z_NO_FLUSH) != Z_OK || z.avail_in != 0) {
                rc = zf_error(ZF_ENOMEM, "zlib could not compress a chunk of %zu bytes", nbytes);
                goto done;
            }
        }
        if (deflate(&z, Z_FINISH) != Z_STREAM_END) {
            rc = zf_error(ZF_ENOMEM, "zlib could not finish a chunk of %zu bytes", nbytes);
            goto done;
        }
        len = (size_t)z.total_out;
    }
    uint32_t f = zf_fletcher32(out, len);
    out[len] = (unsigned char)(f & 0xff);
    out[len + 1] = (unsigned char)((f >> 8) & 0xff);
    out[len + 2] = (unsigned char)((f >> 16) & 0xff);
    out[len + 3] = (unsigned char)(f >> 24);
    *outlen = len + 4;
done:
    if (zinit)
        deflateEnd(&z);
    if (tinit)
        deflateEnd(&trial);
    free(sh);
    return rc;
}
