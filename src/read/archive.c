/*
 * archive.c - streaming access to cabinets and cabinets inside cabinets,
 * with the reading limits enforced (see ps_archive.h).
 */
#include "ps_archive.h"
#include "escape.h"

#include <archive.h>
#include <archive_entry.h>
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define FD_BUF_SIZE ((size_t)64 * 1024)
#define NESTED_BUF_SIZE ((size_t)16 * 1024)
/* The ratio limit applies once this much was decoded on one handle, so
 * that a small, very compressible member (a run of zeros, an XML file) is
 * never mistaken for a bomb. */
#define RATIO_FLOOR ((uint64_t)1024 * 1024)
/* A member rest up to this size is left to libarchive's own skip; a
 * larger one is decoded here, in blocks, with the limits checked. */
#define SKIP_NATIVE ((uint64_t)1024 * 1024)
#define MIB ((size_t)1024 * 1024)

/* The limits the archive layer enforces, at their defaults. */
void ps_limits_default(ps_limits *l)
{
    l->max_members = 65535;           /* the most a CAB header can declare */
    l->max_depth = 4;                 /* msu -> WSUSSCAN.cab -> package.cab, and one spare */
    l->max_member_bytes = 64 * MIB;   /* a catalog or cix of a large rollup fits */
    l->max_xml_bytes = 32 * MIB;
    l->max_ratio = 256;               /* real payloads: 1:1 to 5:1 */
    l->max_seconds = 120;
}

struct ps_ar {
    struct archive *a;
    ps_ar_ctx *ctx;
    ps_ar *outer;        /* NULL for the file itself */
    int fd;              /* the caller's; -1 for a nested or in-memory handle */
    const unsigned char *mem; /* in-memory cabinet (the caller's), or NULL */
    size_t mem_len, mem_pos;
    unsigned depth;
    char *label;         /* "" for the file, else the outer member's full name */
    ps_buf path;         /* full name of the current member */
    size_t members;
    int64_t entry_size;  /* -1 when unknown */
    uint64_t entry_read;
    int entry_open;
    unsigned char *buf;
    size_t bufsize;
    uint64_t consumed;   /* compressed bytes fed to libarchive */
    uint64_t produced;   /* bytes decoded by libarchive (read or skipped) */
    int cb_failed;       /* the read callback failed; cb_err says why */
    ps_err cb_err;
    int tee;             /* the bytes handed to libarchive go to hdr too */
    ps_cabhdr hdr;       /* the cabinet's table of contents, as it streams by */
    unsigned char *skipbuf; /* for passing over the rest of a partly read member */
    int skip_failed;     /* the last ps_ar_next failed passing over the member */
};

/* The first bytes of the cabinet, as libarchive gets them, go to the
 * header parser until its table is complete (then this costs nothing). */
static void tee(ps_ar *ar, const void *data, size_t n)
{
    if (ar->tee && ar->hdr.result == 0 && n > 0)
        (void)ps_cabhdr_feed(&ar->hdr, data, n);
}

static void clock_now(struct timespec *now)
{
    clock_gettime(CLOCK_MONOTONIC, now);
}

void (*ps_ar_now)(struct timespec *now) = clock_now;

void ps_ar_ctx_init(ps_ar_ctx *ctx, const ps_limits *limits)
{
    memset(ctx, 0, sizeof *ctx);
    if (limits != NULL)
        ctx->limits = *limits;
    else
        ps_limits_default(&ctx->limits);
    ps_ar_now(&ctx->start);
}

static void limit_hit(ps_ar_ctx *ctx, const char *fmt, ...) PS_PRINTF(2, 3);

static void limit_hit(ps_ar_ctx *ctx, const char *fmt, ...)
{
    va_list ap;
    char *msg;

    if (ctx->limit_hit)
        return; /* the first limit met is the one reported */
    ctx->limit_hit = 1;
    va_start(ap, fmt);
    msg = ps_vasprintf(fmt, ap);
    va_end(ap);
    ps_err_set(&ctx->limit_err, PS_F_UNSAFE_INPUT, 0, "%s", msg ? msg : "reading limit reached");
    free(msg);
}

