/*
 * test_plan.c - the planner on hand-built packages and a hand-built
 * knowledge base: revisions, supersedence (and superseded-but-needed),
 * SHA-2 barriers, servicing stacks, rules, cycles, arch mismatch, file
 * order independence, the renderers and explain.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "plan.h"
#include "render.h"
#include "script.h"
#include "testlib.h"

#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------------------ */
/* A knowledge base for 6.0, like rules/6.0.xml in small               */
/* ------------------------------------------------------------------ */

static char *phases[] = {"servicing-stack", "sha2-support", "licensing", "rollup",
                         "security-only", "other", "optional"};

typedef struct fixture {
    ps_kb kb;
    ps_os_rules os;
    ps_kb_entry entries[4];
    ps_recognizer recs[2];
    ps_rule rules[8];
} fixture;

static void kb_init(fixture *fx)
{
    memset(fx, 0, sizeof *fx);
    fx->os.os = "6.0";
    fx->os.name = "Windows Vista SP2 / Windows Server 2008 SP2";
    fx->os.base_build = "6.0.6002.18005";
    fx->os.sha2_enabler = "KB4474419";
    fx->os.phases = phases;
    fx->os.n_phases = 7;
    fx->os.role_phase[PS_ROLE_UNKNOWN] = 5;
    fx->os.role_phase[PS_ROLE_SERVICING_STACK] = 0;
    fx->os.role_phase[PS_ROLE_SHA2_SUPPORT] = 1;
    fx->os.role_phase[PS_ROLE_LICENSING] = 2;
    fx->os.role_phase[PS_ROLE_ROLLUP] = 3;
    fx->os.role_phase[PS_ROLE_PREVIEW_ROLLUP] = 3;
    fx->os.role_phase[PS_ROLE_SECURITY_ONLY] = 4;
    fx->os.role_phase[PS_ROLE_OTHER] = 5;
    fx->recs[0] = (ps_recognizer){PS_ROLE_SERVICING_STACK, "Microsoft-Windows-ServicingStack",
                                  NULL, NULL, {"rules/6.0.xml", 40}};
    fx->recs[1] = (ps_recognizer){PS_ROLE_ROLLUP, NULL, "Package_for_RollupFix", NULL,
                                  {"rules/6.0.xml", 41}};
    fx->os.recognizers = fx->recs;
    fx->os.n_recognizers = 2;
    /* sorted by KB */
    fx->entries[0] = (ps_kb_entry){.kb = "KB4474419", .os = "6.0", .role = PS_ROLE_SHA2_SUPPORT,
                                   .date = "2019-09-23", .sha2_only = 0,
                                   .where = {"manifests/6.0.xml", 30}};
    fx->kb.entries = fx->entries;
    fx->kb.n_entries = 1;
    /* the order rules of rules/6.0.xml */
    fx->rules[0] = (ps_rule){.kind = PS_RULE_ORDER,
                             .subject = {.kb = "KB4474419"},
                             .role = PS_ROLE_SERVICING_STACK,
                             .reason = "the servicing stack update goes before KB4474419",
                             .where = {"rules/6.0.xml", 50}};
    fx->rules[1] = (ps_rule){.kind = PS_RULE_ORDER,
                             .subject = {.role = PS_ROLE_ROLLUP},
                             .role = PS_ROLE_SHA2_SUPPORT,
                             .barrier = 1,
                             .reason = "a restart after the SHA-2 support update before any rollup",
                             .where = {"rules/6.0.xml", 60}};
    fx->os.rules = fx->rules;
    fx->os.n_rules = 2;
    fx->kb.os = &fx->os;
    fx->kb.n_os = 1;
}

/* ------------------------------------------------------------------ */
/* Packages                                                            */
/* ------------------------------------------------------------------ */

typedef struct spec {
    const char *kb;
    const char *arch;      /* x86, x64, ia64 */
    unsigned rev;
    const char *name;      /* identity name; NULL = Package_for_<kb> */
    const char *version;
    const char *date;
    const char *installer;
    const char *stack;
    const char *kernel;
    int sha2;
    const char *name_arch; /* arch in the file name when it differs */
} spec;

/* The 2008 SP2 chain of the issue, x64 (arch filled in by callers). */
static const spec chain[] = {
    {"KB4493730", NULL, 0, NULL, "6.0.1.0", "2019-04-09", "6.0.6002.18005", "6.0.6002.24000", NULL, 0, NULL},
    {"KB4474419", NULL, 1, NULL, "6.0.1.0", "2019-05-14", "6.0.6002.18005", NULL, NULL, 0, NULL},
    {"KB4474419", NULL, 4, NULL, "6.0.4.0", "2019-09-23", "6.0.6002.18005", NULL, NULL, 0, NULL},
    {"KB4489887", NULL, 0, "Package_for_RollupFix", "6.0.1.1", "2019-03-19", "6.0.6002.18005", NULL, "6.0.6003.20000", 0, NULL},
    {"KB4512476", NULL, 0, "Package_for_RollupFix", "6.0.1.5", "2019-08-13", "6.0.6002.24000", NULL, "6.0.6003.20580", 1, NULL},
    {"KB4517134", NULL, 0, NULL, "6.0.1.0", "2019-09-10", "6.0.6002.18005", "6.0.6003.20600", NULL, 1, NULL},
    {"KB4520002", NULL, 0, "Package_for_RollupFix", "6.0.1.7", "2019-10-08", "6.0.6003.20600", NULL, "6.0.6003.20654", 1, NULL},
};

static void pkg_fill(ps_package *p, const spec *s, const char *arch)
{
    char buf[256];
    const char *a = s->arch ? s->arch : arch;
    const char *fa = s->name_arch ? s->name_arch : a;

    memset(p, 0, sizeof *p);
    if (s->rev)
        snprintf(buf, sizeof buf, "b/Windows6.0-%s-v%u-%s.msu", s->kb, s->rev, fa);
    else
        snprintf(buf, sizeof buf, "b/Windows6.0-%s-%s.msu", s->kb, fa);
    p->file = strdup(buf);
    p->path = strdup(buf);
    p->readable = 1;
    p->kb = strdup(s->kb);
    p->kb_source = PS_KB_SOURCE_MUM;
    p->revision = s->rev;
    p->arch = ps_arch_parse(a);
    p->name_arch = ps_arch_parse(fa);
    p->os = strdup("6.0");
    p->name_os = strdup("6.0");
    snprintf(buf, sizeof buf, "Package_for_%s", s->kb);
    p->identity.name = strdup(s->name ? s->name : buf);
    p->identity.version = strdup(s->version);
    p->identity.arch = strdup(strcmp(a, "x64") == 0 ? "amd64" : a);
    p->release_type = strdup("Update");
    p->restart = strdup("possible");
    p->build_date = strdup(s->date);
    p->installer_version = strdup(s->installer);
    p->provides_stack = s->stack ? strdup(s->stack) : NULL;
    p->kernel_version = s->kernel ? strdup(s->kernel) : NULL;
    p->sha2_only = s->sha2;
    p->catalog_digests = s->sha2 ? PS_DIGEST_SHA256 : PS_DIGEST_SHA1 | PS_DIGEST_SHA256;
}

/* Adds the specs to the bundle for one arch, in the order of `order`
 * (NULL: as given). */
static void bundle_add(ps_bundle *b, const spec *s, size_t n, const char *arch, const size_t *order)
{
    for (size_t i = 0; i < n; i++) {
        if (b->count == b->cap) {
            b->cap = b->cap ? b->cap * 2 : 16;
            b->items = realloc(b->items, b->cap * sizeof *b->items);
            if (b->items == NULL)
                abort();
        }
        pkg_fill(&b->items[b->count++], &s[order ? order[i] : i], arch);
    }
}

/* "KB1 KB2 reboot KB3 reboot" */
static char *steps_of(const ps_arch_plan *ap)
{
    ps_buf b = {0};

    for (size_t i = 0; i < ap->n_steps; i++)
        ps_buf_printf(&b, "%s%s", i ? " " : "",
                      ap->steps[i].action == PS_STEP_REBOOT ? "reboot" : ap->nodes[ap->steps[i].node].kb);
    ps_buf_puts(&b, "");
    return ps_buf_steal(&b, NULL);
}

/* "KB(file-rev):why:by ..." */
static char *skipped_of(const ps_arch_plan *ap)
{
    ps_buf b = {0};

    for (size_t i = 0; i < ap->n_skipped; i++) {
        const ps_plan_node *n = &ap->nodes[ap->skipped[i]];

        ps_buf_printf(&b, "%s%s/v%u:%s:%s", i ? " " : "", n->kb, n->pkg->revision,
                      ps_node_state_name(n->state),
                      n->by != PS_NO_NODE ? ap->nodes[n->by].kb : "-");
    }
    ps_buf_puts(&b, "");
    return ps_buf_steal(&b, NULL);
}

static const ps_arch_plan *plan_for(const ps_plan *p, ps_arch a)
{
    for (size_t i = 0; i < p->count; i++)
        if (p->plans[i].arch == a)
            return &p->plans[i];
    return NULL;
}

static void check_str(char *got, const char *want)
{
    assert_non_null(got);
    assert_string_equal(got, want);
    free(got);
}

static const ps_finding *finding(const ps_findings *f, ps_finding_code code, size_t nth)
{
    for (size_t i = 0; i < f->count; i++)
        if (f->items[i].code == code && nth-- == 0)
            return &f->items[i];
    return NULL;
}

/* ------------------------------------------------------------------ */
/* Tests                                                               */
/* ------------------------------------------------------------------ */

