/* ner-table.c - the trainer's hash table of word hashes and its allocator
 * (ner-private.h). */
#include <stdio.h>
#include <stdlib.h>

#include "ner-private.h"

size_t ner_table_slot(const struct ner_table *t, uint64_t key)
{
    size_t i = (size_t)(key * 0x9e3779b97f4a7c15u >> 20) & t->mask;
    while (t->keys[i] && t->keys[i] != key)
        i = (i + 1) & t->mask;
    return i;
}

void *ner_xcalloc(size_t n, size_t size)
{
    void *p = calloc(n ? n : 1, size ? size : 1);
    if (!p) {
        fprintf(stderr, "sitrep-ner-train: out of memory\n");
        exit(1);
    }
    return p;
}

uint32_t *ner_table_at(struct ner_table *t, uint64_t key, bool *fresh)
{
    size_t i;

    if (t->used * 2 >= t->mask) {
        struct ner_table old = *t;
        t->mask = old.mask ? old.mask * 2 + 1 : (1u << 16) - 1;
        t->keys = ner_xcalloc(t->mask + 1, sizeof *t->keys);
        t->vals = ner_xcalloc(t->mask + 1, sizeof *t->vals);
        for (size_t j = 0; old.keys && j <= old.mask; j++)
            if (old.keys[j]) {
                size_t s = ner_table_slot(t, old.keys[j]);
                t->keys[s] = old.keys[j];
                t->vals[s] = old.vals[j];
            }
        free(old.keys);
        free(old.vals);
    }
    i = ner_table_slot(t, key);
    *fresh = !t->keys[i];
    if (*fresh) {
        t->keys[i] = key;
        t->vals[i] = 0;
        t->used++;
    }
    return &t->vals[i];
}

void ner_table_free(struct ner_table *t)
{
    free(t->keys);
    free(t->vals);
    t->keys = NULL;
    t->vals = NULL;
    t->mask = t->used = 0;
}
