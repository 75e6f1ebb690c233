/*
 * lock.h - bundle locks (`patchseq lock`, `patchseq validate --lock`).
 *
 * A lock records what CI approved: each package file of the bundle (its
 * display path, size and SHA-256) and the digest of the plan computed from
 * it.  Checking a bundle against its lock reports files added since
 * (lock-mismatch), files gone (lock-mismatch), files whose bytes changed
 * (hash-mismatch) and a plan that is no longer the one locked
 * (lock-mismatch), so that the bundle that reaches the maintenance window
 * is the one CI validated.
 *
 * The lock file is JSON:
 *   {"schema": "patchseq.lock/1", "generator": "patchseq 0.1.0",
 *    "plan_digest": "<64 hex>",
 *    "files": [{"path": "bundle/Windows6.0-KB4474419-v4-x64.msu",
 *               "size": 1234, "sha256": "<64 hex>"}, ...]}
 * Files are sorted by path (byte order).  A file's lock path is its path
 * relative to the folder that holds the PATH argument it was found under:
 * "bundle/X.msu" whether the argument was "bundle", "./bundle/" or
 * "/srv/bundles/bundle" (a file given as PATH: its own name).  So a bundle
 * locked in CI is checked wherever it was copied, as long as its folder
 * keeps its name.
 *
 * The plan digest is the SHA-256 of the canonical plan JSON: the plans of
 * every (OS, architecture) of the bundle with nothing installed, each
 *   {"os", "arch", "start_build", "end_build", "reboots",
 *    "steps": [{"action": "install", "kb", "file"} | {"action": "reboot"}],
 *    "skipped": [{"kb", "file", "why"}]}
 * ("file" being the lock path) in the planner's order, serialised by jansson with sorted keys, no
 * whitespace and ASCII only.  Reasons and wording are left out: the digest
 * changes when what is installed, in which order, or the reboots change,
 * not when an explanation is reworded.
 */
#ifndef PS_LOCK_H
#define PS_LOCK_H

#include "digest.h"
#include "plan.h"
#include "util.h"

#define PS_LOCK_SCHEMA "patchseq.lock/1"
#define PS_LOCK_MAX_BYTES (64u * 1024u * 1024u) /* size of a lock file */
#define PS_LOCK_MAX_FILES 1000000u              /* entries of a lock file */

typedef struct ps_lock_file {
    char *path;          /* lock path (see above) */
    char *display;       /* display path when read from the bundle, else NULL */
    uint64_t size;
    char sha256[65];     /* lower-case hex */
} ps_lock_file;

typedef struct ps_lock {
    ps_lock_file *files; /* sorted by path, unique */
    size_t count;
    char plan_digest[65];/* lower-case hex; "" when not known */
} ps_lock;

/* The lock path of `display`, found under one of the PATH arguments
 * `roots` (the longest that holds it); `display` itself when none does.
 * NULL on allocation failure. */
char *ps_lock_path(const char *display, const char *const *roots, size_t nroots);

/* The canonical plan JSON described above, with lock paths made from
 * `roots` (NULL: display paths); NUL-terminated, the caller frees it.  NULL
 * on allocation failure. */
char *ps_plan_canonical_json(const ps_plan *plan, const char *const *roots, size_t nroots,
                             size_t *len);
/* SHA-256 of the canonical plan JSON in hex.  0, or -1 on failure. */
int ps_plan_digest(const ps_plan *plan, const char *const *roots, size_t nroots, char out[65]);


/*
 * Builds the lock of a bundle read from the PATH arguments `roots`: every
 * package file (packages the reader did not hash are hashed here) and the
 * plan's digest.  A file that cannot be hashed is left out with an
 * unreadable-package finding.  The same file named twice is one entry; two
 * files with one lock path (two PATH folders of the same name) keep the
 * first, with a lock-mismatch finding on the other.  Returns 0, or -1 on
 * allocation failure.
 */
int ps_lock_build(ps_lock *l, const ps_bundle *b, const ps_plan *plan, const char *const *roots,
                  size_t nroots, ps_findings *f);

/* The lock file text (NUL-terminated, caller frees), or NULL on OOM. */
char *ps_lock_render(const ps_lock *l, size_t *len);

/* Parses a lock file held in memory.  0, or -1 with err set (line when the
 * JSON itself is malformed): PS_E_FORMAT, PS_E_LIMIT or PS_E_OOM, and no
 * finding (a lock file is no package).  `l` is left empty on failure. */
int ps_lock_parse(ps_lock *l, const void *data, size_t len, ps_err *err);
/* Reads (at most PS_LOCK_MAX_BYTES) and parses path.  0, or -1 with
 * "PATH: message" in err. */
int ps_lock_load(ps_lock *l, const char *path, char *err, size_t errlen);

/*
 * Compares the bundle now (`now`, from ps_lock_build) with the lock read
 * from `lockname` (the name used in messages): added and missing files and
 * a changed plan are lock-mismatch findings, a file whose size or SHA-256
 * changed is hash-mismatch.  Returns the number of findings added, or -1 on
 * allocation failure.
 */
int ps_lock_compare(const ps_lock *locked, const ps_lock *now, const char *lockname,
                    ps_findings *f);

void ps_lock_free(ps_lock *l);

#endif /* PS_LOCK_H */
