/*
 * test_reader.c - the streaming package reader: the archive layer
 * (ps_archive.h), ps_package_read() and ps_bundle_read().
 *
 * Fixtures are built at test time by mkfixtures.py into
 * PS_READER_FIXTURES: good/ (mkpkg.py packages of packages.json, with
 * their hashes in good/SUMS), wsus3/ (the real WSUSSCAN.cab inside an
 * .msu), bad/ (damaged files), bomb/ and tree/.  libarchive's own CAB test
 * files and the real WSUSSCAN.cab come from the samples folder; without it
 * the tests that need them skip.
 *
 * The libarchive messages quoted are those of libarchive 3.6.2.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "reader.h"
#include "parse.h"
#include "testlib.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define FX PS_READER_FIXTURES

static const char *samples(void)
{
    const char *s = getenv("PS_SAMPLES");

    return s && *s ? s : PS_TEST_SAMPLES;
}

/* The samples folder is there; else a test that needs it skips. */
static int have_samples(void)
{
    char path[1024];

    snprintf(path, sizeof path, "%s/SOURCES.md", samples());
    return access(path, R_OK) == 0;
}

#define NEED_SAMPLES()                                                                             \
    do {                                                                                           \
        if (!have_samples()) {                                                                     \
            print_message("no samples folder at %s: skipped\n", samples());                       \
            skip();                                                                                \
        }                                                                                          \
    } while (0)

/* A path in a ring of buffers, so a few can be alive at once. */
static const char *pathf(const char *fmt, ...) PS_PRINTF(1, 2);

static const char *pathf(const char *fmt, ...)
{
    static char ring[8][1024];
    static unsigned next;
    char *b = ring[next++ % 8];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(b, sizeof ring[0], fmt, ap);
    va_end(ap);
    return b;
}

struct got {
    ps_package p;
    ps_findings f;
    ps_ar_stats st;
    int rc;
};

static void read_opts(struct got *g, const char *path, const char *display, const ps_read_opts *o)
{
    memset(g, 0, sizeof *g);
    g->rc = ps_package_read_stats(&g->p, path, display, o, &g->f, &g->st);
}

static void read_pkg(struct got *g, const char *path)
{
    ps_read_opts o;

    ps_read_opts_default(&o);
    read_opts(g, path, path, &o);
}

static void got_free(struct got *g)
{
    ps_package_free(&g->p);
    ps_findings_free(&g->f);
}

static void assert_str(const char *actual, const char *expected)
{
    if (expected == NULL) {
        if (actual != NULL)
            fail_msg("expected NULL, got \"%s\"", actual);
        return;
    }
    if (actual == NULL)
        fail_msg("expected \"%s\", got NULL", expected);
    assert_string_equal(actual, expected);
}

static void assert_one_finding(const struct got *g, ps_finding_code code, const char *member,
                               unsigned line, const char *message)
{
    if (g->f.count != 1) {
        for (size_t i = 0; i < g->f.count; i++)
            print_message("finding: %s %s\n", ps_finding_code_name(g->f.items[i].code),
                          g->f.items[i].message);
    }
    assert_int_equal(g->f.count, 1);
    assert_string_equal(ps_finding_code_name(g->f.items[0].code), ps_finding_code_name(code));
    assert_str(g->f.items[0].member, member);
    assert_int_equal(g->f.items[0].line, line);
    assert_string_equal(g->f.items[0].message, message);
    assert_str(g->f.items[0].file, g->p.file);
}

static void assert_identity(const ps_identity *id, const char *name, const char *version,
                            const char *arch)
{
    assert_str(id->name, name);
    assert_str(id->version, version);
    assert_str(id->arch, arch);
    assert_str(id->language, "neutral");
    assert_str(id->public_key_token, "31bf3856ad364e35");
}

/* ------------------------------------------------------------------ */

static void test_defaults(void **state)
{
    ps_read_opts o;

    (void)state;
    memset(&o, 0xff, sizeof o);
    ps_read_opts_default(&o);
    assert_int_equal(o.hash, 0);
    assert_int_equal(o.wsus, 1);
    assert_int_equal(o.limits.max_members, 65535);
    assert_int_equal(o.limits.max_depth, 4);
    assert_int_equal(o.limits.max_member_bytes, 64u * 1024 * 1024);
    assert_int_equal(o.limits.max_xml_bytes, 32u * 1024 * 1024);
    assert_int_equal(o.limits.max_ratio, 256);
    assert_int_equal(o.limits.max_seconds, 120);
}

static void test_synthetic_sample(void **state)
{
    struct got g;
    const char *path = pathf("%s/synthetic/synthetic-gcab-Windows6.1-KB2999226-x64.msu", samples());

    (void)state;
    NEED_SAMPLES();
    read_opts(&g, path, "b/synthetic.msu", NULL);
    assert_int_equal(g.rc, 0);
    assert_int_equal(g.f.count, 0);
    assert_string_equal(g.p.file, "b/synthetic.msu");
    assert_string_equal(g.p.path, path);
    assert_int_equal(g.p.container, PS_CONTAINER_MSU);
    assert_int_equal(g.p.readable, 1);
    assert_str(g.p.kb, "KB2999226");
    assert_str(ps_kb_source_name(g.p.kb_source), "update.mum");
    assert_int_equal(g.p.revision, 0);
    assert_int_equal(g.p.arch, PS_ARCH_X64);
    assert_int_equal(g.p.name_arch, PS_ARCH_NONE); /* "b/synthetic.msu" names none */
    assert_str(g.p.os, "6.1");
    assert_str(g.p.name_os, NULL);
    assert_identity(&g.p.identity, "Package_for_KB2999226", "6.1.1.6", "amd64");
    assert_str(g.p.release_type, "Update");
    assert_str(g.p.restart, "possible");
    assert_str(g.p.build_date, "2015-07-21");
    assert_str(g.p.installer_version, "6.0.0.0");
    assert_str(g.p.provides_stack, NULL);
    assert_str(g.p.kernel_version, NULL);
    assert_int_equal(g.p.catalog_digests, 0); /* this sample has no update.cat */
    assert_int_equal(g.p.sha2_only, -1);
    assert_int_equal(g.p.has_wsus, 0);        /* its WSUSSCAN.cab holds no package.cab */
    assert_int_equal(g.p.size, 1974);
    assert_int_equal(g.p.hashed, 0);
    assert_int_equal(g.st.max_depth, 2);
    got_free(&g);
}

static void test_msu_x64(void **state)
{
    struct got g;
    const char *path = FX "/good/Windows6.0-KB4474419-v4-x64.msu";
    struct stat st;

    (void)state;
    read_pkg(&g, path);
    assert_int_equal(g.rc, 0);
    assert_int_equal(g.f.count, 0);
    assert_int_equal(g.p.container, PS_CONTAINER_MSU);
    assert_int_equal(g.p.readable, 1);
    assert_str(g.p.kb, "KB4474419");
    assert_str(ps_kb_source_name(g.p.kb_source), "update.mum");
    assert_int_equal(g.p.revision, 4);
    assert_int_equal(g.p.arch, PS_ARCH_X64);
    assert_int_equal(g.p.name_arch, PS_ARCH_X64);
    assert_str(g.p.os, "6.0");
    assert_str(g.p.name_os, "6.0");
    assert_identity(&g.p.identity, "Package_for_KB4474419", "6.0.4.0", "amd64");
    assert_str(g.p.release_type, "Security Update");
    assert_str(g.p.restart, "required");
    assert_str(g.p.build_date, "2019-09-23");
    assert_str(g.p.installer_version, "6.0.6003.20484");
    assert_str(g.p.provides_stack, NULL);
    assert_str(g.p.kernel_version, NULL);
    assert_int_equal(g.p.catalog_digests, PS_DIGEST_SHA1);
    assert_int_equal(g.p.sha2_only, 0);
    assert_int_equal(g.p.has_wsus, 1);
    assert_str(g.p.wsus.update_id, "cc6d5a53-0000-4000-8000-78ec97562a79");
    assert_str(g.p.wsus.classification, "0fa1201d-4330-4fa8-8ae9-b877473b6441");
    assert_int_equal(g.p.wsus.n_superseded_by, 0);
    assert_int_equal(stat(path, &st), 0);
    assert_int_equal(g.p.size, (uint64_t)st.st_size);
    assert_int_equal(g.st.max_depth, 3); /* msu -> WSUSSCAN.cab -> package.cab */
    got_free(&g);
}

