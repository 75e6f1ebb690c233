/*
 * fuzz_cabhdr.c - the streaming cabinet header parser (src/read/cabhdr.h).
 *
 * The input is fed once whole and once in pieces whose sizes come from the
 * input's own bytes; both runs must agree (result, every record), and each
 * record handed over must keep the parser's promises: a non-empty name of
 * at most 255 bytes without '\' (turned to '/'), a folder index in range
 * or one of the continuation values, an end inside the largest folder.
 */
#include "fuzz.h"
#include "cabhdr.h"

#include <string.h>

struct digest {
    uint64_t h;
    size_t n;
    const ps_cabhdr *p;
};

static void on_file(void *user, const ps_cab_file *f)
{
    struct digest *d = user;
    size_t len = strlen(f->name);

    FUZZ_CHECK(len > 0 && len < PS_CAB_NAME_MAX);
    FUZZ_CHECK(strchr(f->name, '\\') == NULL);
    FUZZ_CHECK(f->folder >= 0xFFFD || f->folder < d->p->n_folders);
    FUZZ_CHECK((uint64_t)f->folder_offset + f->size <= 0x7FFF8000u);
    FUZZ_CHECK(f->index == d->n);
    for (size_t i = 0; i < len; i++)
        d->h = (d->h ^ (unsigned char)f->name[i]) * 1099511628211ull;
    d->h = (d->h ^ f->size ^ ((uint64_t)f->folder_offset << 32) ^ f->folder) * 1099511628211ull;
    d->n++;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    ps_cabhdr a, b;
    struct digest da = {1469598103934665603ull, 0, &a}, db = {1469598103934665603ull, 0, &b};
    int ra, rb = 0;
    size_t i = 0, k = 0;

    ps_cabhdr_init(&a, 0, on_file, &da);
    ra = ps_cabhdr_feed(&a, data, size);
    FUZZ_CHECK(ra >= -1 && ra <= 1 && ra == a.result);
    FUZZ_CHECK(ra != -1 || a.err[0] != '\0');
    FUZZ_CHECK(ra != 1 || da.n == a.n_files);
    FUZZ_CHECK(da.n <= a.n_files);

    ps_cabhdr_init(&b, 0, on_file, &db);
    while (i < size && rb == 0) {
        size_t step = 1 + (size_t)(data[k++ % size] % 61);

        if (step > size - i)
            step = size - i;
        rb = ps_cabhdr_feed(&b, data + i, step);
        i += step;
    }
    FUZZ_CHECK(ra == rb);
    FUZZ_CHECK(da.n == db.n && da.h == db.h);
    return 0;
}
