/* replay.c: a main() for the fuzz harnesses without libFuzzer: runs every file given (or every file in a directory given) once. */
#include "fuzz_common.h"

#include <dirent.h>
#include <errno.h>
#include <sys/stat.h>

/* Read path whole and run the harness on it. Returns 0, or 1 when it cannot be read. */
static int replay_file(const char *path)
{
    int rc = 1;
    FILE *fp = NULL;
    uint8_t *buf = NULL;
    long len;
    if (!(fp = fopen(path, "rb")) || fseek(fp, 0, SEEK_END) != 0 || (len = ftell(fp)) < 0 || fseek(fp, 0, SEEK_SET) != 0) {
        fprintf(stderr, "replay: '%s': cannot read: %s\n", path, strerror(errno));
        goto done;
    }
    if (!(buf = malloc(len ? (size_t)len : 1)) || (len && fread(buf, 1, (size_t)len, fp) != (size_t)len)) {
        fprintf(stderr, "replay: '%s': cannot read\n", path);
        goto done;
    }
    (void)LLVMFuzzerTestOneInput(buf, (size_t)len);
    rc = 0;
done:
    free(buf);
    if (fp)
        fclose(fp);
    return rc;
}

static int name_cmp(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Every regular file of dir, in name order (stable output). */
static int replay_dir(const char *dir, size_t *count)
{
    int rc = 0;
    DIR *d = opendir(dir);
    struct dirent *de;
    char **names = NULL;
    size_t n = 0, cap = 0;
    if (!d) {
        fprintf(stderr, "replay: '%s': cannot open: %s\n", dir, strerror(errno));
        return 1;
    }
    while ((de = readdir(d)) != NULL) {
        if (de->d_name[0] == '.')
            continue;
        if (n == cap) {
            size_t nc = cap ? 2 * cap : 16;
            char **nn = realloc(names, nc * sizeof *nn);
            if (!nn) {
                rc = 1;
                goto done;
            }
            names = nn;
            cap = nc;
        }
        size_t len = strlen(dir) + strlen(de->d_name) + 2;
        if (!(names[n] = malloc(len))) {
            rc = 1;
            goto done;
        }
        snprintf(names[n++], len, "%s/%s", dir, de->d_name);
    }
    if (n)
        qsort(names, n, sizeof *names, name_cmp);
    for (size_t i = 0; i < n; i++) {
        struct stat st;
        if (stat(names[i], &st) == 0 && S_ISREG(st.st_mode)) {
            rc |= replay_file(names[i]);
            (*count)++;
        }
    }
done:
    for (size_t i = 0; i < n; i++)
        free(names[i]);
    free(names);
    closedir(d);
    return rc;
}

int main(int argc, char **argv)
{
    int rc = 0;
    size_t count = 0;
    (void)LLVMFuzzerInitialize(&argc, &argv);
    for (int i = 1; i < argc; i++) {
        struct stat st;
        if (stat(argv[i], &st) == 0 && S_ISDIR(st.st_mode))
            rc |= replay_dir(argv[i], &count);
        else if (stat(argv[i], &st) == 0) {
            rc |= replay_file(argv[i]);
            count++;
        } /* an absent path (no regressions yet for this harness) is not an error */
    }
    printf("replayed %zu inputs\n", count);
    return rc;
}
