/* main.c - sitrep-index: the indexer command line.
 *
 *   sitrep-index [--config FILE] [--index DIR] [--batch N] [--shards N] [-v] [--commits]
 *                [--no-extract] [-q] PATH...
 *   sitrep-index extract [--config FILE] [--published YYYY-MM-DD] [FILE|-]
 *   sitrep-index stats|get ID...|delete ID... [--config FILE] [--index DIR]
 *
 * Exit status: 0 everything indexed; 1 some records or files were rejected
 * (everything good was still committed); 2 usage or configuration error;
 * 3 the index or gazetteer could not be used; 130 interrupted (what was read
 * before the signal is committed).
 */
#include <jansson.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "article.h"
#include "buf.h"
#include "config.h"
#include "dates.h"
#include "extract.h"
#include "gazetteer.h"
#include "ingest.h"
#include "sitrep-build.h"
#include "store.h"
#include "text.h"

enum { EXIT_REJECTED = 1, EXIT_USAGE = 2, EXIT_FATAL = 3, EXIT_INTERRUPTED = 130 };

/* Set by SIGINT/SIGTERM; polled between records. */
static volatile sig_atomic_t stop_requested;

static void on_signal(int sig)
{
    (void)sig;
    stop_requested = 1;
}

static void usage(FILE *f)
{
    fputs("Usage: sitrep-index [OPTIONS] PATH...\n"
          "       sitrep-index extract [--config FILE] [--published YYYY-MM-DD] [FILE|-]\n"
          "       sitrep-index stats [--config FILE] [--index DIR]\n"
          "       sitrep-index get|delete [--config FILE] [--index DIR] ID...\n"
          "\n"
          "Indexes articles from files and folders (recursively) into a sitrep index.\n"
          "PATH '-' reads JSON Lines from standard input.  Formats by extension:\n"
          ".jsonl/.ndjson (one article per line), .json (an article or an array),\n"
          ".txt/.md (first real line is the title), .html/.htm.\n"
          "\n"
          "Options:\n"
          "  --config FILE   read configuration from FILE (YAML)\n"
          "  --index DIR     index directory (overrides index.path)\n"
          "  --batch N       articles per commit (overrides indexer.batch_size)\n"
          "  --shards N      shards of a new index, written in parallel (overrides\n"
          "                  index.shards; an existing index keeps its own)\n"
          "  -v, --verbose   print 'indexed ID FILE:LINE' for every article\n"
          "  --commits       print 'committed N' after each commit: the N articles\n"
          "                  written since the last such line are durable\n"
          "  --no-extract    index text only, without places, persons and dates\n"
          "                  (to measure what extraction costs; not for real use)\n"
          "  -q, --quiet     no summary line\n"
          "  --help          show this help\n"
          "  --version       show the version\n"
          "\n"
          "extract prints the places, persons and dates found in one text as JSON.\n"
          "stats prints the index's document count, revision and last update as JSON.\n"
          "get prints the stored record of each article; delete removes articles.\n"
          "\n"
          "Exit status: 0 all indexed, 1 some records rejected, 2 usage error,\n"
          "3 index or gazetteer unusable, 130 interrupted.\n",
          f);
}

/* Returns the value of option argv[*i] ("--opt VALUE" or "--opt=VALUE") when
 * it matches name, advancing *i; NULL otherwise. Sets *missing when the
 * option matches but has no value. */
static const char *opt_value(int argc, char **argv, int *i, const char *name, bool *missing)
{
    size_t n = strlen(name);
    if (strncmp(argv[*i], name, n) != 0)
        return NULL;
    if (argv[*i][n] == '=')
        return argv[*i] + n + 1;
    if (argv[*i][n] != '\0')
        return NULL;
    if (*i + 1 >= argc) {
        *missing = true;
        return NULL;
    }
    return argv[++*i];
}

static bool load_config(struct sitrep_config *cfg, const char *path)
{
    char err[512];
    if (!sitrep_config_defaults(cfg)) {
        fprintf(stderr, "sitrep-index: out of memory\n");
        return false;
    }
    if (path && !sitrep_config_load(cfg, path, err, sizeof err)) {
        fprintf(stderr, "sitrep-index: %s\n", err);
        return false;
    }
    return true;
}