static void test_msu_x86(void **state)
{
    struct got g;

    (void)state;
    read_pkg(&g, FX "/good/Windows6.0-KB4474419-v4-x86.msu");
    assert_int_equal(g.f.count, 0);
    assert_int_equal(g.p.arch, PS_ARCH_X86);
    assert_int_equal(g.p.name_arch, PS_ARCH_X86);
    assert_identity(&g.p.identity, "Package_for_KB4474419", "6.0.4.0", "x86");
    assert_int_equal(g.p.revision, 4);
    assert_str(g.p.wsus.update_id, "cc6d5a53-0000-4000-8000-9426bcf9858d");
    got_free(&g);
}

static void test_ssu_provides_stack(void **state)
{
    struct got g;

    (void)state;
    read_pkg(&g, FX "/good/Windows6.0-KB4493730-x64.msu");
    assert_int_equal(g.f.count, 0);
    assert_str(g.p.kb, "KB4493730");
    assert_str(g.p.provides_stack, "6.0.6003.20489");
    assert_str(g.p.kernel_version, NULL);
    assert_str(g.p.installer_version, "6.0.0.0");
    assert_str(g.p.build_date, "2019-04-09");
    got_free(&g);
}

static void test_rollup_kernel_sha2(void **state)
{
    struct got g;

    (void)state;
    read_pkg(&g, FX "/good/Windows6.0-KB4520002-x64.msu");
    assert_int_equal(g.f.count, 0);
    /* the KB comes from package/@identifier, not from the identity name */
    assert_str(g.p.kb, "KB4520002");
    assert_str(ps_kb_source_name(g.p.kb_source), "update.mum");
    assert_identity(&g.p.identity, "Package_for_RollupFix", "6003.20654.1.3", "amd64");
    assert_str(g.p.kernel_version, "6.0.6003.20654");
    assert_str(g.p.provides_stack, NULL);
    assert_str(g.p.installer_version, "6.0.6003.20489");
    assert_int_equal(g.p.catalog_digests, PS_DIGEST_SHA256);
    assert_int_equal(g.p.sha2_only, 1);
    assert_str(g.p.restart, "required");
    got_free(&g);
}

static void test_ia64_wsus_superseded(void **state)
{
    struct got g;

    (void)state;
    read_pkg(&g, FX "/good/Windows6.0-KB4512476-ia64.msu");
    assert_int_equal(g.f.count, 0);
    assert_int_equal(g.p.arch, PS_ARCH_IA64);
    assert_int_equal(g.p.name_arch, PS_ARCH_IA64);
    assert_str(g.p.identity.arch, "ia64");
    assert_int_equal(g.p.has_wsus, 1);
    assert_int_equal(g.p.wsus.n_superseded_by, 2);
    assert_string_equal(g.p.wsus.superseded_by[0], "2001");
    assert_string_equal(g.p.wsus.superseded_by[1], "2002");
    assert_str(g.p.wsus.classification, "cd5ffd1e-e932-4e3a-bf74-18bf0b1bbd83");
    got_free(&g);
}

static void test_win61_sha2(void **state)
{
    struct got g;

    (void)state;
    read_pkg(&g, FX "/good/Windows6.1-KB4538483-x64.msu");
    assert_int_equal(g.f.count, 0);
    assert_str(g.p.os, "6.1");
    assert_str(g.p.name_os, "6.1");
    assert_identity(&g.p.identity, "Package_for_KB4538483", "6.1.1.2", "amd64");
    assert_str(g.p.installer_version, "6.1.7601.24550");
    assert_int_equal(g.p.sha2_only, 1);
    got_free(&g);
}

static void test_bare_cab(void **state)
{
    struct got g;

    (void)state;
    read_pkg(&g, FX "/good/Windows6.0-KB4000002-x86.cab");
    assert_int_equal(g.rc, 0);
    assert_int_equal(g.f.count, 0);
    assert_int_equal(g.p.container, PS_CONTAINER_CAB);
    assert_int_equal(g.p.readable, 1);
    assert_str(g.p.kb, "KB4000002");
    assert_int_equal(g.p.arch, PS_ARCH_X86);
    assert_identity(&g.p.identity, "Package_for_KB4000002", "6.0.1.0", "x86");
    assert_int_equal(g.p.catalog_digests, PS_DIGEST_SHA1);
    assert_int_equal(g.p.has_wsus, 0);
    assert_int_equal(g.st.max_depth, 1);
    got_free(&g);
}

/* The manifest says amd64, the name x86: arch comes from the manifest, and
 * the reader reports nothing (the planner reports arch-mismatch). */
static void test_arch_from_manifest(void **state)
{
    struct got g;

    (void)state;
    read_pkg(&g, FX "/good/Windows6.0-KB4000003-x86.msu");
    assert_int_equal(g.f.count, 0);
    assert_int_equal(g.p.arch, PS_ARCH_X64);
    assert_int_equal(g.p.name_arch, PS_ARCH_X86);
    assert_str(g.p.identity.arch, "amd64");
    got_free(&g);
}

/* No update.mum: a finding, then the fallbacks behind the update cab
 * (a UTF-16LE pkgProperties.txt here). */
static void test_fallback_props_utf16(void **state)
{
    struct got g;

    (void)state;
    read_pkg(&g, FX "/good/Windows6.0-KB4000004-x64.msu");
    assert_int_equal(g.rc, 0);
    assert_one_finding(&g, PS_F_UNREADABLE_PACKAGE, "Windows6.0-KB4000004-x64.cab", 0,
                       "no update.mum in Windows6.0-KB4000004-x64.cab");
    assert_int_equal(g.p.readable, 1);
    assert_str(g.p.kb, "KB4000004");
    assert_str(ps_kb_source_name(g.p.kb_source), "pkgProperties");
    assert_int_equal(g.p.arch, PS_ARCH_X64);
    assert_str(g.p.os, "6.0");
    assert_str(g.p.release_type, "Hotfix");
    assert_str(g.p.build_date, "2018-02-03");
    assert_str(g.p.installer_version, "6.0.6002.24000");
    assert_str(g.p.restart, NULL);
    /* the unattend .xml was read too: its identity stands in for update.mum */
    assert_identity(&g.p.identity, "Package_for_KB4000004", "6.0.1.0", "amd64");
    assert_int_equal(g.p.catalog_digests, PS_DIGEST_SHA1);
    got_free(&g);
}

