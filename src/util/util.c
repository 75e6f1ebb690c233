/*
 * util.c - strings, buffers, vectors, atomic writes.
 */
#include "util.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

void ps_err_set(ps_err *e, ps_finding_code code, unsigned line, const char *fmt, ...)
{
    va_list ap;

    if (e == NULL)
        return;
    e->code = code;
    e->line = line;
    va_start(ap, fmt);
    vsnprintf(e->msg, sizeof e->msg, fmt, ap);
    va_end(ap);
}

char *ps_strdup(const char *s)
{
    return s ? ps_strndup(s, strlen(s)) : NULL;
}

char *ps_strndup(const char *s, size_t n)
{
    char *r;

    if (s == NULL)
        return NULL;
    r = malloc(n + 1);
    if (r == NULL)
        return NULL;
    memcpy(r, s, n);
    r[n] = '\0';
    return r;
}

char *ps_vasprintf(const char *fmt, va_list ap)
{
    va_list ap2;
    int n;
    char *r;

    va_copy(ap2, ap);
    n = vsnprintf(NULL, 0, fmt, ap2);
    va_end(ap2);
    if (n < 0)
        return NULL;
    r = malloc((size_t)n + 1);
    if (r == NULL)
        return NULL;
    vsnprintf(r, (size_t)n + 1, fmt, ap);
    return r;
}

char *ps_asprintf(const char *fmt, ...)
{
    va_list ap;
    char *r;

    va_start(ap, fmt);
    r = ps_vasprintf(fmt, ap);
    va_end(ap);
    return r;
}

bool ps_streq_ci(const char *a, const char *b)
{
    if (a == NULL || b == NULL)
        return a == b;
    for (; *a && *b; a++, b++)
        if (tolower((unsigned char)*a) != tolower((unsigned char)*b))
            return false;
    return *a == *b;
}

bool ps_has_suffix_ci(const char *s, const char *suffix)
{
    size_t ls, lx;

    if (s == NULL || suffix == NULL)
        return false;
    ls = strlen(s);
    lx = strlen(suffix);
    return ls >= lx && ps_streq_ci(s + ls - lx, suffix);
}

bool ps_has_prefix_ci(const char *s, const char *prefix)
{
    if (s == NULL || prefix == NULL)
        return false;
    for (; *prefix; s++, prefix++)
        if (*s == '\0' || tolower((unsigned char)*s) != tolower((unsigned char)*prefix))
            return false;
    return true;
}

int ps_set_str(char **dst, const char *src)
{
    char *c = NULL;

    if (src != NULL && (c = ps_strdup(src)) == NULL)
        return -1;
    free(*dst);
    *dst = c;
    return 0;
}

void ps_free_ptr(void *pp)
{
    void **p = pp;

    free(*p);
    *p = NULL;
}

char *ps_kb_normalize(const char *s)
{
    const char *d;
    size_t n = 0;

    if (s == NULL)
        return NULL;
    while (isspace((unsigned char)*s))
        s++;
    if (ps_has_prefix_ci(s, "kb"))
        s += 2;
    d = s;
    while (isdigit((unsigned char)d[n]))
        n++;
    if (n < 4 || n > 8)
        return NULL;
    for (const char *t = d + n; *t; t++)
        if (!isspace((unsigned char)*t))
            return NULL;
    return ps_asprintf("KB%.*s", (int)n, d);
}

const char *ps_basename(const char *s)
{
    const char *b = strrchr(s, '/');

    return b ? b + 1 : s;
}

static int buf_reserve(ps_buf *b, size_t extra)
{
    size_t need, cap;
    char *d;

    if (extra > SIZE_MAX - b->len - 1)
        return -1;
    need = b->len + extra + 1;
    if (b->max && need - 1 > b->max)
        return -2;
    if (need <= b->cap)
        return 0;
    cap = b->cap ? b->cap : 64;
    while (cap < need)
        cap = cap > SIZE_MAX / 2 ? need : cap * 2;
    d = realloc(b->data, cap);
    if (d == NULL)
        return -1;
    b->data = d;
    b->cap = cap;
    return 0;
}

