/*
 * cache.h - metadata cache of package reads (library-private).
 *
 * One entry per package file, in its own file under the cache folder,
 * named by the SHA-256 of (absolute path, display path, reading options).
 * The entry holds the key it was made for (device, inode, size, mtime and
 * ctime in nanoseconds, and the same path and options), the ps_package
 * read and the findings of that file, as JSON behind a header line with
 * the SHA-256 of the JSON:
 *
 *     patchseq-cache 1 <sha256 of the rest of the file, lower-case hex>\n
 *     {"schema":1,"version":"0.1.0","key":"<sha256 of the key>","rc":0,
 *      "package":[...],"findings":[[...],...]}
 *
 * (the package and the findings as arrays in a fixed order: see cache.c).
 *
 * An entry is used only when its header, checksum, schema, version and
 * key all match and every field has the expected type and range; anything
 * else (garbage, truncation, an older schema, a stale key) is a miss, and
 * the fresh read replaces the entry.  An entry without hashes does not
 * satisfy a read that hashes; an entry with hashes serves a read that does
 * not (the hashes are dropped).
 *
 * Results that depend on the moment of the read are not stored: a file
 * that could not be opened or read, a read stopped by the time limit, and
 * a file changed during the read or changed too recently (less than 100 ms
 * before, or 2 s on a file system without sub-second times) for a later
 * change to be sure to move its mtime or ctime.  A cache folder that cannot
 * be created or written is skipped silently.
 */
#ifndef PS_CACHE_H
#define PS_CACHE_H

#include "ps_archive.h"
#include "util.h"

#include <sys/stat.h>

#define PS_CACHE_SCHEMA 1

typedef struct ps_cache ps_cache;

/*
 * The cache folder the options ask for, newly allocated: opts->cache_dir;
 * else, when opts->no_cache is 0, $PATCHSEQ_CACHE_DIR, nothing when
 * PATCHSEQ_NO_CACHE=1, $XDG_CACHE_HOME/patchseq when XDG_CACHE_HOME is an
 * absolute path, ~/.cache/patchseq ($HOME, absolute).  NULL when caching
 * is off or no folder can be named; *oom is set on allocation failure.
 */
char *ps_cache_resolve_dir(const ps_read_opts *opts, int *oom);

/*
 * Opens the cache in dir (created, mode 0700, with its parent, when
 * missing).  NULL when the folder cannot be used (the reads go on
 * without a cache) or on allocation failure.
 */
ps_cache *ps_cache_open(const char *dir, const ps_read_opts *opts);
void ps_cache_close(ps_cache *c);

/*
 * Looks up the read of `path` (shown as `display`) whose stat is `st`.
 * On a hit fills p (file and path set to display and path) and appends
 * the findings of the file to f, and returns 1 with *rc set to what
 * ps_package_read returned.  Returns 0 on a miss, or when memory runs
 * out (p and f are then untouched).
 */
int ps_cache_get(ps_cache *c, const char *path, const char *display, const struct stat *st,
                 ps_package *p, ps_findings *f, int *rc);

/*
 * Stores the outcome of ps_package_read (rc 0 or 1, p, and the findings
 * of that file alone) for a file whose stat before the read was `st`;
 * outcome (the read's ps_ar_stats) says whether it may be kept.
 * Returns 1 when stored, 0 when not (not PS_READ_OF_BYTES, changed, the folder
 * not writable, or out of memory).
 */
int ps_cache_put(ps_cache *c, const char *path, const char *display, const struct stat *st,
                 int rc, ps_read_outcome outcome, const ps_package *p, const ps_findings *f);

#endif /* PS_CACHE_H */
