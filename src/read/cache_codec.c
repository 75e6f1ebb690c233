/*
 * cache_codec.c - a ps_package and its findings to the JSON of a cache
 * entry and back, both ways from one table of fields per struct.
 *
 * The package and its findings are stored as arrays, in the order of the
 * tables below (parsing arrays costs half of parsing objects, and a warm
 * run is mostly parsing):
 *
 *   package:  [container, readable, kb, kb_source, revision, arch,
 *              name_arch, os, name_os,
 *              [identity name, version, arch, language, public_key_token],
 *              release_type, restart, build_date, installer_version,
 *              provides_stack, kernel_version, catalog_digests, sha2_only,
 *              has_wsus, [update_id, classification, [superseded_by...],
 *              [prerequisites...], revision_id, title], size, hashed, sha256, sha1, deep_reads]
 *   finding:  [code name, arch, os, kb, file, member, line, message]
 *
 * Text fields are strings or null; the rest are integers.  An entry is
 * data from disk: reading checks the type and range of every field, and
 * every fact against its grammar (facts.h), as a package read does; a
 * value that fails makes the entry a miss.
 */
#include "cache_int.h"
#include "facts.h"
#include "findings.h"
#include "json.h"

#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define MAX_FIELD_BYTES ((size_t)1024 * 1024)

enum ftype {
    F_INT,       /* int (or an enum of int size) in [lo, hi] */
    F_UINT,      /* unsigned in [lo, hi] */
    F_U64,       /* uint64_t in [lo, hi] */
    F_STR,       /* char *, a string or null */
    F_FACT,      /* char *, a string of the grammar `fact`, or null */
    F_STRV,      /* char ** with its size_t count at `off2`, every one of the grammar `fact` */
    F_HEX,       /* char[n + 1] of n lower-case hex digits, kept when the int at off2 is set */
    F_KB_SOURCE, /* ps_kb_source, by its name (ps_kb_source_name), or null */
    F_CODE,      /* ps_finding_code, by its name */
    F_GROUP      /* an array of its own: the n fields of sub */
};

struct field {
    enum ftype type;
    size_t off;
    long long lo, hi;
    ps_fact_kind fact;
    size_t off2, n;
    const struct field *sub;
};

_Static_assert(sizeof(ps_container) == sizeof(int) && sizeof(ps_arch) == sizeof(int) &&
                   sizeof(ps_kb_source) == sizeof(int) && sizeof(ps_finding_code) == sizeof(int),
               "enums stored as int");

#define P(f) offsetof(ps_package, f)
#define INT(f, lo, hi) {F_INT, P(f), lo, hi, 0, 0, 0, NULL}
#define UINT(f, hi) {F_UINT, P(f), 0, hi, 0, 0, 0, NULL}
#define FACT(f, k) {F_FACT, P(f), 0, 0, k, 0, 0, NULL}

static const struct field identity_fields[] = {
    FACT(identity.name, PS_FACT_NAME),
    FACT(identity.version, PS_FACT_VERSION),
    FACT(identity.arch, PS_FACT_ARCH),
    FACT(identity.language, PS_FACT_LANGUAGE),
    FACT(identity.public_key_token, PS_FACT_TOKEN),
};

static const struct field wsus_fields[] = {
    FACT(wsus.update_id, PS_FACT_GUID),
    FACT(wsus.classification, PS_FACT_GUID),
    {F_STRV, P(wsus.superseded_by), 0, 0, PS_FACT_DECIMAL, P(wsus.n_superseded_by), 0, NULL},
    {F_STRV, P(wsus.prerequisites), 0, 0, PS_FACT_GUID, P(wsus.n_prerequisites), 0, NULL},
    FACT(wsus.revision_id, PS_FACT_DECIMAL),
    FACT(wsus.title, PS_FACT_TITLE),
};

static const struct field package_fields[] = {
    INT(container, PS_CONTAINER_MSU, PS_CONTAINER_CAB),
    INT(readable, 0, 1),
    FACT(kb, PS_FACT_KB),
    {F_KB_SOURCE, P(kb_source), 0, 0, 0, 0, 0, NULL},
    UINT(revision, UINT_MAX),
    INT(arch, 0, PS_ARCH__COUNT - 1),
    INT(name_arch, 0, PS_ARCH__COUNT - 1),
    FACT(os, PS_FACT_VERSION),
    FACT(name_os, PS_FACT_VERSION),
    {F_GROUP, 0, 0, 0, 0, 0, PS_ARRAY_LEN(identity_fields), identity_fields},
    FACT(release_type, PS_FACT_LABEL),
    FACT(restart, PS_FACT_LABEL),
    FACT(build_date, PS_FACT_DATE),
    FACT(installer_version, PS_FACT_VERSION),
    FACT(provides_stack, PS_FACT_VERSION),
    FACT(kernel_version, PS_FACT_VERSION),
    UINT(catalog_digests, 31),
    INT(sha2_only, -1, 1),
    INT(has_wsus, 0, 1),
    {F_GROUP, 0, 0, 0, 0, 0, PS_ARRAY_LEN(wsus_fields), wsus_fields},
    {F_U64, P(size), 0, LLONG_MAX, 0, 0, 0, NULL},
    INT(hashed, 0, 1),
    {F_HEX, P(sha256), 0, 0, 0, P(hashed), 64, NULL},
    {F_HEX, P(sha1), 0, 0, 0, P(hashed), 40, NULL},
    UINT(deep_reads, UINT_MAX),
};