static void test_chain_x64(void **state)
{
    fixture fx;
    ps_bundle b = {0};
    ps_findings f = {0};
    ps_plan plan;
    const ps_arch_plan *ap;

    (void)state;
    kb_init(&fx);
    bundle_add(&b, chain, PS_ARRAY_LEN(chain), "x64", NULL);
    assert_int_equal(ps_plan_build(&plan, &b, &fx.kb, NULL, &f), 0);
    assert_int_equal(plan.count, 1);
    ap = plan_for(&plan, PS_ARCH_X64);
    assert_non_null(ap);
    check_str(steps_of(ap), "KB4493730 KB4474419 reboot KB4517134 KB4520002 reboot");
    check_str(skipped_of(ap), "KB4474419/v1:duplicate:KB4474419 KB4489887/v0:superseded:KB4520002 "
                              "KB4512476/v0:superseded:KB4520002");
    assert_int_equal(ap->reboots, 2);
    assert_string_equal(ap->start_build, "6.0.6002.18005");
    assert_string_equal(ap->end_build, "6.0.6003.20654");
    assert_string_equal(ap->steps[4].build_after, "6.0.6003.20654");
    assert_null(ap->steps[0].build_after);
    /* the superseded SSU is kept because KB4474419 needs it */
    assert_int_equal(ap->nodes[ap->steps[0].node].needed, 1);
    assert_string_equal(ap->nodes[ap->steps[0].node].needed_why,
                        "kept although superseded by KB4517134: KB4474419 needs it before it, "
                        "and KB4517134 cannot be installed before KB4474419");
    assert_string_equal(ap->steps[2].reasons[0], "KB4474419 must be active before SHA-2-only packages");
    assert_int_equal(ap->steps[5].n_reasons, 2);
    assert_string_equal(ap->steps[5].reasons[0], "KB4517134 may require a restart");
    assert_string_equal(ap->steps[5].reasons[1], "KB4520002 may require a restart");
    /* findings: one duplicate, two superseded, nothing else */
    assert_int_equal(f.count, 3);
    assert_int_equal(ps_findings_count_code(&f, PS_F_DUPLICATE), 1);
    assert_int_equal(ps_findings_count_code(&f, PS_F_SUPERSEDED), 2);
    assert_string_equal(finding(&f, PS_F_DUPLICATE, 0)->message,
                        "another revision of KB4474419 (version 6.0.1.0) is planned instead: "
                        "b/Windows6.0-KB4474419-v4-x64.msu (version 6.0.4.0)");
    assert_string_equal(finding(&f, PS_F_SUPERSEDED, 0)->message,
                        "superseded by KB4520002: a newer version of Package_for_RollupFix "
                        "(6.0.1.7 > 6.0.1.1)");
    ps_plan_free(&plan);
    ps_findings_free(&f);
    ps_bundle_free(&b);
}

/* Every rotation and the reverse of the file order give the same plan. */
static void test_order_independent(void **state)
{
    fixture fx;
    size_t n = PS_ARRAY_LEN(chain), order[PS_ARRAY_LEN(chain)];
    char *ref_text = NULL;

    (void)state;
    kb_init(&fx);
    for (size_t r = 0; r < 2 * n; r++) {
        ps_bundle b = {0};
        ps_findings f = {0};
        ps_plan plan;
        char *text;

        for (size_t i = 0; i < n; i++)
            order[i] = r < n ? (i + r) % n : (n - 1 - ((i + r) % n));
        bundle_add(&b, chain, n, "x86", order);
        bundle_add(&b, chain, n, "x64", order);
        assert_int_equal(ps_plan_build(&plan, &b, &fx.kb, NULL, &f), 0);
        ps_findings_sort(&f);
        assert_int_equal(plan.count, 2);
        assert_int_equal(plan.plans[0].arch, PS_ARCH_X86);
        check_str(steps_of(&plan.plans[0]), "KB4493730 KB4474419 reboot KB4517134 KB4520002 reboot");
        text = ps_plan_render("json", &plan, &f, NULL);
        assert_non_null(text);
        if (ref_text == NULL)
            ref_text = text;
        else {
            assert_string_equal(text, ref_text);
            free(text);
        }
        ps_plan_free(&plan);
        ps_findings_free(&f);
        ps_bundle_free(&b);
    }
    free(ref_text);
}

/* Two SHA-2-only SSUs supersede the SHA-1 one: the newest stays, the SHA-1
 * one is kept for KB4474419, the middle one is skipped. */
static void test_needed_skips_sha2_ssu(void **state)
{
    fixture fx;
    ps_bundle b = {0};
    ps_findings f = {0};
    ps_plan plan;
    static const spec s[] = {
        {"KB4493730", NULL, 0, NULL, "6.0.1.0", "2019-04-09", "6.0.6002.18005", "6.0.6002.24000", NULL, 0, NULL},
        {"KB4517134", NULL, 0, NULL, "6.0.1.0", "2019-09-10", "6.0.6002.18005", "6.0.6003.20600", NULL, 1, NULL},
        {"KB4526478", NULL, 0, NULL, "6.0.1.0", "2019-11-12", "6.0.6002.18005", "6.0.6003.20700", NULL, 1, NULL},
        {"KB4474419", NULL, 4, NULL, "6.0.4.0", "2019-09-23", "6.0.6002.18005", NULL, NULL, 0, NULL},
    };

    (void)state;
    kb_init(&fx);
    bundle_add(&b, s, PS_ARRAY_LEN(s), "x64", NULL);
    assert_int_equal(ps_plan_build(&plan, &b, &fx.kb, NULL, &f), 0);
    check_str(steps_of(&plan.plans[0]), "KB4493730 KB4474419 reboot KB4526478 reboot");
    check_str(skipped_of(&plan.plans[0]), "KB4517134/v0:superseded:KB4526478");
    assert_int_equal(f.count, 1);
    ps_plan_free(&plan);
    ps_findings_free(&f);
    ps_bundle_free(&b);
}

/* ia64 without the SHA-2 support update: the SHA-2-only packages leave the
 * plan, and the SHA-1 rollup they superseded comes back. */
static void test_ia64_without_sha2(void **state)
{
    fixture fx;
    ps_bundle b = {0};
    ps_findings f = {0};
    ps_plan plan;
    const ps_arch_plan *ap;
    static const spec ia[] = {
        {"KB4493730", NULL, 0, NULL, "6.0.1.0", "2019-04-09", "6.0.6002.18005", "6.0.6002.24000", NULL, 0, NULL},
        {"KB4489887", NULL, 0, "Package_for_RollupFix", "6.0.1.1", "2019-03-19", "6.0.6002.18005", NULL, "6.0.6003.20000", 0, NULL},
        {"KB4512476", NULL, 0, "Package_for_RollupFix", "6.0.1.5", "2019-08-13", "6.0.6002.18005", NULL, "6.0.6003.20580", 1, NULL},
    };

    (void)state;
    kb_init(&fx);
    bundle_add(&b, ia, PS_ARRAY_LEN(ia), "ia64", NULL);
    assert_int_equal(ps_plan_build(&plan, &b, &fx.kb, NULL, &f), 0);
    ap = plan_for(&plan, PS_ARCH_IA64);
    assert_non_null(ap);
    check_str(steps_of(ap), "KB4493730 KB4489887 reboot");
    check_str(skipped_of(ap), "KB4512476/v0:missing-prerequisite:-");
    assert_string_equal(ap->end_build, "6.0.6003.20000");
    assert_int_equal(f.count, 1);
    assert_int_equal(f.items[0].code, PS_F_MISSING_PREREQUISITE);
    assert_int_equal(f.items[0].arch, PS_ARCH_IA64);
    assert_string_equal(f.items[0].kb, "KB4512476");
    assert_string_equal(f.items[0].file, "b/Windows6.0-KB4512476-ia64.msu");
    assert_string_equal(f.items[0].message,
                        "KB4512476 is SHA-2-only and no SHA-2 support update (KB4474419) for ia64 "
                        "is in the bundle or the inventory: add KB4474419");
    ps_plan_free(&plan);
    ps_findings_free(&f);
    ps_bundle_free(&b);
}

/* A servicing stack nobody delivers, and a dependant of what left the plan. */
static void test_missing_stack_cascades(void **state)
{
    fixture fx;
    ps_bundle b = {0};
    ps_findings f = {0};
    ps_plan plan;
    static const spec s[] = {
        {"KB4000001", NULL, 0, NULL, "6.0.1.0", "2019-01-08", "6.0.6003.30000", NULL, NULL, 0, NULL},
        {"KB4000002", NULL, 0, NULL, "6.0.1.0", "2019-01-08", "6.0.6002.18005", NULL, NULL, 0, NULL},
    };

    (void)state;
    kb_init(&fx);
    fx.rules[2] = (ps_rule){.kind = PS_RULE_REQUIRE, .subject = {.kb = "KB4000002"},
                            .kb = "KB4000001", .reason = "KB4000001 goes first",
                            .where = {"rules/6.0.xml", 70}};
    fx.os.n_rules = 3;
    bundle_add(&b, s, 2, "x86", NULL);
    assert_int_equal(ps_plan_build(&plan, &b, &fx.kb, NULL, &f), 0);
    check_str(steps_of(&plan.plans[0]), "");
    check_str(skipped_of(&plan.plans[0]),
              "KB4000001/v0:missing-prerequisite:- KB4000002/v0:missing-prerequisite:-");
    assert_int_equal(f.count, 2);
    assert_string_equal(f.items[0].message,
                        "KB4000001 needs a SHA-1-signed servicing stack update delivering "
                        "6.0.6003.30000 or later for x86 and none is in the bundle or the "
                        "inventory (the knowledge base knows no update that delivers it)");
    assert_string_equal(f.items[1].message,
                        "KB4000002 requires KB4000001 and KB4000001 is left out of the x86 plan "
                        "(rules/6.0.xml:70)");
    ps_plan_free(&plan);
    ps_findings_free(&f);
    ps_bundle_free(&b);
}

