/*
 * lock.c - bundle locks: what CI approved (each package file's size and
 * SHA-256, the plan's digest), written as JSON and checked by
 * `validate --lock`.  See lock.h for the format.
 */
#include "lock.h"

#include "json.h"

#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <openssl/evp.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* ------------------------------------------------------------------ */
/* Canonical plan and its digest                                       */
/* ------------------------------------------------------------------ */

char *ps_lock_path(const char *display, const char *const *roots, size_t nroots)
{
    size_t best = 0, parent = 0;
    bool found = false;

    for (size_t i = 0; i < nroots; i++) {
        const char *r = roots[i];
        size_t rn = strlen(r), cut = 0;

        while (rn > 1 && r[rn - 1] == '/')
            rn--;
        if (rn == 0 || strncmp(display, r, rn) != 0 ||
            !(display[rn] == '\0' || display[rn] == '/' || r[rn - 1] == '/'))
            continue;
        if (found && rn <= best)
            continue;
        for (size_t k = 0; k < rn; k++)
            if (r[k] == '/')
                cut = k + 1;
        found = true;
        best = rn;
        parent = cut;
    }
    if (!found || display[parent] == '\0')
        return ps_strdup(display);
    return ps_strdup(display + parent);
}

static json_t *file_key(const char *display, const char *const *roots, size_t nroots)
{
    char *k;
    json_t *v;

    if (display == NULL)
        return json_null();
    if (roots == NULL)
        return json_string(display);
    k = ps_lock_path(display, roots, nroots);
    v = k ? json_string(k) : NULL;
    free(k);
    return v;
}

static json_t *arch_plan_canonical(const ps_arch_plan *ap, const char *const *roots, size_t nroots)
{
    json_t *o = json_object(), *steps = json_array(), *skipped = json_array();
    int bad = 0;

    if (o == NULL || steps == NULL || skipped == NULL)
        goto fail;
    bad |= ps_json_set(o, "os", ps_json_str(ap->os));
    bad |= ps_json_set(o, "arch", ps_json_str(ps_arch_name(ap->arch)));
    bad |= ps_json_set(o, "start_build", ps_json_str(ap->start_build));
    bad |= ps_json_set(o, "end_build", ps_json_str(ap->end_build));
    bad |= ps_json_set(o, "reboots", json_integer(ap->reboots));
    for (size_t i = 0; i < ap->n_steps && !bad; i++) {
        const ps_plan_step *st = &ap->steps[i];
        json_t *s = json_object();

        if (s == NULL || json_array_append_new(steps, s) != 0) {
            bad = 1;
            break;
        }
        if (st->action == PS_STEP_MANUAL) { /* the ESU activation: its year, never a key */
            bad |= ps_json_set(s, "action", json_string("manual"));
            bad |= ps_json_set(s, "esu_year", json_integer((json_int_t)st->esu_year));
            continue;
        }
        if (st->action == PS_STEP_REBOOT || st->node >= ap->n_nodes) {
            bad |= ps_json_set(s, "action", json_string("reboot"));
            continue;
        }
        bad |= ps_json_set(s, "action", json_string("install"));
        bad |= ps_json_set(s, "kb", ps_json_str(ap->nodes[st->node].kb));
        bad |= ps_json_set(s, "file", file_key(ap->nodes[st->node].pkg->file, roots, nroots));
    }
    for (size_t i = 0; i < ap->n_skipped && !bad; i++) {
        const ps_plan_node *n;
        json_t *s = json_object();

        if (ap->skipped[i] >= ap->n_nodes)
            continue;
        n = &ap->nodes[ap->skipped[i]];
        if (s == NULL || json_array_append_new(skipped, s) != 0) {
            bad = 1;
            break;
        }
        bad |= ps_json_set(s, "kb", ps_json_str(n->kb));
        bad |= ps_json_set(s, "file", file_key(n->pkg->file, roots, nroots));
        bad |= ps_json_set(s, "why", json_string(ps_node_state_name(n->state)));
    }
    bad |= json_object_set(o, "steps", steps);
    bad |= json_object_set(o, "skipped", skipped);
    json_decref(steps);
    json_decref(skipped);
    if (bad) {
        json_decref(o);
        return NULL;
    }
    return o;
fail:
    json_decref(o);
    json_decref(steps);
    json_decref(skipped);
    return NULL;
}

char *ps_plan_canonical_json(const ps_plan *plan, const char *const *roots, size_t nroots,
                             size_t *len)
{
    json_t *root = json_object(), *plans = json_array();
    char *s = NULL;

    if (root == NULL || plans == NULL)
        goto out;
    for (size_t i = 0; i < plan->count; i++) {
        json_t *p = arch_plan_canonical(&plan->plans[i], roots, nroots);

        if (p == NULL || json_array_append_new(plans, p) != 0)
            goto out;
    }
    if (json_object_set(root, "plans", plans) != 0)
        goto out;
    s = json_dumps(root, JSON_COMPACT | JSON_SORT_KEYS | JSON_ENSURE_ASCII);
    if (s && len)
        *len = strlen(s);
out:
    json_decref(root);
    json_decref(plans);
    return s;
}

