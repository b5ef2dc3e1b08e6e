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

/* Calendar arithmetic: days since 1970-01-01 (negative before), proleptic
 * Gregorian.  sitrep_date_from_days is the inverse of sitrep_date_to_days. */
long sitrep_date_to_days(int y, int m, int d);
void sitrep_date_from_days(long days, int *y, int *m, int *d);

/* Day of the week of a day number: 0 = Monday ... 6 = Sunday. */
int sitrep_date_weekday(long days);

/* How exact a date found in text is. */
enum sitrep_date_precision {
    SITREP_DATE_DAY,
    SITREP_DATE_MONTH,
    SITREP_DATE_YEAR,
};

/* One date expression found in running text. */
struct sitrep_date_mention {
    size_t start, end;    /* byte offsets into the text, end exclusive */
    int year, month, day; /* month and day are 0 when the precision is coarser */
    enum sitrep_date_precision precision;
    bool relative; /* resolved against the publication date ("Monday") */
};

/* Called once per mention, in text order; the mention is borrowed for the
 * call only.  Return false to stop the scan. */
typedef bool (*sitrep_date_visit)(const struct sitrep_date_mention *m, void *data);

/* Finds date expressions in text[0..len) (any bytes; invalid UTF-8 is a
 * separator) and resolves them against published ("YYYY-MM-DD" or any form
 * sitrep_date_parse accepts; NULL when unknown).  Absolute forms: "2022-02-28",
 * "Feb. 28, 2022", "28 February 2022", "February 2022", "the 24th of
 * February", unambiguous "28/02/2022"; relative forms (dropped without a
 * publication date): weekdays ("Monday", "on Thursday night", "last
 * Friday"), "yesterday", "today", "tonight", "last night", "N days ago",
 * "last/this/next month", "last/this/next year", "N years ago", "last week"
 * (month precision when that whole week lies in one month), "24 February"
 * without a year, "in March", "since 2015", "in 2014".  Ambiguous
 * expressions are dropped.  Returns the number of mentions visited. */
size_t sitrep_dates_find(const char *text, size_t len, const char *published,
                         sitrep_date_visit visit, void *data);

/* Writes "YYYY-MM-DD", "YYYY-MM" or "YYYY" (as m's precision says) and a
 * NUL to out. */
void sitrep_date_format(const struct sitrep_date_mention *m, char out[11]);

/* Usage:
 *
 *     static bool print_one(const struct sitrep_date_mention *m, void *data)
 *     {
 *         char ymd[11];
 *         sitrep_date_format(m, ymd);
 *         printf("%s %zu-%zu\n", ymd, m->start, m->end);
 *         return true;
 *     }
 *     sitrep_dates_find(text, len, "2022-03-02", print_one, NULL);
 */

#endif