/* Two rules that require each other: a cycle, both left out, the rest planned. */
static void test_cycle_from_rules(void **state)
{
    fixture fx;
    ps_bundle b = {0};
    ps_findings f = {0};
    ps_plan plan;
    static const spec s[] = {
        {"KB4100001", NULL, 0, NULL, "6.0.1.0", "2019-02-12", "6.0.6002.18005", NULL, NULL, 0, NULL},
        {"KB4100002", NULL, 0, NULL, "6.0.1.0", "2019-02-12", "6.0.6002.18005", NULL, NULL, 0, NULL},
        {"KB4100003", NULL, 0, NULL, "6.0.1.0", "2019-02-12", "6.0.6002.18005", NULL, NULL, 0, NULL},
    };

    (void)state;
    kb_init(&fx);
    fx.rules[2] = (ps_rule){.kind = PS_RULE_REQUIRE, .subject = {.kb = "KB4100002"},
                            .kb = "KB4100001", .reason = "one before two",
                            .where = {"rules/6.0.xml", 80}};
    fx.rules[3] = (ps_rule){.kind = PS_RULE_REQUIRE, .subject = {.kb = "KB4100001"},
                            .kb = "KB4100002", .reason = "two before one",
                            .where = {"rules/6.0.xml", 81}};
    fx.os.n_rules = 4;
    bundle_add(&b, s, 3, "x64", NULL);
    assert_int_equal(ps_plan_build(&plan, &b, &fx.kb, NULL, &f), 0);
    check_str(steps_of(&plan.plans[0]), "KB4100003 reboot");
    check_str(skipped_of(&plan.plans[0]),
              "KB4100001/v0:dependency-cycle:- KB4100002/v0:dependency-cycle:-");
    assert_int_equal(f.count, 1);
    assert_int_equal(f.items[0].code, PS_F_DEPENDENCY_CYCLE);
    assert_string_equal(f.items[0].message,
                        "dependency cycle, left out of the x64 plan: KB4100001 -> KB4100002 "
                        "(rule: one before two [rules/6.0.xml:80]) -> KB4100001 (rule: two "
                        "before one [rules/6.0.xml:81])");
    ps_plan_free(&plan);
    ps_findings_free(&f);
    ps_bundle_free(&b);
}

/* A file named -x64 whose manifest says x86: planned for x86 only. */
static void test_arch_mismatch(void **state)
{
    fixture fx;
    ps_bundle b = {0};
    ps_findings f = {0};
    ps_plan plan;
    static const spec s[] = {
        {"KB4200001", "x86", 0, NULL, "6.0.1.0", "2019-02-12", "6.0.6002.18005", NULL, NULL, 0, "x64"},
        {"KB4200002", "x64", 0, NULL, "6.0.1.0", "2019-02-12", "6.0.6002.18005", NULL, NULL, 0, NULL},
    };
    ps_plan_opts o;

    (void)state;
    kb_init(&fx);
    bundle_add(&b, s, 2, "x64", NULL);
    assert_int_equal(ps_plan_build(&plan, &b, &fx.kb, NULL, &f), 0);
    assert_int_equal(plan.count, 2);
    check_str(steps_of(plan_for(&plan, PS_ARCH_X86)), "KB4200001 reboot");
    check_str(steps_of(plan_for(&plan, PS_ARCH_X64)), "KB4200002 reboot");
    assert_int_equal(f.count, 1);
    assert_int_equal(f.items[0].code, PS_F_ARCH_MISMATCH);
    assert_int_equal(f.items[0].arch, PS_ARCH_X86);
    assert_string_equal(f.items[0].message,
                        "the file name says x64 but update.mum says x86; planned for x86 only");
    ps_plan_free(&plan);
    ps_findings_free(&f);
    /* --arch x64: neither the x86 plan nor its finding */
    ps_plan_opts_default(&o);
    o.arch_mask = PS_ARCH_BIT(PS_ARCH_X64);
    assert_int_equal(ps_plan_build(&plan, &b, &fx.kb, &o, &f), 0);
    assert_int_equal(plan.count, 1);
    assert_int_equal(plan.plans[0].arch, PS_ARCH_X64);
    assert_int_equal(f.count, 0);
    ps_plan_free(&plan);
    ps_findings_free(&f);
    ps_bundle_free(&b);
}

static void test_keep_superseded(void **state)
{
    fixture fx;
    ps_bundle b = {0};
    ps_findings f = {0};
    ps_plan plan;
    ps_plan_opts o;

    (void)state;
    kb_init(&fx);
    ps_plan_opts_default(&o);
    o.keep_superseded = 1;
    bundle_add(&b, chain, PS_ARRAY_LEN(chain), "x86", NULL);
    assert_int_equal(ps_plan_build(&plan, &b, &fx.kb, &o, &f), 0);
    check_str(steps_of(&plan.plans[0]),
              "KB4493730 KB4474419 reboot KB4517134 KB4489887 KB4512476 KB4520002 reboot");
    check_str(skipped_of(&plan.plans[0]), "KB4474419/v1:duplicate:KB4474419");
    ps_plan_free(&plan);
    ps_findings_free(&f);
    ps_bundle_free(&b);
}

/* An OS without rules: wrong-os, not planned. */
static void test_wrong_os(void **state)
{
    fixture fx;
    ps_bundle b = {0};
    ps_findings f = {0};
    ps_plan plan;

    (void)state;
    kb_init(&fx);
    bundle_add(&b, chain, 1, "x64", NULL);
    free(b.items[0].os);
    b.items[0].os = strdup("6.2");
    assert_int_equal(ps_plan_build(&plan, &b, &fx.kb, NULL, &f), 0);
    assert_int_equal(plan.count, 0);
    assert_int_equal(f.count, 1);
    assert_int_equal(f.items[0].code, PS_F_WRONG_OS);
    assert_string_equal(f.items[0].message,
                        "the knowledge base has no rules for Windows 6.2; not planned");
    ps_plan_free(&plan);
    ps_findings_free(&f);
    /* a file name that names another OS: a warning, planned for the manifest's OS */
    free(b.items[0].os);
    b.items[0].os = strdup("6.0");
    free(b.items[0].name_os);
    b.items[0].name_os = strdup("6.1");
    assert_int_equal(ps_plan_build(&plan, &b, &fx.kb, NULL, &f), 0);
    assert_int_equal(plan.count, 1);
    check_str(steps_of(&plan.plans[0]), "KB4493730 reboot");
    assert_int_equal(f.count, 1);
    assert_int_equal(f.items[0].code, PS_F_WRONG_OS);
    assert_int_equal(f.items[0].severity, PS_SEV_WARNING);
    assert_string_equal(f.items[0].message, "the file name says Windows 6.1 but update.mum says "
                                            "Windows 6.0; planned for Windows 6.0");
    ps_plan_free(&plan);
    ps_findings_free(&f);
    ps_bundle_free(&b);
}

static void test_render_and_explain(void **state)
{
    fixture fx;
    ps_bundle b = {0};
    ps_findings f = {0};
    ps_plan plan;
    char *doc;
    size_t found = 0;

    (void)state;
    kb_init(&fx);
    bundle_add(&b, chain, PS_ARRAY_LEN(chain), "x64", NULL);
    assert_int_equal(ps_plan_build(&plan, &b, &fx.kb, NULL, &f), 0);
    doc = ps_plan_render("json", &plan, &f, NULL);
    assert_non_null(doc);
    assert_non_null(strstr(doc, "\"schema\": \"patchseq.plan/1\""));
    assert_non_null(strstr(doc, "{\n          \"action\": \"reboot\",\n          \"reasons\": [\n"
                                "            \"KB4474419 must be active before SHA-2-only packages\",\n"
                                "            \"KB4474419 before KB4520002: a restart after the SHA-2 "
                                "support update before any rollup\"\n          ]\n"));
    free(doc);
    doc = ps_plan_render("dot", &plan, &f, NULL);
    assert_non_null(doc);
    /* one edge per ordered pair: the kinds as label, the reasons as tooltip */
    assert_non_null(strstr(doc, "p0_0_n3 -> p0_0_n1 [label=\"sha2\", tooltip=\"sha2: KB4517134 is "
                                "SHA-2-only: KB4474419 must be installed and the machine restarted "
                                "first ["));
    assert_non_null(strstr(doc, "subgraph cluster_p0_0_b2 {\n      label=\"boot 2: steps 4-5, then "
                                "restart (step 6)\";"));
    assert_non_null(strstr(doc, "  legend [shape=note"));
    free(doc);
    doc = ps_plan_render("md", &plan, &f, NULL);
    assert_non_null(doc);
    assert_non_null(strstr(doc, "# Change request: install Windows updates\n\n## Scope\n\n"
                                "- Systems: Windows 6.0 (Windows Vista SP2 / Windows Server 2008 "
                                "SP2), x64\n- Architectures: x64\n"));
    assert_non_null(strstr(doc, "## Windows 6.0 (Windows Vista SP2 / Windows Server 2008 SP2), x64"
                                "\n\n4 installs, 2 restarts, about 43 minutes; build "
                                "6.0.6002.18005 -> 6.0.6003.20654.\n"));
    assert_non_null(strstr(doc, "| 3 | **restart** | | | | | 4 | restart before the next steps "
                                "can be installed [^1-1-3] |\n"));
    assert_non_null(strstr(doc, "[^1-1-3]: Step 3: KB4474419 must be active before SHA-2-only "
                                "packages; KB4474419 before KB4520002: a restart after the SHA-2 "
                                "support update before any rollup.\n"));
    assert_non_null(strstr(doc, "| 5 | KB4520002 | `wusa /uninstall /kb:4520002 /quiet "
                                "/norestart` |\n| 4 | KB4517134 | not removable (a servicing stack "
                                "update) |\n"));
    assert_non_null(strstr(doc, "### Warnings\n\n- duplicate (x64), b/Windows6.0-KB4474419-v1-x64.msu: "));
    /* a KB the knowledge base has no title for */
    assert_non_null(strstr(doc, "| 1 | install | KB4493730 | (no title in the knowledge base) | "));
    free(doc);
    doc = ps_plan_render("html", &plan, &f, NULL);
    assert_non_null(doc);
    assert_non_null(strstr(doc, "<td><span class=\"note\">no title in the knowledge base</span></td>"));
    assert_non_null(strstr(doc, "<p class=\"note\">The graph is omitted: no rendering of it was "
                                "given."));
    assert_non_null(strstr(doc, "<svg class=\"timeline\""));
    assert_non_null(strstr(doc, "<code>wusa /uninstall /kb:4520002 /quiet /norestart</code>"));
    assert_non_null(strstr(doc, "</body>\n</html>\n"));
    free(doc);
    doc = ps_plan_render("text", &plan, &f, NULL);
    assert_non_null(doc);
    assert_non_null(strstr(doc, "   3. reboot\n      - KB4474419 must be active before SHA-2-only "
                                "packages\n"));
    assert_non_null(strstr(doc, "   5. install KB4520002 [rollup] b/Windows6.0-KB4520002-x64.msu\n"
                                "      restart: possible; build after: 6.0.6003.20654\n"));
    /* the summary line first; the provenance only with --verbose */
    assert_non_null(strstr(doc, ", x64\n  4 installs, 2 restarts, about 43 minutes; build "
                                "6.0.6002.18005 -> 6.0.6003.20654\n\n"));
    assert_null(strstr(doc, "- phase "));
    assert_null(strstr(doc, "update.cat: no SHA-1 digest"));
    assert_non_null(strstr(doc, "      - after KB4474419: KB4517134 is SHA-2-only: KB4474419 must be "
                                "installed and the machine restarted first\n"));
    free(doc);
    {
        ps_render_opts ro = {0};

        ro.verbose = 1;
        doc = ps_plan_render_with("text", &plan, &f, &ro, NULL);
        assert_non_null(doc);
        assert_non_null(strstr(doc, "      - phase servicing-stack: role servicing-stack ("));
        assert_non_null(strstr(doc, "      - after KB4474419: KB4517134 is SHA-2-only: KB4474419 "
                                    "must be installed and the machine restarted first [KB4517134 "
                                    "update.cat: no SHA-1 digest]\n"));
        free(doc);
    }
    /* scripts need each file's SHA-256: these packages were not hashed */
    assert_null(ps_plan_render("cmd", &plan, &f, NULL));
    assert_int_equal(ps_plan_format_known("dot"), 1);
    assert_int_equal(ps_plan_format_known("ps1"), 1);
    assert_int_equal(ps_plan_format_known("pdf"), 0);
    assert_int_equal(ps_plan_format_is_script("cmd"), 1);
    assert_int_equal(ps_plan_format_is_script("md"), 0);
    doc = ps_plan_explain(&plan, "KB4493730", NULL, &found);
    assert_int_equal(found, 1);
    assert_non_null(strstr(doc, "KB4493730 in the Windows 6.0 x64 plan: step 1 of 6 "
                                "(phase servicing-stack, after 0 reboots)\n"));
    assert_non_null(strstr(doc, "  supersedence: superseded by KB4517134: a newer servicing stack "
                                "(6.0.6003.20600 > 6.0.6002.24000); kept although superseded by "
                                "KB4517134: KB4474419 needs it before it, and KB4517134 cannot be "
                                "installed before KB4474419\n"));
    assert_non_null(strstr(doc, "  comes before:\n    KB4474419 (rule): the servicing stack update "
                                "goes before KB4474419 [rules/6.0.xml:50]\n"));
    free(doc);
    doc = ps_plan_explain(&plan, "KB4474419", NULL, &found);
    assert_int_equal(found, 2);
    assert_non_null(strstr(doc, "KB4474419 in the Windows 6.0 x64 plan: skipped (duplicate)\n"));
    free(doc);
    doc = ps_plan_explain(&plan, "KB9999999", NULL, &found);
    assert_int_equal(found, 0);
    free(doc);
    ps_plan_free(&plan);
    ps_findings_free(&f);
    ps_bundle_free(&b);
}