int ps_buf_append(ps_buf *b, const void *data, size_t len)
{
    int r = buf_reserve(b, len);

    if (r < 0)
        return r;
    if (len)
        memcpy(b->data + b->len, data, len);
    b->len += len;
    b->data[b->len] = '\0';
    return 0;
}

int ps_buf_puts(ps_buf *b, const char *s)
{
    return ps_buf_append(b, s, strlen(s));
}

int ps_buf_printf(ps_buf *b, const char *fmt, ...)
{
    va_list ap;
    char *s;
    int r;

    va_start(ap, fmt);
    s = ps_vasprintf(fmt, ap);
    va_end(ap);
    if (s == NULL)
        return -1;
    r = ps_buf_puts(b, s);
    free(s);
    return r;
}

void ps_buf_free(ps_buf *b)
{
    free(b->data);
    b->data = NULL;
    b->len = b->cap = 0;
}

char *ps_buf_steal(ps_buf *b, size_t *len)
{
    char *d = b->data;

    if (d == NULL)
        d = ps_strdup("");
    if (len)
        *len = b->len;
    b->data = NULL;
    b->len = b->cap = 0;
    return d;
}

int ps_strv_push(char ***v, size_t *n, const char *s)
{
    char **nv;
    char *c = ps_strdup(s);

    if (c == NULL)
        return -1;
    nv = realloc(*v, (*n + 1) * sizeof **v);
    if (nv == NULL) {
        free(c);
        return -1;
    }
    nv[(*n)++] = c;
    *v = nv;
    return 0;
}

bool ps_strv_contains(char *const *v, size_t n, const char *s)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(v[i], s) == 0)
            return true;
    return false;
}

void ps_strv_free(char ***v, size_t *n)
{
    for (size_t i = 0; i < *n; i++)
        free((*v)[i]);
    free(*v);
    *v = NULL;
    *n = 0;
}

void ps_hex(const unsigned char *bytes, size_t n, char *out)
{
    static const char digits[] = "0123456789abcdef";

    for (size_t i = 0; i < n; i++) {
        out[2 * i] = digits[bytes[i] >> 4];
        out[2 * i + 1] = digits[bytes[i] & 15];
    }
    out[2 * n] = '\0';
}

/* The file a path names once symbolic links are followed: a link (or a
 * chain of them) is replaced by what it points to, resolved against the
 * link's folder; the last one may point to nothing yet.  NULL on a loop
 * or allocation failure (errno set). */
static int is_fd_link(const char *p)
{
    return strncmp(p, "/proc/", 6) == 0 || strncmp(p, "/dev/fd/", 8) == 0;
}

static char *follow_links(const char *path, int *through_fd)
{
    char *cur = ps_strdup(path);

    *through_fd = is_fd_link(path);

    for (int hops = 0; cur != NULL; hops++) {
        struct stat st;
        char target[4096];
        ssize_t n;
        char *next;

        if (lstat(cur, &st) != 0 || !S_ISLNK(st.st_mode))
            return cur;
        if (hops >= 40) {
            free(cur);
            errno = ELOOP;
            return NULL;
        }
        n = readlink(cur, target, sizeof target - 1);
        if (n < 0) {
            free(cur);
            return NULL;
        }
        target[n] = '\0';
        *through_fd |= is_fd_link(target);
        if (target[0] == '/' || strchr(cur, '/') == NULL) {
            next = ps_strdup(target);
        } else {
            const char *slash = strrchr(cur, '/');

            next = ps_asprintf("%.*s/%s", (int)(slash - cur), cur, target);
        }
        free(cur);
        cur = next;
    }
    errno = ENOMEM;
    return NULL;
}

