/*
 * cache.c - metadata cache of package reads (see cache.h).
 *
 * The cache saves the cost of reading a package again when its file has
 * not changed: a lookup is one open and read of a small entry file, next
 * to the stat the folder walk has made anyway.  Entries are data from
 * disk like any other input: each is checked (header, checksum, schema,
 * version, key, the type and range of every field) before any of it is
 * used, and an entry that fails a check is a miss.
 */
#include "cache.h"
#include "facts.h"
#include "findings.h"
#include "json.h"

#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <limits.h>
#include <openssl/evp.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define ENTRY_MAGIC "patchseq-cache"
#define MAX_ENTRY_BYTES ((size_t)4 * 1024 * 1024)
#define MAX_FIELD_BYTES ((size_t)1024 * 1024)
#define RECENT_NS 100000000LL        /* a ctime this close to now is too recent */
#define RECENT_COARSE_NS 2000000000LL /* the same, on whole-second file systems */

struct ps_cache {
    char *dir;
    char *cwd;       /* for relative paths; NULL when unknown */
    char *config;    /* the reading options that change the result */
    int hash;        /* the reads hash: only hashed entries serve them */
    EVP_MD *sha256;  /* fetched once, shared by the threads */
};

/* ------------------------------------------------------------------ */
/* Folder                                                              */
/* ------------------------------------------------------------------ */

static int env_true(const char *name)
{
    const char *v = getenv(name);

    return v != NULL && strcmp(v, "1") == 0;
}

char *ps_cache_resolve_dir(const ps_read_opts *opts, int *oom)
{
    const char *v;
    char *dir = NULL;

    *oom = 0;
    if (opts->no_cache)
        return NULL;
    if (opts->cache_dir != NULL && opts->cache_dir[0] != '\0') {
        dir = ps_strdup(opts->cache_dir);
        goto out;
    }
    if (env_true("PATCHSEQ_NO_CACHE"))
        return NULL;
    v = getenv("PATCHSEQ_CACHE_DIR");
    if (v != NULL && v[0] != '\0') {
        dir = ps_strdup(v);
        goto out;
    }
    v = getenv("XDG_CACHE_HOME");
    if (v != NULL && v[0] == '/') {
        dir = ps_asprintf("%s/patchseq", v);
        goto out;
    }
    v = getenv("HOME");
    if (v != NULL && v[0] == '/') {
        dir = ps_asprintf("%s/.cache/patchseq", v);
        goto out;
    }
    return NULL;
out:
    if (dir == NULL)
        *oom = 1;
    return dir;
}

/* mkdir -p with mode 0700 for what is created. */
static int make_dirs(char *dir)
{
    struct stat st;

    if (stat(dir, &st) == 0)
        return S_ISDIR(st.st_mode) ? 0 : -1;
    for (char *s = dir + 1; *s; s++) {
        if (*s != '/')
            continue;
        *s = '\0';
        if (mkdir(dir, 0700) != 0 && errno != EEXIST) {
            *s = '/';
            return -1;
        }
        *s = '/';
    }
    if (mkdir(dir, 0700) != 0 && errno != EEXIST)
        return -1;
    return 0;
}

static char *config_of(const ps_read_opts *o)
{
    const ps_limits *l = &o->limits;

    return ps_asprintf("wsus=%d members=%zu depth=%u member_bytes=%zu xml_bytes=%zu ratio=%u "
                       "seconds=%u",
                       o->wsus != 0, l->max_members, l->max_depth, l->max_member_bytes,
                       l->max_xml_bytes, l->max_ratio, l->max_seconds);
}

ps_cache *ps_cache_open(const char *dir, const ps_read_opts *opts)
{
    ps_cache *c = NULL;
    struct stat st;
    char cwd[PATH_MAX];

    if (dir == NULL || dir[0] == '\0')
        return NULL;
    c = ps_calloc(1, sizeof *c);
    if (c == NULL)
        return NULL;
    c->dir = ps_strdup(dir);
    c->config = config_of(opts);
    c->hash = opts->hash != 0;
    c->sha256 = EVP_MD_fetch(NULL, "SHA256", NULL);
    if (c->dir == NULL || c->config == NULL || c->sha256 == NULL)
        goto fail;
    if (getcwd(cwd, sizeof cwd) != NULL && (c->cwd = ps_strdup(cwd)) == NULL)
        goto fail;
    if (make_dirs(c->dir) != 0)
        goto fail;
    /* Entries are trusted as far as the folder is: it must be the user's
     * own and writable by nobody else. */
    if (stat(c->dir, &st) != 0 || !S_ISDIR(st.st_mode) || st.st_uid != geteuid() ||
        (st.st_mode & (S_IWGRP | S_IWOTH)) != 0)
        goto fail;
    return c;
fail:
    ps_cache_close(c);
    return NULL;
}

