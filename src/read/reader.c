/*
 * reader.c - reads one update package (.msu or bare update .cab) from its
 * own metadata, streamed, and stops as soon as the metadata is in hand.
 *
 * An .msu is an MSZIP cabinet holding WSUSSCAN.cab, the update cab(s),
 * <name>-pkgProperties.txt and the unattend <name>.xml (formats.md §1).
 * The update cab holds update.mum, update.cat, the child .mum files, the
 * component manifests and the payload, in no fixed order; a cab with
 * _manifest_.cix.xml lists every member name up front (formats.md §2.1).
 *
 * Reading stops when update.mum and update.cat are read and every child
 * .mum that update.mum names (transitively) is read or known absent from
 * the cix.  pkgProperties and the unattend .xml, which sit behind the
 * update cab, are read only when update.mum gave no identity or no KB.
 * So the cost of reading a package does not grow with its payload.
 */
#include "reader.h"
#include "ps_archive.h"
#include "cix.h"
#include "digest.h"
#include "parse.h"
#include "escape.h"
#include "facts.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <openssl/evp.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

void ps_read_opts_default(ps_read_opts *o)
{
    o->hash = 0;
    o->wsus = 1;
    ps_limits_default(&o->limits);
    o->cache_dir = NULL;
    o->no_cache = 0;
    o->progress = NULL;
    o->progress_user = NULL;
}

void ps_package_free(ps_package *p)
{
    if (p == NULL)
        return;
    free(p->file);
    free(p->path);
    free(p->kb);
    free(p->os);
    free(p->name_os);
    ps_identity_free(&p->identity);
    free(p->release_type);
    free(p->restart);
    free(p->build_date);
    free(p->installer_version);
    free(p->provides_stack);
    free(p->kernel_version);
    ps_wsus_info_free(&p->wsus);
    memset(p, 0, sizeof *p);
}

/* ------------------------------------------------------------------ */
/* Reading state                                                       */
/* ------------------------------------------------------------------ */

enum mode { MODE_AUTO, MODE_MSU, MODE_CAB };

enum kind {
    K_OTHER,
    K_UPDATE_MUM,
    K_UPDATE_CAT,
    K_CIX,
    K_MUM,
    K_MANIFEST,
    K_WSUS,
    K_UPDATE_CAB,
    K_PROPS,
    K_UNATTEND
};

/* A set of member names, compared without case (ASCII), open addressing:
 * lookups cost O(1), so matching N names against M members is linear. */
struct nameset {
    char **slot;
    size_t cap, count;
};

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
        char **slot = calloc(cap, sizeof *slot);
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

static void nameset_free(struct nameset *n)
{
    for (size_t i = 0; i < n->cap; i++)
        free(n->slot[i]);
    free(n->slot);
    memset(n, 0, sizeof *n);
}

struct rd {
    ps_package *p;
    const ps_read_opts *o;
    ps_findings *f;
    const char *display;
    const char *base;         /* basename of display */
    ps_ar_ctx ctx;
    enum mode mode;
    int stop;                 /* stop reading: done, or an error ended it */
    int fatal;                /* an error ended the read: the data may be partial */
    int oom;
    int hostile;              /* a member name is unsafe: the package is refused */
    int cab_end;              /* a bare update cab: everything needed is read */

    /* the update cab being read (nested, or the file itself) */
    int have_mum, mum_failed, have_cat, cat_seen;
    ps_mum mum;
    struct nameset want;      /* child .mum names named so far */
    struct nameset got;       /* .mum members read */
    size_t pending;           /* wanted, may exist, not read yet */
    /* The update cab's table of contents (CFFILE, from the header bytes):
     * table 1 when complete; names holds its .mum and .cat names, and
     * every component manifest name was noted as it streamed by. */
    int table;
    struct nameset names;
    size_t n_manifests;
    unsigned digests;
    char *stack;              /* highest ServicingStack version delivered */
    char *kernel;             /* highest OS-Kernel version delivered */
    int n_update_cabs;

    int have_props, have_unattend;
    ps_props props;
    ps_unattend unattend;
};

static void finding(struct rd *r, ps_finding_code code, const char *member, unsigned line,
                    const char *fmt, ...) PS_PRINTF(5, 6);

/* A message is one line: libxml2 and libarchive texts may hold line
 * breaks or other control bytes (libxml2: "...encoding !\nBytes: 0xD1");
 * each run of them becomes one space, and trailing blanks go. */
static void one_line(char *m)
{
    char *o = m;

    for (const char *i = m; *i; i++) {
        if ((unsigned char)*i < 0x20 || *i == 0x7f) {
            if (o > m && o[-1] != ' ')
                *o++ = ' ';
            continue;
        }
        *o++ = *i;
    }
    while (o > m && o[-1] == ' ')
        o--;
    *o = '\0';
}

