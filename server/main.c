/* main.c - sitrepd: arguments and configuration, the shared state, the
 * daemon, and a clean stop on SIGINT/SIGTERM.
 *
 * Exit status: 0 stopped by a signal (or --help, --version); 1 could not
 * start (cannot bind, out of memory); 2 usage or configuration error.
 *
 * Signals: SIGINT and SIGTERM are blocked before any thread starts (threads
 * inherit the mask) and taken with sigwait() here, so no handler ever runs
 * on a worker; SIGPIPE is ignored so a client that hangs up cannot kill us.
 */
#include <pthread.h>
#include <jansson.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "app.h"
#include "config.h"
#include "cache.h"
#include "dbpool.h"
#include "gazetteer.h"
#include "http.h"
#include "names.h"
#include "sitrep-build.h"
#include "writelock.h"

static void usage(FILE *f)
{
    fputs("Usage: sitrepd [--config FILE] [--index DIR] [--listen HOST:PORT]\n"
          "\n"
          "Serves the sitrep HTTP API (JSON) over the index in DIR.\n"
          "\n"
          "  --config FILE       read settings from this YAML file (see sitrep.yaml)\n"
          "  --index DIR         the index directory (overrides index.path)\n"
          "  --listen HOST:PORT  address to bind (overrides server.listen);\n"
          "                      port 0 picks a free port\n"
          "  --help              show this help and exit\n"
          "  --version           show the version and exit\n"
          "\n"
          "On start it prints 'sitrepd: listening on http://HOST:PORT' to stderr,\n"
          "then one line per request; SIGINT or SIGTERM stop it cleanly.\n",
          f);
}

/* Reads "--name VALUE" or "--name=VALUE" at argv[*i]; NULL if argv[*i] is
 * not --name. */
static const char *flag_value(int argc, char **argv, int *i, const char *name, bool *missing)
{
    size_t n = strlen(name);
    const char *a = argv[*i];
    if (strncmp(a, name, n) != 0)
        return NULL;
    if (a[n] == '=')
        return a + n + 1;
    if (a[n] != '\0')
        return NULL;
    if (*i + 1 >= argc) {
        *missing = true;
        return NULL;
    }
    return argv[++*i];
}

