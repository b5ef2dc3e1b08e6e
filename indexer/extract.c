/* PLACEHOLDER: being written (extraction). */
#include "extract.h"
json_t *sitrep_extract(const sitrep_gazetteer *gz, const char *text, size_t len, const char *published)
{
    (void)gz; (void)text; (void)len;
    return json_pack("{s:[],s:[],s:[],s:s?}", "places", "persons", "dates", "published", published);
}