static void finding(struct rd *r, ps_finding_code code, const char *member, unsigned line,
                    const char *fmt, ...)
{
    ps_where w = {r->display, member, line, PS_ARCH_NONE, NULL, NULL};
    va_list ap;
    char *msg;

    va_start(ap, fmt);
    msg = ps_vasprintf(fmt, ap);
    va_end(ap);
    if (msg == NULL) {
        r->oom = 1;
        return;
    }
    one_line(msg);
    if (ps_findings_add(r->f, code, &w, "%s", msg[0] ? msg : "unknown error") < 0)
        r->oom = 1;
    free(msg);
}

/* An unsafe-input error (a value outside its grammar) refuses the package. */
static void err_finding(struct rd *r, const ps_err *e, const char *member)
{
    finding(r, e->finding != PS_ERR_NO_FINDING ? e->finding : PS_F_UNREADABLE_PACKAGE, member,
            e->line, "%s", e->msg);
    if (e->finding == PS_F_UNSAFE_INPUT)
        r->hostile = 1;
}

/* An error of the archive layer ends the read of the package. */
static void fatal(struct rd *r, const ps_err *e, const char *member)
{
    err_finding(r, e, member);
    r->fatal = 1;
    r->stop = 1;
}

static int track_version(char **best, const char *v)
{
    if (v == NULL)
        return 0;
    if (*best != NULL && ps_version_cmp(*best, v) >= 0)
        return 0;
    return ps_set_str(best, v);
}

static int is_top(const char *name)
{
    return strchr(name, '/') == NULL;
}

static enum kind classify(struct rd *r, const char *name, int nested_cab)
{
    int cab_ok = nested_cab || r->mode != MODE_MSU;
    int msu_ok = !nested_cab && r->mode != MODE_CAB;

    if (!is_top(name))
        return K_OTHER;
    if (cab_ok) {
        if (ps_streq_ci(name, "update.mum"))
            return K_UPDATE_MUM;
        if (ps_streq_ci(name, "update.cat"))
            return K_UPDATE_CAT;
        if (ps_streq_ci(name, "_manifest_.cix.xml"))
            return K_CIX;
        if (ps_has_suffix_ci(name, ".mum"))
            return K_MUM;
        if (ps_has_suffix_ci(name, ".manifest"))
            return K_MANIFEST;
    }
    if (msu_ok) {
        if (ps_streq_ci(name, "wsusscan.cab"))
            return K_WSUS;
        if (ps_has_suffix_ci(name, ".cab"))
            return K_UPDATE_CAB;
        if (ps_has_suffix_ci(name, "-pkgproperties.txt"))
            return K_PROPS;
        if (ps_has_suffix_ci(name, ".xml"))
            return K_UNATTEND;
    }
    return K_OTHER;
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
    return r->have_mum || r->mum_failed || (r->table == 1 && !nameset_has(&r->names, "update.mum"));
}

