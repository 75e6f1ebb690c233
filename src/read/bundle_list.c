/*
 * bundle_list.c - the listing of a bundle: the paths given, the folders
 * walked in byte order of their names, the symbolic-link policy (followed
 * inside the roots, never in a loop), installers and other entries noted
 * as findings, and a file reached twice listed once (see bundle.c).
 */
#include "bundle_int.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define MAX_FOLDER_DEPTH 64

void bundle_item_free(struct item *it)
{
    free(it->path);
    free(it->display);
    free(it->note_msg);
    ps_package_free(&it->pkg);
    ps_findings_free(&it->found);
    ps_bundle_free(&it->sub);
}

void bundle_list_free(struct list *l)
{
    for (size_t i = 0; i < l->count; i++)
        bundle_item_free(&l->items[i]);
    free(l->items);
    memset(l, 0, sizeof *l);
}

struct item *bundle_list_add(struct list *l, const char *path, const char *display,
                             const struct stat *st)
{
    struct item *it;

    if (l->count == l->cap) {
        struct item *n = ps_grow(l->items, &l->cap, l->count + 1, sizeof *n, 32);

        if (n == NULL)
            return NULL;
        l->items = n;
    }
    it = &l->items[l->count];
    memset(it, 0, sizeof *it);
    it->path = ps_strdup(path);
    it->display = ps_strdup(display);
    if (it->path == NULL || it->display == NULL) {
        bundle_item_free(it);
        return NULL;
    }
    if (st != NULL) {
        it->st = *st;
        it->have_st = 1;
    }
    l->count++;
    return it;
}

int bundle_list_note(struct list *l, const char *path, const char *display, ps_finding_code code,
                     const char *msg)
{
    struct item *it = bundle_list_add(l, path, display, NULL);

    if (it == NULL)
        return -1;
    it->kind = K_NOTE;
    it->note = code;
    it->note_msg = ps_strdup(msg);
    return it->note_msg ? 0 : -1;
}

char *bundle_join(const char *dir, const char *name)
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

static void ws_free(struct walk_state *ws)
{
    ps_strv_free(&ws->roots, &ws->nroots);
    free(ws->dev);
    free(ws->ino);
}

int bundle_is_installer(const char *name)
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
        size_t cap = ws->capdirs; /* the two arrays share it */
        dev_t *d = ps_grow(ws->dev, &cap, ws->ndirs + 1, sizeof *d, 16);
        ino_t *n;

        if (d == NULL)
            return -1;
        ws->dev = d;
        cap = ws->capdirs;
        n = ps_grow(ws->ino, &cap, ws->ndirs + 1, sizeof *n, 16);
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
        r = msg ? bundle_list_note(l, p, q, PS_F_UNREADABLE_PACKAGE, msg) : -1;
        free(msg);
        return r;
    }
    if (S_ISDIR(st.st_mode)) {
        r = dir_seen(ws, &st);
        return r != 0 ? (r < 0 ? -1 : 0) : walk(l, ws, p, q, here, depth + 1);
    }
    if (S_ISREG(st.st_mode)) {
        if (bundle_is_installer(q))
            return bundle_list_note(l, p, q, PS_F_UNPLANNED_INSTALLER,
                             "a Windows installer, not an update package: patchseq cannot "
                             "order it; install it by hand or leave it out of the bundle");
        return bundle_list_add(l, p, q, &st) ? 0 : -1;
    }
    if (!S_ISLNK(st.st_mode))
        return bundle_list_note(l, p, q, PS_F_FOREIGN_FILE, "not a regular file");
    /* a symbolic link: followed when its target is inside a root */
    if (stat(p, &st) < 0) {
        int e = errno;

        if (e == ELOOP)
            return bundle_list_note(l, p, q, PS_F_LINK_NOT_FOLLOWED,
                             "symbolic link not followed: it loops (too many levels of links)");
        msg = ps_asprintf("dangling symbolic link: its target cannot be reached (%s)",
                          strerror(e));
        r = msg ? bundle_list_note(l, p, q, PS_F_DANGLING_LINK, msg) : -1;
        free(msg);
        return r;
    }
    real = realpath(p, NULL);
    if (real == NULL) {
        msg = ps_asprintf("dangling symbolic link: its target cannot be resolved (%s)",
                          strerror(errno));
        r = msg ? bundle_list_note(l, p, q, PS_F_DANGLING_LINK, msg) : -1;
        free(msg);
        return r;
    }
    if (!inside_roots(ws, real)) {
        r = bundle_list_note(l, p, q, PS_F_LINK_NOT_FOLLOWED,
                      "symbolic link not followed: its target is outside the folders given "
                      "(give the folder that holds the targets too)");
    } else if (S_ISDIR(st.st_mode)) {
        if (on_chain(here, &st)) {
            r = bundle_list_note(l, p, q, PS_F_LINK_NOT_FOLLOWED,
                          "symbolic link not followed: it names a folder it is inside (a loop)");
        } else {
            r = dir_seen(ws, &st);
            r = r != 0 ? (r < 0 ? -1 : 0) : walk(l, ws, real, q, here, depth + 1);
        }
    } else if (S_ISREG(st.st_mode)) {
        if (bundle_is_installer(q))
            r = bundle_list_note(l, p, q, PS_F_UNPLANNED_INSTALLER,
                          "a Windows installer, not an update package: patchseq cannot order "
                          "it; install it by hand or leave it out of the bundle");
        else
            r = bundle_list_add(l, real, q, &st) ? 0 : -1; /* the resolved path is opened */
    } else {
        r = bundle_list_note(l, p, q, PS_F_FOREIGN_FILE, "symbolic link to something not a regular file");
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
        return bundle_list_note(l, dir, display, PS_F_UNSAFE_INPUT,
                         "folder nested more than 64 levels deep; not read");
    d = opendir(dir);
    if (d == NULL || fstat(dirfd(d), &st) < 0) {
        char *msg = ps_asprintf("cannot read folder: %s", strerror(errno));

        rc = msg ? bundle_list_note(l, dir, display, PS_F_UNREADABLE_PACKAGE, msg) : -1;
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
        char *p = bundle_join(dir, names[i]);
        char *q = bundle_join(display, names[i]);
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
            bundle_item_free(&l->items[i]);
        else
            l->items[j++] = l->items[i];
    }
    l->count = j;
    return 0;
}

