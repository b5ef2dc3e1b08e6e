/* ingest.c - one indexing run: walk the inputs, read records, prepare them,
 * write them in committed batches.
 *
 * Preparing (normalising and extracting entities) costs about as much CPU
 * as Xapian's writing, and the two do not depend on each other, so they run
 * side by side: the reader fills a pipeline batch of records in the main
 * thread; a pool of worker threads prepares it (and turns each record into
 * a document) while the main thread writes the batch before it.  Batches
 * are written in input order, so ids, messages, "indexed" lines and
 * near-duplicate grouping come out as they would one by one. */
#include "ingest.h"

#include <dirent.h>
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "article.h"
#include "reader.h"

/* Records per pipeline batch: enough to keep the workers busy while the
 * batch before is written, few enough that little is held in memory. */
#define PIPE_BATCH 64
/* Worker threads at most, whatever the number of cores. */
#define MAX_WORKERS 8

/* One record on its way to the index. */
struct slot {
    struct sitrep_article a;
    char *file; /* owned copy: a batch may span files */
    long line;
    sitrep_status st; /* of preparing: SITREP_ERR_INVALID with reason */
    char reason[256];
    sitrep_doc *doc;
};

struct batch {
    struct slot slots[PIPE_BATCH];
    size_t n;
};

struct run;

/* The workers and the one batch they are preparing. */
struct pool {
    pthread_t threads[MAX_WORKERS];
    size_t n_threads;
    pthread_mutex_t lock;
    pthread_cond_t work, done;
    struct batch *job; /* being prepared, or NULL */
    size_t next;       /* next slot of job to take */
    size_t finished;   /* slots of job prepared */
    bool quit;
    const struct run *run;
};

