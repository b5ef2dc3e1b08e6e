/* api-web.c - GET / and GET /ui/{file}: the bundled web UI, served from the
 * table built into the binary (assets.h), so a path can only name one of
 * those files and never reaches the file system. */
#include <stdlib.h>
#include <string.h>

#include "api.h"
#include "assets.h"
#include "stream.h"

const struct srv_asset *srv_asset_find(const char *name)
{
    const struct srv_asset *found = NULL;

    if (!name || strchr(name, '/'))
        goto out;
    for (const struct srv_asset *a = srv_assets; a->name; a++)
        if (strcmp(a->name, name) == 0) {
            found = a;
            break;
        }
out:
    return found;
}

/* The stream of one asset: the whole file in one piece. */
struct asset_body {
    const struct srv_asset *asset;
    bool sent;
};

static bool asset_fill(void *ctx, struct sitrep_buf *out, bool *done)
{
    struct asset_body *b = ctx;
    bool ok = true;

    if (!b->sent)
        ok = sitrep_buf_append(out, b->asset->data, b->asset->len) == SITREP_OK;
    b->sent = true;
    *done = true;
    return ok;
}

unsigned srv_api_web(const struct srv_app *app, struct srv_request *req, json_t **out)
{
    (void)app;
    const char *name = req->path_arg ? req->path_arg : "index.html";
    const struct srv_asset *a = srv_asset_find(name);
    struct asset_body *b;

    if (!a)
        return srv_fail(req, out, 404, "not_found", NULL, "no such file: %s", req->path);
    if (!(b = calloc(1, sizeof *b)))
        return srv_fail_nomem(req, out);
    b->asset = a;
    req->stream = srv_stream_new(a->content_type, asset_fill, free, b);
    return req->stream ? 200 : srv_fail_nomem(req, out);
}
