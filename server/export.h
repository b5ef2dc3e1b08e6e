/* export.h - /v1/search's exports: format=ndjson, csv or geojson, streamed
 * (stream.h) so that an export of thousands of hits never sits in memory
 * as a whole.
 *
 * The export runs the search a page at a time (EXPORT_PAGE hits), each page
 * continuing after the last hit of the one before (sitrep_query_set_after:
 * for the date orders a keyset, so every page costs what the first does),
 * and renders one hit per piece of the stream:
 *
 *   ndjson   one hit object (the members of a JSON hit) per line
 *   csv      a header row, then one row per hit (hits.h: RFC 4180)
 *   geojson  a FeatureCollection with one Point Feature per hit and place
 *            with coordinates, its properties the hit's members without
 *            "places" plus "place": {id, name, country, admin1}
 *
 * The first page runs before anything is sent, so every error the search
 * can have is still a JSON 4xx/5xx; a failure after that (the index gone
 * mid-export) can only break the response off, and is logged.
 */
#ifndef SRV_EXPORT_H
#define SRV_EXPORT_H

#include <jansson.h>
#include <stdint.h>

#include "app.h"
#include "request.h"
#include "search.h"

/* Starts the export of s, which srv_search_open_own() opened and whose
 * query is ready (sort, cursor) to run: start is the number of hits before
 * the first one exported (the offset, or the cursor's position).  On
 * success stores the stream in req->stream, takes s over (leaving *s empty)
 * and returns 200 with *out NULL; otherwise returns an error status with
 * its body in *out, and s stays the caller's. */
unsigned srv_export_start(const struct srv_app *app, struct srv_request *req, struct srv_search *s,
                          uint64_t start, json_t **out);

#endif
