/*
 * reader_cab.c - the update cab of one package: its table of contents
 * (the CFFILE header, or the cix when the header could not be parsed),
 * the child .mum files update.mum names, the component manifest names,
 * and the walk of an update cab nested in an .msu (formats.md §2).
 */
#include "reader_int.h"
#include "cix.h"
#include "facts.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

/* The name set (reader_int.h): open addressing, ASCII case ignored. */
static uint64_t name_hash(const char *s)
{
    uint64_t h = 1469598103934665603ull;

    for (; *s; s++)
        h = (h ^ (unsigned char)tolower((unsigned char)*s)) * 1099511628211ull;
    return h;
}

static char **nameset_find(const struct nameset *n, const char *s)
{
    size_t i;

    if (n->cap == 0)
        return NULL;
    i = (size_t)name_hash(s) & (n->cap - 1);
    while (n->slot[i] != NULL) {
        if (ps_streq_ci(n->slot[i], s))
            return &n->slot[i];
        i = (i + 1) & (n->cap - 1);
    }
    return &n->slot[i];
}

static int nameset_has(const struct nameset *n, const char *s)
{
    char **at = nameset_find(n, s);

    return at != NULL && *at != NULL;
}

/* 1 when added, 0 when already there, -1 on allocation failure. */
static int nameset_add(struct nameset *n, const char *s)
{
    char **at;

    if (2 * (n->count + 1) > n->cap) {
        size_t cap = n->cap ? 2 * n->cap : 16;
        char **slot = ps_calloc(cap, sizeof *slot);
        struct nameset grown = {slot, cap, 0};

        if (slot == NULL)
            return -1;
        for (size_t i = 0; i < n->cap; i++)
            if (n->slot[i] != NULL) {
                *nameset_find(&grown, n->slot[i]) = n->slot[i];
                grown.count++;
            }
        free(n->slot);
        *n = grown;
    }
    at = nameset_find(n, s);
    if (*at != NULL)
        return 0;
    if ((*at = ps_strdup(s)) == NULL)
        return -1;
    n->count++;
    return 1;
}

void rd_nameset_free(struct nameset *n)
{
    for (size_t i = 0; i < n->cap; i++)
        free(n->slot[i]);
    free(n->slot);
    memset(n, 0, sizeof *n);
}

static int track_version(char **best, const char *v)
{
    if (v == NULL)
        return 0;
    if (*best != NULL && ps_version_cmp(*best, v) >= 0)
        return 0;
    return ps_set_str(best, v);
}

/* A member the cab's table of contents lists; without a table every
 * member may exist. */
static int may_exist(const struct rd *r, const char *name)
{
    return r->table != 1 || nameset_has(&r->names, name);
}

/* The component manifests of a complete table name every component the
 * cab delivers, so no sub-package .mum need be decoded for them. */
static int names_suffice(const struct rd *r)
{
    return r->table == 1 && r->n_manifests > 0;
}

/* update.mum is read, failed, or known absent from the table. */
static int mum_settled(const struct rd *r)
{
    return r->have_mum || r->mum_tried || (r->table == 1 && !nameset_has(&r->names, "update.mum"));
}

int rd_cab_done(const struct rd *r)
{
    if (!mum_settled(r))
        return 0;
    if (!r->cat_tried && may_exist(r, "update.cat"))
        return 0;
    if (!r->have_mum)
        return 1;
    return names_suffice(r) || r->pending == 0;
}

static void want_child(struct rd *r, const char *name)
{
    int added = nameset_add(&r->want, name);

    if (added < 0)
        r->oom = 1;
    else if (added > 0 && !nameset_has(&r->got, name) && may_exist(r, name))
        r->pending++;
}

static void got_child(struct rd *r, const char *name)
{
    int added = nameset_add(&r->got, name);

    if (added < 0)
        r->oom = 1;
    else if (added > 0 && nameset_has(&r->want, name) && may_exist(r, name) && r->pending > 0)
        r->pending--;
}

void rd_note_components(struct rd *r, const ps_mum *m)
{
    const char *stack = ps_mum_component_version(m, "Microsoft-Windows-ServicingStack");
    const char *kernel = ps_mum_component_version(m, "Microsoft-Windows-OS-Kernel");

    if (track_version(&r->stack, stack) < 0 || track_version(&r->kernel, kernel) < 0)
        r->oom = 1;
    for (size_t i = 0; i < m->n_children && !r->oom; i++)
        want_child(r, m->children[i]);
}

static void note_manifest_name(struct rd *r, const char *member)
{
    char *name = NULL, *version = NULL;

    if (ps_manifest_name_parse(member, &name, &version) == 0) {
        int rc = 0;
        ps_err e;

        if (ps_fact_check(PS_FACT_VERSION, "the version in the manifest name", version, 0, &e) < 0) {
            rd_err_finding(r, &e, member);
            free(name);
            free(version);
            return;
        }

        if (ps_streq_ci(name, "microsoft-windows-servicingstack"))
            rc = track_version(&r->stack, version);
        else if (ps_streq_ci(name, "microsoft-windows-os-kernel"))
            rc = track_version(&r->kernel, version);
        if (rc < 0)
            r->oom = 1;
    }
    free(name);
    free(version);
}

static void read_child_mum(struct rd *r, ps_ar *ar, const char *name)
{
    char *data = NULL;
    size_t len = 0;
    ps_mum m;
    ps_err e;

    memset(&m, 0, sizeof m);
    if (nameset_has(&r->got, name) || names_suffice(r))
        return;
    /* a fact of this .mum (a component version) has no other source */
    r->ctx.stats.deep_reads++;
    if (rd_read_member(r, ar, 1, &data, &len) < 0)
        return;
    got_child(r, name);
    if (ps_mum_parse(data, len, rd_xml_cap(r), &m, &e) < 0)
        rd_err_finding(r, &e, ps_ar_member_path(ar));
    else
        rd_note_components(r, &m);
    ps_mum_free(&m);
    free(data);
}

