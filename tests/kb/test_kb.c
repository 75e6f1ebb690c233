/*
 * test_kb.c - the knowledge base: the shipped data, classification, every
 * schema and cross-check error (on knowledge dirs written at test time), and
 * `patchseq rules check`.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "config.h"
#include "kb.h"
#include "util.h"
#include "testlib.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <dirent.h>
#include <sys/stat.h>
#include <unistd.h>

static const char *data_dir(void)
{
    const char *d = getenv("PATCHSEQ_DATA_DIR");

    return d != NULL && d[0] ? d : PS_SOURCE_DIR;
}

/* ------------------------------------------------------------------ */
/* Helpers                                                             */
/* ------------------------------------------------------------------ */

/* Line (1-based) of the first line of `path` that contains `needle`. */
static unsigned line_of(const char *path, const char *needle)
{
    char *text = ps_test_read_file(path, NULL);
    const char *hit = strstr(text, needle);
    unsigned line = 1;

    assert_non_null(hit);
    for (const char *p = text; p < hit; p++)
        line += *p == '\n';
    free(text);
    return line;
}

/* "file:line: message" lines of every finding, each a rule-error. */
static char *render(const ps_findings *f)
{
    ps_buf b = {0};

    for (size_t i = 0; i < f->count; i++) {
        assert_int_equal(f->items[i].code, PS_F_RULE_ERROR);
        assert_int_equal(f->items[i].severity, PS_SEV_ERROR);
        ps_buf_printf(&b, "%s:%u: %s\n", f->items[i].file ? f->items[i].file : "-",
                      f->items[i].line, f->items[i].message);
    }
    if (b.data == NULL)
        return ps_strdup("");
    return ps_buf_steal(&b, NULL);
}

typedef struct tfile {
    const char *path; /* relative to the knowledge dir */
    const char *text; /* NULL: copy the shipped file of the same path */
} tfile;

typedef struct tdir {
    char root[64];
    char *paths[16];
    size_t n;
} tdir;

static void write_file(const char *path, const char *data, size_t len)
{
    FILE *fp = fopen(path, "wb");

    assert_non_null(fp);
    assert_int_equal(fwrite(data, 1, len, fp), len);
    assert_int_equal(fclose(fp), 0);
}

static void tdir_make(tdir *d, const tfile *files, size_t n)
{
    char *p;

    memset(d, 0, sizeof *d);
    snprintf(d->root, sizeof d->root, "/tmp/ps-kb-test-XXXXXX");
    assert_non_null(mkdtemp(d->root));
    p = ps_asprintf("%s/rules", d->root);
    assert_int_equal(mkdir(p, 0700), 0);
    free(p);
    p = ps_asprintf("%s/manifests", d->root);
    assert_int_equal(mkdir(p, 0700), 0);
    free(p);
    for (size_t i = 0; i < n; i++) {
        char *full = ps_asprintf("%s/%s", d->root, files[i].path);

        assert_true(d->n < PS_ARRAY_LEN(d->paths));
        if (files[i].text != NULL) {
            write_file(full, files[i].text, strlen(files[i].text));
        } else {
            char *src = ps_asprintf("%s/%s", data_dir(), files[i].path);
            size_t len;
            char *data = ps_test_read_file(src, &len);

            write_file(full, data, len);
            free(data);
            free(src);
        }
        d->paths[d->n++] = full;
    }
}

static void tdir_remove(tdir *d)
{
    char *p;

    for (size_t i = 0; i < d->n; i++) {
        assert_int_equal(unlink(d->paths[i]), 0);
        free(d->paths[i]);
    }
    p = ps_asprintf("%s/rules", d->root);
    assert_int_equal(rmdir(p), 0);
    free(p);
    p = ps_asprintf("%s/manifests", d->root);
    assert_int_equal(rmdir(p), 0);
    free(p);
    assert_int_equal(rmdir(d->root), 0);
}

/* Loads a knowledge dir made of `files`; returns ps_kb_load's result and
 * the rendered findings in *out. */
static int load_files(const tfile *files, size_t n, char **out)
{
    tdir d;
    ps_kb kb;
    ps_findings f = {0};
    char err[256] = "";
    int rc;

    tdir_make(&d, files, n);
    rc = ps_kb_load(&kb, d.root, &f, err, sizeof err);
    assert_int_not_equal(rc, -1);
    *out = render(&f);
    ps_findings_free(&f);
    ps_kb_free(&kb);
    tdir_remove(&d);
    return rc;
}

/* A small valid knowledge dir; tests append to its manifests and rules. */
#define MAN_HEAD                                                                  \
    "<manifests os=\"6.0\" name=\"test\">\n"                                      \
    "<sources><source key=\"S1\" ref=\"a source\"/></sources>\n"                  \
    "<update kb=\"KB4493730\" role=\"servicing-stack\" arch=\"x86\" date=\"2019-04-09\" " \
    "title=\"SSU\" source=\"S1\"/>\n"                                             \
    "<update kb=\"KB4474419\" role=\"sha2-support\" arch=\"x86\" date=\"2019-05-14\" " \
    "title=\"SHA-2\" source=\"S1\"/>\n"
#define MAN_TAIL "</manifests>\n"
#define RULES_HEAD                                                                \
    "<rules os=\"6.0\" name=\"test\">\n"                                          \
    "<sources><source key=\"S1\" ref=\"a source\"/></sources>\n"                  \
    "<base-build version=\"6.0.6002.18005\" source=\"S1\"/>\n"                    \
    "<sha2-enabler kb=\"KB4474419\" source=\"S1\"/>\n"                            \
    "<phases source=\"S1\"><phase name=\"servicing-stack\" roles=\"servicing-stack\"/>" \
    "<phase name=\"sha2-support\" roles=\"sha2-support\"/><phase name=\"other\" roles=\"other\"/>" \
    "</phases>\n"                                                                 \
    "<recognizers/>\n"
#define RULES_TAIL "</rules>\n"

#define ORDER(first, then) \
    "<order reason=\"r\" source=\"S1\"><first " first "/><then " then "/></order>\n"
#define REQUIRE(first, then) \
    "<require reason=\"r\" source=\"S1\"><first " first "/><then " then "/></require>\n"

/* Compares rendered findings, showing both in full when they differ. */
static void expect_text(const char *got, const char *want)
{
    if (strcmp(got, want) != 0)
        fprintf(stderr, "findings:\n%s---- expected:\n%s----\n", got, want);
    assert_string_equal(got, want);
}

/* Loads MAN_HEAD+man+MAN_TAIL and RULES_HEAD+rules+RULES_TAIL with the
 * shipped schemas, and checks the findings against `expect`. */
static void check_kb(const char *man, const char *rules, int want_rc, const char *expect)
{
    char *m = ps_asprintf("%s%s%s", MAN_HEAD, man, MAN_TAIL);
    char *r = ps_asprintf("%s%s%s", RULES_HEAD, rules, RULES_TAIL);
    tfile files[] = {
        {"manifests/manifests.rng", NULL},
        {"rules/rules.rng", NULL},
        {"manifests/6.0.xml", m},
        {"rules/6.0.xml", r},
    };
    char *out = NULL;
    int rc = load_files(files, PS_ARRAY_LEN(files), &out);

    expect_text(out, expect);
    assert_int_equal(rc, want_rc);
    free(out);
    free(m);
    free(r);
}

/* ------------------------------------------------------------------ */
/* Roles                                                               */
/* ------------------------------------------------------------------ */

static void test_role_names(void **state)
{
    static const char *const names[] = {"unknown", "servicing-stack", "sha2-support", "licensing",
                                        "rollup", "preview-rollup", "security-only", "other"};

    (void)state;
    for (unsigned i = 0; i < PS_ROLE__COUNT; i++) {
        assert_string_equal(ps_role_name((ps_role)i), names[i]);
        assert_int_equal(ps_role_parse(names[i]), i);
    }
    assert_int_equal(ps_role_parse("optional"), PS_ROLE_UNKNOWN);
    assert_int_equal(ps_role_parse("Rollup"), PS_ROLE_UNKNOWN);
    assert_int_equal(ps_role_parse(NULL), PS_ROLE_UNKNOWN);
    assert_string_equal(ps_role_name(PS_ROLE__COUNT), "unknown");
}

/* ------------------------------------------------------------------ */
/* The shipped knowledge                                               */
/* ------------------------------------------------------------------ */

static int setup_shipped(void **state)
{
    ps_kb *kb = calloc(1, sizeof *kb);
    ps_findings f = {0};
    char err[256] = "";
    int rc;

    if (kb == NULL)
        return -1;
    rc = ps_kb_load(kb, data_dir(), &f, err, sizeof err);
    if (rc != 0 || f.count != 0) {
        char *out = render(&f);

        fprintf(stderr, "shipped knowledge: rc %d, %s\n%s", rc, err, out);
        free(out);
        ps_findings_free(&f);
        ps_kb_free(kb);
        free(kb);
        return -1;
    }
    *state = kb;
    return 0;
}

static int teardown_shipped(void **state)
{
    ps_kb_free(*state);
    free(*state);
    return 0;
}

static void test_shipped_loads_clean(void **state)
{
    const ps_kb *kb = *state;

    assert_int_equal(kb->n_entries, 301);
    assert_int_equal(ps_kb_rule_count(kb), 27);
    assert_int_equal(kb->n_os, 2);
    assert_string_equal(kb->os[0].os, "6.0");
    assert_string_equal(kb->os[1].os, "6.1");
    assert_int_equal(ps_kb_check(data_dir(), &(ps_findings){0}, (char[64]){0}, 64), 0);
}

/* The run-time RELAX NG check is skipped for the bytes of a shipped file
 * (kb.c, src/kb_shipped.py): this is where the shipped files meet their
 * schemas.  One byte more (a newline) makes each document differ from the
 * shipped one, so each is checked against its compiled schema here. */
static void test_shipped_match_schemas(void **state)
{
    static const char *const folders[] = {"manifests", "rules"};
    ps_kb_doc docs[64];
    char *bufs[64], *paths[64];
    size_t n = 0;
    ps_findings f = {0};
    ps_kb kb;
    int rc;
    char *out;

    (void)state;
    for (size_t k = 0; k < PS_ARRAY_LEN(folders); k++) {
        char *dir = ps_asprintf("%s/%s", data_dir(), folders[k]);
        DIR *d = opendir(dir);
        struct dirent *de;

        assert_non_null(d);
        while ((de = readdir(d)) != NULL) {
            char *full;
            size_t len;
            char *data;

            if (!ps_has_suffix_ci(de->d_name, ".xml") && !ps_has_suffix_ci(de->d_name, ".rng"))
                continue;
            assert_true(n < PS_ARRAY_LEN(docs));
            full = ps_asprintf("%s/%s", dir, de->d_name);
            data = ps_test_read_file(full, &len);
            bufs[n] = ps_asprintf("%.*s\n", (int)len, data);
            paths[n] = ps_asprintf("%s/%s", folders[k], de->d_name);
            docs[n] = (ps_kb_doc){paths[n], bufs[n], len + 1};
            n++;
            free(data);
            free(full);
        }
        closedir(d);
        free(dir);
    }
    assert_true(n >= 4);
    rc = ps_kb_load_docs(&kb, data_dir(), docs, n, &f);
    out = render(&f);
    expect_text(out, "");
    assert_int_equal(rc, 0);
    assert_int_equal(kb.n_entries, ((const ps_kb *)*state)->n_entries);
    free(out);
    ps_findings_free(&f);
    ps_kb_free(&kb);
    for (size_t i = 0; i < n; i++) {
        free(bufs[i]);
        free(paths[i]);
    }
}

