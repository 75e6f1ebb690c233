/*
 * fuzz_script.c - ps_script_rel_path, which turns a package's display path
 * into the path an install script names it by (below its root).
 *
 * The input is text: the first line is the file's display path, each
 * further line (at most MAX_ROOTS) a root given to the reader.  Checked:
 * on success the path is not empty, has no '/', and every component
 * between '\' is a safe file name other than "." and ".."; a failure
 * leaves no partial path behind that a caller could use (the function
 * says -1).
 */
#include "fuzz.h"
#include "plan.h"
#include "script.h"

#include <stdlib.h>
#include <string.h>

#define MAX_ROOTS 4

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = malloc(size + 1);
    char *lines[1 + MAX_ROOTS];
    size_t n = 0;
    char out[1024];
    ps_script_opts o;

    if (text == NULL)
        return 0;
    memcpy(text, data, size);
    text[size] = '\0';
    for (char *p = text; n < 1 + MAX_ROOTS;) {
        char *nl = strchr(p, '\n');

        lines[n++] = p;
        if (nl == NULL)
            break;
        *nl = '\0';
        p = nl + 1;
    }
    o.roots = (const char *const *)(lines + 1);
    o.n_roots = n - 1;
    if (ps_script_rel_path(lines[0], &o, out, sizeof out) == 0) {
        FUZZ_CHECK(out[0] != '\0' && strchr(out, '/') == NULL);
        for (char *c = out;;) {
            char *end = strchr(c, '\\');

            if (end)
                *end = '\0';
            FUZZ_CHECK(ps_file_name_safe(c) && strcmp(c, ".") != 0 && strcmp(c, "..") != 0);
            if (end == NULL)
                break;
            c = end + 1;
        }
    }
    /* a buffer too small is refused, never overrun */
    (void)ps_script_rel_path(lines[0], &o, out, 4);
    free(text);
    return 0;
}
