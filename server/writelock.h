/* writelock.h - the server's side of "one writer at a time".
 *
 * Xapian lets one process at a time hold an index open for writing, and the
 * CLI (sitrep-index) must be able to write between HTTP writes.  So the
 * server never keeps a writer open: each write request takes the mutex
 * here, opens a sitrep_writer, changes and commits, closes the writer and
 * lets go of the mutex.  Requests inside the server queue on the mutex (up
 * to a wait limit); another process holding Xapian's lock makes the open
 * fail at once with SITREP_ERR_DB_LOCKED, which the API answers as 503
 * index_busy.
 *
 *     sitrep_writer *w;
 *     char why[256];
 *     if (srv_writelock_acquire(lock, true, &w, why, sizeof why) != SITREP_OK)
 *         ... 503 ...
 *     sitrep_writer_put(w, doc); sitrep_writer_commit(w);
 *     srv_writelock_release(lock, w);
 *
 * Threads: create/destroy on the main thread; the rest from any thread.
 */
#ifndef SRV_WRITELOCK_H
#define SRV_WRITELOCK_H

#include <stdbool.h>
#include <stddef.h>

#include "store.h"

struct srv_writelock;

/* A lock for the index directory path (copied).  A request waits at most
 * wait_seconds (at least 1) for another request's write.  An index the
 * server creates gets new_shards shards (sitrep_writer_open()).  NULL when
 * out of memory. */
struct srv_writelock *srv_writelock_create(const char *path, unsigned new_shards,
                                           unsigned wait_seconds);

/* Takes the lock and opens a writer on the index into *w.  With create, a
 * missing index is made (empty); without, a missing index path is
 * SITREP_ERR_DB_NOT_FOUND.  Waiting too long for another request is
 * SITREP_ERR_DB_LOCKED as well as another process's lock.  On failure
 * nothing is held, *w is NULL and why (why_len bytes) says what happened. */
sitrep_status srv_writelock_acquire(struct srv_writelock *lock, bool create, sitrep_writer **w,
                                    char *why, size_t why_len);

/* Closes w (discarding whatever was not committed) and lets go of the lock.
 * w must come from srv_writelock_acquire() on lock. */
void srv_writelock_release(struct srv_writelock *lock, sitrep_writer *w);

/* Frees the lock; no request may hold it. */
void srv_writelock_destroy(struct srv_writelock *lock);

#endif
