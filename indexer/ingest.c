/* ingest.c - one indexing run: walk the inputs, read records, prepare them,
 * write them in committed batches. */
#include "ingest.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "article.h"
#include "reader.h"

struct run {
    sitrep_writer *w;
    const sitrep_gazetteer *gz;
    const struct ingest_options *opt;
    volatile sig_atomic_t *stop;
    struct ingest_counts *counts;
    unsigned pending;        /* written since the last commit */
    sitrep_status fatal;     /* set when the index fails: stop everything */
    double started, last_progress;
};

static double now_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static void progress(struct run *r, bool final)
{
    double t = now_seconds();
    if (!r->opt->progress || (!final && t - r->last_progress < 0.5))
        return;
    r->last_progress = t;
    double el = t - r->started;
    fprintf(stderr, "\r%lu indexed, %lu rejected, %.0f articles/s, %02d:%02d elapsed%s",
            r->counts->indexed + r->pending, r->counts->rejected,
            el > 0 ? (r->counts->indexed + r->pending) / el : 0.0, (int)(el / 60),
            (int)el % 60, final ? "\n" : "");
}

static void commit(struct run *r)
{
    sitrep_status st;
    if (r->fatal != SITREP_OK)
        return;
    st = sitrep_writer_commit(r->w);
    if (st != SITREP_OK) {
        fprintf(stderr, "sitrep-index: commit failed: %s\n", sitrep_writer_last_error(r->w));
        r->fatal = st;
        return;
    }
    /* Only now are the articles of this batch durable: say so after their
     * "indexed" lines, so a reader of the output knows exactly what a crash
     * can no longer take away. */
    if (r->opt->commits)
        printf("committed %u\n", r->pending);
    r->counts->indexed += r->pending;
    r->pending = 0;
}

static void on_error(void *ctx, const char *file, long line, const char *reason)
{
    struct run *r = ctx;
    r->counts->rejected++;
    if (line > 0)
        fprintf(stderr, "%s:%ld: %s\n", file, line, reason);
    else
        fprintf(stderr, "%s: %s\n", file, reason);
}

static int on_article(void *ctx, struct sitrep_article *a, const char *file, long line)
{
    struct run *r = ctx;
    char reason[256];
    sitrep_doc *doc = NULL;
    sitrep_status st;

    if (*r->stop || r->fatal != SITREP_OK)
        return 1;
    st = sitrep_article_prepare(a, r->gz, r->opt->max_record_bytes, reason, sizeof reason);
    if (st == SITREP_ERR_INVALID) {
        on_error(ctx, file, line, reason);
        goto out;
    }
    if (st == SITREP_OK)
        st = sitrep_article_to_doc(a, &doc);
    if (st == SITREP_OK)
        st = sitrep_writer_put(r->w, doc);
    if (st != SITREP_OK) {
        fprintf(stderr, "%s:%ld: cannot index: %s\n", file, line,
                st == SITREP_ERR_NOMEM ? "out of memory" : sitrep_writer_last_error(r->w));
        r->fatal = st;
        goto out;
    }
    if (r->opt->verbose)
        printf("indexed %s %s:%ld\n", a->id, file, line);
    if (++r->pending >= r->opt->batch_size)
        commit(r);
    progress(r, false);
out:
    sitrep_doc_destroy(doc);
    return (*r->stop || r->fatal != SITREP_OK) ? 1 : 0;
}

static const struct sitrep_reader_callbacks callbacks = {on_article, on_error};

static int name_order(const struct dirent **a, const struct dirent **b)
{
    return strcmp((*a)->d_name, (*b)->d_name);
}

static void ingest_path(struct run *r, const char *path, bool explicit_path);

static void ingest_dir(struct run *r, const char *path)
{
    struct dirent **names = NULL;
    int n = scandir(path, &names, NULL, name_order);
    if (n < 0) {
        char msg[128];
        snprintf(msg, sizeof msg, "cannot read folder: %s", strerror(errno));
        on_error(r, path, 0, msg);
        return;
    }
    for (int i = 0; i < n; i++) {
        const char *name = names[i]->d_name;
        /* Hidden files and folders (".git", editor droppings) are not articles. */
        if (name[0] != '.' && !*r->stop && r->fatal == SITREP_OK) {
            size_t len = strlen(path) + 1 + strlen(name) + 1;
            char *child = malloc(len);
            if (child) {
                snprintf(child, len, "%s/%s", path, name);
                ingest_path(r, child, false);
                free(child);
            }
        }
        free(names[i]);
    }
    free(names);
}

static void ingest_path(struct run *r, const char *path, bool explicit_path)
{
    struct stat sb;
    enum sitrep_format fmt;

    if (strcmp(path, "-") == 0) {
        r->counts->files++;
        sitrep_read_stream(stdin, "(stdin)", SITREP_FORMAT_JSONL, r->opt->max_record_bytes,
                           &callbacks, r);
        return;
    }
    if (stat(path, &sb) != 0) {
        char msg[128];
        snprintf(msg, sizeof msg, "cannot open: %s", strerror(errno));
        on_error(r, path, 0, msg);
        return;
    }
    if (S_ISDIR(sb.st_mode)) {
        ingest_dir(r, path);
        return;
    }
    fmt = sitrep_format_from_path(path);
    if (fmt == SITREP_FORMAT_NONE) {
        /* Inside folders, other files (images, notes) are passed over
         * quietly; a file named on the command line must be readable. */
        if (explicit_path)
            on_error(r, path, 0,
                     "unsupported file type (expected .jsonl, .ndjson, .json, .txt, .md, "
                     ".html or .htm)");
        return;
    }
    r->counts->files++;
    sitrep_read_file(path, fmt, r->opt->max_record_bytes, &callbacks, r);
}

sitrep_status ingest_run(sitrep_writer *w, const sitrep_gazetteer *gz,
                         const struct ingest_options *opt, char *const *paths, size_t n_paths,
                         volatile sig_atomic_t *stop, struct ingest_counts *counts)
{
    struct run r = {w, gz, opt, stop, counts, 0, SITREP_OK, now_seconds(), 0};

    memset(counts, 0, sizeof *counts);
    for (size_t i = 0; i < n_paths && !*stop && r.fatal == SITREP_OK; i++)
        ingest_path(&r, paths[i], true);
    /* Interrupted or finished: what was read whole is committed. */
    if (r.pending)
        commit(&r);
    progress(&r, true);
    return r.fatal;
}
