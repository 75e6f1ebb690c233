/*
 * test_cache.c - the metadata cache of ps_bundle_read (cache.h), the
 * reading threads, the progress reports and the progress bar
 * (progress.h).
 *
 * Fixtures are built at test time by mkfixtures.py into PS_CACHE_FIXTURES:
 * bundle/ holds six packages (one with a damaged update.mum, one without
 * update.mum) and a foreign file; other/ one more package.  Each test
 * copies bundle/ into a fresh temporary folder, so that it can change the
 * files, and uses a cache folder of its own.
 */
#define _XOPEN_SOURCE 700 /* nftw, posix_openpt */

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "cache.h"
#include "progress.h"
#include "testlib.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <ftw.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define FX PS_CACHE_FIXTURES
#define NFILES 7        /* six packages and readme.txt */
#define NPACKAGES 6     /* readme.txt is not one */
#define NCACHED 7       /* every file, readme.txt too (its finding is cached) */
#define MSU_X64 "Windows6.0-KB4474419-v4-x64.msu"

struct fx {
    char root[256];
    char bundle[300];
    char cache[300];
};

struct run {
    ps_bundle b;
    ps_findings f;
    size_t calls;
    ps_progress last;
};

/* ------------------------------------------------------------------ */
/* Helpers                                                             */
/* ------------------------------------------------------------------ */

static void spit_file(const char *path, const void *data, size_t len)
{
    FILE *fp = fopen(path, "wb");

    assert_non_null(fp);
    assert_int_equal(fwrite(data, 1, len, fp), len);
    assert_int_equal(fclose(fp), 0);
}

static void copy_file(const char *from, const char *to)
{
    size_t len;
    char *data = ps_test_read_file(from, &len);

    spit_file(to, data, len);
    free(data);
}

/* File changes must lie further back than the cache's 100 ms for the
 * cache to store their reads. */
static void age(void)
{
    usleep(150 * 1000);
}

static int rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st;
    (void)flag;
    (void)ftw;
    return remove(path);
}

static int setup(void **state)
{
    struct fx *fx = calloc(1, sizeof *fx);
    const char *tmp = getenv("TMPDIR");
    DIR *d;
    struct dirent *de;

    assert_non_null(fx);
    snprintf(fx->root, sizeof fx->root, "%s/ps-cache-test.XXXXXX", tmp && *tmp ? tmp : "/tmp");
    assert_non_null(mkdtemp(fx->root));
    snprintf(fx->bundle, sizeof fx->bundle, "%s/bundle", fx->root);
    snprintf(fx->cache, sizeof fx->cache, "%s/cache", fx->root);
    assert_int_equal(mkdir(fx->bundle, 0755), 0);
    d = opendir(FX "/bundle");
    assert_non_null(d);
    while ((de = readdir(d)) != NULL) {
        char from[1024], to[1024];

        if (de->d_name[0] == '.')
            continue;
        snprintf(from, sizeof from, "%s/bundle/%s", FX, de->d_name);
        snprintf(to, sizeof to, "%s/%s", fx->bundle, de->d_name);
        copy_file(from, to);
    }
    closedir(d);
    age();
    *state = fx;
    return 0;
}

static int teardown(void **state)
{
    struct fx *fx = *state;

    nftw(fx->root, rm_one, 16, FTW_DEPTH | FTW_PHYS);
    free(fx);
    return 0;
}

static void on_progress(void *user, const ps_progress *pr)
{
    struct run *r = user;

    r->calls++;
    r->last = *pr;
}

/* Reads the bundle: cache NULL = the default resolution (environment). */
static void read_run(struct run *r, const char *bundle, const char *cache, int no_cache, int hash)
{
    ps_read_opts o;
    const char *paths[] = {bundle};
    char err[256];

    memset(r, 0, sizeof *r);
    memset(&o, 0, sizeof o);
    ps_read_opts_default(&o);
    o.hash = hash;
    o.cache_dir = cache;
    o.no_cache = no_cache;
    o.progress = on_progress;
    o.progress_user = r;
    assert_int_equal(ps_bundle_read(&r->b, paths, 1, &o, &r->f, err, sizeof err), 0);
    assert_int_equal(r->calls, NFILES + 1);
    assert_int_equal(r->last.files_done, NFILES);
    assert_int_equal(r->last.files_total, NFILES);
    assert_int_equal(r->last.hashing, hash);
}