struct run {
    sitrep_writer *w;
    const sitrep_gazetteer *gz;
    const struct ingest_options *opt;
    volatile sig_atomic_t *stop;
    struct ingest_counts *counts;
    unsigned pending;        /* written since the last commit */
    sitrep_status fatal;     /* set when the index fails: stop everything */
    double started, last_progress;
    struct pool *pool;
    bool streaming;          /* reading standard input: see on_article() */
    struct batch *filling;   /* being read into */
    struct batch *prepared;  /* handed to the pool, to be written next; or NULL */
    struct batch buffers[2];
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

/* ---- preparing, in the workers ------------------------------------------ */

static void prepare_slot(const struct run *r, struct slot *sl)
{
    sl->st = r->opt->no_extract
                 ? sitrep_article_normalise(&sl->a, r->opt->max_record_bytes, sl->reason,
                                            sizeof sl->reason)
                 : sitrep_article_prepare(&sl->a, r->gz, r->opt->max_record_bytes, sl->reason,
                                          sizeof sl->reason);
    if (sl->st == SITREP_OK)
        sl->st = sitrep_article_to_doc(&sl->a, &sl->doc);
}

static void *worker(void *arg)
{
    struct pool *p = arg;

    pthread_mutex_lock(&p->lock);
    for (;;) {
        while (!p->quit && !(p->job && p->next < p->job->n))
            pthread_cond_wait(&p->work, &p->lock);
        if (p->quit)
            break;
        struct batch *b = p->job;
        struct slot *sl = &b->slots[p->next++];
        pthread_mutex_unlock(&p->lock);
        prepare_slot(p->run, sl);
        pthread_mutex_lock(&p->lock);
        if (++p->finished == b->n)
            pthread_cond_signal(&p->done);
    }
    pthread_mutex_unlock(&p->lock);
    return NULL;
}

/* Starts the workers: one per core, at least one.  False when no thread
 * could be started (the run then prepares in the main thread). */
static bool pool_start(struct pool *p, const struct run *r)
{
    long cores = sysconf(_SC_NPROCESSORS_ONLN);
    size_t want = cores < 1 ? 1 : cores > MAX_WORKERS ? MAX_WORKERS : (size_t)cores;

    memset(p, 0, sizeof *p);
    p->run = r;
    pthread_mutex_init(&p->lock, NULL);
    pthread_cond_init(&p->work, NULL);
    pthread_cond_init(&p->done, NULL);
    while (p->n_threads < want &&
           pthread_create(&p->threads[p->n_threads], NULL, worker, p) == 0)
        p->n_threads++;
    return p->n_threads > 0;
}

static void pool_stop(struct pool *p)
{
    pthread_mutex_lock(&p->lock);
    p->quit = true;
    pthread_cond_broadcast(&p->work);
    pthread_mutex_unlock(&p->lock);
    for (size_t i = 0; i < p->n_threads; i++)
        pthread_join(p->threads[i], NULL);
    pthread_cond_destroy(&p->done);
    pthread_cond_destroy(&p->work);
    pthread_mutex_destroy(&p->lock);
}

/* Hands b to the workers (the pool must be idle). */
static void pool_submit(struct pool *p, struct batch *b)
{
    pthread_mutex_lock(&p->lock);
    p->job = b;
    p->next = 0;
    p->finished = 0;
    pthread_cond_broadcast(&p->work);
    pthread_mutex_unlock(&p->lock);
}

/* Waits until the batch handed over last is prepared. */
static void pool_wait(struct pool *p)
{
    pthread_mutex_lock(&p->lock);
    while (p->job && p->finished < p->job->n)
        pthread_cond_wait(&p->done, &p->lock);
    p->job = NULL;
    pthread_mutex_unlock(&p->lock);
}

/* ---- writing, in the main thread ------------------------------------------ */

/* Writes the prepared records of b in order, committing every batch_size
 * articles; reports the bad ones, and empties b.  The records between two
 * commits go to the writer together, which writes its shards in parallel. */
static void write_batch(struct run *r, struct batch *b)
{
    const sitrep_doc *docs[PIPE_BATCH];
    struct slot *put[PIPE_BATCH];
    size_t i = 0;

    while (i < b->n && r->fatal == SITREP_OK) {
        size_t n = 0;
        struct slot *failed = NULL;
        for (; i < b->n && !failed && r->pending + n < r->opt->batch_size; i++) {
            struct slot *sl = &b->slots[i];
            if (sl->st == SITREP_ERR_INVALID)
                on_error(r, sl->file, sl->line, sl->reason);
            else if (sl->st == SITREP_OK) {
                docs[n] = sl->doc;
                put[n++] = sl;
            } else {
                failed = sl;
            }
        }
        sitrep_status st = n ? sitrep_writer_put_batch(r->w, docs, n) : SITREP_OK;
        if (st != SITREP_OK) {
            fprintf(stderr, "%s:%ld: cannot index: %s\n", put[0]->file, put[0]->line,
                    st == SITREP_ERR_NOMEM ? "out of memory" : sitrep_writer_last_error(r->w));
            r->fatal = st;
            break;
        }
        for (size_t k = 0; k < n && r->opt->verbose; k++)
            printf("indexed %s %s:%ld\n", put[k]->a.id, put[k]->file, put[k]->line);
        r->pending += n;
        if (r->pending >= r->opt->batch_size)
            commit(r);
        progress(r, false);
        if (failed) {
            fprintf(stderr, "%s:%ld: cannot index: %s\n", failed->file, failed->line,
                    failed->st == SITREP_ERR_NOMEM ? "out of memory"
                                                   : sitrep_status_to_string(failed->st));
            r->fatal = failed->st;
        }
    }
    /* Written, rejected, or dropped after the index failed. */
    for (i = 0; i < b->n; i++) {
        struct slot *sl = &b->slots[i];
        sitrep_doc_destroy(sl->doc);
        sl->doc = NULL;
        sitrep_article_clear(&sl->a);
        free(sl->file);
        sl->file = NULL;
    }
    b->n = 0;
}

/* Moves the filled batch into the pipeline: the workers start on it while
 * the batch handed over before is written. */
static void advance(struct run *r)
{
    struct batch *full = r->filling, *previous = r->prepared;

    if (!r->pool) {
        for (size_t i = 0; i < full->n; i++)
            prepare_slot(r, &full->slots[i]);
        write_batch(r, full);
        return;
    }
    if (previous)
        pool_wait(r->pool);
    r->prepared = NULL;
    if (full->n) {
        pool_submit(r->pool, full);
        r->prepared = full;
    }
    if (previous)
        write_batch(r, previous);
    r->filling = full == &r->buffers[0] ? &r->buffers[1] : &r->buffers[0];
}

/* Writes everything still in the pipeline. */
static void drain(struct run *r)
{
    advance(r); /* the partly filled batch goes in, the one before is written */
    advance(r); /* and then that one */
}

/* ---- reading ---------------------------------------------------------------- */

/* Whether standard input has more to read right now.  A pipe that a
 * program writes records into as they come must not see a record held back
 * until a batch fills: when nothing more is waiting, the pipeline is
 * drained. */
static bool input_ready(void)
{
    struct pollfd pfd = {STDIN_FILENO, POLLIN, 0};
    return poll(&pfd, 1, 0) > 0 && (pfd.revents & POLLIN);
}

static int on_article(void *ctx, struct sitrep_article *a, const char *file, long line)
{
    struct run *r = ctx;
    struct slot *sl;

    if (*r->stop || r->fatal != SITREP_OK)
        return 1;
    sl = &r->filling->slots[r->filling->n];
    if (!(sl->file = strdup(file))) {
        fprintf(stderr, "%s:%ld: cannot index: out of memory\n", file, line);
        r->fatal = SITREP_ERR_NOMEM;
        return 1;
    }
    /* Take the record over: the reader clears what it still owns. */
    sl->a = *a;
    sitrep_article_init(a);
    sl->line = line;
    sl->doc = NULL;
    if (++r->filling->n == PIPE_BATCH)
        advance(r);
    else if (r->streaming && !input_ready())
        drain(r); /* the sender may be waiting for this record: index it now */
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
        r->streaming = true;
        sitrep_read_stream(stdin, "(stdin)", SITREP_FORMAT_JSONL, r->opt->max_record_bytes,
                           &callbacks, r);
        r->streaming = false;
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
    struct run *r = calloc(1, sizeof *r); /* two batches: too big for the stack */
    struct pool pool;
    sitrep_status st;

    memset(counts, 0, sizeof *counts);
    if (!r) {
        fprintf(stderr, "sitrep-index: out of memory\n");
        return SITREP_ERR_NOMEM;
    }
    r->w = w;
    r->gz = gz;
    r->opt = opt;
    r->stop = stop;
    r->counts = counts;
    r->fatal = SITREP_OK;
    r->started = now_seconds();
    r->filling = &r->buffers[0];
    r->pool = pool_start(&pool, r) ? &pool : NULL;
    for (size_t i = 0; i < n_paths && !*stop && r->fatal == SITREP_OK; i++)
        ingest_path(r, paths[i], true);
    /* Interrupted or finished: what was read whole is written and committed. */
    drain(r);
    if (r->pool)
        pool_stop(r->pool);
    if (r->pending)
        commit(r);
    progress(r, true);
    st = r->fatal;
    free(r);
    return st;
}
