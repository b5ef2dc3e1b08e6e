/* cache.c - search answers by request and revision: a hash table with
 * chaining for the lookup, a doubly linked list for the recency order. */
#include "cache.h"

#include <pthread.h>
#include <stdio.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "text.h"

/* Buckets grow with the entries, so chains stay short at any bound. */
#define MIN_BUCKETS 256u

struct entry {
    struct entry *chain;            /* next in the bucket */
    struct entry *newer, *older;    /* recency list */
    uint64_t hash;
    size_t key_len, len;
    char tag[SRV_CACHE_TAG_SIZE];
    char bytes[];                   /* key, then the answer and a NUL */
};

struct srv_cache {
    pthread_mutex_t lock;
    size_t max_bytes, bytes, n, n_buckets;
    struct entry **buckets;
    struct entry *newest, *oldest;
    uint64_t hits, misses;
};

static size_t entry_size(const struct entry *e)
{
    return sizeof *e + e->key_len + e->len + 1;
}

struct srv_cache *srv_cache_create(size_t max_bytes)
{
    struct srv_cache *c = calloc(1, sizeof *c);
    if (!c)
        goto fail;
    c->max_bytes = max_bytes;
    c->n_buckets = MIN_BUCKETS;
    if (!(c->buckets = calloc(c->n_buckets, sizeof *c->buckets)))
        goto fail;
    if (pthread_mutex_init(&c->lock, NULL) != 0)
        goto fail;
    return c;
fail:
    if (c)
        free(c->buckets);
    free(c);
    return NULL;
}

void srv_cache_destroy(struct srv_cache *c)
{
    if (!c)
        return;
    for (struct entry *e = c->newest, *next; e; e = next) {
        next = e->older;
        free(e);
    }
    free(c->buckets);
    pthread_mutex_destroy(&c->lock);
    free(c);
}

/* The link that points at the entry for key (or the bucket's end). */
static struct entry **find(struct srv_cache *c, uint64_t hash, const char *key, size_t key_len)
{
    struct entry **p = &c->buckets[hash & (c->n_buckets - 1)];
    while (*p && !((*p)->hash == hash && (*p)->key_len == key_len &&
                   memcmp((*p)->bytes, key, key_len) == 0))
        p = &(*p)->chain;
    return p;
}

static void unlink_recency(struct srv_cache *c, struct entry *e)
{
    if (e->newer)
        e->newer->older = e->older;
    else
        c->newest = e->older;
    if (e->older)
        e->older->newer = e->newer;
    else
        c->oldest = e->newer;
    e->newer = e->older = NULL;
}

static void push_newest(struct srv_cache *c, struct entry *e)
{
    e->older = c->newest;
    e->newer = NULL;
    if (c->newest)
        c->newest->newer = e;
    c->newest = e;
    if (!c->oldest)
        c->oldest = e;
}

static void drop(struct srv_cache *c, struct entry *e)
{
    struct entry **p = find(c, e->hash, e->bytes, e->key_len);
    *p = e->chain;
    unlink_recency(c, e);
    c->bytes -= entry_size(e);
    c->n--;
    free(e);
}

/* Doubles the buckets when they hold twice as many entries; keeps the old
 * ones when there is no memory (chains just get longer). */
static void maybe_grow(struct srv_cache *c)
{
    if (c->n < 2 * c->n_buckets)
        return;
    size_t n = c->n_buckets * 2;
    struct entry **b = calloc(n, sizeof *b);
    if (!b)
        return;
    for (size_t i = 0; i < c->n_buckets; i++)
        for (struct entry *e = c->buckets[i], *next; e; e = next) {
            next = e->chain;
            e->chain = b[e->hash & (n - 1)];
            b[e->hash & (n - 1)] = e;
        }
    free(c->buckets);
    c->buckets = b;
    c->n_buckets = n;
}

char *srv_cache_get(struct srv_cache *c, const char *key, size_t key_len, size_t *len,
                    char tag[SRV_CACHE_TAG_SIZE])
{
    uint64_t hash = sitrep_fnv1a(SITREP_FNV_SEED, key, key_len);
    char *out = NULL;
    pthread_mutex_lock(&c->lock);
    struct entry *e = *find(c, hash, key, key_len);
    if (e && (out = malloc(e->len + 1))) {
        memcpy(out, e->bytes + e->key_len, e->len + 1);
        *len = e->len;
        memcpy(tag, e->tag, SRV_CACHE_TAG_SIZE);
        unlink_recency(c, e);
        push_newest(c, e);
    }
    if (out)
        c->hits++;
    else
        c->misses++;
    pthread_mutex_unlock(&c->lock);
    return out;
}

void srv_cache_put(struct srv_cache *c, const char *key, size_t key_len, const char *text,
                   size_t len, const char *tag)
{
    uint64_t hash = sitrep_fnv1a(SITREP_FNV_SEED, key, key_len);
    size_t size = sizeof(struct entry) + key_len + len + 1;
    struct entry *e;
    if (size > c->max_bytes / 8 || !(e = malloc(size)))
        return;
    e->hash = hash;
    e->key_len = key_len;
    e->len = len;
    e->chain = NULL;
    snprintf(e->tag, sizeof e->tag, "%s", tag);
    memcpy(e->bytes, key, key_len);
    memcpy(e->bytes + key_len, text, len);
    e->bytes[key_len + len] = '\0';

    pthread_mutex_lock(&c->lock);
    struct entry *old = *find(c, hash, key, key_len);
    if (old)
        drop(c, old);
    while (c->oldest && c->bytes + size > c->max_bytes)
        drop(c, c->oldest);
    struct entry **p = find(c, hash, key, key_len);
    *p = e;
    push_newest(c, e);
    c->bytes += size;
    c->n++;
    maybe_grow(c);
    pthread_mutex_unlock(&c->lock);
}

void srv_cache_get_stats(struct srv_cache *c, struct srv_cache_stats *out)
{
    pthread_mutex_lock(&c->lock);
    out->entries = c->n;
    out->bytes = c->bytes;
    out->hits = c->hits;
    out->misses = c->misses;
    pthread_mutex_unlock(&c->lock);
}