static void run_free(struct run *r)
{
    ps_bundle_free(&r->b);
    ps_findings_free(&r->f);
}

static void assert_str_same(const char *a, const char *b)
{
    if (a == NULL || b == NULL)
        assert_ptr_equal(a, b);
    else
        assert_string_equal(a, b);
}

static void assert_strv_same(char *const *a, size_t na, char *const *b, size_t nb)
{
    assert_int_equal(na, nb);
    for (size_t i = 0; i < na; i++)
        assert_string_equal(a[i], b[i]);
}

/* Every field of every package and finding is the same. */
static void assert_runs_same(const struct run *x, const struct run *y)
{
    assert_int_equal(x->b.count, y->b.count);
    for (size_t i = 0; i < x->b.count; i++) {
        const ps_package *a = &x->b.items[i], *b = &y->b.items[i];

        assert_string_equal(a->file, b->file);
        assert_string_equal(a->path, b->path);
        assert_int_equal(a->container, b->container);
        assert_int_equal(a->readable, b->readable);
        assert_str_same(a->kb, b->kb);
        assert_int_equal(a->kb_source, b->kb_source);
        assert_int_equal(a->revision, b->revision);
        assert_int_equal(a->arch, b->arch);
        assert_int_equal(a->name_arch, b->name_arch);
        assert_str_same(a->os, b->os);
        assert_str_same(a->name_os, b->name_os);
        assert_str_same(a->identity.name, b->identity.name);
        assert_str_same(a->identity.version, b->identity.version);
        assert_str_same(a->identity.arch, b->identity.arch);
        assert_str_same(a->identity.language, b->identity.language);
        assert_str_same(a->identity.public_key_token, b->identity.public_key_token);
        assert_str_same(a->release_type, b->release_type);
        assert_str_same(a->restart, b->restart);
        assert_str_same(a->build_date, b->build_date);
        assert_str_same(a->installer_version, b->installer_version);
        assert_str_same(a->provides_stack, b->provides_stack);
        assert_str_same(a->kernel_version, b->kernel_version);
        assert_int_equal(a->catalog_digests, b->catalog_digests);
        assert_int_equal(a->sha2_only, b->sha2_only);
        assert_int_equal(a->has_wsus, b->has_wsus);
        assert_str_same(a->wsus.update_id, b->wsus.update_id);
        assert_str_same(a->wsus.classification, b->wsus.classification);
        assert_strv_same(a->wsus.superseded_by, a->wsus.n_superseded_by, b->wsus.superseded_by,
                         b->wsus.n_superseded_by);
        assert_strv_same(a->wsus.prerequisites, a->wsus.n_prerequisites, b->wsus.prerequisites,
                         b->wsus.n_prerequisites);
        assert_int_equal(a->size, b->size);
        assert_int_equal(a->hashed, b->hashed);
        assert_string_equal(a->sha256, b->sha256);
        assert_string_equal(a->sha1, b->sha1);
    }
    assert_int_equal(x->f.count, y->f.count);
    for (size_t i = 0; i < x->f.count; i++) {
        const ps_finding *a = &x->f.items[i], *b = &y->f.items[i];

        assert_int_equal(a->code, b->code);
        assert_int_equal(a->severity, b->severity);
        assert_int_equal(a->arch, b->arch);
        assert_str_same(a->os, b->os);
        assert_str_same(a->kb, b->kb);
        assert_str_same(a->file, b->file);
        assert_str_same(a->member, b->member);
        assert_int_equal(a->line, b->line);
        assert_string_equal(a->message, b->message);
    }
}

