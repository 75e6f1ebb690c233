/*
 * fuzz_plan.c - the planner and its renderers, fed fuzzed package facts
 * with the shipped knowledge base (loaded once from $PATCHSEQ_DATA_DIR or
 * the source tree).
 *
 * The input is text, one line per package (at most MAX_PKGS), of
 * space-separated key=value fields; a line starting with "opts" sets the
 * plan options instead.  '_' in a value stands for a space; os is 6.0
 * unless given ("os=" leaves it unknown).
 *
 *   opts arch=x64 keep=1 window=90 installed=KB1,KB2 build=6.0.6003 explain=KB1
 *   kb=KB4474419 os=6.0 arch=x64 name=Package_for_KB4474419 type=Security_Update
 *     date=2019-09-23 stack=6.0.6003.20489 kernel=6.0.6003.20654
 *     installer=6.0.6003.20484 sha2=1 rev=4 restart=required size=1234
 *     file=Windows6.0-KB4474419-v4-x64.msu id=U1 prereq=U2,U3 supby=U4
 *     title=2019-09_Preview_of_Monthly_Quality_Rollup_(KB1) class=GUID
 *     unreadable=1 hashed=1
 *
 * The plan is built, rendered as text, json, md, dot and html (also as a
 * fleet of two machine groups, and the text with --verbose), and explained for
 * the KB asked (or the first package's).  Checked: every step of a plan
 * is an install of a planned node or a reboot, step numbers are in order,
 * every edge joins nodes of that plan, the html has no element a package
 * wrote (no "<script", "<img", "<iframe") and the Markdown no unescaped '<',
 * and every renderer returns a
 * document of the length it says.
 */
#include "fuzz.h"
#include "inventory.h"
#include "kb.h"
#include "plan.h"
#include "render.h"

#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_PKGS 24
#define MAX_LIST 8

static ps_kb kb;
static int kb_loaded;

static void load_kb(void)
{
    const char *dir = getenv("PATCHSEQ_DATA_DIR");
    ps_findings f = {0};
    char err[512];

    if (ps_kb_load(&kb, dir && dir[0] ? dir : PS_SOURCE_DIR, &f, err, sizeof err) != 0) {
        fprintf(stderr, "fuzz_plan: the shipped knowledge base does not load: %s\n", err);
        abort();
    }
    ps_findings_free(&f);
    kb_loaded = 1;
}

/* Length of the valid UTF-8 sequence at s (n bytes left), 0 when invalid. */
static size_t utf8_len(const unsigned char *s, size_t n)
{
    size_t k;

    if (s[0] >= 0x20 && s[0] < 0x7f)
        return 1;
    if (s[0] >= 0xc2 && s[0] <= 0xdf)
        k = 2;
    else if (s[0] >= 0xe0 && s[0] <= 0xef)
        k = 3;
    else if (s[0] >= 0xf0 && s[0] <= 0xf4)
        k = 4;
    else
        return 0;
    if (k > n)
        return 0;
    for (size_t i = 1; i < k; i++)
        if ((s[i] & 0xc0) != 0x80)
            return 0;
    if ((s[0] == 0xe0 && s[1] < 0xa0) || (s[0] == 0xed && s[1] > 0x9f) ||
        (s[0] == 0xf0 && s[1] < 0x90) || (s[0] == 0xf4 && s[1] > 0x8f))
        return 0;
    return k;
}

/*
 * A copy of the value, '_' turned into ' '; NULL when empty.  What the
 * reader hands the planner is text (XML values, display paths with other
 * bytes written \xHH): a byte that is not valid UTF-8 or a control byte
 * becomes '?'.
 */
static char *value(const char *s, size_t n)
{
    char *v;

    if (n == 0)
        return NULL;
    v = ps_strndup(s, n);
    FUZZ_CHECK(v != NULL);
    for (size_t i = 0; v[i];) {
        size_t k = utf8_len((const unsigned char *)v + i, strlen(v + i));

        if (k == 0) {
            v[i++] = '?';
            continue;
        }
        if (v[i] == '_')
            v[i] = ' ';
        i += k;
    }
    return v;
}