static int sha256_hex(const void *data, size_t len, char out[65])
{
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int n = 0;

    if (!EVP_Digest(data, len, md, &n, EVP_sha256(), NULL) || n != 32)
        return -1;
    ps_hex(md, 32, out);
    return 0;
}

int ps_plan_digest(const ps_plan *plan, const char *const *roots, size_t nroots, char out[65])
{
    size_t len = 0;
    char *s = ps_plan_canonical_json(plan, roots, nroots, &len);
    int rc;

    if (s == NULL)
        return -1;
    rc = sha256_hex(s, len, out);
    free(s);
    return rc;
}


/* ------------------------------------------------------------------ */
/* Building, rendering, freeing                                        */
/* ------------------------------------------------------------------ */

static int cmp_files(const void *a, const void *b)
{
    return strcmp(((const ps_lock_file *)a)->path, ((const ps_lock_file *)b)->path);
}

static void lock_file_free(ps_lock_file *e)
{
    free(e->path);
    free(e->display);
}

/* Sorts by path and drops repeated paths (keeping the first).  Two entries
 * of one path with other contents (or, when both are known, other display
 * paths) are a conflict: with f, a lock-mismatch finding on the dropped
 * one; without, the function returns 1.  Returns 0, or -1 on OOM. */
static int sort_unique(ps_lock *l, ps_findings *f)
{
    size_t j = 0;
    int conflict = 0;

    if (l->count > 1)
        qsort(l->files, l->count, sizeof *l->files, cmp_files);
    for (size_t i = 0; i < l->count; i++) {
        ps_lock_file *prev = j > 0 ? &l->files[j - 1] : NULL, *cur = &l->files[i];

        if (prev && strcmp(prev->path, cur->path) == 0) {
            bool same_file = prev->display && cur->display &&
                             strcmp(prev->display, cur->display) == 0;

            if (!same_file && (prev->display || prev->size != cur->size ||
                               strcmp(prev->sha256, cur->sha256) != 0)) {
                conflict = 1;
                if (f && cur->display) {
                    ps_where w = {cur->display, NULL, 0, PS_ARCH_NONE, NULL, NULL};

                    if (ps_findings_add(f, PS_F_LOCK_MISMATCH, &w,
                                        "has the lock path %s, as %s has: not locked (give the "
                                        "PATH folders different names)", cur->path,
                                        prev->display) != 0)
                        conflict = -1;
                }
            }
            lock_file_free(cur);
            continue;
        }
        l->files[j++] = *cur;
    }
    l->count = j;
    return conflict < 0 ? -1 : (f ? 0 : conflict);
}

int ps_lock_build(ps_lock *l, const ps_bundle *b, const ps_plan *plan, const char *const *roots,
                  size_t nroots, ps_findings *f)
{
    memset(l, 0, sizeof *l);
    l->files = ps_calloc(b->count ? b->count : 1, sizeof *l->files);
    if (l->files == NULL)
        return -1;
    for (size_t i = 0; i < b->count; i++) {
        const ps_package *p = &b->items[i];
        ps_lock_file *e = &l->files[l->count];
        char msg[256];

        if (p->hashed) {
            memcpy(e->sha256, p->sha256, sizeof e->sha256);
            e->size = p->size;
        } else if (ps_file_digests(p->path, e->sha256, NULL, &e->size, msg, sizeof msg) != 0) {
            ps_where w = {p->file, NULL, 0, PS_ARCH_NONE, NULL, p->kb};

            if (ps_findings_add(f, PS_F_UNREADABLE_PACKAGE, &w, "%s; not in the lock", msg) != 0)
                goto oom;
            continue;
        }
        e->path = ps_lock_path(p->file, roots, nroots);
        e->display = ps_strdup(p->file);
        l->count++; /* owns what was set, even when a copy failed */
        if (e->path == NULL || e->display == NULL)
            goto oom;
    }
    if (sort_unique(l, f) != 0)
        goto oom;
    if (ps_plan_digest(plan, roots, nroots, l->plan_digest) != 0)
        goto oom;
    return 0;
oom:
    ps_lock_free(l);
    return -1;
}