#undef P
#define P(f) offsetof(ps_finding, f)

static const struct field finding_fields[] = {
    {F_CODE, P(code), 0, 0, 0, 0, 0, NULL},
    INT(arch, 0, PS_ARCH__COUNT - 1),
    {F_STR, P(os), 0, 0, 0, 0, 0, NULL},
    {F_STR, P(kb), 0, 0, 0, 0, 0, NULL},
    {F_STR, P(file), 0, 0, 0, 0, 0, NULL},
    {F_STR, P(member), 0, 0, 0, 0, 0, NULL},
    UINT(line, UINT_MAX),
    {F_STR, P(message), 0, 0, 0, 0, 0, NULL},
};

#undef P
#undef INT
#undef UINT
#undef FACT

typedef char *str_t;
typedef char *const *strv_t;

#define AT(base, off, type) ((type *)(void *)((char *)(base) + (off)))
#define CAT(base, off, type) ((const type *)(const void *)((const char *)(base) + (off)))

/* ------------------------------------------------------------------ */
/* Writing                                                             */
/* ------------------------------------------------------------------ */

/* The builders clear ok on the first failure (json.h), so one check at
 * the end suffices. */
/* Hands back a when ok, else releases it and returns NULL. */
static json_t *ok_or_null(json_t *a, int ok)
{
    if (!ok) {
        json_decref(a);
        return NULL;
    }
    return a;
}

static json_t *fields_json(const struct field *t, size_t n, const void *s)
{
    json_t *a = json_array();
    int ok = a != NULL;

    for (size_t i = 0; ok && i < n; i++) {
        const struct field *f = &t[i];
        json_t *v = NULL;

        switch (f->type) {
        case F_INT:
            v = json_integer(*CAT(s, f->off, int));
            break;
        case F_UINT:
            v = json_integer(*CAT(s, f->off, unsigned));
            break;
        case F_U64:
            v = json_integer((json_int_t)*CAT(s, f->off, uint64_t));
            break;
        case F_STR:
        case F_FACT:
            v = ps_json_str(*CAT(s, f->off, str_t));
            break;
        case F_STRV:
            v = ps_json_strv(*CAT(s, f->off, strv_t), *CAT(s, f->off2, size_t));
            break;
        case F_HEX:
            v = json_string(*CAT(s, f->off2, int) ? CAT(s, f->off, char) : "");
            break;
        case F_KB_SOURCE:
            v = ps_json_str(ps_kb_source_name(*CAT(s, f->off, ps_kb_source)));
            break;
        case F_CODE:
            v = json_string(ps_finding_code_name(*CAT(s, f->off, ps_finding_code)));
            break;
        case F_GROUP:
            v = fields_json(f->sub, f->n, s);
            break;
        }
        ok &= ps_json_push(a, v) == 0;
    }
    return ok_or_null(a, ok);
}

json_t *ps_cache_package_json(const ps_package *p)
{
    return fields_json(package_fields, PS_ARRAY_LEN(package_fields), p);
}

json_t *ps_cache_findings_json(const ps_findings *f)
{
    json_t *a = json_array();
    int ok = a != NULL;

    for (size_t i = 0; ok && i < f->count; i++)
        ok &= ps_json_push(a, fields_json(finding_fields, PS_ARRAY_LEN(finding_fields),
                                          &f->items[i])) == 0;
    return ok_or_null(a, ok);
}

/* ------------------------------------------------------------------ */
/* Reading                                                             */
/* ------------------------------------------------------------------ */

/* A string (without NUL inside, at most MAX_FIELD_BYTES). */
static int text_ok(const json_t *j)
{
    return json_is_string(j) && json_string_length(j) <= MAX_FIELD_BYTES &&
           strlen(json_string_value(j)) == json_string_length(j);
}

static int int_in(const json_t *j, const struct field *f, long long *v)
{
    if (!json_is_integer(j))
        return -1;
    *v = json_integer_value(j);
    return *v >= f->lo && *v <= f->hi ? 0 : -1;
}

/* A string or null into *dst (NULL for null). */
static int str_of(const json_t *j, char **dst)
{
    if (json_is_null(j))
        return 0;
    if (!text_ok(j))
        return -1;
    *dst = ps_strndup(json_string_value(j), json_string_length(j));
    return *dst != NULL ? 0 : -1;
}