static unsigned number(const char *s, size_t n)
{
    unsigned long v = 0;

    for (size_t i = 0; i < n && i < 9 && s[i] >= '0' && s[i] <= '9'; i++)
        v = v * 10 + (unsigned long)(s[i] - '0');
    return (unsigned)v;
}

/* "a,b,c" -> a string vector (at most MAX_LIST items). */
static void list(char ***v, size_t *n, const char *s, size_t len)
{
    size_t i = 0;

    while (i < len && *n < MAX_LIST) {
        size_t j = i;
        char *item;

        while (j < len && s[j] != ',')
            j++;
        item = value(s + i, j - i);
        if (item != NULL) {
            FUZZ_CHECK(ps_strv_push(v, n, item) == 0);
            free(item);
        }
        i = j + 1;
    }
}

struct opts {
    ps_plan_opts po;
    char *installed; /* a KB list for ps_inventory_parse */
    char *build;
    char *explain;
};

static void set_field(ps_package *p, struct opts *o, int is_opts, const char *k, size_t kn,
                      const char *v, size_t vn)
{
#define KEY(s) (kn == sizeof(s) - 1 && memcmp(k, s, kn) == 0)
#define SET(dst)                                                                                   \
    do {                                                                                           \
        free(dst);                                                                                 \
        (dst) = value(v, vn);                                                                      \
    } while (0)
    if (is_opts) {
        if (KEY("arch")) {
            char *a = value(v, vn);

            o->po.arch_mask |= PS_ARCH_BIT(ps_arch_parse(a ? a : ""));
            free(a);
        } else if (KEY("keep")) {
            o->po.keep_superseded = number(v, vn) != 0;
        } else if (KEY("window")) {
            o->po.window_minutes = number(v, vn) % 100000;
        } else if (KEY("installed")) {
            SET(o->installed);
            for (char *c = o->installed; c && *c; c++)
                if (*c == ',')
                    *c = '\n';
        } else if (KEY("build")) {
            SET(o->build);
        } else if (KEY("explain")) {
            SET(o->explain);
        }
        return;
    }
    if (KEY("kb")) {
        SET(p->kb);
        p->kb_source = PS_KB_SOURCE_MUM;
    } else if (KEY("os")) {
        SET(p->os);
    } else if (KEY("arch")) {
        char *a = value(v, vn);

        p->arch = ps_arch_parse(a ? a : "");
        free(a);
    } else if (KEY("name")) {
        SET(p->identity.name);
    } else if (KEY("type")) {
        SET(p->release_type);
    } else if (KEY("date")) {
        SET(p->build_date);
    } else if (KEY("stack")) {
        SET(p->provides_stack);
    } else if (KEY("kernel")) {
        SET(p->kernel_version);
    } else if (KEY("installer")) {
        SET(p->installer_version);
    } else if (KEY("sha2")) {
        p->sha2_only = vn > 0 && v[0] == '1' ? 1 : vn > 0 && v[0] == '0' ? 0 : -1;
        p->catalog_digests = p->sha2_only == 1 ? PS_DIGEST_SHA256 : PS_DIGEST_SHA1;
    } else if (KEY("rev")) {
        p->revision = number(v, vn);
    } else if (KEY("restart")) {
        SET(p->restart);
    } else if (KEY("size")) {
        p->size = (uint64_t)number(v, vn) * 1024u;
    } else if (KEY("file")) {
        SET(p->file);
    } else if (KEY("id")) {
        SET(p->wsus.update_id);
        p->has_wsus = 1;
    } else if (KEY("prereq")) {
        list(&p->wsus.prerequisites, &p->wsus.n_prerequisites, v, vn);
        p->has_wsus = 1;
    } else if (KEY("title")) {
        SET(p->wsus.title);
        p->has_wsus = 1;
    } else if (KEY("class")) {
        SET(p->wsus.classification);
        p->has_wsus = 1;
    } else if (KEY("supby")) {
        list(&p->wsus.superseded_by, &p->wsus.n_superseded_by, v, vn);
        p->has_wsus = 1;
    } else if (KEY("unreadable")) {
        p->readable = 0;
    } else if (KEY("hashed")) {
        p->hashed = 1;
        memset(p->sha256, 'a', 64);
        memset(p->sha1, 'b', 40);
    }
#undef SET
#undef KEY
}

