/*
 * fuzz_mum.c - update.mum / sub-package .mum parsing, and component
 * manifest member names (the first line of the input).
 */
#include "fuzz.h"
#include "parse.h"

#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    ps_mum m;
    ps_err err = {0};
    char member[512];
    char *name = NULL, *version = NULL;
    size_t n = 0;

    if (ps_mum_parse(data, size, 1u << 20, &m, &err) == 0) {
        FUZZ_CHECK(m.identity.name != NULL && m.identity.version != NULL);
        FUZZ_CHECK(m.identifier != NULL || m.kb == NULL);
        for (size_t i = 0; i < m.n_children; i++)
            FUZZ_CHECK(ps_has_suffix_ci(m.children[i], ".mum"));
        for (size_t i = 0; i < m.n_components; i++)
            FUZZ_CHECK(ps_mum_component_version(&m, m.components[i].name) != NULL);
        ps_mum_free(&m);
    } else {
        FUZZ_CHECK(err.msg[0] != '\0');
        FUZZ_CHECK(m.identity.name == NULL && m.children == NULL && m.components == NULL);
    }

    while (n < size && n < sizeof member - 1 && data[n] != '\n' && data[n] != '\0') {
        member[n] = (char)data[n];
        n++;
    }
    member[n] = '\0';
    if (ps_manifest_name_parse(member, &name, &version) == 0) {
        FUZZ_CHECK(name[0] != '\0' && version[0] != '\0');
        FUZZ_CHECK(strstr(member, name) != NULL && strstr(member, version) != NULL);
        free(name);
        free(version);
    } else {
        FUZZ_CHECK(name == NULL && version == NULL);
    }
    return 0;
}
