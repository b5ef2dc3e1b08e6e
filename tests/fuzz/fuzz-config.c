/* fuzz-config.c - the YAML configuration loader.
 *
 * sitrep_config_load() reads a path, so each input is written to
 * sitrep.yaml in a directory of this process's own (mkdtemp under $TMPDIR,
 * removed at exit), loaded over the defaults and freed.  The input also
 * goes, as a string, to the --listen parser and the API key lookup, which
 * take what users type.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config.h"
#include "fuzz.h"

static char dir[4096], path[4200];

static void remove_dir(void)
{
    unlink(path);
    rmdir(dir);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    const char *tmp = getenv("TMPDIR");

    snprintf(dir, sizeof dir, "%s/sitrep-fuzz-config-XXXXXX", tmp && *tmp ? tmp : "/tmp");
    if (!mkdtemp(dir)) {
        perror("fuzz-config: mkdtemp");
        exit(99);
    }
    snprintf(path, sizeof path, "%s/sitrep.yaml", dir);
    atexit(remove_dir);
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct sitrep_config cfg;
    char err[256];
    char *text = NULL;
    FILE *f;

    if (!sitrep_config_defaults(&cfg))
        goto out;
    if (!(f = fopen(path, "wb")))
        abort();
    if (fwrite(data, 1, size, f) != size || fclose(f) != 0)
        abort();
    err[0] = '\0';
    if (!sitrep_config_load(&cfg, path, err, sizeof err))
        FUZZ_ASSERT(err[0] && memchr(err, '\0', sizeof err));
    sitrep_config_find_key(&cfg, "fuzz-fuzz-fuzz-fuzz");

    if (!(text = malloc(size + 1)))
        goto out;
    memcpy(text, data, size);
    text[size] = '\0';
    sitrep_config_set_listen(&cfg, text, err, sizeof err);
    sitrep_config_find_key(&cfg, text);
out:
    free(text);
    sitrep_config_free(&cfg);
    return 0;
}
