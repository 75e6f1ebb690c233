/*
 * reader_wsus.c - the WSUS metadata of an .msu: package.xml and the
 * English title of its revision, from WSUSSCAN.cab/package.cab
 * (formats.md §1).
 */
#include "reader_int.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The English title of a revision, kept until package.xml (the last
 * member of package.cab) names the revision of the package. */
#define WSUS_TITLES 64
struct wsus_title {
    char rev[12];
    char *title;  /* NULL with err set when the fragment was refused */
    ps_err err;
    char *member;
};

/* "localized/en/<digits>" (either separator): the digits, else NULL. */
static const char *en_title_rev(const char *name)
{
    static const char pre[] = "localized/en/";
    size_t n = sizeof pre - 1, d;

    for (size_t i = 0; i < n; i++)
        if (tolower((unsigned char)name[i]) != pre[i] && !(pre[i] == '/' && name[i] == '\\'))
            return NULL;
    d = strspn(name + n, "0123456789");
    return d > 0 && d <= 10 && name[n + d] == '\0' ? name + n : NULL;
}

static int names_kb(const char *d, size_t len)
{
    for (size_t i = 0; i + 2 < len; i++)
        if (d[i] == '(' && d[i + 1] == 'K' && d[i + 2] == 'B')
            return 1;
    return 0;
}

/* Reads a localized/en fragment naming a KB ("(KB", as every title of an
 * update does; detectoids and leaves do not) into titles. */
static void keep_title(struct rd *r, ps_ar *pc, const char *rev, struct wsus_title *t,
                       size_t *nt)
{
    char *data = NULL;
    size_t len = 0;
    struct wsus_title *k;

    if (*nt >= WSUS_TITLES)
        return; /* a real package.cab has one; more are not kept */
    if (rd_read_member(r, pc, 1, &data, &len) < 0)
        return;
    if (!names_kb(data, len)) {
        free(data);
        return;
    }
    k = &t[*nt];
    memset(k, 0, sizeof *k);
    snprintf(k->rev, sizeof k->rev, "%s", rev);
    k->member = ps_strdup(ps_ar_member_path(pc));
    if (k->member == NULL) {
        r->oom = 1;
        free(data);
        return;
    }
    if (ps_wsus_title_parse(data, len, rd_xml_cap(r), &k->title, &k->err) < 0)
        k->title = NULL;
    else if (k->title == NULL)
        ps_free_ptr(&k->member); /* no <Title>: nothing to keep */
    if (k->member != NULL)
        (*nt)++;
    free(data);
}

/* The title of the revision package.xml picked, or its error as a finding. */
static void pick_title(struct rd *r, struct wsus_title *t, size_t nt)
{
    const char *rev = r->p->wsus.revision_id;

    for (size_t i = 0; rev != NULL && i < nt; i++) {
        if (strcmp(t[i].rev, rev) != 0)
            continue;
        if (t[i].title == NULL)
            rd_err_finding(r, &t[i].err, t[i].member);
        r->p->wsus.title = t[i].title;
        t[i].title = NULL;
        break;
    }
    for (size_t i = 0; i < nt; i++) {
        free(t[i].title);
        free(t[i].member);
    }
}

void rd_read_wsus(struct rd *r, ps_ar *outer)
{
    ps_ar *w = NULL, *pc = NULL;
    ps_err e;
    const char *name;
    int rc;
    struct wsus_title titles[WSUS_TITLES];
    size_t nt = 0;

    if (ps_ar_open_nested(&w, outer, &e) < 0) {
        rd_fatal(r, &e, ps_ar_member_path(outer));
        goto out;
    }
    while ((rc = ps_ar_next(w, &name, &e)) > 0)
        if (ps_streq_ci(name, "package.cab"))
            break;
    if (rc < 0) {
        rd_fatal(r, &e, ps_ar_member_path(outer));
        goto out;
    }
    if (rc == 0)
        goto out; /* no package.cab: nothing to say */
    if (ps_ar_open_nested(&pc, w, &e) < 0) {
        rd_fatal(r, &e, ps_ar_member_path(w));
        goto out;
    }
    while (!r->stop && !r->oom && (rc = ps_ar_next(pc, &name, &e)) > 0) {
        const char *rev;

        if (ps_streq_ci(name, "package.xml"))
            break;
        if ((rev = en_title_rev(name)) != NULL)
            keep_title(r, pc, rev, titles, &nt);
    }
    if (r->stop || r->oom)
        goto out;
    if (rc < 0) {
        rd_fatal(r, &e, ps_ar_member_path(w));
        goto out;
    }
    if (rc > 0) {
        char *data = NULL;
        size_t len = 0;
        int held = rd_big_enter(pc);

        if (rd_read_member(r, pc, 1, &data, &len) == 0) {
            ps_wsus_info_free(&r->p->wsus);
            if (ps_wsus_parse(data, len, rd_xml_cap(r), &r->p->wsus, &e) < 0) {
                ps_wsus_info_free(&r->p->wsus);
                rd_err_finding(r, &e, ps_ar_member_path(pc));
            } else {
                r->p->has_wsus = 1;
            }
        }
        free(data);
        rd_big_leave(held);
    }
out:
    pick_title(r, titles, nt); /* no package.xml read: no revision, nothing picked */
    ps_ar_close(pc);
    ps_ar_close(w);
}