static void test_fallback_unattend(void **state)
{
    struct got g;

    (void)state;
    read_pkg(&g, FX "/good/Windows6.0-KB4000005-x64.msu");
    assert_one_finding(&g, PS_F_UNREADABLE_PACKAGE, "Windows6.0-KB4000005-x64.cab", 0,
                       "no update.mum in Windows6.0-KB4000005-x64.cab");
    assert_int_equal(g.p.readable, 1);
    assert_str(g.p.kb, "KB4000005");
    assert_str(ps_kb_source_name(g.p.kb_source), "file name");
    assert_identity(&g.p.identity, "Package_for_KB4000005", "6.0.1.0", "amd64");
    assert_int_equal(g.p.arch, PS_ARCH_X64);
    assert_str(g.p.release_type, NULL);
    got_free(&g);
}

static void test_wsus_off(void **state)
{
    struct got g;
    ps_read_opts o;

    (void)state;
    read_pkg(&g, FX "/good/Windows6.0-KB4000006-x64.msu"); /* built without WSUSSCAN.cab */
    assert_int_equal(g.f.count, 0);
    assert_int_equal(g.p.has_wsus, 0);
    assert_int_equal(g.p.readable, 1);
    got_free(&g);

    ps_read_opts_default(&o);
    o.wsus = 0;
    read_opts(&g, FX "/good/Windows6.0-KB4474419-v4-x64.msu", "x.msu", &o);
    assert_int_equal(g.f.count, 0);
    assert_int_equal(g.p.has_wsus, 0);
    assert_str(g.p.wsus.update_id, NULL);
    assert_int_equal(g.st.max_depth, 2);
    assert_str(g.p.kb, "KB4474419");
    got_free(&g);
}

/* The cost of reading must not grow with the payload. */
static void test_early_stop(void **state)
{
    struct got a, b;

    (void)state;
    read_pkg(&a, FX "/good/Windows6.0-KB4100001-x64.msu");
    read_pkg(&b, FX "/good/Windows6.0-KB4100016-x64.msu");
    assert_int_equal(a.f.count, 0);
    assert_int_equal(b.f.count, 0);
    assert_str(a.p.kb, "KB4100001");
    assert_str(b.p.kb, "KB4100016");
    assert_true(b.p.size > 16u * 1024 * 1024);
    print_message("1 MiB payload: %llu bytes read of %llu, %llu decoded; "
                  "16 MiB payload: %llu bytes read of %llu, %llu decoded\n",
                  (unsigned long long)a.st.file_bytes, (unsigned long long)a.p.size,
                  (unsigned long long)a.st.decoded_bytes, (unsigned long long)b.st.file_bytes,
                  (unsigned long long)b.p.size, (unsigned long long)b.st.decoded_bytes);
    assert_int_equal(a.st.decoded_bytes, b.st.decoded_bytes);
    assert_int_equal(a.st.file_bytes, b.st.file_bytes);
    assert_true(b.st.decoded_bytes < 256 * 1024);
    assert_true(b.st.file_bytes < 256 * 1024);
    got_free(&a);
    got_free(&b);
}

/* The cab's own header lists every member up front, so a child .mum is
 * known present or absent before any data block is decoded.  The cix is
 * not parsed (its names are the header's): a manifest it names that is
 * not in the cab gives nothing.  With no component manifest in the cab,
 * the child .mum is the only source of the kernel version: it is read,
 * behind the 4 MiB payload, and counted as a deep read. */
static void test_cix(void **state)
{
    struct got g;

    (void)state;
    read_pkg(&g, FX "/cix/Windows6.0-KB4000009-x64.cab");
    assert_int_equal(g.f.count, 0);
    assert_str(g.p.kb, "KB4000009");
    assert_str(g.p.provides_stack, NULL);
    assert_str(g.p.kernel_version, "6.0.6003.20500");
    assert_int_equal(g.st.tables, 1);
    assert_int_equal(g.st.deep_reads, 1);
    assert_int_equal(g.p.deep_reads, 1);
    assert_true(g.st.decoded_bytes > 4u * 1024 * 1024);
    got_free(&g);

    read_pkg(&g, FX "/cix/Windows6.0-KB4000009-nocix-x64.cab");
    assert_int_equal(g.f.count, 0);
    assert_str(g.p.provides_stack, NULL);
    assert_str(g.p.kernel_version, "6.0.6003.20500");
    assert_int_equal(g.st.deep_reads, 1);
    assert_true(g.st.decoded_bytes > 4u * 1024 * 1024);
    got_free(&g);

    /* A header the parser refuses (cbCabinet too small for the table;
     * libarchive reads on): the cix, streamed, is the table of contents.
     * It lists a servicing stack manifest and not the child .mum, so the
     * child is known absent and the read stops before the payload. */
    read_pkg(&g, FX "/cix/Windows6.0-KB4000009-badhdr-x64.cab");
    assert_int_equal(g.f.count, 0);
    assert_str(g.p.kb, "KB4000009");
    assert_int_equal(g.st.tables, 0);
    assert_str(g.p.provides_stack, "6.0.6003.20511");
    assert_str(g.p.kernel_version, NULL);
    assert_int_equal(g.st.deep_reads, 0);
    assert_int_equal(g.st.members_read, 3); /* the cix, update.mum, update.cat */
    assert_true(g.st.decoded_bytes < 64 * 1024);
    got_free(&g);
}

/* Real member order (mkpkg.py --layout real, as LISTING.txt shows): the
 * sub-package .mum lies behind 90 % of the payload.  The facts come from
 * the front (update.mum, update.cat, WSUSSCAN.cab) and the names of the
 * header; the bytes decoded and read do not grow with the payload. */
static void test_real_order(void **state)
{
    static const struct {
        const char *file;
        const char *stack, *kernel;
        unsigned digests;
    } pk[] = {
        {"Windows6.0-KB4520002-x64.msu", "6.0.6003.20489", "6.0.6003.20654", PS_DIGEST_SHA256},
        {"Windows6.1-KB4538483-x64.msu", NULL, "6.1.7601.24545", PS_DIGEST_SHA256},
        {"Windows6.1-KB4000012-x64.cab", NULL, NULL, PS_DIGEST_SHA1},
    };

    (void)state;
    for (size_t i = 0; i < PS_ARRAY_LEN(pk); i++) {
        struct got a, b;

        read_pkg(&a, pathf(FX "/real/1m/%s", pk[i].file));
        read_pkg(&b, pathf(FX "/real/16m/%s", pk[i].file));
        print_message("%s: 1 MiB payload: %llu read, %llu decoded; 16 MiB payload: %llu read of "
                      "%llu, %llu decoded; %zu members read, %zu deep\n",
                      pk[i].file, (unsigned long long)a.st.file_bytes,
                      (unsigned long long)a.st.decoded_bytes, (unsigned long long)b.st.file_bytes,
                      (unsigned long long)b.p.size, (unsigned long long)b.st.decoded_bytes,
                      b.st.members_read, b.st.deep_reads);
        for (int k = 0; k < 2; k++) {
            const struct got *g = k ? &b : &a;

            assert_int_equal(g->f.count, 0);
            assert_int_equal(g->p.readable, 1);
            assert_str(g->p.provides_stack, pk[i].stack);
            assert_str(g->p.kernel_version, pk[i].kernel);
            assert_int_equal(g->p.catalog_digests, pk[i].digests);
            assert_int_equal(g->st.deep_reads, 0);
            assert_int_equal(g->p.deep_reads, 0);
            assert_true(g->st.tables >= 1);
        }
        assert_true(b.p.size > 16u * 1024 * 1024);
        /* the proof: the same bytes decoded and read, whatever the payload
         * (but for the cix, which writes the payload lengths in decimal) */
        assert_true(b.st.decoded_bytes >= a.st.decoded_bytes);
        assert_true(b.st.decoded_bytes - a.st.decoded_bytes <= 16);
        assert_int_equal(a.st.file_bytes, b.st.file_bytes);
        assert_int_equal(a.st.members_read, b.st.members_read);
        /* update.mum, update.cat (and package.xml of WSUSSCAN.cab) */
        assert_true(b.st.members_read <= 3);
        assert_true(b.st.decoded_bytes < 512 * 1024);
        assert_true(b.st.file_bytes < 512 * 1024);
        got_free(&a);
        got_free(&b);
    }
}