int ps_ar_check_time(ps_ar_ctx *ctx)
{
    struct timespec now;
    long long elapsed;

    if (ctx->limit_hit)
        return 1;
    if (ctx->limits.max_seconds == 0)
        return 0;
    ps_ar_now(&now);
    elapsed = (long long)(now.tv_sec - ctx->start.tv_sec);
    if (now.tv_nsec < ctx->start.tv_nsec)
        elapsed--;
    if (elapsed >= (long long)ctx->limits.max_seconds) {
        ctx->time_hit = 1;
        limit_hit(ctx, "reading the package took more than %u seconds (limit max_seconds)",
                  ctx->limits.max_seconds);
        return 1;
    }
    return 0;
}

static const char *ar_label(const ps_ar *ar)
{
    return ar->label[0] ? ar->label : "the cabinet";
}

/* Fills err from the most specific cause: a limit, the callback's own
 * error (from an outer level), or libarchive's message. */
static void ar_fail(ps_ar *ar, ps_err *err, const char *what)
{
    const char *m;

    if (ar->ctx->limit_hit) {
        *err = ar->ctx->limit_err;
        return;
    }
    if (ar->cb_failed) {
        *err = ar->cb_err;
        return;
    }
    m = archive_error_string(ar->a);
    ps_err_set(err, PS_F_UNREADABLE_PACKAGE, 0, "cannot read %s: %s", what,
               m && *m ? m : "unknown libarchive error");
}

static int check_ratio(ps_ar *ar)
{
    unsigned max = ar->ctx->limits.max_ratio;
    uint64_t in = ar->consumed ? ar->consumed : 1;

    if (max == 0 || ar->produced <= RATIO_FLOOR)
        return 0;
    if (ar->produced / in >= (uint64_t)max) {
        limit_hit(ar->ctx,
                  "%s decompresses at more than %u:1 (%llu bytes from %llu; limit max_ratio)",
                  ar_label(ar), max, (unsigned long long)ar->produced,
                  (unsigned long long)ar->consumed);
        return -1;
    }
    return 0;
}

static la_ssize_t fd_read_cb(struct archive *a, void *cd, const void **out)
{
    ps_ar *ar = cd;
    ssize_t n;

    if (ps_ar_check_time(ar->ctx)) {
        archive_set_error(a, ETIMEDOUT, "%s", ar->ctx->limit_err.msg);
        return -1;
    }
    do {
        n = read(ar->fd, ar->buf, ar->bufsize);
    } while (n < 0 && errno == EINTR);
    if (n < 0) {
        int e = errno;

        ar->cb_failed = 1;
        ps_err_set(&ar->cb_err, PS_F_UNREADABLE_PACKAGE, 0, "read error: %s", strerror(e));
        archive_set_error(a, e, "read error: %s", strerror(e));
        return -1;
    }
    ar->consumed += (uint64_t)n;
    ar->ctx->stats.file_bytes += (uint64_t)n;
    tee(ar, ar->buf, (size_t)n);
    *out = ar->buf;
    return n;
}

/* Hands out the in-memory cabinet in pieces of the size a file read
 * would have, so that reading from memory behaves as reading the file. */
static la_ssize_t mem_read_cb(struct archive *a, void *cd, const void **out)
{
    ps_ar *ar = cd;
    size_t n = ar->mem_len - ar->mem_pos;

    if (ps_ar_check_time(ar->ctx)) {
        archive_set_error(a, ETIMEDOUT, "%s", ar->ctx->limit_err.msg);
        return -1;
    }
    if (n > ar->bufsize)
        n = ar->bufsize;
    *out = ar->mem + ar->mem_pos;
    tee(ar, ar->mem + ar->mem_pos, n);
    ar->mem_pos += n;
    ar->consumed += (uint64_t)n;
    ar->ctx->stats.file_bytes += (uint64_t)n;
    return (la_ssize_t)n;
}

