/*
 * fuzz_diff.c - `patchseq diff` of two plan documents: the input is two
 * JSON texts separated by a NUL byte (or one, compared with itself).  Any
 * JSON must give a patchseq.diff/1 document, and its text, Markdown and
 * JSON renderings; a document compared with itself has no change.
 */
#include "fuzz.h"
#include "cli.h"

#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const uint8_t *nul = memchr(data, '\0', size);
    size_t na = nul ? (size_t)(nul - data) : size;
    json_t *a = json_loadb((const char *)data, na, 0, NULL);
    json_t *b = nul ? json_loadb((const char *)nul + 1, size - na - 1, 0, NULL) : json_incref(a);
    static const char *const formats[] = {"text", "md", "json"};

    if (a != NULL && b != NULL) {
        json_t *d = ps_diff_plans(a, b, "old", "new");

        if (d != NULL) {
            FUZZ_CHECK(strcmp(json_string_value(json_object_get(d, "schema")),
                              "patchseq.diff/1") == 0);
            FUZZ_CHECK(json_is_boolean(json_object_get(d, "changed")));
            if (!nul)
                FUZZ_CHECK(json_is_false(json_object_get(d, "changed")));
            for (size_t i = 0; i < 3; i++) {
                size_t len = 0;
                char *s = ps_diff_render(formats[i], d, &len);

                FUZZ_CHECK(s == NULL || strlen(s) == len);
                free(s);
            }
            json_decref(d);
        }
    }
    json_decref(a);
    json_decref(b);
    return 0;
}
