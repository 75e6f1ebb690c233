/*
 * fuzz_inventory.c - the inventory parser (--installed FILE): encodings,
 * RFC 4180 quoting, recognition of systeminfo, wmic, Get-HotFix and KB
 * lists.  A result must be normalised, sorted, unique and found again by
 * ps_inventory_has(); a failure must leave nothing behind.
 */
#include "fuzz.h"
#include "inventory.h"

#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    ps_inventory inv;
    ps_err err = {0};

    if (ps_inventory_parse(data, size, &inv, &err) == 0) {
        FUZZ_CHECK(inv.format != NULL);
        FUZZ_CHECK((inv.n_kbs == 0) == (inv.kbs == NULL));
        for (size_t i = 0; i < inv.n_kbs; i++) {
            FUZZ_CHECK(strncmp(inv.kbs[i], "KB", 2) == 0);
            FUZZ_CHECK(ps_inventory_has(&inv, inv.kbs[i]) == 1);
            FUZZ_CHECK(i == 0 || strcmp(inv.kbs[i - 1], inv.kbs[i]) != 0);
        }
        FUZZ_CHECK(inv.os_build == NULL || inv.os_version != NULL);
        ps_inventory_free(&inv);
    } else {
        FUZZ_CHECK(err.msg[0] != '\0');
        FUZZ_CHECK(inv.kbs == NULL && inv.n_kbs == 0 && inv.format == NULL);
        FUZZ_CHECK(inv.os_version == NULL && inv.os_build == NULL);
    }
    return 0;
}