void ps_cache_close(ps_cache *c)
{
    if (c == NULL)
        return;
    free(c->dir);
    free(c->cwd);
    free(c->config);
    EVP_MD_free(c->sha256);
    free(c);
}

/* ------------------------------------------------------------------ */
/* Keys                                                                */
/* ------------------------------------------------------------------ */

static int sha256_raw(const ps_cache *c, const void *data, size_t len, unsigned char md[32])
{
    unsigned n = 0;

    return EVP_Digest(data, len, md, &n, c->sha256, NULL) && n == 32 ? 0 : -1;
}

static int sha256_hex(const ps_cache *c, const void *data, size_t len, char out[65])
{
    unsigned char md[32];

    if (sha256_raw(c, data, len, md) < 0)
        return -1;
    ps_hex(md, 32, out);
    return 0;
}

static int put_u64(ps_buf *b, uint64_t v)
{
    unsigned char x[8];

    for (int i = 0; i < 8; i++)
        x[i] = (unsigned char)(v >> (8 * i));
    return ps_buf_append(b, x, sizeof x);
}

/* Text with its length first, so that no two different keys are the
 * same bytes. */
static int put_text(ps_buf *b, const char *s, size_t n)
{
    return put_u64(b, n) < 0 || ps_buf_append(b, s, n) < 0 ? -1 : 0;
}

/*
 * The entry file of a file (the SHA-256 of its absolute path, display
 * path and the reading options), and the digest of its state (that
 * name, device, inode, size, mtime and ctime), which the entry must
 * hold.  -1 on failure.
 */
static int keys(const ps_cache *c, const char *path, const char *display, const struct stat *st,
                char **entry, char state[65])
{
    ps_buf b = {0};
    unsigned char name[32];
    char hex[65];
    size_t n = strlen(path);
    int rc = -1;

    *entry = NULL;
    if (path[0] == '/') {
        if (put_text(&b, path, n) < 0)
            goto out;
    } else {
        size_t cn = c->cwd ? strlen(c->cwd) : 0;

        if (c->cwd == NULL || put_u64(&b, cn + 1 + n) < 0 || ps_buf_append(&b, c->cwd, cn) < 0 ||
            ps_buf_append(&b, "/", 1) < 0 || ps_buf_append(&b, path, n) < 0)
            goto out;
    }
    if (put_text(&b, display, strlen(display)) < 0 ||
        put_text(&b, c->config, strlen(c->config)) < 0 || sha256_raw(c, b.data, b.len, name) < 0)
        goto out;
    b.len = 0;
    if (ps_buf_append(&b, name, sizeof name) < 0 || put_u64(&b, (uint64_t)st->st_dev) < 0 ||
        put_u64(&b, (uint64_t)st->st_ino) < 0 || put_u64(&b, (uint64_t)st->st_size) < 0 ||
        put_u64(&b, (uint64_t)st->st_mtim.tv_sec) < 0 ||
        put_u64(&b, (uint64_t)st->st_mtim.tv_nsec) < 0 ||
        put_u64(&b, (uint64_t)st->st_ctim.tv_sec) < 0 ||
        put_u64(&b, (uint64_t)st->st_ctim.tv_nsec) < 0 || sha256_hex(c, b.data, b.len, state) < 0)
        goto out;
    ps_hex(name, sizeof name, hex);
    *entry = ps_asprintf("%s/%s.json", c->dir, hex);
    rc = *entry ? 0 : -1;
out:
    ps_buf_free(&b);
    return rc;
}

/* ------------------------------------------------------------------ */
/* Writing                                                             */
/* ------------------------------------------------------------------ */

/*
 * The package and its findings are stored as arrays, in a fixed order
 * (parsing arrays costs half of parsing objects, and a warm run is
 * mostly parsing):
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
 * Text fields are strings or null; the rest are integers.
 */
#define PACKAGE_FIELDS 25
#define FINDING_FIELDS 8

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