static la_ssize_t nested_read_cb(struct archive *a, void *cd, const void **out)
{
    ps_ar *ar = cd;
    long n;

    n = ps_ar_read(ar->outer, ar->buf, ar->bufsize, &ar->cb_err);
    if (n < 0) {
        ar->cb_failed = 1;
        archive_set_error(a, EIO, "%s", ar->cb_err.msg);
        return -1;
    }
    ar->consumed += (uint64_t)n;
    tee(ar, ar->buf, (size_t)n);
    *out = ar->buf;
    return (la_ssize_t)n;
}

static ps_ar *ar_new(ps_ar_ctx *ctx, size_t bufsize, const char *label, ps_err *err)
{
    ps_ar *ar = ps_calloc(1, sizeof *ar);

    if (ar == NULL)
        goto oom;
    ar->ctx = ctx;
    ar->fd = -1;
    ar->entry_size = -1;
    ar->bufsize = bufsize;
    ar->buf = ps_malloc(bufsize);
    ar->label = ps_strdup(label);
    ar->a = archive_read_new();
    if (ar->buf == NULL || ar->label == NULL || ar->a == NULL)
        goto oom;
    if (archive_read_support_format_cab(ar->a) != ARCHIVE_OK)
        goto oom;
    if (ctx->on_file != NULL) {
        ps_cabhdr_init(&ar->hdr, ctx->limits.max_members, ctx->on_file, ctx->on_file_user);
        ar->tee = 1;
        ctx->on_file = NULL; /* one shot: for this handle only */
        ctx->on_file_user = NULL;
    }
    return ar;
oom:
    ps_ar_close(ar);
    ps_err_fail(err, PS_E_OOM, 0, "out of memory");
    return NULL;
}

static int ar_start(ps_ar *ar, archive_read_callback *cb, ps_err *err)
{
    if (archive_read_open(ar->a, ar, NULL, cb, NULL) != ARCHIVE_OK) {
        ar_fail(ar, err, ar_label(ar));
        return -1;
    }
    if (ar->depth > ar->ctx->stats.max_depth)
        ar->ctx->stats.max_depth = ar->depth;
    return 0;
}

int ps_ar_open_fd(ps_ar **out, ps_ar_ctx *ctx, int fd, ps_err *err)
{
    ps_ar *ar;

    *out = NULL;
    ar = ar_new(ctx, FD_BUF_SIZE, "", err);
    if (ar == NULL)
        return -1;
    ar->fd = fd;
    ar->depth = 1;
    if (ar_start(ar, fd_read_cb, err) < 0) {
        ps_ar_close(ar);
        return -1;
    }
    *out = ar;
    return 0;
}

int ps_ar_open_mem(ps_ar **out, ps_ar_ctx *ctx, const void *data, size_t len, ps_err *err)
{
    ps_ar *ar;

    *out = NULL;
    ar = ar_new(ctx, FD_BUF_SIZE, "", err);
    if (ar == NULL)
        return -1;
    ar->mem = data;
    ar->mem_len = len;
    ar->depth = 1;
    if (ar_start(ar, mem_read_cb, err) < 0) {
        ps_ar_close(ar);
        return -1;
    }
    *out = ar;
    return 0;
}

