/*
 * validate.c - what `patchseq validate` finds beyond the planner, on a
 * bundle read in full (hashed):
 *   - hash-mismatch: a Microsoft Update Catalog file name
 *     ("windows6.0-kb4474419-v4-x64_<sha1>.msu") whose SHA-1 is not the
 *     file's, or (with a lock) a file whose bytes changed since the lock;
 *   - duplicate: the same bytes under two names;
 *   - unknown-update: a package whose KB the knowledge base does not know,
 *     so that it is planned from its own metadata only;
 *   - lock-mismatch (with a lock): files added or missing, another plan;
 *   - name-mismatch: a file name that names another KB than update.mum.
 * Waivers mark the findings they match as waived: still shown, never
 * failing.
 */
#include "validate.h"

#include "alloc.h"
#include "digest.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static bool finding_present(const ps_findings *f, ps_finding_code code, const char *file)
{
    for (size_t i = 0; i < f->count; i++)
        if (f->items[i].code == code && f->items[i].file && file &&
            strcmp(f->items[i].file, file) == 0)
            return true;
    return false;
}

static bool arch_wanted(unsigned arch_mask, ps_arch a)
{
    return arch_mask == 0 || a == PS_ARCH_NONE || (arch_mask & PS_ARCH_BIT(a));
}

/* The SHA-1 an Update Catalog name carries ("..._<40 hex>.msu"), lower
 * case into out; false when the name is not of that form. */
static bool catalog_sha1(const char *base, char out[41])
{
    const char *us = strrchr(base, '_'), *ext;

    if (us == NULL)
        return false;
    ext = us + 41;
    if (strlen(us) != 45 || !(ps_streq_ci(ext, ".msu") || ps_streq_ci(ext, ".cab")))
        return false;
    for (size_t i = 0; i < 40; i++) {
        char ch = us[1 + i];

        if (ch >= 'A' && ch <= 'F')
            ch = (char)(ch - 'A' + 'a');
        if (!((ch >= '0' && ch <= '9') || (ch >= 'a' && ch <= 'f')))
            return false;
        out[i] = ch;
    }
    out[40] = '\0';
    return true;
}

static int check_catalog_names(const ps_bundle *b, ps_findings *f)
{
    for (size_t i = 0; i < b->count; i++) {
        const ps_package *p = &b->items[i];
        ps_where w = {p->file, NULL, 0, PS_ARCH_NONE, NULL, p->kb};
        char want[41], got[41], msg[256];

        if (!catalog_sha1(ps_basename(p->file), want))
            continue;
        if (p->hashed)
            memcpy(got, p->sha1, sizeof got);
        else if (p->path == NULL || ps_file_digests(p->path, NULL, got, NULL, msg, sizeof msg) != 0)
            continue; /* the reader has said why it cannot be read */
        if (strcmp(want, got) == 0)
            continue;
        if (ps_findings_add(f, PS_F_HASH_MISMATCH, &w,
                            "the Update Catalog file name says SHA-1 %s but the file's SHA-1 is "
                            "%s: these are not the bytes Microsoft published under that name",
                            want, got) != 0)
            return -1;
    }
    return 0;
}

static int cmp_by_hash(const void *a, const void *b)
{
    const ps_package *x = *(const ps_package *const *)a, *y = *(const ps_package *const *)b;
    int r = strcmp(x->sha256, y->sha256);

    return r ? r : strcmp(x->file, y->file);
}

/* The same bytes under two names: the first name (byte order) is kept,
 * the others are duplicates, unless the planner has already said so. */
static int check_same_bytes(const ps_bundle *b, ps_findings *f)
{
    const ps_package **v;
    size_t n = 0;
    int rc = -1;

    v = ps_malloc((b->count ? b->count : 1) * sizeof *v);
    if (v == NULL)
        return -1;
    for (size_t i = 0; i < b->count; i++)
        if (b->items[i].hashed)
            v[n++] = &b->items[i];
    if (n > 1)
        qsort(v, n, sizeof *v, cmp_by_hash);
    for (size_t i = 1, first = 0; i < n; i++) {
        const ps_package *p = v[i], *q = v[first];
        ps_where w = {p->file, NULL, 0, p->arch, p->os, p->kb};

        if (strcmp(p->sha256, q->sha256) != 0) {
            first = i;
            continue;
        }
        if (strcmp(p->file, q->file) == 0 || finding_present(f, PS_F_DUPLICATE, p->file))
            continue;
        if (ps_findings_add(f, PS_F_DUPLICATE, &w, "the same bytes as %s (SHA-256 %s)",
                            q->file, p->sha256) != 0)
            goto out;
    }
    rc = 0;
out:
    free(v);
    return rc;
}

