/*
 * bundle.c - reads every package under a list of files and folders.
 *
 * Folders are read recursively, and the entries of each folder are taken
 * in byte order of their names, so the bundle (and everything computed
 * from it) never depends on the order readdir() returns.  The display
 * path of a package is the path as given joined with its path inside the
 * folder.
 *
 * Symbolic links inside a folder are followed (git-annex and many mirrors
 * keep packages as links) when their target lies inside one of the paths
 * given (the roots): a link to a file is read under the link's own name,
 * a link to a folder is walked.  A link to a folder being walked (a loop)
 * or to a place outside every root is not followed (link-not-followed); a
 * link whose target does not exist is dangling-link.  A path given on the
 * command line is used as given, link or not.
 *
 * The same file reached twice (a folder given twice, overlapping folders,
 * a link beside its target) is read once, under the first name it was
 * reached by: files are told apart by device and inode, and each folder
 * is walked once.
 *
 * A Windows installer (.exe, .msi) is not read: patchseq cannot order it,
 * so it is an unplanned-installer warning.
 *
 * An archive given as a PATH (.zip, .tar, .tar.gz, .7z, .iso, ...) is read
 * as a folder: its members are streamed through libarchive, each member
 * read into memory and read as a package from there; nothing is written
 * to disk.  Its packages have no path on disk (p->path is NULL).
 *
 * When no package at all could be read, the bundle has an empty-bundle
 * error, naming what was found instead, so that a gate never passes by
 * checking nothing.
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
#include "bundle.h"
#include "cache.h"
#include "findings.h"
#include "parse.h"
#include "reader.h"

#include <archive.h>
#include <archive_entry.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
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
/* A member of an archive bundle is read into memory: the largest one. */
#define MAX_ARCHIVE_MEMBER ((size_t)2 << 30)

enum kind { K_FILE, K_NOTE, K_ARCHIVE, K_DROPPED };

