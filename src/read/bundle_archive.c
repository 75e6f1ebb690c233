/*
 * bundle_archive.c - an archive given as a path (.zip, .tar, .7z, .iso,
 * ...) read as a folder: each member streamed through libarchive into
 * memory and read as a package from there; nothing is written to disk.
 */
#include "bundle_int.h"
#include "ps_archive.h"
#include "reader.h"

#include <archive.h>
#include <archive_entry.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* A member of an archive bundle is read into memory: the largest one. */
#define MAX_ARCHIVE_MEMBER ((size_t)2 << 30)

int ps_bundle_is_archive(const char *path)
{
    static const char *const ext[] = {".zip", ".tar", ".tar.gz", ".tgz", ".tar.bz2", ".tbz2",
                                      ".tar.xz", ".txz", ".tar.zst", ".7z", ".iso"};

    for (size_t i = 0; path && i < PS_ARRAY_LEN(ext); i++)
        if (ps_has_suffix_ci(path, ext[i]))
            return 1;
    return 0;
}

static int arch_note(struct item *it, ps_finding_code code, const char *member,
                     const char *fmt, ...) PS_PRINTF(4, 5);

static int arch_note(struct item *it, ps_finding_code code, const char *member,
                     const char *fmt, ...)
{
    ps_buf name = {0};
    ps_where w = {NULL, NULL, 0, PS_ARCH_NONE, NULL, NULL};
    va_list ap;
    int r;

    if (ps_ar_display_name(&name, member ? member : it->display) != 0)
        return -1;
    w.file = name.data;
    va_start(ap, fmt);
    r = ps_findings_addv(&it->found, code, &w, fmt, ap);
    va_end(ap);
    ps_buf_free(&name);
    return r;
}

static int cmp_pkg_file(const void *a, const void *b)
{
    return strcmp(((const ps_package *)a)->file, ((const ps_package *)b)->file);
}

int bundle_push(ps_bundle *b, ps_package *p);

/* Why a member is not read as a package (and the finding that says so),
 * or NULL when it is read. */
static const char *not_read(struct archive_entry *e, const char *name, ps_finding_code *code)
{
    if (archive_entry_filetype(e) == AE_IFLNK) {
        *code = PS_F_LINK_NOT_FOLLOWED;
        return "symbolic link inside an archive not followed";
    }
    if (archive_entry_filetype(e) != AE_IFREG) {
        *code = PS_F_FOREIGN_FILE;
        return "not a regular file";
    }
    if (bundle_is_installer(name)) {
        *code = PS_F_UNPLANNED_INSTALLER;
        return "a Windows installer, not an update package: patchseq cannot order it; install "
               "it by hand or leave it out of the bundle";
    }
    if (archive_entry_size_is_set(e) &&
        (uint64_t)archive_entry_size(e) > (uint64_t)MAX_ARCHIVE_MEMBER) {
        *code = PS_F_UNREADABLE_PACKAGE;
        return "larger than 2 GiB: too large to read from an archive";
    }
    return NULL;
}

