/*
 * fuzz_waivers.c - the waivers file of validate (--waivers FILE), then the
 * waivers applied to a few findings.  A parse that succeeds gives waivers
 * with a known code, a reason and a date or none; a failure names a line;
 * applying never marks a finding of another code.
 */
#include "fuzz.h"
#include "waivers.h"

#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    ps_waivers w = {NULL, 0};
    ps_findings f = {NULL, 0, 0};
    ps_where a = {"a.msu", NULL, 0, PS_ARCH_X64, "6.0", "KB4512476"};
    ps_where b = {"b.msu", NULL, 0, PS_ARCH_NONE, NULL, NULL};
    char err[512] = "";
    int r = ps_waivers_parse(&w, (const char *)data, size, "w.txt", err, sizeof err);

    if (r == 0) {
        for (size_t i = 0; i < w.count; i++) {
            FUZZ_CHECK((unsigned)w.items[i].code < PS_F__COUNT);
            FUZZ_CHECK(w.items[i].reason != NULL && w.items[i].reason[0] != '\0');
            FUZZ_CHECK(w.items[i].text != NULL && w.items[i].line >= 1);
            FUZZ_CHECK(w.items[i].expires[0] == '\0' || strlen(w.items[i].expires) == 10);
            FUZZ_CHECK(w.items[i].kb == NULL || strncmp(w.items[i].kb, "KB", 2) == 0);
        }
        if (ps_findings_add(&f, PS_F_SUPERSEDED, &a, "superseded") == 0 &&
            ps_findings_add(&f, PS_F_FOREIGN_FILE, &b, "foreign") == 0 &&
            ps_waivers_apply(&w, &f, "2026-12-01") == 0) {
            for (size_t i = 0; i < 2; i++) {
                int any = 0;

                for (size_t k = 0; k < w.count; k++)
                    any |= w.items[k].code == f.items[i].code;
                FUZZ_CHECK(!f.items[i].waived || any);
            }
            for (size_t i = 2; i < f.count; i++)
                FUZZ_CHECK(f.items[i].code == PS_F_EXPIRED_WAIVER ||
                           f.items[i].code == PS_F_UNUSED_WAIVER);
        }
    } else {
        FUZZ_CHECK(err[0] != '\0');
    }
    ps_findings_free(&f);
    ps_waivers_free(&w);
    return 0;
}
