/* assets.h - the files built into sitrepd by server/web/embed.py (the web
 * UI of server/web/ and server/openapi.json), and their lookup by name. */
#ifndef SRV_ASSETS_H
#define SRV_ASSETS_H

#include <stddef.h>

struct srv_asset {
    const char *name;         /* base name, "index.html" */
    const char *content_type; /* static string */
    const unsigned char *data; /* len bytes, then a NUL */
    size_t len;
};

/* Every asset, ended by a row with a NULL name (the generated web-assets.c). */
extern const struct srv_asset srv_assets[];

/* The asset called name (a base name; anything with a slash is no asset),
 * or NULL.  The result is static. */
const struct srv_asset *srv_asset_find(const char *name);

#endif