/* One CFFILE record of the update cab's header (cabhdr.h). */
static void on_cab_file(void *user, const ps_cab_file *f)
{
    struct rd *r = user;

    if (r->oom || strchr(f->name, '/') != NULL)
        return; /* payload paths ("x86_.../file.dll") are not top members */
    if (ps_has_suffix_ci(f->name, ".manifest")) {
        r->n_manifests++;
        note_manifest_name(r, f->name);
    } else if (ps_has_suffix_ci(f->name, ".mum") || ps_has_suffix_ci(f->name, ".cat")) {
        if (nameset_add(&r->names, f->name) < 0)
            r->oom = 1;
    }
}

/* One member name of the cix (the fallback table of contents). */
static void on_cix_name(void *user, const char *name)
{
    struct rd *r = user;

    if (r->oom || strchr(name, '\\') != NULL || strchr(name, '/') != NULL)
        return; /* payload paths ("x86_...\\file.dll") are not members */
    if (ps_has_suffix_ci(name, ".manifest")) {
        r->n_manifests++;
        note_manifest_name(r, name);
    } else if (ps_has_suffix_ci(name, ".mum") || ps_has_suffix_ci(name, ".cat")) {
        if (nameset_add(&r->names, name) < 0)
            r->oom = 1;
    }
}

static long cix_pull(void *user, void *buf, size_t n, ps_err *err)
{
    return ps_ar_read(user, buf, n, err);
}

/* A cab whose header could not be parsed: its cix, when it has one, is
 * the table of contents, streamed (never held whole, never a tree). */
static void read_cix(struct rd *r, ps_ar *ar)
{
    ps_err e;
    int read_failed = 0;
    long n;

    r->ctx.stats.members_read++;
    rd_nameset_free(&r->names);
    r->n_manifests = 0;
    n = ps_cix_stream(cix_pull, ar, rd_xml_cap(r), r->ctx.limits.max_members, on_cix_name, r, &e,
                      &read_failed);
    if (n < 0 && (read_failed || r->ctx.limit_hit)) {
        rd_fatal(r, &e, ps_ar_member_path(ar));
    } else if (n < 0) {
        rd_err_finding(r, &e, ps_ar_member_path(ar));
        rd_nameset_free(&r->names);
        r->n_manifests = 0;
    } else {
        r->table = 1;
    }
}

/* Starts collecting the table of contents of the cab opened next. */
void rd_arm_table(struct rd *r)
{
    rd_nameset_free(&r->names);
    r->n_manifests = 0;
    r->table = 0;
    r->ctx.on_file = on_cab_file;
    r->ctx.on_file_user = r;
}

/* After the first member header of the cab: its table is in hand.
 * Returns 1 when the table shows there is nothing to read in the cab. */
int rd_take_table(struct rd *r, ps_ar *ar)
{
    if (r->table == 0)
        r->table = ps_ar_table_state(ar, NULL) == 1 ? 1 : -1;
    return rd_cab_done(r);
}

/* Handles one member of an update cab (payload members are not read). */
void rd_update_cab_member(struct rd *r, ps_ar *ar, enum kind k, const char *name)
{
    int held;

    switch (k) {
    case K_UPDATE_MUM:
    case K_UPDATE_CAT:
        rd_read_whole(r, ar, k);
        break;
    case K_CIX:
        /* its names are the header's: read only when the header was not */
        if (r->table != 1)
            read_cix(r, ar);
        break;
    case K_MUM:
        held = rd_big_enter(ar);
        read_child_mum(r, ar, name);
        rd_big_leave(held);
        break;
    case K_MANIFEST:
        note_manifest_name(r, name);
        break;
    case K_OTHER:
    case K_WSUS:
    case K_UPDATE_CAB:
    case K_PROPS:
    case K_UNATTEND:
        break;
    }
}

/* Reads the update cab nested in the current member of `outer`. */
void rd_read_nested_update_cab(struct rd *r, ps_ar *outer)
{
    ps_ar *ar = NULL;
    ps_err e;
    char *label = NULL;

    rd_arm_table(r);
    if (ps_ar_open_nested(&ar, outer, &e) < 0) {
        r->ctx.on_file = NULL;
        rd_fatal(r, &e, ps_ar_member_path(outer));
        return;
    }
    label = ps_strdup(ps_ar_member_path(outer));
    if (label == NULL) {
        r->oom = 1;
        goto out;
    }
    r->n_update_cabs++;
    while (!r->stop && !r->oom) {
        const char *name;
        int rc = ps_ar_next(ar, &name, &e);

        if (rc == 0)
            break;
        if (rc < 0) {
            rd_fatal(r, &e, ps_ar_error_member(ar) ? ps_ar_error_member(ar) : label);
            break;
        }
        if (rd_take_table(r, ar))
            break;
        if (ps_ar_name_unsafe(name)) {
            rd_report_unsafe_name(r, ar);
            continue;
        }
        rd_update_cab_member(r, ar, rd_classify(r, name, 1), name);
        if (rd_cab_done(r))
            break;
    }
    if (!r->stop && !r->have_mum && !r->mum_tried)
        rd_finding(r, PS_F_UNREADABLE_PACKAGE, label, 0, "no update.mum in %s", label);
out:
    free(label);
    ps_ar_close(ar);
}