typedef struct expect_kb {
    const char *kb;
    ps_role role;
} expect_kb;

static void check_present(const ps_kb *kb, const char *os, const expect_kb *list, size_t n)
{
    char *file = ps_asprintf("manifests/%s.xml", os);
    char *path = ps_asprintf("%s/%s", data_dir(), file);

    for (size_t i = 0; i < n; i++) {
        const ps_kb_entry *e = ps_kb_find(kb, os, list[i].kb);
        char *needle = ps_asprintf("<update kb=\"%s\" ", list[i].kb);

        if (e == NULL)
            fail_msg("%s is not in the manifests for %s", list[i].kb, os);
        assert_string_equal(e->kb, list[i].kb);
        assert_string_equal(e->os, os);
        assert_int_equal(e->role, list[i].role);
        assert_non_null(e->source);
        assert_true(strlen(e->source) >= 2);
        assert_non_null(e->title);
        assert_true(e->arches & PS_ARCH_BIT(PS_ARCH_X64));
        assert_string_equal(e->where.file, file);
        assert_int_equal(e->where.line, line_of(path, needle));
        free(needle);
    }
    free(file);
    free(path);
}

#define SSU PS_ROLE_SERVICING_STACK
#define MR PS_ROLE_ROLLUP
#define SO PS_ROLE_SECURITY_ONLY
#define PR PS_ROLE_PREVIEW_ROLLUP

static void test_shipped_chains_60(void **state)
{
    static const expect_kb list[] = {
        /* servicing stack updates */
        {"KB4493730", SSU}, {"KB4517134", SSU}, {"KB4526478", SSU}, {"KB4531787", SSU},
        {"KB4536953", SSU}, {"KB4537830", SSU}, {"KB4550737", SSU}, {"KB4572374", SSU},
        {"KB4580971", SSU}, {"KB5010452", SSU}, {"KB5033466", SSU}, {"KB5034867", SSU},
        {"KB5039341", SSU}, {"KB5050682", SSU},
        /* SHA-2, licensing */
        {"KB4474419", PS_ROLE_SHA2_SUPPORT}, {"KB4039648", PS_ROLE_SHA2_SUPPORT},
        {"KB4538484", PS_ROLE_LICENSING}, {"KB4575904", PS_ROLE_LICENSING},
        {"KB5016891", PS_ROLE_LICENSING},
        /* Table B, 2018-10 .. 2023-01 */
        {"KB4463097", MR}, {"KB4463104", SO}, {"KB4463105", PR}, {"KB4467706", MR},
        {"KB4467700", SO}, {"KB4467687", PR}, {"KB4471325", MR}, {"KB4471319", SO},
        {"KB4480968", MR}, {"KB4480957", SO}, {"KB4480974", PR}, {"KB4487023", MR},
        {"KB4487019", SO}, {"KB4487022", PR}, {"KB4489880", MR}, {"KB4489876", SO},
        {"KB4489887", PR}, {"KB4493471", MR}, {"KB4493458", SO}, {"KB4493460", PR},
        {"KB4499149", MR}, {"KB4499180", SO}, {"KB4499184", PR}, {"KB4503273", MR},
        {"KB4503287", SO}, {"KB4503271", PR}, {"KB4507452", MR}, {"KB4507461", SO},
        {"KB4507451", PR}, {"KB4512476", MR}, {"KB4512491", SO}, {"KB4512499", PR},
        {"KB4516026", MR}, {"KB4516051", SO}, {"KB4516030", PR}, {"KB4520002", MR},
        {"KB4520009", SO}, {"KB4520015", PR}, {"KB4525234", MR}, {"KB4525239", SO},
        {"KB4530695", MR}, {"KB4530719", SO}, {"KB4534303", MR}, {"KB4534312", SO},
        {"KB4537810", MR}, {"KB4537822", SO}, {"KB4541506", MR}, {"KB4541504", SO},
        {"KB4550951", MR}, {"KB4550957", SO}, {"KB4556860", MR}, {"KB4556854", SO},
        {"KB4561670", MR}, {"KB4561645", SO}, {"KB4565536", MR}, {"KB4565529", SO},
        {"KB4571730", MR}, {"KB4571746", SO}, {"KB4577064", MR}, {"KB4577070", SO},
        {"KB4580378", MR}, {"KB4580385", SO}, {"KB4586807", MR}, {"KB4586817", SO},
        {"KB4592498", MR}, {"KB4592504", SO}, {"KB4598288", MR}, {"KB4598287", SO},
        {"KB4601360", MR}, {"KB4601366", SO}, {"KB5000844", MR}, {"KB5000856", SO},
        {"KB5001389", MR}, {"KB5001332", SO}, {"KB5003210", MR}, {"KB5003225", SO},
        {"KB5003661", MR}, {"KB5003695", SO}, {"KB5004305", MR}, {"KB5004299", SO},
        {"KB5005090", MR}, {"KB5005095", SO}, {"KB5005606", MR}, {"KB5005618", SO},
        {"KB5006736", MR}, {"KB5006715", SO}, {"KB5007263", MR}, {"KB5007246", SO},
        {"KB5008274", MR}, {"KB5008271", SO}, {"KB5009627", MR}, {"KB5009601", SO},
        {"KB5010384", MR}, {"KB5010403", SO}, {"KB5011534", MR}, {"KB5011525", SO},
        {"KB5012658", MR}, {"KB5012632", SO}, {"KB5014010", MR}, {"KB5014006", SO},
        {"KB5014752", MR}, {"KB5014743", SO}, {"KB5015866", MR}, {"KB5015870", SO},
        {"KB5016669", MR}, {"KB5016686", SO}, {"KB5017358", MR}, {"KB5017371", SO},
        {"KB5018450", MR}, {"KB5018446", SO}, {"KB5020019", MR}, {"KB5020005", SO},
        {"KB5021289", MR}, {"KB5021293", SO}, {"KB5022340", MR}, {"KB5022353", SO},
    };

    check_present(*state, "6.0", list, PS_ARRAY_LEN(list));
}

static void test_shipped_chains_61(void **state)
{
    static const expect_kb list[] = {
        {"KB3020369", SSU}, {"KB3138612", SSU}, {"KB3177467", SSU}, {"KB4490628", SSU},
        {"KB4516655", SSU}, {"KB4523206", SSU}, {"KB4531786", SSU}, {"KB4536952", SSU},
        {"KB4537829", SSU}, {"KB4555449", SSU}, {"KB4592510", SSU}, {"KB5010451", SSU},
        {"KB5017397", SSU}, {"KB4474419", PS_ROLE_SHA2_SUPPORT},
        {"KB4538483", PS_ROLE_LICENSING}, {"KB4575903", PS_ROLE_LICENSING},
        {"KB5016892", PS_ROLE_LICENSING}, {"KB5022338", MR},
    };

    check_present(*state, "6.1", list, PS_ARRAY_LEN(list));
}

static void test_shipped_facts(void **state)
{
    const ps_kb *kb = *state;
    const ps_kb_entry *e;

    /* dates: Patch Tuesday (second Tuesday), previews the third */
    e = ps_kb_find(kb, "6.0", "KB4493471");
    assert_string_equal(e->date, "2019-04-09");
    assert_string_equal(e->kernel_build, "6.0.6003.20489");
    e = ps_kb_find(kb, "6.0", "KB4489880");
    assert_string_equal(e->kernel_build, "6.0.6002.24565");
    e = ps_kb_find(kb, "6.0", "KB4489887");
    assert_string_equal(e->date, "2019-03-19");
    assert_null(e->kernel_build);
    assert_int_equal(e->unconfirmed, 1);
    e = ps_kb_find(kb, "6.0", "KB5022340");
    assert_string_equal(e->date, "2023-01-10");
    e = ps_kb_find(kb, "6.0", "KB5014010");
    assert_string_equal(e->kernel_build, "6.0.6003.21481");
    /* arches */
    e = ps_kb_find(kb, "6.0", "KB4039648");
    assert_int_equal(e->arches, PS_ARCH_BIT(PS_ARCH_X64));
    assert_null(e->date);
    e = ps_kb_find(kb, "6.0", "KB4493730");
    assert_int_equal(e->arches,
                     PS_ARCH_BIT(PS_ARCH_X86) | PS_ARCH_BIT(PS_ARCH_X64) | PS_ARCH_BIT(PS_ARCH_IA64));
    assert_int_equal(e->n_supersedes, 0);
    /* the SSU chain: the last SSU supersedes every earlier one */
    e = ps_kb_find(kb, "6.0", "KB5050682");
    assert_int_equal(e->n_supersedes, 13);
    assert_true(ps_strv_contains(e->supersedes, e->n_supersedes, "KB4493730"));
    /* rollups supersede earlier rollups and previews, not security-only */
    e = ps_kb_find(kb, "6.0", "KB5022340");
    assert_true(ps_strv_contains(e->supersedes, e->n_supersedes, "KB4463097"));
    assert_true(ps_strv_contains(e->supersedes, e->n_supersedes, "KB4463105"));
    assert_true(ps_strv_contains(e->supersedes, e->n_supersedes, "KB4520015"));
    assert_false(ps_strv_contains(e->supersedes, e->n_supersedes, "KB4463104"));
    assert_false(ps_strv_contains(e->supersedes, e->n_supersedes, "KB5022353"));
    /* 52 earlier rollups + 11 previews */
    assert_int_equal(e->n_supersedes, 63);
    /* a rollup does not supersede the preview released after it */
    e = ps_kb_find(kb, "6.0", "KB4489880");
    assert_false(ps_strv_contains(e->supersedes, e->n_supersedes, "KB4489887"));
    assert_true(ps_strv_contains(e->supersedes, e->n_supersedes, "KB4487022"));
    /* KB3138612 is kept: it also fixes the Windows Update client */
    e = ps_kb_find(kb, "6.1", "KB5017397");
    assert_false(ps_strv_contains(e->supersedes, e->n_supersedes, "KB3138612"));
    assert_true(ps_strv_contains(e->supersedes, e->n_supersedes, "KB3020369"));
    assert_null(ps_kb_find(kb, "6.2", "KB4474419"));
    assert_null(ps_kb_find(kb, "6.0", "KB4474420"));
}