int ps_ar_open_nested(ps_ar **out, ps_ar *outer, ps_err *err)
{
    ps_ar *ar;
    unsigned depth = outer->depth + 1;

    *out = NULL;
    if (outer->ctx->limits.max_depth && depth > outer->ctx->limits.max_depth) {
        limit_hit(outer->ctx, "%s is nested %u levels deep (limit max_depth is %u)",
                  ps_ar_member_path(outer), depth, outer->ctx->limits.max_depth);
        *err = outer->ctx->limit_err;
        return -1;
    }
    ar = ar_new(outer->ctx, NESTED_BUF_SIZE, ps_ar_member_path(outer), err);
    if (ar == NULL)
        return -1;
    ar->outer = outer;
    ar->depth = depth;
    if (ar_start(ar, nested_read_cb, err) < 0) {
        ps_ar_close(ar);
        return -1;
    }
    *out = ar;
    return 0;
}

/* Length of the valid UTF-8 sequence at s (0 when invalid). */
static size_t utf8_len(const unsigned char *s)
{
    size_t n, i;

    if (s[0] < 0x80)
        return 1;
    if (s[0] >= 0xc2 && s[0] <= 0xdf)
        n = 2;
    else if (s[0] >= 0xe0 && s[0] <= 0xef)
        n = 3;
    else if (s[0] >= 0xf0 && s[0] <= 0xf4)
        n = 4;
    else
        return 0;
    for (i = 1; i < n; i++)
        if ((s[i] & 0xc0) != 0x80)
            return 0;
    /* no overlong form, no surrogate, nothing above U+10FFFF */
    if ((s[0] == 0xe0 && s[1] < 0xa0) || (s[0] == 0xed && s[1] > 0x9f) ||
        (s[0] == 0xf0 && s[1] < 0x90) || (s[0] == 0xf4 && s[1] > 0x8f))
        return 0;
    return n;
}

/* Member names are bytes from the file: the display form keeps valid
 * UTF-8 and writes anything else (control bytes, a name in a legacy code
 * page) as \xHH, so that messages and JSON stay valid text. */
int ps_ar_display_name(ps_buf *b, const char *name)
{
    const unsigned char *s = (const unsigned char *)name;

    while (*s) {
        size_t n = utf8_len(s);

        if (n == 0 || (n == 1 && (*s < 0x20 || *s == 0x7f))) {
            if (ps_buf_printf(b, "\\x%02x", *s) < 0)
                return -1;
            s++;
            continue;
        }
        if (ps_buf_append(b, s, n) < 0)
            return -1;
        s += n;
    }
    return 0;
}

/*
 * Passes over the rest of the current member by decoding it here, in
 * blocks, with the ratio and time limits checked after every block: a
 * bomb among the skipped members stops after a few MiB, not after it was
 * decoded in full inside libarchive's own skip.  0, or -1 with err.
 */
static int skip_rest(ps_ar *ar, ps_err *err)
{
    if (!ar->entry_open)
        return 0;
    ar->entry_open = 0;
    ar->skip_failed = 1; /* until it returns 0 */
    if (ar->entry_size >= 0 && (uint64_t)ar->entry_size >= ar->entry_read &&
        (uint64_t)ar->entry_size - ar->entry_read <= SKIP_NATIVE) {
        /* a small rest: libarchive passes over it at the next header
         * (whole stored blocks without decoding); counted as decoded, and
         * the ratio checked now, so a bomb of many small members stops
         * within SKIP_NATIVE of the limit too */
        uint64_t rest = (uint64_t)ar->entry_size - ar->entry_read;

        ar->produced += rest;
        ar->ctx->stats.decoded_bytes += rest;
        ar->ctx->stats.skipped_bytes += rest;
        if (check_ratio(ar) < 0) {
            *err = ar->ctx->limit_err;
            return -1;
        }
        ar->skip_failed = 0;
        return 0;
    }
    for (;;) {
        const void *blk;
        size_t len = 0;
        la_int64_t off;
        la_ssize_t r;

        if (ps_ar_check_time(ar->ctx)) {
            *err = ar->ctx->limit_err;
            return -1;
        }
        if (ar->entry_read == 0) {
            /* nothing read yet: libarchive's blocks, without a copy */
            r = archive_read_data_block(ar->a, &blk, &len, &off);
            if (r == ARCHIVE_EOF) {
                ar->skip_failed = 0;
                return 0;
            }
            if (r < ARCHIVE_WARN) {
                ar_fail(ar, err, ps_ar_member_path(ar));
                return -1;
            }
            r = (la_ssize_t)len;
        } else {
            if (ar->skipbuf == NULL && (ar->skipbuf = ps_malloc(NESTED_BUF_SIZE)) == NULL) {
                ps_err_fail(err, PS_E_OOM, 0, "out of memory");
                return -1;
            }
            r = archive_read_data(ar->a, ar->skipbuf, NESTED_BUF_SIZE);
            if (r == 0) {
                ar->skip_failed = 0;
                return 0;
            }
            if (r < 0) {
                ar_fail(ar, err, ps_ar_member_path(ar));
                return -1;
            }
        }
        ar->produced += (uint64_t)r;
        ar->ctx->stats.decoded_bytes += (uint64_t)r;
        ar->ctx->stats.skipped_bytes += (uint64_t)r;
        if (check_ratio(ar) < 0) {
            *err = ar->ctx->limit_err;
            return -1;
        }
    }
}