/* Entry files in the cache folder (*.json); -1 when there is no folder. */
static int count_entries(const char *dir)
{
    DIR *d = opendir(dir);
    struct dirent *de;
    int n = 0;

    if (d == NULL)
        return -1;
    while ((de = readdir(d)) != NULL) {
        if (ps_has_suffix_ci(de->d_name, ".json"))
            n++;
    }
    closedir(d);
    return n;
}

/* The paths of the entry files, sorted; returns the count. */
static size_t entry_paths(const char *dir, char paths[][512], size_t max)
{
    DIR *d = opendir(dir);
    struct dirent *de;
    size_t n = 0;

    assert_non_null(d);
    while ((de = readdir(d)) != NULL) {
        if (ps_has_suffix_ci(de->d_name, ".json") && n < max)
            snprintf(paths[n++], 512, "%s/%s", dir, de->d_name);
    }
    closedir(d);
    qsort(paths, n, 512, (int (*)(const void *, const void *))strcmp);
    return n;
}

static const ps_package *find_pkg(const struct run *r, const char *base)
{
    for (size_t i = 0; i < r->b.count; i++) {
        if (strcmp(ps_basename(r->b.items[i].file), base) == 0)
            return &r->b.items[i];
    }
    fail_msg("no package %s", base);
    return NULL;
}

/* ------------------------------------------------------------------ */
/* Hits and misses                                                     */
/* ------------------------------------------------------------------ */

static void test_hit_same_output(void **state)
{
    struct fx *fx = *state;
    struct run ref, cold, warm;

    read_run(&ref, fx->bundle, NULL, 1, 0);
    assert_int_equal(ref.b.count, NPACKAGES);
    assert_int_equal(ref.last.cache_hits, 0);
    read_run(&cold, fx->bundle, fx->cache, 0, 0);
    assert_int_equal(cold.last.cache_hits, 0);
    assert_int_equal(count_entries(fx->cache), NCACHED);
    read_run(&warm, fx->bundle, fx->cache, 0, 0);
    assert_int_equal(warm.last.cache_hits, NCACHED);
    assert_runs_same(&ref, &cold);
    assert_runs_same(&ref, &warm);
    /* the entries are what was read: the fixture values come back */
    {
        const ps_package *p = find_pkg(&warm, MSU_X64);

        assert_string_equal(p->kb, "KB4474419");
        assert_string_equal(ps_kb_source_name(p->kb_source), "update.mum");
        assert_int_equal(p->revision, 4);
        assert_int_equal(p->arch, PS_ARCH_X64);
        assert_string_equal(p->installer_version, "6.0.6003.20484");
        assert_string_equal(p->build_date, "2019-09-23");
        assert_int_equal(p->hashed, 0);
        assert_string_equal(p->sha256, "");
    }
    run_free(&ref);
    run_free(&cold);
    run_free(&warm);
}

/* A file read moments after it changed is not stored: a change within
 * the same clock tick would leave its mtime and ctime as they were. */
static void test_recent_not_stored(void **state)
{
    struct fx *fx = *state;
    struct run r;
    char path[512];

    snprintf(path, sizeof path, "%s/%s", fx->bundle, MSU_X64);
    copy_file(FX "/bundle/" MSU_X64, path);
    read_run(&r, fx->bundle, fx->cache, 0, 0);
    assert_int_equal(count_entries(fx->cache), NCACHED - 1);
    run_free(&r);
    age();
    read_run(&r, fx->bundle, fx->cache, 0, 0);
    assert_int_equal(r.last.cache_hits, NCACHED - 1);
    assert_int_equal(count_entries(fx->cache), NCACHED);
    run_free(&r);
}

/* Changes the x64 package with `change`, then reads: one miss, and the
 * result is that of the changed file. */