static void test_shipped_rules(void **state)
{
    const ps_kb *kb = *state;
    const ps_os_rules *o = ps_kb_rules_for(kb, "6.0");
    const ps_rule *req = NULL;
    size_t barriers = 0;
    static const char *const phases[] = {"servicing-stack", "sha2-support", "licensing", "rollup",
                                         "security-only", "other", "optional"};

    assert_non_null(o);
    assert_null(ps_kb_rules_for(kb, "6.3"));
    assert_string_equal(o->base_build, "6.0.6002.18005");
    assert_string_equal(o->sha2_enabler, "KB4474419");
    assert_string_equal(ps_kb_rules_for(kb, "6.1")->base_build, "6.1.7601.17514");
    assert_int_equal(o->n_phases, PS_ARRAY_LEN(phases));
    for (size_t i = 0; i < o->n_phases; i++)
        assert_string_equal(o->phases[i], phases[i]);
    assert_int_equal(o->role_phase[PS_ROLE_SERVICING_STACK], 0);
    assert_int_equal(o->role_phase[PS_ROLE_SHA2_SUPPORT], 1);
    assert_int_equal(o->role_phase[PS_ROLE_LICENSING], 2);
    assert_int_equal(o->role_phase[PS_ROLE_ROLLUP], 3);
    assert_int_equal(o->role_phase[PS_ROLE_PREVIEW_ROLLUP], 3);
    assert_int_equal(o->role_phase[PS_ROLE_SECURITY_ONLY], 4);
    assert_int_equal(o->role_phase[PS_ROLE_OTHER], 5);
    assert_int_equal(o->n_recognizers, 2);
    assert_int_equal(o->n_rules, 14);
    for (size_t i = 0; i < o->n_rules; i++) {
        const ps_rule *r = &o->rules[i];

        assert_non_null(r->source);
        assert_non_null(r->reason);
        assert_string_equal(r->where.file, i < 13 ? "rules/6.0.xml" : "manifests/6.0.xml");
        if (r->kind == PS_RULE_REQUIRE) {
            assert_null(req);
            req = r;
        }
        /* ESU licensing: an order rule with a restart, or an expect rule
         * (a warning when missing); never a hard requirement */
        if (r->role == PS_ROLE_LICENSING) {
            assert_int_not_equal(r->kind, PS_RULE_REQUIRE);
            if (r->kind == PS_RULE_ORDER)
                assert_int_equal(r->barrier, 1);
            else
                assert_string_equal(r->finding, "esu-licensing");
            assert_string_equal(r->subject.since, "2020-02-11");
            assert_string_equal(r->subject.since_month, "2020-02");
        } else {
            assert_null(r->finding);
        }
        if (r->barrier && r->role == PS_ROLE_SHA2_SUPPORT)
            barriers++;
    }
    assert_int_equal(barriers, 3);
    /* KB4474419 requires a servicing stack from KB4493730 on */
    assert_non_null(req);
    assert_string_equal(req->subject.kb, "KB4474419");
    assert_int_equal(req->role, PS_ROLE_SERVICING_STACK);
    assert_string_equal(req->from, "KB4493730");
    assert_null(req->kb);
    assert_int_equal(req->where.line,
                     line_of(PS_SOURCE_DIR "/manifests/6.0.xml", "<requires role=\"servicing-stack\""));
    /* the first rule: SSU before KB4474419 */
    assert_int_equal(o->rules[0].kind, PS_RULE_ORDER);
    assert_int_equal(o->rules[0].role, PS_ROLE_SERVICING_STACK);
    assert_string_equal(o->rules[0].subject.kb, "KB4474419");
    assert_int_equal(o->rules[0].barrier, 0);
}

/* ------------------------------------------------------------------ */
/* Classification                                                       */
/* ------------------------------------------------------------------ */

static void test_classify_from_manifests(void **state)
{
    const ps_kb *kb = *state;
    ps_package p = {0};
    char why[128];
    char want[128];

    p.kb = "KB4493730";
    p.os = "6.0";
    /* knowledge wins over what the package says */
    p.identity.name = "Package_for_RollupFix";
    assert_int_equal(ps_kb_classify(kb, &p, why, sizeof why), PS_ROLE_SERVICING_STACK);
    snprintf(want, sizeof want, "manifests/6.0.xml:%u",
             line_of(PS_SOURCE_DIR "/manifests/6.0.xml", "<update kb=\"KB4493730\" "));
    assert_string_equal(why, want);

    p.kb = "KB4489887";
    p.identity.name = NULL;
    assert_int_equal(ps_kb_classify(kb, &p, why, sizeof why), PS_ROLE_PREVIEW_ROLLUP);

    p.kb = "KB4538483";
    p.os = "6.1";
    assert_int_equal(ps_kb_classify(kb, &p, why, sizeof why), PS_ROLE_LICENSING);
    snprintf(want, sizeof want, "manifests/6.1.xml:%u",
             line_of(PS_SOURCE_DIR "/manifests/6.1.xml", "<update kb=\"KB4538483\" "));
    assert_string_equal(why, want);

    /* no OS known: the KB alone */
    p.os = NULL;
    p.kb = "KB4520002";
    assert_int_equal(ps_kb_classify(kb, &p, NULL, 0), PS_ROLE_ROLLUP);
}

static void test_classify_from_metadata(void **state)
{
    const ps_kb *kb = *state;
    ps_package p = {0};
    char why[128];

    p.kb = "KB9999901";
    p.os = "6.0";
    p.provides_stack = "6.0.6003.20484";
    assert_int_equal(ps_kb_classify(kb, &p, why, sizeof why), PS_ROLE_SERVICING_STACK);
    assert_string_equal(why, "delivers Microsoft-Windows-ServicingStack 6.0.6003.20484");

    p.provides_stack = NULL;
    p.identity.name = "package_for_rollupfix";
    assert_int_equal(ps_kb_classify(kb, &p, why, sizeof why), PS_ROLE_ROLLUP);
    assert_string_equal(why, "identity package_for_rollupfix");

    p.os = "6.1";
    p.identity.name = "Package_for_RollupFix";
    assert_int_equal(ps_kb_classify(kb, &p, why, sizeof why), PS_ROLE_ROLLUP);
    assert_string_equal(why, "identity Package_for_RollupFix");

    p.identity.name = "Package_for_KB9999901";
    p.release_type = "Security Update";
    p.kernel_version = "6.1.7601.24000";
    assert_int_equal(ps_kb_classify(kb, &p, why, sizeof why), PS_ROLE_OTHER);
    assert_string_equal(why, "no rule matched");

    /* an OS without rules: no recogniser applies */
    p.os = "6.3";
    p.provides_stack = "6.3.9600.1";
    assert_int_equal(ps_kb_classify(kb, &p, why, sizeof why), PS_ROLE_OTHER);
    assert_string_equal(why, "no rule matched");

    /* a tiny buffer is cut, never overrun */
    p.os = "6.0";
    assert_int_equal(ps_kb_classify(kb, &p, why, 9), PS_ROLE_SERVICING_STACK);
    assert_string_equal(why, "delivers");
    assert_int_equal(ps_kb_classify(NULL, &p, why, sizeof why), PS_ROLE_OTHER);
    assert_string_equal(why, "no rule matched");
}

static void test_classify_release_type(void **state)
{
    static const char rules[] =
        "<rules os=\"6.0\" name=\"t\">\n"
        "<sources><source key=\"S1\" ref=\"r\"/></sources>\n"
        "<base-build version=\"6.0.6002.18005\" source=\"S1\"/>\n"
        "<sha2-enabler kb=\"KB4474419\" source=\"S1\"/>\n"
        "<phases source=\"S1\"><phase name=\"a\" roles=\"rollup security-only\"/></phases>\n"
        "<recognizers>\n"
        "<recognize role=\"security-only\" release-type=\"Security Update\" "
        "delivers=\"Microsoft-Windows-OS-Kernel\" source=\"S1\"/>\n"
        "</recognizers>\n"
        "</rules>\n";
    ps_kb_doc docs[4];
    size_t lr, lm, ls;
    char *rr = ps_test_read_file(PS_SOURCE_DIR "/rules/rules.rng", &lr);
    char *mr = ps_test_read_file(PS_SOURCE_DIR "/manifests/manifests.rng", &lm);
    char *man = ps_asprintf("%s%s", MAN_HEAD, MAN_TAIL);
    ps_kb kb;
    ps_findings f = {0};
    ps_package p = {0};
    char why[128];

    (void)state;
    ls = strlen(rules);
    docs[0] = (ps_kb_doc){"rules/rules.rng", rr, lr};
    docs[1] = (ps_kb_doc){"manifests/manifests.rng", mr, lm};
    docs[2] = (ps_kb_doc){"rules/6.0.xml", rules, ls};
    docs[3] = (ps_kb_doc){"manifests/6.0.xml", man, strlen(man)};
    assert_int_equal(ps_kb_load_docs(&kb, NULL, docs, 4, &f), 0);
    assert_int_equal(f.count, 0);
    assert_null(kb.dir);
    /* roles in no phase and no "other" phase: -1 */
    assert_int_equal(kb.os[0].role_phase[PS_ROLE_ROLLUP], 0);
    assert_int_equal(kb.os[0].role_phase[PS_ROLE_SERVICING_STACK], -1);
    p.os = "6.0";
    p.release_type = "security update";
    assert_int_equal(ps_kb_classify(&kb, &p, why, sizeof why), PS_ROLE_OTHER);
    p.kernel_version = "6.0.6003.20489";
    assert_int_equal(ps_kb_classify(&kb, &p, why, sizeof why), PS_ROLE_SECURITY_ONLY);
    assert_string_equal(why,
                        "delivers Microsoft-Windows-OS-Kernel 6.0.6003.20489, release type security update");
    ps_kb_free(&kb);
    ps_findings_free(&f);
    free(rr);
    free(mr);
    free(man);
}


/* ------------------------------------------------------------------ */
/* Windows 7 parity, ESU, tracks and the planner's queries              */
/* ------------------------------------------------------------------ */

/* mr[0] (the first rollup) supersedes no later one. */
#define k_first(i) (0 * (i))

/* Every month 2018-10 .. 2023-01 has a monthly rollup and a security-only
 * update in both OS families; 6.1 lists them in release order. */