/* Hostile packages: limits that hold whatever the content. */
static void test_hostile(void **state)
{
    struct got g;

    (void)state;
    /* a 30 MiB cix in front of update.mum: passed over, never parsed or
     * held (the streaming of it costs its bytes, not its size in memory) */
    read_pkg(&g, FX "/hostile/Windows6.1-KB4300001-x64.msu");
    assert_int_equal(g.f.count, 0);
    assert_str(g.p.kb, "KB4300001");
    assert_int_equal(g.st.members_read, 2);
    assert_int_equal(g.st.deep_reads, 0);
    assert_true(g.st.skipped_bytes > 29u * 1024 * 1024);
    got_free(&g);

    /* 4,096 sub-packages named by update.mum, a cix of 65,535 names:
     * matched against the header's table in linear time, none read */
    read_pkg(&g, FX "/hostile/Windows6.1-KB4300002-x64.msu");
    assert_int_equal(g.f.count, 0);
    assert_str(g.p.kb, "KB4300002");
    assert_int_equal(g.st.members_read, 2);
    assert_int_equal(g.st.deep_reads, 0);
    got_free(&g);

    /* the MSZIP bomb: 1 GiB of zeros before update.mum, in an .msu of a
     * few KB; stopped while it is passed over, after a few MiB */
    read_pkg(&g, FX "/hostile/Windows6.0-KB4300003-x64.msu");
    assert_int_equal(g.f.count, 1);
    assert_int_equal(g.f.items[0].code, PS_F_UNSAFE_INPUT);
    assert_str(g.f.items[0].member, "Windows6.0-KB4300003-x64.cab/0");
    assert_non_null(strstr(g.f.items[0].message, "decompresses at more than 256:1 ("));
    assert_int_equal(g.p.readable, 0);
    assert_true(g.p.size < 16 * 1024);
    print_message("bomb: %llu bytes decoded\n", (unsigned long long)g.st.decoded_bytes);
    assert_true(g.st.decoded_bytes < 8u * 1024 * 1024);
    got_free(&g);
}

/* A catalog that cannot be parsed is a finding; the catalog is not looked
 * for again, so the read still stops before the payload. */
static void test_bad_catalog(void **state)
{
    struct got g;

    (void)state;
    read_pkg(&g, FX "/cix/Windows6.0-KB4000009-badcat-x64.cab");
    assert_int_equal(g.rc, 0);
    assert_one_finding(&g, PS_F_UNREADABLE_PACKAGE, "update.cat", 0,
                       "not a DER PKCS#7 catalog (byte 0: tag 0x6e where the ContentInfo "
                       "SEQUENCE (0x30) belongs)");
    assert_int_equal(g.p.readable, 1);
    assert_int_equal(g.p.catalog_digests, 0);
    assert_int_equal(g.p.sha2_only, -1);
    assert_str(g.p.kernel_version, "6.0.6003.20500");
    assert_true(g.st.decoded_bytes < 64 * 1024);
    got_free(&g);
}

static void test_hash(void **state)
{
    FILE *sums = fopen(FX "/good/SUMS", "r");
    char sha256[65], sha1[41], name[256];
    unsigned n = 0;

    (void)state;
    assert_non_null(sums);
    while (fscanf(sums, "%64s %40s %255s", sha256, sha1, name) == 3) {
        struct got g;
        ps_read_opts o;

        ps_read_opts_default(&o);
        o.hash = 1;
        read_opts(&g, pathf(FX "/good/%s", name), name, &o);
        assert_int_equal(g.p.hashed, 1);
        assert_string_equal(g.p.sha256, sha256);
        assert_string_equal(g.p.sha1, sha1);
        got_free(&g);
        n++;
    }
    fclose(sums);
    assert_int_equal(n, 17);
}

/* msu -> the real WSUSSCAN.cab (LZX:21) -> package.cab (LZX:21) -> package.xml */
static void test_real_wsusscan_in_msu(void **state)
{
    struct got g;

    (void)state;
    NEED_SAMPLES();
    read_pkg(&g, FX "/wsus3/windows6.1-kb4538483-x64.msu");
    assert_int_equal(g.f.count, 0);
    assert_int_equal(g.p.has_wsus, 1);
    assert_str(g.p.wsus.update_id, "f326c2c9-8e25-4d1f-850d-80495e82da3c");
    assert_str(g.p.wsus.classification, "0fa1201d-4330-4fa8-8ae9-b877473b6441");
    /* the bundle's RevisionId, and its title from localized/en/2859 (member
     * 2688 of 4951, before package.xml) */
    assert_str(g.p.wsus.revision_id, "2859");
    assert_str(g.p.wsus.title, "Security Update for Windows (KB4538483)");
    assert_int_equal(g.st.max_depth, 3);
    assert_str(g.p.kb, "KB4538483");
    assert_str(g.p.name_os, "6.1");
    assert_int_equal(g.p.name_arch, PS_ARCH_X64);
    got_free(&g);
}

/* The archive layer on the real WSUSSCAN.cab: package.xml is the last of
 * 4951 members of package.cab, read through a nested handle. */
static void test_archive_nested_real(void **state)
{
    ps_ar_ctx ctx;
    ps_ar *w = NULL, *pc = NULL;
    ps_err e;
    const char *name;
    char *data = NULL, *want;
    size_t len = 0, wantlen = 0, n = 0;
    int fd, rc;

    (void)state;
    NEED_SAMPLES();
    ps_ar_ctx_init(&ctx, NULL);
    fd = open(pathf("%s/win7-kb4538483-x64/WSUSSCAN.cab", samples()), O_RDONLY);
    assert_true(fd >= 0);
    assert_int_equal(ps_ar_open_fd(&w, &ctx, fd, &e), 0);
    assert_int_equal(ps_ar_next(w, &name, &e), 1);
    assert_string_equal(name, "package.cab");
    assert_int_equal(ps_ar_member_size(w), 292298);
    assert_int_equal(ps_ar_open_nested(&pc, w, &e), 0);
    assert_int_equal(ps_ar_depth(pc), 2);
    while ((rc = ps_ar_next(pc, &name, &e)) == 1) {
        n++;
        if (strcmp(name, "package.xml") == 0)
            break;
    }
    assert_int_equal(rc, 1);
    assert_int_equal(n, 4951);
    assert_string_equal(ps_ar_member_path(pc), "package.cab/package.xml");
    assert_int_equal(ps_ar_read_member(pc, 1024 * 1024, &data, &len, &e), 0);
    want = ps_test_read_file(pathf("%s/win7-kb4538483-x64/WSUSSCAN-package.xml", samples()), &wantlen);
    assert_int_equal(len, wantlen);
    assert_memory_equal(data, want, len);
    assert_int_equal(ps_ar_next(pc, &name, &e), 0);
    ps_ar_close(pc);
    assert_int_equal(ps_ar_next(w, &name, &e), 0);
    ps_ar_close(w);
    close(fd);
    assert_int_equal(ctx.stats.members, 4952);
    assert_int_equal(ctx.stats.file_bytes, 163724);
    free(data);
    free(want);
}

