/* names.c - the lazily built prefix index. */
#include "names.h"

#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct srv_names {
    pthread_mutex_t lock;
    const sitrep_gazetteer *gz;
    char *path, *supplement;
    bool tried;                    /* under lock */
    sitrep_gazetteer_names *index; /* under lock until tried */
};

struct srv_names *srv_names_create(const sitrep_gazetteer *gz, const char *path,
                                   const char *supplement)
{
    struct srv_names *n = calloc(1, sizeof *n);
    if (!n)
        return NULL;
    n->gz = gz;
    n->path = strdup(path);
    n->supplement = strdup(supplement ? supplement : "");
    if (!n->path || !n->supplement || pthread_mutex_init(&n->lock, NULL) != 0) {
        free(n->path);
        free(n->supplement);
        free(n);
        return NULL;
    }
    return n;
}

const sitrep_gazetteer_names *srv_names_get(struct srv_names *n)
{
    const sitrep_gazetteer_names *index;

    pthread_mutex_lock(&n->lock);
    if (!n->tried) {
        char *err = NULL;
        n->tried = true;
        if (sitrep_gazetteer_names_build(n->gz, n->path, n->supplement, &n->index, &err) !=
            SITREP_OK)
            fprintf(stderr,
                    "sitrepd: the gazetteer's name index cannot be built (%s); "
                    "/v1/entities finds no places and only the index's persons\n",
                    err ? err : "?");
        free(err);
    }
    index = n->index;
    pthread_mutex_unlock(&n->lock);
    return index;
}

void srv_names_destroy(struct srv_names *n)
{
    if (!n)
        return;
    sitrep_gazetteer_names_destroy(n->index);
    pthread_mutex_destroy(&n->lock);
    free(n->path);
    free(n->supplement);
    free(n);
}
