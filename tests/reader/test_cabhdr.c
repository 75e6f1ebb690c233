/*
 * test_cabhdr.c - the streaming cabinet header parser (src/read/cabhdr.h):
 * real cabinets made by gcab (the same names libarchive lists), fed whole,
 * byte by byte and in uneven pieces; headers with reserve fields and
 * prev/next cabinet names; and every malformed field it refuses.  Also
 * the streaming `_manifest_.cix.xml` reader (src/read/cix.h), its fallback.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "cabhdr.h"
#include "cix.h"
#include "ps_archive.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define FX PS_READER_FIXTURES

struct names {
    char v[64][PS_CAB_NAME_MAX];
    uint32_t size[64];
    size_t n;
};

static void collect(void *user, const ps_cab_file *f)
{
    struct names *n = user;

    assert_int_equal(f->index, n->n);
    if (n->n < 64) {
        snprintf(n->v[n->n], sizeof n->v[0], "%s", f->name);
        n->size[n->n] = f->size;
    }
    n->n++;
}

static unsigned char *slurp(const char *path, size_t *len)
{
    FILE *fh = fopen(path, "rb");
    unsigned char *d;
    long n;

    assert_non_null(fh);
    assert_int_equal(fseek(fh, 0, SEEK_END), 0);
    n = ftell(fh);
    assert_true(n > 0);
    rewind(fh);
    d = malloc((size_t)n);
    assert_non_null(d);
    assert_int_equal(fread(d, 1, (size_t)n, fh), (size_t)n);
    fclose(fh);
    *len = (size_t)n;
    return d;
}

/* Feeds data in pieces of `step` bytes (0: whole); the result. */
static int feed(ps_cabhdr *h, const unsigned char *d, size_t len, size_t step)
{
    int rc = 0;

    if (step == 0)
        return ps_cabhdr_feed(h, d, len);
    for (size_t i = 0; i < len; i += step) {
        size_t n = len - i < step ? len - i : step;

        rc = ps_cabhdr_feed(h, d + i, n);
        if (rc != 0)
            break;
    }
    return rc;
}

/* The names libarchive gives for the same cabinet. */
static void libarchive_names(const unsigned char *d, size_t len, struct names *out)
{
    ps_ar_ctx ctx;
    ps_ar *ar = NULL;
    ps_err e;
    const char *name;

    memset(out, 0, sizeof *out);
    ps_ar_ctx_init(&ctx, NULL);
    assert_int_equal(ps_ar_open_mem(&ar, &ctx, d, len, &e), 0);
    while (ps_ar_next(ar, &name, &e) > 0) {
        snprintf(out->v[out->n], sizeof out->v[0], "%s", name);
        out->size[out->n] = (uint32_t)ps_ar_member_size(ar);
        out->n++;
    }
    ps_ar_close(ar);
}

static void test_real_cabs(void **state)
{
    static const char *const files[] = {
        FX "/good/Windows6.0-KB4000002-x86.cab",
        FX "/good/Windows6.0-KB4474419-v4-x64.msu",
        FX "/real/1m/Windows6.1-KB4000012-x64.cab",
        FX "/cix/Windows6.0-KB4000009-x64.cab",
    };
    static const size_t steps[] = {0, 1, 7, 36, 37, 4096};

    (void)state;
    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
        size_t len;
        unsigned char *d = slurp(files[i], &len);
        struct names want;

        libarchive_names(d, len, &want);
        assert_true(want.n > 0);
        for (size_t s = 0; s < sizeof steps / sizeof steps[0]; s++) {
            struct names got;
            ps_cabhdr h;

            memset(&got, 0, sizeof got);
            ps_cabhdr_init(&h, 0, collect, &got);
            assert_int_equal(feed(&h, d, len, steps[s]), 1);
            assert_int_equal(h.result, 1);
            assert_int_equal(got.n, want.n);
            for (size_t k = 0; k < want.n; k++) {
                assert_string_equal(got.v[k], want.v[k]);
                assert_int_equal(got.size[k], want.size[k]);
            }
            /* once complete, later bytes cost nothing and change nothing */
            assert_int_equal(ps_cabhdr_feed(&h, d, len), 1);
            assert_int_equal(got.n, want.n);
        }
        free(d);
    }
}

