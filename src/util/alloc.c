/*
 * alloc.c - the library's allocator and its failure injection (alloc.h).
 * The counters are atomic: the bundle is read by several threads.
 */
#include "alloc.h"

#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>

static atomic_ulong calls;
static atomic_ulong fail_at; /* 0: never */
static atomic_int failed;

void ps_alloc_fail_at(unsigned long n)
{
    atomic_store(&fail_at, 0);
    if (n == 0)
        return; /* off: the counters stay readable */
    atomic_store(&calls, 0);
    atomic_store(&failed, 0);
    atomic_store(&fail_at, n);
}

unsigned long ps_alloc_count(void)
{
    return atomic_load(&calls);
}

int ps_alloc_failed(void)
{
    return atomic_load(&failed);
}

/* 1 when this allocation is the one chosen to fail. */
static int inject(void)
{
    unsigned long at = atomic_load_explicit(&fail_at, memory_order_relaxed);
    unsigned long n;

    if (at == 0)
        return 0;
    n = atomic_fetch_add(&calls, 1) + 1;
    if (n != at)
        return 0;
    atomic_store(&failed, 1);
    return 1;
}

void *ps_malloc(size_t n)
{
    return inject() ? NULL : malloc(n);
}

void *ps_calloc(size_t n, size_t size)
{
    return inject() ? NULL : calloc(n, size);
}

void *ps_realloc(void *p, size_t n)
{
    return inject() ? NULL : realloc(p, n);
}

void *ps_grow(void *items, size_t *cap, size_t need, size_t size, size_t first)
{
    size_t n = *cap ? *cap : first;
    void *p;

    if (need <= *cap)
        return items;
    if (n == 0)
        n = 1;
    while (n < need)
        n = n > SIZE_MAX / 2 ? need : n * 2;
    if (size && n > SIZE_MAX / size)
        return NULL;
    p = ps_realloc(items, n * size);
    if (p != NULL)
        *cap = n;
    return p;
}