struct item {
    enum kind kind;
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
    ps_bundle sub;           /* K_ARCHIVE: the packages read from it */
    size_t n_foreign;        /* K_ARCHIVE: members that are not packages */
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
    ps_bundle_free(&it->sub);
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
        struct item *n = ps_realloc(l->items, cap * sizeof *n);

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
    it->kind = K_NOTE;
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

/* What the walk shares: the roots (resolved paths of the folders given)
 * and the folders already walked (device, inode). */
struct walk_state {
    char **roots;
    size_t nroots;
    dev_t *dev;
    ino_t *ino;
    size_t ndirs, capdirs;
};

/* A chain of the folders being walked, innermost first: a link to one of
 * them is a loop. */
struct chain {
    dev_t dev;
    ino_t ino;
    const struct chain *up;
};

static int is_installer(const char *name)
{
    return ps_has_suffix_ci(name, ".exe") || ps_has_suffix_ci(name, ".msi");
}

static int inside_roots(const struct walk_state *ws, const char *real)
{
    for (size_t i = 0; i < ws->nroots; i++) {
        const char *root = ws->roots[i];
        size_t n = strlen(root);

        if (strncmp(real, root, n) == 0 &&
            (real[n] == '/' || real[n] == '\0' || (n == 1 && root[0] == '/')))
            return 1;
    }
    return 0;
}

/* 1 when the folder was walked already (else it is recorded), -1 on OOM. */
static int dir_seen(struct walk_state *ws, const struct stat *st)
{
    for (size_t i = 0; i < ws->ndirs; i++)
        if (ws->dev[i] == st->st_dev && ws->ino[i] == st->st_ino)
            return 1;
    if (ws->ndirs == ws->capdirs) {
        size_t cap = ws->capdirs ? ws->capdirs * 2 : 16;
        dev_t *d = ps_realloc(ws->dev, cap * sizeof *d);
        ino_t *n;

        if (d == NULL)
            return -1;
        ws->dev = d;
        n = ps_realloc(ws->ino, cap * sizeof *n);
        if (n == NULL)
            return -1;
        ws->ino = n;
        ws->capdirs = cap;
    }
    ws->dev[ws->ndirs] = st->st_dev;
    ws->ino[ws->ndirs] = st->st_ino;
    ws->ndirs++;
    return 0;
}

static int on_chain(const struct chain *c, const struct stat *st)
{
    for (; c != NULL; c = c->up)
        if (c->dev == st->st_dev && c->ino == st->st_ino)
            return 1;
    return 0;
}

static int walk(struct list *l, struct walk_state *ws, const char *dir, const char *display,
                const struct chain *up, unsigned depth);

/* One entry of a folder, `p` to open and `q` to show. */
static int walk_entry(struct list *l, struct walk_state *ws, const char *p, const char *q,
                      const struct chain *here, unsigned depth)
{
    struct stat st;
    char *msg = NULL, *real = NULL;
    int r = 0;

    if (lstat(p, &st) < 0) {
        msg = ps_asprintf("cannot read: %s", strerror(errno));
        r = msg ? list_note(l, p, q, PS_F_UNREADABLE_PACKAGE, msg) : -1;
        free(msg);
        return r;
    }
    if (S_ISDIR(st.st_mode)) {
        r = dir_seen(ws, &st);
        return r != 0 ? (r < 0 ? -1 : 0) : walk(l, ws, p, q, here, depth + 1);
    }
    if (S_ISREG(st.st_mode)) {
        if (is_installer(q))
            return list_note(l, p, q, PS_F_UNPLANNED_INSTALLER,
                             "a Windows installer, not an update package: patchseq cannot "
                             "order it; install it by hand or leave it out of the bundle");
        return list_add(l, p, q, &st) ? 0 : -1;
    }
    if (!S_ISLNK(st.st_mode))
        return list_note(l, p, q, PS_F_FOREIGN_FILE, "not a regular file");
    /* a symbolic link: followed when its target is inside a root */
    if (stat(p, &st) < 0) {
        int e = errno;

        if (e == ELOOP)
            return list_note(l, p, q, PS_F_LINK_NOT_FOLLOWED,
                             "symbolic link not followed: it loops (too many levels of links)");
        msg = ps_asprintf("dangling symbolic link: its target cannot be reached (%s)",
                          strerror(e));
        r = msg ? list_note(l, p, q, PS_F_DANGLING_LINK, msg) : -1;
        free(msg);
        return r;
    }
    real = realpath(p, NULL);
    if (real == NULL) {
        msg = ps_asprintf("dangling symbolic link: its target cannot be resolved (%s)",
                          strerror(errno));
        r = msg ? list_note(l, p, q, PS_F_DANGLING_LINK, msg) : -1;
        free(msg);
        return r;
    }
    if (!inside_roots(ws, real)) {
        r = list_note(l, p, q, PS_F_LINK_NOT_FOLLOWED,
                      "symbolic link not followed: its target is outside the folders given "
                      "(give the folder that holds the targets too)");
    } else if (S_ISDIR(st.st_mode)) {
        if (on_chain(here, &st)) {
            r = list_note(l, p, q, PS_F_LINK_NOT_FOLLOWED,
                          "symbolic link not followed: it names a folder it is inside (a loop)");
        } else {
            r = dir_seen(ws, &st);
            r = r != 0 ? (r < 0 ? -1 : 0) : walk(l, ws, real, q, here, depth + 1);
        }
    } else if (S_ISREG(st.st_mode)) {
        if (is_installer(q))
            r = list_note(l, p, q, PS_F_UNPLANNED_INSTALLER,
                          "a Windows installer, not an update package: patchseq cannot order "
                          "it; install it by hand or leave it out of the bundle");
        else
            r = list_add(l, real, q, &st) ? 0 : -1; /* the resolved path is opened */
    } else {
        r = list_note(l, p, q, PS_F_FOREIGN_FILE, "symbolic link to something not a regular file");
    }
    free(real);
    return r;
}

static int walk(struct list *l, struct walk_state *ws, const char *dir, const char *display,
                const struct chain *up, unsigned depth)
{
    DIR *d = NULL;
    struct dirent *de;
    char **names = NULL;
    size_t nnames = 0;
    struct chain here = {0, 0, up};
    struct stat st;
    int rc = -1;

    if (depth > MAX_FOLDER_DEPTH)
        return list_note(l, dir, display, PS_F_UNSAFE_INPUT,
                         "folder nested more than 64 levels deep; not read");
    d = opendir(dir);
    if (d == NULL || fstat(dirfd(d), &st) < 0) {
        char *msg = ps_asprintf("cannot read folder: %s", strerror(errno));

        rc = msg ? list_note(l, dir, display, PS_F_UNREADABLE_PACKAGE, msg) : -1;
        free(msg);
        if (d != NULL)
            closedir(d);
        return rc;
    }
    here.dev = st.st_dev;
    here.ino = st.st_ino;
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
        int r;

        if (p == NULL || q == NULL) {
            free(p);
            free(q);
            goto out;
        }
        r = walk_entry(l, ws, p, q, &here, depth);
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

/* Drops the second and later items naming one file (device, inode). */
static const struct list *sort_list;

static int cmp_inode(const void *a, const void *b)
{
    const struct item *x = &sort_list->items[*(const size_t *)a];
    const struct item *y = &sort_list->items[*(const size_t *)b];

    if (x->st.st_dev != y->st.st_dev)
        return x->st.st_dev < y->st.st_dev ? -1 : 1;
    if (x->st.st_ino != y->st.st_ino)
        return x->st.st_ino < y->st.st_ino ? -1 : 1;
    return *(const size_t *)a < *(const size_t *)b ? -1 : 1;
}

static int dedupe(struct list *l)
{
    size_t *idx = ps_malloc((l->count ? l->count : 1) * sizeof *idx), n = 0, j = 0;

    if (idx == NULL)
        return -1;
    for (size_t i = 0; i < l->count; i++)
        if (l->items[i].kind == K_FILE && l->items[i].have_st)
            idx[n++] = i;
    sort_list = l; /* the listing runs on one thread */
    if (n > 1)
        qsort(idx, n, sizeof *idx, cmp_inode);
    for (size_t i = 1; i < n; i++) {
        struct item *prev = &l->items[idx[i - 1]], *cur = &l->items[idx[i]];

        if (prev->st.st_dev == cur->st.st_dev && prev->st.st_ino == cur->st.st_ino)
            cur->kind = K_DROPPED;
    }
    free(idx);
    for (size_t i = 0; i < l->count; i++) {
        if (l->items[i].kind == K_DROPPED)
            item_free(&l->items[i]);
        else
            l->items[j++] = l->items[i];
    }
    l->count = j;
    return 0;
}

/* ------------------------------------------------------------------ */
/* Archives read as bundles                                            */
/* ------------------------------------------------------------------ */

int ps_bundle_is_archive(const char *path)
{
    static const char *const ext[] = {".zip", ".tar", ".tar.gz", ".tgz", ".tar.bz2", ".tbz2",
                                      ".tar.xz", ".txz", ".tar.zst", ".7z", ".iso"};

    for (size_t i = 0; path && i < PS_ARRAY_LEN(ext); i++)
        if (ps_has_suffix_ci(path, ext[i]))
            return 1;
    return 0;
}

static int arch_note(struct item *it, ps_finding_code code, const char *member,
                     const char *fmt, ...) PS_PRINTF(4, 5);

static int arch_note(struct item *it, ps_finding_code code, const char *member,
                     const char *fmt, ...)
{
    ps_buf name = {0};
    ps_where w = {NULL, NULL, 0, PS_ARCH_NONE, NULL, NULL};
    va_list ap;
    int r;

    if (ps_ar_display_name(&name, member ? member : it->display) != 0)
        return -1;
    w.file = name.data;
    va_start(ap, fmt);
    r = ps_findings_addv(&it->found, code, &w, fmt, ap);
    va_end(ap);
    ps_buf_free(&name);
    return r;
}

static int cmp_pkg_file(const void *a, const void *b)
{
    return strcmp(((const ps_package *)a)->file, ((const ps_package *)b)->file);
}

static int bundle_push(ps_bundle *b, ps_package *p);

/* Reads every member of the archive it->path (or of the `memlen` bytes at
 * mem) as a package.  0, or -1 on allocation failure. */
static int read_archive(struct item *it, const ps_read_opts *opts, const void *mem, size_t memlen)
{
    struct archive *a = archive_read_new();
    struct archive_entry *e;
    unsigned char *buf = NULL;
    size_t members = 0;
    int fd = -1, rc = -1, r;

    if (a == NULL)
        return -1;
    archive_read_support_filter_all(a);
    archive_read_support_format_all(a);
    if (mem == NULL) {
        fd = open(it->path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
        if (fd < 0) {
            rc = arch_note(it, PS_F_UNREADABLE_PACKAGE, NULL, "cannot open the archive: %s",
                           strerror(errno));
            goto out;
        }
    }
    if ((mem ? archive_read_open_memory(a, mem, memlen) : archive_read_open_fd(a, fd, 65536)) !=
        ARCHIVE_OK) {
        rc = arch_note(it, PS_F_UNREADABLE_PACKAGE, NULL, "cannot read the archive: %s",
                       archive_error_string(a));
        goto out;
    }
    while ((r = archive_read_next_header(a, &e)) == ARCHIVE_OK || r == ARCHIVE_WARN) {
        const char *name = archive_entry_pathname(e);
        char *display;
        size_t len = 0, cap = 0;
        ps_package pkg;
        int got;

        if (name == NULL)
            continue;
        while (name[0] == '.' && name[1] == '/')
            name += 2;
        if (name[0] == '\0' || archive_entry_filetype(e) == AE_IFDIR)
            continue;
        display = join(it->display, name);
        if (display == NULL)
            goto out;
        if (opts->limits.max_members && ++members > opts->limits.max_members) {
            free(display);
            rc = arch_note(it, PS_F_UNSAFE_INPUT, NULL,
                           "the archive has more than %zu members (limit max_members); the rest "
                           "is not read", opts->limits.max_members);
            goto out;
        }
        if (archive_entry_filetype(e) == AE_IFLNK) {
            got = arch_note(it, PS_F_LINK_NOT_FOLLOWED, display,
                            "symbolic link inside an archive not followed");
            free(display);
            if (got < 0)
                goto out;
            continue;
        }
        if (archive_entry_filetype(e) != AE_IFREG) {
            got = arch_note(it, PS_F_FOREIGN_FILE, display, "not a regular file");
            free(display);
            if (got < 0)
                goto out;
            continue;
        }
        if (is_installer(name)) {
            got = arch_note(it, PS_F_UNPLANNED_INSTALLER, display,
                            "a Windows installer, not an update package: patchseq cannot order "
                            "it; install it by hand or leave it out of the bundle");
            free(display);
            if (got < 0)
                goto out;
            continue;
        }
        if (archive_entry_size_is_set(e) &&
            (uint64_t)archive_entry_size(e) > (uint64_t)MAX_ARCHIVE_MEMBER) {
            got = arch_note(it, PS_F_UNREADABLE_PACKAGE, display,
                            "larger than 2 GiB: too large to read from an archive");
            free(display);
            if (got < 0)
                goto out;
            continue;
        }
        /* the member, streamed into memory */
        for (;;) {
            la_ssize_t n;

            if (len == cap) {
                size_t ncap = cap ? cap * 2 : 1 << 20;
                unsigned char *nb;

                if (ncap > MAX_ARCHIVE_MEMBER + 1)
                    ncap = MAX_ARCHIVE_MEMBER + 1;
                if (len >= MAX_ARCHIVE_MEMBER)
                    break;
                nb = ps_realloc(buf, ncap);
                if (nb == NULL) {
                    free(display);
                    goto out;
                }
                buf = nb;
                cap = ncap;
            }
            n = archive_read_data(a, buf + len, cap - len);
            if (n == 0)
                break;
            if (n < 0) {
                got = arch_note(it, PS_F_UNREADABLE_PACKAGE, display, "cannot read it from the "
                                "archive: %s", archive_error_string(a));
                free(display);
                if (got < 0)
                    goto out;
                rc = 0;
                goto out; /* the stream cannot go on */
            }
            len += (size_t)n;
            if (opts->limits.max_ratio && len > (1u << 20) &&
                len / opts->limits.max_ratio > (size_t)archive_filter_bytes(a, -1)) {
                got = arch_note(it, PS_F_UNSAFE_INPUT, display, "the archive decompresses at "
                                "more than %u:1 (limit max_ratio); not read further",
                                opts->limits.max_ratio);
                free(display);
                rc = got < 0 ? -1 : 0;
                goto out;
            }
        }
        if (len >= MAX_ARCHIVE_MEMBER) {
            got = arch_note(it, PS_F_UNREADABLE_PACKAGE, display,
                            "larger than 2 GiB: too large to read from an archive");
            free(display);
            if (got < 0)
                goto out;
            continue;
        }
        got = ps_package_read_mem(&pkg, buf, len, display, opts, &it->found, NULL);
        free(display);
        if (got < 0) {
            ps_package_free(&pkg);
            goto out;
        }
        if (got == 1) {
            it->n_foreign++;
            ps_package_free(&pkg);
        } else if (bundle_push(&it->sub, &pkg) < 0) {
            ps_package_free(&pkg);
            goto out;
        }
    }
    if (r != ARCHIVE_EOF) {
        rc = arch_note(it, PS_F_UNREADABLE_PACKAGE, NULL, "cannot read the archive: %s",
                       archive_error_string(a));
        goto out;
    }
    if (it->sub.count > 1)
        qsort(it->sub.items, it->sub.count, sizeof *it->sub.items, cmp_pkg_file);
    rc = 0;
out:
    free(buf);
    archive_read_free(a);
    if (fd >= 0)
        close(fd);
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
    ps_ar_stats stats;

    if (it->kind == K_ARCHIVE) {
        it->rc = read_archive(it, opts, NULL, 0) < 0 ? -1 : 1;
        return 0;
    }
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
    it->rc = ps_package_read_stats(&it->pkg, it->path, it->display, opts, &it->found, &stats);
    if (cache != NULL && it->have_st && it->rc >= 0)
        ps_cache_put(cache, it->path, it->display, &it->st, it->rc, stats.outcome, &it->pkg,
                     &it->found);
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

static int bundle_push(ps_bundle *b, ps_package *p)
{
    if (b->count == b->cap) {
        size_t cap = b->cap ? b->cap * 2 : 16;
        ps_package *n = ps_realloc(b->items, cap * sizeof *n);

        if (n == NULL)
            return -1;
        b->items = n;
        b->cap = cap;
    }
    b->items[b->count++] = *p;
    memset(p, 0, sizeof *p);
    return 0;
}

static void ws_free(struct walk_state *ws)
{
    ps_strv_free(&ws->roots, &ws->nroots);
    free(ws->dev);
    free(ws->ino);
}

/* Counts a finding of the walk (a note, or an archive's own finding)
 * into what was found instead of packages. */
static void count_note(ps_finding_code c, const char *msg, size_t *foreign, size_t *unreadable,
                       size_t *links)
{
    if (c == PS_F_LINK_NOT_FOLLOWED || c == PS_F_DANGLING_LINK)
        (*links)++;
    else if (c == PS_F_UNPLANNED_INSTALLER || c == PS_F_FOREIGN_FILE)
        (*foreign)++;
    else if ((c == PS_F_UNREADABLE_PACKAGE || c == PS_F_UNSAFE_INPUT) && msg != NULL)
        (*unreadable)++;
}

/* The empty-bundle finding when no package could be read: what was found
 * instead, counted per file.  0, or -1 on allocation failure. */
static int check_empty(const struct list *l, const ps_bundle *b, size_t first, ps_findings *f)
{
    size_t foreign = 0, unreadable = b->count - first, links = 0, files = b->count - first;
    ps_where w = {NULL, NULL, 0, PS_ARCH_NONE, NULL, NULL};

    for (size_t i = first; i < b->count; i++)
        if (b->items[i].readable)
            return 0;
    for (size_t i = 0; i < l->count; i++) {
        const struct item *it = &l->items[i];

        if (it->kind == K_NOTE) {
            files++;
            count_note(it->note, it->note_msg, &foreign, &unreadable, &links);
        } else if (it->kind == K_FILE && it->rc == 1) {
            files++;
            foreign++;
        } else if (it->kind == K_ARCHIVE) {
            files += it->n_foreign + it->found.count;
            foreign += it->n_foreign;
            /* the archive's own findings: links, installers, an unreadable archive */
            for (size_t k = 0; k < it->found.count; k++) {
                const ps_finding *x = &it->found.items[k];

                if ((x->code == PS_F_UNREADABLE_PACKAGE && strcmp(x->file, it->display) != 0) ||
                    (x->code == PS_F_FOREIGN_FILE && strcmp(x->message, "not a regular file") != 0))
                    continue; /* a member read: counted with the packages or n_foreign */
                count_note(x->code, x->message, &foreign, &unreadable, &links);
            }
        }
    }
    if (files == 0)
        return ps_findings_add(f, PS_F_EMPTY_BUNDLE, &w,
                               "no update package was read: the bundle holds no files");
    return ps_findings_add(f, PS_F_EMPTY_BUNDLE, &w,
                           "no update package was read: found %zu foreign file%s, %zu "
                           "unreadable, %zu symbolic link%s not followed",
                           foreign, foreign == 1 ? "" : "s", unreadable, links,
                           links == 1 ? "" : "s");
}

int ps_bundle_read(ps_bundle *b, const char *const *paths, size_t npaths,
                   const ps_read_opts *opts, ps_findings *f, char *err, size_t errlen)
{
    struct list l = {NULL, 0, 0};
    struct walk_state ws;
    ps_read_opts defaults;
    struct ext x;
    ps_cache *cache = NULL;
    char *cache_dir = NULL;
    size_t first = b->count;
    int rc = -1, oom = 0;

    memset(&ws, 0, sizeof ws);
    if (err != NULL && errlen > 0)
        err[0] = '\0';
    if (opts == NULL) {
        memset(&defaults, 0, sizeof defaults);
        ps_read_opts_default(&defaults);
        opts = &defaults;
    }
    ext_of(opts, &x);
    /* Every path must be usable before anything is read; the folders are
     * the roots a link may lead into. */
    for (size_t i = 0; i < npaths; i++) {
        struct stat st;

        if (stat(paths[i], &st) < 0) {
            snprintf(err, errlen, "%s: %s", paths[i], strerror(errno));
            goto out;
        }
        if (S_ISDIR(st.st_mode)) {
            char *root = realpath(paths[i], NULL);

            if (root == NULL) {
                snprintf(err, errlen, "%s: %s", paths[i], strerror(errno));
                goto out;
            }
            if (ps_strv_push(&ws.roots, &ws.nroots, root) < 0) {
                free(root);
                goto oom;
            }
            free(root);
        }
    }
    for (size_t i = 0; i < npaths; i++) {
        struct stat st;

        if (stat(paths[i], &st) < 0) {
            snprintf(err, errlen, "%s: %s", paths[i], strerror(errno));
            goto out;
        }
        if (S_ISDIR(st.st_mode)) {
            int r = dir_seen(&ws, &st);

            if (r == 0)
                r = walk(&l, &ws, paths[i], paths[i], NULL, 0);
            if (r < 0)
                goto oom;
        } else if (S_ISREG(st.st_mode) && ps_bundle_is_archive(paths[i])) {
            struct item *it = list_add(&l, paths[i], paths[i], NULL);

            if (it == NULL)
                goto oom;
            it->kind = K_ARCHIVE;
        } else if (S_ISREG(st.st_mode) && is_installer(paths[i])) {
            if (list_note(&l, paths[i], paths[i], PS_F_UNPLANNED_INSTALLER,
                          "a Windows installer, not an update package: patchseq cannot order "
                          "it; install it by hand or leave it out of the bundle") < 0)
                goto oom;
        } else if (list_add(&l, paths[i], paths[i], S_ISREG(st.st_mode) ? &st : NULL) == NULL) {
            goto oom;
        }
    }
    if (dedupe(&l) < 0)
        goto oom;
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

        if (it->rc < 0 || ps_findings_append(f, &it->found) < 0)
            goto oom;
        if (it->rc == 0 && bundle_push(b, &it->pkg) < 0)
            goto oom;
        for (size_t k = 0; it->kind == K_ARCHIVE && k < it->sub.count; k++)
            if (bundle_push(b, &it->sub.items[k]) < 0)
                goto oom;
    }
    if (check_empty(&l, b, first, f) < 0)
        goto oom;
    rc = 0;
    goto out;
oom:
    snprintf(err, errlen, "out of memory");
out:
    ps_cache_close(cache);
    free(cache_dir);
    list_free(&l);
    ws_free(&ws);
    return rc;
}

int ps_bundle_read_archive_mem(ps_bundle *b, const void *data, size_t len, const char *display,
                               const ps_read_opts *opts, ps_findings *f)
{
    struct item it;
    int rc = -1;

    memset(&it, 0, sizeof it);
    it.kind = K_ARCHIVE;
    it.display = ps_strdup(display);
    if (it.display != NULL && read_archive(&it, opts, data, len) == 0 &&
        ps_findings_append(f, &it.found) == 0) {
        rc = 0;
        for (size_t k = 0; k < it.sub.count; k++)
            if (bundle_push(b, &it.sub.items[k]) < 0)
                rc = -1;
    }
    item_free(&it);
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
