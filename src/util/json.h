/*
 * json.h - JSON renderings of packages and findings, and the one
 * serialiser of every JSON document patchseq writes (library-private).
 */
#ifndef PS_JSON_H
#define PS_JSON_H

#include "util.h"

#include <jansson.h>

json_t *ps_package_to_json(const ps_package *p, int with_hash);
json_t *ps_finding_to_json(const ps_finding *fd);
json_t *ps_findings_to_json(const ps_findings *f);
/* Serialises with 2-space indent and sorted-as-inserted keys, newline-terminated;
 * steals the reference to root. NULL on OOM. */
char *ps_json_dump(json_t *root, size_t *len);
char *ps_json_dump_compact(json_t *root, size_t *len); /* the same, on one line */

#endif /* PS_JSON_H */
