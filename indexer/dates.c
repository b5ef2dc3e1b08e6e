/* PLACEHOLDER: being written (dates). */
#include "dates.h"
bool sitrep_date_valid(int y, int m, int d) { return y > 0 && m >= 1 && m <= 12 && d >= 1 && d <= 31; }
bool sitrep_date_parse(const char *s, char ymd[11]) { (void)s; (void)ymd; return false; }
bool sitrep_date_infer_published(const char *t, size_t n, char ymd[11]) { (void)t; (void)n; (void)ymd; return false; }