int main(int argc, char **argv)
{
    struct sitrep_config cfg;
    struct srv_app app;
    struct srv_http *http = NULL;
    sitrep_gazetteer *gz = NULL;
    const char *config_path = NULL, *index_path = NULL, *listen = NULL;
    char err[512];
    int rc = 1;

    /* Jansson's hash seed, fixed before any JSON value or thread exists. */
    json_object_seed(0);
    memset(&app, 0, sizeof app);
    if (!sitrep_config_defaults(&cfg)) {
        fprintf(stderr, "sitrepd: out of memory\n");
        return 1;
    }
    for (int i = 1; i < argc; i++) {
        bool missing = false;
        const char *v;
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            usage(stdout);
            rc = 0;
            goto out;
        } else if (strcmp(argv[i], "--version") == 0) {
            printf("sitrepd %s\n", SITREP_VERSION);
            rc = 0;
            goto out;
        } else if ((v = flag_value(argc, argv, &i, "--config", &missing))) {
            config_path = v;
        } else if ((v = flag_value(argc, argv, &i, "--index", &missing))) {
            index_path = v;
        } else if ((v = flag_value(argc, argv, &i, "--listen", &missing))) {
            listen = v;
        } else {
            if (missing)
                fprintf(stderr, "sitrepd: %s needs a value\n", argv[i]);
            else
                fprintf(stderr, "sitrepd: unknown argument '%s'\n", argv[i]);
            usage(stderr);
            rc = 2;
            goto out;
        }
    }

    /* Defaults, then the file, then the flags. */
    if (config_path && !sitrep_config_load(&cfg, config_path, err, sizeof err)) {
        fprintf(stderr, "sitrepd: %s\n", err);
        rc = 2;
        goto out;
    }
    if (index_path) {
        char *copy = strdup(index_path);
        if (!copy) {
            fprintf(stderr, "sitrepd: out of memory\n");
            goto out;
        }
        free(cfg.index_path);
        cfg.index_path = copy;
    }
    if (listen && !sitrep_config_set_listen(&cfg, listen, err, sizeof err)) {
        fprintf(stderr, "sitrepd: --listen: %s\n", err);
        rc = 2;
        goto out;
    }

    /* The gazetteer is loaded once and only read afterwards.  Without it,
     * place filters still take ids and country codes. */
    const char *gz_path = cfg.gazetteer_path ? cfg.gazetteer_path : SITREP_DEFAULT_GAZETTEER;
    char *gz_err = NULL;
    if (sitrep_gazetteer_load(gz_path, &gz, &gz_err) != SITREP_OK) {
        fprintf(stderr, "sitrepd: warning: gazetteer not loaded (%s); place names will not "
                        "resolve\n",
                gz_err ? gz_err : gz_path);
        gz = NULL;
    }
    free(gz_err);
    gz_err = NULL;
    /* The supplement is the user's own file: a mistake in it stops us, as a
     * bad sitrep.yaml does, rather than silently losing their entries. */
    const char *sup_path = cfg.gazetteer_supplement_path ? cfg.gazetteer_supplement_path
                                                         : SITREP_DEFAULT_GAZETTEER_SUPPLEMENT;
    if (gz && *sup_path && sitrep_gazetteer_load_supplement(gz, sup_path, &gz_err) != SITREP_OK) {
        fprintf(stderr, "sitrepd: gazetteer supplement: %s\n", gz_err ? gz_err : sup_path);
        free(gz_err);
        rc = 2;
        goto out;
    }

    unsigned threads = cfg.threads;
    if (threads == 0) {
        long n = sysconf(_SC_NPROCESSORS_ONLN);
        threads = n > 0 ? (unsigned)n : 1;
    }

    app.cfg = &cfg;
    app.gz = gz;
    /* The prefix index reads the same files; it is built when first asked
     * for (names.h). */
    if (gz && !(app.names = srv_names_create(gz, gz_path, sup_path))) {
        fprintf(stderr, "sitrepd: out of memory\n");
        goto out;
    }
    clock_gettime(CLOCK_MONOTONIC, &app.started);
    app.pool = srv_dbpool_create(cfg.index_path, threads);
    if (!app.pool) {
        fprintf(stderr, "sitrepd: out of memory\n");
        goto out;
    }
    if (cfg.cache_bytes && !(app.cache = srv_cache_create(cfg.cache_bytes))) {
        fprintf(stderr, "sitrepd: out of memory\n");
        goto out;
    }
    /* Writes wait for each other at most as long as a client waits. */
    app.writelock = srv_writelock_create(cfg.index_path, cfg.shards, cfg.timeout_seconds);
    if (!app.writelock) {
        fprintf(stderr, "sitrepd: out of memory\n");
        goto out;
    }
    {
        /* Say at start-up whether there is an index to serve. */
        sitrep_db *db;
        char why[256];
        if (srv_dbpool_checkout(app.pool, &db, why, sizeof why) == SITREP_OK)
            srv_dbpool_checkin(app.pool, db, false);
        else
            fprintf(stderr, "sitrepd: warning: index %s not available (%s); answering 503 "
                            "until it is\n",
                    cfg.index_path, why);
    }

    /* Before any thread exists, so that every thread inherits the mask. */
    signal(SIGPIPE, SIG_IGN);
    sigset_t stop;
    sigemptyset(&stop);
    sigaddset(&stop, SIGINT);
    sigaddset(&stop, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &stop, NULL);

    http = srv_http_start(&app, threads, err, sizeof err);
    if (!http) {
        fprintf(stderr, "sitrepd: %s\n", err);
        goto out;
    }
    const char *host = *cfg.listen_host ? cfg.listen_host : "0.0.0.0";
    bool v6 = strchr(host, ':') != NULL;
    fprintf(stderr, "sitrepd: listening on http://%s%s%s:%u\n", v6 ? "[" : "", host,
            v6 ? "]" : "", srv_http_port(http));
    fflush(stderr);

    int sig = 0;
    while (sigwait(&stop, &sig) != 0)
        ;
    fprintf(stderr, "sitrepd: %s, stopping\n", sig == SIGINT ? "SIGINT" : "SIGTERM");
    rc = 0;

out:
    srv_http_stop(http);
    srv_dbpool_destroy(app.pool);
    srv_writelock_destroy(app.writelock);
    srv_cache_destroy(app.cache);
    srv_names_destroy(app.names);
    if (gz)
        sitrep_gazetteer_destroy(gz);
    sitrep_config_free(&cfg);
    return rc;
}
