/* dates.h - reading dates: publication dates from metadata, and date
 * expressions in running text.  Pure functions; thread-safe.
 */
#ifndef SITREP_DATES_H
#define SITREP_DATES_H

#include <stdbool.h>
#include <stddef.h>

/* Parses a publication date as metadata gives it: ISO 8601 ("2022-02-28",
 * "2022-02-28T10:15:00Z", "2022-02-28 10:15"), RFC 2822 ("Mon, 28 Feb 2022
 * 10:15:00 GMT"), or written out ("February 28, 2022", "28 February 2022",
 * "Feb. 28, 2022").  On success writes "YYYY-MM-DD" and a NUL to ymd and
 * returns true; false for anything else, including impossible dates
 * (2022-13-45, 2022-02-30). */
bool sitrep_date_parse(const char *s, char ymd[11]);

/* True when y-m-d is a real calendar date. */
bool sitrep_date_valid(int y, int m, int d);

/* Infers a publication date from text[0..len): a dateline near the start
 * ("KYIV, Feb 28 (Reuters) -", "March 3, 2022 —") or else the latest full
 * date written anywhere in the text.  Writes "YYYY-MM-DD" to ymd and returns
 * true, or false when the text has no full date. */
bool sitrep_date_infer_published(const char *text, size_t len, char ymd[11]);

#endif
