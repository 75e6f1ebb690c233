/*
 * bundle_int.h - what the files of the bundle reader share (private to
 * src/read/): the list of entries found under the paths given, each with
 * the slot its read lands in.  bundle_list.c lists (folders, links),
 * bundle_archive.c reads an archive given as a path, bundle_read.c reads
 * the list on the reading threads, and bundle.c merges it in list order.
 */
#ifndef PS_BUNDLE_INT_H
#define PS_BUNDLE_INT_H

#include "bundle.h"
#include "cache.h"
#include "util.h"

#include <sys/stat.h>

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


/* The settings of ps_read_opts beyond reading one package. */
struct ext {
    const char *cache_dir;
    int no_cache;
    ps_progress_fn progress;
    void *progress_user;
};

/* bundle_list.c */
void bundle_item_free(struct item *it);
void bundle_list_free(struct list *l);
/* Appends an entry (st: of a file to read, or NULL); NULL out of memory. */
struct item *bundle_list_add(struct list *l, const char *path, const char *display,
                             const struct stat *st);
/* Appends an entry that is a finding (code, msg) instead of a file. */
int bundle_list_note(struct list *l, const char *path, const char *display, ps_finding_code code,
                     const char *msg);
/* dir/name, without a doubled '/'; NULL out of memory. */
char *bundle_join(const char *dir, const char *name);
/* 1 for a Windows installer's name (.exe, .msi). */
int bundle_is_installer(const char *name);
/*
 * Lists every entry under paths into l, in the order of the paths, each
 * folder's entries in byte order of their names, a file reached twice
 * once.  0; -1 with err set when a path is not usable (nothing listed is
 * to be read); -2 out of memory.
 */
int bundle_list_paths(struct list *l, const char *const *paths, size_t npaths, char *err,
                      size_t errlen);

/* bundle_archive.c */
/* Reads every member of the archive it->path (or of the `memlen` bytes at
 * mem) as a package.  0, or -1 on allocation failure. */
int bundle_read_archive(struct item *it, const ps_read_opts *opts, const void *mem,
                        size_t memlen);

/* bundle_read.c */
/* Reads every entry of l into its slot, on the reading threads. */
void bundle_read_all(struct list *l, const ps_read_opts *opts, const struct ext *x,
                     ps_cache *cache);

/* bundle.c */
/* Moves *p to the end of b (p is then cleared); -1 out of memory. */
int bundle_push(ps_bundle *b, ps_package *p);

#endif /* PS_BUNDLE_INT_H */