char *ps_lock_render(const ps_lock *l, size_t *len)
{
    json_t *root = json_object(), *files = json_array();
    char *s = NULL, *r = NULL;
    int bad = 0;

    if (root == NULL || files == NULL)
        goto out;
    bad |= ps_json_set(root, "schema", json_string(PS_LOCK_SCHEMA));
    bad |= ps_json_set(root, "generator", json_string("patchseq " PS_VERSION_STRING));
    bad |= ps_json_set(root, "plan_digest", json_string(l->plan_digest));
    for (size_t i = 0; i < l->count && !bad; i++) {
        json_t *e = json_object();

        if (e == NULL || json_array_append_new(files, e) != 0) {
            bad = 1;
            break;
        }
        bad |= ps_json_set(e, "path", json_string(l->files[i].path));
        bad |= ps_json_set(e, "size", json_integer((json_int_t)l->files[i].size));
        bad |= ps_json_set(e, "sha256", json_string(l->files[i].sha256));
    }
    bad |= json_object_set(root, "files", files);
    if (bad)
        goto out;
    s = json_dumps(root, JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_ENSURE_ASCII);
    if (s == NULL)
        goto out;
    r = ps_asprintf("%s\n", s);
    if (r && len)
        *len = strlen(r);
out:
    free(s);
    json_decref(root);
    json_decref(files);
    return r;
}

void ps_lock_free(ps_lock *l)
{
    if (l == NULL)
        return;
    for (size_t i = 0; i < l->count; i++)
        lock_file_free(&l->files[i]);
    free(l->files);
    memset(l, 0, sizeof *l);
}

/* ------------------------------------------------------------------ */
/* Parsing                                                             */
/* ------------------------------------------------------------------ */

static bool is_hex64(const char *s)
{
    size_t i;

    for (i = 0; s[i]; i++)
        if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
            return false;
    return i == 64;
}

int ps_lock_parse(ps_lock *l, const void *data, size_t len, ps_err *err)
{
    json_error_t je;
    json_t *root, *v, *files, *it;
    const char *schema;
    size_t i;
    int rc = -1;

    memset(l, 0, sizeof *l);
    if (len > PS_LOCK_MAX_BYTES) {
        ps_err_fail(err, PS_E_LIMIT, 0, "larger than %u bytes", PS_LOCK_MAX_BYTES);
        return -1;
    }
    root = json_loadb(data, len, JSON_REJECT_DUPLICATES, &je);
    if (root == NULL) {
        ps_err_fail(err, PS_E_FORMAT, je.line > 0 ? (unsigned)je.line : 0,
                   "not a lock file: %s", je.text);
        return -1;
    }
    if (!json_is_object(root)) {
        ps_err_fail(err, PS_E_FORMAT, 0, "not a lock file: not a JSON object");
        goto out;
    }
    schema = json_string_value(json_object_get(root, "schema"));
    if (schema == NULL || strcmp(schema, PS_LOCK_SCHEMA) != 0) {
        ps_err_fail(err, PS_E_FORMAT, 0, "not a lock file: \"schema\" is not \"%s\"",
                   PS_LOCK_SCHEMA);
        goto out;
    }
    v = json_object_get(root, "plan_digest");
    if (!json_is_string(v) || !is_hex64(json_string_value(v))) {
        ps_err_fail(err, PS_E_FORMAT, 0,
                   "\"plan_digest\" is not 64 lower-case hex digits");
        goto out;
    }
    memcpy(l->plan_digest, json_string_value(v), 65);
    files = json_object_get(root, "files");
    if (!json_is_array(files)) {
        ps_err_fail(err, PS_E_FORMAT, 0, "\"files\" is not a list");
        goto out;
    }
    if (json_array_size(files) > PS_LOCK_MAX_FILES) {
        ps_err_fail(err, PS_E_LIMIT, 0, "more than %u files", PS_LOCK_MAX_FILES);
        goto out;
    }
    l->files = ps_calloc(json_array_size(files) ? json_array_size(files) : 1, sizeof *l->files);
    if (l->files == NULL) {
        ps_err_fail(err, PS_E_OOM, 0, "out of memory");
        goto out;
    }
    json_array_foreach(files, i, it) {
        json_t *path = json_object_get(it, "path"), *size = json_object_get(it, "size"),
               *sha = json_object_get(it, "sha256");
        ps_lock_file *e = &l->files[l->count];

        if (!json_is_string(path) || json_string_length(path) == 0 ||
            strlen(json_string_value(path)) != json_string_length(path)) {
            ps_err_fail(err, PS_E_FORMAT, 0, "files[%zu]: \"path\" is not a file path", i);
            goto out;
        }
        if (!json_is_integer(size) || json_integer_value(size) < 0) {
            ps_err_fail(err, PS_E_FORMAT, 0, "files[%zu]: \"size\" is not a byte count",
                       i);
            goto out;
        }
        if (!json_is_string(sha) || !is_hex64(json_string_value(sha))) {
            ps_err_fail(err, PS_E_FORMAT, 0,
                       "files[%zu]: \"sha256\" is not 64 lower-case hex digits", i);
            goto out;
        }
        e->path = ps_strdup(json_string_value(path));
        if (e->path == NULL) {
            ps_err_fail(err, PS_E_OOM, 0, "out of memory");
            goto out;
        }
        e->size = (uint64_t)json_integer_value(size);
        memcpy(e->sha256, json_string_value(sha), 65);
        l->count++;
    }
    if (sort_unique(l, NULL) != 0) {
        ps_err_fail(err, PS_E_FORMAT, 0,
                   "a path is listed twice with different contents");
        goto out;
    }
    rc = 0;
out:
    json_decref(root);
    if (rc != 0)
        ps_lock_free(l);
    return rc;
}