static void test_shipped_61_monthly(void **state)
{
    const ps_kb *kb = *state;
    const ps_kb_entry *mr[80], *so[80], *pr[40];
    size_t nmr = ps_kb_list(kb, "6.1", PS_ROLE_ROLLUP, PS_ARCH_X64, mr, PS_ARRAY_LEN(mr));
    size_t nso = ps_kb_list(kb, "6.1", PS_ROLE_SECURITY_ONLY, PS_ARCH_X86, so, PS_ARRAY_LEN(so));
    size_t npr = ps_kb_list(kb, "6.1", PS_ROLE_PREVIEW_ROLLUP, PS_ARCH_NONE, pr, PS_ARRAY_LEN(pr));
    const char *os[] = {"6.0", "6.1"};

    /* 52 months, and three out-of-band rollups (2019-10, 2020-01, 2021-07) */
    assert_int_equal(nmr, 55);
    /* 52 months and the out-of-band one of 2021-07 */
    assert_int_equal(nso, 53);
    /* previews until 2019-11, none in December */
    assert_int_equal(npr, 13);
    assert_string_equal(mr[0]->kb, "KB4462923");
    assert_string_equal(mr[0]->month, "2018-10");
    assert_string_equal(mr[nmr - 1]->kb, "KB5022338");
    assert_string_equal(so[nso - 1]->kb, "KB5022339");
    assert_string_equal(pr[npr - 1]->kb, "KB4525251");
    for (size_t i = 1; i < nmr; i++) {
        /* release order, and each rollup supersedes every one of an earlier month */
        assert_true(strcmp(mr[i - 1]->month, mr[i]->month) <= 0);
        for (size_t k = 0; k < i; k++)
            if (strcmp(mr[k]->month, mr[i]->month) < 0)
                assert_int_equal(ps_kb_supersedes(kb, "6.1", mr[i]->kb, mr[k]->kb), 1);
        assert_int_equal(ps_kb_supersedes(kb, "6.1", mr[k_first(i)]->kb, mr[i]->kb), 0);
        assert_int_equal(ps_kb_track(mr[i]), PS_TRACK_MONTHLY_ROLLUP);
    }
    /* the out-of-band rollups sit in the chain: September, OOB, October */
    assert_int_equal(ps_kb_supersedes(kb, "6.1", "KB4524157", "KB4516065"), 1);
    assert_int_equal(ps_kb_supersedes(kb, "6.1", "KB4519976", "KB4524157"), 1);
    assert_int_equal(ps_kb_supersedes(kb, "6.1", "KB5004289", "KB5004953"), 1);
    for (size_t i = 0; i < nso; i++) {
        assert_int_equal(so[i]->n_supersedes, 0);
        assert_int_equal(ps_kb_track(so[i]), PS_TRACK_SECURITY_ONLY);
        assert_int_equal(ps_kb_supersedes(kb, "6.1", mr[nmr - 1]->kb, so[i]->kb), 0);
        assert_non_null(so[i]->month);
    }
    for (size_t i = 0; i < npr; i++)
        assert_int_equal(ps_kb_supersedes(kb, "6.1", "KB5022338", pr[i]->kb), 1);
    /* the preview of a month is not superseded by that month's rollup */
    assert_int_equal(ps_kb_supersedes(kb, "6.1", "KB4525235", "KB4525251"), 0);
    assert_int_equal(ps_kb_supersedes(kb, "6.1", "KB4530734", "KB4525251"), 1);
    for (size_t o = 0; o < 2; o++) {
        for (int y = 2018, m = 10; y < 2023 || (y == 2023 && m == 1);) {
            char month[32];
            size_t have_mr = 0, have_so = 0;
            size_t n = ps_kb_list(kb, os[o], PS_ROLE_UNKNOWN, PS_ARCH_NONE, NULL, 0);
            const ps_kb_entry **all = calloc(n, sizeof *all);

            snprintf(month, sizeof month, "%04d-%02d", y, m);
            assert_int_equal(ps_kb_list(kb, os[o], PS_ROLE_UNKNOWN, PS_ARCH_NONE, all, n), n);
            for (size_t i = 0; i < n; i++) {
                if (all[i]->month == NULL || strcmp(all[i]->month, month) != 0)
                    continue;
                have_mr += all[i]->role == PS_ROLE_ROLLUP;
                have_so += all[i]->role == PS_ROLE_SECURITY_ONLY;
            }
            free(all);
            if (have_mr == 0 || have_so == 0)
                fail_msg("%s: no rollup or security-only update for %s", os[o], month);
            if (++m == 13) {
                m = 1;
                y++;
            }
        }
    }
    /* out-of-band releases carry a month and no day */
    assert_null(ps_kb_find(kb, "6.1", "KB4524157")->date);
    assert_string_equal(ps_kb_release_month(kb, "6.1", "KB4524157"), "2019-10");
    assert_string_equal(ps_kb_release_month(kb, "6.1", "KB4537820"), "2020-02");
    assert_null(ps_kb_release_month(kb, "6.1", "KB3102810"));
    assert_null(ps_kb_release_month(kb, "6.1", "KB9999999"));
    assert_int_equal(ps_kb_find(kb, "6.1", "KB4539601")->unconfirmed, 1);
    /* titles for every KB, in both families */
    for (size_t i = 0; i < kb->n_entries; i++)
        assert_true(kb->entries[i].title != NULL && kb->entries[i].title[0] != '\0');
}

static void test_shipped_supersedence_queries(void **state)
{
    const ps_kb *kb = *state;
    const ps_os_rules *o = ps_kb_rules_for(kb, "6.1");
    const ps_rule *cr = NULL;

    /* the manifests' word wins: KB3138612 is not superseded by later SSUs */
    assert_int_equal(ps_kb_supersedes(kb, "6.1", "KB4490628", "KB3138612"), 0);
    assert_int_equal(ps_kb_supersedes(kb, "6.1", "KB5039339", "KB3138612"), 0);
    assert_int_equal(ps_kb_supersedes(kb, "6.1", "KB5039339", "KB3020369"), 1);
    assert_int_equal(ps_kb_supersedes(kb, "6.1", "KB3020369", "KB4490628"), 0);
    /* unknown to the manifests: a generic rule may decide */
    assert_int_equal(ps_kb_supersedes(kb, "6.1", "KB9999999", "KB3138612"), -1);
    assert_int_equal(ps_kb_supersedes(kb, "6.1", "KB4490628", "KB9999999"), -1);
    assert_int_equal(ps_kb_supersedes(kb, "6.0", "KB4490628", "KB3138612"), -1);
    /* KB3125574 needs KB3020369 or a later SSU of its chain */
    for (size_t i = 0; i < o->n_rules; i++)
        if (o->rules[i].subject.kb != NULL && strcmp(o->rules[i].subject.kb, "KB3125574") == 0)
            cr = &o->rules[i];
    assert_non_null(cr);
    assert_int_equal(cr->kind, PS_RULE_REQUIRE);
    assert_string_equal(cr->kb, "KB3020369");
    assert_int_equal(cr->or_superseding, 1);
    assert_int_equal(ps_kb_satisfies(kb, "6.1", "KB3020369", cr->kb, cr->or_superseding), 1);
    assert_int_equal(ps_kb_satisfies(kb, "6.1", "kb3020369", cr->kb, 0), 1);
    assert_int_equal(ps_kb_satisfies(kb, "6.1", "KB4516655", cr->kb, cr->or_superseding), 1);
    assert_int_equal(ps_kb_satisfies(kb, "6.1", "KB3138612", cr->kb, cr->or_superseding), 1);
    assert_int_equal(ps_kb_satisfies(kb, "6.1", "KB4516655", cr->kb, 0), 0);
    assert_int_equal(ps_kb_satisfies(kb, "6.1", "KB4474419", cr->kb, 1), 0);
    assert_int_equal(ps_kb_satisfies(kb, "6.1", NULL, cr->kb, 1), 0);
    /* the SSUs to name for a missing stack, oldest first */
    {
        const ps_kb_entry *ssu[4];
        size_t n = ps_kb_list(kb, "6.0", PS_ROLE_SERVICING_STACK, PS_ARCH_IA64, ssu, 4);

        assert_int_equal(n, 1);
        assert_string_equal(ssu[0]->kb, "KB4493730");
        assert_int_equal(ps_kb_list(kb, "6.0", PS_ROLE_SERVICING_STACK, PS_ARCH_X86, ssu, 2), 14);
        assert_string_equal(ssu[0]->kb, "KB4493730");
        assert_string_equal(ssu[1]->kb, "KB4517134");
        assert_int_equal(ps_kb_list(kb, "6.3", PS_ROLE_UNKNOWN, PS_ARCH_NONE, ssu, 2), 0);
        assert_int_equal(ps_kb_list(kb, NULL, PS_ROLE_UNKNOWN, PS_ARCH_NONE, ssu, 2), 0);
    }
    /* the 6.1 SSU chain, with the SSUs one source names (unconfirmed) */
    {
        const ps_kb_entry *ssu[40];
        size_t n = ps_kb_list(kb, "6.1", PS_ROLE_SERVICING_STACK, PS_ARCH_NONE, ssu, 40);
        size_t unconfirmed = 0;

        assert_int_equal(n, 28);
        assert_string_equal(ssu[0]->kb, "KB3020369");
        assert_string_equal(ssu[n - 1]->kb, "KB5056456");
        assert_int_equal(ssu[n - 1]->arches, PS_ARCH_BIT(PS_ARCH_X64));
        for (size_t i = 0; i < n; i++) {
            unconfirmed += ssu[i]->unconfirmed;
            /* every later SSU supersedes every earlier one, except KB3138612 */
            for (size_t k = 0; k < i; k++)
                assert_int_equal(ps_kb_supersedes(kb, "6.1", ssu[i]->kb, ssu[k]->kb),
                                 strcmp(ssu[k]->kb, "KB3138612") != 0);
        }
        assert_int_equal(unconfirmed, 14);
        assert_int_equal(ps_kb_find(kb, "6.1", "KB4580970")->unconfirmed, 1);
        assert_string_equal(ps_kb_find(kb, "6.1", "KB4580970")->month, "2020-10");
        assert_int_equal(ps_kb_find(kb, "6.1", "KB4592510")->unconfirmed, 0);
    }
    /* KB4474419 revisions */
    {
        const ps_kb_entry *e = ps_kb_find(kb, "6.1", "KB4474419");

        assert_int_equal(e->n_revisions, 2);
        assert_int_equal(e->revisions[0].n, 1);
        assert_string_equal(e->revisions[0].month, "2019-03");
        assert_null(e->revisions[0].file);
        assert_int_equal(e->revisions[1].n, 3);
        assert_string_equal(e->revisions[1].date, "2019-09-23");
        assert_string_equal(e->revisions[1].file, "windows6.1-kb4474419-v3");
        e = ps_kb_find(kb, "6.0", "KB4474419");
        assert_int_equal(e->n_revisions, 2);
        assert_int_equal(e->revisions[1].n, 4);
        assert_null(e->revisions[1].date);
        assert_string_equal(e->revisions[1].month, "2019-09");
        assert_string_equal(e->revisions[1].file, "windows6.0-kb4474419-v4");
        assert_string_equal(e->revisions[1].where.file, "manifests/6.0.xml");
    }
    /* no servicing stack version could be confirmed for any SSU */
    for (size_t i = 0; i < kb->n_entries; i++)
        if (kb->entries[i].role == PS_ROLE_SERVICING_STACK)
            assert_null(kb->entries[i].provides_stack);
}