static json_t *package_json(const ps_package *p)
{
    json_t *a = json_array(), *id = json_array(), *w = json_array();
    int ok = a && id && w;

    ok &= ps_json_push(id, ps_json_str(p->identity.name)) == 0;
    ok &= ps_json_push(id, ps_json_str(p->identity.version)) == 0;
    ok &= ps_json_push(id, ps_json_str(p->identity.arch)) == 0;
    ok &= ps_json_push(id, ps_json_str(p->identity.language)) == 0;
    ok &= ps_json_push(id, ps_json_str(p->identity.public_key_token)) == 0;
    ok &= ps_json_push(w, ps_json_str(p->wsus.update_id)) == 0;
    ok &= ps_json_push(w, ps_json_str(p->wsus.classification)) == 0;
    ok &= ps_json_push(w, ps_json_strv(p->wsus.superseded_by, p->wsus.n_superseded_by)) == 0;
    ok &= ps_json_push(w, ps_json_strv(p->wsus.prerequisites, p->wsus.n_prerequisites)) == 0;
    ok &= ps_json_push(w, ps_json_str(p->wsus.revision_id)) == 0;
    ok &= ps_json_push(w, ps_json_str(p->wsus.title)) == 0;
    ok &= ps_json_push(a, json_integer(p->container)) == 0;
    ok &= ps_json_push(a, json_integer(p->readable)) == 0;
    ok &= ps_json_push(a, ps_json_str(p->kb)) == 0;
    ok &= ps_json_push(a, ps_json_str(ps_kb_source_name(p->kb_source))) == 0;
    ok &= ps_json_push(a, json_integer(p->revision)) == 0;
    ok &= ps_json_push(a, json_integer(p->arch)) == 0;
    ok &= ps_json_push(a, json_integer(p->name_arch)) == 0;
    ok &= ps_json_push(a, ps_json_str(p->os)) == 0;
    ok &= ps_json_push(a, ps_json_str(p->name_os)) == 0;
    ok &= ps_json_push(a, json_incref(id)) == 0;
    ok &= ps_json_push(a, ps_json_str(p->release_type)) == 0;
    ok &= ps_json_push(a, ps_json_str(p->restart)) == 0;
    ok &= ps_json_push(a, ps_json_str(p->build_date)) == 0;
    ok &= ps_json_push(a, ps_json_str(p->installer_version)) == 0;
    ok &= ps_json_push(a, ps_json_str(p->provides_stack)) == 0;
    ok &= ps_json_push(a, ps_json_str(p->kernel_version)) == 0;
    ok &= ps_json_push(a, json_integer(p->catalog_digests)) == 0;
    ok &= ps_json_push(a, json_integer(p->sha2_only)) == 0;
    ok &= ps_json_push(a, json_integer(p->has_wsus)) == 0;
    ok &= ps_json_push(a, json_incref(w)) == 0;
    ok &= ps_json_push(a, json_integer((json_int_t)p->size)) == 0;
    ok &= ps_json_push(a, json_integer(p->hashed)) == 0;
    ok &= ps_json_push(a, json_string(p->hashed ? p->sha256 : "")) == 0;
    ok &= ps_json_push(a, json_string(p->hashed ? p->sha1 : "")) == 0;
    ok &= ps_json_push(a, json_integer(p->deep_reads)) == 0;
    json_decref(id);
    json_decref(w);
    return ok_or_null(a, ok);
}

static json_t *findings_json(const ps_findings *f)
{
    json_t *a = json_array();
    int ok = a != NULL;

    for (size_t i = 0; ok && i < f->count; i++) {
        const ps_finding *x = &f->items[i];
        json_t *o = json_array();

        ok &= ps_json_push(o, json_string(ps_finding_code_name(x->code))) == 0;
        ok &= ps_json_push(o, json_integer(x->arch)) == 0;
        ok &= ps_json_push(o, ps_json_str(x->os)) == 0;
        ok &= ps_json_push(o, ps_json_str(x->kb)) == 0;
        ok &= ps_json_push(o, ps_json_str(x->file)) == 0;
        ok &= ps_json_push(o, ps_json_str(x->member)) == 0;
        ok &= ps_json_push(o, json_integer(x->line)) == 0;
        ok &= ps_json_push(o, json_string(x->message)) == 0;
        ok &= ps_json_push(a, ok_or_null(o, ok)) == 0;
    }
    return ok_or_null(a, ok);
}