static void check_one_miss(struct fx *fx, void (*change)(const char *path))
{
    struct run warm, after, ref;
    char path[512];

    read_run(&warm, fx->bundle, fx->cache, 0, 0);
    run_free(&warm);
    snprintf(path, sizeof path, "%s/%s", fx->bundle, MSU_X64);
    change(path);
    read_run(&after, fx->bundle, fx->cache, 0, 0);
    assert_int_equal(after.last.cache_hits, NCACHED - 1);
    read_run(&ref, fx->bundle, NULL, 1, 0);
    assert_runs_same(&ref, &after);
    run_free(&after);
    run_free(&ref);
    /* the new read replaces the entry, once the change is old enough */
    age();
    read_run(&after, fx->bundle, fx->cache, 0, 0);
    run_free(&after);
    read_run(&after, fx->bundle, fx->cache, 0, 0);
    assert_int_equal(after.last.cache_hits, NCACHED);
    assert_int_equal(count_entries(fx->cache), NCACHED);
    run_free(&after);
}

/* Another package's bytes under the same name: size and content change. */
static void change_size(const char *path)
{
    copy_file(FX "/other/Windows6.0-KB4500001-x64.msu", path);
}

static void test_miss_on_size(void **state)
{
    struct fx *fx = *state;
    struct run r;

    check_one_miss(fx, change_size);
    read_run(&r, fx->bundle, fx->cache, 0, 0);
    /* the identity of the new content, not the cached one */
    assert_string_equal(find_pkg(&r, MSU_X64)->identity.name, "Package_for_KB4500001");
    run_free(&r);
}

static void change_mtime(const char *path)
{
    struct timespec ts[2] = {{0, UTIME_OMIT}, {1500000000, 123456789}};

    assert_int_equal(utimensat(AT_FDCWD, path, ts, 0), 0);
}

static void test_miss_on_mtime(void **state)
{
    check_one_miss(*state, change_mtime);
}

/* A copy renamed over the file, with the same size, bytes and mtime:
 * only the inode (and ctime) differ. */
static void change_inode(const char *path)
{
    char *tmp = ps_asprintf("%s.new", path);
    struct stat st;
    struct timespec ts[2];

    assert_non_null(tmp);
    assert_int_equal(stat(path, &st), 0);
    copy_file(path, tmp);
    ts[0] = st.st_atim;
    ts[1] = st.st_mtim;
    assert_int_equal(utimensat(AT_FDCWD, tmp, ts, 0), 0);
    assert_int_equal(rename(tmp, path), 0);
    free(tmp);
    {
        struct stat now;

        assert_int_equal(stat(path, &now), 0);
        assert_int_not_equal(now.st_ino, st.st_ino);
        assert_int_equal(now.st_size, st.st_size);
        assert_int_equal(now.st_mtim.tv_nsec, st.st_mtim.tv_nsec);
    }
}

static void test_miss_on_inode(void **state)
{
    check_one_miss(*state, change_inode);
}

/* ------------------------------------------------------------------ */
/* Damaged entries                                                     */
/* ------------------------------------------------------------------ */

static void sha256_hex_of(const char *data, size_t len, char out[65])
{
    unsigned char md[32];
    unsigned n = 0;

    assert_int_equal(EVP_Digest(data, len, md, &n, EVP_sha256(), NULL), 1);
    ps_hex(md, 32, out);
}

/* Rewrites an entry as header line + body, the checksum made right. */
static void write_entry(const char *path, const char *header_schema, const char *body)
{
    char sum[65], *text;

    sha256_hex_of(body, strlen(body), sum);
    text = ps_asprintf("patchseq-cache %s %s\n%s", header_schema, sum, body);
    assert_non_null(text);
    spit_file(path, text, strlen(text));
    free(text);
}

/* Replaces the first `from` in s by `to` (which must be present). */
static char *replace(const char *s, const char *from, const char *to)
{
    const char *at = strstr(s, from);

    assert_non_null(at);
    return ps_asprintf("%.*s%s%s", (int)(at - s), s, to, at + strlen(from));
}

enum damage {
    GARBAGE, CUT_FILE, CUT_JSON, HEADER_SCHEMA, BODY_SCHEMA, BAD_SUM, BAD_FIELD, BAD_VERSION,
    SWAPPED, EMPTY
};

