/* dbpool.c - a stack of idle handles behind a mutex and a condition
 * variable.  A slot whose handle is NULL has no open index yet; it is opened
 * outside the lock, so a slow open never blocks the other workers. */
#include "dbpool.h"

#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct srv_dbpool {
    pthread_mutex_t lock;
    pthread_cond_t freed;
    char *spec;
    unsigned size;
    unsigned n_idle;   /* idle slots: idle[0 .. n_idle) */
    sitrep_db **idle;  /* each an open handle or NULL (not opened yet) */
};

struct srv_dbpool *srv_dbpool_create(const char *spec, unsigned size)
{
    struct srv_dbpool *pool = calloc(1, sizeof *pool);
    if (!pool)
        return NULL;
    if (size == 0)
        size = 1;
    pool->size = size;
    pool->spec = strdup(spec);
    pool->idle = calloc(size, sizeof *pool->idle);
    if (!pool->spec || !pool->idle) {
        free(pool->spec);
        free(pool->idle);
        free(pool);
        return NULL;
    }
    pthread_mutex_init(&pool->lock, NULL);
    pthread_cond_init(&pool->freed, NULL);
    for (unsigned i = 0; i < size; i++) {
        sitrep_db *db = NULL;
        if (sitrep_db_open(spec, &db, NULL) != SITREP_OK)
            db = NULL;
        pool->idle[i] = db;
    }
    pool->n_idle = size;
    return pool;
}

sitrep_status srv_dbpool_checkout(struct srv_dbpool *pool, sitrep_db **out, char *why,
                                  size_t why_len)
{
    sitrep_db *db;
    sitrep_status st;

    *out = NULL;
    pthread_mutex_lock(&pool->lock);
    while (pool->n_idle == 0)
        pthread_cond_wait(&pool->freed, &pool->lock);
    db = pool->idle[--pool->n_idle];
    pthread_mutex_unlock(&pool->lock);

    if (db) {
        st = sitrep_db_reopen(db);
        if (st == SITREP_OK) {
            *out = db;
            return SITREP_OK;
        }
        /* The index may have been replaced or removed; start afresh. */
        sitrep_db_destroy(db);
        db = NULL;
    }

    char *errmsg = NULL;
    st = sitrep_db_open(pool->spec, &db, &errmsg);
    if (st == SITREP_OK) {
        *out = db;
    } else {
        snprintf(why, why_len, "%s", errmsg ? errmsg : sitrep_status_to_string(st));
        srv_dbpool_checkin(pool, NULL, false); /* give the empty slot back */
    }
    free(errmsg);
    return st;
}

void srv_dbpool_checkin(struct srv_dbpool *pool, sitrep_db *db, bool broken)
{
    if (broken && db) {
        sitrep_db_destroy(db);
        db = NULL;
    }
    pthread_mutex_lock(&pool->lock);
    pool->idle[pool->n_idle++] = db;
    pthread_cond_signal(&pool->freed);
    pthread_mutex_unlock(&pool->lock);
}

void srv_dbpool_destroy(struct srv_dbpool *pool)
{
    if (!pool)
        return;
    for (unsigned i = 0; i < pool->n_idle; i++)
        if (pool->idle[i])
            sitrep_db_destroy(pool->idle[i]);
    pthread_cond_destroy(&pool->freed);
    pthread_mutex_destroy(&pool->lock);
    free(pool->idle);
    free(pool->spec);
    free(pool);
}