static sitrep_gazetteer *load_gazetteer(const struct sitrep_config *cfg)
{
    sitrep_gazetteer *gz = NULL;
    char *err = NULL;
    const char *path = cfg->gazetteer_path ? cfg->gazetteer_path : SITREP_DEFAULT_GAZETTEER;
    if (sitrep_gazetteer_load(path, &gz, &err) != SITREP_OK) {
        fprintf(stderr, "sitrep-index: gazetteer: %s\n", err ? err : path);
        free(err);
        return NULL;
    }
    path = cfg->gazetteer_supplement_path ? cfg->gazetteer_supplement_path
                                          : SITREP_DEFAULT_GAZETTEER_SUPPLEMENT;
    if (*path && sitrep_gazetteer_load_supplement(gz, path, &err) != SITREP_OK) {
        fprintf(stderr, "sitrep-index: gazetteer supplement: %s\n", err ? err : path);
        free(err);
        sitrep_gazetteer_destroy(gz);
        return NULL;
    }
    return gz;
}

/* Reads all of f into buf (capped); false on error or when too large. */
static bool slurp(FILE *f, struct sitrep_buf *buf)
{
    char chunk[65536];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
        if (sitrep_buf_append(buf, chunk, n) != SITREP_OK)
            return false;
    return !ferror(f);
}

static int cmd_extract(int argc, char **argv)
{
    const char *config_path = NULL, *published = NULL, *input = NULL;
    struct sitrep_config cfg;
    bool have_cfg = false, missing = false;
    sitrep_gazetteer *gz = NULL;
    struct sitrep_buf text;
    FILE *f = NULL;
    json_t *result = NULL;
    char ymd[11];
    int rc = EXIT_USAGE;
    const char *v;

    sitrep_buf_init(&text, (size_t)64 << 20);
    for (int i = 2; i < argc; i++) {
        if ((v = opt_value(argc, argv, &i, "--config", &missing)))
            config_path = v;
        else if ((v = opt_value(argc, argv, &i, "--published", &missing)))
            published = v;
        else if (missing)
            break;
        else if (strcmp(argv[i], "--help") == 0) {
            usage(stdout);
            rc = 0;
            goto out;
        } else if (argv[i][0] == '-' && argv[i][1] != '\0') {
            fprintf(stderr, "sitrep-index extract: unknown option '%s'\n", argv[i]);
            goto out;
        } else if (input) {
            fprintf(stderr, "sitrep-index extract: one input at a time\n");
            goto out;
        } else {
            input = argv[i];
        }
    }
    if (missing) {
        fprintf(stderr, "sitrep-index extract: option needs a value\n");
        goto out;
    }
    if (published) {
        if (!sitrep_date_parse(published, ymd)) {
            fprintf(stderr, "sitrep-index extract: --published: '%s' is not a date\n",
                    published);
            goto out;
        }
        published = ymd;
    }
    if (!load_config(&cfg, config_path))
        goto out;
    have_cfg = true;
    rc = EXIT_FATAL;
    if (!(gz = load_gazetteer(&cfg)))
        goto out;
    f = (!input || strcmp(input, "-") == 0) ? stdin : fopen(input, "rb");
    if (!f) {
        perror(input);
        goto out;
    }
    if (!slurp(f, &text)) {
        fprintf(stderr, "sitrep-index extract: %s: cannot read (or larger than 64 MiB)\n",
                input ? input : "(stdin)");
        goto out;
    }
    if (text.len == 0 || !sitrep_utf8_valid(text.data, text.len, NULL)) {
        fprintf(stderr, "sitrep-index extract: %s: %s\n", input ? input : "(stdin)",
                text.len == 0 ? "empty input" : "invalid UTF-8");
        rc = EXIT_REJECTED;
        goto out;
    }
    result = sitrep_extract(gz, text.data, text.len, published);
    if (!result || json_dumpf(result, stdout, JSON_INDENT(2)) != 0) {
        fprintf(stderr, "sitrep-index extract: out of memory\n");
        goto out;
    }
    putchar('\n');
    rc = 0;
out:
    if (f && f != stdin)
        fclose(f);
    json_decref(result);
    sitrep_buf_free(&text);
    sitrep_gazetteer_destroy(gz);
    if (have_cfg)
        sitrep_config_free(&cfg);
    return rc;
}

