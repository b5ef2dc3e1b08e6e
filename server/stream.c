/* stream.c - the pull side of streamed bodies: pieces from the producer,
 * handed out in whatever sizes the transport asks for. */
#include "stream.h"

#include <stdlib.h>
#include <string.h>

/* A piece is one hit, a header row, a bracket: far below this. */
#define PIECE_MAX ((size_t)64 << 20)

struct srv_stream {
    const char *content_type;
    srv_stream_fill fill;
    srv_stream_free free_ctx;
    void *ctx;
    struct sitrep_buf piece; /* what the producer gave last */
    size_t sent;             /* bytes of piece already handed out */
    bool done, failed;
};

struct srv_stream *srv_stream_new(const char *content_type, srv_stream_fill fill,
                                  srv_stream_free free_ctx, void *ctx)
{
    struct srv_stream *st = calloc(1, sizeof *st);
    if (!st) {
        if (free_ctx)
            free_ctx(ctx);
        return NULL;
    }
    st->content_type = content_type;
    st->fill = fill;
    st->free_ctx = free_ctx;
    st->ctx = ctx;
    sitrep_buf_init(&st->piece, PIECE_MAX);
    return st;
}

long srv_stream_read(struct srv_stream *st, char *buf, size_t max)
{
    /* Ask for pieces until one has bytes: a producer may yield an empty
     * piece (a hit without coordinates in a GeoJSON export). */
    while (st->sent == st->piece.len) {
        if (st->failed)
            return -1;
        if (st->done)
            return 0;
        sitrep_buf_reset(&st->piece);
        st->sent = 0;
        if (!st->fill(st->ctx, &st->piece, &st->done)) {
            st->failed = true;
            return -1;
        }
    }
    size_t n = st->piece.len - st->sent;
    if (n > max)
        n = max;
    memcpy(buf, st->piece.data + st->sent, n);
    st->sent += n;
    return (long)n;
}

const char *srv_stream_content_type(const struct srv_stream *st)
{
    return st->content_type;
}

void srv_stream_destroy(struct srv_stream *st)
{
    if (!st)
        return;
    if (st->free_ctx)
        st->free_ctx(st->ctx);
    sitrep_buf_free(&st->piece);
    free(st);
}
