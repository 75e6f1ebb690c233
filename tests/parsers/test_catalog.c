/*
 * test_catalog.c - update.cat digest algorithms: the real SHA-1 and SHA-256
 * catalogs, PKCS#7 structures built here, and errors.
 */
#include "parse.h"
#include "sample.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <openssl/objects.h>
#include <openssl/pkcs7.h>
#include <openssl/x509.h>

static unsigned parse_ok(const void *data, size_t len)
{
    ps_err err = {0};
    unsigned d = 0xdead;

    if (ps_catalog_parse(data, len, &d, &err) != 0)
        fail_msg("%s", err.msg);
    return d;
}

static void parse_fails(const void *data, size_t len, ps_finding_code code, const char *msg)
{
    ps_err err = {0};
    unsigned d = 0xdead;

    assert_int_equal(ps_catalog_parse(data, len, &d, &err), -1);
    assert_err(&err, code, 0, msg);
    assert_int_equal(d, 0);
}

static void sha1_catalog(void **state)
{
    size_t len;
    char *data = sample_read("win7-kb2999226-x64/update.cat", &len);
    unsigned d;

    (void)state;
    assert_int_equal(len, 7455);
    d = parse_ok(data, len);
    assert_int_equal(d, PS_DIGEST_SHA1);
    assert_int_equal(ps_catalog_sha2_only(d), 0);
    free(data);
}

static void sha256_catalog(void **state)
{
    size_t len;
    char *data = sample_read("win7-kb4538483-x64/update.cat", &len);
    unsigned d;

    (void)state;
    assert_int_equal(len, 8681);
    d = parse_ok(data, len);
    assert_int_equal(d, PS_DIGEST_SHA256);
    assert_int_equal(ps_catalog_sha2_only(d), 1);
    free(data);
}

static void sha2_only_rule(void **state)
{
    (void)state;
    assert_int_equal(ps_catalog_sha2_only(0), 0);
    assert_int_equal(ps_catalog_sha2_only(PS_DIGEST_MD5), 0);
    assert_int_equal(ps_catalog_sha2_only(PS_DIGEST_SHA1), 0);
    assert_int_equal(ps_catalog_sha2_only(PS_DIGEST_SHA1 | PS_DIGEST_SHA256), 0);
    assert_int_equal(ps_catalog_sha2_only(PS_DIGEST_SHA256), 1);
    assert_int_equal(ps_catalog_sha2_only(PS_DIGEST_SHA384 | PS_DIGEST_SHA512), 1);
    assert_int_equal(ps_catalog_sha2_only(PS_DIGEST_MD5 | PS_DIGEST_SHA512), 1);
}

static X509_ALGOR *algor(int nid)
{
    X509_ALGOR *a = X509_ALGOR_new();

    assert_non_null(a);
    assert_int_equal(X509_ALGOR_set0(a, OBJ_nid2obj(nid), V_ASN1_NULL, NULL), 1);
    return a;
}

/* DER of a SignedData with these digestAlgorithms and one SignerInfo per
 * signer digest (0-terminated lists). */
static unsigned char *signed_data(const int *md_nids, const int *signer_nids, size_t *len)
{
    PKCS7 *p7 = PKCS7_new();
    unsigned char *der = NULL;
    int n;

    assert_non_null(p7);
    assert_int_equal(PKCS7_set_type(p7, NID_pkcs7_signed), 1);
    assert_int_equal(PKCS7_content_new(p7, NID_pkcs7_data), 1);
    for (; *md_nids; md_nids++)
        assert_true(sk_X509_ALGOR_push(p7->d.sign->md_algs, algor(*md_nids)) > 0);
    for (; *signer_nids; signer_nids++) {
        PKCS7_SIGNER_INFO *si = PKCS7_SIGNER_INFO_new();

        assert_non_null(si);
        assert_int_equal(X509_ALGOR_set0(si->digest_alg, OBJ_nid2obj(*signer_nids), V_ASN1_NULL,
                                         NULL),
                         1);
        assert_int_equal(X509_ALGOR_set0(si->digest_enc_alg, OBJ_nid2obj(NID_rsaEncryption),
                                         V_ASN1_NULL, NULL),
                         1);
        assert_true(sk_PKCS7_SIGNER_INFO_push(p7->d.sign->signer_info, si) > 0);
    }
    n = i2d_PKCS7(p7, &der);
    assert_true(n > 0);
    PKCS7_free(p7);
    *len = (size_t)n;
    return der;
}