/* stats, get and delete: small maintenance commands on an existing index. */
static int cmd_maintain(int argc, char **argv)
{
    const char *config_path = NULL, *index_path = NULL, *cmd = argv[1];
    struct sitrep_config cfg;
    bool have_cfg = false, missing = false;
    sitrep_db *db = NULL;
    sitrep_writer *w = NULL;
    char **ids = NULL, *err = NULL;
    size_t n_ids = 0;
    int rc = EXIT_USAGE;
    const char *v;

    ids = calloc((size_t)argc, sizeof *ids);
    if (!ids)
        goto out;
    for (int i = 2; i < argc; i++) {
        if ((v = opt_value(argc, argv, &i, "--config", &missing)))
            config_path = v;
        else if ((v = opt_value(argc, argv, &i, "--index", &missing)))
            index_path = v;
        else if (missing)
            break;
        else if (argv[i][0] == '-' && argv[i][1] != '\0') {
            fprintf(stderr, "sitrep-index %s: unknown option '%s'\n", cmd, argv[i]);
            goto out;
        } else {
            ids[n_ids++] = argv[i];
        }
    }
    if (missing || (strcmp(cmd, "stats") == 0) != (n_ids == 0)) {
        usage(stderr);
        goto out;
    }
    if (!load_config(&cfg, config_path))
        goto out;
    have_cfg = true;
    if (!index_path)
        index_path = cfg.index_path;
    rc = EXIT_FATAL;
    if (strcmp(cmd, "delete") == 0) {
        if (sitrep_writer_open(index_path, cfg.shards, &w, &err) != SITREP_OK) {
            fprintf(stderr, "sitrep-index: %s\n", err ? err : index_path);
            goto out;
        }
        rc = 0;
        for (size_t i = 0; i < n_ids; i++) {
            if (sitrep_writer_delete(w, ids[i]) != SITREP_OK) {
                fprintf(stderr, "sitrep-index: %s\n", sitrep_writer_last_error(w));
                rc = EXIT_REJECTED;
            }
        }
        if (sitrep_writer_commit(w) != SITREP_OK) {
            fprintf(stderr, "sitrep-index: commit failed: %s\n", sitrep_writer_last_error(w));
            rc = EXIT_FATAL;
        }
        goto out;
    }
    if (sitrep_db_open(index_path, &db, &err) != SITREP_OK) {
        fprintf(stderr, "sitrep-index: %s\n", err ? err : index_path);
        goto out;
    }
    if (strcmp(cmd, "stats") == 0) {
        struct sitrep_db_stats st;
        if (sitrep_db_get_stats(db, &st) != SITREP_OK) {
            fprintf(stderr, "sitrep-index: %s\n", sitrep_db_last_error(db));
            goto out;
        }
        printf("{\"documents\":%llu,\"revision\":%llu,\"last_update\":\"%s\",\"shards\":%u}\n",
               (unsigned long long)st.documents, (unsigned long long)st.revision,
               st.last_update, st.shards);
        rc = 0;
        goto out;
    }
    rc = 0;
    for (size_t i = 0; i < n_ids; i++) {
        char *data = NULL, *dumped = NULL;
        size_t len = 0;
        json_t *o = NULL;
        if (sitrep_db_get_record(db, ids[i], &data, &len) == SITREP_OK &&
            (o = sitrep_record_load(data, len, NULL)) &&
            (dumped = json_dumps(o, JSON_COMPACT | JSON_REAL_PRECISION(12)))) {
            puts(dumped);
        } else {
            fprintf(stderr, "sitrep-index: %s\n",
                    !data ? sitrep_db_last_error(db) : "the stored record is damaged");
            rc = EXIT_REJECTED;
        }
        json_decref(o);
        free(dumped);
        free(data);
    }
out:
    sitrep_writer_destroy(w);
    sitrep_db_destroy(db);
    if (have_cfg)
        sitrep_config_free(&cfg);
    free(err);
    free(ids);
    return rc;
}

