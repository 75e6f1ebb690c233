/*
 * cache_int.h - the codec of a cache entry (cache_codec.c): a ps_package
 * and its findings as JSON arrays, private to src/read/.
 */
#ifndef PS_CACHE_INT_H
#define PS_CACHE_INT_H

#include "util.h"

#include <jansson.h>
#include <stdint.h>

/* The package, or its findings, as the JSON of an entry; NULL on
 * allocation failure. */
json_t *ps_cache_package_json(const ps_package *p);
json_t *ps_cache_findings_json(const ps_findings *f);

/*
 * Fills p from a (checked: types, ranges, every fact's grammar); its size
 * must be `size`, and when hash it must hold the hashes (kept only when
 * hash).  Returns 0, or -1 when a is not a valid package (p then holds what
 * was read so far, for ps_package_free).
 */
int ps_cache_package_from_json(ps_package *p, const json_t *a, uint64_t size, int hash);

/* Appends the findings of a to dst; -1 when a is not valid (what was
 * appended stays, for the caller to drop). */
int ps_cache_findings_from_json(ps_findings *dst, const json_t *a);

#endif /* PS_CACHE_INT_H */