static void damage_entries(const char *cache, enum damage how)
{
    static const char garbage[] = {0x7f, 'E', 'L', 'F', 2, 1, 1, 0, '{', '"', 0, '}'};
    char paths[16][512];
    size_t n = entry_paths(cache, paths, 16);

    assert_int_equal(n, NCACHED);
    for (size_t i = 0; i < n; i++) {
        size_t len;
        char *data = ps_test_read_file(paths[i], &len), *body = strchr(data, '\n') + 1, *x = NULL;

        switch (how) {
        case GARBAGE:
            spit_file(paths[i], garbage, sizeof garbage);
            break;
        case CUT_FILE:
            spit_file(paths[i], data, len / 2);
            break;
        case CUT_JSON:
            body[strlen(body) / 2] = '\0';
            write_entry(paths[i], "1", body);
            break;
        case HEADER_SCHEMA:
            write_entry(paths[i], "2", body);
            break;
        case BODY_SCHEMA:
            x = replace(body, "\"schema\":1", "\"schema\":2");
            write_entry(paths[i], "1", x);
            break;
        case BAD_SUM:
            data[strlen("patchseq-cache 1 ")] ^= 1;
            spit_file(paths[i], data, len);
            break;
        case BAD_FIELD:
            /* an out-of-range container (the first package field) */
            if (strstr(body, "\"package\":[0,") != NULL)
                x = replace(body, "\"package\":[0,", "\"package\":[9,");
            else if (strstr(body, "\"package\":[1,") != NULL)
                x = replace(body, "\"package\":[1,", "\"package\":[9,");
            else
                x = replace(body, "\"rc\":1", "\"rc\":7"); /* readme.txt */
            write_entry(paths[i], "1", x);
            break;
        case BAD_VERSION:
            x = replace(body, "\"version\":\"" PS_VERSION_STRING "\"", "\"version\":\"0.0.0\"");
            write_entry(paths[i], "1", x);
            break;
        case EMPTY:
            spit_file(paths[i], "", 0);
            break;
        case SWAPPED:
            break; /* done by check_damage */
        }
        free(x);
        free(data);
    }
}

static void check_damage(struct fx *fx, enum damage how)
{
    struct run ref, r;

    read_run(&ref, fx->bundle, NULL, 1, 0);
    read_run(&r, fx->bundle, fx->cache, 0, 0);
    run_free(&r);
    if (how == SWAPPED) {
        /* swap by rotating: read all first so no entry is lost */
        char paths[16][512], *texts[16];
        size_t n = entry_paths(fx->cache, paths, 16), lens[16];

        for (size_t i = 0; i < n; i++)
            texts[i] = ps_test_read_file(paths[i], &lens[i]);
        for (size_t i = 0; i < n; i++)
            spit_file(paths[i], texts[(i + 1) % n], lens[(i + 1) % n]);
        for (size_t i = 0; i < n; i++)
            free(texts[i]);
    } else {
        damage_entries(fx->cache, how);
    }
    read_run(&r, fx->bundle, fx->cache, 0, 0);
    assert_int_equal(r.last.cache_hits, 0);
    assert_runs_same(&ref, &r);
    run_free(&r);
    /* the damaged entries were replaced by good ones */
    read_run(&r, fx->bundle, fx->cache, 0, 0);
    assert_int_equal(r.last.cache_hits, NCACHED);
    assert_runs_same(&ref, &r);
    run_free(&r);
    run_free(&ref);
}

static void test_damaged_garbage(void **state) { check_damage(*state, GARBAGE); }
static void test_damaged_cut_file(void **state) { check_damage(*state, CUT_FILE); }
static void test_damaged_cut_json(void **state) { check_damage(*state, CUT_JSON); }
static void test_damaged_header_schema(void **state) { check_damage(*state, HEADER_SCHEMA); }
static void test_damaged_body_schema(void **state) { check_damage(*state, BODY_SCHEMA); }
static void test_damaged_checksum(void **state) { check_damage(*state, BAD_SUM); }
static void test_damaged_field(void **state) { check_damage(*state, BAD_FIELD); }
static void test_damaged_version(void **state) { check_damage(*state, BAD_VERSION); }
static void test_damaged_swapped(void **state) { check_damage(*state, SWAPPED); }
static void test_damaged_empty(void **state) { check_damage(*state, EMPTY); }