/* One line: "opts ..." or a package. */
static void parse_line(ps_bundle *b, struct opts *o, const char *s, size_t len)
{
    ps_package *p = NULL;
    int is_opts = len >= 4 && memcmp(s, "opts", 4) == 0;
    size_t i = 0;

    if (!is_opts) {
        if (b->count == MAX_PKGS)
            return;
        p = &b->items[b->count++];
        memset(p, 0, sizeof *p);
        p->readable = 1;
        p->sha2_only = -1;
        p->os = ps_strdup("6.0"); /* "os=" (empty) makes it unknown */
        FUZZ_CHECK(p->os != NULL);
        p->container = PS_CONTAINER_MSU;
    }
    while (i < len) {
        size_t j = i, eq;

        while (j < len && s[j] != ' ')
            j++;
        for (eq = i; eq < j && s[eq] != '='; eq++)
            ;
        if (eq < j)
            set_field(p, o, is_opts, s + i, eq - i, s + eq + 1, j - eq - 1);
        i = j + 1;
    }
    if (p != NULL) {
        if (p->file == NULL) {
            char name[96];

            snprintf(name, sizeof name, "Windows%s-%s-v%u-%s.msu", p->os ? p->os : "6.0",
                     p->kb ? p->kb : "KB0", p->revision,
                     p->arch != PS_ARCH_NONE ? ps_arch_name(p->arch) : "x64");
            p->file = ps_strdup(name);
            FUZZ_CHECK(p->file != NULL);
        }
        p->name_arch = p->arch;
        FUZZ_CHECK(ps_set_str(&p->name_os, p->os) == 0);
        FUZZ_CHECK(ps_set_str(&p->path, p->file) == 0);
    }
}