static int same_file(const struct stat *a, const struct stat *b)
{
    return a->st_dev == b->st_dev && a->st_ino == b->st_ino && a->st_size == b->st_size &&
           a->st_mtim.tv_sec == b->st_mtim.tv_sec && a->st_mtim.tv_nsec == b->st_mtim.tv_nsec &&
           a->st_ctim.tv_sec == b->st_ctim.tv_sec && a->st_ctim.tv_nsec == b->st_ctim.tv_nsec;
}

/* A file changed so recently that a change now could leave its mtime and
 * ctime as they are (they move in clock ticks, or whole seconds). */
static int too_recent(const struct stat *st)
{
    struct timespec now;
    long long age;

    if (clock_gettime(CLOCK_REALTIME, &now) != 0)
        return 1;
    age = ((long long)now.tv_sec - (long long)st->st_ctim.tv_sec) * 1000000000LL +
          (now.tv_nsec - st->st_ctim.tv_nsec);
    return age < (st->st_ctim.tv_nsec == 0 ? RECENT_COARSE_NS : RECENT_NS);
}

/*
 * Writes an entry atomically: a temporary file in the cache folder, then
 * rename().  Unlike ps_write_atomic() there is no fsync(): an entry is not
 * precious, and one cut short by a crash fails its checksum and is read
 * again; an fsync per entry would double the cost of a first run.
 */
static int write_entry(const char *path, const char *data, size_t len)
{
    char *tmp = ps_asprintf("%s.tmp.XXXXXX", path);
    int fd = -1, rc = -1;
    size_t done = 0;

    if (tmp == NULL)
        return -1;
    fd = mkstemp(tmp);
    if (fd < 0) {
        free(tmp);
        return -1;
    }
    while (done < len) {
        ssize_t n = write(fd, data + done, len - done);

        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            goto out;
        done += (size_t)n;
    }
    rc = close(fd);
    fd = -1;
    if (rc == 0)
        rc = rename(tmp, path);
out:
    if (fd >= 0)
        close(fd);
    if (rc != 0)
        unlink(tmp);
    free(tmp);
    return rc;
}

int ps_cache_put(ps_cache *c, const char *path, const char *display, const struct stat *st,
                 int rc, ps_read_outcome outcome, const ps_package *p, const ps_findings *f)
{
    json_t *root = NULL;
    char *entry = NULL, *body = NULL, state[65], sum[65];
    ps_buf out = {0};
    struct stat now;
    int ok = 1, stored = 0;

    if (c == NULL || (rc != 0 && rc != 1) || outcome != PS_READ_OF_BYTES)
        return 0;
    if (stat(path, &now) != 0 || !same_file(st, &now) || too_recent(st))
        return 0;
    if (keys(c, path, display, st, &entry, state) < 0)
        goto out;
    root = json_object();
    if (root == NULL)
        goto out;
    ok &= ps_json_set(root, "schema", json_integer(PS_CACHE_SCHEMA)) == 0;
    ok &= ps_json_set(root, "version", json_string(PS_VERSION_STRING)) == 0;
    ok &= ps_json_set(root, "key", json_string(state)) == 0;
    ok &= ps_json_set(root, "rc", json_integer(rc)) == 0;
    ok &= ps_json_set(root, "package", rc == 0 ? package_json(p) : json_null()) == 0;
    ok &= ps_json_set(root, "findings", findings_json(f)) == 0;
    if (!ok)
        goto out;
    body = json_dumps(root, JSON_COMPACT | JSON_PRESERVE_ORDER);
    if (body == NULL || sha256_hex(c, body, strlen(body), sum) < 0)
        goto out;
    if (ps_buf_printf(&out, "%s %d %s\n%s", ENTRY_MAGIC, PS_CACHE_SCHEMA, sum, body) < 0 ||
        out.len > MAX_ENTRY_BYTES)
        goto out;
    stored = write_entry(entry, out.data, out.len) == 0;
out:
    json_decref(root);
    free(body);
    free(entry);
    ps_buf_free(&out);
    return stored;
}

/* ------------------------------------------------------------------ */
/* Reading                                                             */
/* ------------------------------------------------------------------ */

/* The entry file, at most MAX_ENTRY_BYTES; NULL when missing or larger. */
/* An entry file, whole; NULL when absent, empty, a link, too large or unreadable. */
static char *slurp(const char *path, size_t *len)
{
    char *data = NULL, why[128];

    if (ps_read_file(path, MAX_ENTRY_BYTES, PS_READ_NOFOLLOW, &data, len, why, sizeof why,
                     NULL) != PS_READ_OK)
        return NULL;
    if (*len == 0) {
        free(data);
        return NULL;
    }
    return data;
}

