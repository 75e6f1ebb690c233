/*
 * fuzz_kb.c - the knowledge base loader and its cross-checks.
 *
 * The input is a rules document and a manifests document separated by a
 * line "----8<----": they are loaded as rules/6.0.xml and
 * manifests/6.0.xml (in memory, through ps_kb_load_docs) with the shipped
 * schemas, read once from $PATCHSEQ_DATA_DIR or the source tree.
 */
#include "fuzz.h"
#include "kb.h"

#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SEPARATOR "\n----8<----\n"
#define SCHEMA_MAX (1u << 20)

static char *schema_rules, *schema_manifests;
static size_t len_rules, len_manifests;

static char *read_schema(const char *rel, size_t *len)
{
    const char *dir = getenv("PATCHSEQ_DATA_DIR");
    char path[4096];
    FILE *f;
    char *buf;

    snprintf(path, sizeof path, "%s/%s", dir && dir[0] ? dir : PS_SOURCE_DIR, rel);
    f = fopen(path, "rb");
    if (f == NULL) {
        fprintf(stderr, "fuzz_kb: cannot open %s\n", path);
        abort();
    }
    buf = malloc(SCHEMA_MAX);
    if (buf == NULL)
        abort();
    *len = fread(buf, 1, SCHEMA_MAX, f);
    fclose(f);
    return buf;
}

static const uint8_t *find_sep(const uint8_t *data, size_t size)
{
    size_t sl = strlen(SEPARATOR);

    for (size_t i = 0; i + sl <= size; i++)
        if (data[i] == '\n' && memcmp(data + i, SEPARATOR, sl) == 0)
            return data + i;
    return NULL;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const uint8_t *sep;
    ps_kb_doc docs[4];
    size_t ndocs = 2;
    ps_kb kb;
    ps_findings f = {0};
    ps_package p = {0};
    char why[256];
    int rc;

    if (schema_rules == NULL) {
        schema_rules = read_schema("rules/rules.rng", &len_rules);
        schema_manifests = read_schema("manifests/manifests.rng", &len_manifests);
    }
    docs[0] = (ps_kb_doc){"rules/rules.rng", schema_rules, len_rules};
    docs[1] = (ps_kb_doc){"manifests/manifests.rng", schema_manifests, len_manifests};
    sep = find_sep(data, size);
    if (sep != NULL) {
        size_t first = (size_t)(sep - data), skip = first + strlen(SEPARATOR);

        docs[ndocs++] = (ps_kb_doc){"rules/6.0.xml", data, first};
        docs[ndocs++] = (ps_kb_doc){"manifests/6.0.xml", data + skip, size - skip};
    } else {
        docs[ndocs++] = (ps_kb_doc){"rules/6.0.xml", data, size};
    }

    rc = ps_kb_load_docs(&kb, NULL, docs, ndocs, &f);
    FUZZ_CHECK(rc >= -1 && rc <= 1);
    if (rc == 0)
        FUZZ_CHECK(f.count == 0);
    if (rc == 1)
        FUZZ_CHECK(f.count > 0);
    for (size_t i = 0; i < f.count; i++) {
        FUZZ_CHECK(f.items[i].code == PS_F_RULE_ERROR);
        FUZZ_CHECK(f.items[i].file != NULL && f.items[i].message != NULL);
    }
    if (rc >= 0) {
        for (size_t i = 0; i < kb.n_entries; i++) {
            const ps_kb_entry *e = &kb.entries[i];

            FUZZ_CHECK(e->kb != NULL && e->os != NULL && e->where.file != NULL);
            FUZZ_CHECK(ps_kb_find(&kb, e->os, e->kb) == e);
            FUZZ_CHECK(!ps_strv_contains(e->supersedes, e->n_supersedes, e->kb));
            p.kb = e->kb;
            p.os = e->os;
            FUZZ_CHECK(ps_kb_classify(&kb, &p, why, sizeof why) == e->role);
            FUZZ_CHECK(ps_kb_satisfies(&kb, e->os, e->kb, e->kb, 0) == 1);
            FUZZ_CHECK(ps_kb_release_month(&kb, e->os, e->kb) == e->month);
            FUZZ_CHECK(e->month == NULL || strlen(e->month) == 7);
            for (size_t k = 0; k < e->n_supersedes; k++)
                FUZZ_CHECK(ps_kb_supersedes(&kb, e->os, e->kb, e->supersedes[k]) == 1 &&
                           ps_kb_satisfies(&kb, e->os, e->kb, e->supersedes[k], 1) == 1);
            for (size_t k = 1; k < e->n_revisions; k++)
                FUZZ_CHECK(e->revisions[k - 1].n < e->revisions[k].n);
            (void)ps_kb_track(e);
        }
        for (size_t i = 0; i < kb.n_activations; i++) {
            const ps_kb_activation *a = &kb.activations[i];

            FUZZ_CHECK(ps_kb_activation_for(&kb, a->os, a->edition, a->year) == a);
        }
        {
            const ps_kb_entry *list[8];
            size_t n = ps_kb_list(&kb, "6.0", PS_ROLE_UNKNOWN, PS_ARCH_NONE, list, 8);

            for (size_t i = 1; i < n && i < 8; i++)
                FUZZ_CHECK(list[i - 1]->month == NULL ? list[i]->month == NULL
                           : list[i]->month == NULL || strcmp(list[i - 1]->month, list[i]->month) <= 0);
            (void)ps_kb_esu_year(&kb, "6.0", "2021-02");
        }
        for (size_t i = 0; i < kb.n_os; i++) {
            const ps_os_rules *o = &kb.os[i];

            FUZZ_CHECK(ps_kb_rules_for(&kb, o->os) == o);
            for (size_t k = 0; k < PS_ROLE__COUNT; k++)
                FUZZ_CHECK(o->role_phase[k] < (int)o->n_phases);
            for (size_t k = 0; k < o->n_rules; k++) {
                FUZZ_CHECK(o->rules[k].where.file != NULL);
                FUZZ_CHECK((o->rules[k].kind == PS_RULE_EXPECT) == (o->rules[k].finding != NULL));
                FUZZ_CHECK(ps_selector_month_ok(&o->rules[k].subject, o->rules[k].subject.since));
            }
            for (size_t k = 0; k < o->n_steps; k++)
                FUZZ_CHECK(ps_kb_step(&kb, o->os, o->steps[k].name) == &o->steps[k]);
            for (size_t k = 1; k < o->n_esu_years; k++)
                FUZZ_CHECK(o->esu_years[k].year == o->esu_years[k - 1].year + 1);
        }
        p.kb = "KB1";
        p.os = "6.0";
        p.provides_stack = "6.0.6003.20484";
        p.identity.name = "Package_for_RollupFix";
        p.release_type = "Security Update";
        p.kernel_version = "6.0.6003.20489";
        (void)ps_kb_classify(&kb, &p, why, sizeof why);
        FUZZ_CHECK(strlen(why) > 0);
        ps_kb_free(&kb);
    }
    ps_findings_free(&f);
    return 0;
}
