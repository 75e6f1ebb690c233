/*
 * cache.c - metadata cache of package reads (see cache.h).
 *
 * The cache saves the cost of reading a package again when its file has
 * not changed: a lookup is one open and read of a small entry file, next
 * to the stat the folder walk has made anyway.  Entries are data from
 * disk like any other input: each is checked (header, checksum, schema,
 * version, key, the type and range of every field) before any of it is
 * used, and an entry that fails a check is a miss.
 *
 * This file holds the folder, the key and the entry file; the package and
 * its findings are coded to and from JSON in cache_codec.c.
 */
#include "cache.h"
#include "cache_int.h"
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
    ok &= ps_json_set(root, "package", rc == 0 ? ps_cache_package_json(p) : json_null()) == 0;
    ok &= ps_json_set(root, "findings", ps_cache_findings_json(f)) == 0;
    if (!ok)
        goto out;
    body = json_dumps(root, JSON_COMPACT | JSON_PRESERVE_ORDER);
    if (body == NULL || sha256_hex(c, body, strlen(body), sum) < 0)
        goto out;
    if (ps_buf_printf(&out, "%s %d %s\n%s", ENTRY_MAGIC, PS_CACHE_SCHEMA, sum, body) < 0 ||
        out.len > MAX_ENTRY_BYTES)
        goto out;
    /* no fsync(): an entry is not precious, and one cut short by a crash
     * fails its checksum and is read again; an fsync per entry would double
     * the cost of a first run */
    stored = ps_write_atomic_nosync(entry, out.data, out.len, NULL, 0) == 0;
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
        if (ps_cache_package_from_json(&pkg, json_object_get(root, "package"), (uint64_t)st->st_size, c->hash) < 0)
            goto out;
        pkg.file = ps_strdup(display);
        pkg.path = ps_strdup(path);
        if (pkg.file == NULL || pkg.path == NULL)
            goto out;
    } else if (!json_is_null(json_object_get(root, "package"))) {
        goto out;
    }
    if (ps_cache_findings_from_json(&got, json_object_get(root, "findings")) < 0)
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
