/* extract.h - places, persons and dates found in one article's text.
 *
 * The result is a Jansson object in exactly the shape `sitrep-index extract`
 * prints (issue #3's CLI contract; byte offsets into the UTF-8 input, end
 * exclusive):
 *
 *   {"places":  [{"id","name","country","admin1","admin1_id","lat","lon",
 *                 "mentions":[{"start","end","text"}]}],
 *    "persons": [{"id","name","surname","mentions":[{"start","end","text"}]}],
 *    "dates":   [{"date","precision","text","start","end"}],
 *    "published": "YYYY-MM-DD" | null}
 *
 * Person ids are "person:" + slug of the canonical (fullest) name, e.g.
 * "person:vladimir-putin"; "surname" is the last name as written.  Date
 * precision is one of "day", "month", "year"; "date" is "YYYY-MM-DD",
 * "YYYY-MM" or "YYYY" accordingly.  "published" echoes the published argument
 * or, when that is NULL, the date inferred from a dateline or the latest full
 * date in the text (null when there is none).
 *
 * Thread safety: reentrant; the gazetteer is only read.
 */
#ifndef SITREP_EXTRACT_H
#define SITREP_EXTRACT_H

#include <jansson.h>
#include <stddef.h>

#include "gazetteer.h"

/* Extracts from text[0..len) (valid UTF-8).  published is "YYYY-MM-DD" or
 * NULL; relative dates resolve against it (or against the inferred date).
 * Returns a new reference the caller owns, or NULL when out of memory.
 *
 * Also: any bytes are accepted (invalid UTF-8 separates words, so every
 * "text" in the result is valid UTF-8); a text longer than 4 GiB - 1 bytes
 * is read only that far; gz may be NULL, and then no places are found.
 * published may be any form sitrep_date_parse() accepts; it is echoed as
 * given.  Costs about one pass over the text plus one gazetteer probe per
 * capitalised span: roughly 10 MB/s on one core. */
json_t *sitrep_extract(const sitrep_gazetteer *gz, const char *text, size_t len,
                       const char *published);

#endif