/* Reads every member of a cabinet with the archive layer; returns the
 * error message of the first failure, or NULL. */
static char *read_all_members(const char *path, size_t *members, uint64_t *bytes)
{
    ps_ar_ctx ctx;
    ps_ar *ar = NULL;
    ps_err e;
    const char *name;
    char *msg = NULL;
    int fd = open(path, O_RDONLY), rc;

    assert_true(fd >= 0);
    ps_ar_ctx_init(&ctx, NULL);
    *members = 0;
    *bytes = 0;
    if (ps_ar_open_fd(&ar, &ctx, fd, &e) < 0)
        goto fail;
    while ((rc = ps_ar_next(ar, &name, &e)) == 1) {
        char *data = NULL;
        size_t len = 0;

        (*members)++;
        if (ps_ar_read_member(ar, 0, &data, &len, &e) < 0)
            goto fail;
        *bytes += len;
        free(data);
    }
    if (rc < 0)
        goto fail;
    goto out;
fail:
    msg = strdup(e.msg);
out:
    ps_ar_close(ar);
    close(fd);
    return msg;
}

static void test_archive_libarchive_cabs(void **state)
{
    static const struct {
        const char *file;
        size_t members;
        uint64_t bytes;
        const char *error;
    } t[] = {
        {"test_read_format_cab_1.cab", 3, 138, NULL},
        {"test_read_format_cab_2.cab", 4, 33138, NULL},
        {"test_read_format_cab_3.cab", 4, 33138, NULL},
        {"test_fuzz.cab", 4, 3412, NULL},
        {"test_read_format_cab_lzx_e8.cab", 1, 30, NULL},
        {"test_read_format_cab_lzx_literal_control.cab", 1, 2, NULL},
        {"test_read_format_cab_lzx_16bit.cab", 1, 0,
         "cannot read lzx16.bin: LZX decompression failed (-25)"},
        {"test_read_format_cab_multi.p1.cab", 0, 0, "cannot read the cabinet: Invalid CAB header"},
        {"test_read_format_cab_multi.p2.cab", 0, 0, "cannot read the cabinet: Truncated CAB header"},
    };

    (void)state;
    NEED_SAMPLES();
    for (size_t i = 0; i < PS_ARRAY_LEN(t); i++) {
        size_t members;
        uint64_t bytes;
        char *msg = read_all_members(pathf("%s/libarchive-test-cabs/%s", samples(), t[i].file),
                                     &members, &bytes);

        print_message("%s: %zu members, %llu bytes, %s\n", t[i].file, members,
                      (unsigned long long)bytes, msg ? msg : "ok");
        assert_str(msg, t[i].error);
        assert_int_equal(members, t[i].members);
        assert_int_equal(bytes, t[i].bytes);
        free(msg);
    }
}

/* libarchive's test cabs as packages: no update.mum, or a broken header;
 * read without a crash, one finding each. */
static void test_package_libarchive_cabs(void **state)
{
    static const char *const no_mum[] = {
        "test_fuzz.cab",
        "test_read_format_cab_1.cab",
        "test_read_format_cab_2.cab",
        "test_read_format_cab_3.cab",
        "test_read_format_cab_filename_cp932.cab",
        "test_read_format_cab_lzx_16bit.cab",
        "test_read_format_cab_lzx_e8.cab",
        "test_read_format_cab_lzx_invalid_history.cab",
        "test_read_format_cab_lzx_literal_control.cab",
        "test_read_format_cab_lzx_oob.cab",
        "test_read_format_cab_skip_malformed.cab",
    };
    struct got g;

    (void)state;
    NEED_SAMPLES();
    for (size_t i = 0; i < PS_ARRAY_LEN(no_mum); i++) {
        read_opts(&g, pathf("%s/libarchive-test-cabs/%s", samples(), no_mum[i]), no_mum[i], NULL);
        assert_int_equal(g.rc, 0);
        assert_int_equal(g.p.readable, 0);
        assert_int_equal(g.p.container, PS_CONTAINER_CAB);
        assert_one_finding(&g, PS_F_UNREADABLE_PACKAGE, NULL, 0,
                           pathf("no update.mum in %s", no_mum[i]));
        got_free(&g);
    }
    read_opts(&g, pathf("%s/libarchive-test-cabs/test_read_format_cab_multi.p1.cab", samples()),
              "p1.cab", NULL);
    assert_one_finding(&g, PS_F_UNREADABLE_PACKAGE, NULL, 0,
                       "cannot read the cabinet: Invalid CAB header");
    got_free(&g);
}

static void test_damaged(void **state)
{
    static const struct {
        const char *file;
        int rc;
        ps_finding_code code;
        const char *member;
        unsigned line;
        const char *message;
    } t[] = {
        {"bad/empty.msu", 0, PS_F_UNREADABLE_PACKAGE, NULL, 0, "not a cabinet file (empty file)"},
        {"bad/empty.txt", 1, PS_F_FOREIGN_FILE, NULL, 0, "not an update package (empty file)"},
        {"bad/garbage.msu", 0, PS_F_UNREADABLE_PACKAGE, NULL, 0,
         "not a cabinet file (no MSCF signature)"},
        {"bad/notes.txt", 1, PS_F_FOREIGN_FILE, NULL, 0,
         "not an update package (no MSCF signature)"},
        {"bad/trunc-8.msu", 0, PS_F_UNREADABLE_PACKAGE, NULL, 0,
         "cannot read the cabinet: Truncated CAB header"},
        {"bad/trunc-30.msu", 0, PS_F_UNREADABLE_PACKAGE, NULL, 0,
         "cannot read the cabinet: Truncated CAB header"},
        {"bad/trunc-60.msu", 0, PS_F_UNREADABLE_PACKAGE, NULL, 0,
         "cannot read the cabinet: Truncated CAB header"},
        {"bad/trunc-200.msu", 0, PS_F_UNREADABLE_PACKAGE, NULL, 0,
         "cannot read the cabinet: Invalid CAB header"},
        {"bad/trunc-2000.msu", 0, PS_F_UNREADABLE_PACKAGE, "WSUSSCAN.cab", 0,
         "cannot read WSUSSCAN.cab: Truncated CAB header"},
        {"bad/bad-header.msu", 0, PS_F_UNREADABLE_PACKAGE, NULL, 0,
         "cannot read the cabinet: Truncated CAB header"},
        {"bad/no-folder.msu", 0, PS_F_UNREADABLE_PACKAGE, NULL, 0,
         "cannot read the cabinet: Invalid CAB header"},
        {"bad/quantum.cab", 0, PS_F_UNREADABLE_PACKAGE, "update.mum", 0,
         "cannot read update.mum: Unsupported CAB compression : Quantum"},
        {"bad/multivolume.cab", 0, PS_F_UNREADABLE_PACKAGE, NULL, 0,
         "cannot read the cabinet: Invalid CAB header"},
        {"bad/checksum.cab", 0, PS_F_UNREADABLE_PACKAGE, "update.cat", 0,
         "cannot read update.cat: Checksum error CFDATA[0] 44adebfb:11adebfb in 9051 bytes"},
        {"bad/lzx16.cab", 0, PS_F_UNREADABLE_PACKAGE, "update.mum", 0,
         "cannot read update.mum: LZX decompression failed (-25)"},
        {"good/Windows6.0-KB4200004-x64.cab", 0, PS_F_UNREADABLE_PACKAGE, NULL, 0,
         "no update.mum in Windows6.0-KB4200004-x64.cab"},
        {"good/bad-xml.cab", 0, PS_F_UNREADABLE_PACKAGE, "update.mum", 4,
         "not well-formed XML: error parsing attribute name"},
        {"good/doctype.cab", 0, PS_F_UNSAFE_INPUT, "update.mum", 2,
         "document type declaration (DOCTYPE) refused: real manifests carry none"},
        {"good/entity-bomb.msu", 0, PS_F_UNSAFE_INPUT, "Windows6.0-KB4200003-x64.cab/update.mum", 2,
         "document type declaration (DOCTYPE) refused: real manifests carry none"},
    };
    struct got g;

    (void)state;
    for (size_t i = 0; i < PS_ARRAY_LEN(t); i++) {
        if (strcmp(t[i].file, "bad/lzx16.cab") == 0 && !have_samples())
            continue; /* made from a libarchive test cab of the samples */
        print_message("%s\n", t[i].file);
        read_opts(&g, pathf(FX "/%s", t[i].file), t[i].file, NULL);
        assert_int_equal(g.rc, t[i].rc);
        assert_int_equal(g.p.readable, 0);
        assert_one_finding(&g, t[i].code, t[i].member, t[i].line, t[i].message);
        got_free(&g);
    }
}

