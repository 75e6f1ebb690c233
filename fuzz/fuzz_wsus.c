/*
 * fuzz_wsus.c - WSUSSCAN package.xml (OfflineSyncPackage), and the same
 * input as a localized/<lang>/<RevisionId> fragment (its title).
 */
#include "fuzz.h"
#include "parse.h"

#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    ps_wsus_info w;
    ps_err err = {0};
    char *title = NULL;
    char month[8];

    if (ps_wsus_parse(data, size, 4u << 20, &w, &err) == 0) {
        FUZZ_CHECK(w.update_id != NULL && strlen(w.update_id) == 36);
        FUZZ_CHECK(w.classification == NULL || strlen(w.classification) == 36);
        for (size_t i = 0; i < w.n_prerequisites; i++)
            FUZZ_CHECK(strlen(w.prerequisites[i]) == 36);
        for (size_t i = 0; i < w.n_superseded_by; i++)
            FUZZ_CHECK(w.superseded_by[i][0] != '\0');
    } else {
        FUZZ_CHECK(err.msg[0] != '\0');
        FUZZ_CHECK(w.update_id == NULL && w.prerequisites == NULL);
    }
    if (w.update_id != NULL)
        FUZZ_CHECK(w.revision_id == NULL || (strlen(w.revision_id) >= 1 && strlen(w.revision_id) <= 10));
    ps_wsus_info_free(&w);
    err.msg[0] = '\0';
    if (ps_wsus_title_parse(data, size, 4u << 20, &title, &err) == 0) {
        size_t n = title ? strlen(title) : 0;

        FUZZ_CHECK(title == NULL || (n >= 1 && n <= 255));
        for (size_t i = 0; i < n; i++)
            FUZZ_CHECK(title[i] >= 0x20 && title[i] <= 0x7e);
        (void)ps_wsus_title_kind(title, month);
        FUZZ_CHECK(month[0] == '\0' || (strlen(month) == 7 && month[4] == '-'));
        free(title);
    } else {
        FUZZ_CHECK(err.msg[0] != '\0' && title == NULL);
    }
    return 0;
}