/* The first stat of a path that fails: err set, -1. */
static int unusable(const char *path, char *err, size_t errlen)
{
    snprintf(err, errlen, "%s: %s", path, strerror(errno));
    return -1;
}

int bundle_list_paths(struct list *l, const char *const *paths, size_t npaths, char *err,
                      size_t errlen)
{
    struct walk_state ws;
    struct stat *st = NULL;
    int rc = -2;

    memset(&ws, 0, sizeof ws);
    if (npaths > 0 && (st = ps_calloc(npaths, sizeof *st)) == NULL)
        return -2;
    /* Every path must be usable before anything is read; the folders are
     * the roots a link may lead into. */
    for (size_t i = 0; i < npaths; i++) {
        char *root;

        if (stat(paths[i], &st[i]) < 0) {
            rc = unusable(paths[i], err, errlen);
            goto out;
        }
        if (!S_ISDIR(st[i].st_mode))
            continue;
        if ((root = realpath(paths[i], NULL)) == NULL) {
            rc = unusable(paths[i], err, errlen);
            goto out;
        }
        if (ps_strv_push(&ws.roots, &ws.nroots, root) < 0) {
            free(root);
            goto out;
        }
        free(root);
    }
    for (size_t i = 0; i < npaths; i++) {
        if (S_ISDIR(st[i].st_mode)) {
            int r = dir_seen(&ws, &st[i]);

            if (r == 0)
                r = walk(l, &ws, paths[i], paths[i], NULL, 0);
            if (r < 0)
                goto out;
        } else if (S_ISREG(st[i].st_mode) && ps_bundle_is_archive(paths[i])) {
            struct item *it = bundle_list_add(l, paths[i], paths[i], NULL);

            if (it == NULL)
                goto out;
            it->kind = K_ARCHIVE;
        } else if (S_ISREG(st[i].st_mode) && bundle_is_installer(paths[i])) {
            if (bundle_list_note(l, paths[i], paths[i], PS_F_UNPLANNED_INSTALLER,
                                 "a Windows installer, not an update package: patchseq cannot "
                                 "order it; install it by hand or leave it out of the bundle") < 0)
                goto out;
        } else if (bundle_list_add(l, paths[i], paths[i], S_ISREG(st[i].st_mode) ? &st[i] : NULL) ==
                   NULL) {
            goto out;
        }
    }
    rc = dedupe(l) < 0 ? -2 : 0;
out:
    free(st);
    ws_free(&ws);
    return rc;
}
