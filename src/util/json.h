/*
 * json.h - JSON renderings of packages and findings, and the one
 * serialiser of every JSON document patchseq writes (library-private).
 */
#ifndef PS_JSON_H
#define PS_JSON_H

#include "util.h"

#include <jansson.h>

/* The one set of builder helpers.  Each takes the reference to v (also
 * when it fails); a NULL v or container (an earlier allocation failure,
 * or text that is not UTF-8) is a failure, so a builder can check once at
 * the end.  ps_json_set/ps_json_push return 0, or -1 on failure. */
json_t *ps_json_str(const char *s);            /* a string, or null for NULL */
int ps_json_set(json_t *o, const char *key, json_t *v);
int ps_json_push(json_t *a, json_t *v);
json_t *ps_json_strv(char *const *v, size_t n); /* an array of strings, or NULL */

json_t *ps_package_to_json(const ps_package *p, int with_hash);
json_t *ps_finding_to_json(const ps_finding *fd);
json_t *ps_findings_to_json(const ps_findings *f);
/* Serialises with 2-space indent and sorted-as-inserted keys, newline-terminated;
 * steals the reference to root. NULL on OOM. */
char *ps_json_dump(json_t *root, size_t *len);
char *ps_json_dump_compact(json_t *root, size_t *len); /* the same, on one line */

#endif /* PS_JSON_H */
