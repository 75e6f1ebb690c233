/*
 * json.c - JSON renderings of packages and findings (jansson).
 */
#include "json.h"

#include <stdlib.h>
#include <string.h>

/* json_string(NULL) is NULL; these keep nulls explicit. */
static json_t *str_or_null(const char *s)
{
    return s ? json_string(s) : json_null();
}

static int set(json_t *obj, const char *key, json_t *val)
{
    return val ? json_object_set_new(obj, key, val) : -1;
}

static json_t *digests_to_json(unsigned d)
{
    static const struct {
        unsigned bit;
        const char *name;
    } names[] = {
        {PS_DIGEST_MD5, "md5"},       {PS_DIGEST_SHA1, "sha1"},     {PS_DIGEST_SHA256, "sha256"},
        {PS_DIGEST_SHA384, "sha384"}, {PS_DIGEST_SHA512, "sha512"},
    };
    json_t *a = json_array();

    if (a == NULL)
        return NULL;
    for (size_t i = 0; i < PS_ARRAY_LEN(names); i++)
        if ((d & names[i].bit) && json_array_append_new(a, json_string(names[i].name)) != 0) {
            json_decref(a);
            return NULL;
        }
    return a;
}

static json_t *strv_to_json(char *const *v, size_t n)
{
    json_t *a = json_array();

    if (a == NULL)
        return NULL;
    for (size_t i = 0; i < n; i++)
        if (json_array_append_new(a, json_string(v[i])) != 0) {
            json_decref(a);
            return NULL;
        }
    return a;
}

json_t *ps_package_to_json(const ps_package *p, int with_hash)
{
    json_t *o = json_object(), *id = json_object(), *w = NULL;
    int bad = 0;

    if (o == NULL || id == NULL)
        goto fail;
    bad |= set(o, "file", json_string(p->file));
    bad |= set(o, "container", json_string(ps_container_name(p->container)));
    bad |= set(o, "kb", str_or_null(p->kb));
    bad |= set(o, "arch", str_or_null(ps_arch_name(p->arch)));
    bad |= set(o, "os", str_or_null(p->os));
    bad |= set(id, "name", str_or_null(p->identity.name));
    bad |= set(id, "version", str_or_null(p->identity.version));
    bad |= set(id, "arch", str_or_null(p->identity.arch));
    bad |= set(id, "language", str_or_null(p->identity.language));
    bad |= set(id, "public_key_token", str_or_null(p->identity.public_key_token));
    bad |= json_object_set(o, "identity", id);
    bad |= set(o, "release_type", str_or_null(p->release_type));
    bad |= set(o, "restart", str_or_null(p->restart));
    bad |= set(o, "build_date", str_or_null(p->build_date));
    bad |= set(o, "installer_version", str_or_null(p->installer_version));
    bad |= set(o, "provides_stack", str_or_null(p->provides_stack));
    bad |= set(o, "kernel_version", str_or_null(p->kernel_version));
    bad |= set(o, "catalog_digests", digests_to_json(p->catalog_digests));
    bad |= set(o, "sha2_only", p->sha2_only < 0 ? json_null() : json_boolean(p->sha2_only));
    bad |= set(o, "size", json_integer((json_int_t)p->size));
    if (with_hash)
        bad |= set(o, "sha256", p->hashed ? json_string(p->sha256) : json_null());
    /* additions beyond the §4 keys */
    bad |= set(o, "readable", json_boolean(p->readable));
    bad |= set(o, "revision", p->revision ? json_integer(p->revision) : json_null());
    bad |= set(o, "kb_source", str_or_null(p->kb_source));
    bad |= set(o, "name_arch", str_or_null(ps_arch_name(p->name_arch)));
    if (with_hash)
        bad |= set(o, "sha1", p->hashed ? json_string(p->sha1) : json_null());
    if (p->has_wsus) {
        w = json_object();
        if (w == NULL)
            goto fail;
        bad |= set(w, "update_id", str_or_null(p->wsus.update_id));
        bad |= set(w, "classification", str_or_null(p->wsus.classification));
        bad |= set(w, "superseded_by", strv_to_json(p->wsus.superseded_by, p->wsus.n_superseded_by));
        bad |= set(w, "prerequisites", strv_to_json(p->wsus.prerequisites, p->wsus.n_prerequisites));
        bad |= json_object_set(o, "wsus", w);
    }
    if (bad)
        goto fail;
    json_decref(id);
    json_decref(w);
    return o;
fail:
    json_decref(o);
    json_decref(id);
    json_decref(w);
    return NULL;
}

json_t *ps_finding_to_json(const ps_finding *fd)
{
    json_t *o = json_object();
    int bad = 0;

    if (o == NULL)
        return NULL;
    bad |= set(o, "code", json_string(ps_finding_code_name(fd->code)));
    bad |= set(o, "severity", json_string(ps_severity_name(fd->severity)));
    if (fd->arch != PS_ARCH_NONE)
        bad |= set(o, "arch", json_string(ps_arch_name(fd->arch)));
    if (fd->os)
        bad |= set(o, "os", json_string(fd->os));
    if (fd->kb)
        bad |= set(o, "kb", json_string(fd->kb));
    if (fd->file)
        bad |= set(o, "file", json_string(fd->file));
    if (fd->member)
        bad |= set(o, "member", json_string(fd->member));
    if (fd->line)
        bad |= set(o, "line", json_integer(fd->line));
    bad |= set(o, "message", json_string(fd->message));
    if (fd->waived)
        bad |= set(o, "waived", json_true());
    if (bad) {
        json_decref(o);
        return NULL;
    }
    return o;
}

json_t *ps_findings_to_json(const ps_findings *f)
{
    json_t *a = json_array();

    if (a == NULL)
        return NULL;
    for (size_t i = 0; i < f->count; i++) {
        json_t *o = ps_finding_to_json(&f->items[i]);

        if (o == NULL || json_array_append_new(a, o) != 0) {
            json_decref(a);
            return NULL;
        }
    }
    return a;
}

static char *dump(json_t *root, size_t *len, size_t flags)
{
    char *s, *r = NULL;
    size_t n;

    if (root == NULL)
        return NULL;
    s = json_dumps(root, flags | JSON_PRESERVE_ORDER | JSON_ENSURE_ASCII);
    json_decref(root);
    if (s == NULL)
        return NULL;
    n = strlen(s);
    r = malloc(n + 2);
    if (r != NULL) {
        memcpy(r, s, n);
        r[n] = '\n';
        r[n + 1] = '\0';
        if (len)
            *len = n + 1;
    }
    free(s);
    return r;
}

char *ps_json_dump(json_t *root, size_t *len)
{
    return dump(root, len, JSON_INDENT(2));
}

/* One line, for a pipe or a file: a tenth of the bytes of the indented
 * form over a large bundle. */
char *ps_json_dump_compact(json_t *root, size_t *len)
{
    return dump(root, len, JSON_COMPACT);
}