const char *ps_ar_error_member(const ps_ar *ar)
{
    return ar->skip_failed ? ps_ar_member_path(ar) : NULL;
}

int ps_ar_table_state(const ps_ar *ar, const char **why)
{
    if (why != NULL)
        *why = ar->hdr.result < 0 ? ar->hdr.err : NULL;
    return ar->tee ? ar->hdr.result : 0;
}

int ps_ar_next(ps_ar *ar, const char **name, ps_err *err)
{
    struct archive_entry *e = NULL;
    const char *n;
    int r;

    *name = NULL;
    ar->skip_failed = 0;
    if (ps_ar_check_time(ar->ctx)) {
        *err = ar->ctx->limit_err;
        return -1;
    }
    if (skip_rest(ar, err) < 0)
        return -1;
    r = archive_read_next_header(ar->a, &e);
    if (r == ARCHIVE_EOF)
        return 0;
    if (r < ARCHIVE_WARN) {
        ar_fail(ar, err, ar_label(ar));
        return -1;
    }
    if (ar->tee && ar->hdr.result == 1 && ar->members == 0)
        ar->ctx->stats.tables++;
    ar->members++;
    ar->ctx->stats.members++;
    if (ar->ctx->limits.max_members && ar->members > ar->ctx->limits.max_members) {
        limit_hit(ar->ctx, "%s has more than %zu members (limit max_members)", ar_label(ar),
                  ar->ctx->limits.max_members);
        *err = ar->ctx->limit_err;
        return -1;
    }
    n = archive_entry_pathname(e);
    if (n == NULL)
        n = "";
    ar->path.len = 0;
    if (ar->label[0] && (ps_buf_puts(&ar->path, ar->label) < 0 || ps_buf_puts(&ar->path, "/") < 0))
        goto oom;
    if (ps_ar_display_name(&ar->path, n) < 0)
        goto oom;
    ar->entry_size = archive_entry_size_is_set(e) ? (int64_t)archive_entry_size(e) : -1;
    ar->entry_read = 0;
    ar->entry_open = 1;
    *name = n;
    return 1;
oom:
    ps_err_fail(err, PS_E_OOM, 0, "out of memory");
    return -1;
}

const char *ps_ar_member_path(const ps_ar *ar)
{
    return ar->path.data ? ar->path.data : "";
}

int64_t ps_ar_member_size(const ps_ar *ar)
{
    return ar->entry_size;
}

unsigned ps_ar_depth(const ps_ar *ar)
{
    return ar->depth;
}

