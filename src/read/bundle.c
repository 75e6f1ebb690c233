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
 *
 * This file merges the slots in list order and says when the bundle is
 * empty; the listing is in bundle_list.c, an archive given as a path in
 * bundle_archive.c, the reading threads in bundle_read.c.
 */
#include "bundle_int.h"
#include "findings.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void ext_of(const ps_read_opts *o, struct ext *x)
{
    x->cache_dir = o->cache_dir;
    x->no_cache = o->no_cache;
    x->progress = o->progress;
    x->progress_user = o->progress_user;
}

int bundle_push(ps_bundle *b, ps_package *p)
{
    if (b->count == b->cap) {
        ps_package *n = ps_grow(b->items, &b->cap, b->count + 1, sizeof *n, 16);

        if (n == NULL)
            return -1;
        b->items = n;
    }
    b->items[b->count++] = *p;
    memset(p, 0, sizeof *p);
    return 0;
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
    ps_read_opts defaults;
    struct ext x;
    ps_cache *cache = NULL;
    char *cache_dir = NULL;
    size_t first = b->count;
    int rc = -1, oom = 0;

    if (err != NULL && errlen > 0)
        err[0] = '\0';
    if (opts == NULL) {
        memset(&defaults, 0, sizeof defaults);
        ps_read_opts_default(&defaults);
        opts = &defaults;
    }
    ext_of(opts, &x);
    switch (bundle_list_paths(&l, paths, npaths, err, errlen)) {
    case 0:
        break;
    case -1:
        goto out;
    default:
        goto oom;
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
    bundle_read_all(&l, opts, &x, cache);
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
    bundle_list_free(&l);
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
    if (it.display != NULL && bundle_read_archive(&it, opts, data, len) == 0 &&
        ps_findings_append(f, &it.found) == 0) {
        rc = 0;
        for (size_t k = 0; k < it.sub.count; k++)
            if (bundle_push(b, &it.sub.items[k]) < 0)
                rc = -1;
    }
    bundle_item_free(&it);
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

