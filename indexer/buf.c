/* buf.c - bounded growable buffer. */
#include "buf.h"

#include <stdlib.h>
#include <string.h>

void sitrep_buf_init(struct sitrep_buf *b, size_t max)
{
    b->data = NULL;
    b->len = 0;
    b->cap = 0;
    b->max = max;
}

sitrep_status sitrep_buf_append(struct sitrep_buf *b, const void *data, size_t len)
{
    if (len > b->max - b->len)
        return SITREP_ERR_INVALID;
    if (b->len + len + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : 64;
        while (cap < b->len + len + 1)
            cap *= 2;
        char *p = realloc(b->data, cap);
        if (!p)
            return SITREP_ERR_NOMEM;
        b->data = p;
        b->cap = cap;
    }
    if (len)
        memcpy(b->data + b->len, data, len);
    b->len += len;
    b->data[b->len] = '\0';
    return SITREP_OK;
}

sitrep_status sitrep_buf_append_str(struct sitrep_buf *b, const char *s)
{
    return sitrep_buf_append(b, s, strlen(s));
}

sitrep_status sitrep_buf_append_char(struct sitrep_buf *b, char c)
{
    return sitrep_buf_append(b, &c, 1);
}

void sitrep_buf_reset(struct sitrep_buf *b)
{
    b->len = 0;
    if (b->data)
        b->data[0] = '\0';
}

char *sitrep_buf_detach(struct sitrep_buf *b)
{
    char *p = b->data ? b->data : strdup("");
    b->data = NULL;
    b->len = 0;
    b->cap = 0;
    return p;
}

void sitrep_buf_free(struct sitrep_buf *b)
{
    free(b->data);
    b->data = NULL;
    b->len = 0;
    b->cap = 0;
}
