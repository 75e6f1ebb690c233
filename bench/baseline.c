/*
 * baseline.c - the physical limit of reading a package's metadata, for
 * bench/bench.py: the least a streaming reader must do.
 *
 *   baseline FILE...
 *
 * For each .msu: streams it with libarchive, skips to the first member
 * named *.cab that is not WSUSSCAN.cab, opens that update cab nested
 * (its bytes pulled from the outer member, nothing written), skips to
 * update.mum, reads it whole and stops.  A bare .cab: update.mum in it.
 * No parsing, no checks, no output but a count: what is left of patchseq's
 * reading cost beyond this is the cost of what patchseq does with the bytes.
 * Built by bench.py with `cc -O2 bench/baseline.c -larchive`.
 */
#include <archive.h>
#include <archive_entry.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

struct nested {
    struct archive *outer;
    char buf[16384];
};

static la_ssize_t pull(struct archive *a, void *cd, const void **out)
{
    struct nested *n = cd;

    (void)a;
    *out = n->buf;
    return archive_read_data(n->outer, n->buf, sizeof n->buf);
}

static int ends_with(const char *s, const char *suffix)
{
    size_t a = strlen(s), b = strlen(suffix);

    return a >= b && strcasecmp(s + a - b, suffix) == 0;
}

/* Reads update.mum of the cab in `a`; its length, or -1. */
static long read_mum(struct archive *a)
{
    struct archive_entry *e;
    char buf[16384];

    while (archive_read_next_header(a, &e) == ARCHIVE_OK) {
        long len = 0;
        la_ssize_t n;

        if (strcasecmp(archive_entry_pathname(e), "update.mum") != 0)
            continue;
        while ((n = archive_read_data(a, buf, sizeof buf)) > 0)
            len += n;
        return n < 0 ? -1 : len;
    }
    return -1;
}

static long one(const char *path)
{
    struct archive *a = archive_read_new();
    struct archive_entry *e;
    long len = -1;
    int fd = open(path, O_RDONLY);

    archive_read_support_format_cab(a);
    if (fd < 0 || archive_read_open_fd(a, fd, 65536) != ARCHIVE_OK)
        goto out;
    if (ends_with(path, ".cab")) {
        len = read_mum(a);
        goto out;
    }
    while (archive_read_next_header(a, &e) == ARCHIVE_OK) {
        const char *name = archive_entry_pathname(e);
        static struct nested n;
        struct archive *in;

        if (!ends_with(name, ".cab") || strcasecmp(name, "WSUSSCAN.cab") == 0)
            continue;
        n.outer = a;
        in = archive_read_new();
        archive_read_support_format_cab(in);
        if (archive_read_open(in, &n, NULL, pull, NULL) == ARCHIVE_OK)
            len = read_mum(in);
        archive_read_free(in);
        break;
    }
out:
    archive_read_free(a);
    if (fd >= 0)
        close(fd);
    return len;
}

int main(int argc, char **argv)
{
    long total = 0;
    int bad = 0;

    for (int i = 1; i < argc; i++) {
        long n = one(argv[i]);

        if (n < 0) {
            fprintf(stderr, "baseline: no update.mum read in %s\n", argv[i]);
            bad = 1;
        } else {
            total += n;
        }
    }
    printf("%d packages, %ld bytes of update.mum\n", argc - 1, total);
    return bad;
}
