/* PLACEHOLDER: being written (readers). */
#include "reader.h"
enum sitrep_format sitrep_format_from_path(const char *path) { (void)path; return SITREP_FORMAT_NONE; }
sitrep_status sitrep_read_file(const char *path, enum sitrep_format format, size_t max_record, const struct sitrep_reader_callbacks *cb, void *ctx) { (void)path; (void)format; (void)max_record; (void)cb; (void)ctx; return SITREP_ERR_IO; }
sitrep_status sitrep_read_stream(FILE *f, const char *name, enum sitrep_format format, size_t max_record, const struct sitrep_reader_callbacks *cb, void *ctx) { (void)f; (void)name; (void)format; (void)max_record; (void)cb; (void)ctx; return SITREP_ERR_IO; }
sitrep_status sitrep_read_json_record(const char *data, size_t len, struct sitrep_article *a, char *reason, size_t reason_len) { (void)data; (void)len; (void)a; (void)reason; (void)reason_len; return SITREP_ERR_INVALID; }
