/* PLACEHOLDER: being written (config). */
#include "config.h"
#include <stdlib.h>
#include <string.h>
bool sitrep_config_defaults(struct sitrep_config *cfg) { memset(cfg, 0, sizeof *cfg); cfg->index_path = strdup("var/index"); cfg->listen_host = strdup("127.0.0.1"); cfg->listen_port = 8080; cfg->batch_size = 1000; cfg->max_record_bytes = 8u << 20; cfg->max_page_size = 250; cfg->max_window = 10000; return true; }
bool sitrep_config_load(struct sitrep_config *cfg, const char *path, char *err, size_t err_len) { (void)cfg; (void)path; (void)err; (void)err_len; return true; }
bool sitrep_config_set_listen(struct sitrep_config *cfg, const char *value, char *err, size_t err_len) { (void)cfg; (void)value; (void)err; (void)err_len; return false; }
const struct sitrep_api_key *sitrep_config_find_key(const struct sitrep_config *cfg, const char *key) { (void)cfg; (void)key; return NULL; }
void sitrep_config_free(struct sitrep_config *cfg) { free(cfg->index_path); free(cfg->listen_host); free(cfg->gazetteer_path); }
