/* dates.c - calendar arithmetic and parsing of publication dates.
 *
 * The grammar of date expressions lives in one place, the scanner in
 * datex.c; sitrep_date_parse() asks it for the first date in the string and
 * then only checks that what follows looks like a time of day, so metadata
 * and running text accept exactly the same spellings.
 */
#include "dates.h"

#include <string.h>

static bool is_leap(int y)
{
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

bool sitrep_date_valid(int y, int m, int d)
{
    static const int mdays[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    bool ok = false;

    if (y < 1 || y > 9999 || m < 1 || m > 12 || d < 1)
        goto out;
    ok = d <= mdays[m - 1] + (m == 2 && is_leap(y) ? 1 : 0);
out:
    return ok;
}

/* Howard Hinnant's days_from_civil / civil_from_days: exact for the whole
 * proleptic Gregorian calendar, no tables, no time zones. */
long sitrep_date_to_days(int y, int m, int d)
{
    long yy = (long)y - (m <= 2);
    long era = (yy >= 0 ? yy : yy - 399) / 400;
    long yoe = yy - era * 400;
    long doy = (153L * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

void sitrep_date_from_days(long days, int *y, int *m, int *d)
{
    long z = days + 719468;
    long era = (z >= 0 ? z : z - 146096) / 146097;
    long doe = z - era * 146097;
    long yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    long mp = (5 * doy + 2) / 153;
    long dd = doy - (153 * mp + 2) / 5 + 1;
    long mm = mp < 10 ? mp + 3 : mp - 9;

    *y = (int)(yoe + era * 400 + (mm <= 2));
    *m = (int)mm;
    *d = (int)dd;
}

int sitrep_date_weekday(long days)
{
    /* 1970-01-01 was a Thursday (3 when Monday is 0). */
    long w = (days + 3) % 7;
    return (int)(w < 0 ? w + 7 : w);
}

static void put_digits(char *out, int v, int n)
{
    for (int k = n - 1; k >= 0; k--) {
        out[k] = (char)('0' + v % 10);
        v /= 10;
    }
}

void sitrep_date_format(const struct sitrep_date_mention *m, char out[11])
{
    /* Written by hand: the fields are clamped, the width is fixed, and
     * snprintf would only add truncation warnings. */
    int y = m->year < 0 ? 0 : m->year > 9999 ? 9999 : m->year;
    int mo = m->month < 0 ? 0 : m->month > 12 ? 12 : m->month;
    int d = m->day < 0 ? 0 : m->day > 31 ? 31 : m->day;
    size_t n = 4;

    put_digits(out, y, 4);
    if (m->precision != SITREP_DATE_YEAR) {
        out[4] = '-';
        put_digits(out + 5, mo, 2);
        n = 7;
    }
    if (m->precision == SITREP_DATE_DAY) {
        out[7] = '-';
        put_digits(out + 8, d, 2);
        n = 10;
    }
    out[n] = '\0';
}

struct first_date {
    bool found;
    struct sitrep_date_mention m;
};

static bool take_first(const struct sitrep_date_mention *m, void *data)
{
    struct first_date *f = data;
    f->found = true;
    f->m = *m;
    return false;
}

/* What may follow the date in metadata: a time of day, a zone, a weekday
 * in parentheses.  Letters, digits and time punctuation only, introduced by
 * 'T', a space or a comma. */
static bool time_tail_ok(const char *s)
{
    bool ok = false;

    if (*s == '\0') {
        ok = true;
        goto out;
    }
    if (*s != 'T' && *s != ' ' && *s != ',' && *s != '\t')
        goto out;
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
              strchr(" \t:.,+-()/", c)))
            goto out;
    }
    ok = true;
out:
    return ok;
}

bool sitrep_date_parse(const char *s, char ymd[11])
{
    struct first_date f = {0};
    size_t start = 0, len;
    bool ok = false;

    if (!s)
        goto out;
    while (s[start] == ' ' || s[start] == '\t' || s[start] == '\n' || s[start] == '\r')
        start++;
    len = strlen(s + start);
    while (len > 0 && (s[start + len - 1] == ' ' || s[start + len - 1] == '\t' ||
                       s[start + len - 1] == '\n' || s[start + len - 1] == '\r'))
        len--;
    /* Metadata dates are short; anything longer is not a date field. */
    if (len == 0 || len > 64)
        goto out;
    sitrep_dates_find(s + start, len, NULL, take_first, &f);
    if (!f.found || f.m.start != 0 || f.m.precision != SITREP_DATE_DAY || f.m.relative)
        goto out;
    {
        char tail[72];
        memcpy(tail, s + start + f.m.end, len - f.m.end);
        tail[len - f.m.end] = '\0';
        if (!time_tail_ok(tail))
            goto out;
    }
    sitrep_date_format(&f.m, ymd);
    ok = true;
out:
    return ok;
}