static int get_int(const json_t *o, const char *k, long long lo, long long hi, long long *v)
{
    const json_t *j = json_object_get(o, k);

    if (!json_is_integer(j))
        return -1;
    *v = json_integer_value(j);
    return *v >= lo && *v <= hi ? 0 : -1;
}

/* A cursor over an array of the entry: each read takes the next value and
 * sets `bad` when it is missing, of the wrong type or out of range (or
 * on allocation failure); the entry is then not used. */
struct cur {
    const json_t *a;
    size_t i;
    int bad;
};

static struct cur cur_of(const json_t *a, size_t n)
{
    struct cur c = {a, 0, !json_is_array(a) || json_array_size(a) != n};

    return c;
}

static const json_t *next(struct cur *c)
{
    const json_t *j = c->bad ? NULL : json_array_get(c->a, c->i++);

    if (j == NULL)
        c->bad = 1;
    return j;
}

static long long rd_int(struct cur *c, long long lo, long long hi)
{
    const json_t *j = next(c);
    long long v;

    if (!json_is_integer(j)) {
        c->bad = 1;
        return lo;
    }
    v = json_integer_value(j);
    if (v < lo || v > hi) {
        c->bad = 1;
        return lo;
    }
    return v;
}

/* A string (without NUL inside, at most MAX_FIELD_BYTES) or null. */
static int text_ok(const json_t *j)
{
    return json_is_string(j) && json_string_length(j) <= MAX_FIELD_BYTES &&
           strlen(json_string_value(j)) == json_string_length(j);
}

static char *rd_str(struct cur *c)
{
    const json_t *j = next(c);
    char *s;

    if (c->bad || json_is_null(j))
        return NULL;
    if (!text_ok(j)) {
        c->bad = 1;
        return NULL;
    }
    s = ps_strndup(json_string_value(j), json_string_length(j));
    if (s == NULL)
        c->bad = 1;
    return s;
}

static void rd_strv(struct cur *c, char ***v, size_t *n)
{
    const json_t *a = next(c), *x;
    size_t i;

    if (!json_is_array(a)) {
        c->bad = 1;
        return;
    }
    json_array_foreach(a, i, x) {
        if (!text_ok(x) || ps_strv_push(v, n, json_string_value(x)) < 0) {
            c->bad = 1;
            return;
        }
    }
}

static void rd_hex(struct cur *c, size_t n, char *dst)
{
    const json_t *j = next(c);
    const char *s;

    if (!json_is_string(j) || json_string_length(j) != n) {
        c->bad = 1;
        return;
    }
    s = json_string_value(j);
    for (size_t i = 0; i < n; i++) {
        if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f'))) {
            c->bad = 1;
            return;
        }
    }
    memcpy(dst, s, n);
    dst[n] = '\0';
}

/* Fills p from a; -1 when a is not a valid package (p then holds what was
 * read so far, for ps_package_free). */
/* An entry is read like a package: every fact against its grammar (a
 * value that fails makes the entry a miss, and the package is read again). */
static int fact_or_null(ps_fact_kind k, const char *v)
{
    return v == NULL || ps_fact_ok(k, v);
}

static int facts_ok(const ps_package *p)
{
    int ok = fact_or_null(PS_FACT_KB, p->kb) && fact_or_null(PS_FACT_VERSION, p->os) &&
             fact_or_null(PS_FACT_VERSION, p->name_os) &&
             fact_or_null(PS_FACT_NAME, p->identity.name) &&
             fact_or_null(PS_FACT_VERSION, p->identity.version) &&
             fact_or_null(PS_FACT_ARCH, p->identity.arch) &&
             fact_or_null(PS_FACT_LANGUAGE, p->identity.language) &&
             fact_or_null(PS_FACT_TOKEN, p->identity.public_key_token) &&
             fact_or_null(PS_FACT_LABEL, p->release_type) &&
             fact_or_null(PS_FACT_LABEL, p->restart) &&
             fact_or_null(PS_FACT_DATE, p->build_date) &&
             fact_or_null(PS_FACT_VERSION, p->installer_version) &&
             fact_or_null(PS_FACT_VERSION, p->provides_stack) &&
             fact_or_null(PS_FACT_VERSION, p->kernel_version) &&
             fact_or_null(PS_FACT_GUID, p->wsus.update_id) &&
             fact_or_null(PS_FACT_GUID, p->wsus.classification) &&
             fact_or_null(PS_FACT_DECIMAL, p->wsus.revision_id) &&
             fact_or_null(PS_FACT_TITLE, p->wsus.title);

    for (size_t i = 0; ok && i < p->wsus.n_superseded_by; i++)
        ok = ps_fact_ok(PS_FACT_DECIMAL, p->wsus.superseded_by[i]);
    for (size_t i = 0; ok && i < p->wsus.n_prerequisites; i++)
        ok = ps_fact_ok(PS_FACT_GUID, p->wsus.prerequisites[i]);
    return ok;
}

