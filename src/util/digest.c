/*
 * digest.c - SHA-256 and SHA-1 of bytes in one pass (see digest.h).
 */
#include "digest.h"

#include <errno.h>
#include <fcntl.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

ps_digest_fail ps_digest(int fd, const void *mem, size_t len, size_t piece,
                         ps_digest_tick_fn *tick, void *user, char sha256[65], char sha1[41],
                         uint64_t *size, char *why, size_t whylen)
{
    EVP_MD_CTX *c256 = EVP_MD_CTX_new(), *c1 = EVP_MD_CTX_new();
    unsigned char *buf = NULL, md[EVP_MAX_MD_SIZE];
    unsigned mdlen = 0;
    uint64_t total = 0;
    ps_digest_fail rc = PS_DIGEST_FAILED;

    if (c256 == NULL || c1 == NULL || !EVP_DigestInit_ex(c256, EVP_sha256(), NULL) ||
        !EVP_DigestInit_ex(c1, EVP_sha1(), NULL)) {
        snprintf(why, whylen, "cannot start hashing");
        goto out;
    }
    for (size_t at = 0; fd < 0 && at < len;) {
        size_t n = len - at < piece ? len - at : piece;

        if (!EVP_DigestUpdate(c256, (const unsigned char *)mem + at, n) ||
            !EVP_DigestUpdate(c1, (const unsigned char *)mem + at, n))
            goto fail;
        at += n;
        total += n;
        if (tick && tick(user)) {
            rc = PS_DIGEST_STOPPED;
            goto out;
        }
    }
    if (fd >= 0 && (buf = ps_malloc(piece)) == NULL) {
        snprintf(why, whylen, "out of memory");
        goto out;
    }
#ifdef POSIX_FADV_SEQUENTIAL
    if (fd >= 0)
        (void)posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL);
#endif
    while (fd >= 0) {
        ssize_t n;

        if (tick && tick(user)) {
            rc = PS_DIGEST_STOPPED;
            goto out;
        }
        n = pread(fd, buf, piece, (off_t)total);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            snprintf(why, whylen, "read error while hashing: %s", strerror(errno));
            rc = PS_DIGEST_IO;
            goto out;
        }
        if (n == 0)
            break;
        if (!EVP_DigestUpdate(c256, buf, (size_t)n) || !EVP_DigestUpdate(c1, buf, (size_t)n))
            goto fail;
        total += (uint64_t)n;
    }
    if (!EVP_DigestFinal_ex(c256, md, &mdlen) || mdlen != 32)
        goto fail;
    if (sha256)
        ps_hex(md, 32, sha256);
    if (!EVP_DigestFinal_ex(c1, md, &mdlen) || mdlen != 20)
        goto fail;
    if (sha1)
        ps_hex(md, 20, sha1);
    if (size)
        *size = total;
    rc = PS_DIGEST_OK;
    goto out;
fail:
    snprintf(why, whylen, "hashing failed");
out:
    free(buf);
    EVP_MD_CTX_free(c256);
    EVP_MD_CTX_free(c1);
    return rc;
}

int ps_file_digests(const char *path, char sha256[65], char sha1[41], uint64_t *size, char *err,
                    size_t errlen)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
    struct stat st;
    int rc = -1;

    if (fd < 0) {
        snprintf(err, errlen, "cannot open: %s", strerror(errno));
        return -1;
    }
    if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode))
        snprintf(err, errlen, "not a regular file");
    else if (ps_digest(fd, NULL, 0, 65536, NULL, NULL, sha256, sha1, size, err, errlen) ==
             PS_DIGEST_OK)
        rc = 0;
    close(fd);
    return rc;
}