/* Temporary files are "<name>.tmp.<pid>.XXXXXX" beside the target.  One
 * whose process is gone was left by a killed run: the next run writing
 * there removes it (only a regular file of ours, never anything else). */
static void remove_stale_temps(const char *target)
{
    const char *slash = strrchr(target, '/');
    char *dir = slash ? ps_strndup(target, (size_t)(slash - target) + (slash == target)) : ps_strdup(".");
    const char *base = slash ? slash + 1 : target;
    char *prefix = ps_asprintf("%s.tmp.", base);
    DIR *d = dir ? opendir(dir) : NULL;
    struct dirent *de;

    while (d != NULL && prefix != NULL && (de = readdir(d)) != NULL) {
        const char *rest;
        char *end;
        long pid;
        struct stat st;
        char *full;

        if (strncmp(de->d_name, prefix, strlen(prefix)) != 0)
            continue;
        rest = de->d_name + strlen(prefix);
        pid = strtol(rest, &end, 10);
        if (end == rest || *end != '.' || strlen(end + 1) != 6 || pid <= 0)
            continue;
        if (pid == (long)getpid() || kill((pid_t)pid, 0) == 0 || errno != ESRCH)
            continue;
        full = ps_asprintf("%s/%s", dir, de->d_name);
        if (full != NULL && lstat(full, &st) == 0 && S_ISREG(st.st_mode) &&
            st.st_uid == geteuid())
            unlink(full);
        free(full);
    }
    if (d != NULL)
        closedir(d);
    free(prefix);
    free(dir);
}

static int write_all(int fd, const char *p, size_t left, int *saved_errno)
{
    while (left > 0) {
        ssize_t w = write(fd, p, left);

        if (w < 0) {
            if (errno == EINTR)
                continue;
            *saved_errno = errno;
            return -1;
        }
        p += w;
        left -= (size_t)w;
    }
    return 0;
}

int ps_write_atomic(const char *path, const void *data, size_t len, char *err, size_t errlen)
{
    char *target = NULL, *tmp = NULL;
    int fd = -1, rc = -1, e = 0, through_fd = 0;
    struct stat st;
    mode_t mode = 0644;

    target = follow_links(path, &through_fd);
    if (target == NULL) {
        snprintf(err, errlen, "%s: cannot follow the link: %s", path, strerror(errno));
        goto out;
    }
    if (stat(path, &st) == 0) {
        struct stat tst;
        int flags = O_WRONLY | O_CLOEXEC | O_NOCTTY;

        if (S_ISDIR(st.st_mode)) {
            snprintf(err, errlen, "%s: is a directory", path);
            goto out;
        }
        /* a regular file reached through an open file descriptor
         * (/dev/stdout -> /proc/self/fd/1 -> the file the shell opened) is
         * written to through it, appending, never replaced */
        if (S_ISREG(st.st_mode) &&
            (through_fd || stat(target, &tst) != 0 || tst.st_dev != st.st_dev ||
             tst.st_ino != st.st_ino))
            flags |= O_APPEND;
        else if (S_ISREG(st.st_mode))
            flags = -1;
        if (flags != -1) {
            /* a device, FIFO or socket: written to as it is, never replaced */
            fd = open(path, flags);
            if (fd < 0) {
                snprintf(err, errlen, "%s: cannot open: %s", path, strerror(errno));
                goto out;
            }
            if (write_all(fd, data, len, &e) != 0) {
                snprintf(err, errlen, "%s: write failed: %s", path, strerror(e));
                goto out;
            }
            if (close(fd) != 0) {
                fd = -1;
                snprintf(err, errlen, "%s: close failed: %s", path, strerror(errno));
                goto out;
            }
            fd = -1;
            rc = 0;
            goto out;
        }
        mode = st.st_mode & 07777;
    } else if (errno != ENOENT) {
        snprintf(err, errlen, "%s: %s", path, strerror(errno));
        goto out;
    }
    remove_stale_temps(target);
    tmp = ps_asprintf("%s.tmp.%ld.XXXXXX", target, (long)getpid());
    if (tmp == NULL) {
        snprintf(err, errlen, "%s: out of memory", path);
        goto out;
    }
    fd = mkstemp(tmp);
    if (fd < 0) {
        snprintf(err, errlen, "%s: cannot create a temporary file: %s", path, strerror(errno));
        free(tmp);
        tmp = NULL;
        goto out;
    }
    if (write_all(fd, data, len, &e) != 0) {
        snprintf(err, errlen, "%s: write failed: %s", path, strerror(e));
        goto out;
    }
    if (fchmod(fd, mode) != 0 || fsync(fd) != 0) {
        snprintf(err, errlen, "%s: cannot flush: %s", path, strerror(errno));
        goto out;
    }
    if (close(fd) != 0) {
        fd = -1;
        snprintf(err, errlen, "%s: close failed: %s", path, strerror(errno));
        goto out;
    }
    fd = -1;
    if (rename(tmp, target) != 0) {
        snprintf(err, errlen, "%s: cannot rename into place: %s", path, strerror(errno));
        goto out;
    }
    rc = 0;
out:
    if (fd >= 0)
        close(fd);
    if (rc != 0 && tmp != NULL)
        unlink(tmp);
    free(tmp);
    free(target);
    return rc;
}