/* A header written field by field. */
struct hb {
    unsigned char b[4096];
    size_t n;
};

static void put(struct hb *h, const void *p, size_t n)
{
    assert_true(h->n + n <= sizeof h->b);
    memcpy(h->b + h->n, p, n);
    h->n += n;
}

static void put16(struct hb *h, unsigned v)
{
    unsigned char b[2] = {(unsigned char)v, (unsigned char)(v >> 8)};

    put(h, b, 2);
}

static void put32(struct hb *h, uint32_t v)
{
    unsigned char b[4] = {(unsigned char)v, (unsigned char)(v >> 8), (unsigned char)(v >> 16),
                          (unsigned char)(v >> 24)};

    put(h, b, 4);
}

static void set32(struct hb *h, size_t at, uint32_t v)
{
    h->b[at] = (unsigned char)v;
    h->b[at + 1] = (unsigned char)(v >> 8);
    h->b[at + 2] = (unsigned char)(v >> 16);
    h->b[at + 3] = (unsigned char)(v >> 24);
}

struct spec {
    unsigned flags, folders, files, folder_of_file, gap;
    const char *name;
    unsigned name_len; /* a name of this many 'a' when name is NULL */
};

/* CFHEADER [+ reserve] [+ prev/next names] + CFFOLDERs + gap + CFFILEs. */
static void build(struct hb *h, const struct spec *s)
{
    size_t coff_at;

    memset(h, 0, sizeof *h);
    put(h, "MSCF", 4);
    put32(h, 0);
    put32(h, 100000); /* cbCabinet */
    put32(h, 0);
    coff_at = h->n;
    put32(h, 0);      /* coffFiles, set below */
    put32(h, 0);
    h->b[h->n++] = 3;
    h->b[h->n++] = 1;
    put16(h, s->folders);
    put16(h, s->files);
    put16(h, s->flags);
    put16(h, 1234);
    put16(h, 0);
    if (s->flags & 4) {
        put16(h, 6);  /* cbCFHeader */
        h->b[h->n++] = 2; /* cbCFFolder */
        h->b[h->n++] = 0;
        put(h, "RESERV", 6);
    }
    if (s->flags & 1) {
        put(h, "prev.cab", 9);
        put(h, "Disk 1", 7);
    }
    if (s->flags & 2) {
        put(h, "next.cab", 9);
        put(h, "Disk 3", 7);
    }
    for (unsigned i = 0; i < s->folders; i++) {
        put32(h, 0);
        put16(h, 1);
        put16(h, 1); /* MSZIP */
        if (s->flags & 4)
            put(h, "ff", 2);
    }
    for (unsigned i = 0; i < s->gap; i++)
        h->b[h->n++] = 0xee;
    set32(h, coff_at, (uint32_t)h->n);
    for (unsigned i = 0; i < s->files; i++) {
        put32(h, 10 + i);
        put32(h, 100 * i);
        put16(h, s->folder_of_file);
        put16(h, 0);
        put16(h, 0);
        put16(h, 0x20);
        if (s->name != NULL) {
            put(h, s->name, strlen(s->name) + 1);
        } else {
            for (unsigned k = 0; k < s->name_len; k++)
                h->b[h->n++] = 'a';
            h->b[h->n++] = 0;
        }
    }
}

static void test_reserve_and_chain(void **state)
{
    struct spec s = {4 | 1 | 2, 2, 3, 1, 5, "dir\\update.mum", 0};
    struct hb h;

    (void)state;
    build(&h, &s);
    for (size_t step = 1; step <= h.n; step += 13) {
        struct names got;
        ps_cabhdr p;

        memset(&got, 0, sizeof got);
        ps_cabhdr_init(&p, 0, collect, &got);
        assert_int_equal(feed(&p, h.b, h.n, step), 1);
        assert_int_equal(got.n, 3);
        assert_string_equal(got.v[0], "dir/update.mum"); /* '\' is a separator */
        assert_int_equal(got.size[2], 12);
        assert_int_equal(p.cb_header_res, 6);
        assert_int_equal(p.cb_folder_res, 2);
        assert_int_equal(p.folder_compress[1], 1);
    }
}

