/*
 * fuzz_package.c - the package reader, outer and nested cabinets: the
 * input is a whole .msu or update .cab, read from memory
 * (ps_package_read_mem) exactly as a file would be, with the default
 * limits.  It is read three times, under an .msu name, a .cab name and a
 * name of neither (the file name decides what is expected of the file).
 *
 * Checked: the result code is 0 or 1, never -1 (no allocation fails
 * here); every finding is on the file, and its message and member are
 * valid UTF-8 without control characters (they go into JSON and
 * terminals); a readable package has an identity or a KB; a file that is
 * not a package (1) has a foreign-file finding.
 */
#include "fuzz.h"
#include "reader.h"

#include <string.h>

static const char *const names[] = {
    "Windows6.0-KB4474419-v4-x64.msu",
    "Windows6.1-KB4538483-x64.cab",
    "update.bin",
};

/* 1 when s is valid UTF-8 without control characters other than tab. */
static int clean_text(const char *s)
{
    const unsigned char *p = (const unsigned char *)s;

    while (*p) {
        size_t n, i;

        if (*p < 0x80) {
            if ((*p < 0x20 && *p != '\t') || *p == 0x7f)
                return 0;
            p++;
            continue;
        }
        if (*p >= 0xc2 && *p <= 0xdf)
            n = 2;
        else if (*p >= 0xe0 && *p <= 0xef)
            n = 3;
        else if (*p >= 0xf0 && *p <= 0xf4)
            n = 4;
        else
            return 0;
        for (i = 1; i < n; i++)
            if ((p[i] & 0xc0) != 0x80)
                return 0;
        if ((p[0] == 0xe0 && p[1] < 0xa0) || (p[0] == 0xed && p[1] > 0x9f) ||
            (p[0] == 0xf0 && p[1] < 0x90) || (p[0] == 0xf4 && p[1] > 0x8f))
            return 0;
        p += n;
    }
    return 1;
}

static void read_as(const uint8_t *data, size_t size, const char *display, int hash)
{
    ps_read_opts o;
    ps_package p;
    ps_findings f = {0};
    ps_ar_stats st;
    int rc;

    ps_read_opts_default(&o);
    o.hash = hash;
    rc = ps_package_read_mem(&p, data, size, display, &o, &f, &st);
    FUZZ_CHECK(rc == 0 || rc == 1);
    FUZZ_CHECK(p.file != NULL && strcmp(p.file, display) == 0 && p.path == NULL);
    FUZZ_CHECK(p.size == size);
    FUZZ_CHECK(st.file_bytes <= size);
    FUZZ_CHECK(st.max_depth <= o.limits.max_depth);
    if (rc == 1)
        FUZZ_CHECK(ps_findings_count_code(&f, PS_F_FOREIGN_FILE) == 1 && !p.readable);
    if (p.readable)
        FUZZ_CHECK(p.identity.name != NULL || p.kb != NULL);
    if (p.kb != NULL)
        FUZZ_CHECK(p.kb_source != PS_KB_SOURCE_NONE && strncmp(p.kb, "KB", 2) == 0);
    FUZZ_CHECK(p.hashed == (hash && size >= 4 && memcmp(data, "MSCF", 4) == 0));
    if (p.hashed)
        FUZZ_CHECK(strlen(p.sha256) == 64 && strlen(p.sha1) == 40);
    for (size_t i = 0; i < f.count; i++) {
        const ps_finding *x = &f.items[i];

        FUZZ_CHECK(x->file != NULL && strcmp(x->file, display) == 0);
        FUZZ_CHECK(x->message != NULL && x->message[0] != '\0' && clean_text(x->message));
        FUZZ_CHECK(x->member == NULL || clean_text(x->member));
    }
    ps_findings_free(&f);
    ps_package_free(&p);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    for (size_t i = 0; i < PS_ARRAY_LEN(names); i++)
        read_as(data, size, names[i], i == 0);
    return 0;
}
