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
 *
 * This file holds the reading state's helpers, the walk of the outer file
 * and its stop rule, and the entry points; the member kinds (a table) are
 * in reader_kinds.c, the update cab is read in reader_cab.c, WSUSSCAN.cab
 * in reader_wsus.c, and the facts are merged in facts.c.
 */
#include "reader.h"
#include "reader_int.h"
#include "digest.h"
#include "escape.h"
#include "facts.h"

#include <errno.h>
#include <fcntl.h>
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

void rd_finding(struct rd *r, ps_finding_code code, const char *member, unsigned line,
                const char *fmt, ...)
{
    ps_where w = {r->display, member, line, PS_ARCH_NONE, NULL, NULL};
    va_list ap;
    char *msg;

    if (code == PS_F_UNREADABLE_PACKAGE && member == NULL)
        r->of_file = 1; /* about the file, not its bytes */

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

void rd_err_finding(struct rd *r, const ps_err *e, const char *member)
{
    rd_finding(r, e->finding != PS_ERR_NO_FINDING ? e->finding : PS_F_UNREADABLE_PACKAGE, member,
               e->line, "%s", e->msg);
    if (e->finding == PS_F_UNSAFE_INPUT)
        r->hostile = 1;
}

void rd_fatal(struct rd *r, const ps_err *e, const char *member)
{
    rd_err_finding(r, e, member);
    r->fatal = 1;
    r->stop = 1;
}

size_t rd_xml_cap(const struct rd *r)
{
    const ps_limits *l = &r->ctx.limits;

    if (l->max_xml_bytes == 0)
        return l->max_member_bytes;
    if (l->max_member_bytes == 0)
        return l->max_xml_bytes;
    return l->max_xml_bytes < l->max_member_bytes ? l->max_xml_bytes : l->max_member_bytes;
}

/* The limit rd_xml_cap() applies. */
static const char *xml_cap_name(const struct rd *r)
{
    const ps_limits *l = &r->ctx.limits;

    if (l->max_xml_bytes != 0 && (l->max_member_bytes == 0 || l->max_xml_bytes <= l->max_member_bytes))
        return "max_xml_bytes";
    return "max_member_bytes";
}

int rd_read_member(struct rd *r, ps_ar *ar, int xml, char **data, size_t *len)
{
    size_t cap = xml ? rd_xml_cap(r) : r->ctx.limits.max_member_bytes;
    const char *limit = xml ? xml_cap_name(r) : "max_member_bytes";
    ps_err e;

    if (ps_ar_read_member_limit(ar, cap, limit, data, len, &e) < 0) {
        rd_fatal(r, &e, ps_ar_member_path(ar));
        return -1;
    }
    return 0;
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

int rd_big_enter(const ps_ar *ar)
{
    int64_t size = ps_ar_member_size(ar);

    if (size >= 0 && size <= BIG_MEMBER)
        return 0;
    pthread_mutex_lock(&big_member_lock);
    return 1;
}

void rd_big_leave(int held)
{
    if (held)
        pthread_mutex_unlock(&big_member_lock);
}

/* A member named to climb out of a folder (or with control bytes) is
 * never used; a package that holds one is hostile, so it is refused
 * (its facts are still read, for inspect). */
void rd_report_unsafe_name(struct rd *r, ps_ar *ar)
{
    ps_buf shown = {0};

    shown.max = 8192;
    if (ps_esc_text(&shown, ps_ar_member_path(ar)) < 0) {
        r->oom = 1;
    } else {
        rd_finding(r, PS_F_UNSAFE_INPUT, shown.data ? shown.data : "", 0,
                "member name \"%s\" is not a plain relative name; the member is ignored and the "
                "package refused",
                shown.data ? shown.data : "");
    }
    ps_buf_free(&shown);
    r->hostile = 1;
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
            rd_fatal(r, &e, ps_ar_error_member(ar));
            break;
        }
        if (rd_take_table(r, ar) && r->mode == MODE_CAB)
            break; /* a bare cab whose table lists nothing to read */
        if (ps_ar_name_unsafe(name)) {
            rd_report_unsafe_name(r, ar);
            continue;
        }
        k = rd_classify(r, name, 0);
        switch (k) {
        case K_UPDATE_MUM:
        case K_UPDATE_CAT:
        case K_CIX:
        case K_MUM:
        case K_MANIFEST:
            r->mode = MODE_CAB;
            rd_update_cab_member(r, ar, k, name);
            if (rd_cab_done(r))
                r->cab_end = 1;
            break;
        case K_WSUS:
            r->mode = MODE_MSU;
            if (r->o->wsus && !r->p->has_wsus)
                rd_read_wsus(r, ar);
            break;
        case K_UPDATE_CAB:
            r->mode = MODE_MSU;
            if (!r->have_mum && !r->mum_tried)
                rd_read_nested_update_cab(r, ar);
            if (mum_complete(r))
                r->stop = 1;
            break;
        case K_PROPS:
        case K_UNATTEND:
            r->mode = MODE_MSU;
            rd_read_whole(r, ar, k);
            break;
        case K_OTHER:
            break;
        }
    }
}