static int cab_done(const struct rd *r)
{
    if (!mum_settled(r))
        return 0;
    if (!r->cat_seen && may_exist(r, "update.cat"))
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

static size_t xml_cap(const struct rd *r)
{
    const ps_limits *l = &r->ctx.limits;

    if (l->max_xml_bytes == 0)
        return l->max_member_bytes;
    if (l->max_member_bytes == 0)
        return l->max_xml_bytes;
    return l->max_xml_bytes < l->max_member_bytes ? l->max_xml_bytes : l->max_member_bytes;
}

/* The limit xml_cap() applies. */
static const char *xml_cap_name(const struct rd *r)
{
    const ps_limits *l = &r->ctx.limits;

    if (l->max_xml_bytes != 0 && (l->max_member_bytes == 0 || l->max_xml_bytes <= l->max_member_bytes))
        return "max_xml_bytes";
    return "max_member_bytes";
}

/* Reads the current member (an XML document when xml); on failure the
 * read of the package ends. */
static int read_member(struct rd *r, ps_ar *ar, int xml, char **data, size_t *len)
{
    size_t cap = xml ? xml_cap(r) : r->ctx.limits.max_member_bytes;
    const char *limit = xml ? xml_cap_name(r) : "max_member_bytes";
    ps_err e;

    if (ps_ar_read_member_limit(ar, cap, limit, data, len, &e) < 0) {
        fatal(r, &e, ps_ar_member_path(ar));
        return -1;
    }
    return 0;
}

/* ------------------------------------------------------------------ */
/* Members of the update cab                                           */
/* ------------------------------------------------------------------ */

static void note_components(struct rd *r, const ps_mum *m)
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
            err_finding(r, &e, member);
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

static void read_update_mum(struct rd *r, ps_ar *ar)
{
    char *data = NULL;
    size_t len = 0;
    ps_err e;

    if (r->have_mum || r->mum_failed)
        return;
    if (read_member(r, ar, 1, &data, &len) < 0)
        return;
    if (ps_mum_parse(data, len, xml_cap(r), &r->mum, &e) < 0) {
        /* Without update.mum the package has no identity: stop here. */
        r->mum_failed = 1;
        fatal(r, &e, ps_ar_member_path(ar));
    } else {
        r->have_mum = 1;
        note_components(r, &r->mum);
    }
    free(data);
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
    if (read_member(r, ar, 1, &data, &len) < 0)
        return;
    got_child(r, name);
    if (ps_mum_parse(data, len, xml_cap(r), &m, &e) < 0)
        err_finding(r, &e, ps_ar_member_path(ar));
    else
        note_components(r, &m);
    ps_mum_free(&m);
    free(data);
}

static void read_catalog(struct rd *r, ps_ar *ar)
{
    char *data = NULL;
    size_t len = 0;
    ps_err e;

    if (r->cat_seen)
        return;
    r->cat_seen = 1;
    if (read_member(r, ar, 0, &data, &len) < 0)
        return;
    if (ps_catalog_parse(data, len, &r->digests, &e) < 0)
        err_finding(r, &e, ps_ar_member_path(ar));
    else
        r->have_cat = 1;
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
    nameset_free(&r->names);
    r->n_manifests = 0;
    n = ps_cix_stream(cix_pull, ar, xml_cap(r), r->ctx.limits.max_members, on_cix_name, r, &e,
                      &read_failed);
    if (n < 0 && (read_failed || r->ctx.limit_hit)) {
        fatal(r, &e, ps_ar_member_path(ar));
    } else if (n < 0) {
        err_finding(r, &e, ps_ar_member_path(ar));
        nameset_free(&r->names);
        r->n_manifests = 0;
    } else {
        r->table = 1;
    }
}

/* Starts collecting the table of contents of the cab opened next. */
static void arm_table(struct rd *r)
{
    nameset_free(&r->names);
    r->n_manifests = 0;
    r->table = 0;
    r->ctx.on_file = on_cab_file;
    r->ctx.on_file_user = r;
}

/* After the first member header of the cab: its table is in hand.
 * Returns 1 when the table shows there is nothing to read in the cab. */
static int take_table(struct rd *r, ps_ar *ar)
{
    if (r->table == 0)
        r->table = ps_ar_table_state(ar, NULL) == 1 ? 1 : -1;
    return cab_done(r);
}

/*
 * Members read into memory and parsed as a whole (XML into a tree) cost
 * some ten times their size at their peak.  Real ones are small (update.mum
 * 2-100 KiB); a large one (a hostile update.mum naming thousands of
 * sub-packages, up to max_xml_bytes) is read and parsed by one reading
 * thread at a time, so that peak memory does not multiply by the thread
 * count.
 */
#define BIG_MEMBER ((int64_t)256 * 1024)

static pthread_mutex_t big_member_lock = PTHREAD_MUTEX_INITIALIZER;

static int big_enter(const ps_ar *ar)
{
    int64_t size = ps_ar_member_size(ar);

    if (size >= 0 && size <= BIG_MEMBER)
        return 0;
    pthread_mutex_lock(&big_member_lock);
    return 1;
}

static void big_leave(int held)
{
    if (held)
        pthread_mutex_unlock(&big_member_lock);
}

static void update_cab_member_read(struct rd *r, ps_ar *ar, enum kind k, const char *name);

/* Handles one member of an update cab (payload members are not read). */
static void update_cab_member(struct rd *r, ps_ar *ar, enum kind k, const char *name)
{
    int held = 0;

    if (k == K_UPDATE_MUM || k == K_UPDATE_CAT || k == K_MUM)
        held = big_enter(ar);
    update_cab_member_read(r, ar, k, name);
    big_leave(held);
}

static void update_cab_member_read(struct rd *r, ps_ar *ar, enum kind k, const char *name)
{
    switch (k) {
    case K_UPDATE_MUM:
        read_update_mum(r, ar);
        break;
    case K_UPDATE_CAT:
        read_catalog(r, ar);
        break;
    case K_CIX:
        /* its names are the header's: read only when the header was not */
        if (r->table != 1)
            read_cix(r, ar);
        break;
    case K_MUM:
        read_child_mum(r, ar, name);
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

/* A member named to climb out of a folder (or with control bytes) is
 * never used; a package that holds one is hostile, so it is refused
 * (its facts are still read, for inspect). */
static void report_unsafe_name(struct rd *r, ps_ar *ar)
{
    ps_buf shown = {0};

    shown.max = 8192;
    if (ps_esc_text(&shown, ps_ar_member_path(ar)) < 0) {
        r->oom = 1;
    } else {
        finding(r, PS_F_UNSAFE_INPUT, shown.data ? shown.data : "", 0,
                "member name \"%s\" is not a plain relative name; the member is ignored and the "
                "package refused",
                shown.data ? shown.data : "");
    }
    ps_buf_free(&shown);
    r->hostile = 1;
}

/* Reads the update cab nested in the current member of `outer`. */
static void read_nested_update_cab(struct rd *r, ps_ar *outer)
{
    ps_ar *ar = NULL;
    ps_err e;
    char *label = NULL;

    arm_table(r);
    if (ps_ar_open_nested(&ar, outer, &e) < 0) {
        r->ctx.on_file = NULL;
        fatal(r, &e, ps_ar_member_path(outer));
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
            fatal(r, &e, ps_ar_error_member(ar) ? ps_ar_error_member(ar) : label);
            break;
        }
        if (take_table(r, ar))
            break;
        if (ps_ar_name_unsafe(name)) {
            report_unsafe_name(r, ar);
            continue;
        }
        update_cab_member(r, ar, classify(r, name, 1), name);
        if (cab_done(r))
            break;
    }
    if (!r->stop && !r->have_mum && !r->mum_failed)
        finding(r, PS_F_UNREADABLE_PACKAGE, label, 0, "no update.mum in %s", label);
out:
    free(label);
    ps_ar_close(ar);
}

/* ------------------------------------------------------------------ */
/* Members of the .msu                                                 */
/* ------------------------------------------------------------------ */

/* The English title of a revision, kept until package.xml (the last
 * member of package.cab) names the revision of the package. */
#define WSUS_TITLES 64
struct wsus_title {
    char rev[12];
    char *title;  /* NULL with err set when the fragment was refused */
    ps_err err;
    char *member;
};

/* "localized/en/<digits>" (either separator): the digits, else NULL. */
static const char *en_title_rev(const char *name)
{
    static const char pre[] = "localized/en/";
    size_t n = sizeof pre - 1, d;

    for (size_t i = 0; i < n; i++)
        if (tolower((unsigned char)name[i]) != pre[i] && !(pre[i] == '/' && name[i] == '\\'))
            return NULL;
    d = strspn(name + n, "0123456789");
    return d > 0 && d <= 10 && name[n + d] == '\0' ? name + n : NULL;
}

static int names_kb(const char *d, size_t len)
{
    for (size_t i = 0; i + 2 < len; i++)
        if (d[i] == '(' && d[i + 1] == 'K' && d[i + 2] == 'B')
            return 1;
    return 0;
}

/* Reads a localized/en fragment naming a KB ("(KB", as every title of an
 * update does; detectoids and leaves do not) into titles. */
static void keep_title(struct rd *r, ps_ar *pc, const char *rev, struct wsus_title *t,
                       size_t *nt)
{
    char *data = NULL;
    size_t len = 0;
    struct wsus_title *k;

    if (*nt >= WSUS_TITLES)
        return; /* a real package.cab has one; more are not kept */
    if (read_member(r, pc, 1, &data, &len) < 0)
        return;
    if (!names_kb(data, len)) {
        free(data);
        return;
    }
    k = &t[*nt];
    memset(k, 0, sizeof *k);
    snprintf(k->rev, sizeof k->rev, "%s", rev);
    k->member = ps_strdup(ps_ar_member_path(pc));
    if (k->member == NULL) {
        r->oom = 1;
        free(data);
        return;
    }
    if (ps_wsus_title_parse(data, len, xml_cap(r), &k->title, &k->err) < 0)
        k->title = NULL;
    else if (k->title == NULL)
        ps_free_ptr(&k->member); /* no <Title>: nothing to keep */
    if (k->member != NULL)
        (*nt)++;
    free(data);
}

/* The title of the revision package.xml picked, or its error as a finding. */
static void pick_title(struct rd *r, struct wsus_title *t, size_t nt)
{
    const char *rev = r->p->wsus.revision_id;

    for (size_t i = 0; rev != NULL && i < nt; i++) {
        if (strcmp(t[i].rev, rev) != 0)
            continue;
        if (t[i].title == NULL)
            err_finding(r, &t[i].err, t[i].member);
        r->p->wsus.title = t[i].title;
        t[i].title = NULL;
        break;
    }
    for (size_t i = 0; i < nt; i++) {
        free(t[i].title);
        free(t[i].member);
    }
}

static void read_wsus(struct rd *r, ps_ar *outer)
{
    ps_ar *w = NULL, *pc = NULL;
    ps_err e;
    const char *name;
    int rc;
    struct wsus_title titles[WSUS_TITLES];
    size_t nt = 0;

    if (ps_ar_open_nested(&w, outer, &e) < 0) {
        fatal(r, &e, ps_ar_member_path(outer));
        goto out;
    }
    while ((rc = ps_ar_next(w, &name, &e)) > 0)
        if (ps_streq_ci(name, "package.cab"))
            break;
    if (rc < 0) {
        fatal(r, &e, ps_ar_member_path(outer));
        goto out;
    }
    if (rc == 0)
        goto out; /* no package.cab: nothing to say */
    if (ps_ar_open_nested(&pc, w, &e) < 0) {
        fatal(r, &e, ps_ar_member_path(w));
        goto out;
    }
    while (!r->stop && !r->oom && (rc = ps_ar_next(pc, &name, &e)) > 0) {
        const char *rev;

        if (ps_streq_ci(name, "package.xml"))
            break;
        if ((rev = en_title_rev(name)) != NULL)
            keep_title(r, pc, rev, titles, &nt);
    }
    if (r->stop || r->oom)
        goto out;
    if (rc < 0) {
        fatal(r, &e, ps_ar_member_path(w));
        goto out;
    }
    if (rc > 0) {
        char *data = NULL;
        size_t len = 0;
        int held = big_enter(pc);

        if (read_member(r, pc, 1, &data, &len) == 0) {
            ps_wsus_info_free(&r->p->wsus);
            if (ps_wsus_parse(data, len, xml_cap(r), &r->p->wsus, &e) < 0) {
                ps_wsus_info_free(&r->p->wsus);
                err_finding(r, &e, ps_ar_member_path(pc));
            } else {
                r->p->has_wsus = 1;
            }
        }
        free(data);
        big_leave(held);
    }
out:
    pick_title(r, titles, nt); /* no package.xml read: no revision, nothing picked */
    ps_ar_close(pc);
    ps_ar_close(w);
}

static void read_props(struct rd *r, ps_ar *ar)
{
    char *data = NULL;
    size_t len = 0;
    ps_err e;

    if (r->have_props)
        return;
    if (read_member(r, ar, 0, &data, &len) < 0)
        return;
    if (ps_props_parse(data, len, &r->props, &e) < 0) {
        ps_props_free(&r->props);
        err_finding(r, &e, ps_ar_member_path(ar));
    } else {
        r->have_props = 1;
    }
    free(data);
}

static void read_unattend(struct rd *r, ps_ar *ar)
{
    char *data = NULL;
    size_t len = 0;
    ps_err e;

    if (r->have_unattend)
        return;
    if (read_member(r, ar, 1, &data, &len) < 0)
        return;
    if (ps_unattend_parse(data, len, xml_cap(r), &r->unattend, &e) < 0) {
        ps_unattend_free(&r->unattend);
        err_finding(r, &e, ps_ar_member_path(ar));
    } else {
        r->have_unattend = 1;
    }
    free(data);
}

/* update.mum gave what the fallbacks would: no need to read further. */
static int mum_complete(const struct rd *r)
{
    return r->have_mum && r->mum.kb != NULL && r->mum.identity.name != NULL;
}

static void read_outer(struct rd *r, ps_ar *ar)
{
    while (!r->stop && !r->cab_end && !r->oom) {
        const char *name;
        ps_err e;
        enum kind k;
        int rc = ps_ar_next(ar, &name, &e);

        if (rc == 0)
            break;
        if (rc < 0) {
            fatal(r, &e, ps_ar_error_member(ar));
            break;
        }
        if (take_table(r, ar) && r->mode == MODE_CAB)
            break; /* a bare cab whose table lists nothing to read */
        if (ps_ar_name_unsafe(name)) {
            report_unsafe_name(r, ar);
            continue;
        }
        k = classify(r, name, 0);
        switch (k) {
        case K_UPDATE_MUM:
        case K_UPDATE_CAT:
        case K_CIX:
        case K_MUM:
        case K_MANIFEST:
            r->mode = MODE_CAB;
            update_cab_member(r, ar, k, name);
            if (cab_done(r))
                r->cab_end = 1;
            break;
        case K_WSUS:
            r->mode = MODE_MSU;
            if (r->o->wsus && !r->p->has_wsus)
                read_wsus(r, ar);
            break;
        case K_UPDATE_CAB:
            r->mode = MODE_MSU;
            if (!r->have_mum && !r->mum_failed)
                read_nested_update_cab(r, ar);
            if (mum_complete(r))
                r->stop = 1;
            break;
        case K_PROPS:
            r->mode = MODE_MSU;
            {
                int held = big_enter(ar);

                read_props(r, ar);
                big_leave(held);
            }
            break;
        case K_UNATTEND:
            r->mode = MODE_MSU;
            {
                int held = big_enter(ar);

                read_unattend(r, ar);
                big_leave(held);
            }
            break;
        case K_OTHER:
            break;
        }
    }
}

/* ------------------------------------------------------------------ */
/* Facts from the file name                                            */
/* ------------------------------------------------------------------ */

/* "-x86", "-x64", "-ia64" followed by '.', '_', '-' or the end. */
static ps_arch name_arch(const char *base)
{
    static const struct {
        const char *tok;
        ps_arch arch;
    } t[] = {{"-x86", PS_ARCH_X86}, {"-x64", PS_ARCH_X64}, {"-ia64", PS_ARCH_IA64}};

    for (const char *s = base; *s; s++) {
        if (*s != '-')
            continue;
        for (size_t i = 0; i < PS_ARRAY_LEN(t); i++) {
            size_t n = strlen(t[i].tok);
            char c;

            if (!ps_has_prefix_ci(s, t[i].tok))
                continue;
            c = s[n];
            if (c == '\0' || c == '.' || c == '_' || c == '-')
                return t[i].arch;
        }
    }
    return PS_ARCH_NONE;
}

/* N of "-vN" followed by '-', '.', '_' or the end. */
static unsigned name_revision(const char *base)
{
    for (const char *s = base; *s; s++) {
        unsigned v = 0;
        size_t i = 2;

        if (s[0] != '-' || (s[1] != 'v' && s[1] != 'V') || !isdigit((unsigned char)s[2]))
            continue;
        while (isdigit((unsigned char)s[i]) && i < 6)
            v = v * 10 + (unsigned)(s[i++] - '0');
        if (s[i] == '-' || s[i] == '.' || s[i] == '_' || s[i] == '\0')
            return v;
    }
    return 0;
}

/* "Windows6.0-..." -> "6.0" */
static char *name_os(const char *base)
{
    const char *s = base + 7;
    size_t i = 0;

    if (!ps_has_prefix_ci(base, "windows"))
        return NULL;
    while (isdigit((unsigned char)s[i]) && i < 3)
        i++;
    if (i == 0 || s[i] != '.')
        return NULL;
    i++;
    if (!isdigit((unsigned char)s[i]))
        return NULL;
    while (isdigit((unsigned char)s[i]) && i < 7)
        i++;
    if (s[i] != '-')
        return NULL;
    return ps_strndup(s, i);
}

/* The first "KB<digits>" in the name. */
static char *name_kb(const char *base)
{
    for (const char *s = base; *s; s++) {
        size_t n = 0;
        char buf[24];

        if (!ps_has_prefix_ci(s, "kb"))
            continue;
        while (isdigit((unsigned char)s[2 + n]) && n < 12)
            n++;
        if (n == 0 || isdigit((unsigned char)s[2 + n]))
            continue;
        snprintf(buf, sizeof buf, "KB%.*s", (int)n, s + 2);
        return ps_strdup(buf);
    }
    return NULL;
}

/* "Windows 6.1" -> "6.1" */
static char *os_of_applies_to(const char *v)
{
    const char *s;
    size_t n = 0;

    if (v == NULL || !ps_has_prefix_ci(v, "windows "))
        return NULL;
    s = v + 8;
    while ((isdigit((unsigned char)s[n]) || s[n] == '.') && n < 8)
        n++;
    if (n < 3 || s[n] != '\0')
        return NULL;
    return ps_strndup(s, n);
}

/* "2020/05/01" -> "2020-05-01" */
static char *date_of_build_date(const char *v)
{
    char d[11];

    if (v == NULL || strlen(v) != 10 || v[4] != '/' || v[7] != '/')
        return NULL;
    memcpy(d, v, 10);
    d[10] = '\0';
    d[4] = d[7] = '-';
    for (int i = 0; i < 10; i++)
        if (i != 4 && i != 7 && !isdigit((unsigned char)d[i]))
            return NULL;
    return ps_strdup(d);
}

/* ------------------------------------------------------------------ */
/* Filling the package                                                 */
/* ------------------------------------------------------------------ */

static int set_or_fallback(char **dst, const char *a, const char *b)
{
    return ps_set_str(dst, a != NULL ? a : b);
}

static const char *prop(const struct rd *r, const char *key)
{
    return r->have_props ? ps_props_get(&r->props, key) : NULL;
}

static int fill(struct rd *r)
{
    ps_package *p = r->p;
    const ps_mum *m = r->have_mum ? &r->mum : NULL;

    /* KB: update.mum, then pkgProperties, then the file name. */
    if (m != NULL && m->kb != NULL) {
        if (ps_set_str(&p->kb, m->kb) < 0)
            return -1;
        p->kb_source = "update.mum";
    } else if (prop(r, "KB Article Number") != NULL &&
               (p->kb = ps_kb_normalize(prop(r, "KB Article Number"))) != NULL) {
        p->kb_source = "pkgProperties";
    } else if ((p->kb = name_kb(r->base)) != NULL) {
        p->kb_source = "file name";
    }

    if (m != NULL && m->identity.name != NULL) {
        if (ps_identity_copy(&p->identity, &m->identity) < 0)
            return -1;
    } else if (r->have_unattend && r->unattend.identity.name != NULL) {
        if (ps_identity_copy(&p->identity, &r->unattend.identity) < 0)
            return -1;
    }

    p->arch = ps_arch_parse(p->identity.arch);
    if (p->arch == PS_ARCH_NONE)
        p->arch = ps_arch_parse(prop(r, "Processor Architecture"));
    if (p->arch == PS_ARCH_NONE)
        p->arch = p->name_arch;

    if (m != NULL && m->os != NULL) {
        if (ps_set_str(&p->os, m->os) < 0)
            return -1;
    } else if (p->name_os != NULL) {
        if (ps_set_str(&p->os, p->name_os) < 0)
            return -1;
    } else {
        p->os = os_of_applies_to(prop(r, "Applies to"));
    }

    if (set_or_fallback(&p->release_type, m ? m->release_type : NULL,
                        prop(r, "Package Type")) < 0 ||
        ps_set_str(&p->restart, m ? m->restart : NULL) < 0 ||
        set_or_fallback(&p->installer_version, m ? m->installer_version : NULL,
                        prop(r, "Installer Version")) < 0 ||
        ps_set_str(&p->provides_stack, r->stack) < 0 ||
        ps_set_str(&p->kernel_version, r->kernel) < 0)
        return -1;
    if (m != NULL && m->creation_date != NULL) {
        if (ps_set_str(&p->build_date, m->creation_date) < 0)
            return -1;
    } else {
        p->build_date = date_of_build_date(prop(r, "Build Date"));
    }
    if (r->have_cat) {
        p->catalog_digests = r->digests;
        p->sha2_only = ps_catalog_sha2_only(r->digests);
    }
    /* readable: update.mum or a fallback gave the identity or the KB (a KB
     * from the file name alone does not count); never after a read error
     * or in a package with an unsafe member name */
    p->readable = !r->fatal && !r->hostile &&
                  (p->identity.name != NULL ||
                   (p->kb != NULL && strcmp(p->kb_source, "file name") != 0));
    return 0;
}

/* Where the bytes of a package are: an open file, or memory. */
struct src {
    int fd;                    /* -1 for memory */
    const unsigned char *mem;
    size_t len;
};

#define HASH_BUF ((size_t)1024 * 1024)

static int hash_tick(void *user)
{
    return ps_ar_check_time(user);
}

/* Hashes the package with both digests in one pass over the bytes, in
 * 1 MiB pieces, with the per-package time limit checked after each. */
static int hash_src(ps_package *p, const struct src *s, ps_ar_ctx *ctx, ps_err *err)
{
    char why[256];

    switch (ps_digest(s->fd, s->mem, s->len, HASH_BUF, hash_tick, ctx, p->sha256, p->sha1, NULL,
                      why, sizeof why)) {
    case PS_DIGEST_OK:
        p->hashed = 1;
        return 0;
    case PS_DIGEST_STOPPED:
        *err = ctx->limit_err;
        return -1;
    default:
        ps_err_set(err, PS_F_UNREADABLE_PACKAGE, 0, "%s", why);
        return -1;
    }
}

static void rd_free(struct rd *r)
{
    ps_mum_free(&r->mum);
    nameset_free(&r->want);
    nameset_free(&r->got);
    nameset_free(&r->names);
    free(r->stack);
    free(r->kernel);
    ps_props_free(&r->props);
    ps_unattend_free(&r->unattend);
}

/* Sets up the read of one package: the facts of its file name. */
static int rd_start(struct rd *r, ps_package *p, const char *path, const char *display,
                    const ps_read_opts *opts, ps_findings *f)
{
    ps_buf shown = {0};

    r->p = p;
    r->o = opts;
    r->f = f;
    ps_ar_ctx_init(&r->ctx, &opts->limits);

    /* The display path is shown and written into JSON: a byte of the
     * file name that is not UTF-8 is written \xHH there (path keeps it). */
    if (ps_ar_display_name(&shown, display) < 0 || (p->file = ps_buf_steal(&shown, NULL)) == NULL) {
        ps_buf_free(&shown);
        return -1;
    }
    r->display = p->file;
    r->base = ps_basename(p->file);
    if (path != NULL && (p->path = ps_strdup(path)) == NULL)
        return -1;
    p->sha2_only = -1;
    p->revision = name_revision(r->base);
    p->name_arch = name_arch(r->base);
    p->name_os = name_os(r->base);
    p->container = ps_has_suffix_ci(r->base, ".cab") ? PS_CONTAINER_CAB : PS_CONTAINER_MSU;
    r->mode = ps_has_suffix_ci(r->base, ".msu") ? MODE_MSU
              : ps_has_suffix_ci(r->base, ".cab") ? MODE_CAB : MODE_AUTO;
    return 0;
}

/* 1 when the file name says it is a package (.msu or .cab). */
static int rd_named(const struct rd *r)
{
    return ps_has_suffix_ci(r->base, ".msu") || ps_has_suffix_ci(r->base, ".cab");
}

/*
 * Reads the package whose bytes s gives (size bytes).  Returns 0, or 1
 * when it is not a package (a foreign-file finding was added); r->oom on
 * allocation failure.
 */
static int rd_read(struct rd *r, const struct src *s, uint64_t size)
{
    int named = rd_named(r);
    unsigned char magic[4];
    ps_ar *ar = NULL;
    ssize_t n;
    ps_err e;

    r->p->size = size;
    if (s->fd >= 0) {
        do {
            n = pread(s->fd, magic, sizeof magic, 0);
        } while (n < 0 && errno == EINTR);
        if (n < 0) {
            finding(r, PS_F_UNREADABLE_PACKAGE, NULL, 0, "read error: %s", strerror(errno));
            return 0;
        }
    } else {
        n = s->len < sizeof magic ? (ssize_t)s->len : (ssize_t)sizeof magic;
        memcpy(magic, s->mem, (size_t)n);
    }
    if (n < (ssize_t)sizeof magic || memcmp(magic, "MSCF", 4) != 0) {
        const char *why = size == 0 ? "empty file" : "no MSCF signature";

        if (named) {
            finding(r, PS_F_UNREADABLE_PACKAGE, NULL, 0, "not a cabinet file (%s)", why);
            return 0;
        }
        finding(r, PS_F_FOREIGN_FILE, NULL, 0, "not an update package (%s)", why);
        return 1;
    }
    if (r->o->hash && hash_src(r->p, s, &r->ctx, &e) < 0) {
        if (r->ctx.limit_hit)
            fatal(r, &e, NULL);
        else
            err_finding(r, &e, NULL);
        return 0;
    }
    /* a bare update cab: its own table of contents */
    if (r->mode != MODE_MSU)
        arm_table(r);
    if ((s->fd >= 0 ? ps_ar_open_fd(&ar, &r->ctx, s->fd, &e)
                    : ps_ar_open_mem(&ar, &r->ctx, s->mem, s->len, &e)) < 0) {
        r->ctx.on_file = NULL;
        fatal(r, &e, NULL);
        return 0;
    }
    read_outer(r, ar);
    ps_ar_close(ar);
    if (r->oom)
        return 0;
    if (!r->stop && r->mode == MODE_CAB && !r->have_mum && !r->mum_failed) {
        finding(r, PS_F_UNREADABLE_PACKAGE, NULL, 0, "no update.mum in %s", r->base);
    } else if (!r->stop && r->mode == MODE_MSU && r->n_update_cabs == 0 && !r->have_mum) {
        finding(r, PS_F_UNREADABLE_PACKAGE, NULL, 0, "no update cab in %s", r->base);
    } else if (!r->fatal && r->mode == MODE_AUTO) {
        finding(r, PS_F_FOREIGN_FILE, NULL, 0,
                "not an update package (a cabinet without update.mum)");
        return 1;
    }
    if (r->mode == MODE_CAB)
        r->p->container = PS_CONTAINER_CAB;
    else if (r->mode == MODE_MSU)
        r->p->container = PS_CONTAINER_MSU;
    return 0;
}

/* Ends a read: fills the package (rc 0), frees the state; the result. */
static int rd_finish(struct rd *r, int rc, ps_ar_stats *stats)
{
    if (rc == 0 && !r->oom && fill(r) < 0)
        r->oom = 1;
    if (r->oom)
        rc = -1;
    r->p->deep_reads = r->ctx.stats.deep_reads;
    if (stats != NULL)
        *stats = r->ctx.stats;
    rd_free(r);
    return rc;
}

int ps_package_read_stats(ps_package *p, const char *path, const char *display,
                          const ps_read_opts *opts, ps_findings *f, ps_ar_stats *stats)
{
    struct rd r;
    ps_read_opts defaults;
    ps_findings discard = {NULL, 0, 0};
    struct src s = {-1, NULL, 0};
    struct stat st;
    int rc = 0;

    memset(&r, 0, sizeof r);
    memset(p, 0, sizeof *p);
    if (opts == NULL) {
        ps_read_opts_default(&defaults);
        opts = &defaults;
    }
    if (rd_start(&r, p, path, display != NULL ? display : path, opts, f ? f : &discard) < 0) {
        r.oom = 1;
        goto out;
    }
    s.fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
    if (s.fd < 0) {
        finding(&r, PS_F_UNREADABLE_PACKAGE, NULL, 0, "cannot open: %s", strerror(errno));
        goto out;
    }
    if (fstat(s.fd, &st) < 0 || !S_ISREG(st.st_mode)) {
        int named = rd_named(&r);

        finding(&r, named ? PS_F_UNREADABLE_PACKAGE : PS_F_FOREIGN_FILE, NULL, 0,
                "not a regular file");
        rc = named ? 0 : 1;
        goto out;
    }
    rc = rd_read(&r, &s, (uint64_t)st.st_size);
out:
    rc = rd_finish(&r, rc, stats);
    if (s.fd >= 0)
        close(s.fd);
    ps_findings_free(&discard);
    return rc;
}

int ps_package_read_mem(ps_package *p, const void *data, size_t len, const char *display,
                        const ps_read_opts *opts, ps_findings *f, ps_ar_stats *stats)
{
    struct rd r;
    ps_read_opts defaults;
    ps_findings discard = {NULL, 0, 0};
    struct src s = {-1, data, len};
    int rc = 0;

    memset(&r, 0, sizeof r);
    memset(p, 0, sizeof *p);
    if (opts == NULL) {
        ps_read_opts_default(&defaults);
        opts = &defaults;
    }
    if (rd_start(&r, p, NULL, display, opts, f ? f : &discard) < 0)
        r.oom = 1;
    else
        rc = rd_read(&r, &s, (uint64_t)len);
    rc = rd_finish(&r, rc, stats);
    ps_findings_free(&discard);
    return rc;
}

int ps_package_read(ps_package *p, const char *path, const char *display,
                    const ps_read_opts *opts, ps_findings *f)
{
    return ps_package_read_stats(p, path, display, opts, f, NULL);
}