int ps_open_regular(const char *path, char *err, size_t errlen)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
    struct stat st;
    int fl;

    if (fd < 0) {
        snprintf(err, errlen, "cannot open: %s", strerror(errno));
        return -1;
    }
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        snprintf(err, errlen, "not a regular file (%s refused)",
                 S_ISDIR(st.st_mode)    ? "a directory is"
                 : S_ISFIFO(st.st_mode) ? "a FIFO is"
                 : S_ISSOCK(st.st_mode) ? "a socket is"
                                        : "a device is");
        close(fd);
        return -1;
    }
    fl = fcntl(fd, F_GETFL);
    if (fl >= 0)
        fcntl(fd, F_SETFL, fl & ~O_NONBLOCK);
    return fd;
}

FILE *ps_fopen_regular(const char *path, char *err, size_t errlen)
{
    int fd = ps_open_regular(path, err, errlen);
    FILE *f;

    if (fd < 0)
        return NULL;
    f = fdopen(fd, "rb");
    if (f == NULL) {
        snprintf(err, errlen, "cannot open: %s", strerror(errno));
        close(fd);
    }
    return f;
}

int ps_version_cmp(const char *a, const char *b)
{
    if (a == NULL || b == NULL)
        return (a != NULL) - (b != NULL);
    while (*a || *b) {
        unsigned long long x = 0, y = 0;

        while (*a >= '0' && *a <= '9')
            x = x * 10 + (unsigned)(*a++ - '0');
        while (*b >= '0' && *b <= '9')
            y = y * 10 + (unsigned)(*b++ - '0');
        if (x != y)
            return x < y ? -1 : 1;
        if (*a == '.')
            a++;
        else if (*a)
            return *b ? strcmp(a, b) : 1;
        if (*b == '.')
            b++;
        else if (*b)
            return -1;
    }
    return 0;
}

static int put_utf8(ps_buf *b, unsigned long cp)
{
    unsigned char u[4];
    size_t n;

    if (cp < 0x80) {
        u[0] = (unsigned char)cp;
        n = 1;
    } else if (cp < 0x800) {
        u[0] = (unsigned char)(0xC0 | (cp >> 6));
        u[1] = (unsigned char)(0x80 | (cp & 0x3F));
        n = 2;
    } else if (cp < 0x10000) {
        u[0] = (unsigned char)(0xE0 | (cp >> 12));
        u[1] = (unsigned char)(0x80 | ((cp >> 6) & 0x3F));
        u[2] = (unsigned char)(0x80 | (cp & 0x3F));
        n = 3;
    } else {
        u[0] = (unsigned char)(0xF0 | (cp >> 18));
        u[1] = (unsigned char)(0x80 | ((cp >> 12) & 0x3F));
        u[2] = (unsigned char)(0x80 | ((cp >> 6) & 0x3F));
        u[3] = (unsigned char)(0x80 | (cp & 0x3F));
        n = 4;
    }
    return ps_buf_append(b, u, n);
}