static int package_from_json(ps_package *p, const json_t *a, const struct stat *st, int hash)
{
    struct cur c = cur_of(a, PACKAGE_FIELDS), id, w;
    char *src;
    int hashed;

    p->container = (ps_container)rd_int(&c, PS_CONTAINER_MSU, PS_CONTAINER_CAB);
    p->readable = (int)rd_int(&c, 0, 1);
    p->kb = rd_str(&c);
    src = rd_str(&c);
    for (int i = PS_KB_SOURCE_NONE + 1; src != NULL && i < PS_KB_SOURCE__COUNT; i++) {
        if (strcmp(src, ps_kb_source_name((ps_kb_source)i)) == 0)
            p->kb_source = (ps_kb_source)i;
    }
    if (src != NULL && p->kb_source == PS_KB_SOURCE_NONE)
        c.bad = 1;
    free(src);
    p->revision = (unsigned)rd_int(&c, 0, UINT_MAX);
    p->arch = (ps_arch)rd_int(&c, 0, PS_ARCH__COUNT - 1);
    p->name_arch = (ps_arch)rd_int(&c, 0, PS_ARCH__COUNT - 1);
    p->os = rd_str(&c);
    p->name_os = rd_str(&c);
    id = cur_of(next(&c), 5);
    p->identity.name = rd_str(&id);
    p->identity.version = rd_str(&id);
    p->identity.arch = rd_str(&id);
    p->identity.language = rd_str(&id);
    p->identity.public_key_token = rd_str(&id);
    p->release_type = rd_str(&c);
    p->restart = rd_str(&c);
    p->build_date = rd_str(&c);
    p->installer_version = rd_str(&c);
    p->provides_stack = rd_str(&c);
    p->kernel_version = rd_str(&c);
    p->catalog_digests = (unsigned)rd_int(&c, 0, 31);
    p->sha2_only = (int)rd_int(&c, -1, 1);
    p->has_wsus = (int)rd_int(&c, 0, 1);
    w = cur_of(next(&c), 6);
    p->wsus.update_id = rd_str(&w);
    p->wsus.classification = rd_str(&w);
    rd_strv(&w, &p->wsus.superseded_by, &p->wsus.n_superseded_by);
    rd_strv(&w, &p->wsus.prerequisites, &p->wsus.n_prerequisites);
    p->wsus.revision_id = rd_str(&w);
    p->wsus.title = rd_str(&w);
    p->size = (uint64_t)rd_int(&c, 0, LLONG_MAX);
    hashed = (int)rd_int(&c, 0, 1);
    if (hashed) {
        rd_hex(&c, 64, p->sha256);
        rd_hex(&c, 40, p->sha1);
    } else {
        next(&c);
        next(&c);
    }
    p->deep_reads = (unsigned)rd_int(&c, 0, UINT_MAX);
    if (c.bad || id.bad || w.bad || p->size != (uint64_t)st->st_size || !facts_ok(p))
        return -1;
    if (hash && !hashed)
        return -1; /* a read that hashes needs the hashes */
    p->hashed = hash;
    if (!hash) {
        memset(p->sha256, 0, sizeof p->sha256);
        memset(p->sha1, 0, sizeof p->sha1);
    }
    return 0;
}

static int code_of(const char *name, ps_finding_code *code)
{
    for (int i = 0; i < PS_F__COUNT; i++) {
        if (strcmp(ps_finding_code_name((ps_finding_code)i), name) == 0) {
            *code = (ps_finding_code)i;
            return 0;
        }
    }
    return -1;
}

