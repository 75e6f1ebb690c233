/*
 * file.c - files: reading a whole regular file under a cap, opening one
 * without blocking on a FIFO, replacing one atomically.
 */
#include "util.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <signal.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

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

/* data into the open fd, then (with a mode) fchmod and fsync, then close:
 * the file descriptor is closed in every case.  Messages name path. */
static int write_close(int fd, const char *path, const void *data, size_t len,
                       const mode_t *mode, char *err, size_t errlen)
{
    int e = 0;

    if (write_all(fd, data, len, &e) != 0) {
        snprintf(err, errlen, "%s: write failed: %s", path, strerror(e));
        close(fd);
        return -1;
    }
    if (mode != NULL && (fchmod(fd, *mode) != 0 || fsync(fd) != 0)) {
        snprintf(err, errlen, "%s: cannot flush: %s", path, strerror(errno));
        close(fd);
        return -1;
    }
    if (close(fd) != 0) {
        snprintf(err, errlen, "%s: close failed: %s", path, strerror(errno));
        return -1;
    }
    return 0;
}

/* data into a new file made from the mkstemp() pattern tmp (which becomes
 * its name), then renamed over target; with a mode, the file gets it and is
 * flushed to disk first (without, it stays 0600 and unflushed).  The
 * temporary file is removed on failure; messages name path. */
static int write_via_temp(const char *path, const char *target, char *tmp, const void *data,
                          size_t len, const mode_t *mode, char *err, size_t errlen)
{
    int fd = mkstemp(tmp);

    if (fd < 0) {
        snprintf(err, errlen, "%s: cannot create a temporary file: %s", path, strerror(errno));
        return -1;
    }
    if (write_close(fd, path, data, len, mode, err, errlen) != 0) {
        unlink(tmp);
        return -1;
    }
    if (rename(tmp, target) != 0) {
        snprintf(err, errlen, "%s: cannot rename into place: %s", path, strerror(errno));
        unlink(tmp);
        return -1;
    }
    return 0;
}

int ps_write_atomic(const char *path, const void *data, size_t len, char *err, size_t errlen)
{
    char *target = NULL, *tmp = NULL;
    int rc = -1, through_fd = 0;
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
            int fd = open(path, flags);

            if (fd < 0) {
                snprintf(err, errlen, "%s: cannot open: %s", path, strerror(errno));
                goto out;
            }
            rc = write_close(fd, path, data, len, NULL, err, errlen);
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
    rc = write_via_temp(path, target, tmp, data, len, &mode, err, errlen);
out:
    free(tmp);
    free(target);
    return rc;
}

int ps_write_atomic_nosync(const char *path, const void *data, size_t len, char *err,
                           size_t errlen)
{
    char *tmp = ps_asprintf("%s.tmp.XXXXXX", path);
    int rc;

    if (tmp == NULL) {
        snprintf(err, errlen, "%s: out of memory", path);
        return -1;
    }
    rc = write_via_temp(path, path, tmp, data, len, NULL, err, errlen);
    free(tmp);
    return rc;
}

int ps_open_regular_flags(const char *path, int oflags, char *err, size_t errlen, int *errnum)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK | oflags);
    struct stat st;
    int fl;

    if (fd < 0) {
        if (errnum)
            *errnum = errno;
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

int ps_open_regular(const char *path, char *err, size_t errlen)
{
    return ps_open_regular_flags(path, 0, err, errlen, NULL);
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

ps_read_fail ps_read_file(const char *path, size_t max, unsigned flags, char **data, size_t *len,
                          char *why, size_t whylen, int *errnum)
{
    ps_buf b = {0};
    char chunk[65536];
    ps_read_fail rc = PS_READ_OK;
    int fd;

    *data = NULL;
    *len = 0;
    if (errnum)
        *errnum = 0;
    fd = ps_open_regular_flags(path, (flags & PS_READ_NOFOLLOW) ? O_NOFOLLOW : 0, why, whylen,
                               errnum);
    if (fd < 0)
        return errnum && *errnum ? PS_READ_OPEN : PS_READ_NOT_REGULAR;
    b.max = max;
    for (;;) {
        ssize_t n = read(fd, chunk, sizeof chunk);
        int r;

        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            if (errnum)
                *errnum = errno;
            snprintf(why, whylen, "cannot read: %s", strerror(errno));
            rc = PS_READ_IO;
            goto out;
        }
        if (n == 0)
            break;
        r = ps_buf_append(&b, chunk, (size_t)n);
        if (r == -2) {
            snprintf(why, whylen, "larger than %zu bytes", max);
            rc = PS_READ_TOO_LARGE;
            goto out;
        }
        if (r != 0) {
            snprintf(why, whylen, "out of memory");
            rc = PS_READ_OOM;
            goto out;
        }
    }
    *data = b.data ? ps_buf_steal(&b, len) : ps_strdup("");
    if (*data == NULL) {
        snprintf(why, whylen, "out of memory");
        rc = PS_READ_OOM;
    }
out:
    close(fd);
    ps_buf_free(&b);
    return rc;
}
