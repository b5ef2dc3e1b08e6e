/* PLACEHOLDER: being written (gazetteer). */
#include "gazetteer.h"
#include <stdlib.h>
#include <string.h>
sitrep_status sitrep_gazetteer_load(const char *path, sitrep_gazetteer **out, char **errmsg) { (void)path; *out = NULL; if (errmsg) *errmsg = strdup("not yet"); return SITREP_ERR_IO; }
void sitrep_gazetteer_destroy(sitrep_gazetteer *gz) { (void)gz; }
const struct sitrep_place *sitrep_gazetteer_get(const sitrep_gazetteer *gz, const char *id) { (void)gz; (void)id; return NULL; }
size_t sitrep_gazetteer_resolve(const sitrep_gazetteer *gz, const char *q, const struct sitrep_place **out, size_t max) { (void)gz; (void)q; (void)out; (void)max; return 0; }
size_t sitrep_gazetteer_size(const sitrep_gazetteer *gz) { (void)gz; return 0; }