static int findings_from_json(ps_findings *dst, const json_t *a)
{
    size_t i;
    json_t *x;

    if (!json_is_array(a))
        return -1;
    json_array_foreach(a, i, x) {
        struct cur c = cur_of(x, FINDING_FIELDS);
        char *code = rd_str(&c), *os, *kb, *file, *member, *msg;
        ps_finding_code fc = PS_F_UNREADABLE_PACKAGE;
        ps_arch arch;
        unsigned line;
        int bad;

        if (code == NULL || code_of(code, &fc) < 0)
            c.bad = 1;
        arch = (ps_arch)rd_int(&c, 0, PS_ARCH__COUNT - 1);
        os = rd_str(&c);
        kb = rd_str(&c);
        file = rd_str(&c);
        member = rd_str(&c);
        line = (unsigned)rd_int(&c, 0, UINT_MAX);
        msg = rd_str(&c);
        bad = c.bad || msg == NULL;
        if (!bad) {
            ps_where w = {file, member, line, arch, os, kb};

            bad = ps_findings_add(dst, fc, &w, "%s", msg) < 0;
        }
        free(code);
        free(os);
        free(kb);
        free(file);
        free(member);
        free(msg);
        if (bad)
            return -1;
    }
    return 0;
}

/* Checks the header line and the checksum; returns the JSON text. */
static const char *checked_body(const ps_cache *c, const char *data, size_t len)
{
    static const char head[] = ENTRY_MAGIC " ";
    char want[65], sum[65];
    const char *nl = memchr(data, '\n', len);
    size_t hlen = sizeof head - 1;
    int n;

    if (nl == NULL || strncmp(data, head, hlen) != 0)
        return NULL;
    /* "<schema> <64 hex>" */
    n = snprintf(want, sizeof want, "%d ", PS_CACHE_SCHEMA);
    if (n < 0 || (size_t)(nl - data) != hlen + (size_t)n + 64 ||
        strncmp(data + hlen, want, (size_t)n) != 0)
        return NULL;
    if (sha256_hex(c, nl + 1, len - (size_t)(nl + 1 - data), sum) < 0 ||
        memcmp(sum, data + hlen + (size_t)n, 64) != 0)
        return NULL;
    return nl + 1;
}

/* Removes the last finding of f (the ones appended by a failed lookup). */
int ps_cache_get(ps_cache *c, const char *path, const char *display, const struct stat *st,
                 ps_package *p, ps_findings *f, int *rc)
{
    char *entry = NULL, *data = NULL, state[65];
    const char *body;
    size_t len = 0;
    json_t *root = NULL;
    json_error_t jerr;
    long long v, r = 0;
    const json_t *j;
    ps_package pkg;
    ps_findings got = {NULL, 0, 0};
    int hit = 0;

    memset(&pkg, 0, sizeof pkg);
    if (c == NULL || keys(c, path, display, st, &entry, state) < 0)
        goto out;
    data = slurp(entry, &len);
    if (data == NULL || (body = checked_body(c, data, len)) == NULL)
        goto out;
    root = json_loadb(body, len - (size_t)(body - data), JSON_REJECT_DUPLICATES, &jerr);
    if (!json_is_object(root) || get_int(root, "schema", PS_CACHE_SCHEMA, PS_CACHE_SCHEMA, &v) < 0)
        goto out;
    j = json_object_get(root, "version");
    if (!json_is_string(j) || strcmp(json_string_value(j), PS_VERSION_STRING) != 0)
        goto out;
    j = json_object_get(root, "key");
    if (!json_is_string(j) || strcmp(json_string_value(j), state) != 0)
        goto out;
    if (get_int(root, "rc", 0, 1, &r) < 0)
        goto out;
    if (r == 0) {
        if (package_from_json(&pkg, json_object_get(root, "package"), st, c->hash) < 0)
            goto out;
        pkg.file = ps_strdup(display);
        pkg.path = ps_strdup(path);
        if (pkg.file == NULL || pkg.path == NULL)
            goto out;
    } else if (!json_is_null(json_object_get(root, "package"))) {
        goto out;
    }
    if (findings_from_json(&got, json_object_get(root, "findings")) < 0)
        goto out;
    if (ps_findings_append(f, &got) < 0)
        goto out;
    *p = pkg;
    memset(&pkg, 0, sizeof pkg);
    *rc = (int)r;
    hit = 1;
out:
    ps_package_free(&pkg);
    ps_findings_free(&got);
    json_decref(root);
    free(data);
    free(entry);
    return hit;
}