/* ------------------------------------------------------------------ */
/* Hashes                                                              */
/* ------------------------------------------------------------------ */

static void test_hash_needs_hashed_entry(void **state)
{
    struct fx *fx = *state;
    struct run ref, r;
    const ps_package *p;

    read_run(&ref, fx->bundle, NULL, 1, 1);
    read_run(&r, fx->bundle, fx->cache, 0, 0); /* entries without hashes */
    run_free(&r);
    read_run(&r, fx->bundle, fx->cache, 0, 1);
    assert_int_equal(r.last.cache_hits, 1); /* readme.txt: no package, nothing to hash */
    assert_runs_same(&ref, &r);
    run_free(&r);
    read_run(&r, fx->bundle, fx->cache, 0, 1); /* entries with hashes */
    assert_int_equal(r.last.cache_hits, NCACHED);
    assert_runs_same(&ref, &r);
    p = find_pkg(&r, MSU_X64);
    assert_int_equal(p->hashed, 1);
    assert_int_equal(strlen(p->sha256), 64);
    assert_int_equal(strlen(p->sha1), 40);
    run_free(&r);
    run_free(&ref);
    /* and they serve a read without hashes, which shows none */
    read_run(&ref, fx->bundle, NULL, 1, 0);
    read_run(&r, fx->bundle, fx->cache, 0, 0);
    assert_int_equal(r.last.cache_hits, NCACHED);
    assert_runs_same(&ref, &r);
    assert_int_equal(find_pkg(&r, MSU_X64)->hashed, 0);
    run_free(&r);
    run_free(&ref);
}

/* ------------------------------------------------------------------ */
/* Where the cache is, and when there is none                          */
/* ------------------------------------------------------------------ */

static void test_no_cache_writes_nothing(void **state)
{
    struct fx *fx = *state;
    struct run r;
    char env_dir[400];

    read_run(&r, fx->bundle, fx->cache, 1, 0);
    run_free(&r);
    assert_int_equal(count_entries(fx->cache), -1);
    /* PATCHSEQ_NO_CACHE=1 wins over PATCHSEQ_CACHE_DIR */
    snprintf(env_dir, sizeof env_dir, "%s/env-cache", fx->root);
    setenv("PATCHSEQ_CACHE_DIR", env_dir, 1);
    setenv("PATCHSEQ_NO_CACHE", "1", 1);
    read_run(&r, fx->bundle, NULL, 0, 0);
    run_free(&r);
    assert_int_equal(count_entries(env_dir), -1);
    /* without it, PATCHSEQ_CACHE_DIR is used */
    unsetenv("PATCHSEQ_NO_CACHE");
    read_run(&r, fx->bundle, NULL, 0, 0);
    run_free(&r);
    assert_int_equal(count_entries(env_dir), NCACHED);
    unsetenv("PATCHSEQ_CACHE_DIR");
}

static void test_resolve_dir(void **state)
{
    ps_read_opts o;
    char *d;
    int oom = 1;

    (void)state;
    memset(&o, 0, sizeof o);
    ps_read_opts_default(&o);
    unsetenv("PATCHSEQ_CACHE_DIR");
    unsetenv("PATCHSEQ_NO_CACHE");
    setenv("XDG_CACHE_HOME", "/x/cache", 1);
    setenv("HOME", "/home/u", 1);
    d = ps_cache_resolve_dir(&o, &oom);
    assert_int_equal(oom, 0);
    assert_string_equal(d, "/x/cache/patchseq");
    free(d);
    setenv("XDG_CACHE_HOME", "relative/is/ignored", 1);
    d = ps_cache_resolve_dir(&o, &oom);
    assert_string_equal(d, "/home/u/.cache/patchseq");
    free(d);
    unsetenv("XDG_CACHE_HOME");
    d = ps_cache_resolve_dir(&o, &oom);
    assert_string_equal(d, "/home/u/.cache/patchseq");
    free(d);
    setenv("PATCHSEQ_CACHE_DIR", "/env/dir", 1);
    d = ps_cache_resolve_dir(&o, &oom);
    assert_string_equal(d, "/env/dir");
    free(d);
    o.cache_dir = "/opt/dir"; /* --cache wins over the environment */
    setenv("PATCHSEQ_NO_CACHE", "1", 1);
    d = ps_cache_resolve_dir(&o, &oom);
    assert_string_equal(d, "/opt/dir");
    free(d);
    o.no_cache = 1; /* --no-cache wins over everything */
    assert_null(ps_cache_resolve_dir(&o, &oom));
    assert_int_equal(oom, 0);
    o.no_cache = 0;
    o.cache_dir = NULL;
    assert_null(ps_cache_resolve_dir(&o, &oom));
    unsetenv("HOME");
    unsetenv("PATCHSEQ_NO_CACHE");
    unsetenv("PATCHSEQ_CACHE_DIR");
    assert_null(ps_cache_resolve_dir(&o, &oom));
    assert_int_equal(oom, 0);
}