/* Cabinets not named .msu or .cab are told apart by their members. */
static void test_unnamed_cabinets(void **state)
{
    struct got g;

    (void)state;
    read_pkg(&g, FX "/bad/renamed.bin");
    assert_int_equal(g.rc, 0);
    assert_int_equal(g.f.count, 0);
    assert_int_equal(g.p.container, PS_CONTAINER_MSU);
    assert_str(g.p.kb, "KB4474419");
    assert_int_equal(g.p.readable, 1);
    got_free(&g);

    NEED_SAMPLES(); /* plain.dat is a libarchive test cab */
    read_pkg(&g, FX "/bad/plain.dat");
    assert_int_equal(g.rc, 1);
    assert_one_finding(&g, PS_F_FOREIGN_FILE, NULL, 0,
                       "not an update package (a cabinet without update.mum)");
    got_free(&g);
}

/* An .msu without an update cab: a finding, and pkgProperties stands in. */
static void test_msu_without_update_cab(void **state)
{
    struct got g;

    (void)state;
    read_pkg(&g, FX "/bad/Windows6.0-KB4000010-x64.msu");
    assert_int_equal(g.rc, 0);
    assert_one_finding(&g, PS_F_UNREADABLE_PACKAGE, NULL, 0,
                       "no update cab in Windows6.0-KB4000010-x64.msu");
    assert_str(g.p.kb, "KB4000010");
    assert_str(ps_kb_source_name(g.p.kb_source), "pkgProperties");
    /* pkgProperties says x86, the name x64: the metadata wins */
    assert_int_equal(g.p.arch, PS_ARCH_X86);
    assert_int_equal(g.p.name_arch, PS_ARCH_X64);
    assert_str(g.p.os, "6.0");
    assert_str(g.p.build_date, "2019-02-03");
    assert_int_equal(g.p.readable, 1);
    got_free(&g);
}

/* A truncated file ends the read wherever the cut falls. */
static void test_truncated_tail(void **state)
{
    struct got g;
    struct stat st;

    (void)state;
    assert_int_equal(stat(FX "/good/Windows6.0-KB4474419-v4-x64.msu", &st), 0);
    read_pkg(&g, pathf(FX "/bad/trunc-%lld.msu", (long long)st.st_size - 100));
    assert_int_equal(g.rc, 0);
    assert_int_equal(g.p.readable, 0);
    assert_int_equal(g.f.count, 1);
    assert_int_equal(g.f.items[0].code, PS_F_UNREADABLE_PACKAGE);
    assert_non_null(strstr(g.f.items[0].message, "cannot read "));
    got_free(&g);
}

/* The member name is reported, never used; the package is still read,
 * and refused. */
static void test_member_name_traversal(void **state)
{
    struct got g;

    (void)state;
    read_opts(&g, FX "/bad/Windows6.0-KB4000007-x64.cab", "Windows6.0-KB4000007-x64.cab", NULL);
    assert_int_equal(g.rc, 0);
    assert_one_finding(&g, PS_F_UNSAFE_INPUT, "../../etc/passwd", 0,
                       "member name \"../../etc/passwd\" is not a plain relative name; the member "
                       "is ignored and the package refused");
    assert_int_equal(g.p.readable, 0); /* refused, yet read */
    assert_str(g.p.kb, "KB4000007");
    got_free(&g);
}

/* A file name that is not UTF-8 (or holds a control byte) is shown with
 * \xHH escapes, in the package and its findings; the path keeps the bytes. */
static void test_display_name_escaped(void **state)
{
    struct got g;

    (void)state;
    read_opts(&g, FX "/good/Windows6.0-KB4474419-v4-x64.msu", "b/Windows6.0-KB4474419-v4-x64\xff.msu",
              NULL);
    assert_int_equal(g.rc, 0);
    assert_int_equal(g.f.count, 0);
    assert_string_equal(g.p.file, "b/Windows6.0-KB4474419-v4-x64\\xff.msu");
    assert_string_equal(g.p.path, FX "/good/Windows6.0-KB4474419-v4-x64.msu");
    assert_int_equal(g.p.revision, 4);
    assert_int_equal(g.p.name_arch, PS_ARCH_NONE); /* "-x64" is followed by a byte, not '.' */
    assert_int_equal(g.p.arch, PS_ARCH_X64);       /* from update.mum */
    got_free(&g);

    read_opts(&g, FX "/bad/empty.msu", "b/new\nline\xc3\xa9\xe0\x80\x80.msu", NULL);
    assert_one_finding(&g, PS_F_UNREADABLE_PACKAGE, NULL, 0, "not a cabinet file (empty file)");
    assert_string_equal(g.f.items[0].file, "b/new\\x0aline\xc3\xa9\\xe0\\x80\\x80.msu");
    got_free(&g);
}

static void test_name_unsafe(void **state)
{
    (void)state;
    assert_int_equal(ps_ar_name_unsafe("update.mum"), 0);
    assert_int_equal(ps_ar_name_unsafe("core/1"), 0);
    assert_int_equal(ps_ar_name_unsafe("a..b/..c"), 0);
    assert_int_equal(ps_ar_name_unsafe("../../etc/passwd"), 1);
    assert_int_equal(ps_ar_name_unsafe("a/../b"), 1);
    assert_int_equal(ps_ar_name_unsafe("a/.."), 1);
    assert_int_equal(ps_ar_name_unsafe("/etc/passwd"), 1);
    assert_int_equal(ps_ar_name_unsafe("C:/Windows"), 1);
    assert_int_equal(ps_ar_name_unsafe("a\nb"), 1);
    assert_int_equal(ps_ar_name_unsafe(""), 1);
}