static void check_plan(const ps_plan *plan)
{
    for (size_t i = 0; i < plan->count; i++) {
        const ps_arch_plan *ap = &plan->plans[i];
        size_t step = 0;

        FUZZ_CHECK(ap->os != NULL);
        for (size_t k = 0; k < ap->n_steps; k++) {
            const ps_plan_step *s = &ap->steps[k];

            if (s->action == PS_STEP_REBOOT) {
                FUZZ_CHECK(s->node == PS_NO_NODE);
                continue;
            }
            if (s->action == PS_STEP_MANUAL) { /* the ESU activation: no package, a year */
                FUZZ_CHECK(s->node == PS_NO_NODE && s->esu_year >= 1 && s->manual != NULL);
                FUZZ_CHECK(s->n_activations <= 2 && k + 1 < ap->n_steps &&
                           ap->steps[k + 1].action == PS_STEP_INSTALL);
                continue;
            }
            FUZZ_CHECK(s->node < ap->n_nodes);
            FUZZ_CHECK(ap->nodes[s->node].state == PS_NODE_PLANNED);
            FUZZ_CHECK(ap->nodes[s->node].step > step);
            step = ap->nodes[s->node].step;
        }
        for (size_t k = 0; k < ap->n_edges; k++)
            FUZZ_CHECK(ap->edges[k].from < ap->n_nodes && ap->edges[k].to < ap->n_nodes);
        for (size_t k = 0; k < ap->n_skipped; k++)
            FUZZ_CHECK(ap->skipped[k] < ap->n_nodes &&
                       ap->nodes[ap->skipped[k]].state != PS_NODE_PLANNED);
        for (size_t k = 0; k < ap->n_cycles; k++)
            for (size_t m = 0; m < ap->cycles[k].n; m++)
                FUZZ_CHECK(ap->cycles[k].members[m] < ap->n_nodes);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char *const formats[] = {"text", "json", "md", "dot", "html"};
    const char *s = (const char *)data;
    ps_package items[MAX_PKGS];
    ps_bundle b = {items, 0, MAX_PKGS};
    struct opts o;
    ps_inventory inv;
    int have_inv = 0;
    ps_plan plan = {NULL, 0};
    ps_findings f = {0};
    size_t i = 0;

    if (!kb_loaded)
        load_kb();
    memset(&o, 0, sizeof o);
    ps_plan_opts_default(&o.po);
    while (i < size) {
        size_t j = i;

        while (j < size && s[j] != '\n' && s[j] != '\0')
            j++;
        parse_line(&b, &o, s + i, j - i);
        i = j + 1;
    }
    if (o.installed != NULL || o.build != NULL) {
        ps_buf t = {0};
        ps_err e = {0};

        /* a systeminfo-like text gives the build; a KB list the KBs */
        FUZZ_CHECK(ps_buf_puts(&t, o.installed ? o.installed : "") == 0);
        if (ps_inventory_parse(t.data ? t.data : "", t.len, &inv, &e) == 0) {
            have_inv = 1;
            if (o.build != NULL && inv.os_build == NULL) {
                inv.os_build = ps_strdup(o.build);
                inv.os_version = ps_strdup(o.build);
            }
            o.po.inventory = &inv;
        }
        ps_buf_free(&t);
    }

    FUZZ_CHECK(ps_plan_build(&plan, &b, &kb, &o.po, &f) == 0);
    check_plan(&plan);
    for (size_t k = 0; k < PS_ARRAY_LEN(formats); k++) {
        size_t len = 0;
        char *doc = ps_plan_render(formats[k], &plan, &f, &len);

        FUZZ_CHECK(doc != NULL && strlen(doc) == len);
        free(doc);
    }
    {
        static const char *const names[] = {"host-a", "<b>host</b>"};
        ps_render_group groups[2] = {{"fresh", names, 1, &plan, "cannot-update", "why <i>", &f},
                                     {NULL, names + 1, 1, &plan, NULL, NULL, NULL}};
        ps_render_opts ro = {0};

        ro.groups = groups;
        ro.n_groups = 2;
        ro.verbose = 1;
        ro.graph_note = "not drawn <here>";
        for (size_t k = 0; k < PS_ARRAY_LEN(formats); k++) {
            size_t len = 0;
            char *doc = ps_plan_render_with(formats[k], &plan, &f, &ro, &len);

            FUZZ_CHECK(doc != NULL && strlen(doc) == len);
            if (strcmp(formats[k], "html") == 0)
                FUZZ_CHECK(strstr(doc, "<script") == NULL && strstr(doc, "<img") == NULL &&
                           strstr(doc, "<iframe") == NULL && strstr(doc, "<b>") == NULL);
            if (strcmp(formats[k], "md") == 0)
                for (const char *q = doc; (q = strchr(q, '<')) != NULL; q++)
                    FUZZ_CHECK(q > doc && q[-1] == '\\');
            free(doc);
        }
    }
    {
        const char *which = o.explain ? o.explain : b.count ? b.items[0].kb : NULL;
        size_t len = 0, found = 0;
        char *doc = ps_plan_explain(&plan, which ? which : "KB0", &len, &found);

        FUZZ_CHECK(doc != NULL && strlen(doc) == len);
        free(doc);
    }

    ps_plan_free(&plan);
    ps_findings_free(&f);
    if (have_inv)
        ps_inventory_free(&inv);
    for (size_t k = 0; k < b.count; k++)
        ps_package_free(&b.items[k]);
    free(o.installed);
    free(o.build);
    free(o.explain);
    return 0;
}
