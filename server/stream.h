/* stream.h - response bodies made piece by piece, for answers too large to
 * build in memory first (exports of many hits).
 *
 * A handler that streams stores a new stream in req->stream and returns 200
 * with no JSON body; the transport (http.c) then sends whatever
 * srv_stream_read() yields, as it yields it, and destroys the stream when
 * the response is done or the client has gone.  The stream's producer
 * fills a buffer with the next piece whenever the previous one has been
 * sent, so only one piece is in memory at a time:
 *
 *     static bool fill(void *ctx, struct sitrep_buf *out, bool *done)
 *     {
 *         struct export *e = ctx;
 *         if (no more hits) { *done = true; return true; }
 *         return render_next_hit(e, out);   // false: failed, logged
 *     }
 *     req->stream = srv_stream_new("application/x-ndjson", fill, export_free, e);
 *
 * Nothing here knows MHD; unit tests read streams directly.
 * Threads: a stream belongs to one request, read by one thread at a time.
 */
#ifndef SRV_STREAM_H
#define SRV_STREAM_H

#include <stdbool.h>
#include <stddef.h>

#include "buf.h"

/* Appends the next piece of the body to out (empty on entry) and returns
 * true; sets *done (with or without a last piece) at the end.  Returns false
 * when the body cannot be completed (the producer logs why): the transport
 * then breaks the response off, since its status is long sent. */
typedef bool (*srv_stream_fill)(void *ctx, struct sitrep_buf *out, bool *done);
/* Frees the producer's context; called once, by srv_stream_destroy(). */
typedef void (*srv_stream_free)(void *ctx);

struct srv_stream;

/* A new stream of content_type (a static string) that takes ownership of
 * ctx: free_ctx is called on it when the stream is destroyed, also when
 * this fails (NULL: out of memory). */
struct srv_stream *srv_stream_new(const char *content_type, srv_stream_fill fill,
                                  srv_stream_free free_ctx, void *ctx);

/* Copies the next at most max (> 0) bytes of the body to buf.  Returns how
 * many (at least 1), 0 at the end of the body, -1 on failure. */
long srv_stream_read(struct srv_stream *st, char *buf, size_t max);

const char *srv_stream_content_type(const struct srv_stream *st);

/* Frees st and its producer; NULL is fine. */
void srv_stream_destroy(struct srv_stream *st);

#endif