int bundle_read_archive(struct item *it, const ps_read_opts *opts, const void *mem, size_t memlen)
{
    struct archive *a = archive_read_new();
    struct archive_entry *e;
    unsigned char *buf = NULL;
    size_t members = 0;
    int fd = -1, rc = -1, r;

    if (a == NULL)
        return -1;
    archive_read_support_filter_all(a);
    archive_read_support_format_all(a);
    if (mem == NULL) {
        fd = open(it->path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
        if (fd < 0) {
            rc = arch_note(it, PS_F_UNREADABLE_PACKAGE, NULL, "cannot open the archive: %s",
                           strerror(errno));
            goto out;
        }
    }
    if ((mem ? archive_read_open_memory(a, mem, memlen) : archive_read_open_fd(a, fd, 65536)) !=
        ARCHIVE_OK) {
        rc = arch_note(it, PS_F_UNREADABLE_PACKAGE, NULL, "cannot read the archive: %s",
                       archive_error_string(a));
        goto out;
    }
    while ((r = archive_read_next_header(a, &e)) == ARCHIVE_OK || r == ARCHIVE_WARN) {
        const char *name = archive_entry_pathname(e);
        char *display;
        size_t len = 0, cap = 0;
        ps_package pkg;
        const char *why;
        ps_finding_code code;
        int got;

        if (name == NULL)
            continue;
        while (name[0] == '.' && name[1] == '/')
            name += 2;
        if (name[0] == '\0' || archive_entry_filetype(e) == AE_IFDIR)
            continue;
        display = bundle_join(it->display, name);
        if (display == NULL)
            goto out;
        if (opts->limits.max_members && ++members > opts->limits.max_members) {
            free(display);
            rc = arch_note(it, PS_F_UNSAFE_INPUT, NULL,
                           "the archive has more than %zu members (limit max_members); the rest "
                           "is not read", opts->limits.max_members);
            goto out;
        }
        if ((why = not_read(e, name, &code)) != NULL) {
            got = arch_note(it, code, display, "%s", why);
            free(display);
            if (got < 0)
                goto out;
            continue;
        }
        /* the member, streamed into memory */
        for (;;) {
            la_ssize_t n;

            if (len == cap) {
                size_t ncap = cap ? cap * 2 : 1 << 20;
                unsigned char *nb;

                if (ncap > MAX_ARCHIVE_MEMBER + 1)
                    ncap = MAX_ARCHIVE_MEMBER + 1;
                if (len >= MAX_ARCHIVE_MEMBER)
                    break;
                nb = ps_realloc(buf, ncap);
                if (nb == NULL) {
                    free(display);
                    goto out;
                }
                buf = nb;
                cap = ncap;
            }
            n = archive_read_data(a, buf + len, cap - len);
            if (n == 0)
                break;
            if (n < 0) {
                got = arch_note(it, PS_F_UNREADABLE_PACKAGE, display, "cannot read it from the "
                                "archive: %s", archive_error_string(a));
                free(display);
                if (got < 0)
                    goto out;
                rc = 0;
                goto out; /* the stream cannot go on */
            }
            len += (size_t)n;
            if (opts->limits.max_ratio && len > (1u << 20) &&
                len / opts->limits.max_ratio > (size_t)archive_filter_bytes(a, -1)) {
                got = arch_note(it, PS_F_UNSAFE_INPUT, display, "the archive decompresses at "
                                "more than %u:1 (limit max_ratio); not read further",
                                opts->limits.max_ratio);
                free(display);
                rc = got < 0 ? -1 : 0;
                goto out;
            }
        }
        if (len >= MAX_ARCHIVE_MEMBER) {
            got = arch_note(it, PS_F_UNREADABLE_PACKAGE, display,
                            "larger than 2 GiB: too large to read from an archive");
            free(display);
            if (got < 0)
                goto out;
            continue;
        }
        got = ps_package_read_mem(&pkg, buf, len, display, opts, &it->found, NULL);
        free(display);
        if (got < 0) {
            ps_package_free(&pkg);
            goto out;
        }
        if (got == 1) {
            it->n_foreign++;
            ps_package_free(&pkg);
        } else if (bundle_push(&it->sub, &pkg) < 0) {
            ps_package_free(&pkg);
            goto out;
        }
    }
    if (r != ARCHIVE_EOF) {
        rc = arch_note(it, PS_F_UNREADABLE_PACKAGE, NULL, "cannot read the archive: %s",
                       archive_error_string(a));
        goto out;
    }
    if (it->sub.count > 1)
        qsort(it->sub.items, it->sub.count, sizeof *it->sub.items, cmp_pkg_file);
    rc = 0;
out:
    free(buf);
    archive_read_free(a);
    if (fd >= 0)
        close(fd);
    return rc;
}