/* What the machine has: installed KBs leave the plan and satisfy requirements. */
static void test_inventory(void **state)
{
    fixture fx;
    ps_bundle b = {0};
    ps_findings f = {0};
    ps_plan plan;
    ps_plan_opts o;
    char *kbs[] = {"KB4474419", "KB4493730"};
    ps_inventory inv = {.kbs = kbs, .n_kbs = 2, .os_build = "6.0.6003", .arch = PS_ARCH_X64,
                        .format = "kb-list"};

    (void)state;
    kb_init(&fx);
    ps_plan_opts_default(&o);
    o.inventory = &inv;
    bundle_add(&b, chain, PS_ARRAY_LEN(chain), "x64", NULL);
    assert_int_equal(ps_plan_build(&plan, &b, &fx.kb, &o, &f), 0);
    check_str(steps_of(&plan.plans[0]), "KB4517134 KB4520002 reboot");
    /* the installed packages keep their node, with no step */
    check_str(skipped_of(&plan.plans[0]), "KB4493730/v0:installed:- KB4474419/v1:installed:- "
                                          "KB4474419/v4:installed:- "
                                          "KB4489887/v0:superseded:KB4520002 "
                                          "KB4512476/v0:superseded:KB4520002");
    assert_int_equal(plan.plans[0].machine.sha2_active, 1);
    assert_string_equal(plan.plans[0].machine.stack, "6.0.6002.24000"); /* KB4493730 of the bundle */
    assert_string_equal(plan.plans[0].start_build, "6.0.6003");
    assert_int_equal(ps_findings_count_code(&f, PS_F_ALREADY_INSTALLED), 3);
    assert_string_equal(finding(&f, PS_F_ALREADY_INSTALLED, 0)->message, "KB4493730 is already installed");
    ps_plan_free(&plan);
    ps_findings_free(&f);
    /* an installed rollup that the knowledge base says supersedes KB4512476 */
    {
        char *sup[] = {"KB4512476"};
        char *kbs2[] = {"KB4474419", "KB4493730", "KB4512477"};

        fx.entries[1] = (ps_kb_entry){.kb = "KB4512477", .os = "6.0", .role = PS_ROLE_ROLLUP,
                                      .date = "2019-08-20", .supersedes = sup, .n_supersedes = 1,
                                      .where = {"manifests/6.0.xml", 99}};
        fx.kb.n_entries = 2;
        inv.kbs = kbs2;
        inv.n_kbs = 3;
        assert_int_equal(ps_plan_build(&plan, &b, &fx.kb, &o, &f), 0);
        check_str(steps_of(&plan.plans[0]), "KB4517134 KB4520002 reboot");
        /* an older rollup the manifests do not list is superseded by release date */
        check_str(skipped_of(&plan.plans[0]), "KB4493730/v0:installed:- KB4474419/v1:installed:- "
                                              "KB4474419/v4:installed:- "
                                              "KB4489887/v0:superseded:- "
                                              "KB4512476/v0:superseded:-");
        assert_string_equal(plan.plans[0].nodes[plan.plans[0].skipped[3]].by_installed, "KB4512477");
        assert_string_equal(plan.plans[0].nodes[plan.plans[0].skipped[3]].why,
                            "superseded by KB4512477, which is installed: a newer rollup "
                            "(released 2019-08-20, after 2019-04-09)");
        assert_string_equal(plan.plans[0].nodes[plan.plans[0].skipped[4]].by_installed, "KB4512477");
        assert_string_equal(plan.plans[0].nodes[plan.plans[0].skipped[4]].why,
                            "superseded by KB4512477, which is installed (manifests/6.0.xml:99)");
        ps_plan_free(&plan);
        ps_findings_free(&f);
    }
    /* a machine of another OS: nothing of 6.0 is planned for it */
    inv.os_build = "6.1.7601";
    assert_int_equal(ps_plan_build(&plan, &b, &fx.kb, &o, &f), 0);
    assert_int_equal(plan.count, 0);
    assert_int_equal(f.count, PS_ARRAY_LEN(chain) + 1);
    assert_int_equal(ps_findings_count_code(&f, PS_F_WRONG_OS), PS_ARRAY_LEN(chain));
    /* a non-empty bundle with nothing for the machine is an error */
    assert_int_equal(ps_findings_count_code(&f, PS_F_WRONG_MACHINE), 1);
    assert_int_equal(finding(&f, PS_F_WRONG_MACHINE, 0)->severity, PS_SEV_ERROR);
    assert_string_equal(f.items[0].message,
                        "the machine of the inventory runs Windows 6.1.7601; not planned");
    ps_plan_free(&plan);
    ps_findings_free(&f);
    ps_bundle_free(&b);
}

/* A package the knowledge base does not date is dated by release: its build
 * date moved to the Patch Tuesday on or after it; a security update with a
 * kernel, outside the rollup family, is a security-only update; a rule's
 * "since" compares release months. */
static void test_release_month(void **state)
{
    fixture fx;
    ps_bundle b = {0};
    ps_findings f = {0};
    ps_plan plan;
    static const spec s[] = {
        /* built 2020-02-04, released on Patch Tuesday 2020-02-11 */
        {"KB4700001", NULL, 0, NULL, "6.0.1.0", "2020-02-04", "6.0.6002.18005", NULL, "6.0.6003.20700", 0, NULL},
        /* built on a Patch Tuesday: that day; built the day after: next month's */
        {"KB4700002", NULL, 0, NULL, "6.0.1.0", "2019-10-08", "6.0.6002.18005", NULL, NULL, 0, NULL},
        {"KB4700003", NULL, 0, NULL, "6.0.1.0", "2019-12-11", "6.0.6002.18005", NULL, NULL, 0, NULL},
        {"KB4700004", NULL, 0, NULL, "6.0.1.0", "2020-01-29", "6.0.6002.18005", NULL, NULL, 0, NULL},
    };
    const ps_arch_plan *ap;

    (void)state;
    kb_init(&fx);
    /* ESU-era packages (February 2020 on) after KB4700004, with a restart */
    fx.rules[2] = (ps_rule){.kind = PS_RULE_ORDER, .subject = {.role = PS_ROLE_SECURITY_ONLY,
                                                               .since = "2020-02-11"},
                            .kb = "KB4700004", .barrier = 1, .reason = "licensing first",
                            .where = {"rules/6.0.xml", 80}};
    fx.os.n_rules = 3;
    bundle_add(&b, s, PS_ARRAY_LEN(s), "x64", NULL);
    free(b.items[0].release_type);
    b.items[0].release_type = strdup("Security Update");
    assert_int_equal(ps_plan_build(&plan, &b, &fx.kb, NULL, &f), 0);
    ap = &plan.plans[0];
    for (size_t i = 0; i < ap->n_nodes; i++) {
        const ps_plan_node *n = &ap->nodes[i];

        if (strcmp(n->kb, "KB4700001") == 0) {
            assert_string_equal(n->date, "2020-02-11");
            assert_int_equal(n->role, PS_ROLE_SECURITY_ONLY);
        } else if (strcmp(n->kb, "KB4700002") == 0) {
            assert_string_equal(n->date, "2019-10-08");
        } else if (strcmp(n->kb, "KB4700003") == 0) {
            assert_string_equal(n->date, "2020-01-14");
        } else {
            assert_string_equal(n->date, "2020-02-11");
        }
    }
    /* the since rule matched by month: a restart between KB4700004 and KB4700001 */
    check_str(steps_of(ap), "KB4700002 KB4700003 KB4700004 reboot KB4700001 reboot");
    ps_plan_free(&plan);
    ps_findings_free(&f);
    ps_bundle_free(&b);
}

