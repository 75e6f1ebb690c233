/*
 * bundle.c - reads every package under a list of files and folders.
 *
 * Folders are read recursively, and the entries of each folder are taken
 * in byte order of their names, so the bundle (and everything computed
 * from it) never depends on the order readdir() returns.  The display
 * path of a package is the path as given joined with its path inside the
 * folder.
 *
 * Symbolic links inside a folder: a link to a regular file whose target
 * lies inside the folder given on the command line is read like the file
 * (under the link's own name); any other link (to a folder, out of the
 * tree, dangling) is not followed and becomes a foreign-file finding.  A
 * path given on the command line is used as given, link or not.
 *
 * The files are listed first, then read on one thread per processor, up
 * to 16 (PATCHSEQ_THREADS=N, 1 to 64, overrides the count); each file's
 * package and findings land in its own slot, and the slots are merged in
 * list order, so the output is the same whatever thread finishes first.
 *
 * The stat made while listing is the key of the metadata cache (cache.h):
 * a file unchanged since an earlier run is taken from its cache entry and
 * not opened at all.  The options may name a progress callback, told of
 * each file as it is finished.
 */
#include "cache.h"
#include "parse.h"
#include "ps_archive.h"

#include <dirent.h>
#include <errno.h>
#include <libxml/parser.h>
#include <limits.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define MAX_FOLDER_DEPTH 64
#define DEFAULT_MAX_THREADS 16 /* a read holds up to a member in memory: bound the total */
#define MAX_THREADS 64

struct item {
    char *path;              /* to open */
    char *display;           /* for output */
    ps_finding_code note;    /* for a non-file entry: the finding to add */
    char *note_msg;          /* NULL for a file to read */
    struct stat st;          /* of the file to read, when have_st */
    int have_st;
    /* results */
    int rc;
    ps_package pkg;
    ps_findings found;
};

struct list {
    struct item *items;
    size_t count, cap;
};

static void item_free(struct item *it)
{
    free(it->path);
    free(it->display);
    free(it->note_msg);
    ps_package_free(&it->pkg);
    ps_findings_free(&it->found);
}

static void list_free(struct list *l)
{
    for (size_t i = 0; i < l->count; i++)
        item_free(&l->items[i]);
    free(l->items);
    memset(l, 0, sizeof *l);
}

static struct item *list_add(struct list *l, const char *path, const char *display,
                             const struct stat *st)
{
    struct item *it;

    if (l->count == l->cap) {
        size_t cap = l->cap ? l->cap * 2 : 32;
        struct item *n = realloc(l->items, cap * sizeof *n);

        if (n == NULL)
            return NULL;
        l->items = n;
        l->cap = cap;
    }
    it = &l->items[l->count];
    memset(it, 0, sizeof *it);
    it->path = ps_strdup(path);
    it->display = ps_strdup(display);
    if (it->path == NULL || it->display == NULL) {
        item_free(it);
        return NULL;
    }
    if (st != NULL) {
        it->st = *st;
        it->have_st = 1;
    }
    l->count++;
    return it;
}

static int list_note(struct list *l, const char *path, const char *display, ps_finding_code code,
                     const char *msg)
{
    struct item *it = list_add(l, path, display, NULL);

    if (it == NULL)
        return -1;
    it->note = code;
    it->note_msg = ps_strdup(msg);
    return it->note_msg ? 0 : -1;
}

static char *join(const char *dir, const char *name)
{
    size_t n = strlen(dir);

    if (n > 0 && dir[n - 1] == '/')
        return ps_asprintf("%s%s", dir, name);
    return ps_asprintf("%s/%s", dir, name);
}