long ps_ar_read(ps_ar *ar, void *buf, size_t n, ps_err *err)
{
    la_ssize_t r;

    if (!ar->entry_open)
        return 0;
    if (ps_ar_check_time(ar->ctx)) {
        *err = ar->ctx->limit_err;
        return -1;
    }
    r = archive_read_data(ar->a, buf, n);
    if (r < 0) {
        ar_fail(ar, err, ps_ar_member_path(ar));
        return -1;
    }
    ar->entry_read += (uint64_t)r;
    ar->produced += (uint64_t)r;
    ar->ctx->stats.decoded_bytes += (uint64_t)r;
    if (check_ratio(ar) < 0) {
        *err = ar->ctx->limit_err;
        return -1;
    }
    return (long)r;
}

int ps_ar_read_member(ps_ar *ar, size_t cap, char **data, size_t *len, ps_err *err)
{
    return ps_ar_read_member_limit(ar, cap, "max_member_bytes", data, len, err);
}

int ps_ar_read_member_limit(ps_ar *ar, size_t cap, const char *limit, char **data, size_t *len,
                            ps_err *err)
{
    ps_buf b = {0};
    char chunk[16384];
    int rc = -1;

    *data = NULL;
    *len = 0;
    if (cap && ar->entry_size >= 0 && (uint64_t)ar->entry_size > (uint64_t)cap) {
        limit_hit(ar->ctx,
                  "member %s is %lld bytes, over the limit of %zu bytes (limit %s)",
                  ps_ar_member_path(ar), (long long)ar->entry_size, cap, limit);
        *err = ar->ctx->limit_err;
        goto out;
    }
    b.max = cap;
    ar->ctx->stats.members_read++;
    for (;;) {
        long n = ps_ar_read(ar, chunk, sizeof chunk, err);
        int r;

        if (n < 0)
            goto out;
        if (n == 0)
            break;
        r = ps_buf_append(&b, chunk, (size_t)n);
        if (r == -2) {
            limit_hit(ar->ctx, "member %s is over the limit of %zu bytes (limit %s)",
                      ps_ar_member_path(ar), cap, limit);
            *err = ar->ctx->limit_err;
            goto out;
        }
        if (r < 0) {
            ps_err_fail(err, PS_E_OOM, 0, "out of memory");
            goto out;
        }
    }
    *data = ps_buf_steal(&b, len);
    if (*data == NULL) {
        ps_err_fail(err, PS_E_OOM, 0, "out of memory");
        goto out;
    }
    rc = 0;
out:
    ps_buf_free(&b);
    return rc;
}

void ps_ar_close(ps_ar *ar)
{
    if (ar == NULL)
        return;
    if (ar->a != NULL)
        archive_read_free(ar->a);
    ps_buf_free(&ar->path);
    free(ar->skipbuf);
    free(ar->buf);
    free(ar->label);
    free(ar);
}

int ps_ar_name_unsafe(const char *name)
{
    const char *p = name;

    if (name[0] == '\0' || name[0] == '/')
        return 1;
    if (isalpha((unsigned char)name[0]) && name[1] == ':')
        return 1; /* a drive letter */
    if (strlen(name) > 1024)
        return 1;
    /* control bytes, C1 controls, line separators (a byte of a legacy code
     * page is not UTF-8: it is shown as an escape, and is no reason to
     * refuse) */
    for (size_t i = 0, n = strlen(name); i < n;) {
        unsigned long cp;
        size_t l = ps_utf8_decode((const unsigned char *)name + i, n - i, &cp);

        if (l == 0) {
            i++;
            continue;
        }
        if (cp < 0x20 || cp == 0x7f || (cp >= 0x80 && cp <= 0x9f) || cp == 0x2028 ||
            cp == 0x2029)
            return 1;
        i += l;
    }
    p = name;
    while (*p) {
        const char *s = strchr(p, '/');
        size_t n = s ? (size_t)(s - p) : strlen(p);

        if (n == 2 && p[0] == '.' && p[1] == '.')
            return 1;
        if (s == NULL)
            break;
        p = s + 1;
    }
    return 0;
}
