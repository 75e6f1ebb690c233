/*
 * fuzz_props.c - pkgProperties.txt parsing (ASCII/UTF-8/UTF-16).
 */
#include "fuzz.h"
#include "parse.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    ps_props p;
    ps_err err = {0};

    if (ps_props_parse(data, size, &p, &err) == 0) {
        FUZZ_CHECK(p.count > 0);
        for (size_t i = 0; i < p.count; i++) {
            FUZZ_CHECK(p.keys[i][0] != '\0');
            FUZZ_CHECK(ps_props_get(&p, p.keys[i]) != NULL);
        }
        ps_props_free(&p);
    } else {
        FUZZ_CHECK(err.msg[0] != '\0');
        FUZZ_CHECK(p.count == 0 && p.keys == NULL && p.values == NULL);
    }
    return 0;
}
