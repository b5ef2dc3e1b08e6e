/* writelock.c - a mutex around short-lived sitrep_writers.  The writer is
 * opened under the mutex, not before, so two requests never race for
 * Xapian's lock and the loser never mistakes the winner for the CLI. */
#include "writelock.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

struct srv_writelock {
    pthread_mutex_t mutex;
    char *path;
    unsigned new_shards;
    unsigned wait_seconds;
};

struct srv_writelock *srv_writelock_create(const char *path, unsigned new_shards,
                                           unsigned wait_seconds)
{
    struct srv_writelock *lock = calloc(1, sizeof *lock);
    if (!lock)
        return NULL;
    lock->path = strdup(path);
    if (!lock->path) {
        free(lock);
        return NULL;
    }
    lock->new_shards = new_shards;
    lock->wait_seconds = wait_seconds ? wait_seconds : 1;
    pthread_mutex_init(&lock->mutex, NULL);
    return lock;
}

sitrep_status srv_writelock_acquire(struct srv_writelock *lock, bool create, sitrep_writer **w,
                                    char *why, size_t why_len)
{
    struct timespec until;
    char *errmsg = NULL;
    sitrep_status st;
    int rc;

    *w = NULL;
    clock_gettime(CLOCK_REALTIME, &until);
    until.tv_sec += (time_t)lock->wait_seconds;
    rc = pthread_mutex_timedlock(&lock->mutex, &until);
    if (rc != 0) {
        snprintf(why, why_len, "other write requests kept the index busy for %u s",
                 lock->wait_seconds);
        return rc == ETIMEDOUT ? SITREP_ERR_DB_LOCKED : SITREP_ERR_INTERNAL;
    }
    /* sitrep_writer_open() creates what is missing; a delete must not. */
    if (!create && access(lock->path, F_OK) != 0) {
        snprintf(why, why_len, "%s: there is no index", lock->path);
        st = SITREP_ERR_DB_NOT_FOUND;
        goto out;
    }
    st = sitrep_writer_open(lock->path, lock->new_shards, w, &errmsg);
    if (st != SITREP_OK)
        snprintf(why, why_len, "%s", errmsg ? errmsg : sitrep_status_to_string(st));
out:
    free(errmsg);
    if (st != SITREP_OK)
        pthread_mutex_unlock(&lock->mutex);
    return st;
}

void srv_writelock_release(struct srv_writelock *lock, sitrep_writer *w)
{
    sitrep_writer_destroy(w);
    pthread_mutex_unlock(&lock->mutex);
}

void srv_writelock_destroy(struct srv_writelock *lock)
{
    if (!lock)
        return;
    pthread_mutex_destroy(&lock->mutex);
    free(lock->path);
    free(lock);
}
