/* fsutil.c: paths, directories, SHA-256 and atomic (temp + fsync + rename) output files. */
#include "zfstress/core.h"

#include <openssl/evp.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

char *zf_strdup(const char *s)
{
    size_t n = strlen(s) + 1;
    char *d = malloc(n);
    if (!d) {
        zf_error(ZF_ENOMEM, "out of memory");
        return NULL;
    }
    memcpy(d, s, n);
    return d;
}

char *zf_path_join(const char *dir, const char *rel)
{
    if (rel[0] == '/' || !dir || !dir[0] || strcmp(dir, ".") == 0)
        return zf_strdup(rel);
    size_t a = strlen(dir), b = strlen(rel);
    char *p = malloc(a + b + 2);
    if (!p) {
        zf_error(ZF_ENOMEM, "out of memory");
        return NULL;
    }
    memcpy(p, dir, a);
    size_t k = a;
    if (a && dir[a - 1] != '/')
        p[k++] = '/';
    memcpy(p + k, rel, b + 1);
    return p;
}

char *zf_path_dir(const char *path)
{
    const char *slash = strrchr(path, '/');
    if (!slash)
        return zf_strdup(".");
    if (slash == path)
        return zf_strdup("/");
    size_t n = (size_t)(slash - path);
    char *d = malloc(n + 1);
    if (!d) {
        zf_error(ZF_ENOMEM, "out of memory");
        return NULL;
    }
    memcpy(d, path, n);
    d[n] = '\0';
    return d;
}

int zf_mkdir_p(const char *dir)
{
    char *p = zf_strdup(dir);
    if (!p)
        return ZF_ENOMEM;
    int rc = ZF_OK;
    for (char *s = p + 1;; s++) {
        char c = *s;
        if (c == '/' || c == '\0') {
            *s = '\0';
            if (mkdir(p, 0777) != 0 && errno != EEXIST) {
                rc = zf_error(ZF_EIO, "'%s': cannot create directory: %s", p, strerror(errno));
                break;
            }
            struct stat st;
            if (stat(p, &st) != 0 || !S_ISDIR(st.st_mode)) {
                rc = zf_error(ZF_EIO, "'%s': exists and is not a directory", p);
                break;
            }
            *s = c;
            if (c == '\0')
                break;
        }
    }
    free(p);
    return rc;
}

static void hex(const unsigned char *md, unsigned len, char out[65])
{
    static const char digits[] = "0123456789abcdef";
    for (unsigned i = 0; i < len && i < 32; i++) {
        out[2 * i] = digits[md[i] >> 4];
        out[2 * i + 1] = digits[md[i] & 15];
    }
    out[64] = '\0';
}

void zf_sha256_mem(const void *data, size_t len, char out_hex[65])
{
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned mdlen = 0;
    EVP_Digest(data, len, md, &mdlen, EVP_sha256(), NULL);
    hex(md, mdlen, out_hex);
}

int zf_sha256_file(const char *path, char out_hex[65])
{
    int rc = ZF_OK;
    FILE *fp = NULL;
    EVP_MD_CTX *ctx = NULL;
    unsigned char *buf = NULL;
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned mdlen = 0;

    if (!(fp = fopen(path, "rb"))) {
        rc = zf_error(ZF_EIO, "'%s': cannot open: %s", path, strerror(errno));
        goto done;
    }
    if (!(ctx = EVP_MD_CTX_new()) || !(buf = malloc(1 << 16))) {
        rc = zf_error(ZF_ENOMEM, "out of memory");
        goto done;
    }
    EVP_DigestInit_ex(ctx, EVP_sha256(), NULL);
    size_t got;
    while ((got = fread(buf, 1, 1 << 16, fp)) > 0)
        EVP_DigestUpdate(ctx, buf, got);
    if (ferror(fp)) {
        rc = zf_error(ZF_EIO, "'%s': cannot read: %s", path, strerror(errno));
        goto done;
    }
    EVP_DigestFinal_ex(ctx, md, &mdlen);
    hex(md, mdlen, out_hex);
done:
    if (fp)
        fclose(fp);
    EVP_MD_CTX_free(ctx);
    free(buf);
    return rc;
}

int zf_rename_durable(const char *tmp, const char *path)
{
    if (rename(tmp, path) != 0)
        return zf_error(ZF_EIO, "'%s': cannot rename into place: %s", path, strerror(errno));
    char *dir = zf_path_dir(path);
    if (!dir)
        return ZF_ENOMEM;
    int fd = open(dir, O_RDONLY);
    if (fd >= 0) {
        fsync(fd); /* best effort: some file systems refuse fsync on directories */
        close(fd);
    }
    free(dir);
    return ZF_OK;
}

int zf_file_open_atomic(const char *path, zf_outfile *out)
{
    size_t n = strlen(path);
    memset(out, 0, sizeof *out);
    out->path = zf_strdup(path);
    out->tmp = malloc(n + 5);
    if (!out->path || !out->tmp) {
        free(out->path);
        free(out->tmp);
        out->path = out->tmp = NULL;
        return zf_error(ZF_ENOMEM, "out of memory");
    }
    memcpy(out->tmp, path, n);
    memcpy(out->tmp + n, ".tmp", 5);
    out->fp = fopen(out->tmp, "wb");
    if (!out->fp) {
        int rc = zf_error(ZF_EIO, "'%s': cannot write: %s", out->tmp, strerror(errno));
        free(out->path);
        free(out->tmp);
        out->path = out->tmp = NULL;
        return rc;
    }
    return ZF_OK;
}

int zf_file_commit(zf_outfile *out)
{
    int rc = ZF_OK;
    if (!out->fp)
        return zf_error(ZF_EINVAL, "commit of a file that is not open");
    if (fflush(out->fp) != 0 || ferror(out->fp) || fsync(fileno(out->fp)) != 0) {
        rc = zf_error(ZF_EIO, "'%s': write failed: %s", out->tmp, strerror(errno));
        fclose(out->fp);
        out->fp = NULL;
        goto fail;
    }
    if (fclose(out->fp) != 0) {
        out->fp = NULL;
        rc = zf_error(ZF_EIO, "'%s': close failed: %s", out->tmp, strerror(errno));
        goto fail;
    }
    out->fp = NULL;
    rc = zf_rename_durable(out->tmp, out->path);
    if (rc != ZF_OK)
        goto fail;
    free(out->path);
    free(out->tmp);
    out->path = out->tmp = NULL;
    return ZF_OK;
fail:
    remove(out->tmp);
    free(out->path);
    free(out->tmp);
    out->path = out->tmp = NULL;
    return rc;
}

void zf_file_abort(zf_outfile *out)
{
    if (out->fp)
        fclose(out->fp);
    if (out->tmp)
        remove(out->tmp);
    free(out->path);
    free(out->tmp);
    memset(out, 0, sizeof *out);
}