static void built_catalogs(void **state)
{
    static const struct {
        int md[4], signers[4];
        unsigned want;
    } cases[] = {
        {{NID_sha384, NID_sha512, 0}, {0}, PS_DIGEST_SHA384 | PS_DIGEST_SHA512},
        {{NID_md5, 0}, {0}, PS_DIGEST_MD5},
        /* a SHA-1 signer counts even when digestAlgorithms omits it */
        {{NID_sha256, 0}, {NID_sha1, 0}, PS_DIGEST_SHA1 | PS_DIGEST_SHA256},
        {{0}, {NID_sha256, NID_sha224, 0}, PS_DIGEST_SHA256},
        {{NID_sha224, NID_sha1, 0}, {0}, PS_DIGEST_SHA1},
    };

    (void)state;
    for (size_t i = 0; i < PS_ARRAY_LEN(cases); i++) {
        size_t len;
        unsigned char *der = signed_data(cases[i].md, cases[i].signers, &len);

        assert_int_equal(parse_ok(der, len), cases[i].want);
        OPENSSL_free(der);
    }
}

static void errors(void **state)
{
    static const int sha224[] = {NID_sha224, 0}, none[] = {0};
    size_t len;
    unsigned char *der;
    PKCS7 *p7;
    char *data;
    int n;

    (void)state;
    parse_fails("", 0, PS_F_UNREADABLE_PACKAGE, "empty catalog");
    parse_fails("This is not a catalog.\n", 23, PS_F_UNREADABLE_PACKAGE,
                "not a DER PKCS#7 catalog");

    data = sample_read("win7-kb4538483-x64/update.cat", &len);
    parse_fails(data, 100, PS_F_UNREADABLE_PACKAGE, "not a DER PKCS#7 catalog");
    parse_fails(data, len - 1, PS_F_UNREADABLE_PACKAGE, "not a DER PKCS#7 catalog");
    free(data);

    /* well-formed PKCS#7, but plain data */
    p7 = PKCS7_new();
    assert_non_null(p7);
    assert_int_equal(PKCS7_set_type(p7, NID_pkcs7_data), 1);
    der = NULL;
    n = i2d_PKCS7(p7, &der);
    assert_true(n > 0);
    parse_fails(der, (size_t)n, PS_F_UNREADABLE_PACKAGE,
                "PKCS#7 content type is pkcs7-data, expected signedData");
    OPENSSL_free(der);
    PKCS7_free(p7);

    der = signed_data(sha224, none, &len);
    parse_fails(der, len, PS_F_UNREADABLE_PACKAGE,
                "catalog names no known digest algorithm (MD5, SHA-1, SHA-256, SHA-384, SHA-512)");
    OPENSSL_free(der);
    der = signed_data(none, none, &len);
    parse_fails(der, len, PS_F_UNREADABLE_PACKAGE,
                "catalog names no known digest algorithm (MD5, SHA-1, SHA-256, SHA-384, SHA-512)");
    OPENSSL_free(der);
}

static void oversize(void **state)
{
    size_t n = 64u * 1024u * 1024u + 1u;
    char *big = calloc(n, 1);

    (void)state;
    assert_non_null(big);
    parse_fails(big, n, PS_F_UNSAFE_INPUT,
                "catalog of 67108865 bytes exceeds the limit of 67108864 bytes");
    free(big);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(sha1_catalog),
        cmocka_unit_test(sha256_catalog),
        cmocka_unit_test(sha2_only_rule),
        cmocka_unit_test(built_catalogs),
        cmocka_unit_test(errors),
        cmocka_unit_test(oversize),
    };

    return cmocka_run_group_tests_name("catalog", tests, NULL, NULL);
}