static void expect_fail(const struct hb *h, size_t max_files, const char *what)
{
    struct names got;
    ps_cabhdr p;

    memset(&got, 0, sizeof got);
    ps_cabhdr_init(&p, max_files, collect, &got);
    assert_int_equal(feed(&p, h->b, h->n, 3), -1);
    assert_int_equal(p.result, -1);
    if (strstr(p.err, what) == NULL)
        fail_msg("error \"%s\" does not say \"%s\"", p.err, what);
    /* after a failure, nothing more is taken */
    assert_int_equal(ps_cabhdr_feed(&p, h->b, h->n), -1);
}

static void test_malformed(void **state)
{
    struct spec ok = {0, 1, 2, 0, 0, "update.mum", 0};
    struct spec s;
    struct hb h;
    struct names got;
    ps_cabhdr p;

    (void)state;
    build(&h, &ok);
    h.b[0] = 'X';
    expect_fail(&h, 0, "no MSCF signature");

    s = ok;
    s.folders = 0;
    build(&h, &s);
    expect_fail(&h, 0, "no CFFOLDER");

    s = ok;
    s.files = 0;
    build(&h, &s);
    expect_fail(&h, 0, "no CFFILE");

    build(&h, &ok);
    expect_fail(&h, 1, "2 members, over the limit of 1");

    s = ok;
    s.folder_of_file = 1; /* only folder 0 exists */
    build(&h, &s);
    expect_fail(&h, 0, "names folder 1 of 1");

    s = ok;
    s.folder_of_file = 0xFFFD; /* continued from the previous cabinet: allowed */
    build(&h, &s);
    memset(&got, 0, sizeof got);
    ps_cabhdr_init(&p, 0, collect, &got);
    assert_int_equal(feed(&p, h.b, h.n, 0), 1);

    s = ok;
    s.name = "";
    build(&h, &s);
    expect_fail(&h, 0, "empty name");

    s = ok;
    s.name = NULL;
    s.name_len = 300;
    build(&h, &s);
    expect_fail(&h, 0, "over 255 bytes");

    s = ok;
    s.name = NULL;
    s.name_len = 255; /* the longest name */
    build(&h, &s);
    memset(&got, 0, sizeof got);
    ps_cabhdr_init(&p, 0, collect, &got);
    assert_int_equal(feed(&p, h.b, h.n, 0), 1);
    assert_int_equal(strlen(got.v[0]), 255);

    /* coffFiles into CFHEADER, or before the end of the CFFOLDERs */
    build(&h, &ok);
    set32(&h, 16, 20);
    expect_fail(&h, 0, "points into CFHEADER");
    build(&h, &ok);
    set32(&h, 16, 40);
    expect_fail(&h, 0, "overlaps the CFFOLDER");

    /* cbCabinet too small for the table */
    build(&h, &ok);
    set32(&h, 8, 60);
    expect_fail(&h, 0, "cbCabinet 60 is too small");

    /* a file offset past the largest folder */
    build(&h, &ok);
    set32(&h, h.n - 11 - 16 + 4, 0x7FFF8000u);
    expect_fail(&h, 0, "ends past the largest folder");

    /* truncated: never complete, never a failure */
    build(&h, &ok);
    memset(&got, 0, sizeof got);
    ps_cabhdr_init(&p, 0, collect, &got);
    assert_int_equal(feed(&p, h.b, h.n - 1, 1), 0);
    assert_int_equal(p.result, 0);
    assert_int_equal(got.n, 1);
}

struct text {
    const char *s;
    size_t pos, step;
    int fail_at; /* fail the read at this offset (-1: never) */
};

