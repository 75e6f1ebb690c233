/*
 * fuzz_unattend.c - the unattend .xml of an .msu.
 */
#include "fuzz.h"
#include "parse.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    ps_unattend u;
    ps_err err = {0};

    if (ps_unattend_parse(data, size, 1u << 20, &u, &err) == 0) {
        ps_identity copy;

        FUZZ_CHECK(u.identity.name != NULL && u.identity.version != NULL);
        if (ps_identity_copy(&copy, &u.identity) == 0) {
            FUZZ_CHECK(ps_streq_ci(copy.name, u.identity.name));
            ps_identity_free(&copy);
        }
        ps_unattend_free(&u);
    } else {
        FUZZ_CHECK(err.msg[0] != '\0');
        FUZZ_CHECK(u.identity.name == NULL && u.source == NULL);
    }
    return 0;
}
