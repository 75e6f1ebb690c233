/*
 * bundle.h - the folder walk's library-private entry points (bundle.c).
 */
#ifndef PS_BUNDLE_H
#define PS_BUNDLE_H

#include "util.h"

/*
 * Reads the archive held in memory (len bytes at data) as ps_bundle_read
 * reads an archive given as a PATH: each member read as a package, named
 * display/member.  The entry point of the archive fuzz target.  Returns 0,
 * or -1 on allocation failure.
 */
int ps_bundle_read_archive_mem(ps_bundle *b, const void *data, size_t len, const char *display,
                               const ps_read_opts *opts, ps_findings *f);

#endif /* PS_BUNDLE_H */
