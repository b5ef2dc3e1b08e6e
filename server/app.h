/* app.h - what every handler may read: the configuration, the gazetteer, the
 * database pool, the gazetteer's prefix index, the start time and the write
 * lock.  Built once
 * in main.c before the daemon starts; immutable afterwards (the pool and the
 * prefix index synchronise themselves), so any number of worker threads
 * share one struct srv_app.
 */
#ifndef SRV_APP_H
#define SRV_APP_H

#include <time.h>

#include "config.h"
#include "gazetteer.h"

struct srv_dbpool;
struct srv_names;
struct srv_writelock;
struct srv_cache;

struct srv_app {
    const struct sitrep_config *cfg;
    const sitrep_gazetteer *gz; /* NULL when it could not be loaded */
    struct srv_dbpool *pool;    /* NULL in unit tests that need no index */
    struct srv_names *names;    /* the gazetteer's prefix index, built on
                                   first use (names.h); NULL without gz */
    struct timespec started;    /* CLOCK_MONOTONIC at start-up */
    struct srv_writelock *writelock; /* serialises POST /v1/ingest and
                                        DELETE (writelock.h); NULL in unit
                                        tests that need no index */
    struct srv_cache *cache;    /* search answers (cache.h); NULL when
                                   server.cache_bytes is 0 */
};

#endif
