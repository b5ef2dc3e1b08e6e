/* extract-bench.c - extraction throughput on a JSON Lines corpus.
 *
 *     bench-extract [--gazetteer PATH] [--supplement PATH] [--repeat N] [--dump]
 *                   FILE.jsonl
 *
 * The gazetteer and its YAML supplement default to the bundled ones, as
 * sitrep-index loads them, so that what is measured is what users run;
 * --supplement "" leaves the supplement out.
 * Reads {"text", "published"} objects, keeps the texts in memory, then times
 * sitrep_extract() over all of them on one thread (the gazetteer load is not
 * timed) and prints bytes, seconds, MB/s (10^6 bytes) and the counts of
 * places, persons and dates found.  --dump prints each result as one JSON
 * line instead, in input order, for inspection and bulk evaluation; when an
 * input object has a string "id", the result line carries it as "id" too.
 */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "extract.h"
#include "sitrep-build.h"

struct doc {
    char *text;
    size_t len;
    char *published;
    char *id;
};

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int load_docs(const char *path, struct doc **out, size_t *n)
{
    FILE *f = fopen(path, "r");
    char *line = NULL;
    size_t cap = 0, nd = 0, capd = 0;
    struct doc *docs = NULL;
    ssize_t got;
    int rc = -1;

    if (!f) {
        perror(path);
        goto out;
    }
    while ((got = getline(&line, &cap, f)) > 0) {
        json_error_t err;
        json_t *o = json_loadb(line, (size_t)got, 0, &err);
        const char *text, *pub, *id;
        if (!o)
            continue;
        text = json_string_value(json_object_get(o, "text"));
        pub = json_string_value(json_object_get(o, "published"));
        id = json_string_value(json_object_get(o, "id"));
        if (text) {
            if (nd == capd) {
                struct doc *nv;
                capd = capd ? capd * 2 : 256;
                nv = realloc(docs, capd * sizeof *nv);
                if (!nv) {
                    json_decref(o);
                    goto out;
                }
                docs = nv;
            }
            docs[nd].len = json_string_length(json_object_get(o, "text"));
            docs[nd].text = malloc(docs[nd].len + 1);
            docs[nd].published = pub ? strdup(pub) : NULL;
            docs[nd].id = id ? strdup(id) : NULL;
            if (!docs[nd].text) {
                json_decref(o);
                goto out;
            }
            memcpy(docs[nd].text, text, docs[nd].len + 1);
            nd++;
        }
        json_decref(o);
    }
    rc = 0;
out:
    free(line);
    if (f)
        fclose(f);
    *out = docs;
    *n = nd;
    return rc;
}

int main(int argc, char **argv)
{
    const char *gzpath = SITREP_DEFAULT_GAZETTEER, *path = NULL;
    const char *suppath = SITREP_DEFAULT_GAZETTEER_SUPPLEMENT;
    int repeat = 3, dump = 0, rc = 1;
    sitrep_gazetteer *gz = NULL;
    char *err = NULL;
    struct doc *docs = NULL;
    size_t ndocs = 0, bytes = 0, places = 0, persons = 0, dates = 0;
    double t0, best = 1e30;

    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--gazetteer") == 0 && i + 1 < argc)
            gzpath = argv[++i];
        else if (strcmp(argv[i], "--supplement") == 0 && i + 1 < argc)
            suppath = argv[++i];
        else if (strcmp(argv[i], "--repeat") == 0 && i + 1 < argc)
            repeat = atoi(argv[++i]);
        else if (strcmp(argv[i], "--dump") == 0)
            dump = 1;
        else
            path = argv[i];
    }
    if (!path || repeat < 1) {
        fprintf(stderr,
                "usage: bench-extract [--gazetteer PATH] [--supplement PATH] [--repeat N] "
                "[--dump] FILE.jsonl\n");
        goto out;
    }
    if (sitrep_gazetteer_load(gzpath, &gz, &err) != SITREP_OK) {
        fprintf(stderr, "bench-extract: %s\n", err ? err : "cannot load the gazetteer");
        goto out;
    }
    if (*suppath && sitrep_gazetteer_load_supplement(gz, suppath, &err) != SITREP_OK) {
        fprintf(stderr, "bench-extract: %s\n", err ? err : "cannot load the supplement");
        goto out;
    }
    if (load_docs(path, &docs, &ndocs) != 0)
        goto out;
    for (size_t k = 0; k < ndocs; k++)
        bytes += docs[k].len;
    if (dump) {
        for (size_t k = 0; k < ndocs; k++) {
            json_t *r = sitrep_extract(gz, docs[k].text, docs[k].len, docs[k].published);
            char *s;
            if (!r) {
                fprintf(stderr, "bench-extract: extraction failed on document %zu\n", k);
                continue;
            }
            if (docs[k].id)
                json_object_set_new(r, "id", json_string(docs[k].id));
            s = json_dumps(r, JSON_COMPACT);
            if (s)
                puts(s);
            free(s);
            json_decref(r);
        }
        rc = 0;
        goto out;
    }
    /* The best of several rounds: the machine is shared. */
    for (int round = 0; round < repeat; round++) {
        places = persons = dates = 0;
        t0 = now();
        for (size_t k = 0; k < ndocs; k++) {
            json_t *r = sitrep_extract(gz, docs[k].text, docs[k].len, docs[k].published);
            if (!r) {
                fprintf(stderr, "bench-extract: extraction failed on document %zu\n", k);
                goto out;
            }
            places += json_array_size(json_object_get(r, "places"));
            persons += json_array_size(json_object_get(r, "persons"));
            dates += json_array_size(json_object_get(r, "dates"));
            json_decref(r);
        }
        t0 = now() - t0;
        if (t0 < best)
            best = t0;
    }
    printf("documents %zu, bytes %zu, seconds %.3f, MB/s %.2f, places %zu, persons %zu, "
           "dates %zu\n",
           ndocs, bytes, best, (double)bytes / 1e6 / best, places, persons, dates);
    rc = 0;
out:
    for (size_t k = 0; k < ndocs; k++) {
        free(docs[k].text);
        free(docs[k].published);
        free(docs[k].id);
    }
    free(docs);
    free(err);
    sitrep_gazetteer_destroy(gz);
    return rc;
}