/* A cache that cannot be used: the reads go on, the same, without it. */
static void test_unusable_cache_skipped(void **state)
{
    struct fx *fx = *state;
    struct run ref, r;
    char file[400], shared[400];

    read_run(&ref, fx->bundle, NULL, 1, 0);
    snprintf(file, sizeof file, "%s/a-file", fx->root);
    spit_file(file, "x", 1);
    read_run(&r, fx->bundle, file, 0, 0);
    assert_runs_same(&ref, &r);
    run_free(&r);
    /* a folder others may write to is not trusted */
    snprintf(shared, sizeof shared, "%s/shared", fx->root);
    assert_int_equal(mkdir(shared, 0700), 0);
    assert_int_equal(chmod(shared, 0777), 0);
    read_run(&r, fx->bundle, shared, 0, 0);
    assert_runs_same(&ref, &r);
    assert_int_equal(count_entries(shared), 0);
    run_free(&r);
    run_free(&ref);
}

/* ------------------------------------------------------------------ */
/* Threads and progress                                                */
/* ------------------------------------------------------------------ */

static void test_threads_deterministic(void **state)
{
    struct fx *fx = *state;
    struct run one, many;

    setenv("PATCHSEQ_THREADS", "1", 1);
    read_run(&one, fx->bundle, NULL, 1, 1);
    setenv("PATCHSEQ_THREADS", "8", 1);
    read_run(&many, fx->bundle, NULL, 1, 1);
    unsetenv("PATCHSEQ_THREADS");
    assert_runs_same(&one, &many);
    assert_int_equal(one.b.count, NPACKAGES);
    assert_int_equal(one.last.bytes_done, one.last.bytes_total);
    assert_true(one.last.bytes_total > 6 * 4096);
    run_free(&one);
    run_free(&many);
}

static void test_progress_format(void **state)
{
    ps_progress p = {37, 400, 0, 0, 12, 0};
    char buf[160];

    (void)state;
    ps_progress_format(buf, sizeof buf, &p);
    assert_string_equal(buf, "reading 37/400 files [==>                     ] 9%, 12 cached");
    p = (ps_progress){3, 8, 120u << 20, 384u << 20, 0, 1};
    ps_progress_format(buf, sizeof buf, &p);
    assert_string_equal(buf, "hashing 3/8 files, 120.0/384.0 MiB [=======>                ] 31%");
    p = (ps_progress){8, 8, 0, 0, 0, 0};
    ps_progress_format(buf, sizeof buf, &p);
    assert_string_equal(buf, "reading 8/8 files [========================] 100%");
}

static void test_progress_not_on_pipe(void **state)
{
    ps_progress_bar bar;
    ps_read_opts o;
    int fds[2];
    FILE *w;

    (void)state;
    memset(&o, 0, sizeof o);
    ps_read_opts_default(&o);
    assert_int_equal(pipe(fds), 0);
    w = fdopen(fds[1], "w");
    assert_non_null(w);
    assert_int_equal(ps_progress_attach(&bar, w, &o), 0);
    assert_null(o.progress);
    assert_null(o.progress_user);
    fclose(w);
    close(fds[0]);
}