static int cmp_names(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The resolved path of the link at `path` when it names a regular file
 * inside `root` (a resolved path), else NULL; *st is then its stat.  The
 * resolved path is what gets opened, so the link cannot be swapped
 * between check and use. */
static char *link_inside(const char *path, const char *root, struct stat *st)
{
    char *real = realpath(path, NULL);
    size_t n = strlen(root);

    if (real == NULL)
        return NULL;
    if (stat(real, st) < 0 || !S_ISREG(st->st_mode) || strncmp(real, root, n) != 0 ||
        (real[n] != '/' && !(n == 1 && root[0] == '/'))) {
        free(real);
        real = NULL;
    }
    return real;
}

static int walk(struct list *l, const char *dir, const char *display, const char *root,
                unsigned depth)
{
    DIR *d = NULL;
    struct dirent *de;
    char **names = NULL;
    size_t nnames = 0;
    int rc = -1;

    if (depth > MAX_FOLDER_DEPTH)
        return list_note(l, dir, display, PS_F_UNSAFE_INPUT,
                         "folder nested more than 64 levels deep; not read");
    d = opendir(dir);
    if (d == NULL) {
        char *msg = ps_asprintf("cannot read folder: %s", strerror(errno));

        rc = msg ? list_note(l, dir, display, PS_F_UNREADABLE_PACKAGE, msg) : -1;
        free(msg);
        return rc;
    }
    while ((de = readdir(d)) != NULL) {
        if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
            continue;
        if (ps_strv_push(&names, &nnames, de->d_name) < 0)
            goto out;
    }
    if (nnames > 1)
        qsort(names, nnames, sizeof *names, cmp_names);
    for (size_t i = 0; i < nnames; i++) {
        char *p = join(dir, names[i]);
        char *q = join(display, names[i]);
        struct stat st;
        int r = 0;

        if (p == NULL || q == NULL) {
            free(p);
            free(q);
            goto out;
        }
        if (lstat(p, &st) < 0) {
            char *msg = ps_asprintf("cannot read: %s", strerror(errno));

            r = msg ? list_note(l, p, q, PS_F_UNREADABLE_PACKAGE, msg) : -1;
            free(msg);
        } else if (S_ISDIR(st.st_mode)) {
            r = walk(l, p, q, root, depth + 1);
        } else if (S_ISREG(st.st_mode)) {
            r = list_add(l, p, q, &st) ? 0 : -1;
        } else if (S_ISLNK(st.st_mode)) {
            char *real = link_inside(p, root, &st);

            if (real != NULL) {
                r = list_add(l, real, q, &st) ? 0 : -1;
                free(real);
            } else {
                r = list_note(l, p, q, PS_F_FOREIGN_FILE, "symbolic link not followed "
                              "(it does not name a file inside the folder)");
            }
        } else {
            r = list_note(l, p, q, PS_F_FOREIGN_FILE, "not a regular file");
        }
        free(p);
        free(q);
        if (r < 0)
            goto out;
    }
    rc = 0;
out:
    ps_strv_free(&names, &nnames);
    closedir(d);
    return rc;
}

/* The settings of ps_read_opts beyond reading one package. */
struct ext {
    const char *cache_dir;
    int no_cache;
    ps_progress_fn progress;
    void *progress_user;
};

static void ext_of(const ps_read_opts *o, struct ext *x)
{
    x->cache_dir = o->cache_dir;
    x->no_cache = o->no_cache;
    x->progress = o->progress;
    x->progress_user = o->progress_user;
}

struct pool {
    struct list *l;
    const ps_read_opts *opts;
    ps_cache *cache;
    ps_progress_fn progress;
    void *progress_user;
    pthread_mutex_t mu;
    size_t next;
    ps_progress state;       /* under mu */
};

/* Reads one listed entry; returns 1 when it came from the cache. */
static int read_item(struct item *it, const ps_read_opts *opts, ps_cache *cache)
{
    if (it->note_msg != NULL) {
        ps_buf name = {0};
        ps_where w = {NULL, NULL, 0, PS_ARCH_NONE, NULL, NULL};

        /* the display form: a file name need not be UTF-8 */
        if (ps_ar_display_name(&name, it->display) != 0) {
            it->rc = -1;
            return 0;
        }
        w.file = name.data;
        it->rc = ps_findings_add(&it->found, it->note, &w, "%s", it->note_msg) < 0 ? -1 : 1;
        ps_buf_free(&name);
        return 0;
    }
    if (cache != NULL && it->have_st &&
        ps_cache_get(cache, it->path, it->display, &it->st, &it->pkg, &it->found, &it->rc) == 1)
        return 1;
    it->rc = ps_package_read(&it->pkg, it->path, it->display, opts, &it->found);
    if (cache != NULL && it->have_st && it->rc >= 0)
        ps_cache_put(cache, it->path, it->display, &it->st, it->rc, &it->pkg, &it->found);
    return 0;
}

static void *worker(void *arg)
{
    struct pool *pl = arg;
    struct item *done = NULL;
    int hit = 0;

    for (;;) {
        size_t i;

        pthread_mutex_lock(&pl->mu);
        if (done != NULL) {
            pl->state.files_done++;
            pl->state.bytes_done += done->have_st ? (uint64_t)done->st.st_size : 0;
            pl->state.cache_hits += (size_t)hit;
            if (pl->progress != NULL)
                pl->progress(pl->progress_user, &pl->state);
        }
        i = pl->next++;
        pthread_mutex_unlock(&pl->mu);
        if (i >= pl->l->count)
            break;
        done = &pl->l->items[i];
        hit = read_item(done, pl->opts, pl->cache);
    }
    return NULL;
}

/* Reading threads: one per online processor (at most 16), or
 * PATCHSEQ_THREADS (1 to 64); never more than files. */
static size_t thread_count(size_t files)
{
    const char *v = getenv("PATCHSEQ_THREADS");
    long n = sysconf(_SC_NPROCESSORS_ONLN);

    if (n > DEFAULT_MAX_THREADS)
        n = DEFAULT_MAX_THREADS;
    if (v != NULL && v[0] != '\0') {
        char *end = NULL;
        long t = strtol(v, &end, 10);

        if (end != NULL && *end == '\0' && t >= 1)
            n = t;
    }
    if (n < 1)
        n = 1;
    if (n > MAX_THREADS)
        n = MAX_THREADS;
    if ((size_t)n > files)
        n = files > 0 ? (long)files : 1;
    return (size_t)n;
}

static void read_all(struct list *l, const ps_read_opts *opts, const struct ext *x,
                     ps_cache *cache)
{
    struct pool pl;
    pthread_t th[MAX_THREADS];
    size_t started = 0, nthreads = thread_count(l->count);

    memset(&pl, 0, sizeof pl);
    pl.l = l;
    pl.opts = opts;
    pl.cache = cache;
    pl.progress = x->progress;
    pl.progress_user = x->progress_user;
    pl.state.files_total = l->count;
    pl.state.hashing = opts->hash != 0;
    for (size_t i = 0; i < l->count; i++)
        pl.state.bytes_total += l->items[i].have_st ? (uint64_t)l->items[i].st.st_size : 0;
    pthread_mutex_init(&pl.mu, NULL);
    if (pl.progress != NULL)
        pl.progress(pl.progress_user, &pl.state);
    /* libxml2 sets up its globals once, before any thread parses. */
    xmlInitParser();
    for (size_t i = 0; i + 1 < nthreads; i++) {
        if (pthread_create(&th[started], NULL, worker, &pl) != 0)
            break;
        started++;
    }
    worker(&pl); /* this thread reads too */
    for (size_t i = 0; i < started; i++)
        pthread_join(th[i], NULL);
    pthread_mutex_destroy(&pl.mu);
}

static int move_findings(ps_findings *dst, const ps_findings *src)
{
    for (size_t i = 0; i < src->count; i++) {
        const ps_finding *x = &src->items[i];
        ps_where w = {x->file, x->member, x->line, x->arch, x->os, x->kb};

        if (ps_findings_add(dst, x->code, &w, "%s", x->message) < 0)
            return -1;
    }
    return 0;
}

static int bundle_push(ps_bundle *b, ps_package *p)
{
    if (b->count == b->cap) {
        size_t cap = b->cap ? b->cap * 2 : 16;
        ps_package *n = realloc(b->items, cap * sizeof *n);

        if (n == NULL)
            return -1;
        b->items = n;
        b->cap = cap;
    }
    b->items[b->count++] = *p;
    memset(p, 0, sizeof *p);
    return 0;
}

int ps_bundle_read(ps_bundle *b, const char *const *paths, size_t npaths,
                   const ps_read_opts *opts, ps_findings *f, char *err, size_t errlen)
{
    struct list l = {NULL, 0, 0};
    ps_read_opts defaults;
    struct ext x;
    ps_cache *cache = NULL;
    char *cache_dir = NULL;
    int rc = -1, oom = 0;

    if (err != NULL && errlen > 0)
        err[0] = '\0';
    if (opts == NULL) {
        memset(&defaults, 0, sizeof defaults);
        ps_read_opts_default(&defaults);
        opts = &defaults;
    }
    ext_of(opts, &x);
    /* Every path must be usable before anything is read. */
    for (size_t i = 0; i < npaths; i++) {
        struct stat st;

        if (stat(paths[i], &st) < 0) {
            snprintf(err, errlen, "%s: %s", paths[i], strerror(errno));
            goto out;
        }
    }
    for (size_t i = 0; i < npaths; i++) {
        struct stat st;

        if (stat(paths[i], &st) < 0) {
            snprintf(err, errlen, "%s: %s", paths[i], strerror(errno));
            goto out;
        }
        if (S_ISDIR(st.st_mode)) {
            char *root = realpath(paths[i], NULL);
            int r;

            if (root == NULL) {
                snprintf(err, errlen, "%s: %s", paths[i], strerror(errno));
                goto out;
            }
            r = walk(&l, paths[i], paths[i], root, 0);
            free(root);
            if (r < 0)
                goto oom;
        } else if (list_add(&l, paths[i], paths[i], S_ISREG(st.st_mode) ? &st : NULL) == NULL) {
            goto oom;
        }
    }
    if (l.count > 0 && !x.no_cache) {
        struct ps_read_opts o = *opts;

        o.cache_dir = x.cache_dir;
        o.no_cache = 0;
        cache_dir = ps_cache_resolve_dir(&o, &oom);
        if (oom)
            goto oom;
        cache = ps_cache_open(cache_dir, opts); /* NULL: read without a cache */
    }
    read_all(&l, opts, &x, cache);
    for (size_t i = 0; i < l.count; i++) {
        struct item *it = &l.items[i];

        if (it->rc < 0 || move_findings(f, &it->found) < 0)
            goto oom;
        if (it->rc == 0 && bundle_push(b, &it->pkg) < 0)
            goto oom;
    }
    rc = 0;
    goto out;
oom:
    snprintf(err, errlen, "out of memory");
out:
    ps_cache_close(cache);
    free(cache_dir);
    list_free(&l);
    return rc;
}

void ps_bundle_free(ps_bundle *b)
{
    if (b == NULL)
        return;
    for (size_t i = 0; i < b->count; i++)
        ps_package_free(&b->items[i]);
    free(b->items);
    memset(b, 0, sizeof *b);
}
