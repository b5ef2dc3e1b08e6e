/* dbpool.h - N separately opened read-only index handles shared by the
 * worker threads (STYLE.md: "no two threads share a handle").
 *
 * A worker checks a handle out for one request and back in afterwards.
 * Checkout moves the handle to the latest committed revision
 * (sitrep_db_reopen), so articles indexed while the server runs are visible
 * to the next request.  If the index does not exist yet (or cannot be
 * opened), checkout says so and tries again on the next request, so the
 * server can start before the first indexing run.
 *
 *     sitrep_db *db;
 *     char why[256];
 *     if (srv_dbpool_checkout(pool, &db, why, sizeof why) != SITREP_OK)
 *         return 503 ...;
 *     ... use db on this thread only ...
 *     srv_dbpool_checkin(pool, db);
 *
 * Threads: every function but create/destroy may be called from any thread.
 */
#ifndef SRV_DBPOOL_H
#define SRV_DBPOOL_H

#include <stddef.h>

#include "store.h"

struct srv_dbpool;

/* Creates a pool of size handles (at least 1) for the index at spec (copied)
 * and tries to open them; an index that is missing is not an error here.
 * Returns NULL when out of memory. */
struct srv_dbpool *srv_dbpool_create(const char *spec, unsigned size);

/* Waits for a free slot and hands out its handle, opened and reopened.  On
 * failure (the index is missing or unreadable) returns the status, writes a
 * reason to why (why_len bytes) and holds nothing. */
sitrep_status srv_dbpool_checkout(struct srv_dbpool *pool, sitrep_db **db, char *why,
                                  size_t why_len);

/* Returns a handle obtained from srv_dbpool_checkout().  If the request saw
 * the handle fail in a way a reopen cannot cure, pass broken = true and the
 * pool opens a fresh one next time. */
void srv_dbpool_checkin(struct srv_dbpool *pool, sitrep_db *db, bool broken);

/* Destroys every handle; no checkout may be outstanding. */
void srv_dbpool_destroy(struct srv_dbpool *pool);

#endif