static void test_shipped_esu(void **state)
{
    const ps_kb *kb = *state;
    const ps_kb_activation *a;
    const ps_manual_step *m;
    ps_selector sel = {0};

    a = ps_kb_activation_for(kb, "6.1", PS_EDITION_CLIENT, 1);
    assert_string_equal(a->id, "77db037b-95c3-48d7-a3ab-a9c6d41093e0");
    assert_string_equal(a->where.file, "manifests/6.1.xml");
    assert_true(strstr(a->source, "S24") != NULL);
    assert_string_equal(ps_kb_activation_for(kb, "6.1", PS_EDITION_CLIENT, 3)->id,
                        "4220f546-f522-46df-8202-4d07afd26454");
    assert_string_equal(ps_kb_activation_for(kb, "6.1", PS_EDITION_SERVER, 2)->id,
                        "04fa0286-fa74-401e-bbe9-fbfbb158010d");
    assert_string_equal(ps_kb_activation_for(kb, "6.0", PS_EDITION_SERVER, 3)->id,
                        "16c08c85-0c8b-4009-9b2b-f1f7319e45f9");
    assert_string_equal(ps_kb_activation_for(kb, "6.0", PS_EDITION_ANY, 1)->id,
                        "553673ed-6ddf-419c-a153-b760283472fd");
    /* Vista has no ESU; there is no fourth on-premises year */
    assert_null(ps_kb_activation_for(kb, "6.0", PS_EDITION_CLIENT, 1));
    assert_null(ps_kb_activation_for(kb, "6.1", PS_EDITION_SERVER, 4));
    assert_null(ps_kb_activation_for(kb, NULL, PS_EDITION_SERVER, 1));
    assert_int_equal(kb->n_activations, 9);
    /* ESU years by release month */
    assert_int_equal(ps_kb_esu_year(kb, "6.1", "2020-01"), 0);
    assert_int_equal(ps_kb_esu_year(kb, "6.1", "2020-02"), 1);
    assert_int_equal(ps_kb_esu_year(kb, "6.1", "2021-01-12"), 1);
    assert_int_equal(ps_kb_esu_year(kb, "6.0", "2021-02"), 2);
    assert_int_equal(ps_kb_esu_year(kb, "6.0", "2022-02-08"), 3);
    assert_int_equal(ps_kb_esu_year(kb, "6.0", "2023-01"), 3);
    assert_int_equal(ps_kb_esu_year(kb, "6.0", "2023-02"), 0);
    assert_int_equal(ps_kb_esu_year(kb, "6.0", "2023"), 0);
    assert_int_equal(ps_kb_esu_year(kb, "6.3", "2021-02"), 0);
    /* the activation step */
    m = ps_kb_step(kb, "6.1", "esu-activation");
    assert_non_null(m);
    assert_int_equal(m->after, PS_ROLE_LICENSING);
    assert_int_equal(m->n_before, 3);
    assert_int_equal(m->before[0].role, PS_ROLE_ROLLUP);
    assert_string_equal(m->before[1].since_month, "2020-02");
    assert_int_equal(m->before[2].role, PS_ROLE_PREVIEW_ROLLUP);
    assert_int_equal(m->n_commands, 2);
    assert_string_equal(m->commands[0], "slmgr /ipk {mak}");
    assert_string_equal(m->commands[1], "slmgr /ato {activation-id}");
    assert_string_equal(m->where.file, "rules/6.1.xml");
    assert_int_equal(m->where.line, line_of(PS_SOURCE_DIR "/rules/6.1.xml", "<step name="));
    assert_non_null(ps_kb_step(kb, "6.0", "esu-activation"));
    assert_null(ps_kb_step(kb, "6.0", "reboot"));
    assert_null(ps_kb_step(kb, "6.3", "esu-activation"));
    /* release months, not dates: the Windows 7 February 2020 rollup built a
     * week before its Patch Tuesday is an ESU package */
    sel.since = "2020-02-11";
    sel.since_month = "2020-02";
    assert_int_equal(ps_selector_month_ok(&sel, "2020-02-04"), 1);
    assert_int_equal(ps_selector_month_ok(&sel, "2020-02"), 1);
    assert_int_equal(ps_selector_month_ok(&sel, "2020-01-28"), 0);
    assert_int_equal(ps_selector_month_ok(&sel, NULL), 0);
    assert_int_equal(ps_selector_month_ok(NULL, "2019-01"), 1);
    assert_int_equal(ps_selector_month_ok(&(ps_selector){0}, NULL), 1);
    /* Server-only on 6.0: KB4474419 and the ESU chain are not for Vista */
    assert_int_equal(ps_kb_for_edition(kb, "6.0", "KB4474419", PS_EDITION_CLIENT), 0);
    assert_int_equal(ps_kb_for_edition(kb, "6.0", "KB4474419", PS_EDITION_SERVER), 1);
    assert_int_equal(ps_kb_for_edition(kb, "6.0", "KB4474419", PS_EDITION_ANY), 1);
    assert_int_equal(ps_kb_for_edition(kb, "6.0", "KB4538484", PS_EDITION_CLIENT), 0);
    assert_int_equal(ps_kb_for_edition(kb, "6.0", "KB4537810", PS_EDITION_CLIENT), 0);
    assert_int_equal(ps_kb_for_edition(kb, "6.0", "KB5022353", PS_EDITION_CLIENT), 0);
    assert_int_equal(ps_kb_for_edition(kb, "6.0", "KB4534303", PS_EDITION_CLIENT), 1);
    assert_int_equal(ps_kb_for_edition(kb, "6.0", "KB4493730", PS_EDITION_CLIENT), 1);
    assert_int_equal(ps_kb_for_edition(kb, "6.1", "KB5022338", PS_EDITION_CLIENT), 1);
    assert_int_equal(ps_kb_for_edition(kb, "6.0", "KB9999999", PS_EDITION_CLIENT), -1);
    for (size_t i = 0; i < kb->n_entries; i++) {
        const ps_kb_entry *e = &kb->entries[i];

        if (strcmp(e->os, "6.0") == 0 && e->month != NULL && strcmp(e->month, "2020-02") >= 0 &&
            ps_kb_track(e) != PS_TRACK_NONE)
            assert_int_equal(e->edition, PS_EDITION_SERVER);
        if (strcmp(e->os, "6.1") == 0)
            assert_int_equal(e->edition, PS_EDITION_ANY);
    }
    /* the LPPs to name, oldest first */
    {
        const ps_kb_entry *l[3];

        assert_int_equal(ps_kb_list(kb, "6.1", PS_ROLE_LICENSING, PS_ARCH_X86, l, 3), 3);
        assert_string_equal(l[0]->kb, "KB4538483");
        assert_string_equal(l[1]->kb, "KB4575903");
        assert_string_equal(l[2]->kb, "KB5016892");
    }
}

static void test_names(void **state)
{
    ps_kb_entry e = {0};

    (void)state;
    assert_string_equal(ps_track_name(PS_TRACK_MONTHLY_ROLLUP), "monthly-rollup");
    assert_string_equal(ps_track_name(PS_TRACK_SECURITY_ONLY), "security-only");
    assert_string_equal(ps_track_name(PS_TRACK_PREVIEW), "preview");
    assert_string_equal(ps_track_name(PS_TRACK_NONE), "none");
    assert_int_equal(ps_kb_track(NULL), PS_TRACK_NONE);
    e.role = PS_ROLE_PREVIEW_ROLLUP;
    assert_int_equal(ps_kb_track(&e), PS_TRACK_PREVIEW);
    e.role = PS_ROLE_SERVICING_STACK;
    assert_int_equal(ps_kb_track(&e), PS_TRACK_NONE);
    assert_string_equal(ps_edition_name(PS_EDITION_CLIENT), "client");
    assert_string_equal(ps_edition_name(PS_EDITION_SERVER), "server");
    assert_string_equal(ps_edition_name(PS_EDITION_ANY), "any");
    assert_int_equal(ps_edition_parse("server"), PS_EDITION_SERVER);
    assert_int_equal(ps_edition_parse("client"), PS_EDITION_CLIENT);
    assert_int_equal(ps_edition_parse("Server"), PS_EDITION_ANY);
    assert_int_equal(ps_edition_parse(NULL), PS_EDITION_ANY);
}

#define ACT(year, ed, id) \
    "<activation year=\"" year "\" edition=\"" ed "\" id=\"" id "\" source=\"S1\"/>\n"
#define ID1 "553673ed-6ddf-419c-a153-b760283472fd"
#define ESU_YEARS                                                                         \
    "<esu-years source=\"S1\"><esu-year n=\"1\" from=\"2020-02\" to=\"2021-01\"/>"        \
    "<esu-year n=\"2\" from=\"2021-02\" to=\"2022-01\"/></esu-years>\n"
#define STEP(cmd)                                                                         \
    "<step name=\"esu-activation\" reason=\"r\" source=\"S1\"><first role=\"licensing\"/>" \
    "<then role=\"rollup\" since=\"2020-02-11\"/><command text=\"" cmd "\"/></step>\n"

static void test_err_month_revision(void **state)
{
    (void)state;
    check_kb("<update kb=\"KB1000001\" role=\"rollup\" arch=\"x86\" date=\"2020-02-11\" "
             "month=\"2020-01\" title=\"t\" source=\"S1\"/>\n"
             "<revision kb=\"KB4474419\" n=\"2\" date=\"2019-09-23\" month=\"2019-08\" source=\"S1\"/>\n"
             "<revision kb=\"KB4474419\" n=\"2\" source=\"S1\"/>\n"
             "<revision kb=\"KB4474419\" n=\"1\" source=\"S1\"/>\n"
             "<revision kb=\"KB1000009\" n=\"1\" source=\"S1\"/>\n"
             "<sources><source key=\"S2\" ref=\"more\"/></sources>\n"
             "<revision kb=\"KB4474419\" n=\"3\" month=\"2019-10\" source=\"S2\"/>\n",
             "", 1,
             "manifests/6.0.xml:5: KB1000001: month 2020-01 disagrees with date 2020-02-11\n"
             "manifests/6.0.xml:6: KB4474419 revision 2: month 2019-08 disagrees with date "
             "2019-09-23\n"
             "manifests/6.0.xml:7: KB4474419: revision 2 is listed twice (first at line 6)\n"
             "manifests/6.0.xml:8: KB4474419: revision 1 is listed after revision 2\n"
             "manifests/6.0.xml:9: revision of KB1000009, which is not in the manifests for 6.0\n");
    /* the schema: a month is YYYY-MM, a revision number is at least 1 */
    check_kb("<update kb=\"KB1000001\" role=\"rollup\" arch=\"x86\" month=\"2020-13\" title=\"t\" "
             "source=\"S1\"/>\n",
             "", 1, "manifests/6.0.xml:5: Invalid attribute month for element update\n");
    check_kb("<update kb=\"KB1000001\" role=\"rollup\" arch=\"x86\" edition=\"vista\" "
             "title=\"t\" source=\"S1\"/>\n",
             "", 1, "manifests/6.0.xml:5: Invalid attribute edition for element update\n");
    check_kb("<revision kb=\"KB4474419\" n=\"0\" source=\"S1\"/>\n", "", 1,
             "manifests/6.0.xml:5: Element revision failed to validate attributes\n");
}

