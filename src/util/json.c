/*
 * json.c - JSON renderings of packages and findings (jansson).
 */
#include "json.h"

#include <stdlib.h>
#include <string.h>

json_t *ps_json_str(const char *s)
{
    return s ? json_string(s) : json_null();
}

int ps_json_set(json_t *o, const char *key, json_t *v)
{
    if (o == NULL || v == NULL) {
        json_decref(v);
        return -1;
    }
    return json_object_set_new(o, key, v) != 0 ? -1 : 0;
}

int ps_json_push(json_t *a, json_t *v)
{
    if (a == NULL || v == NULL) {
        json_decref(v);
        return -1;
    }
    return json_array_append_new(a, v) != 0 ? -1 : 0;
}

json_t *ps_json_strv(char *const *v, size_t n)
{
    json_t *a = json_array();

    for (size_t i = 0; a != NULL && i < n; i++)
        if (ps_json_push(a, json_string(v[i])) != 0) {
            json_decref(a);
            return NULL;
        }
    return a;
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

json_t *ps_package_to_json(const ps_package *p, int with_hash)
{
    json_t *o = json_object(), *id = json_object(), *w = NULL;
    int bad = 0;

    if (o == NULL || id == NULL)
        goto fail;
    bad |= ps_json_set(o, "file", json_string(p->file));
    bad |= ps_json_set(o, "container", json_string(ps_container_name(p->container)));
    bad |= ps_json_set(o, "kb", ps_json_str(p->kb));
    bad |= ps_json_set(o, "arch", ps_json_str(ps_arch_name(p->arch)));
    bad |= ps_json_set(o, "os", ps_json_str(p->os));
    bad |= ps_json_set(id, "name", ps_json_str(p->identity.name));
    bad |= ps_json_set(id, "version", ps_json_str(p->identity.version));
    bad |= ps_json_set(id, "arch", ps_json_str(p->identity.arch));
    bad |= ps_json_set(id, "language", ps_json_str(p->identity.language));
    bad |= ps_json_set(id, "public_key_token", ps_json_str(p->identity.public_key_token));
    bad |= json_object_set(o, "identity", id);
    bad |= ps_json_set(o, "release_type", ps_json_str(p->release_type));
    bad |= ps_json_set(o, "restart", ps_json_str(p->restart));
    bad |= ps_json_set(o, "build_date", ps_json_str(p->build_date));
    bad |= ps_json_set(o, "installer_version", ps_json_str(p->installer_version));
    bad |= ps_json_set(o, "provides_stack", ps_json_str(p->provides_stack));
    bad |= ps_json_set(o, "kernel_version", ps_json_str(p->kernel_version));
    bad |= ps_json_set(o, "catalog_digests", digests_to_json(p->catalog_digests));
    bad |= ps_json_set(o, "sha2_only", p->sha2_only < 0 ? json_null() : json_boolean(p->sha2_only));
    bad |= ps_json_set(o, "size", json_integer((json_int_t)p->size));
    if (with_hash)
        bad |= ps_json_set(o, "sha256", p->hashed ? json_string(p->sha256) : json_null());
    /* additions beyond the §4 keys */
    bad |= ps_json_set(o, "readable", json_boolean(p->readable));
    bad |= ps_json_set(o, "revision", p->revision ? json_integer(p->revision) : json_null());
    bad |= ps_json_set(o, "kb_source", ps_json_str(ps_kb_source_name(p->kb_source)));
    bad |= ps_json_set(o, "name_arch", ps_json_str(ps_arch_name(p->name_arch)));
    if (with_hash)
        bad |= ps_json_set(o, "sha1", p->hashed ? json_string(p->sha1) : json_null());
    if (p->has_wsus) {
        w = json_object();
        if (w == NULL)
            goto fail;
        bad |= ps_json_set(w, "update_id", ps_json_str(p->wsus.update_id));
        bad |= ps_json_set(w, "classification", ps_json_str(p->wsus.classification));
        bad |= ps_json_set(w, "superseded_by", ps_json_strv(p->wsus.superseded_by, p->wsus.n_superseded_by));
        bad |= ps_json_set(w, "prerequisites", ps_json_strv(p->wsus.prerequisites, p->wsus.n_prerequisites));
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
    bad |= ps_json_set(o, "code", json_string(ps_finding_code_name(fd->code)));
    bad |= ps_json_set(o, "severity", json_string(ps_severity_name(fd->severity)));
    if (fd->arch != PS_ARCH_NONE)
        bad |= ps_json_set(o, "arch", json_string(ps_arch_name(fd->arch)));
    if (fd->os)
        bad |= ps_json_set(o, "os", json_string(fd->os));
    if (fd->kb)
        bad |= ps_json_set(o, "kb", json_string(fd->kb));
    if (fd->file)
        bad |= ps_json_set(o, "file", json_string(fd->file));
    if (fd->member)
        bad |= ps_json_set(o, "member", json_string(fd->member));
    if (fd->line)
        bad |= ps_json_set(o, "line", json_integer(fd->line));
    bad |= ps_json_set(o, "message", json_string(fd->message));
    if (fd->waived)
        bad |= ps_json_set(o, "waived", json_true());
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
    r = ps_malloc(n + 2);
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