static int check_unknown(const ps_bundle *b, const ps_kb *kb, unsigned arch_mask,
                         ps_findings *f)
{
    for (size_t i = 0; i < b->count; i++) {
        const ps_package *p = &b->items[i];
        ps_where w = {p->file, NULL, 0, p->arch, p->os, p->kb};
        char why[512];
        ps_role role;

        if (!p->readable || p->kb == NULL || p->os == NULL || !arch_wanted(arch_mask, p->arch) ||
            ps_kb_rules_for(kb, p->os) == NULL || ps_kb_find(kb, p->os, p->kb) != NULL)
            continue;
        role = ps_kb_classify(kb, p, why, sizeof why);
        if (ps_findings_add(f, PS_F_UNKNOWN_UPDATE, &w,
                            "%s is not in the knowledge base of Windows %s: classified from its "
                            "own metadata only, as %s (%s)",
                            p->kb, p->os, ps_role_name(role), why) != 0)
            return -1;
    }
    return 0;
}

/* The KB a file name names ("...-kb4474419-..."), or "" when none. */
static void kb_of_name(const char *base, char out[24])
{
    out[0] = '\0';
    for (const char *s = base; *s; s++) {
        size_t n = 0;

        if (!((s[0] == 'k' || s[0] == 'K') && (s[1] == 'b' || s[1] == 'B')) ||
            (s > base && isalnum((unsigned char)s[-1])))
            continue;
        while (n < 12 && isdigit((unsigned char)s[2 + n]))
            n++;
        if (n == 0 || isdigit((unsigned char)s[2 + n]))
            continue;
        snprintf(out, 24, "KB%.*s", (int)n, s + 2);
        return;
    }
}

/* A file name that names another KB than the package's own metadata. */
static int check_names(const ps_bundle *b, ps_findings *f)
{
    for (size_t i = 0; i < b->count; i++) {
        const ps_package *p = &b->items[i];
        ps_where w = {p->file, NULL, 0, p->arch, p->os, p->kb};
        char named[24];

        if (!p->readable || p->kb == NULL || p->kb_source == PS_KB_SOURCE_NONE ||
            p->kb_source == PS_KB_SOURCE_FILE_NAME)
            continue;
        kb_of_name(ps_basename(p->file), named);
        if (named[0] == '\0' || ps_streq_ci(named, p->kb))
            continue;
        if (ps_findings_add(f, PS_F_NAME_MISMATCH, &w,
                            "the file name says %s but %s says %s: renamed, or the wrong file "
                            "under this name; planned as %s", named,
                            ps_kb_source_name(p->kb_source), p->kb, p->kb) != 0)
            return -1;
    }
    return 0;
}

int ps_validate_checks(const ps_bundle *b, const ps_kb *kb, unsigned arch_mask, ps_findings *f)
{
    if (check_catalog_names(b, f) != 0 || check_same_bytes(b, f) != 0 ||
        check_unknown(b, kb, arch_mask, f) != 0 || check_names(b, f) != 0)
        return -1;
    return 0;
}

int ps_validate_lock(ps_lock *now, const ps_lock *locked, const char *lockpath,
                     const ps_bundle *b, const ps_kb *kb, const ps_plan *plan, int whole_plan,
                     const char *const *roots, size_t nroots, ps_findings *f)
{
    ps_plan lock_plan;
    ps_findings scratch = {0};
    int r = 0;

    memset(&lock_plan, 0, sizeof lock_plan);
    if (!whole_plan) {
        /* the plan a lock digests: every architecture, nothing installed */
        r = ps_plan_build(&lock_plan, b, kb, NULL, &scratch);
        ps_findings_free(&scratch);
        plan = &lock_plan;
    }
    if (r == 0)
        r = ps_lock_build(now, b, plan, roots, nroots, &scratch);
    /* the reader has reported what cannot be hashed; keep the rest */
    for (size_t i = 0; r == 0 && i < scratch.count; i++) {
        const ps_finding *it = &scratch.items[i];
        ps_where w = {it->file, it->member, it->line, it->arch, it->os, it->kb};

        if (it->code != PS_F_UNREADABLE_PACKAGE &&
            ps_findings_add(f, it->code, &w, "%s", it->message) != 0)
            r = -1;
    }
    ps_findings_free(&scratch);
    ps_plan_free(&lock_plan);
    if (r != 0 || ps_lock_compare(locked, now, lockpath, f) < 0)
        return -1;
    return 0;
}

int ps_validate_waive(ps_waivers *w, ps_findings *f)
{
    char today[16];
    time_t now = time(NULL);
    struct tm tm;

    if (w->count == 0)
        return 0;
    if (localtime_r(&now, &tm) == NULL || strftime(today, sizeof today, "%Y-%m-%d", &tm) == 0)
        snprintf(today, sizeof today, "9999-12-31");
    return ps_waivers_apply(w, f, today);
}
