/*
 * fuzz_catalog.c - update.cat (PKCS#7 SignedData) digest algorithms.
 */
#include "fuzz.h"
#include "parse.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    unsigned digests = 0;
    ps_err err = {0};

    if (ps_catalog_parse(data, size, &digests, &err) == 0) {
        FUZZ_CHECK(digests != 0);
        FUZZ_CHECK(ps_catalog_sha2_only(digests) == !(digests & PS_DIGEST_SHA1) ||
                   digests == PS_DIGEST_MD5);
    } else {
        FUZZ_CHECK(err.msg[0] != '\0' && digests == 0);
    }
    return 0;
}