static void test_limits(void **state)
{
    struct got g;
    ps_read_opts o;
    const char *pkg = FX "/good/Windows6.0-KB4474419-v4-x64.msu";

    (void)state;
    ps_read_opts_default(&o);
    o.limits.max_members = 2;
    read_opts(&g, pkg, "p.msu", &o);
    assert_one_finding(&g, PS_F_UNSAFE_INPUT, "Windows6.0-KB4474419-v4-x64.cab", 0,
                       "Windows6.0-KB4474419-v4-x64.cab has more than 2 members (limit max_members)");
    assert_int_equal(g.p.readable, 0);
    got_free(&g);

    ps_read_opts_default(&o);
    o.limits.max_depth = 2;
    read_opts(&g, pkg, "p.msu", &o);
    assert_one_finding(&g, PS_F_UNSAFE_INPUT, "WSUSSCAN.cab/package.cab", 0,
                       "WSUSSCAN.cab/package.cab is nested 3 levels deep (limit max_depth is 2)");
    got_free(&g);

    ps_read_opts_default(&o);
    o.limits.max_member_bytes = 1000;
    o.wsus = 0;
    read_opts(&g, pkg, "p.msu", &o);
    assert_one_finding(&g, PS_F_UNSAFE_INPUT, "Windows6.0-KB4474419-v4-x64.cab/update.mum", 0,
                       "member Windows6.0-KB4474419-v4-x64.cab/update.mum is 1467 bytes, over the "
                       "limit of 1000 bytes (limit max_member_bytes)");
    got_free(&g);

    ps_read_opts_default(&o);
    read_opts(&g, FX "/bomb/Windows6.0-KB4000008-x64.cab", "bomb.cab", &o);
    assert_int_equal(g.f.count, 1);
    assert_int_equal(g.f.items[0].code, PS_F_UNSAFE_INPUT);
    /* stopped while the 64 MiB of zeros were passed over (the file is
     * read 64 KiB at a time: the ratio is met at 256 x 64 KiB) */
    assert_str(g.f.items[0].member, "0");
    assert_true(g.st.decoded_bytes < 20u * 1024 * 1024);
    assert_non_null(strstr(g.f.items[0].message, "the cabinet decompresses at more than 256:1 ("));
    assert_non_null(strstr(g.f.items[0].message, "; limit max_ratio)"));
    assert_int_equal(g.p.readable, 0);
    got_free(&g);

    /* update.mum itself is the bomb: refused while it is read into memory */
    read_opts(&g, FX "/bomb/Windows6.0-KB4000011-x64.cab", "mumbomb.cab", &o);
    assert_int_equal(g.f.count, 1);
    assert_int_equal(g.f.items[0].code, PS_F_UNSAFE_INPUT);
    assert_str(g.f.items[0].member, "update.mum");
    assert_non_null(strstr(g.f.items[0].message, "the cabinet decompresses at more than 256:1 ("));
    assert_int_equal(g.p.readable, 0);
    assert_true(g.st.decoded_bytes < 24u * 1024 * 1024); /* stopped before the end */
    got_free(&g);

    /* the XML limit, named as such */
    ps_read_opts_default(&o);
    o.limits.max_xml_bytes = 1000;
    o.wsus = 0;
    read_opts(&g, pkg, "p.msu", &o);
    assert_one_finding(&g, PS_F_UNSAFE_INPUT, "Windows6.0-KB4474419-v4-x64.cab/update.mum", 0,
                       "member Windows6.0-KB4474419-v4-x64.cab/update.mum is 1467 bytes, over the "
                       "limit of 1000 bytes (limit max_xml_bytes)");
    assert_int_equal(g.p.readable, 0);
    got_free(&g);

    ps_read_opts_default(&o);
    o.limits.max_ratio = 0; /* off: the 64 MiB of zeros are decoded and skipped */
    read_opts(&g, FX "/bomb/Windows6.0-KB4000008-x64.cab", "bomb.cab", &o);
    assert_int_equal(g.f.count, 0);
    assert_str(g.p.kb, "KB4000008");
    assert_true(g.st.decoded_bytes > 64u * 1024 * 1024);
    got_free(&g);
}

static struct timespec fake_now;

/* A clock that moves one second at every look. */
static void fast_clock(struct timespec *now)
{
    fake_now.tv_sec++;
    *now = fake_now;
}

static void test_time_limit(void **state)
{
    ps_ar_ctx ctx;
    ps_limits l;

    (void)state;
    ps_limits_default(&l);
    l.max_seconds = 1;
    ps_ar_ctx_init(&ctx, &l);
    assert_int_equal(ps_ar_check_time(&ctx), 0);
    ctx.start.tv_sec -= 5;
    assert_int_equal(ps_ar_check_time(&ctx), 1);
    assert_int_equal(ctx.limit_err.finding, PS_F_UNSAFE_INPUT);
    assert_string_equal(ctx.limit_err.msg,
                        "reading the package took more than 1 seconds (limit max_seconds)");
    l.max_seconds = 0; /* off */
    ps_ar_ctx_init(&ctx, &l);
    ctx.start.tv_sec -= 100000;
    assert_int_equal(ps_ar_check_time(&ctx), 0);
}

/* A package whose read takes too long: one finding on the file, and the
 * read stops there. */
static void test_time_limit_package(void **state)
{
    void (*saved)(struct timespec *) = ps_ar_now;
    struct got g;
    ps_read_opts o;

    (void)state;
    ps_read_opts_default(&o);
    o.limits.max_seconds = 4;
    ps_ar_now = fast_clock;
    read_opts(&g, FX "/good/Windows6.0-KB4474419-v4-x64.msu", "slow.msu", &o);
    ps_ar_now = saved;
    assert_int_equal(g.rc, 0);
    assert_int_equal(g.p.readable, 0);
    assert_int_equal(g.f.count, 1);
    assert_str(g.f.items[0].member, "WSUSSCAN.cab"); /* the fourth look at the clock */
    assert_int_equal(g.f.items[0].code, PS_F_UNSAFE_INPUT);
    assert_string_equal(g.f.items[0].file, "slow.msu");
    assert_string_equal(g.f.items[0].message,
                        "reading the package took more than 4 seconds (limit max_seconds)");
    got_free(&g);
}

/* Hashing obeys the time limit: a 100 GiB sparse file (a package at its
 * front) is given up after max_seconds, here 16 looks at the fast clock,
 * one per MiB hashed; without the check it would hash 100 GiB. */
static void test_time_limit_hash(void **state)
{
    void (*saved)(struct timespec *) = ps_ar_now;
    char path[] = FX "/sparse-XXXXXX";
    size_t len;
    char *data;
    struct got g;
    ps_read_opts o;
    int fd;

    (void)state;
    data = ps_test_read_file(FX "/good/Windows6.0-KB4474419-v4-x64.msu", &len);
    assert_non_null(data);
    fd = mkstemp(path);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, data, len), (ssize_t)len);
    assert_int_equal(ftruncate(fd, (off_t)100 << 30), 0);
    close(fd);
    free(data);
    ps_read_opts_default(&o);
    o.hash = 1;
    o.limits.max_seconds = 16;
    ps_ar_now = fast_clock;
    read_opts(&g, path, "huge.msu", &o);
    ps_ar_now = saved;
    unlink(path);
    assert_int_equal(g.rc, 0);
    assert_int_equal(g.p.hashed, 0);
    assert_int_equal(g.p.readable, 0);
    assert_int_equal(g.f.count, 1);
    assert_int_equal(g.f.items[0].code, PS_F_UNSAFE_INPUT);
    assert_string_equal(g.f.items[0].message,
                        "reading the package took more than 16 seconds (limit max_seconds)");
    assert_int_equal(g.st.file_bytes, 0); /* stopped before the reading began */
    got_free(&g);
}