static int strv_of(const json_t *a, const struct field *f, char ***v, size_t *n)
{
    const json_t *x;
    size_t i;

    if (!json_is_array(a))
        return -1;
    json_array_foreach(a, i, x) {
        if (!text_ok(x) || ps_strv_push(v, n, json_string_value(x)) < 0)
            return -1;
    }
    for (i = 0; i < *n; i++)
        if (!ps_fact_ok(f->fact, (*v)[i]))
            return -1;
    return 0;
}

/* n lower-case hex digits, when the flag at off2 is set; else anything. */
static int hex_of(const json_t *j, const struct field *f, void *s)
{
    const char *v;

    if (!*AT(s, f->off2, int))
        return 0;
    if (!json_is_string(j) || json_string_length(j) != f->n)
        return -1;
    v = json_string_value(j);
    for (size_t i = 0; i < f->n; i++)
        if (!((v[i] >= '0' && v[i] <= '9') || (v[i] >= 'a' && v[i] <= 'f')))
            return -1;
    memcpy(AT(s, f->off, char), v, f->n);
    AT(s, f->off, char)[f->n] = '\0';
    return 0;
}

/* The kb_source or finding code of a name: index of the names the
 * function gives for 0 .. count-1, from first on. */
static int name_of(const json_t *j, int first, int count, const char *(*name)(int), int *dst)
{
    if (!text_ok(j))
        return -1;
    for (int i = first; i < count; i++) {
        const char *n = name(i);

        if (n != NULL && strcmp(n, json_string_value(j)) == 0) {
            *dst = i;
            return 0;
        }
    }
    return -1;
}

static const char *kb_source_name(int i)
{
    return ps_kb_source_name((ps_kb_source)i);
}

static const char *code_name(int i)
{
    return ps_finding_code_name((ps_finding_code)i);
}

/* Reads the fields of t from the array a into s; -1 when a does not
 * hold them (s then holds what was read, for its free function). */
static int fields_from_json(const struct field *t, size_t n, const json_t *a, void *s)
{
    if (!json_is_array(a) || json_array_size(a) != n)
        return -1;
    for (size_t i = 0; i < n; i++) {
        const struct field *f = &t[i];
        const json_t *j = json_array_get(a, i);
        long long v = 0;
        int rc = 0;

        switch (f->type) {
        case F_INT:
            if ((rc = int_in(j, f, &v)) == 0)
                *AT(s, f->off, int) = (int)v;
            break;
        case F_UINT:
            if ((rc = int_in(j, f, &v)) == 0)
                *AT(s, f->off, unsigned) = (unsigned)v;
            break;
        case F_U64:
            if ((rc = int_in(j, f, &v)) == 0)
                *AT(s, f->off, uint64_t) = (uint64_t)v;
            break;
        case F_STR:
            rc = str_of(j, AT(s, f->off, char *));
            break;
        case F_FACT:
            rc = str_of(j, AT(s, f->off, char *));
            if (rc == 0 && *AT(s, f->off, char *) != NULL &&
                !ps_fact_ok(f->fact, *AT(s, f->off, char *)))
                rc = -1;
            break;
        case F_STRV:
            rc = strv_of(j, f, AT(s, f->off, char **), AT(s, f->off2, size_t));
            break;
        case F_HEX:
            rc = hex_of(j, f, s);
            break;
        case F_KB_SOURCE:
            if (!json_is_null(j))
                rc = name_of(j, PS_KB_SOURCE_NONE + 1, PS_KB_SOURCE__COUNT, kb_source_name,
                             AT(s, f->off, int));
            break;
        case F_CODE:
            rc = name_of(j, 0, PS_F__COUNT, code_name, AT(s, f->off, int));
            break;
        case F_GROUP:
            rc = fields_from_json(f->sub, f->n, j, s);
            break;
        }
        if (rc < 0)
            return -1;
    }
    return 0;
}

int ps_cache_package_from_json(ps_package *p, const json_t *a, uint64_t size, int hash)
{
    if (fields_from_json(package_fields, PS_ARRAY_LEN(package_fields), a, p) < 0 ||
        p->size != size)
        return -1;
    if (hash && !p->hashed)
        return -1; /* a read that hashes needs the hashes */
    p->hashed = hash;
    if (!hash) {
        memset(p->sha256, 0, sizeof p->sha256);
        memset(p->sha1, 0, sizeof p->sha1);
    }
    return 0;
}

int ps_cache_findings_from_json(ps_findings *dst, const json_t *a)
{
    size_t i;
    json_t *x;

    if (!json_is_array(a))
        return -1;
    json_array_foreach(a, i, x) {
        ps_finding g;
        int bad;

        memset(&g, 0, sizeof g);
        bad = fields_from_json(finding_fields, PS_ARRAY_LEN(finding_fields), x, &g) < 0 ||
              g.message == NULL;
        if (!bad) {
            ps_where w = {g.file, g.member, g.line, g.arch, g.os, g.kb};

            bad = ps_findings_add(dst, g.code, &w, "%s", g.message) < 0;
        }
        ps_finding_clear(&g);
        if (bad)
            return -1;
    }
    return 0;
}
