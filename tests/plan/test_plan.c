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
    p->kb_source = "update.mum";
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
            assert_non_null(b->items);
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
                        "is in the bundle or the inventory");
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
                        "KB4000001 needs servicing stack 6.0.6003.30000 or later and no servicing "
                        "stack update delivering it for x86 is in the bundle or the inventory");
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
    assert_non_null(strstr(doc, "p0_n3 -> p0_n1 [label=\"sha2: KB4517134 is SHA-2-only: KB4474419 "
                                "must be installed and the machine restarted first\", style=dashed];"));
    free(doc);
    assert_null(ps_plan_render("cmd", &plan, &f, NULL));
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

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_chain_x64),
        cmocka_unit_test(test_order_independent),
        cmocka_unit_test(test_ia64_without_sha2),
        cmocka_unit_test(test_missing_stack_cascades),
        cmocka_unit_test(test_cycle_from_rules),
        cmocka_unit_test(test_arch_mismatch),
        cmocka_unit_test(test_keep_superseded),
        cmocka_unit_test(test_wrong_os),
        cmocka_unit_test(test_render_and_explain),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