/* A WSUS prerequisite naming another package of the bundle is an edge. */
static void test_wsus_prerequisite(void **state)
{
    fixture fx;
    ps_bundle b = {0};
    ps_findings f = {0};
    ps_plan plan;
    static const spec s[] = {
        {"KB4300001", NULL, 0, NULL, "6.0.1.0", "2019-02-12", "6.0.6002.18005", NULL, NULL, 0, NULL},
        {"KB4300002", NULL, 0, NULL, "6.0.1.0", "2019-01-08", "6.0.6002.18005", NULL, NULL, 0, NULL},
    };
    char *pre[] = {"aaaaaaaa-0000-4000-8000-000000000001", "0fa1201d-4330-4fa8-8ae9-b877473b6441"};

    (void)state;
    kb_init(&fx);
    bundle_add(&b, s, 2, "x86", NULL);
    b.items[0].has_wsus = 1;
    b.items[0].wsus.update_id = strdup("aaaaaaaa-0000-4000-8000-000000000000");
    b.items[1].has_wsus = 1;
    b.items[1].wsus.update_id = strdup("aaaaaaaa-0000-4000-8000-000000000002");
    b.items[1].wsus.prerequisites = pre;
    b.items[1].wsus.n_prerequisites = 2;
    /* names nothing of the bundle: no edge, date order */
    assert_int_equal(ps_plan_build(&plan, &b, &fx.kb, NULL, &f), 0);
    check_str(steps_of(&plan.plans[0]), "KB4300002 KB4300001 reboot");
    ps_plan_free(&plan);
    /* names KB4300001: it goes first */
    free(b.items[0].wsus.update_id);
    b.items[0].wsus.update_id = strdup("AAAAAAAA-0000-4000-8000-000000000001");
    assert_int_equal(ps_plan_build(&plan, &b, &fx.kb, NULL, &f), 0);
    check_str(steps_of(&plan.plans[0]), "KB4300001 KB4300002 reboot");
    assert_int_equal(plan.plans[0].n_edges, 1);
    assert_int_equal(plan.plans[0].edges[0].kind, PS_EDGE_WSUS);
    assert_string_equal(plan.plans[0].edges[0].reason,
                        "KB4300002 names KB4300001 (UpdateId AAAAAAAA-0000-4000-8000-000000000001) "
                        "as a WSUS prerequisite");
    assert_int_equal(f.count, 0);
    ps_plan_free(&plan);
    b.items[1].wsus.prerequisites = NULL;
    b.items[1].wsus.n_prerequisites = 0;
    ps_findings_free(&f);
    ps_bundle_free(&b);
}

/* A large bundle: 300 security updates and 100 rollups per arch, ia64
 * without the SHA-2 support update (so every SHA-2-only one leaves its
 * plan).  Checks the outcome; the suite timeout bounds the time. */
static void test_large_bundle(void **state)
{
    fixture fx;
    ps_bundle b = {0};
    ps_findings f = {0};
    ps_plan plan;
    static const char *arches[] = {"x86", "x64", "ia64"};
    char kb[16], ver[32], date[16];

    (void)state;
    kb_init(&fx);
    for (size_t a = 0; a < 3; a++) {
        if (a < 2)
            bundle_add(&b, &chain[2], 1, arches[a], NULL); /* KB4474419-v4 */
        for (unsigned i = 0; i < 400; i++) {
            spec s = {kb, NULL, 0, i < 100 ? "Package_for_RollupFix" : NULL, ver, date,
                      "6.0.6002.18005", NULL, NULL, (int)(i % 2), NULL};

            snprintf(kb, sizeof kb, "KB45%05u", i);
            snprintf(ver, sizeof ver, "6.0.1.%u", i + 1);
            snprintf(date, sizeof date, "20%02u-%02u-01", 10 + i / 12, 1 + i % 12);
            bundle_add(&b, &s, 1, arches[a], NULL);
        }
    }
    assert_int_equal(ps_plan_build(&plan, &b, &fx.kb, NULL, &f), 0);
    assert_int_equal(plan.count, 3);
    /* x86: KB4474419, reboot, then 150 SHA-2-only + 150 SHA-1 updates and the last rollup */
    assert_int_equal(plan.plans[0].n_steps, 1 + 150 + 1 + 151 + 1);
    assert_int_equal(plan.plans[0].reboots, 2);
    /* ia64: the 150 SHA-1 updates and the newest SHA-1 rollup (the 99th); the
     * SHA-2-only rollups it supersedes stay superseded, the newest leaves */
    assert_int_equal(plan.plans[2].n_steps, 151 + 1);
    /* one finding per gap: the 151 SHA-2-only packages share one */
    assert_int_equal(ps_findings_count_code(&f, PS_F_MISSING_PREREQUISITE), 1);
    assert_non_null(strstr(finding(&f, PS_F_MISSING_PREREQUISITE, 0)->message,
                           "(the same gap leaves out KB45"));
    assert_string_equal(plan.plans[2].nodes[plan.plans[2].steps[0].node].kb, "KB4500098");
    ps_plan_free(&plan);
    ps_findings_free(&f);
    ps_bundle_free(&b);
}

/* ------------------------------------------------------------------ */
/* Properties on random bundles and rules                             */
/* ------------------------------------------------------------------ */

static unsigned rnd_next(unsigned *st)
{
    *st = *st * 1103515245u + 12345u;
    return (*st >> 16) & 0x7fffu;
}

/* The machine-state properties: no installed KB has a step; every stack a
 * planned package needs is the machine's or delivered by an earlier step
 * (or left to the chain order of an installed SSU of unknown stack); a
 * SHA-2-only package has SHA-2 support active or the enabler before it; no
 * superseded SSU is planned when a newer one the machine can take as it is,
 * and that can serve, is planned. */
static void check_machine(const ps_arch_plan *ap, const ps_inventory *inv)
{
    bool unknown_ssu = false;

    for (size_t i = 0; i < ap->machine.n_kbs; i++)
        unknown_ssu |= ap->machine.kbs[i].role == PS_ROLE_SERVICING_STACK &&
                       ap->machine.kbs[i].stack == NULL;
    for (size_t i = 0; i < ap->n_steps; i++) {
        const ps_plan_node *n;
        bool met;

        if (ap->steps[i].action != PS_STEP_INSTALL)
            continue;
        n = &ap->nodes[ap->steps[i].node];
        assert_false(inv && ps_inventory_has(inv, n->kb));
        met = n->pkg->installer_version == NULL ||
              ps_version_cmp(n->pkg->installer_version, ap->machine.stack) <= 0 || unknown_ssu;
        for (size_t j = 0; j < i && !met; j++)
            met = ap->steps[j].action == PS_STEP_INSTALL &&
                  ap->nodes[ap->steps[j].node].stack &&
                  ap->nodes[ap->steps[j].node].role == PS_ROLE_SERVICING_STACK &&
                  ps_version_cmp(ap->nodes[ap->steps[j].node].stack, n->pkg->installer_version) >= 0;
        assert_true(met);
        if (n->sha2_only && strcmp(n->kb, "KB4474419") != 0) {
            bool sha2 = ap->machine.sha2_active;

            for (size_t j = 0; j < i && !sha2; j++)
                sha2 = ap->steps[j].action == PS_STEP_INSTALL &&
                       strcmp(ap->nodes[ap->steps[j].node].kb, "KB4474419") == 0;
            assert_true(sha2);
        }
        /* a superseded SSU kept for a stack only: no newer planned SSU that the
         * machine takes as it is (and that may come first: not SHA-2-only on
         * a machine without SHA-2 support) could have served instead */
        if (n->role == PS_ROLE_SERVICING_STACK && n->needed && n->stack && !unknown_ssu) {
            bool stack_only = true;

            for (size_t e = 0; e < ap->n_edges; e++)
                if (ap->edges[e].from == ap->steps[i].node && ap->edges[e].kind != PS_EDGE_STACK)
                    stack_only = false;
            for (size_t j = 0; stack_only && j < ap->n_steps; j++) {
                const ps_plan_node *y;

                if (ap->steps[j].action != PS_STEP_INSTALL)
                    continue;
                y = &ap->nodes[ap->steps[j].node];
                if (y == n || y->role != PS_ROLE_SERVICING_STACK || !y->stack ||
                    ps_version_cmp(y->stack, n->stack) <= 0)
                    continue;
                assert_true(ps_version_cmp(y->pkg->installer_version, ap->machine.stack) > 0 ||
                            (y->sha2_only && !ap->machine.sha2_active));
            }
        }
    }
    for (size_t i = 0; i < ap->n_nodes; i++)
        if (inv && ps_inventory_has(inv, ap->nodes[i].kb))
            assert_int_equal(ap->nodes[i].state, PS_NODE_INSTALLED);
}

