/*
 * digest.h - SHA-256 and SHA-1 of bytes in one pass (OpenSSL EVP): the one
 * hasher of package files, for the reader, locks and validate.
 */
#ifndef PS_DIGEST_H
#define PS_DIGEST_H

#include "util.h"

#include <stdint.h>

/* Called between pieces; nonzero stops the hashing (a time limit). */
typedef int ps_digest_tick_fn(void *user);

/* How hashing failed: why names it ("cannot start hashing", "hashing
 * failed", "read error while hashing: ...", "out of memory"). */
typedef enum ps_digest_fail {
    PS_DIGEST_OK = 0,
    PS_DIGEST_FAILED,   /* OpenSSL refused, or out of memory */
    PS_DIGEST_IO,       /* a read failed */
    PS_DIGEST_STOPPED   /* the tick said stop */
} ps_digest_fail;

/*
 * The digests of len bytes at mem (fd < 0), or of the file open on fd from
 * offset 0 to its end (pread, so the descriptor's offset is not moved),
 * read in pieces of `piece` bytes with tick (may be NULL) called around
 * each.  sha256 / sha1 / size may be NULL.
 */
ps_digest_fail ps_digest(int fd, const void *mem, size_t len, size_t piece,
                         ps_digest_tick_fn *tick, void *user, char sha256[65], char sha1[41],
                         uint64_t *size, char *why, size_t whylen);

/* SHA-256 and SHA-1 (either may be NULL) and size of a regular file, read
 * in full.  0, or -1 with a message (without the path) in err. */
int ps_file_digests(const char *path, char sha256[65], char sha1[41], uint64_t *size, char *err,
                    size_t errlen);

#endif /* PS_DIGEST_H */