int ps_lock_load(ps_lock *l, const char *path, char *err, size_t errlen)
{
    char *data = NULL, why[256];
    size_t len = 0;
    ps_err e;
    int en = 0, rc = -1;

    memset(l, 0, sizeof *l);
    memset(&e, 0, sizeof e);
    switch (ps_read_file(path, PS_LOCK_MAX_BYTES, 0, &data, &len, why, sizeof why, &en)) {
    case PS_READ_OK:
        break;
    case PS_READ_OPEN:
        snprintf(err, errlen, "%s: %s", path, strerror(en));
        return -1;
    case PS_READ_NOT_REGULAR:
        snprintf(err, errlen, "%s: not a regular file", path);
        return -1;
    case PS_READ_IO:
        snprintf(err, errlen, "%s: read error: %s", path, strerror(en));
        return -1;
    case PS_READ_TOO_LARGE:
        snprintf(err, errlen, "%s: larger than %u bytes", path, PS_LOCK_MAX_BYTES);
        return -1;
    case PS_READ_OOM:
        snprintf(err, errlen, "%s: out of memory", path);
        return -1;
    }
    if (ps_lock_parse(l, data, len, &e) != 0) {
        ps_err_where(&e, path, err, errlen);
        goto out;
    }
    rc = 0;
out:
    free(data);
    return rc;
}

/* ------------------------------------------------------------------ */
/* Comparing                                                           */
/* ------------------------------------------------------------------ */

static const ps_lock_file *lookup(const ps_lock *l, const char *path)
{
    ps_lock_file key;

    key.path = (char *)path;
    if (l->count == 0)
        return NULL;
    return bsearch(&key, l->files, l->count, sizeof *l->files, cmp_files);
}

int ps_lock_compare(const ps_lock *locked, const ps_lock *now, const char *lockname,
                    ps_findings *f)
{
    int n = 0;

    for (size_t i = 0; i < now->count; i++) {
        const ps_lock_file *cur = &now->files[i], *old = lookup(locked, cur->path);
        ps_where w = {cur->display ? cur->display : cur->path, NULL, 0, PS_ARCH_NONE, NULL, NULL};

        if (old == NULL) {
            if (ps_findings_add(f, PS_F_LOCK_MISMATCH, &w,
                                "not in the lock file %s: added after the bundle was locked",
                                lockname) != 0)
                return -1;
            n++;
        } else if (strcmp(old->sha256, cur->sha256) != 0 || old->size != cur->size) {
            int r;

            if (old->size != cur->size)
                r = ps_findings_add(f, PS_F_HASH_MISMATCH, &w,
                                    "changed after the bundle was locked: SHA-256 %s and %llu "
                                    "bytes, the lock file %s records %s and %llu bytes",
                                    cur->sha256, (unsigned long long)cur->size, lockname,
                                    old->sha256, (unsigned long long)old->size);
            else
                r = ps_findings_add(f, PS_F_HASH_MISMATCH, &w,
                                    "changed after the bundle was locked: SHA-256 %s, the lock "
                                    "file %s records %s", cur->sha256, lockname, old->sha256);
            if (r != 0)
                return -1;
            n++;
        }
    }
    for (size_t i = 0; i < locked->count; i++) {
        const ps_lock_file *old = &locked->files[i];
        ps_where w = {old->path, NULL, 0, PS_ARCH_NONE, NULL, NULL};

        if (lookup(now, old->path) != NULL)
            continue;
        if (ps_findings_add(f, PS_F_LOCK_MISMATCH, &w,
                            "in the lock file %s but not in the bundle: missing", lockname) != 0)
            return -1;
        n++;
    }
    if (strcmp(locked->plan_digest, now->plan_digest) != 0) {
        ps_where w = {lockname, NULL, 0, PS_ARCH_NONE, NULL, NULL};

        if (ps_findings_add(f, PS_F_LOCK_MISMATCH, &w,
                            "the plan is not the one locked: plan digest %s, the lock file "
                            "records %s", now->plan_digest, locked->plan_digest) != 0)
            return -1;
        n++;
    }
    return n;
}
