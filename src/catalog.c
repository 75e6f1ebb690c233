/*
 * catalog.c - update.cat: the digest algorithms of a PKCS#7 SignedData
 * catalog, which tell SHA-1-signed packages from SHA-2-only ones.
 *
 * A bounded DER walk reads only what the answer needs (docs/formats.md §4.2):
 *
 *   ContentInfo SEQUENCE { contentType OID (signedData), [0] EXPLICIT
 *     SignedData SEQUENCE { version INTEGER,
 *                           digestAlgorithms SET OF AlgorithmIdentifier,
 *                           contentInfo SEQUENCE,      -- skipped: the CTL
 *                           [0] certificates OPTIONAL, -- skipped
 *                           [1] crls OPTIONAL,         -- skipped
 *                           signerInfos SET OF SignerInfo SEQUENCE {
 *                             version INTEGER, sid, digestAlgorithm, ... } } }
 *
 * Every length is checked against its parent's end before it is used; the
 * walk has a fixed depth (no recursion), so hostile DER costs one pass over
 * the headers it visits, never over the skipped contents.  Only DER's
 * definite lengths are accepted.
 */
#include "parse.h"

#include <openssl/asn1.h>
#include <openssl/err.h>
#include <openssl/objects.h>

#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

/* Real catalogs are a few KB (rollups: a few MB). */
#define CATALOG_MAX_BYTES (64u * 1024u * 1024u)

enum {
    TAG_INTEGER = 0x02,
    TAG_OID = 0x06,
    TAG_SEQUENCE = 0x30,
    TAG_SET = 0x31,
    TAG_CTX0_PRIM = 0x80,
    TAG_CTX0 = 0xa0,
    TAG_CTX1 = 0xa1,
};

/* A window of the catalog: [p, end). */
struct der {
    const unsigned char *p, *end;
};

/* One TLV: its tag, its contents and where its header starts. */
struct tlv {
    unsigned tag;
    struct der body;
    const unsigned char *at;
};

struct walk {
    const unsigned char *base;
    size_t len;
    ps_err *err;
};

static int bad(const struct walk *w, const unsigned char *at, const char *what)
{
    ps_err_set(w->err, PS_F_UNREADABLE_PACKAGE, 0, "not a DER PKCS#7 catalog (byte %zu: %s)",
               (size_t)(at - w->base), what);
    return -1;
}

/* Reads the TLV at the front of *d into *t and moves *d past it. */
static int next(const struct walk *w, struct der *d, struct tlv *t)
{
    const unsigned char *p = d->p;
    size_t avail = (size_t)(d->end - p), hdr = 2;
    uint64_t n; /* a length of at most 8 bytes: no overflow */

    t->at = p;
    if (avail < 2)
        return bad(w, p, "truncated: no room for a tag and a length");
    t->tag = p[0];
    if ((t->tag & 0x1f) == 0x1f)
        return bad(w, p, "tag of more than one byte");
    if (p[1] < 0x80) {
        n = p[1];
    } else if (p[1] == 0x80) {
        return bad(w, p, "indefinite length (BER, not DER)");
    } else {
        size_t k = p[1] & 0x7fu;

        if (k > 8)
            return bad(w, p, "length of more than 8 bytes");
        if (avail < 2 + k)
            return bad(w, p, "truncated in a length");
        n = 0;
        for (size_t i = 0; i < k; i++)
            n = (n << 8) | p[2 + i];
        hdr += k;
    }
    if (n > avail - hdr) {
        char what[96];

        snprintf(what, sizeof what, "length %" PRIu64 " runs past the end (%zu bytes left)", n,
                 avail - hdr);
        return bad(w, p, what);
    }
    t->body.p = p + hdr;
    t->body.end = p + hdr + (size_t)n;
    d->p = t->body.end;
    return 0;
}

/* next(), expecting the tag `tag`. */
static int expect(const struct walk *w, struct der *d, unsigned tag, const char *name,
                  struct tlv *t)
{
    if (d->p >= d->end) {
        char what[80];

        snprintf(what, sizeof what, "%s missing", name);
        return bad(w, d->p, what);
    }
    if (d->p[0] != tag) {
        char what[96];

        snprintf(what, sizeof what, "tag 0x%02x where %s (0x%02x) belongs", d->p[0], name, tag);
        return bad(w, d->p, what);
    }
    return next(w, d, t);
}

static int oid_is(const struct tlv *oid, const unsigned char *want, size_t n)
{
    return (size_t)(oid->body.end - oid->body.p) == n && memcmp(oid->body.p, want, n) == 0;
}

/* The digest bit of an AlgorithmIdentifier SEQUENCE { OID, params }. */
static int digest_bit(const struct walk *w, const struct tlv *alg, unsigned *bits)
{
    static const unsigned char md5[] = {0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x02, 0x05};
    static const unsigned char sha1[] = {0x2b, 0x0e, 0x03, 0x02, 0x1a};
    /* 2.16.840.1.101.3.4.2.n: n = 1 sha256, 2 sha384, 3 sha512 */
    static const unsigned char sha2[] = {0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02};
    struct der d = alg->body;
    struct tlv oid;

    if (expect(w, &d, TAG_OID, "the digest algorithm's OID", &oid) < 0)
        return -1;
    if (oid_is(&oid, md5, sizeof md5)) {
        *bits |= PS_DIGEST_MD5;
    } else if (oid_is(&oid, sha1, sizeof sha1)) {
        *bits |= PS_DIGEST_SHA1;
    } else if ((size_t)(oid.body.end - oid.body.p) == sizeof sha2 + 1 &&
               memcmp(oid.body.p, sha2, sizeof sha2) == 0) {
        switch (oid.body.p[sizeof sha2]) {
        case 1:
            *bits |= PS_DIGEST_SHA256;
            break;
        case 2:
            *bits |= PS_DIGEST_SHA384;
            break;
        case 3:
            *bits |= PS_DIGEST_SHA512;
            break;
        default: /* sha224 and later: not a bit of ours */
            break;
        }
    }
    return 0;
}