static void test_err_activation(void **state)
{
    (void)state;
    check_kb(ACT("1", "server", ID1) ACT("1", "client", "77db037b-95c3-48d7-a3ab-a9c6d41093e0")
             ACT("1", "any", ID1) ACT("1", "server", ID1),
             "", 1,
             "manifests/6.0.xml:7: ESU activation ID of year 1 (any) for OS 6.0 is already given "
             "at manifests/6.0.xml:5\n"
             "manifests/6.0.xml:8: ESU activation ID of year 1 (server) for OS 6.0 is already "
             "given at manifests/6.0.xml:5\n");
    check_kb(ACT("1", "server", "553673ED-6ddf-419c-a153-b760283472fd"), "", 1,
             "manifests/6.0.xml:5: Element activation failed to validate attributes\n");
    check_kb(ACT("4", "server", ID1), "", 1,
             "manifests/6.0.xml:5: Element activation failed to validate attributes\n");
}

static void test_err_or_later(void **state)
{
    (void)state;
    /* nothing supersedes KB4474419: "or later" would be met by nothing else */
    check_kb("<update kb=\"KB1000001\" role=\"other\" arch=\"x86\" title=\"t\" source=\"S1\">\n"
             "<requires kb=\"KB4474419\" or-later=\"true\" reason=\"r\" source=\"S1\"/>\n"
             "</update>\n"
             "<update kb=\"KB1000002\" role=\"servicing-stack\" arch=\"x86\" title=\"t\" "
             "source=\"S1\"><supersedes kb=\"KB4493730\"/></update>\n",
             "<order reason=\"r\" source=\"S1\"><first kb=\"KB4493730\" or-later=\"true\"/>"
             "<then kb=\"KB4474419\"/></order>\n",
             1,
             "manifests/6.0.xml:6: or-later on KB4474419, but no entry of the manifests for 6.0 "
             "supersedes it\n");
    /* or-later goes with a KB, not a role */
    check_kb("", "<order reason=\"r\" source=\"S1\"><first role=\"servicing-stack\" or-later=\"true\"/>"
                 "<then kb=\"KB4474419\"/></order>\n",
             1, "rules/6.0.xml:7: Invalid attribute or-later for element first\n");
}

static void test_err_steps(void **state)
{
    (void)state;
    /* a clean ESU setup */
    check_kb(ACT("1", "server", ID1) ACT("2", "any", "04fa0286-fa74-401e-bbe9-fbfbb158010d"),
             ESU_YEARS STEP("slmgr /ato {activation-id}")
             "<expect finding=\"esu-licensing\" reason=\"r\" source=\"S1\"><first role=\"licensing\"/>"
             "<then role=\"rollup\" since=\"2020-02-11\"/></expect>\n",
             0, "");
    check_kb(ACT("1", "server", ID1),
             ESU_YEARS STEP("slmgr /ipk {key} /ato {activation-id}") STEP("slmgr /ato {activation-id}")
             "<step name=\"other\" reason=\"r\" source=\"S1\"><first role=\"licensing\"/>"
             "<then kb=\"KB1000009\"/><command text=\"slmgr /ato {activation-id\"/></step>\n",
             1,
             "rules/6.0.xml:8: step esu-activation: command uses {key}; known placeholders are "
             "{mak} and {activation-id}\n"
             "rules/6.0.xml:9: step esu-activation is already given at line 8\n"
             "rules/6.0.xml:10: step other: command uses {activation-id; known placeholders are "
             "{mak} and {activation-id}\n"
             "rules/6.0.xml:7: ESU year 2 of 6.0 has no activation ID in the manifests\n"
             "rules/6.0.xml:10: step other names KB1000009, which is not in the manifests for 6.0\n");
    check_kb("", STEP("slmgr /ato {activation-id}"), 1,
             "rules/6.0.xml:7: step esu-activation uses {activation-id}, but the rules for 6.0 "
             "give no <esu-years>\n");
    check_kb("",
             "<esu-years source=\"S1\"><esu-year n=\"2\" from=\"2021-02\" to=\"2022-01\"/></esu-years>\n"
             "<esu-years source=\"S1\">\n<esu-year n=\"1\" from=\"2021-02\" to=\"2020-01\"/>\n"
             "<esu-year n=\"1\" from=\"2020-02\" to=\"2021-01\"/>\n"
             "<esu-year n=\"3\" from=\"2022-02\" to=\"2023-01\"/>\n"
             "<esu-year n=\"2\" from=\"2021-01\" to=\"2022-01\"/>\n</esu-years>\n",
             1,
             "rules/6.0.xml:7: the first ESU year is 2, not 1\n"
             "rules/6.0.xml:9: ESU year 1 ends (2020-01) before it begins (2021-02)\n"
             "rules/6.0.xml:11: ESU year 3 follows year 1\n"
             "rules/6.0.xml:12: ESU year 2 begins (2021-01) before year 1 ends (2021-01)\n");
    /* the schema: an expect rule names its finding; a step its name */
    check_kb("", "<expect reason=\"r\" source=\"S1\"><first role=\"licensing\"/>"
                 "<then role=\"rollup\"/></expect>\n",
             1, "rules/6.0.xml:7: Element expect failed to validate attributes\n");
    check_kb("", "<step reason=\"r\" source=\"S1\"><first role=\"licensing\"/>"
                 "<then role=\"rollup\"/><command text=\"c\"/></step>\n",
             1, "rules/6.0.xml:7: Element step failed to validate attributes\n");
}

/* ------------------------------------------------------------------ */
/* Errors, each with its file and line                                  */
/* ------------------------------------------------------------------ */

static void test_minimal_is_clean(void **state)
{
    (void)state;
    check_kb("", ORDER("role=\"servicing-stack\"", "kb=\"KB4474419\""), 0, "");
}

static void test_err_not_well_formed(void **state)
{
    (void)state;
    check_kb("<update kb=\"KB1000001\"\n", "", 1,
             "manifests/6.0.xml:6: not well-formed XML: error parsing attribute name\n");
}

static void test_err_doctype(void **state)
{
    tfile files[] = {
        {"manifests/manifests.rng", NULL},
        {"rules/rules.rng", NULL},
        {"manifests/6.0.xml", "<?xml version=\"1.0\"?>\n<!DOCTYPE manifests>\n<manifests/>\n"},
    };
    char *out;

    (void)state;
    assert_int_equal(load_files(files, PS_ARRAY_LEN(files), &out), 1);
    expect_text(out, "manifests/6.0.xml:2: document type declaration (DOCTYPE) refused: "
                             "real manifests carry none\n");
    free(out);
}

static void test_err_schema_value(void **state)
{
    (void)state;
    check_kb("<update kb=\"KB1000001\" role=\"hotfix\" arch=\"x86\" title=\"t\" source=\"S1\"/>\n",
             "", 1, "manifests/6.0.xml:5: Element update failed to validate attributes\n");
    check_kb("<update kb=\"KB1000001\" role=\"other\" arch=\"x86\" date=\"2019-02-30\" title=\"t\" "
             "source=\"S1\"/>\n",
             "", 1, "manifests/6.0.xml:5: Invalid attribute date for element update\n");
    check_kb("", "<order reason=\"r\" source=\"S1\"><then role=\"rollup\"/></order>\n", 1,
             "rules/6.0.xml:7: Expecting element first, got then\n"
             "rules/6.0.xml:7: Element order failed to validate content\n");
}

static void test_err_schema_missing_attr(void **state)
{
    (void)state;
    /* every entry needs a source */
    check_kb("<update kb=\"KB1000001\" role=\"other\" arch=\"x86\" title=\"t\"/>\n", "", 1,
             "manifests/6.0.xml:5: Element update failed to validate attributes\n");
}

static void test_err_undeclared_source(void **state)
{
    (void)state;
    check_kb("<update kb=\"KB1000001\" role=\"other\" arch=\"x86\" title=\"t\" "
             "source=\"S1 S7 https://example.org/kb\"/>\n",
             "", 1, "manifests/6.0.xml:5: source key S7 is not declared in <sources>\n");
}

static void test_err_unknown_kb(void **state)
{
    (void)state;
    check_kb("<update kb=\"KB1000002\" role=\"rollup\" arch=\"x86\" title=\"t\" source=\"S1\">\n"
             "<supersedes kb=\"KB1000001\"/>\n"
             "</update>\n",
             ORDER("kb=\"KB2000000\"", "kb=\"KB4474419\"")
             ORDER("role=\"servicing-stack\" from=\"KB2000001\"", "kb=\"KB2000002\""),
             1,
             "manifests/6.0.xml:5: KB1000002 supersedes KB1000001, which is not in the manifests "
             "for 6.0\n"
             "rules/6.0.xml:7: rule names KB2000000, which is not in the manifests for 6.0\n"
             "rules/6.0.xml:8: rule names KB2000002, which is not in the manifests for 6.0\n"
             "rules/6.0.xml:8: rule names KB2000001, which is not in the manifests for 6.0\n");
}

static void test_err_from_wrong_role(void **state)
{
    (void)state;
    check_kb("", ORDER("role=\"servicing-stack\" from=\"KB4474419\"", "role=\"rollup\""), 1,
             "rules/6.0.xml:7: from KB4474419 is a sha2-support update, not servicing-stack\n");
}

static void test_err_duplicate_entry(void **state)
{
    tfile files[] = {
        {"manifests/manifests.rng", NULL},
        {"rules/rules.rng", NULL},
        {"manifests/6.0.xml", MAN_HEAD MAN_TAIL},
        {"manifests/6.0-extra.xml",
         "<manifests os=\"6.0\" name=\"extra\">\n"
         "<sources><source key=\"S1\" ref=\"r\"/></sources>\n"
         "<update kb=\"KB1000001\" role=\"other\" arch=\"x86\" title=\"t\" source=\"S1\"/>\n"
         "<update kb=\"KB4474419\" role=\"sha2-support\" arch=\"x64\" title=\"t\" source=\"S1\"/>\n"
         "</manifests>\n"},
        {"rules/6.0.xml", RULES_HEAD RULES_TAIL},
    };
    char *out;

    (void)state;
    assert_int_equal(load_files(files, PS_ARRAY_LEN(files), &out), 1);
    expect_text(out, "manifests/6.0.xml:4: duplicate entry KB4474419 for OS 6.0 (first at "
                             "manifests/6.0-extra.xml:4)\n");
    free(out);
}

