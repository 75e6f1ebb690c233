/*
 * catalog.c - update.cat: the digest algorithms of a PKCS#7 SignedData
 * catalog, which tell SHA-1-signed packages from SHA-2-only ones.
 */
#include "parse.h"

#include <limits.h>
#include <openssl/err.h>
#include <openssl/objects.h>
#include <openssl/pkcs7.h>
#include <openssl/x509.h>

/* Real catalogs are a few KB (rollups: a few MB). */
#define CATALOG_MAX_BYTES (64u * 1024u * 1024u)

static unsigned digest_bit(const X509_ALGOR *alg)
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

int ps_catalog_parse(const void *data, size_t len, unsigned *digests, ps_err *err)
{
    const unsigned char *p = data;
    PKCS7 *p7 = NULL;
    STACK_OF(PKCS7_SIGNER_INFO) *signers;
    unsigned bits = 0;
    int rc = -1;

    *digests = 0;
    if (len == 0) {
        ps_err_set(err, PS_F_UNREADABLE_PACKAGE, 0, "empty catalog");
        goto out;
    }
    if (len > CATALOG_MAX_BYTES || len > (size_t)LONG_MAX) {
        ps_err_set(err, PS_F_UNSAFE_INPUT, 0,
                   "catalog of %zu bytes exceeds the limit of %u bytes", len, CATALOG_MAX_BYTES);
        goto out;
    }
    p7 = d2i_PKCS7(NULL, &p, (long)len);
    if (p7 == NULL) {
        ps_err_set(err, PS_F_UNREADABLE_PACKAGE, 0, "not a DER PKCS#7 catalog");
        goto out;
    }
    if (!PKCS7_type_is_signed(p7) || p7->d.sign == NULL) {
        char name[80];

        OBJ_obj2txt(name, sizeof name, p7->type, 0);
        ps_err_set(err, PS_F_UNREADABLE_PACKAGE, 0,
                   "PKCS#7 content type is %s, expected signedData", name);
        goto out;
    }
    for (int i = 0; i < sk_X509_ALGOR_num(p7->d.sign->md_algs); i++)
        bits |= digest_bit(sk_X509_ALGOR_value(p7->d.sign->md_algs, i));
    signers = PKCS7_get_signer_info(p7);
    for (int i = 0; i < sk_PKCS7_SIGNER_INFO_num(signers); i++) {
        PKCS7_SIGNER_INFO *si = sk_PKCS7_SIGNER_INFO_value(signers, i);

        if (si != NULL)
            bits |= digest_bit(si->digest_alg);
    }
    if (bits == 0) {
        ps_err_set(err, PS_F_UNREADABLE_PACKAGE, 0,
                   "catalog names no known digest algorithm (MD5, SHA-1, SHA-256, SHA-384, "
                   "SHA-512)");
        goto out;
    }
    *digests = bits;
    rc = 0;
out:
    PKCS7_free(p7);
    ERR_clear_error();
    return rc;
}

int ps_catalog_sha2_only(unsigned digests)
{
    const unsigned sha2 = PS_DIGEST_SHA256 | PS_DIGEST_SHA384 | PS_DIGEST_SHA512;

    return (digests & PS_DIGEST_SHA1) == 0 && (digests & sha2) != 0;
}