/* Checks what every plan must satisfy. */
static void check_invariants(const ps_plan *plan, const ps_findings *f, const ps_inventory *inv)
{
    for (size_t p = 0; p < plan->count; p++) {
        const ps_arch_plan *ap = &plan->plans[p];
        size_t *pos = calloc(ap->n_nodes + 1, sizeof *pos); /* step index + 1 */
        size_t seen = 0, reboots = 0;

        assert_non_null(pos);
        for (size_t i = 0; i < ap->n_steps; i++) {
            const ps_plan_step *st = &ap->steps[i];

            if (st->action == PS_STEP_REBOOT) {
                reboots++;
                assert_true(i > 0);
                assert_int_equal(ap->steps[i - 1].action, PS_STEP_INSTALL);
                assert_true(st->n_reasons > 0);
                continue;
            }
            assert_int_equal(ap->nodes[st->node].state, PS_NODE_PLANNED);
            assert_null(ap->nodes[st->node].by_installed);
            assert_int_equal(pos[st->node], 0);
            pos[st->node] = i + 1;
            assert_int_equal(ap->nodes[st->node].step, i + 1);
            seen++;
        }
        assert_int_equal(reboots, ap->reboots);
        for (size_t i = 0; i < ap->n_skipped; i++) {
            assert_int_not_equal(ap->nodes[ap->skipped[i]].state, PS_NODE_PLANNED);
            assert_int_equal(pos[ap->skipped[i]], 0);
            assert_non_null(ap->nodes[ap->skipped[i]].why);
            seen++;
        }
        assert_int_equal(seen, ap->n_nodes);
        for (size_t i = 0; i < ap->n_edges; i++) {
            const ps_plan_edge *e = &ap->edges[i];
            bool reboot = false;

            assert_true(pos[e->from] > 0 && pos[e->to] > 0);
            assert_true(pos[e->from] < pos[e->to]);
            for (size_t k = pos[e->from]; k < pos[e->to] - 1; k++)
                reboot |= ap->steps[k].action == PS_STEP_REBOOT;
            if (e->barrier)
                assert_true(reboot);
        }
        for (size_t n = 0; n < ap->n_nodes; n++) {
            const ps_plan_node *nd = &ap->nodes[n];
            bool has_sha2 = false;

            if (nd->state != PS_NODE_PLANNED || !nd->sha2_only || strcmp(nd->kb, "KB4474419") == 0 ||
                ap->machine.sha2_active)
                continue;
            for (size_t i = 0; i < ap->n_edges; i++)
                has_sha2 |= ap->edges[i].to == n && ap->edges[i].kind == PS_EDGE_SHA2;
            assert_true(has_sha2);
        }
        /* every package left out for a gap is named by a missing-prerequisite
         * finding: its own, or the one of the first package with that gap */
        for (size_t n = 0; n < ap->n_nodes; n++)
            if (ap->nodes[n].state == PS_NODE_MISSING) {
                bool found = false;
                char needle[64];

                snprintf(needle, sizeof needle, "%s", ap->nodes[n].kb);
                for (size_t i = 0; i < f->count; i++)
                    found |= f->items[i].code == PS_F_MISSING_PREREQUISITE &&
                             f->items[i].arch == ap->arch &&
                             (strcmp(f->items[i].file, ap->nodes[n].pkg->file) == 0 ||
                              strstr(f->items[i].message, needle) != NULL);
                assert_true(found);
            }
        check_machine(ap, inv);
        free(pos);
    }
}

/* 500 random bundles (1 to 14 packages of 10 KBs: revisions, rollup family,
 * stacks, SHA-2) with random rules and, for two in three, a random machine
 * (installed KBs, a build or none): the invariants hold, and the bundle in
 * reverse order gives the same document. */
static void test_random_properties(void **state)
{
    static const char *kbs[] = {"KB4474419", "KB4600001", "KB4600002", "KB4600003", "KB4600004",
                                "KB4600005", "KB4600006", "KB4600007", "KB4600008", "KB4600009"};
    static const char *stacks[] = {NULL, "6.0.6002.20000", "6.0.6002.30000", "6.0.6003.10000"};
    static const char *installers[] = {"6.0.6002.18005", "6.0.6002.20000", "6.0.6002.30000",
                                       "6.0.6003.10000"};

    (void)state;
    for (unsigned seed = 1; seed <= 500; seed++) {
        unsigned st = seed;
        fixture fx;
        ps_bundle b = {0}, r = {0};
        ps_findings f = {0}, f2 = {0};
        ps_plan plan, plan2;
        size_t n = 1 + rnd_next(&st) % 14;
        char *j1, *j2;
        static char vers[16][16], dates[16][16];
        spec specs[16];
        /* a random machine: some of the KBs installed, a build or none */
        char *inst[10];
        ps_inventory inv = {.kbs = inst, .format = "kb-list"};
        ps_plan_opts o;
        bool have = seed % 3 != 0;

        kb_init(&fx);
        for (size_t i = 0; i < 3; i++) {
            ps_rule *ru = &fx.rules[2 + i];

            if (rnd_next(&st) % 2)
                continue;
            *ru = (ps_rule){.kind = rnd_next(&st) % 2 ? PS_RULE_REQUIRE : PS_RULE_ORDER,
                            .subject = {.kb = (char *)kbs[rnd_next(&st) % 10]},
                            .kb = (char *)kbs[rnd_next(&st) % 10],
                            .barrier = (int)(rnd_next(&st) % 2),
                            .reason = "random rule", .where = {"rules/6.0.xml", 100 + (unsigned)i}};
            fx.os.n_rules = 3 + i;
        }
        for (size_t i = 0; i < fx.os.n_rules; i++)
            if (fx.rules[i].kind == 0 && fx.rules[i].reason == NULL)
                fx.rules[i] = (ps_rule){.kind = PS_RULE_ORDER, .subject = {.kb = "KB4600009"},
                                        .kb = "KB4600009", .reason = "none",
                                        .where = {"rules/6.0.xml", 1}};
        for (size_t i = 0; i < n; i++) {
            unsigned k = rnd_next(&st) % 10;

            snprintf(vers[i], sizeof vers[i], "6.0.1.%u", rnd_next(&st) % 5);
            snprintf(dates[i], sizeof dates[i], "2019-%02u-01", 1 + rnd_next(&st) % 12);
            /* a revision per package keeps the file names apart, as in a folder */
            specs[i] = (spec){kbs[k], NULL, (unsigned)i + 1,
                              rnd_next(&st) % 3 == 0 ? "Package_for_RollupFix" : NULL, vers[i],
                              dates[i], installers[rnd_next(&st) % 4],
                              stacks[rnd_next(&st) % 4], NULL, (int)(rnd_next(&st) % 2), NULL};
        }
        for (size_t i = 0; i < 10; i++) /* sorted by number, as the inventory keeps them */
            if (rnd_next(&st) % 4 == 0)
                inst[inv.n_kbs++] = (char *)kbs[i];
        if (rnd_next(&st) % 2)
            inv.os_build = "6.0.6003";
        ps_plan_opts_default(&o);
        o.inventory = have ? &inv : NULL;
        bundle_add(&b, specs, n, seed % 2 ? "x86" : "ia64", NULL);
        for (size_t i = 0; i < n; i++) /* the same bundle in reverse order */
            bundle_add(&r, &specs[n - 1 - i], 1, seed % 2 ? "x86" : "ia64", NULL);
        assert_int_equal(ps_plan_build(&plan, &b, &fx.kb, &o, &f), 0);
        assert_int_equal(ps_plan_build(&plan2, &r, &fx.kb, &o, &f2), 0);
        check_invariants(&plan, &f, have ? &inv : NULL);
        ps_findings_sort(&f);
        ps_findings_sort(&f2);
        j1 = ps_plan_render("json", &plan, &f, NULL);
        j2 = ps_plan_render("json", &plan2, &f2, NULL);
        assert_non_null(j1);
        assert_non_null(j2);
        assert_string_equal(j1, j2);
        free(j1);
        free(j2);
        ps_plan_free(&plan);
        ps_plan_free(&plan2);
        ps_findings_free(&f);
        ps_findings_free(&f2);
        ps_bundle_free(&b);
        ps_bundle_free(&r);
    }
}

/* ------------------------------------------------------------------ */
/* The commands, in-process                                            */
/* ------------------------------------------------------------------ */

/* ------------------------------------------------------------------ */
/* File names a script may carry                                       */
/* ------------------------------------------------------------------ */

static void test_file_name_safe(void **state)
{
    (void)state;
    assert_int_equal(ps_file_name_safe("b/Windows6.0-KB4474419-v4-x64.msu"), 1);
    assert_int_equal(ps_file_name_safe("a folder & more/KB1_(2)+x.cab"), 1); /* base name only */
    assert_int_equal(ps_file_name_safe("C:\\patches\\KB1.msu"), 1);
    assert_int_equal(ps_file_name_safe("b/KB1 copy.msu"), 0);
    assert_int_equal(ps_file_name_safe("b/KB1&calc.msu"), 0);
    assert_int_equal(ps_file_name_safe("b/KB1%PATH%.msu"), 0);
    assert_int_equal(ps_file_name_safe("b/KB1'.msu"), 0);
    assert_int_equal(ps_file_name_safe("b/KB1\".msu"), 0);
    assert_int_equal(ps_file_name_safe("b/KB1^.msu"), 0);
    assert_int_equal(ps_file_name_safe("b/K\xc3\xa9.msu"), 0);
    assert_int_equal(ps_file_name_safe("b/"), 0);
    assert_int_equal(ps_file_name_safe(""), 0);
    assert_int_equal(ps_file_name_safe(NULL), 0);
}

/* An unsafe name leaves the plan with its dependants; another revision
 * with a safe name is planned instead. */
