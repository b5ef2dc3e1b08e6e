/* config.h - sitrep's configuration: one struct, filled from defaults, then
 * the YAML file, then command-line flags (the callers apply those).
 *
 * Loading is table-driven (config.c: one row per key with type, offset,
 * bounds and default).  Unknown keys and bad values are errors that name
 * file:line:col.  After start-up the struct is immutable and may be read by
 * every thread.
 */
#ifndef SITREP_CONFIG_H
#define SITREP_CONFIG_H

#include <stdbool.h>
#include <stddef.h>

enum sitrep_scope {
    SITREP_SCOPE_SEARCH = 1 << 0,
    SITREP_SCOPE_INGEST = 1 << 1,
    SITREP_SCOPE_ADMIN = 1 << 2,
};

struct sitrep_api_key {
    char *name;      /* label for logs; never the key itself */
    char *key;       /* the secret: 16..512 printable ASCII characters, no spaces */
    unsigned scopes; /* enum sitrep_scope bits, at least one */
    size_t key_len;  /* strlen(key), kept so a lookup never scans a secret's length */
};

struct sitrep_config {
    /* index: */
    char *index_path;     /* index.path, "var/index" */
    char *gazetteer_path; /* index.gazetteer, SITREP_DEFAULT_GAZETTEER */
    char *gazetteer_supplement_path; /* index.gazetteer_supplement, the curated YAML of
                                        places and person aliases,
                                        SITREP_DEFAULT_GAZETTEER_SUPPLEMENT; "" = none */
    unsigned shards;      /* index.shards, shards of an index yet to be created, 1 */
    /* server: */
    char *listen_host;    /* server.listen host part, "127.0.0.1"; "" = every address */
    unsigned listen_port; /* server.listen port part, 8080; 0 = any free port */
    unsigned threads;     /* server.threads, 0 = one per core; default 0 */
    bool search_requires_key; /* server.search_requires_key, false */
    char **cors_origins;  /* server.cors_origins, list; empty by default */
    size_t n_cors_origins;
    size_t cache_bytes;   /* server.cache_bytes, search answers kept (cache.h), 32 MiB;
                             0 = no cache */
    /* limits: */
    size_t max_body_bytes;      /* limits.body_bytes, 10 MiB */
    size_t max_query_bytes;     /* limits.query_bytes (q and each value), 8 KiB */
    unsigned max_page_size;     /* limits.page_size, 250 */
    unsigned max_window;        /* limits.max_window (offset + limit), 10000 */
    unsigned max_connections;   /* limits.connections, 256 */
    unsigned max_connections_per_ip; /* limits.connections_per_ip, 64 */
    unsigned timeout_seconds;   /* limits.timeout_seconds, 30 */
    size_t connection_memory_bytes; /* limits.header_bytes (URL + headers), 128 KiB */
    unsigned rate_per_second;   /* limits.rate_per_second, requests per client; 0 = no
                                   limit; default 100 */
    unsigned rate_burst;        /* limits.rate_burst, requests a client may send at once,
                                   400 */
    /* indexer: */
    unsigned batch_size;      /* indexer.batch_size, documents per commit, 250 */
    size_t max_record_bytes;  /* indexer.max_record_bytes, 8 MiB */
    /* api_keys: list of {name, key, scopes: [search, ingest, admin]} */
    struct sitrep_api_key *api_keys;
    size_t n_api_keys;
};

/* Fills cfg with the defaults; the caller owns the result and releases it
 * with sitrep_config_free().  Returns false when out of memory, leaving cfg
 * zeroed (still safe to free).  Default paths are relative to the working
 * directory, except gazetteer_path, which the build makes absolute. */
bool sitrep_config_defaults(struct sitrep_config *cfg);

/* Reads the YAML file at path over cfg (which holds defaults).  Keys the
 * file leaves out keep their values; lists in the file replace the old
 * list.  Relative paths in the file resolve against the file's directory
 * and come out absolute.  On error returns false, leaves cfg unchanged and
 * writes "path:line:col: message" to err (err_len bytes; lines and columns
 * count from 1); errors not tied to a place read "path: message".  An empty
 * file is valid and changes nothing.  Messages never contain key secrets.
 *
 *     struct sitrep_config cfg;
 *     char err[256];
 *     if (!sitrep_config_defaults(&cfg))
 *         return oom();
 *     if (!sitrep_config_load(&cfg, "/etc/sitrep/sitrep.yaml", err, sizeof err)) {
 *         fprintf(stderr, "%s\n", err);
 *         sitrep_config_free(&cfg);
 *         return 1;
 *     }
 */
bool sitrep_config_load(struct sitrep_config *cfg, const char *path, char *err, size_t err_len);

/* Parses "HOST:PORT" (or ":PORT", or "[v6]:PORT") into cfg's listen fields;
 * false with a message in err when malformed, leaving cfg unchanged.  For
 * --listen.  ":PORT" sets listen_host to "", meaning every address. */
bool sitrep_config_set_listen(struct sitrep_config *cfg, const char *value, char *err,
                              size_t err_len);

/* The key record that equals key, or NULL (also for NULL or "").  The time
 * taken depends on the length of key and the number of keys, never on the
 * stored secrets, so it is safe on untrusted input.  The record is borrowed
 * from cfg. */
const struct sitrep_api_key *sitrep_config_find_key(const struct sitrep_config *cfg,
                                                    const char *key);

/* Frees everything cfg owns (wiping the key secrets first) and zeroes it.
 * Safe on a zeroed struct and on one that failed to load. */
void sitrep_config_free(struct sitrep_config *cfg);

#endif
