/*
 * fuzz_wsus.c - WSUSSCAN package.xml (OfflineSyncPackage).
 */
#include "fuzz.h"
#include "parse.h"

#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    ps_wsus_info w;
    ps_err err = {0};

    if (ps_wsus_parse(data, size, 4u << 20, &w, &err) == 0) {
        FUZZ_CHECK(w.update_id != NULL && strlen(w.update_id) == 36);
        FUZZ_CHECK(w.classification == NULL || strlen(w.classification) == 36);
        for (size_t i = 0; i < w.n_prerequisites; i++)
            FUZZ_CHECK(strlen(w.prerequisites[i]) == 36);
        for (size_t i = 0; i < w.n_superseded_by; i++)
            FUZZ_CHECK(w.superseded_by[i][0] != '\0');
        ps_wsus_info_free(&w);
    } else {
        FUZZ_CHECK(err.msg[0] != '\0');
        FUZZ_CHECK(w.update_id == NULL && w.prerequisites == NULL);
    }
    return 0;
}