/* contentType is not signedData: name it (the error path only). */
static int not_signed(const struct walk *w, const struct tlv *oid)
{
    const unsigned char *p = oid->at;
    ASN1_OBJECT *obj = d2i_ASN1_OBJECT(NULL, &p, (long)(oid->body.end - oid->at));
    char name[80] = "an unreadable OID";

    if (obj != NULL)
        OBJ_obj2txt(name, sizeof name, obj, 0);
    ASN1_OBJECT_free(obj);
    ERR_clear_error();
    ps_err_set(w->err, PS_F_UNREADABLE_PACKAGE, 0,
               "PKCS#7 content type is %s, expected signedData", name);
    return -1;
}

static int signer_infos(const struct walk *w, struct der set, unsigned *bits)
{
    while (set.p < set.end) {
        struct tlv si, t;
        struct der d;

        if (expect(w, &set, TAG_SEQUENCE, "a SignerInfo", &si) < 0)
            return -1;
        d = si.body;
        if (expect(w, &d, TAG_INTEGER, "the SignerInfo version", &t) < 0)
            return -1;
        if (d.p >= d.end)
            return bad(w, d.p, "the SignerInfo's signer identifier missing");
        if (next(w, &d, &t) < 0)
            return -1;
        if (t.tag != TAG_SEQUENCE && t.tag != TAG_CTX0_PRIM && t.tag != TAG_CTX0)
            return bad(w, t.at, "the SignerInfo's signer identifier is neither "
                                "issuerAndSerialNumber nor subjectKeyIdentifier");
        if (expect(w, &d, TAG_SEQUENCE, "the SignerInfo's digestAlgorithm", &t) < 0 ||
            digest_bit(w, &t, bits) < 0)
            return -1;
    }
    return 0;
}

static int walk(const struct walk *w, unsigned *bits)
{
    static const unsigned char signed_data[] = {0x2a, 0x86, 0x48, 0x86, 0xf7,
                                                0x0d, 0x01, 0x07, 0x02};
    struct der all = {w->base, w->base + w->len}, d;
    struct tlv ci, oid, ctx, sd, t, set;

    if (expect(w, &all, TAG_SEQUENCE, "the ContentInfo SEQUENCE", &ci) < 0)
        return -1;
    d = ci.body;
    if (expect(w, &d, TAG_OID, "the contentType OID", &oid) < 0)
        return -1;
    if (!oid_is(&oid, signed_data, sizeof signed_data))
        return not_signed(w, &oid);
    if (expect(w, &d, TAG_CTX0, "the [0] content", &ctx) < 0 ||
        expect(w, &ctx.body, TAG_SEQUENCE, "the SignedData SEQUENCE", &sd) < 0)
        return -1;
    d = sd.body;
    if (expect(w, &d, TAG_INTEGER, "the SignedData version", &t) < 0 ||
        expect(w, &d, TAG_SET, "the digestAlgorithms SET", &set) < 0)
        return -1;
    while (set.body.p < set.body.end) {
        if (expect(w, &set.body, TAG_SEQUENCE, "an AlgorithmIdentifier", &t) < 0 ||
            digest_bit(w, &t, bits) < 0)
            return -1;
    }
    if (expect(w, &d, TAG_SEQUENCE, "the encapsulated contentInfo", &t) < 0)
        return -1;
    if (d.p >= d.end)
        return bad(w, d.p, "the signerInfos SET missing");
    if (next(w, &d, &t) < 0)
        return -1;
    if (t.tag == TAG_CTX0) { /* certificates */
        if (d.p >= d.end)
            return bad(w, d.p, "the signerInfos SET missing");
        if (next(w, &d, &t) < 0)
            return -1;
    }
    if (t.tag == TAG_CTX1) { /* crls */
        if (d.p >= d.end)
            return bad(w, d.p, "the signerInfos SET missing");
        if (next(w, &d, &t) < 0)
            return -1;
    }
    if (t.tag != TAG_SET)
        return bad(w, t.at, "expected the signerInfos SET");
    if (d.p != d.end)
        return bad(w, d.p, "data after the signerInfos SET");
    return signer_infos(w, t.body, bits);
}

int ps_catalog_parse(const void *data, size_t len, unsigned *digests, ps_err *err)
{
    struct walk w = {data, len, err};
    unsigned bits = 0;

    *digests = 0;
    if (len == 0) {
        ps_err_set(err, PS_F_UNREADABLE_PACKAGE, 0, "empty catalog");
        return -1;
    }
    if (len > CATALOG_MAX_BYTES) {
        ps_err_set(err, PS_F_UNSAFE_INPUT, 0,
                   "catalog of %zu bytes exceeds the limit of %u bytes", len, CATALOG_MAX_BYTES);
        return -1;
    }
    if (walk(&w, &bits) < 0)
        return -1;
    if (bits == 0) {
        ps_err_set(err, PS_F_UNREADABLE_PACKAGE, 0,
                   "catalog names no known digest algorithm (MD5, SHA-1, SHA-256, SHA-384, "
                   "SHA-512)");
        return -1;
    }
    *digests = bits;
    return 0;
}

int ps_catalog_sha2_only(unsigned digests)
{
    const unsigned sha2 = PS_DIGEST_SHA256 | PS_DIGEST_SHA384 | PS_DIGEST_SHA512;

    return (digests & PS_DIGEST_SHA1) == 0 && (digests & sha2) != 0;
}
