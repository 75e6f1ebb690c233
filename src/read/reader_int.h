/*
 * reader_int.h - the state of the read of one package, shared by the
 * files of the reader (library-private to src/read/): reader.c (the outer
 * walk, the stop rule, the entry points), reader_kinds.c (the member
 * kinds), reader_cab.c (the update cab) and reader_wsus.c (WSUSSCAN.cab).
 */
#ifndef PS_READER_INT_H
#define PS_READER_INT_H

#include "ps_archive.h"
#include "parse.h"
#include "util.h"

#include <stddef.h>

enum mode { MODE_AUTO, MODE_MSU, MODE_CAB };

enum kind {
    K_OTHER,
    K_UPDATE_MUM,
    K_UPDATE_CAT,
    K_CIX,
    K_MUM,
    K_MANIFEST,
    K_WSUS,
    K_UPDATE_CAB,
    K_PROPS,
    K_UNATTEND
};

/* A set of member names, compared without case (ASCII), open addressing:
 * lookups cost O(1), so matching N names against M members is linear. */
struct nameset {
    char **slot;
    size_t cap, count;
};

struct rd {
    ps_package *p;
    const ps_read_opts *o;
    ps_findings *f;
    const char *display;
    const char *base;         /* basename of display */
    ps_ar_ctx ctx;
    enum mode mode;
    int stop;                 /* stop reading: done, or an error ended it */
    int fatal;                /* an error ended the read: the data may be partial */
    int oom;
    int hostile;              /* a member name is unsafe: the package is refused */
    int of_file;              /* a file-level unreadable-package finding (ps_read_outcome) */
    int cab_end;              /* a bare update cab: everything needed is read */

    /* the update cab being read (nested, or the file itself) */
    int have_mum, mum_tried, have_cat, cat_tried; /* tried: read once, whatever came of it */
    ps_mum mum;
    struct nameset want;      /* child .mum names named so far */
    struct nameset got;       /* .mum members read */
    size_t pending;           /* wanted, may exist, not read yet */
    /* The update cab's table of contents (CFFILE, from the header bytes):
     * table 1 when complete; names holds its .mum and .cat names, and
     * every component manifest name was noted as it streamed by. */
    int table;
    struct nameset names;
    size_t n_manifests;
    unsigned digests;
    char *stack;              /* highest ServicingStack version delivered */
    char *kernel;             /* highest OS-Kernel version delivered */
    int n_update_cabs;

    int have_props, have_unattend;
    ps_props props;
    ps_unattend unattend;
};

/* reader.c: findings, the caps, the big-member lock */
void rd_finding(struct rd *r, ps_finding_code code, const char *member, unsigned line,
                const char *fmt, ...) PS_PRINTF(5, 6);
/* An unsafe-input error (a value outside its grammar) refuses the package. */
void rd_err_finding(struct rd *r, const ps_err *e, const char *member);
/* An error of the archive layer ends the read of the package. */
void rd_fatal(struct rd *r, const ps_err *e, const char *member);
/* The cap on an XML member: the lower of max_xml_bytes and max_member_bytes. */
size_t rd_xml_cap(const struct rd *r);
/* Reads the current member (an XML document when xml); on failure the
 * read of the package ends. */
int rd_read_member(struct rd *r, ps_ar *ar, int xml, char **data, size_t *len);
/* Takes the big-member lock when the current member is large; 1 when held. */
int rd_big_enter(const ps_ar *ar);
void rd_big_leave(int held);
/* A member name that is not a plain relative name: the package is refused. */
void rd_report_unsafe_name(struct rd *r, ps_ar *ar);

/* reader_kinds.c: the member kinds */
/* Reads and parses the current member, one of the kinds read whole
 * (update.mum, update.cat, pkgProperties, the unattend .xml). */
void rd_read_whole(struct rd *r, ps_ar *ar, enum kind k);
/* The kind of a member: nested_cab for the members of an update cab in
 * an .msu; otherwise the mode of the file decides which side may match. */
enum kind rd_classify(struct rd *r, const char *name, int nested_cab);

/* reader_cab.c: the update cab */
void rd_nameset_free(struct nameset *n);
/* Records the components update.mum (or a child .mum) delivers and names. */
void rd_note_components(struct rd *r, const ps_mum *m);
/* 1 when everything needed from the update cab is read. */
int rd_cab_done(const struct rd *r);
/* Starts collecting the table of contents of the cab opened next. */
void rd_arm_table(struct rd *r);
/* After the first member header of the cab: its table is in hand.
 * Returns 1 when the table shows there is nothing to read in the cab. */
int rd_take_table(struct rd *r, ps_ar *ar);
/* Handles one member of an update cab (payload members are not read). */
void rd_update_cab_member(struct rd *r, ps_ar *ar, enum kind k, const char *name);
/* Reads the update cab nested in the current member of outer. */
void rd_read_nested_update_cab(struct rd *r, ps_ar *outer);

/* reader_wsus.c: WSUSSCAN.cab */
void rd_read_wsus(struct rd *r, ps_ar *outer);

#endif /* PS_READER_INT_H */
