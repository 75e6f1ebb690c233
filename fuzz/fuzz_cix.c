/*
 * fuzz_cix.c - `_manifest_.cix.xml` through the streaming reader
 * (src/read/cix.h), pulled in pieces sized by the input's own bytes.
 */
#include "fuzz.h"
#include "cix.h"

#include <string.h>

struct src {
    const uint8_t *data;
    size_t size, pos, k;
};

static long pull(void *user, void *buf, size_t n, ps_err *err)
{
    struct src *s = user;
    size_t step;

    (void)err;
    if (s->pos >= s->size)
        return 0;
    step = 1 + (size_t)(s->data[s->k++ % s->size] % 97);
    if (step > n)
        step = n;
    if (step > s->size - s->pos)
        step = s->size - s->pos;
    memcpy(buf, s->data + s->pos, step);
    s->pos += step;
    return (long)step;
}

static void on_name(void *user, const char *name)
{
    size_t *count = user;

    FUZZ_CHECK(name != NULL);
    (*count)++;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct src s = {data, size, 0, 0};
    size_t count = 0;
    ps_err err = {0};
    int failed = 0;
    long n;

    if (size == 0)
        return 0;
    n = ps_cix_stream(pull, &s, 1u << 20, 1000, on_name, &count, &err, &failed);
    if (n >= 0) {
        FUZZ_CHECK((size_t)n == count && count <= 1000);
    } else {
        FUZZ_CHECK(err.msg[0] != '\0');
        FUZZ_CHECK(count <= 1000);
    }
    return 0;
}
