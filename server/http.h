/* http.h - the libmicrohttpd glue: the only file that knows MHD.
 *
 * It turns each connection into a struct srv_request, hands it to the
 * router, and sends whatever status and JSON the handler produced, with the
 * headers every response carries (Content-Type, X-Request-Id,
 * X-Index-Revision, CORS).  It logs one line per request to stderr:
 *
 *     sitrepd: GET /v1/search 200 3ms 5f3a9c0100000001
 *
 * Threads: MHD's internal thread pool calls into the handlers; the daemon
 * only reads the app after start.
 */
#ifndef SRV_HTTP_H
#define SRV_HTTP_H

#include <stddef.h>

#include "app.h"

struct srv_http;

/* Binds the configured host and port and starts serving with
 * cfg->threads worker threads (0: one per core).  app must outlive the
 * daemon.  Returns NULL and writes a message to err on failure. */
struct srv_http *srv_http_start(const struct srv_app *app, unsigned threads, char *err,
                                size_t err_len);

/* The port actually bound (useful with port 0). */
unsigned srv_http_port(const struct srv_http *h);

/* Stops accepting, finishes the requests in flight, and frees everything. */
void srv_http_stop(struct srv_http *h);

#endif