static unsigned long utf16_unit(const unsigned char *p, int big_endian)
{
    return big_endian ? ((unsigned long)p[0] << 8 | p[1]) : ((unsigned long)p[1] << 8 | p[0]);
}

int ps_utf16_to_utf8(const unsigned char *p, size_t len, int big_endian, ps_buf *out,
                     unsigned *line)
{
    unsigned ln = 1;

    if (len % 2 != 0)
        return -2;
    for (size_t i = 0; i < len; i += 2) {
        unsigned long c = utf16_unit(p + i, big_endian);

        if (c >= 0xD800 && c <= 0xDBFF) {
            unsigned long lo = i + 3 < len ? utf16_unit(p + i + 2, big_endian) : 0;

            if (lo < 0xDC00 || lo > 0xDFFF)
                goto bad;
            c = 0x10000 + ((c - 0xD800) << 10) + (lo - 0xDC00);
            i += 2;
        } else if (c >= 0xDC00 && c <= 0xDFFF) {
            goto bad;
        }
        if (c == '\n')
            ln++;
        if (put_utf8(out, c) != 0)
            return -1;
    }
    return 0;
bad:
    if (line)
        *line = ln;
    return -3;
}

/* Damerau-Levenshtein distance (optimal string alignment), case-blind,
 * of two short words; large for long ones. */
static size_t distance(const char *a, const char *b)
{
    size_t n = strlen(a), m = strlen(b), d[33][33];

    if (n > 32 || m > 32)
        return 99;
    for (size_t i = 0; i <= n; i++)
        d[i][0] = i;
    for (size_t j = 0; j <= m; j++)
        d[0][j] = j;
    for (size_t i = 1; i <= n; i++)
        for (size_t j = 1; j <= m; j++) {
            int ca = a[i - 1] | 0x20, cb = b[j - 1] | 0x20;
            size_t best = d[i - 1][j - 1] + (ca != cb);

            if (d[i - 1][j] + 1 < best)
                best = d[i - 1][j] + 1;
            if (d[i][j - 1] + 1 < best)
                best = d[i][j - 1] + 1;
            if (i > 1 && j > 1 && ca == (b[j - 2] | 0x20) && (a[i - 2] | 0x20) == cb &&
                d[i - 2][j - 2] + 1 < best)
                best = d[i - 2][j - 2] + 1;
            d[i][j] = best;
        }
    return d[n][m];
}

const char *ps_did_you_mean(const char *word, const char *const *cands, size_t n)
{
    const char *best = NULL;
    size_t bestd = 99, len = strlen(word);
    size_t limit = len <= 6 ? 1 : 2;

    for (size_t i = 0; i < n; i++) {
        size_t d = distance(word, cands[i]);

        if (d < bestd) {
            bestd = d;
            best = cands[i];
        }
    }
    return bestd <= limit ? best : NULL;
}

const char *ps_error_code_name(ps_error_code code)
{
    static const char *const names[PS_E__COUNT] = {"none", "oom", "io", "format", "limit", "usage"};

    return (unsigned)code < PS_E__COUNT ? names[code] : "unknown";
}

ps_error_code ps_error_set(ps_error *e, ps_error_code code, const char *fmt, ...)
{
    va_list ap;

    if (e == NULL)
        return code;
    e->code = code;
    va_start(ap, fmt);
    vsnprintf(e->message, sizeof e->message, fmt, ap);
    va_end(ap);
    return code;
}
