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
                "not a DER PKCS#7 catalog (byte 0: tag 0x54 where the ContentInfo SEQUENCE "
                "(0x30) belongs)");

    data = sample_read("win7-kb4538483-x64/update.cat", &len);
    parse_fails(data, 100, PS_F_UNREADABLE_PACKAGE,
                "not a DER PKCS#7 catalog (byte 0: length 8677 runs past the end (96 bytes "
                "left))");
    parse_fails(data, len - 1, PS_F_UNREADABLE_PACKAGE,
                "not a DER PKCS#7 catalog (byte 0: length 8677 runs past the end (8676 bytes "
                "left))");
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

/* Hand-made DER: each case breaks one rule of the walk, at a known byte. */
static void hostile_der(void **state)
{
    /* ContentInfo { signedData, [0] { SignedData { 1, { {sha256} }, {data}, { ... } } } } */
    static const struct {
        unsigned char der[64];
        size_t len;
        const char *msg;
    } cases[] = {
        {{0x30, 0x80, 0x00, 0x00}, 4, "byte 0: indefinite length (BER, not DER)"},
        {{0x30, 0x89, 0, 0, 0, 0, 0, 0, 0, 0, 0}, 11, "byte 0: length of more than 8 bytes"},
        {{0x30, 0x88, 0, 0, 0, 0, 0, 1, 0, 0}, 10,
         "byte 0: length 65536 runs past the end (0 bytes left)"},
        {{0x30, 0x88, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff}, 10,
         "byte 0: length 18446744073709551615 runs past the end (0 bytes left)"},
        {{0x30, 0x84, 0xff, 0xff}, 4, "byte 0: truncated in a length"},
        {{0x30, 0x84, 0xff, 0xff, 0xff, 0xff}, 6,
         "byte 0: length 4294967295 runs past the end (0 bytes left)"},
        {{0x30}, 1, "byte 0: truncated: no room for a tag and a length"},
        {{0x1f, 0x81, 0x01, 0x00}, 4, "byte 0: tag 0x1f where the ContentInfo SEQUENCE (0x30) "
                                      "belongs"},
        {{0x30, 0x00}, 2, "byte 2: the contentType OID missing"},
        /* an OID whose length overruns its SEQUENCE (but not the buffer) */
        {{0x30, 0x03, 0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x07, 0x02}, 13,
         "byte 2: length 9 runs past the end (1 bytes left)"},
        /* signedData without its [0] content */
        {{0x30, 0x0b, 0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x07, 0x02}, 13,
         "byte 13: the [0] content missing"},
        /* [0] { SignedData { version } }: no digestAlgorithms */
        {{0x30, 0x12, 0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x07, 0x02, 0xa0,
          0x05, 0x30, 0x03, 0x02, 0x01, 0x01},
         20, "byte 20: the digestAlgorithms SET missing"},
        /* digestAlgorithms holds an INTEGER, not an AlgorithmIdentifier */
        {{0x30, 0x17, 0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x07, 0x02, 0xa0,
          0x0a, 0x30, 0x08, 0x02, 0x01, 0x01, 0x31, 0x03, 0x02, 0x01, 0x00},
         25, "byte 22: tag 0x02 where an AlgorithmIdentifier (0x30) belongs"},
        /* { {sha1} } and then nothing: no contentInfo */
        {{0x30, 0x1b, 0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x07, 0x02, 0xa0,
          0x0e, 0x30, 0x0c, 0x02, 0x01, 0x01, 0x31, 0x07, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x0e,
          0x03},
         29, "byte 29: the encapsulated contentInfo missing"},
        /* { {sha1} }, {}, and a [1] crls with no signerInfos after it */
        {{0x30, 0x1f, 0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x07, 0x02, 0xa0,
          0x12, 0x30, 0x10, 0x02, 0x01, 0x01, 0x31, 0x07, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x0e,
          0x03, 0x30, 0x00, 0xa1, 0x00},
         33, "byte 33: the signerInfos SET missing"},
        /* ... a SignerInfo whose digestAlgorithm is missing */
        {{0x30, 0x26, 0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x07, 0x02, 0xa0,
          0x19, 0x30, 0x17, 0x02, 0x01, 0x01, 0x31, 0x07, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x0e,
          0x03, 0x30, 0x00, 0x31, 0x07, 0x30, 0x05, 0x02, 0x01, 0x01, 0x30, 0x00},
         40, "byte 40: the SignerInfo's digestAlgorithm missing"},
        /* ... a SET after the signerInfos */
        {{0x30, 0x23, 0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x07, 0x02, 0xa0,
          0x16, 0x30, 0x14, 0x02, 0x01, 0x01, 0x31, 0x07, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x0e,
          0x03, 0x30, 0x00, 0x31, 0x00, 0x31, 0x00},
         37, "byte 33: data after the signerInfos SET"},
    };
    /* the smallest catalog the walk takes: { {sha1} }, {}, {} */
    static const unsigned char ok[] = {0x30, 0x1f, 0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7,
                                       0x0d, 0x01, 0x07, 0x02, 0xa0, 0x12, 0x30, 0x10, 0x02,
                                       0x01, 0x01, 0x31, 0x07, 0x30, 0x05, 0x06, 0x03, 0x2b,
                                       0x0e, 0x03, 0x30, 0x00, 0x31, 0x00};

    (void)state;
    for (size_t i = 0; i < PS_ARRAY_LEN(cases); i++) {
        char want[160];

        snprintf(want, sizeof want, "not a DER PKCS#7 catalog (%s)", cases[i].msg);
        parse_fails(cases[i].der, cases[i].len, PS_F_UNREADABLE_PACKAGE, want);
    }
    /* sha1 is 1.3.14.3.2.26: "2b 0e 03" above is 1.3.14.3, not a digest */
    parse_fails(ok, sizeof ok, PS_F_UNREADABLE_PACKAGE,
                "catalog names no known digest algorithm (MD5, SHA-1, SHA-256, SHA-384, SHA-512)");
}