static void test_unsafe_file_name(void **state)
{
    fixture fx;
    ps_bundle b = {0};
    ps_findings f = {0};
    ps_plan plan;
    const ps_arch_plan *ap;

    (void)state;
    kb_init(&fx);
    bundle_add(&b, chain, PS_ARRAY_LEN(chain), "x64", NULL);
    /* KB4520002 is named with shell metacharacters */
    free(b.items[6].file);
    b.items[6].file = strdup("b/Windows6.0-KB4520002-x64 & del.msu");
    /* KB4474419-v4 too: v1 is planned instead */
    free(b.items[2].file);
    b.items[2].file = strdup("b/Windows6.0-KB4474419-v4-x64%x%.msu");
    assert_int_equal(ps_plan_build(&plan, &b, &fx.kb, NULL, &f), 0);
    ap = &plan.plans[0];
    check_str(steps_of(ap), "KB4493730 KB4474419 reboot KB4517134 KB4512476 reboot");
    assert_string_equal(ap->nodes[ap->steps[1].node].pkg->file, "b/Windows6.0-KB4474419-v1-x64.msu");
    check_str(skipped_of(ap), "KB4474419/v4:unsafe-file-name:- KB4489887/v0:superseded:KB4512476 "
                              "KB4520002/v0:unsafe-file-name:-");
    assert_int_equal(ps_findings_count_code(&f, PS_F_UNSAFE_FILE_NAME), 2);
    assert_int_equal(ps_findings_count_code(&f, PS_F_DUPLICATE), 0);
    assert_string_equal(finding(&f, PS_F_UNSAFE_FILE_NAME, 0)->file, "b/Windows6.0-KB4474419-v4-x64%x%.msu");
    assert_int_equal(finding(&f, PS_F_UNSAFE_FILE_NAME, 0)->severity, PS_SEV_ERROR);
    assert_string_equal(finding(&f, PS_F_UNSAFE_FILE_NAME, 0)->message,
                        "the file name has a character outside [A-Za-z0-9._()+-], so no install "
                        "script may name it; left out of the x64 plan (rename the file)");
    ps_plan_free(&plan);
    ps_findings_free(&f);
    /* no revision of the SHA-2 support update has a safe name: what needs it goes too */
    free(b.items[1].file);
    b.items[1].file = strdup("b/Windows6.0-KB4474419-v1-x64 (1) [2].msu");
    assert_int_equal(ps_plan_build(&plan, &b, &fx.kb, NULL, &f), 0);
    ap = &plan.plans[0];
    check_str(steps_of(ap), "KB4493730 KB4489887 reboot");
    check_str(skipped_of(ap), "KB4517134/v0:missing-prerequisite:- KB4474419/v1:unsafe-file-name:- "
                              "KB4474419/v4:unsafe-file-name:- KB4512476/v0:missing-prerequisite:- "
                              "KB4520002/v0:unsafe-file-name:-");
    assert_int_equal(ps_findings_count_code(&f, PS_F_UNSAFE_FILE_NAME), 3);
    assert_int_equal(ps_findings_count_code(&f, PS_F_MISSING_PREREQUISITE), 1);
    assert_string_equal(finding(&f, PS_F_MISSING_PREREQUISITE, 0)->message,
                        "KB4517134 is SHA-2-only and the SHA-2 support update (KB4474419) for x64 "
                        "is left out of the plan (the same gap leaves out KB4512476)");
    ps_plan_free(&plan);
    ps_findings_free(&f);
    ps_bundle_free(&b);
}

/* ------------------------------------------------------------------ */
/* Time model and windows                                              */
/* ------------------------------------------------------------------ */

static void test_time_model(void **state)
{
    ps_time_model m;
    char err[256];
    const char *good = "# a slow site\r\nreboot = 7.5\r\nper-mib=0.05\n  rollup =30 # big\n\n"
                       "optional = 0\n";

    (void)state;
    ps_time_model_default(&m);
    assert_int_equal(m.reboot, 240);
    assert_int_equal(m.rollup, 1200);
    assert_int_equal(m.per_mib, 3);
    assert_int_equal(ps_time_model_install(&m, "rollup", 300u * 1024u * 1024u), 1200 + 900);
    assert_int_equal(ps_time_model_install(&m, "servicing-stack", 1024u * 1024u - 1), 300);
    assert_int_equal(ps_time_model_install(&m, "no-such-phase", 0), 480);
    assert_int_equal(ps_time_model_install(&m, "reboot", 0), 480); /* not a phase */
    assert_int_equal(ps_time_model_parse(&m, good, strlen(good), err, sizeof err), 0);
    assert_int_equal(m.reboot, 450);
    assert_int_equal(m.per_mib, 3);
    assert_int_equal(m.rollup, 1800);
    assert_int_equal(m.optional, 0);
    assert_int_equal(m.sha2_support, 300); /* untouched */
    assert_int_equal(ps_time_model_parse(&m, "bogus = 1", 9, err, sizeof err), -1);
    assert_string_equal(err, "line 1: unknown name 'bogus' (servicing-stack, sha2-support, "
                             "licensing, rollup, security-only, other, optional, per-mib, reboot)");
    assert_int_equal(ps_time_model_parse(&m, "\nreboot\n", 8, err, sizeof err), -1);
    assert_string_equal(err, "line 2: expected 'name = minutes'");
    assert_int_equal(ps_time_model_parse(&m, "reboot = 1.234", 14, err, sizeof err), -1);
    assert_string_equal(err, "line 1: '1.234' is not a number of minutes (0 to 10000, at most two "
                             "decimals)");
    assert_int_equal(ps_time_model_parse(&m, "reboot = -1", 11, err, sizeof err), -1);
    assert_int_equal(ps_time_model_parse(&m, "reboot =", 8, err, sizeof err), -1);
    assert_int_equal(ps_time_model_parse(&m, "reboot = 10001", 14, err, sizeof err), -1);
    assert_int_equal(ps_time_model_parse(&m, "reboot = 1.", 11, err, sizeof err), -1);
    assert_int_equal(ps_time_model_parse(&m, "reboot = 10000", 14, err, sizeof err), 0);
    assert_int_equal(m.reboot, 600000);
}

/* "1-3:20 4-6:35!" (! = overrun) */
static char *windows_of(const ps_arch_plan *ap)
{
    ps_buf b = {0};

    for (size_t i = 0; i < ap->n_windows; i++)
        ps_buf_printf(&b, "%s%zu-%zu:%lu%s", i ? " " : "", ap->windows[i].first + 1,
                      ap->windows[i].last + 1, (ap->windows[i].seconds + 59) / 60,
                      ap->windows[i].overrun ? "!" : "");
    ps_buf_puts(&b, "");
    return ps_buf_steal(&b, NULL);
}

static void test_windows(void **state)
{
    fixture fx;
    ps_bundle b = {0};
    ps_findings f = {0};
    ps_plan plan;
    ps_plan_opts o;
    ps_time_model m;
    char *doc;

    (void)state;
    kb_init(&fx);
    ps_plan_opts_default(&o);
    bundle_add(&b, chain, PS_ARRAY_LEN(chain), "x64", NULL);
    /* default model: 5 + 5 + reboot 4 = 14; 5 + rollup 20 + reboot 4 = 29 */
    o.window_minutes = 60;
    assert_int_equal(ps_plan_build(&plan, &b, &fx.kb, &o, &f), 0);
    check_str(windows_of(&plan.plans[0]), "1-6:43");
    assert_int_equal(ps_findings_count_code(&f, PS_F_WINDOW_OVERRUN), 0);
    ps_plan_free(&plan);
    ps_findings_free(&f);
    o.window_minutes = 43;
    assert_int_equal(ps_plan_build(&plan, &b, &fx.kb, &o, &f), 0);
    check_str(windows_of(&plan.plans[0]), "1-6:43");
    ps_plan_free(&plan);
    ps_findings_free(&f);
    o.window_minutes = 42;
    assert_int_equal(ps_plan_build(&plan, &b, &fx.kb, &o, &f), 0);
    check_str(windows_of(&plan.plans[0]), "1-3:14 4-6:29");
    assert_int_equal(ps_findings_count_code(&f, PS_F_WINDOW_OVERRUN), 0);
    ps_plan_free(&plan);
    ps_findings_free(&f);
    o.window_minutes = 25;
    assert_int_equal(ps_plan_build(&plan, &b, &fx.kb, &o, &f), 0);
    check_str(windows_of(&plan.plans[0]), "1-3:14 4-6:29!");
    assert_int_equal(ps_findings_count_code(&f, PS_F_WINDOW_OVERRUN), 1);
    assert_int_equal(finding(&f, PS_F_WINDOW_OVERRUN, 0)->severity, PS_SEV_WARNING);
    assert_int_equal(finding(&f, PS_F_WINDOW_OVERRUN, 0)->arch, PS_ARCH_X64);
    assert_null(finding(&f, PS_F_WINDOW_OVERRUN, 0)->file);
    assert_string_equal(finding(&f, PS_F_WINDOW_OVERRUN, 0)->message,
                        "window 2 (steps 4-6) needs about 29 minutes, more than the 25-minute "
                        "window: the steps between two reboots cannot be split");
    doc = ps_plan_render("md", &plan, &f, NULL);
    assert_non_null(strstr(doc, "### Estimated time\n\nWindows of at most 25 minutes:\n\n"
                                "| Window | Steps | Minutes | Note |\n|---:|---|---:|---|\n"
                                "| 1 | 1-3 | 14 |  |\n| 2 | 4-6 | 29 | longer than the window |\n"
                                "\nIn total about 43 minutes.\n"));
    free(doc);
    doc = ps_plan_render("text", &plan, &f, NULL);
    assert_non_null(strstr(doc, "  windows of 25 minutes (estimated):\n    1. steps 1-3, about 14 "
                                "minutes\n    2. steps 4-6, about 29 minutes (longer than the "
                                "window)\n"));
    free(doc);
    doc = ps_plan_render("json", &plan, &f, NULL);
    assert_non_null(strstr(doc, "\"window_minutes\": 25,\n      \"windows\": [\n        {\n"
                                "          \"index\": 1,\n          \"steps\": [\n            1,\n"
                                "            2,\n            3\n          ],\n"
                                "          \"minutes\": 14,\n          \"overrun\": false\n"));
    free(doc);
    ps_plan_free(&plan);
    ps_findings_free(&f);
    /* both segments longer than the window: each its own window */
    o.window_minutes = 10;
    assert_int_equal(ps_plan_build(&plan, &b, &fx.kb, &o, &f), 0);
    check_str(windows_of(&plan.plans[0]), "1-3:14! 4-6:29!");
    assert_int_equal(ps_findings_count_code(&f, PS_F_WINDOW_OVERRUN), 2);
    ps_plan_free(&plan);
    ps_findings_free(&f);
    /* a model of its own: 1 minute a package, no reboot time */
    ps_time_model_default(&m);
    m.servicing_stack = m.sha2_support = m.rollup = 60;
    m.reboot = 0;
    o.time_model = &m;
    o.window_minutes = 3;
    assert_int_equal(ps_plan_build(&plan, &b, &fx.kb, &o, &f), 0);
    check_str(windows_of(&plan.plans[0]), "1-3:2 4-6:2");
    ps_plan_free(&plan);
    ps_findings_free(&f);
    o.window_minutes = 4;
    assert_int_equal(ps_plan_build(&plan, &b, &fx.kb, &o, &f), 0);
    check_str(windows_of(&plan.plans[0]), "1-6:4");
    ps_plan_free(&plan);
    ps_findings_free(&f);
    /* without --window: no windows anywhere */
    o.window_minutes = 0;
    assert_int_equal(ps_plan_build(&plan, &b, &fx.kb, &o, &f), 0);
    assert_int_equal(plan.plans[0].n_windows, 0);
    doc = ps_plan_render("json", &plan, &f, NULL);
    assert_null(strstr(doc, "\"windows\""));
    free(doc);
    ps_plan_free(&plan);
    ps_findings_free(&f);
    ps_bundle_free(&b);
}

