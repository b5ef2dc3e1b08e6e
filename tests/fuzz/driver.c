/* driver.c - runs a fuzz target over files, without libFuzzer.
 *
 * The normal (gcc) build links each tests/fuzz/fuzz-*.c with this main, so
 * the committed seed corpus and the regression inputs of crashes we fixed
 * run as unit tests, under valgrind and ASan too:
 *
 *     fuzz-reader tests/fuzz/corpus/reader tests/fuzz/regress/reader
 *
 * Every argument is a file or a directory whose regular files (not
 * recursing, names starting with '.' skipped, in name order) are inputs.
 * Each input is read into a buffer of exactly its size, so a target that
 * reads past the end trips valgrind or ASan as it would under libFuzzer.
 * SITREP_FUZZ_MAX_INPUTS=N runs only the first N inputs of each directory
 * (for slow targets under valgrind).  Exit status: 0 when every input ran
 * (a crash ends the program with its signal), 99 when an argument cannot
 * be read, 77 when no input was given at all.
 */
#include <dirent.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "fuzz.h"

/* Reads the whole file at path into a new buffer of exactly its size (the
 * caller frees *out; NULL for an empty file).  Returns false with a message
 * printed when it cannot. */
static bool read_input(const char *path, uint8_t **out, size_t *size)
{
    FILE *f = NULL;
    uint8_t *buf = NULL;
    struct stat st;
    bool ok = false;

    *out = NULL;
    *size = 0;
    if (!(f = fopen(path, "rb")) || fstat(fileno(f), &st) != 0) {
        fprintf(stderr, "fuzz driver: %s: %s\n", path, strerror(errno));
        goto out;
    }
    /* Never NULL, even for an empty file: libFuzzer passes a valid pointer
     * with size 0, and targets may hand it to memcpy. */
    if (!(buf = malloc((size_t)st.st_size + 1)) ||
        (st.st_size > 0 && fread(buf, 1, (size_t)st.st_size, f) != (size_t)st.st_size)) {
        fprintf(stderr, "fuzz driver: %s: cannot read\n", path);
        goto out;
    }
    *out = buf;
    *size = (size_t)st.st_size;
    buf = NULL;
    ok = true;
out:
    free(buf);
    if (f)
        fclose(f);
    return ok;
}

static bool run_file(const char *path)
{
    uint8_t *data;
    size_t size;

    if (!read_input(path, &data, &size))
        return false;
    LLVMFuzzerTestOneInput(data, size);
    free(data);
    return true;
}

static int skip_hidden(const struct dirent *e)
{
    return e->d_name[0] != '.';
}

/* Runs every regular file of dir (at most max; 0: all); adds the count to
 * *ran.  Returns false when something could not be read. */
static bool run_dir(const char *dir, size_t max, size_t *ran)
{
    struct dirent **names = NULL;
    int n = scandir(dir, &names, skip_hidden, alphasort);
    bool ok = n >= 0;

    if (!ok)
        fprintf(stderr, "fuzz driver: %s: %s\n", dir, strerror(errno));
    for (int i = 0; i < n; i++) {
        size_t len = strlen(dir) + strlen(names[i]->d_name) + 2;
        char *path = malloc(len);
        struct stat st;

        if (!path) {
            ok = false;
        } else {
            snprintf(path, len, "%s/%s", dir, names[i]->d_name);
            if (ok && (max == 0 || *ran < max) && stat(path, &st) == 0 && S_ISREG(st.st_mode)) {
                if (run_file(path))
                    ++*ran;
                else
                    ok = false;
            }
        }
        free(path);
        free(names[i]);
    }
    free(names);
    return ok;
}

int main(int argc, char **argv)
{
    const char *cap = getenv("SITREP_FUZZ_MAX_INPUTS");
    size_t max = cap ? strtoul(cap, NULL, 10) : 0;
    size_t total = 0;
    int status = 0;

    LLVMFuzzerInitialize(&argc, &argv);
    for (int i = 1; i < argc && status == 0; i++) {
        struct stat st;
        size_t ran = 0;

        if (stat(argv[i], &st) != 0) {
            fprintf(stderr, "fuzz driver: %s: %s\n", argv[i], strerror(errno));
            status = 99;
        } else if (S_ISDIR(st.st_mode)) {
            if (!run_dir(argv[i], max, &ran))
                status = 99;
        } else if (run_file(argv[i])) {
            ran = 1;
        } else {
            status = 99;
        }
        total += ran;
        if (status == 0)
            printf("%s: %zu inputs\n", argv[i], ran);
    }
    if (status == 0 && total == 0) {
        fprintf(stderr, "fuzz driver: no input\n");
        status = 77;
    }
    return status;
}