static void test_progress_on_tty(void **state)
{
    ps_progress_bar bar;
    ps_read_opts o;
    ps_progress p = {1, 2, 0, 0, 0, 0};
    int master = posix_openpt(O_RDWR | O_NOCTTY), slave;
    FILE *tty;
    char buf[256];
    ssize_t n;

    (void)state;
    if (master < 0) {
        skip();
        return;
    }
    assert_int_equal(grantpt(master), 0);
    assert_int_equal(unlockpt(master), 0);
    slave = open(ptsname(master), O_RDWR | O_NOCTTY);
    assert_true(slave >= 0);
    tty = fdopen(slave, "w");
    assert_non_null(tty);
    memset(&o, 0, sizeof o);
    ps_read_opts_default(&o);
    assert_int_equal(ps_progress_attach(&bar, tty, &o), 1);
    assert_ptr_equal(o.progress_user, &bar);
    o.progress(o.progress_user, &p); /* within the first half second: nothing */
    assert_int_equal(bar.shown, 0);
    bar.delay = 0;
    o.progress(o.progress_user, &p);
    assert_int_equal(bar.shown, 1);
    ps_progress_finish(&bar);
    assert_int_equal(bar.shown, 0);
    /* a pty may hand the two writes over in two reads */
    {
        static const char want[] = "\rreading 1/2 files [============>           ] 50%\033[K\r\033[K";
        size_t got = 0;
        struct pollfd pfd = {master, POLLIN, 0};

        while (got < sizeof want - 1 && poll(&pfd, 1, 2000) == 1) {
            n = read(master, buf + got, sizeof buf - 1 - got);
            assert_true(n > 0);
            got += (size_t)n;
        }
        buf[got] = '\0';
        assert_string_equal(buf, want);
    }
    fclose(tty);
    close(master);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_hit_same_output, setup, teardown),
        cmocka_unit_test_setup_teardown(test_recent_not_stored, setup, teardown),
        cmocka_unit_test_setup_teardown(test_miss_on_size, setup, teardown),
        cmocka_unit_test_setup_teardown(test_miss_on_mtime, setup, teardown),
        cmocka_unit_test_setup_teardown(test_miss_on_inode, setup, teardown),
        cmocka_unit_test_setup_teardown(test_damaged_garbage, setup, teardown),
        cmocka_unit_test_setup_teardown(test_damaged_cut_file, setup, teardown),
        cmocka_unit_test_setup_teardown(test_damaged_cut_json, setup, teardown),
        cmocka_unit_test_setup_teardown(test_damaged_header_schema, setup, teardown),
        cmocka_unit_test_setup_teardown(test_damaged_body_schema, setup, teardown),
        cmocka_unit_test_setup_teardown(test_damaged_checksum, setup, teardown),
        cmocka_unit_test_setup_teardown(test_damaged_field, setup, teardown),
        cmocka_unit_test_setup_teardown(test_damaged_version, setup, teardown),
        cmocka_unit_test_setup_teardown(test_damaged_swapped, setup, teardown),
        cmocka_unit_test_setup_teardown(test_damaged_empty, setup, teardown),
        cmocka_unit_test_setup_teardown(test_hash_needs_hashed_entry, setup, teardown),
        cmocka_unit_test_setup_teardown(test_no_cache_writes_nothing, setup, teardown),
        cmocka_unit_test(test_resolve_dir),
        cmocka_unit_test_setup_teardown(test_unusable_cache_skipped, setup, teardown),
        cmocka_unit_test_setup_teardown(test_threads_deterministic, setup, teardown),
        cmocka_unit_test(test_progress_format),
        cmocka_unit_test(test_progress_not_on_pipe),
        cmocka_unit_test(test_progress_on_tty),
    };

    /* The caller's settings must not steer the tests. */
    unsetenv("PATCHSEQ_CACHE_DIR");
    unsetenv("PATCHSEQ_NO_CACHE");
    unsetenv("PATCHSEQ_THREADS");
    return cmocka_run_group_tests(tests, NULL, NULL);
}
