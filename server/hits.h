/* hits.h - one search hit as the API shows it, from the stored record
 * (article.h), in every format: the JSON object of /v1/search and of NDJSON
 * exports, a CSV row, GeoJSON features.
 *
 *     struct srv_hit_fields want;
 *     srv_hit_fields_init(&want, &s->sp);
 *     json_t *hit = srv_hit_render(s, results, &h, &want, req->id);
 *
 * Pure functions; thread-safe.
 */
#ifndef SRV_HITS_H
#define SRV_HITS_H

#include <jansson.h>
#include <stdbool.h>

#include "buf.h"
#include "params.h"
#include "search.h"
#include "store.h"

/* Which members a hit shows: fields=, or all of them (distance_km only
 * with near=). */
struct srv_hit_fields {
    bool want[SRV_FIELD_LAST];
};

void srv_hit_fields_init(struct srv_hit_fields *f, const struct srv_search_params *sp);

/* The hit h of results r (the query s ran) as a new JSON object with the
 * wanted members, in the order of enum srv_hit_field.  A record that is not
 * valid JSON is logged with req_id and shows empty members.  NULL when out
 * of memory. */
json_t *srv_hit_render(const struct srv_search *s, sitrep_results *r, const struct sitrep_hit *h,
                       const struct srv_hit_fields *f, const char *req_id);

/* The same hit as JSON text, appended to out: the text json_dumps() makes
 * of srv_hit_render()'s object with SRV_JSON_FLAGS, without building it
 * (the record's members are copied as they lie).  SITREP_ERR_NOMEM or
 * SITREP_ERR_INVALID (out's bound) on failure, out then holds part of it. */
sitrep_status srv_hit_render_text(const struct srv_search *s, sitrep_results *r,
                                  const struct sitrep_hit *h, const struct srv_hit_fields *f,
                                  const char *req_id, struct sitrep_buf *out);

/* The CSV header row of the wanted members (the default columns are id,
 * title, url, source, lang, published, places, persons), CRLF-terminated. */
sitrep_status srv_hit_csv_header(const struct srv_hit_fields *f, struct sitrep_buf *out);

/* hit as one CSV row (RFC 4180: fields holding a comma, quote, CR or LF
 * quoted, quotes doubled; CRLF at the end).  Lists (places, persons) are
 * their names joined by '|', event_dates their dates. */
sitrep_status srv_hit_csv_row(const struct srv_hit_fields *f, json_t *hit, struct sitrep_buf *out);

/* The CSV columns of a hit without fields=: API.md's export columns. */
void srv_hit_fields_csv_default(struct srv_hit_fields *f, const struct srv_search_params *sp);

#endif
