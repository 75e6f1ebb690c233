/*
 * reader.h - reading one package: the entry points beyond the public
 * ps_package_read() (library-private).
 */
#ifndef PS_READER_H
#define PS_READER_H

#include "ps_archive.h"

/*
 * ps_package_read() that also returns the reading counters (reader.c);
 * stats may be NULL.
 */
int ps_package_read_stats(ps_package *p, const char *path, const char *display,
                          const ps_read_opts *opts, ps_findings *f, ps_ar_stats *stats);

/*
 * ps_package_read_stats() of a package held in memory (len bytes at data;
 * p->path is left NULL, p->size is len): the entry point of the package
 * fuzz target, and of callers that have the bytes already.
 */
int ps_package_read_mem(ps_package *p, const void *data, size_t len, const char *display,
                        const ps_read_opts *opts, ps_findings *f, ps_ar_stats *stats);

#endif /* PS_READER_H */
