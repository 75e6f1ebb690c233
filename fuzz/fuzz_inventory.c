/*
 * fuzz_inventory.c - the inventory parser (--installed FILE): encodings,
 * RFC 4180 quoting, recognition of systeminfo, wmic, Get-HotFix and KB
 * lists.  A result must be normalised, sorted, unique and found again by
 * ps_inventory_has(), its machine name a host name; a failure must leave
 * nothing behind.  The input is also tried as a host name.
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
        FUZZ_CHECK(inv.host_name == NULL ||
                   ps_host_name_valid(inv.host_name, strlen(inv.host_name)) == 1);
        ps_inventory_free(&inv);
    } else {
        FUZZ_CHECK(err.msg[0] != '\0');
        FUZZ_CHECK(inv.kbs == NULL && inv.n_kbs == 0 && inv.format == NULL);
        FUZZ_CHECK(inv.os_version == NULL && inv.os_build == NULL && inv.host_name == NULL);
    }
    if (ps_host_name_valid((const char *)data, size)) {
        /* nothing a file name or a document could trip on */
        FUZZ_CHECK(size <= 253 && data[0] != '.' && data[0] != '-' && data[size - 1] != '.');
        for (size_t i = 0; i < size; i++)
            FUZZ_CHECK(data[i] == '.' || data[i] == '-' || data[i] == '_' ||
                       (data[i] >= '0' && data[i] <= '9') || (data[i] >= 'a' && data[i] <= 'z') ||
                       (data[i] >= 'A' && data[i] <= 'Z'));
    }
    return 0;
}