static void test_err_supersedence(void **state)
{
    (void)state;
    check_kb("<update kb=\"KB1000001\" role=\"rollup\" arch=\"x86\" title=\"t\" source=\"S1\">\n"
             "<supersedes kb=\"KB1000001\"/>\n"
             "</update>\n",
             "", 1, "manifests/6.0.xml:5: KB1000001 supersedes itself\n");
    check_kb("<update kb=\"KB1000001\" role=\"rollup\" arch=\"x86\" title=\"t\" source=\"S1\">\n"
             "<supersedes kb=\"KB1000002\"/>\n"
             "</update>\n"
             "<update kb=\"KB1000002\" role=\"rollup\" arch=\"x86\" title=\"t\" source=\"S1\">\n"
             "<supersedes kb=\"KB1000003\"/>\n"
             "<supersedes kb=\"KB1000003\"/>\n"
             "</update>\n"
             "<update kb=\"KB1000003\" role=\"rollup\" arch=\"x86\" title=\"t\" source=\"S1\">\n"
             "<supersedes kb=\"KB1000001\"/>\n"
             "</update>\n",
             "", 1,
             "manifests/6.0.xml:10: KB1000002 names KB1000003 as superseded twice\n"
             "manifests/6.0.xml:5: supersedence loops: KB1000001 and KB1000002 supersede each "
             "other\n"
             "manifests/6.0.xml:8: supersedence loops: KB1000002 and KB1000003 supersede each "
             "other\n"
             "manifests/6.0.xml:12: supersedence loops: KB1000003 and KB1000001 supersede each "
             "other\n");
}

static void test_err_contradiction(void **state)
{
    (void)state;
    check_kb("", ORDER("role=\"servicing-stack\"", "kb=\"KB4474419\"")
                 ORDER("kb=\"KB4474419\"", "role=\"servicing-stack\""),
             1,
             "rules/6.0.xml:8: rule puts KB4474419 before servicing-stack, but rules/6.0.xml:7 "
             "puts servicing-stack before KB4474419\n");
    check_kb("", ORDER("role=\"rollup\"", "role=\"rollup\""), 1,
             "rules/6.0.xml:7: rule puts rollup before itself\n");
    /* a narrower subject is no contradiction */
    check_kb("", ORDER("role=\"rollup\"", "role=\"licensing\"")
                 ORDER("role=\"licensing\"", "role=\"rollup\" since=\"2020-02-11\""),
             0, "");
}

static void test_err_cycle(void **state)
{
    (void)state;
    check_kb("", ORDER("role=\"servicing-stack\"", "kb=\"KB4474419\"")
                 ORDER("kb=\"KB4474419\"", "role=\"rollup\"")
                 REQUIRE("role=\"rollup\"", "role=\"servicing-stack\""),
             1,
             "rules/6.0.xml:9: rules form a cycle: servicing-stack -> KB4474419 -> rollup -> "
             "servicing-stack\n");
}

static void test_err_require_unconfirmed(void **state)
{
    (void)state;
    check_kb("<update kb=\"KB1000001\" role=\"licensing\" arch=\"x86\" title=\"t\" source=\"S1\" "
             "confidence=\"unconfirmed\"/>\n",
             REQUIRE("kb=\"KB1000001\"", "role=\"rollup\"")
             ORDER("kb=\"KB1000001\"", "role=\"security-only\"")
             "<require reason=\"r\" source=\"S1\" confidence=\"unconfirmed\">"
             "<first kb=\"KB4493730\"/><then kb=\"KB4474419\"/></require>\n",
             1,
             "rules/6.0.xml:7: require rule rests on KB1000001, whose entry (manifests/6.0.xml:5) "
             "is unconfirmed\n"
             "rules/6.0.xml:9: a require rule cannot rest on unconfirmed knowledge: confirm it or "
             "make it an order rule\n");
}

static void test_err_requires_in_manifests(void **state)
{
    (void)state;
    /* a manifests requirement resting on an unconfirmed entry */
    check_kb("<update kb=\"KB1000001\" role=\"other\" arch=\"x86\" title=\"t\" source=\"S1\">\n"
             "<requires kb=\"KB1000002\" reason=\"r\" source=\"S1\"/>\n"
             "</update>\n"
             "<update kb=\"KB1000002\" role=\"other\" arch=\"x86\" title=\"t\" source=\"S1\" "
             "confidence=\"unconfirmed\"/>\n",
             "", 1,
             "manifests/6.0.xml:6: require rule rests on KB1000002, whose entry "
             "(manifests/6.0.xml:8) is unconfirmed\n");
}

static void test_err_requires_without_rules(void **state)
{
    tfile files[] = {
        {"manifests/manifests.rng", NULL},
        {"rules/rules.rng", NULL},
        {"manifests/6.2.xml",
         "<manifests os=\"6.2\" name=\"t\">\n"
         "<sources><source key=\"S1\" ref=\"r\"/></sources>\n"
         "<update kb=\"KB1000001\" role=\"other\" arch=\"x86\" title=\"t\" source=\"S1\">\n"
         "<requires role=\"servicing-stack\" reason=\"r\" source=\"S1\"/>\n"
         "</update>\n"
         "</manifests>\n"},
    };
    char *out;

    (void)state;
    assert_int_equal(load_files(files, PS_ARRAY_LEN(files), &out), 1);
    expect_text(out, "manifests/6.2.xml:4: requirement of KB1000001 for OS 6.2, which has "
                             "no rules file\n");
    free(out);
}

static void test_err_rules_structure(void **state)
{
    (void)state;
    check_kb("", "<recognizers/>\n", 1,
             "rules/6.0.xml:7: Did not expect element recognizers there\n");
}

static void test_err_rules_semantics(void **state)
{
    static const char rules[] =
        "<rules os=\"6.0\" name=\"t\">\n"
        "<sources><source key=\"S1\" ref=\"r\"/><source key=\"S1\" ref=\"again\"/></sources>\n"
        "<base-build version=\"6.0.6002.18005\" source=\"S1\"/>\n"
        "<sha2-enabler kb=\"KB4493730\" source=\"S1\"/>\n"
        "<phases source=\"S1\">\n"
        "<phase name=\"a\" roles=\"rollup\"/>\n"
        "<phase name=\"a\"/>\n"
        "<phase name=\"b\" roles=\"rollup other\"/>\n"
        "</phases>\n"
        "<recognizers>\n"
        "<recognize role=\"rollup\" source=\"S2\"/>\n"
        "</recognizers>\n"
        "<order reason=\"r\" source=\"S1\"><first role=\"rollup\"/>\n"
        "<then since=\"2020-01-01\"/></order>\n"
        "</rules>\n";
    tfile files[] = {
        {"manifests/manifests.rng", NULL},
        {"rules/rules.rng", NULL},
        {"manifests/6.0.xml", MAN_HEAD MAN_TAIL},
        {"rules/6.0.xml", rules},
    };
    char *out;

    (void)state;
    assert_int_equal(load_files(files, PS_ARRAY_LEN(files), &out), 1);
    expect_text(
        out,
        "rules/6.0.xml:2: source key S1 is declared twice\n"
        "rules/6.0.xml:7: phase a is listed twice\n"
        "rules/6.0.xml:8: role rollup is already in phase a\n"
        "rules/6.0.xml:11: source key S2 is not declared in <sources>\n"
        "rules/6.0.xml:11: recognizer for rollup names nothing to match (delivers, identity or "
        "release-type)\n"
        "rules/6.0.xml:14: <then> names no kb, role or release-type: the rule would apply to "
        "nothing\n"
        "rules/6.0.xml:1: SHA-2 enabler KB4493730 is a servicing-stack update in "
        "manifests/6.0.xml:3, not sha2-support\n");
    free(out);
}

static void test_err_rules_twice(void **state)
{
    tfile files[] = {
        {"manifests/manifests.rng", NULL},
        {"rules/rules.rng", NULL},
        {"manifests/6.0.xml", MAN_HEAD MAN_TAIL},
        {"rules/6.0.xml", RULES_HEAD RULES_TAIL},
        {"rules/vista.xml", "\n" RULES_HEAD "<order reason=\"r\" source=\"S1\"><first kb=\"KB1\"/>"
                            RULES_TAIL},
        {"rules/z.xml", "\n\n" RULES_HEAD RULES_TAIL},
    };
    char *out;

    (void)state;
    assert_int_equal(load_files(files, PS_ARRAY_LEN(files), &out), 1);
    expect_text(out,
                        "rules/vista.xml:8: not well-formed XML: Opening and ending tag mismatch: order line 8 "
                        "and rules\n"
                        "rules/z.xml:3: rules for OS 6.0 are already given in rules/6.0.xml:1\n");
    free(out);
}

static void test_err_sha2_enabler_unknown(void **state)
{
    tfile files[] = {
        {"manifests/manifests.rng", NULL},
        {"rules/rules.rng", NULL},
        {"rules/6.0.xml", RULES_HEAD RULES_TAIL},
    };
    char *out;

    (void)state;
    assert_int_equal(load_files(files, PS_ARRAY_LEN(files), &out), 1);
    expect_text(out, "rules/6.0.xml:1: SHA-2 enabler KB4474419 is not in the manifests for 6.0\n");
    free(out);
}

static void test_err_schema_missing(void **state)
{
    tfile files[] = {
        {"rules/rules.rng", NULL},
        {"manifests/6.0.xml", MAN_HEAD MAN_TAIL},
        {"rules/6.0.xml", RULES_HEAD RULES_TAIL},
    };
    char *out;

    (void)state;
    assert_int_equal(load_files(files, PS_ARRAY_LEN(files), &out), 1);
    expect_text(out,
                        "manifests/manifests.rng:0: schema missing: the manifests files cannot be "
                        "checked\n");
    free(out);
}

static void test_err_schema_external(void **state)
{
    tfile files[] = {
        {"manifests/manifests.rng",
         "<grammar xmlns=\"http://relaxng.org/ns/structure/1.0\">\n"
         "<start>\n"
         "<externalRef href=\"/etc/passwd\"/>\n"
         "</start>\n"
         "</grammar>\n"},
        {"manifests/6.0.xml", MAN_HEAD MAN_TAIL},
    };
    char *out;

    (void)state;
    assert_int_equal(load_files(files, PS_ARRAY_LEN(files), &out), 1);
    expect_text(out, "manifests/manifests.rng:3: schema refers to another file "
                             "(externalRef): not supported\n");
    free(out);
}

static void test_err_schema_broken(void **state)
{
    tfile files[] = {
        {"rules/rules.rng",
         "<grammar xmlns=\"http://relaxng.org/ns/structure/1.0\">\n"
         "<start><ref name=\"nowhere\"/></start>\n"
         "</grammar>\n"},
        {"rules/6.0.xml", RULES_HEAD RULES_TAIL},
    };
    char *out;

    (void)state;
    assert_int_equal(load_files(files, PS_ARRAY_LEN(files), &out), 1);
    expect_text(out, "rules/rules.rng:2: Reference nowhere has no matching definition\n"
                     "rules/rules.rng:2: Internal found no define for ref nowhere\n");
    free(out);
}

