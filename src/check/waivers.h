/*
 * waivers.h - waivers of validate (library-private): `--waive CODE[:KB]`
 * and the lines of `--waivers FILE`:
 *
 *     # comment
 *     CODE[:KB] [expires=YYYY-MM-DD] REASON
 *
 * A waiver marks the findings of CODE (of KB only, with :KB) waived:
 * shown, never failing.  Past its expiry date it waives nothing and is an
 * expired-waiver warning; one that matches no finding is an unused-waiver
 * information.  Parsing never touches the file system.
 */
#ifndef PS_WAIVERS_H
#define PS_WAIVERS_H

#include "util.h"

typedef struct ps_waiver {
    ps_finding_code code;
    char *kb;               /* NULL: every finding of the code */
    char *reason;           /* NULL for --waive */
    char expires[11];       /* "YYYY-MM-DD", or "" */
    char *text;             /* CODE[:KB] as written */
    char *file;             /* the waivers file, or NULL for --waive */
    unsigned line;
    size_t used;            /* findings it matched */
} ps_waiver;

typedef struct ps_waivers {
    ps_waiver *items;
    size_t count;
} ps_waivers;

/* Adds the waiver "CODE[:KB]" (--waive).  0, or -1 with err filled
 * ("unknown finding code 'x'; did you mean 'y'?"). */
int ps_waivers_add_spec(ps_waivers *w, const char *spec, char *err, size_t errlen);
/* Adds the waivers of a waivers file's text (`file` names it in findings).
 * 0, or -1 with err filled as "LINE: why" (line 0: the whole text). */
int ps_waivers_parse(ps_waivers *w, const char *text, size_t len, const char *file, char *err,
                     size_t errlen);
/* Marks the findings of f that the waivers match (today: "YYYY-MM-DD"),
 * then adds expired-waiver and unused-waiver findings.  0, or -1 on OOM. */
int ps_waivers_apply(ps_waivers *w, ps_findings *f, const char *today);
void ps_waivers_free(ps_waivers *w);

#endif /* PS_WAIVERS_H */