/* Every prefix of a real catalog fails with an error; trailing bytes after
 * the ContentInfo are ignored, as they were by OpenSSL's decoder. */
static void truncated_samples(void **state)
{
    static const char *const paths[] = {"win7-kb2999226-x64/update.cat",
                                        "win7-kb4538483-x64/update.cat"};

    (void)state;
    for (size_t i = 0; i < PS_ARRAY_LEN(paths); i++) {
        size_t len;
        char *data = sample_read(paths[i], &len);
        char *more = malloc(len + 16);

        for (size_t n = 1; n < len; n++) {
            ps_err err = {0};
            unsigned d = 0xdead;

            assert_int_equal(ps_catalog_parse(data, n, &d, &err), -1);
            assert_int_equal(d, 0);
            assert_non_null(strstr(err.msg, "not a DER PKCS#7 catalog (byte "));
        }
        assert_non_null(more);
        memcpy(more, data, len);
        memset(more + len, 0, 16);
        assert_int_equal(parse_ok(more, len + 16), i == 0 ? PS_DIGEST_SHA1 : PS_DIGEST_SHA256);
        free(more);
        free(data);
    }
}

/* OpenSSL's full PKCS#7 decoder as the oracle: where it reads a mutated
 * real catalog as signedData, the walk reads the same digest algorithms. */
static unsigned openssl_digests(const unsigned char *der, size_t len, int *ok)
{
    const unsigned char *p = der;
    PKCS7 *p7 = d2i_PKCS7(NULL, &p, (long)len);
    unsigned bits = 0;

    *ok = 0;
    if (p7 != NULL && PKCS7_type_is_signed(p7) && p7->d.sign != NULL) {
        STACK_OF(PKCS7_SIGNER_INFO) *si = PKCS7_get_signer_info(p7);
        const X509_ALGOR *algs[64];
        int n = 0;

        for (int i = 0; i < sk_X509_ALGOR_num(p7->d.sign->md_algs) && n < 64; i++)
            algs[n++] = sk_X509_ALGOR_value(p7->d.sign->md_algs, i);
        for (int i = 0; i < sk_PKCS7_SIGNER_INFO_num(si) && n < 64; i++)
            algs[n++] = sk_PKCS7_SIGNER_INFO_value(si, i)->digest_alg;
        for (int i = 0; i < n; i++) {
            const ASN1_OBJECT *obj = NULL;

            X509_ALGOR_get0(&obj, NULL, NULL, algs[i]);
            switch (OBJ_obj2nid(obj)) {
            case NID_md5: bits |= PS_DIGEST_MD5; break;
            case NID_sha1: bits |= PS_DIGEST_SHA1; break;
            case NID_sha256: bits |= PS_DIGEST_SHA256; break;
            case NID_sha384: bits |= PS_DIGEST_SHA384; break;
            case NID_sha512: bits |= PS_DIGEST_SHA512; break;
            default: break;
            }
        }
        *ok = bits != 0;
    }
    PKCS7_free(p7);
    return bits;
}

static void mutated_samples(void **state)
{
    static const char *const paths[] = {"win7-kb2999226-x64/update.cat",
                                        "win7-kb4538483-x64/update.cat"};
    static const unsigned char flips[] = {0x01, 0x80, 0xff};
    unsigned agreed = 0;

    (void)state;
    for (size_t i = 0; i < PS_ARRAY_LEN(paths); i++) {
        size_t len;
        unsigned char *data = (unsigned char *)sample_read(paths[i], &len);

        /* the headers and the digest algorithms lie in the first bytes */
        for (size_t at = 0; at < len && at < 160; at++) {
            for (size_t f = 0; f < PS_ARRAY_LEN(flips); f++) {
                ps_err err = {0};
                unsigned ours = 0, theirs;
                int ok, rc;

                data[at] ^= flips[f];
                theirs = openssl_digests(data, len, &ok);
                rc = ps_catalog_parse(data, len, &ours, &err);
                if (ok) {
                    if (rc != 0)
                        fail_msg("byte %zu ^ 0x%02x: OpenSSL reads it, the walk says %s", at,
                                 flips[f], err.msg);
                    assert_int_equal(ours, theirs);
                    agreed++;
                } else if (rc != 0) {
                    assert_true(err.msg[0] != '\0');
                    assert_int_equal(ours, 0);
                }
                data[at] ^= flips[f];
            }
        }
        free(data);
    }
    assert_true(agreed > 0);
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
        cmocka_unit_test(hostile_der),
        cmocka_unit_test(truncated_samples),
        cmocka_unit_test(mutated_samples),
        cmocka_unit_test(oversize),
    };

    return cmocka_run_group_tests_name("catalog", tests, NULL, NULL);
}
