/*
 * reader_kinds.c - the members of a package the reader knows, as one
 * table: by name, the side (update cab or .msu) they belong to, and for
 * the ones read whole their parser, where the result goes and the flags
 * that say it was read (formats.md §1, §2).
 */
#include "reader_int.h"

#include <stdlib.h>
#include <string.h>

static int parse_mum(struct rd *r, const char *data, size_t len, ps_err *e)
{
    return ps_mum_parse(data, len, rd_xml_cap(r), &r->mum, e);
}

static int parse_catalog(struct rd *r, const char *data, size_t len, ps_err *e)
{
    return ps_catalog_parse(data, len, &r->digests, e);
}

static int parse_props(struct rd *r, const char *data, size_t len, ps_err *e)
{
    return ps_props_parse(data, len, &r->props, e);
}

static int parse_unattend(struct rd *r, const char *data, size_t len, ps_err *e)
{
    return ps_unattend_parse(data, len, rd_xml_cap(r), &r->unattend, e);
}

static void drop_props(struct rd *r)
{
    ps_props_free(&r->props);
}

static void drop_unattend(struct rd *r)
{
    ps_unattend_free(&r->unattend);
}

static void took_mum(struct rd *r)
{
    rd_note_components(r, &r->mum);
}

#define RD_FLAG(f) offsetof(struct rd, f)
#define RD_NO_FLAG ((size_t)0) /* offset 0 is r->p, never a flag */

/*
 * The members the reader knows, by top-level name (ASCII case ignored),
 * in the order they are tried: first those of an update cab, then those
 * of an .msu (rd_classify()).  The ones read whole carry their parser: the
 * member is read into memory (under the XML cap when xml) and parsed;
 * `have` is set when the parse succeeded and `tried` (when there is one)
 * once the member was read at all; either one set skips a later member
 * of the kind.  A failed parse is a finding; it ends the read when
 * `fatal` (without update.mum the package has no identity).
 */
static const struct member_kind {
    enum kind kind;
    const char *name;   /* the whole name, or with suffix its end */
    int suffix;
    int msu;            /* a member of an .msu, else of an update cab */
    int xml;
    int (*parse)(struct rd *r, const char *data, size_t len, ps_err *e);
    void (*drop)(struct rd *r); /* frees a partial result of a failed parse */
    void (*took)(struct rd *r); /* after a parse that succeeded */
    size_t have, tried;
    int fatal;
} member_kinds[] = {
    {K_UPDATE_MUM, "update.mum", 0, 0, 1, parse_mum, NULL, took_mum, RD_FLAG(have_mum),
     RD_FLAG(mum_tried), 1},
    {K_UPDATE_CAT, "update.cat", 0, 0, 0, parse_catalog, NULL, NULL, RD_FLAG(have_cat),
     RD_FLAG(cat_tried), 0},
    {K_CIX, "_manifest_.cix.xml", 0, 0, 0, NULL, NULL, NULL, RD_NO_FLAG, RD_NO_FLAG, 0},
    {K_MUM, ".mum", 1, 0, 0, NULL, NULL, NULL, RD_NO_FLAG, RD_NO_FLAG, 0},
    {K_MANIFEST, ".manifest", 1, 0, 0, NULL, NULL, NULL, RD_NO_FLAG, RD_NO_FLAG, 0},
    {K_WSUS, "wsusscan.cab", 0, 1, 0, NULL, NULL, NULL, RD_NO_FLAG, RD_NO_FLAG, 0},
    {K_UPDATE_CAB, ".cab", 1, 1, 0, NULL, NULL, NULL, RD_NO_FLAG, RD_NO_FLAG, 0},
    {K_PROPS, "-pkgproperties.txt", 1, 1, 0, parse_props, drop_props, NULL, RD_FLAG(have_props),
     RD_NO_FLAG, 0},
    {K_UNATTEND, ".xml", 1, 1, 1, parse_unattend, drop_unattend, NULL, RD_FLAG(have_unattend),
     RD_NO_FLAG, 0},
};

static int *flag(struct rd *r, size_t off)
{
    return off == RD_NO_FLAG ? NULL : (int *)(void *)((char *)r + off);
}

/* The kind of a member: nested_cab for the members of an update cab in
 * an .msu; otherwise the mode of the file decides which side may match. */
enum kind rd_classify(struct rd *r, const char *name, int nested_cab)
{
    int cab_ok = nested_cab || r->mode != MODE_MSU;
    int msu_ok = !nested_cab && r->mode != MODE_CAB;

    if (strchr(name, '/') != NULL)
        return K_OTHER; /* not a top member */
    for (size_t i = 0; i < PS_ARRAY_LEN(member_kinds); i++) {
        const struct member_kind *mk = &member_kinds[i];

        if (!(mk->msu ? msu_ok : cab_ok))
            continue;
        if (mk->suffix ? ps_has_suffix_ci(name, mk->name) : ps_streq_ci(name, mk->name))
            return mk->kind;
    }
    return K_OTHER;
}

void rd_read_whole(struct rd *r, ps_ar *ar, enum kind k)
{
    const struct member_kind *mk = NULL;
    int *have, *tried;
    char *data = NULL;
    size_t len = 0;
    int held;
    ps_err e;

    for (size_t i = 0; i < PS_ARRAY_LEN(member_kinds) && mk == NULL; i++)
        if (member_kinds[i].kind == k && member_kinds[i].parse != NULL)
            mk = &member_kinds[i];
    if (mk == NULL)
        return;
    have = flag(r, mk->have);
    tried = flag(r, mk->tried);
    if (*have || (tried != NULL && *tried))
        return;
    if (tried != NULL)
        *tried = 1;
    held = rd_big_enter(ar);
    if (rd_read_member(r, ar, mk->xml, &data, &len) == 0) {
        if (mk->parse(r, data, len, &e) < 0) {
            if (mk->drop != NULL)
                mk->drop(r);
            if (mk->fatal)
                rd_fatal(r, &e, ps_ar_member_path(ar));
            else
                rd_err_finding(r, &e, ps_ar_member_path(ar));
        } else {
            *have = 1;
            if (mk->took != NULL)
                mk->took(r);
        }
    }
    free(data);
    rd_big_leave(held);
}

