/*
 * alloc.h - the allocator of patchseq's own allocations, with a test hook
 * that makes one chosen allocation fail (as pkgconf's and curl's test
 * allocators do), so that the unit tests can walk every allocation of a
 * parse, a plan or a rendering and check each failure is handled: a clean
 * error, nothing leaked (ASan), never a silently shorter document.
 *
 * Every allocation of the library goes through these (or through
 * ps_strdup, ps_asprintf and ps_buf, which use them); free() stays free().
 */
#ifndef PS_ALLOC_H
#define PS_ALLOC_H

#include <stddef.h>

void *ps_malloc(size_t n);
void *ps_calloc(size_t n, size_t size);
void *ps_realloc(void *p, size_t n);

/* Room for at least need items of size bytes in the array items of *cap
 * items: *cap doubles (from first when it is 0) until it holds need, and
 * the array is reallocated with ps_realloc. Returns the array (the same one
 * when *cap already holds need); NULL when the size overflows or the
 * allocation fails, leaving items and *cap as they were. need > 0. */
void *ps_grow(void *items, size_t *cap, size_t need, size_t size, size_t first);

/* Test hook: the n-th allocation from now (1-based) fails, once, and the
 * counters restart; 0 turns the injection off and keeps them. */
void ps_alloc_fail_at(unsigned long n);
/* Allocations since the last ps_alloc_fail_at; and 1 once the chosen one
 * was made to fail. */
unsigned long ps_alloc_count(void);
int ps_alloc_failed(void);

#endif /* PS_ALLOC_H */