static void test_err_unreadable_files(void **state)
{
    tdir d;
    tfile files[] = {
        {"manifests/manifests.rng", NULL},
        {"rules/rules.rng", NULL},
        {"manifests/6.0.xml", MAN_HEAD MAN_TAIL},
        {"rules/6.0.xml", RULES_HEAD RULES_TAIL},
    };
    char *big = ps_asprintf("%s/manifests/big.xml", "");
    char *sub, *bigpath;
    ps_kb kb;
    ps_findings f = {0};
    char err[256] = "";
    char *out;
    FILE *fp;

    (void)state;
    tdir_make(&d, files, PS_ARRAY_LEN(files));
    /* a folder named like a data file, and a file over the size limit */
    sub = ps_asprintf("%s/rules/dir.xml", d.root);
    assert_int_equal(mkdir(sub, 0700), 0);
    bigpath = ps_asprintf("%s%s", d.root, big);
    fp = fopen(bigpath, "wb");
    assert_non_null(fp);
    assert_int_equal(fseek(fp, (4L << 20) + 1, SEEK_SET), 0);
    assert_int_equal(fputc('x', fp), 'x');
    assert_int_equal(fclose(fp), 0);

    assert_int_equal(ps_kb_load(&kb, d.root, &f, err, sizeof err), 1);
    out = render(&f);
    expect_text(out, "manifests/big.xml:0: larger than 4194304 bytes\n"
                     "rules/dir.xml:0: not a regular file (a directory is refused)\n");
    free(out);
    ps_findings_free(&f);
    ps_kb_free(&kb);
    assert_int_equal(rmdir(sub), 0);
    assert_int_equal(unlink(bigpath), 0);
    free(sub);
    free(bigpath);
    free(big);
    tdir_remove(&d);
}

static void test_load_not_a_dir(void **state)
{
    ps_kb kb;
    ps_findings f = {0};
    char err[256] = "";

    (void)state;
    assert_int_equal(ps_kb_load(&kb, "/nonexistent/knowledge", &f, err, sizeof err), -1);
    assert_string_equal(err, "/nonexistent/knowledge: No such file or directory");
    assert_int_equal(ps_kb_load(&kb, PS_SOURCE_DIR "/meson.build", &f, err, sizeof err), -1);
    assert_string_equal(err, PS_SOURCE_DIR "/meson.build: not a directory");
    assert_int_equal(ps_kb_load(&kb, PS_SOURCE_DIR "/src", &f, err, sizeof err), -1);
    assert_string_equal(err, PS_SOURCE_DIR "/src is not a knowledge dir: no manifests/ folder");
    assert_int_equal(f.count, 0);
    ps_kb_free(&kb);
}

static void test_default_dir(void **state)
{
    const char *saved = getenv("PATCHSEQ_DATA_DIR");
    char *copy = ps_strdup(saved);

    (void)state;
    assert_int_equal(setenv("PATCHSEQ_DATA_DIR", "/opt/knowledge", 1), 0);
    assert_string_equal(ps_kb_default_dir(), "/opt/knowledge");
    assert_int_equal(unsetenv("PATCHSEQ_DATA_DIR"), 0);
    /* this test program runs from the build dir */
    assert_string_equal(ps_kb_default_dir(), PS_SOURCE_DIR);
    assert_int_equal(setenv("PATCHSEQ_DATA_DIR", "", 1), 0);
    assert_string_equal(ps_kb_default_dir(), PS_SOURCE_DIR);
    if (copy != NULL)
        assert_int_equal(setenv("PATCHSEQ_DATA_DIR", copy, 1), 0);
    else
        assert_int_equal(unsetenv("PATCHSEQ_DATA_DIR"), 0);
    free(copy);
}

/* ------------------------------------------------------------------ */
/* patchseq rules check                                                  */
/* ------------------------------------------------------------------ */

static int run_cli(int argc, char **argv, char **out, char **err)
{
    ps_test_run r = ps_test_cli(argc, (const char *const *)argv);

    *out = r.out;
    *err = r.err;
    return r.rc;
}

static void test_cli_check_shipped(void **state)
{
    char *argv[] = {"patchseq", "rules", "check", NULL};
    char *out, *err;

    (void)state;
    assert_int_equal(run_cli(3, argv, &out, &err), 0);
    expect_text(out, "rules check: 301 manifests entries, 27 rules, OK\n");
    assert_string_equal(err, "");
    free(out);
    free(err);
    /* the same, with DIR given */
    {
        char *argv2[] = {"patchseq", "rules", "check", (char *)data_dir(), NULL};

        assert_int_equal(run_cli(4, argv2, &out, &err), 0);
        expect_text(out, "rules check: 301 manifests entries, 27 rules, OK\n");
        free(out);
        free(err);
    }
}

static void test_cli_check_errors(void **state)
{
    char *m = ps_asprintf("%s%s%s", MAN_HEAD,
                          "<update kb=\"KB1000001\" role=\"rollup\" arch=\"x86\" title=\"t\" "
                          "source=\"S1\"><supersedes kb=\"KB1000009\"/></update>\n",
                          MAN_TAIL);
    tfile files[] = {
        {"manifests/manifests.rng", NULL},
        {"rules/rules.rng", NULL},
        {"manifests/6.0.xml", m},
        {"rules/6.0.xml", RULES_HEAD "<order/>\n" RULES_TAIL},
    };
    tdir d;
    char *argv[] = {"patchseq", "rules", "check", NULL, NULL};
    char *out, *err;

    (void)state;
    tdir_make(&d, files, PS_ARRAY_LEN(files));
    argv[3] = d.root;
    assert_int_equal(run_cli(4, argv, &out, &err), 1);
    expect_text(out,
                        "rules/6.0.xml:7: error: rule-error: Element order failed to validate "
                        "content\n"
                        "manifests/6.0.xml:5: error: rule-error: KB1000001 supersedes KB1000009, "
                        "which is not in the manifests for 6.0\n");
    assert_string_equal(err, "");
    free(out);
    free(err);
    tdir_remove(&d);
    free(m);
}

static void test_cli_usage(void **state)
{
    char *out, *err;

    (void)state;
    {
        char *argv[] = {"patchseq", "rules", "check", "/nonexistent/kb", NULL};

        assert_int_equal(run_cli(4, argv, &out, &err), 2);
        expect_text(out, "");
        assert_string_equal(err, "patchseq: rules check: /nonexistent/kb: No such file or directory\n");
        free(out);
        free(err);
    }
    {
        char *argv[] = {"patchseq", "rules", "--help", NULL};

        assert_int_equal(run_cli(3, argv, &out, &err), 0);
        assert_true(strncmp(out, "usage: patchseq rules check [DIR]\n", 34) == 0);
        assert_string_equal(err, "");
        free(out);
        free(err);
    }
    {
        char *argv[] = {"patchseq", "rules", "check", "--help", NULL};

        assert_int_equal(run_cli(4, argv, &out, &err), 0);
        assert_true(strncmp(out, "usage: patchseq rules check [DIR]\n", 34) == 0);
        free(out);
        free(err);
    }
    {
        char *argv[] = {"patchseq", "rules", NULL};

        assert_int_equal(run_cli(2, argv, &out, &err), 2);
        expect_text(out, "");
        assert_true(strncmp(err, "usage: patchseq rules check [DIR]\n", 34) == 0);
        free(out);
        free(err);
    }
    {
        char *argv[] = {"patchseq", "rules", "list", NULL};

        assert_int_equal(run_cli(3, argv, &out, &err), 2);
        assert_true(strncmp(err, "patchseq: rules: unknown subcommand 'list'\n", 43) == 0);
        free(out);
        free(err);
    }
    {
        char *argv[] = {"patchseq", "rules", "--bogus", NULL};

        assert_int_equal(run_cli(3, argv, &out, &err), 2);
        assert_true(strncmp(err, "patchseq: rules: unknown option '--bogus'\n", 42) == 0);
        free(out);
        free(err);
    }
    {
        char *argv[] = {"patchseq", "rules", "check", "-x", NULL};

        assert_int_equal(run_cli(4, argv, &out, &err), 2);
        assert_string_equal(err, "patchseq: rules check: unknown option '-x'\n");
        free(out);
        free(err);
    }
    {
        char *argv[] = {"patchseq", "rules", "check", "a", "b", NULL};

        assert_int_equal(run_cli(5, argv, &out, &err), 2);
        assert_string_equal(err, "patchseq: rules check: more than one DIR given\n");
        free(out);
        free(err);
    }
}

int main(void)
{
    const struct CMUnitTest shipped[] = {
        cmocka_unit_test(test_shipped_loads_clean),
        cmocka_unit_test(test_shipped_match_schemas),
        cmocka_unit_test(test_shipped_chains_60),
        cmocka_unit_test(test_shipped_chains_61),
        cmocka_unit_test(test_shipped_facts),
        cmocka_unit_test(test_shipped_rules),
        cmocka_unit_test(test_shipped_61_monthly),
        cmocka_unit_test(test_shipped_supersedence_queries),
        cmocka_unit_test(test_shipped_esu),
        cmocka_unit_test(test_classify_from_manifests),
        cmocka_unit_test(test_classify_from_metadata),
    };
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_role_names),
        cmocka_unit_test(test_names),
        cmocka_unit_test(test_err_month_revision),
        cmocka_unit_test(test_err_activation),
        cmocka_unit_test(test_err_or_later),
        cmocka_unit_test(test_err_steps),
        cmocka_unit_test(test_classify_release_type),
        cmocka_unit_test(test_minimal_is_clean),
        cmocka_unit_test(test_err_not_well_formed),
        cmocka_unit_test(test_err_doctype),
        cmocka_unit_test(test_err_schema_value),
        cmocka_unit_test(test_err_schema_missing_attr),
        cmocka_unit_test(test_err_undeclared_source),
        cmocka_unit_test(test_err_unknown_kb),
        cmocka_unit_test(test_err_from_wrong_role),
        cmocka_unit_test(test_err_duplicate_entry),
        cmocka_unit_test(test_err_supersedence),
        cmocka_unit_test(test_err_contradiction),
        cmocka_unit_test(test_err_cycle),
        cmocka_unit_test(test_err_require_unconfirmed),
        cmocka_unit_test(test_err_requires_in_manifests),
        cmocka_unit_test(test_err_requires_without_rules),
        cmocka_unit_test(test_err_rules_structure),
        cmocka_unit_test(test_err_rules_semantics),
        cmocka_unit_test(test_err_rules_twice),
        cmocka_unit_test(test_err_sha2_enabler_unknown),
        cmocka_unit_test(test_err_schema_missing),
        cmocka_unit_test(test_err_schema_external),
        cmocka_unit_test(test_err_schema_broken),
        cmocka_unit_test(test_err_unreadable_files),
        cmocka_unit_test(test_load_not_a_dir),
        cmocka_unit_test(test_default_dir),
        cmocka_unit_test(test_cli_check_shipped),
        cmocka_unit_test(test_cli_check_errors),
        cmocka_unit_test(test_cli_usage),
    };
    int failed = cmocka_run_group_tests_name("kb-shipped", shipped, setup_shipped, teardown_shipped);

    failed += cmocka_run_group_tests_name("kb", tests, NULL, NULL);
    return failed;
}
