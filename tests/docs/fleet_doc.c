/*
 * fleet_doc.c - renders a fleet document through the machine-group hook of
 * the renderers (ps_render_opts.groups), for the document tests.
 *
 * usage: fleet_doc FORMAT OUT BUNDLE_DIR GROUP...
 *   GROUP is LABEL=MACHINE[,MACHINE...]=INVENTORY ("-" as INVENTORY: nothing
 *   installed).  Each group's plan is made against the bundle with that
 *   inventory, for x64.  The knowledge base is $PATCHSEQ_DATA_DIR.
 */
#include "kb.h"
#include "plan.h"
#include "render.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_GROUPS 8
#define MAX_MACHINES 16

typedef struct group {
    char *spec;
    const char *machines[MAX_MACHINES];
    ps_inventory inv;
    int have_inv;
    ps_plan plan;
} group;

static int die(const char *msg)
{
    fprintf(stderr, "fleet_doc: %s\n", msg);
    return 2;
}

int main(int argc, char **argv)
{
    static group g[MAX_GROUPS];
    ps_render_group rg[MAX_GROUPS];
    ps_render_opts ro;
    ps_read_opts ropts;
    ps_findings f = {0};
    ps_bundle b = {0};
    ps_kb kb;
    char err[512];
    const char *paths[1];
    char *doc;
    size_t len = 0, ng = 0;
    FILE *fp;
    int rc = 0;

    if (argc < 5 || argc - 4 > MAX_GROUPS)
        return die("usage: fleet_doc FORMAT OUT BUNDLE_DIR LABEL=M1,M2=INVENTORY...");
    if (ps_kb_load(&kb, getenv("PATCHSEQ_DATA_DIR"), &f, err, sizeof err) != 0)
        return die(err);
    ps_read_opts_default(&ropts);
    ropts.no_cache = 1;
    ropts.hash = 1;
    paths[0] = argv[3];
    if (ps_bundle_read(&b, paths, 1, &ropts, &f, err, sizeof err) != 0)
        return die(err);
    memset(&ro, 0, sizeof ro);
    for (int a = 4; a < argc; a++, ng++) {
        group *gr = &g[ng];
        char *label, *machines, *inv, *tok;
        size_t nm = 0;
        ps_plan_opts po;

        gr->spec = ps_strdup(argv[a]);
        if (gr->spec == NULL)
            return die("out of memory");
        label = gr->spec;
        machines = strchr(label, '=');
        inv = machines ? strchr(machines + 1, '=') : NULL;
        if (inv == NULL)
            return die("a group is LABEL=MACHINE[,MACHINE...]=INVENTORY");
        *machines++ = '\0';
        *inv++ = '\0';
        for (tok = strtok(machines, ","); tok && nm < MAX_MACHINES; tok = strtok(NULL, ","))
            gr->machines[nm++] = tok;
        ps_plan_opts_default(&po);
        po.arch_mask = PS_ARCH_BIT(PS_ARCH_X64);
        if (strcmp(inv, "-") != 0) {
            if (ps_inventory_load(inv, &gr->inv, err, sizeof err) != 0)
                return die(err);
            gr->have_inv = 1;
            po.inventory = &gr->inv;
        }
        if (ps_plan_build(&gr->plan, &b, &kb, &po, &f) != 0)
            return die("out of memory");
        memset(&rg[ng], 0, sizeof rg[ng]);
        rg[ng].label = label;
        rg[ng].machines = gr->machines;
        rg[ng].n_machines = nm;
        rg[ng].plan = &gr->plan;
    }
    ro.groups = rg;
    ro.n_groups = ng;
    ro.graph_note = "this test draws no graph";
    ps_findings_sort(&f);
    doc = ps_plan_render_with(argv[1], &g[0].plan, &f, &ro, &len);
    if (doc == NULL)
        return die("cannot render (unknown format, or out of memory)");
    fp = fopen(argv[2], "wb");
    if (fp == NULL || fwrite(doc, 1, len, fp) != len || fclose(fp) != 0)
        rc = die("cannot write the output");
    free(doc);
    for (size_t i = 0; i < ng; i++) {
        ps_plan_free(&g[i].plan);
        if (g[i].have_inv)
            ps_inventory_free(&g[i].inv);
        free(g[i].spec);
    }
    ps_bundle_free(&b);
    ps_kb_free(&kb);
    ps_findings_free(&f);
    return rc;
}