/* ------------------------------------------------------------------ */
/* Bundles                                                             */
/* ------------------------------------------------------------------ */

static void test_bundle_tree(void **state)
{
    static const char *const want_pkgs[] = {
        "Windows6.0-KB4000002-x86.cab",
        "b/Windows6.0-KB4474419-v4-x64.msu",
        "b/sub/Windows6.0-KB4493730-x64.msu",
    };
    /* link-in.msu names b/...KB4474419 and dirlink names b: both reach
     * what was read already, so they are not read again */
    static const char *const want_findings[] = {
        "a/notes.txt|foreign-file|not an update package (no MSCF signature)",
        "dangling.msu|dangling-link|dangling symbolic link: its target cannot be reached (No such file or directory)",
        "link-out.msu|link-not-followed|symbolic link not followed: its target is outside the folders given (give the folder that holds the targets too)",
    };
    const char *const given[] = {FX "/tree/"};
    ps_bundle b = {NULL, 0, 0};
    ps_findings f = {NULL, 0, 0};
    ps_read_opts o;
    char err[256];

    (void)state;
    ps_read_opts_default(&o);
    assert_int_equal(ps_bundle_read(&b, given, 1, &o, &f, err, sizeof err), 0);
    assert_int_equal(b.count, PS_ARRAY_LEN(want_pkgs));
    for (size_t i = 0; i < b.count; i++) {
        assert_string_equal(b.items[i].file, pathf(FX "/tree/%s", want_pkgs[i]));
        assert_int_equal(b.items[i].readable, 1);
    }
    assert_str(b.items[1].kb, "KB4474419");
    assert_int_equal(f.count, PS_ARRAY_LEN(want_findings));
    for (size_t i = 0; i < f.count; i++) {
        char line[512];

        snprintf(line, sizeof line, "%s|%s|%s", f.items[i].file + strlen(FX "/tree/"),
                 ps_finding_code_name(f.items[i].code), f.items[i].message);
        assert_string_equal(line, want_findings[i]);
    }
    ps_bundle_free(&b);
    ps_findings_free(&f);
    assert_int_equal(b.count, 0);
}

/* Files given one by one keep the order given; the display path is the
 * path as given. */
static void test_bundle_files(void **state)
{
    const char *const given[] = {
        FX "/good/Windows6.0-KB4520002-x64.msu",
        FX "/good/../good/Windows6.0-KB4000002-x86.cab",
        FX "/bad/notes.txt",
        FX "/good/bad-xml.cab",
    };
    ps_bundle b = {NULL, 0, 0};
    ps_findings f = {NULL, 0, 0};
    char err[256];

    (void)state;
    assert_int_equal(ps_bundle_read(&b, given, 4, NULL, &f, err, sizeof err), 0);
    assert_int_equal(b.count, 3);
    assert_string_equal(b.items[0].file, given[0]);
    assert_string_equal(b.items[1].file, given[1]);
    assert_string_equal(b.items[2].file, given[3]);
    assert_int_equal(b.items[2].readable, 0);
    assert_int_equal(f.count, 2);
    assert_string_equal(f.items[0].file, given[2]);
    assert_int_equal(f.items[0].code, PS_F_FOREIGN_FILE);
    assert_string_equal(f.items[1].file, given[3]);
    assert_int_equal(f.items[1].line, 4);
    ps_bundle_free(&b);
    ps_findings_free(&f);
}

static void test_bundle_missing(void **state)
{
    const char *const given[] = {FX "/good", "nope/missing.msu"};
    ps_bundle b = {NULL, 0, 0};
    ps_findings f = {NULL, 0, 0};
    char err[256];

    (void)state;
    assert_int_equal(ps_bundle_read(&b, given, 2, NULL, &f, err, sizeof err), -1);
    assert_string_equal(err, "nope/missing.msu: No such file or directory");
    assert_int_equal(b.count, 0);
    assert_int_equal(f.count, 0);
    ps_bundle_free(&b);
    ps_findings_free(&f);
}

/* The whole good/ folder twice: the same packages in the same order. */
static void test_bundle_deterministic(void **state)
{
    const char *const given[] = {FX "/good"};
    ps_bundle a = {NULL, 0, 0}, b = {NULL, 0, 0};
    ps_findings fa = {NULL, 0, 0}, fb = {NULL, 0, 0};
    char err[256];

    (void)state;
    assert_int_equal(ps_bundle_read(&a, given, 1, NULL, &fa, err, sizeof err), 0);
    assert_int_equal(ps_bundle_read(&b, given, 1, NULL, &fb, err, sizeof err), 0);
    assert_int_equal(a.count, 17);
    assert_int_equal(a.count, b.count);
    for (size_t i = 0; i < a.count; i++) {
        assert_string_equal(a.items[i].file, b.items[i].file);
        if (i > 0)
            assert_true(strcmp(a.items[i - 1].file, a.items[i].file) < 0);
    }
    /* SUMS is the one foreign file; then the five damaged packages */
    assert_int_equal(fa.count, fb.count);
    for (size_t i = 0; i < fa.count; i++)
        assert_string_equal(fa.items[i].message, fb.items[i].message);
    ps_bundle_free(&a);
    ps_bundle_free(&b);
    ps_findings_free(&fa);
    ps_findings_free(&fb);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_defaults),
        cmocka_unit_test(test_synthetic_sample),
        cmocka_unit_test(test_msu_x64),
        cmocka_unit_test(test_msu_x86),
        cmocka_unit_test(test_ssu_provides_stack),
        cmocka_unit_test(test_rollup_kernel_sha2),
        cmocka_unit_test(test_ia64_wsus_superseded),
        cmocka_unit_test(test_win61_sha2),
        cmocka_unit_test(test_bare_cab),
        cmocka_unit_test(test_arch_from_manifest),
        cmocka_unit_test(test_fallback_props_utf16),
        cmocka_unit_test(test_fallback_unattend),
        cmocka_unit_test(test_wsus_off),
        cmocka_unit_test(test_early_stop),
        cmocka_unit_test(test_cix),
        cmocka_unit_test(test_real_order),
        cmocka_unit_test(test_hostile),
        cmocka_unit_test(test_bad_catalog),
        cmocka_unit_test(test_hash),
        cmocka_unit_test(test_real_wsusscan_in_msu),
        cmocka_unit_test(test_archive_nested_real),
        cmocka_unit_test(test_archive_libarchive_cabs),
        cmocka_unit_test(test_package_libarchive_cabs),
        cmocka_unit_test(test_damaged),
        cmocka_unit_test(test_unnamed_cabinets),
        cmocka_unit_test(test_msu_without_update_cab),
        cmocka_unit_test(test_truncated_tail),
        cmocka_unit_test(test_member_name_traversal),
        cmocka_unit_test(test_display_name_escaped),
        cmocka_unit_test(test_name_unsafe),
        cmocka_unit_test(test_limits),
        cmocka_unit_test(test_time_limit),
        cmocka_unit_test(test_time_limit_package),
        cmocka_unit_test(test_time_limit_hash),
        cmocka_unit_test(test_bundle_tree),
        cmocka_unit_test(test_bundle_files),
        cmocka_unit_test(test_bundle_missing),
        cmocka_unit_test(test_bundle_deterministic),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
