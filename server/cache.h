/* cache.h - search answers kept in memory, by request and index revision.
 *
 * A search's answer depends only on its parameters, the index revision it
 * ran on and, for timespan=, the day.  Dashboards refreshing, the web UI
 * paging back and forth, a newsroom asking the morning's questions again:
 * repeated searches are answered from here instead of running again, as
 * Elasticsearch's shard request cache does.  A commit changes the revision
 * and with it every key, so nothing is ever invalidated; answers of older
 * revisions are the least recently used and leave first.  The bound is
 * server.cache_bytes (0: no cache).
 *
 *     char *text = srv_cache_get(c, key, key_len, &len);   hit: a copy
 *     ... else build the answer, then srv_cache_put(c, key, key_len, text, len);
 *
 * Threads: create/destroy on the main thread; get and put from any thread
 * (one mutex, held for a lookup and a copy).
 */
#ifndef SRV_CACHE_H
#define SRV_CACHE_H

#include <stddef.h>
#include <stdint.h>

struct srv_cache;

/* Room for the tag kept beside an answer (its ETag, etag.h): computing it
 * costs more than the rest of a hit. */
#define SRV_CACHE_TAG_SIZE 48

/* A cache holding at most max_bytes of keys and answers.  NULL when out of
 * memory. */
struct srv_cache *srv_cache_create(size_t max_bytes);

/* Frees the cache and its answers; c may be NULL. */
void srv_cache_destroy(struct srv_cache *c);

/* Returns a newly allocated, NUL-terminated copy of the answer stored under
 * key (the caller frees it) with its length in *len and its tag in tag;
 * NULL when there is none (or no memory for the copy).  A hit makes the
 * answer the most recently used. */
char *srv_cache_get(struct srv_cache *c, const char *key, size_t key_len, size_t *len,
                    char tag[SRV_CACHE_TAG_SIZE]);

/* Stores a copy of text and of tag (a string, "" for none, truncated to
 * SRV_CACHE_TAG_SIZE - 1 bytes) under key (replacing an answer already there),
 * evicting the least recently used answers to stay within the bound.  An
 * answer over an eighth of the bound is not kept, so one huge page cannot
 * empty the cache.  Out of memory only means nothing is stored. */
void srv_cache_put(struct srv_cache *c, const char *key, size_t key_len, const char *text,
                   size_t len, const char *tag);

/* Counters for /v1/stats and tests: answers held, their bytes, hits and
 * misses since start. */
struct srv_cache_stats {
    uint64_t entries, bytes, hits, misses;
};
void srv_cache_get_stats(struct srv_cache *c, struct srv_cache_stats *out);

#endif