/* ------------------------------------------------------------------ */
/* Scripts                                                             */
/* ------------------------------------------------------------------ */

static void hash_all(ps_bundle *b)
{
    for (size_t i = 0; i < b->count; i++) {
        b->items[i].hashed = 1;
        for (size_t k = 0; k < 64; k++)
            b->items[i].sha256[k] = "0123456789abcdef"[(i + k) % 16];
        b->items[i].sha256[64] = '\0';
    }
}

static void test_scripts(void **state)
{
    fixture fx;
    ps_bundle b = {0};
    ps_findings f = {0};
    ps_plan plan;
    ps_plan_opts o;
    char msg[512], *doc;
    size_t len = 0;

    (void)state;
    kb_init(&fx);
    ps_plan_opts_default(&o);
    bundle_add(&b, chain, PS_ARRAY_LEN(chain), "x64", NULL);
    bundle_add(&b, chain, PS_ARRAY_LEN(chain), "x86", NULL);
    assert_int_equal(ps_plan_build(&plan, &b, &fx.kb, &o, &f), 0);
    assert_int_equal(ps_plan_script_check(&plan, msg, sizeof msg), -1);
    assert_string_equal(msg, "a script is for one machine, and the bundle has 2 plans (Windows 6.0 "
                             "x86, Windows 6.0 x64): choose one with --arch (and --installed for "
                             "the OS)");
    assert_null(ps_plan_render("ps1", &plan, &f, NULL));
    ps_plan_free(&plan);
    ps_findings_free(&f);
    o.arch_mask = PS_ARCH_BIT(PS_ARCH_X86);
    assert_int_equal(ps_plan_build(&plan, &b, &fx.kb, &o, &f), 0);
    assert_int_equal(ps_plan_script_check(&plan, msg, sizeof msg), -1);
    assert_string_equal(msg, "b/Windows6.0-KB4493730-x86.msu: no SHA-256 (the bundle was read "
                             "without hashing)");
    ps_plan_free(&plan);
    ps_findings_free(&f);
    hash_all(&b);
    o.window_minutes = 40;
    assert_int_equal(ps_plan_build(&plan, &b, &fx.kb, &o, &f), 0);
    assert_int_equal(ps_plan_script_check(&plan, msg, sizeof msg), 0);
    doc = ps_plan_render("cmd", &plan, &f, &len);
    assert_non_null(doc);
    assert_int_equal(strlen(doc), len);
    for (size_t i = 0; i < len; i++)
        if (doc[i] == '\n')
            assert_int_equal(doc[i - 1], '\r');
    assert_non_null(strstr(doc, "\r\n:step1\r\ncall :install 1 KB4493730 Windows6.0-KB4493730-x86.msu "
                                "789abcdef0123456789abcdef0123456789abcdef0123456789abcdef0123456 wusa\r\n"));
    assert_non_null(strstr(doc, "\r\n:step3\r\ncall :restart 3 4 1\r\n"));
    assert_non_null(strstr(doc, "\r\n:step6\r\ncall :restart 6 7 2\r\n"));
    assert_non_null(strstr(doc, "if defined PROCESSOR_ARCHITEW6432 goto :wrong_arch\r\n"
                                "if /i not \"%PROCESSOR_ARCHITECTURE%\"==\"x86\" goto :wrong_arch\r\n"));
    assert_non_null(strstr(doc, "REM window 2: steps 4-6, about 29 minutes\r\n"));
    assert_non_null(strstr(doc, "REM left out: KB4474419 (duplicate)\r\n"));
    assert_null(strstr(doc, "WARNING"));
    free(doc);
    doc = ps_plan_render("ps1", &plan, &f, &len);
    assert_non_null(doc);
    for (size_t i = 0; i < len; i++)
        if (doc[i] == '\n')
            assert_int_equal(doc[i - 1], '\r');
    assert_non_null(strstr(doc, "$PlanEnvArch = 'x86'\r\n"));
    assert_non_null(strstr(doc, "    @{ Action = 'install'; Kb = 'KB4520002'; File = "
                                "'Windows6.0-KB4520002-x86.msu'; Sha256 = "
                                "'def0123456789abcdef0123456789abcdef0123456789abcdef0123456789abc'; "
                                "Tool = 'wusa'; Window = 2; WindowEnd = $false; Last = $false },\r\n"
                                "    @{ Action = 'reboot'; Window = 2; WindowEnd = $true; Last = $true }\r\n)\r\n"));
    free(doc);
    ps_plan_free(&plan);
    ps_findings_free(&f);
    ps_bundle_free(&b);
}

static void test_cli_usage(void **state)
{
    ps_test_run r = {0, NULL, NULL};
    const char *cmd[] = {"patchseq", "plan", "--format", "pdf", "x"};
    const char *ps1[] = {"patchseq", "plan", "--arch", "x64", "--window", "0", "x"};
    const char *help[] = {"patchseq", "plan", "--help"};
    const char *ehelp[] = {"patchseq", "explain", "--help"};
    const char *arch[] = {"patchseq", "plan", "--arch", "arm64", "x"};
    const char *window[] = {"patchseq", "plan", "--window", "30m", "x"};
    const char *model[] = {"patchseq", "plan", "--time-model", "m.txt", "x"};
    const char *ewin[] = {"patchseq", "explain", "--window", "30", "KB4474419", "."};
    const char *nokb[] = {"patchseq", "explain", "4474419"};
    const char *badkb[] = {"patchseq", "explain", "KBx", "."};
    const char *fmt[] = {"patchseq", "explain", "--format", "json", "KB4474419", "."};
    const char *verb[] = {"patchseq", "explain", "--verbose", "KB4474419", "."};

    (void)state;
    ps_test_run_free(&r);
    r = ps_test_cli(5, cmd);
    assert_int_equal(r.rc, 2);
    assert_string_equal(r.err, "patchseq plan: unknown format 'pdf' (text, json, md, dot, html, "
                        "cmd, ps1, ansible)\n");
    assert_string_equal(r.out, "");
    ps_test_run_free(&r);
    r = ps_test_cli(7, ps1); /* a second run: the option parser starts afresh */
    assert_int_equal(r.rc, 2);
    assert_string_equal(r.err, "patchseq plan: --window takes minutes, 1 to 100000, not '0'\n");
    ps_test_run_free(&r);
    r = ps_test_cli(3, help);
    assert_int_equal(r.rc, 0);
    assert_int_equal(strncmp(r.out, "usage: patchseq plan [OPTIONS] PATH...\n", 39), 0);
    ps_test_run_free(&r);
    r = ps_test_cli(3, ehelp);
    assert_int_equal(r.rc, 0);
    assert_int_equal(strncmp(r.out, "usage: patchseq explain [OPTIONS] KB PATH...\n", 45), 0);
    ps_test_run_free(&r);
    r = ps_test_cli(5, arch);
    assert_int_equal(r.rc, 2);
    assert_string_equal(r.err, "patchseq plan: unknown architecture 'arm64' (x86, x64 or amd64, ia64)\n");
    ps_test_run_free(&r);
    r = ps_test_cli(5, window);
    assert_int_equal(r.rc, 2);
    assert_string_equal(r.err, "patchseq plan: --window takes minutes, 1 to 100000, not '30m'\n");
    ps_test_run_free(&r);
    r = ps_test_cli(5, model);
    assert_int_equal(r.rc, 2);
    assert_string_equal(r.err, "patchseq plan: --time-model needs --window\n");
    ps_test_run_free(&r);
    r = ps_test_cli(6, ewin);
    assert_int_equal(r.rc, 2);
    assert_string_equal(r.err, "patchseq explain: bad option '--window' (see 'patchseq explain --help')\n");
    ps_test_run_free(&r);
    r = ps_test_cli(3, nokb);
    assert_int_equal(r.rc, 2);
    assert_int_equal(strncmp(r.err, "patchseq explain: give a KB and at least one PATH\n", 50), 0);
    ps_test_run_free(&r);
    r = ps_test_cli(4, badkb);
    assert_int_equal(r.rc, 2);
    assert_string_equal(r.err, "patchseq explain: 'KBx' is not a KB number\n");
    ps_test_run_free(&r);
    r = ps_test_cli(6, fmt);
    assert_int_equal(r.rc, 2);
    assert_string_equal(r.err, "patchseq explain: bad option '--format' (see 'patchseq explain --help')\n");
    ps_test_run_free(&r);
    r = ps_test_cli(5, verb); /* --verbose is a shared option of every reading command */
    assert_null(strstr(r.err, "bad option"));
    ps_test_run_free(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_chain_x64),
        cmocka_unit_test(test_order_independent),
        cmocka_unit_test(test_ia64_without_sha2),
        cmocka_unit_test(test_needed_skips_sha2_ssu),
        cmocka_unit_test(test_missing_stack_cascades),
        cmocka_unit_test(test_cycle_from_rules),
        cmocka_unit_test(test_arch_mismatch),
        cmocka_unit_test(test_keep_superseded),
        cmocka_unit_test(test_wrong_os),
        cmocka_unit_test(test_render_and_explain),
        cmocka_unit_test(test_inventory),
        cmocka_unit_test(test_release_month),
        cmocka_unit_test(test_wsus_prerequisite),
        cmocka_unit_test(test_large_bundle),
        cmocka_unit_test(test_random_properties),
        cmocka_unit_test(test_file_name_safe),
        cmocka_unit_test(test_unsafe_file_name),
        cmocka_unit_test(test_time_model),
        cmocka_unit_test(test_windows),
        cmocka_unit_test(test_scripts),
        cmocka_unit_test(test_cli_usage),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