static int cmd_index(int argc, char **argv)
{
    const char *config_path = NULL, *index_path = NULL, *batch = NULL,
               *shards = NULL;
    struct ingest_options opt = {0};
    struct ingest_counts counts = {0};
    struct sitrep_config cfg;
    bool have_cfg = false, missing = false;
    sitrep_gazetteer *gz = NULL;
    sitrep_writer *w = NULL;
    char **paths = NULL, *err = NULL;
    size_t n_paths = 0;
    int rc = EXIT_USAGE;
    const char *v;
    struct sigaction sa;

    paths = calloc((size_t)argc, sizeof *paths);
    if (!paths)
        goto out;
    for (int i = 1; i < argc; i++) {
        if ((v = opt_value(argc, argv, &i, "--config", &missing)))
            config_path = v;
        else if ((v = opt_value(argc, argv, &i, "--index", &missing)))
            index_path = v;
        else if ((v = opt_value(argc, argv, &i, "--batch", &missing)))
            batch = v;
        else if ((v = opt_value(argc, argv, &i, "--shards", &missing)))
            shards = v;
        else if (missing)
            break;
        else if (strcmp(argv[i], "-v") == 0 || strcmp(argv[i], "--verbose") == 0)
            opt.verbose = true;
        else if (strcmp(argv[i], "--no-extract") == 0)
            opt.no_extract = true;
        else if (strcmp(argv[i], "--commits") == 0)
            opt.commits = true;
        else if (strcmp(argv[i], "-q") == 0 || strcmp(argv[i], "--quiet") == 0)
            opt.quiet = true;
        else if (strcmp(argv[i], "--") == 0) {
            while (++i < argc)
                paths[n_paths++] = argv[i];
        } else if (argv[i][0] == '-' && argv[i][1] != '\0') {
            fprintf(stderr, "sitrep-index: unknown option '%s' (see --help)\n", argv[i]);
            goto out;
        } else {
            paths[n_paths++] = argv[i];
        }
    }
    if (missing) {
        fprintf(stderr, "sitrep-index: option needs a value (see --help)\n");
        goto out;
    }
    if (n_paths == 0) {
        usage(stderr);
        goto out;
    }
    if (!load_config(&cfg, config_path))
        goto out;
    have_cfg = true;
    opt.batch_size = cfg.batch_size ? cfg.batch_size : 250;
    opt.max_record_bytes = cfg.max_record_bytes;
    if (batch) {
        char *end;
        long b = strtol(batch, &end, 10);
        if (*end || b < 1 || b > 1000000) {
            fprintf(stderr, "sitrep-index: --batch: '%s' is not a number from 1 to 1000000\n",
                    batch);
            goto out;
        }
        opt.batch_size = (unsigned)b;
    }
    unsigned new_shards = cfg.shards;
    if (shards) {
        char *end;
        long s = strtol(shards, &end, 10);
        if (*end || s < 1 || s > 64) {
            fprintf(stderr, "sitrep-index: --shards: '%s' is not a number from 1 to 64\n", shards);
            goto out;
        }
        new_shards = (unsigned)s;
    }
    opt.progress = isatty(STDERR_FILENO) && !opt.quiet;
    /* Whoever reads -v through a pipe wants each line as it happens. */
    if (opt.verbose || opt.commits)
        setvbuf(stdout, NULL, _IOLBF, 0);
    rc = EXIT_FATAL;
    if (!(gz = load_gazetteer(&cfg)))
        goto out;
    if (!index_path)
        index_path = cfg.index_path;
    if (sitrep_writer_open(index_path, new_shards, &w, &err) != SITREP_OK) {
        fprintf(stderr, "sitrep-index: %s\n", err ? err : index_path);
        goto out;
    }
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    double t0;
    {
        struct timespec ts;
        clock_gettime(CLOCK_MONOTONIC, &ts);
        t0 = ts.tv_sec + ts.tv_nsec / 1e9;
    }
    if (ingest_run(w, gz, &opt, paths, n_paths, &stop_requested, &counts) != SITREP_OK)
        goto out;
    if (!opt.quiet) {
        struct timespec ts;
        clock_gettime(CLOCK_MONOTONIC, &ts);
        double el = ts.tv_sec + ts.tv_nsec / 1e9 - t0;
        fprintf(stderr,
                "sitrep-index: %lu indexed, %lu rejected, %lu files in %.2f s (%.0f articles/s); "
                "index has %llu articles\n",
                counts.indexed, counts.rejected, counts.files, el,
                el > 0 ? counts.indexed / el : 0.0,
                (unsigned long long)sitrep_writer_documents(w));
    }
    rc = stop_requested ? EXIT_INTERRUPTED : counts.rejected ? EXIT_REJECTED : 0;
out:
    sitrep_writer_destroy(w);
    sitrep_gazetteer_destroy(gz);
    if (have_cfg)
        sitrep_config_free(&cfg);
    free(err);
    free(paths);
    return rc;
}

int main(int argc, char **argv)
{
    if (argc >= 2 && strcmp(argv[1], "--help") == 0) {
        usage(stdout);
        return 0;
    }
    if (argc >= 2 && strcmp(argv[1], "--version") == 0) {
        printf("sitrep-index %s\n", SITREP_VERSION);
        return 0;
    }
    if (argc >= 2 && strcmp(argv[1], "extract") == 0)
        return cmd_extract(argc, argv);
    if (argc >= 2 && (strcmp(argv[1], "stats") == 0 || strcmp(argv[1], "get") == 0 ||
                      strcmp(argv[1], "delete") == 0))
        return cmd_maintain(argc, argv);
    return cmd_index(argc, argv);
}
