/*
 * fuzz_catalog.c - update.cat (PKCS#7 SignedData) digest algorithms: the
 * bounded DER walk of catalog.c, with OpenSSL's full PKCS#7 decoder as the
 * oracle: where OpenSSL reads the input as signedData naming a known digest,
 * the walk must read it too, with the same digest algorithms.
 */
#include "fuzz.h"
#include "parse.h"

#include <openssl/err.h>
#include <openssl/objects.h>
#include <openssl/pkcs7.h>
#include <openssl/x509.h>

static unsigned bit_of(const X509_ALGOR *alg)
{
    const ASN1_OBJECT *obj = NULL;

    if (alg == NULL)
        return 0;
    X509_ALGOR_get0(&obj, NULL, NULL, alg);
    switch (OBJ_obj2nid(obj)) {
    case NID_md5:
        return PS_DIGEST_MD5;
    case NID_sha1:
        return PS_DIGEST_SHA1;
    case NID_sha256:
        return PS_DIGEST_SHA256;
    case NID_sha384:
        return PS_DIGEST_SHA384;
    case NID_sha512:
        return PS_DIGEST_SHA512;
    default:
        return 0;
    }
}

/* The digest bits OpenSSL reads, or 0 where it does not read signedData. */
static unsigned oracle(const uint8_t *data, size_t size)
{
    const unsigned char *p = data;
    PKCS7 *p7 = size <= (1u << 24) ? d2i_PKCS7(NULL, &p, (long)size) : NULL;
    unsigned bits = 0;

    if (p7 != NULL && PKCS7_type_is_signed(p7) && p7->d.sign != NULL) {
        STACK_OF(PKCS7_SIGNER_INFO) *si = PKCS7_get_signer_info(p7);

        for (int i = 0; i < sk_X509_ALGOR_num(p7->d.sign->md_algs); i++)
            bits |= bit_of(sk_X509_ALGOR_value(p7->d.sign->md_algs, i));
        for (int i = 0; i < sk_PKCS7_SIGNER_INFO_num(si); i++) {
            PKCS7_SIGNER_INFO *s = sk_PKCS7_SIGNER_INFO_value(si, i);

            if (s != NULL)
                bits |= bit_of(s->digest_alg);
        }
    }
    PKCS7_free(p7);
    ERR_clear_error();
    return bits;
}

/* True where the first TLV of the input uses a BER indefinite length
 * somewhere OpenSSL accepts and DER (the walk) does not. */
static int has_indefinite(const uint8_t *data, size_t size)
{
    for (size_t i = 0; i + 1 < size; i++)
        if ((data[i] & 0x20) && data[i + 1] == 0x80)
            return 1;
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    unsigned digests = 0, want;
    ps_err err = {0};
    int rc = ps_catalog_parse(data, size, &digests, &err);

    if (rc == 0) {
        FUZZ_CHECK(digests != 0);
        FUZZ_CHECK(ps_catalog_sha2_only(digests) == !(digests & PS_DIGEST_SHA1) ||
                   digests == PS_DIGEST_MD5);
    } else {
        FUZZ_CHECK(err.msg[0] != '\0' && digests == 0);
    }
    want = oracle(data, size);
    if (want != 0 && !has_indefinite(data, size))
        FUZZ_CHECK(rc == 0 && digests == want);
    return 0;
}
