/*
 * fuzz_archive.c - an archive given as the bundle (.zip, .tar, .tar.gz,
 * .7z, .iso, ...), read by streaming it: every package it yields is named
 * inside it, every finding names a file.
 */
#include "fuzz.h"
#include "bundle.h"

#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    ps_bundle b = {NULL, 0, 0};
    ps_findings f = {NULL, 0, 0};
    ps_read_opts o;

    ps_read_opts_default(&o);
    o.no_cache = 1;
    o.limits.max_seconds = 10;
    if (ps_bundle_read_archive_mem(&b, data, size, "fuzz.zip", &o, &f) == 0) {
        for (size_t i = 0; i < b.count; i++) {
            FUZZ_CHECK(strncmp(b.items[i].file, "fuzz.zip/", 9) == 0);
            FUZZ_CHECK(b.items[i].path == NULL);
        }
        for (size_t i = 0; i < f.count; i++)
            FUZZ_CHECK(f.items[i].file != NULL && f.items[i].message[0] != '\0');
    }
    ps_bundle_free(&b);
    ps_findings_free(&f);
    return 0;
}