/* The facts of the package, from what was read. */
static int fill(struct rd *r)
{
    ps_fact_sources s = {
        r->have_mum ? &r->mum : NULL,
        r->have_props ? &r->props : NULL,
        r->have_unattend ? &r->unattend : NULL,
        r->have_cat ? &r->digests : NULL,
        r->stack,
        r->kernel,
        r->base,
        r->fatal || r->hostile,
    };

    return ps_facts_fill(r->p, &s);
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
    rd_nameset_free(&r->want);
    rd_nameset_free(&r->got);
    rd_nameset_free(&r->names);
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
    ps_facts_of_name(p, r->base);
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
            rd_finding(r, PS_F_UNREADABLE_PACKAGE, NULL, 0, "read error: %s", strerror(errno));
            return 0;
        }
    } else {
        n = s->len < sizeof magic ? (ssize_t)s->len : (ssize_t)sizeof magic;
        memcpy(magic, s->mem, (size_t)n);
    }
    if (n < (ssize_t)sizeof magic || memcmp(magic, "MSCF", 4) != 0) {
        const char *why = size == 0 ? "empty file" : "no MSCF signature";

        if (named) {
            rd_finding(r, PS_F_UNREADABLE_PACKAGE, NULL, 0, "not a cabinet file (%s)", why);
            return 0;
        }
        rd_finding(r, PS_F_FOREIGN_FILE, NULL, 0, "not an update package (%s)", why);
        return 1;
    }
    if (r->o->hash && hash_src(r->p, s, &r->ctx, &e) < 0) {
        if (r->ctx.limit_hit)
            rd_fatal(r, &e, NULL);
        else
            rd_err_finding(r, &e, NULL);
        return 0;
    }
    /* a bare update cab: its own table of contents */
    if (r->mode != MODE_MSU)
        rd_arm_table(r);
    if ((s->fd >= 0 ? ps_ar_open_fd(&ar, &r->ctx, s->fd, &e)
                    : ps_ar_open_mem(&ar, &r->ctx, s->mem, s->len, &e)) < 0) {
        r->ctx.on_file = NULL;
        rd_fatal(r, &e, NULL);
        return 0;
    }
    read_outer(r, ar);
    ps_ar_close(ar);
    if (r->oom)
        return 0;
    if (!r->stop && r->mode == MODE_CAB && !r->have_mum && !r->mum_tried) {
        rd_finding(r, PS_F_UNREADABLE_PACKAGE, NULL, 0, "no update.mum in %s", r->base);
    } else if (!r->stop && r->mode == MODE_MSU && r->n_update_cabs == 0 && !r->have_mum) {
        rd_finding(r, PS_F_UNREADABLE_PACKAGE, NULL, 0, "no update cab in %s", r->base);
    } else if (!r->fatal && r->mode == MODE_AUTO) {
        rd_finding(r, PS_F_FOREIGN_FILE, NULL, 0,
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
    r->ctx.stats.outcome = r->of_file         ? PS_READ_OF_FILE
                           : r->ctx.time_hit ? PS_READ_OF_TIME
                                             : PS_READ_OF_BYTES;
    if (stats != NULL)
        *stats = r->ctx.stats;
    rd_free(r);
    return rc;
}

/* What an entry point holds for one read. */
struct call {
    struct rd r;
    ps_read_opts defaults;
    ps_findings discard; /* the findings when the caller wants none */
};

/* Starts a read: p cleared, the default options when opts is NULL, the
 * facts of the file name.  0, or -1 out of memory (r.oom set). */
static int call_start(struct call *c, ps_package *p, const char *path, const char *display,
                      const ps_read_opts *opts, ps_findings *f)
{
    memset(c, 0, sizeof *c);
    memset(p, 0, sizeof *p);
    if (opts == NULL) {
        ps_read_opts_default(&c->defaults);
        opts = &c->defaults;
    }
    if (rd_start(&c->r, p, path, display, opts, f ? f : &c->discard) < 0) {
        c->r.oom = 1;
        return -1;
    }
    return 0;
}

static int call_end(struct call *c, int rc, ps_ar_stats *stats)
{
    rc = rd_finish(&c->r, rc, stats);
    ps_findings_free(&c->discard);
    return rc;
}

int ps_package_read_stats(ps_package *p, const char *path, const char *display,
                          const ps_read_opts *opts, ps_findings *f, ps_ar_stats *stats)
{
    struct call c;
    struct src s = {-1, NULL, 0};
    struct stat st;
    int rc = 0;

    if (call_start(&c, p, path, display != NULL ? display : path, opts, f) < 0)
        goto out;
    s.fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
    if (s.fd < 0) {
        rd_finding(&c.r, PS_F_UNREADABLE_PACKAGE, NULL, 0, "cannot open: %s", strerror(errno));
        goto out;
    }
    if (fstat(s.fd, &st) < 0 || !S_ISREG(st.st_mode)) {
        int named = rd_named(&c.r);

        rd_finding(&c.r, named ? PS_F_UNREADABLE_PACKAGE : PS_F_FOREIGN_FILE, NULL, 0,
                   "not a regular file");
        rc = named ? 0 : 1;
        goto out;
    }
    rc = rd_read(&c.r, &s, (uint64_t)st.st_size);
out:
    rc = call_end(&c, rc, stats);
    if (s.fd >= 0)
        close(s.fd);
    return rc;
}

int ps_package_read_mem(ps_package *p, const void *data, size_t len, const char *display,
                        const ps_read_opts *opts, ps_findings *f, ps_ar_stats *stats)
{
    struct call c;
    struct src s = {-1, data, len};
    int rc = 0;

    if (call_start(&c, p, NULL, display, opts, f) == 0)
        rc = rd_read(&c.r, &s, (uint64_t)len);
    return call_end(&c, rc, stats);
}

int ps_package_read(ps_package *p, const char *path, const char *display,
                    const ps_read_opts *opts, ps_findings *f)
{
    return ps_package_read_stats(p, path, display, opts, f, NULL);
}
