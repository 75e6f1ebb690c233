/*
 * cix.h - `_manifest_.cix.xml` (the member index of an update cab,
 * formats.md §2.1) read with a streaming parser (libxml2's xmlReader):
 * library-private.
 *
 * The reader takes member names from the cabinet header (cabhdr.h); the
 * cix is its fallback, for a cab whose header cannot be parsed.  It is
 * never held whole nor built into a tree: the bytes are pulled through a
 * read function as the parser needs them, and each <File name="..."/> is
 * handed to a callback, so memory does not grow with the document.  As
 * for every XML document: no network, no DTD loading, no entity
 * substitution, a DOCTYPE refused, a size cap.
 */
#ifndef PS_CIX_H
#define PS_CIX_H

#include "util.h"

/* Pulls up to n bytes: the count, 0 at the end, -1 with err filled. */
typedef long ps_cix_read_fn(void *user, void *buf, size_t n, ps_err *err);

/* One File@name, as written (a payload path keeps its '\'). */
typedef void ps_cix_name_fn(void *user, const char *name);

/*
 * Streams the document; returns the number of names handed over (at most
 * max_names, 0 = no cap), or -1 with err filled: not well-formed (with the
 * line), a DOCTYPE, over max_bytes, or the read function's own error
 * (*read_failed set for these two: reading stopped, the package cannot
 * be read further).
 */
long ps_cix_stream(ps_cix_read_fn *read, void *read_user, size_t max_bytes, size_t max_names,
                   ps_cix_name_fn *on_name, void *user, ps_err *err, int *read_failed);

#endif /* PS_CIX_H */