static long pull(void *user, void *buf, size_t n, ps_err *err)
{
    struct text *t = user;
    size_t len = strlen(t->s), k = t->step < n ? t->step : n;

    if (t->fail_at >= 0 && t->pos >= (size_t)t->fail_at) {
        ps_err_set(err, PS_F_UNREADABLE_PACKAGE, 0, "read failed here");
        return -1;
    }
    if (k > len - t->pos)
        k = len - t->pos;
    memcpy(buf, t->s + t->pos, k);
    t->pos += k;
    return (long)k;
}

static void cix_name(void *user, const char *name)
{
    struct names *n = user;

    if (n->n < 64)
        snprintf(n->v[n->n], sizeof n->v[0], "%s", name);
    n->n++;
}

static long cix(const char *doc, size_t step, size_t max_bytes, size_t max_names,
                struct names *got, ps_err *e, int *failed)
{
    struct text t = {doc, 0, step, -1};

    memset(got, 0, sizeof *got);
    return ps_cix_stream(pull, &t, max_bytes, max_names, cix_name, got, e, failed);
}

static void test_cix_stream(void **state)
{
    static const char doc[] =
        "<?xml version=\"1.0\" encoding=\"utf-8\"?>\r\n<Container name=\"x.cab\" "
        "xmlns=\"urn:ContainerIndex\"><Description/><Files>"
        "<File id=\"0\" name=\"update.mum\" length=\"1\"/>"
        "<File id=\"1\" name=\"a_b_31bf3856ad364e35_6.0.1.0_none_0.manifest\"/>"
        "<File id=\"2\" name=\"x86_c\\f.dll\"/><File id=\"3\"/></Files></Container>\r\n";
    struct names got;
    ps_err e;
    int failed;
    struct text t = {doc, 0, 5, 40};

    (void)state;
    for (size_t step = 1; step < sizeof doc; step += 17) {
        assert_int_equal(cix(doc, step, 0, 0, &got, &e, &failed), 3);
        assert_int_equal(got.n, 3);
        assert_string_equal(got.v[0], "update.mum");
        assert_string_equal(got.v[2], "x86_c\\f.dll");
        assert_int_equal(failed, 0);
    }
    /* at most max_names */
    assert_int_equal(cix(doc, 64, 0, 2, &got, &e, &failed), 2);
    assert_int_equal(got.n, 2);
    /* over the size limit: reading stops */
    assert_int_equal(cix(doc, 64, 100, 0, &got, &e, &failed), -1);
    assert_int_equal(e.finding, PS_F_UNSAFE_INPUT);
    assert_non_null(strstr(e.msg, "over the limit of 100 bytes"));
    assert_int_equal(failed, 1);
    /* a DOCTYPE is refused, its entity never expanded */
    assert_int_equal(cix("<?xml version=\"1.0\"?>\n<!DOCTYPE C [ <!ENTITY a \"aa\"> ]>\n"
                         "<C><File name=\"&a;.mum\"/></C>\n", 7, 0, 0, &got, &e, &failed), -1);
    assert_int_equal(e.finding, PS_F_UNSAFE_INPUT);
    assert_non_null(strstr(e.msg, "DOCTYPE"));
    assert_int_equal(got.n, 0);
    assert_int_equal(failed, 0);
    /* not well-formed: the line */
    assert_int_equal(cix("<?xml version=\"1.0\"?>\n<C>\n<File name=\"u.mum\"\n</C>\n", 3, 0, 0, &got,
                         &e, &failed), -1);
    assert_int_equal(e.finding, PS_F_UNREADABLE_PACKAGE);
    assert_non_null(strstr(e.msg, "not well-formed XML: "));
    assert_true(e.line >= 3);
    assert_null(strchr(e.msg, '\n'));
    /* the read function's own error comes back as it is */
    memset(&got, 0, sizeof got);
    assert_int_equal(ps_cix_stream(pull, &t, 0, 0, cix_name, &got, &e, &failed), -1);
    assert_int_equal(failed, 1);
    assert_string_equal(e.msg, "read failed here");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_real_cabs),
        cmocka_unit_test(test_reserve_and_chain),
        cmocka_unit_test(test_malformed),
        cmocka_unit_test(test_cix_stream),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
