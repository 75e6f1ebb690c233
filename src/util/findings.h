/*
 * findings.h - what the library does with a findings list beyond the
 * public ps_findings_* calls (library-private).
 */
#ifndef PS_FINDINGS_H
#define PS_FINDINGS_H

#include "util.h"

/* "file: member:line: severity: code: message" lines, one per finding. */
void ps_findings_render_text(ps_buf *b, const ps_findings *f);
/* The same; with color, the severity in ANSI colours. */
void ps_findings_render_text_color(ps_buf *b, const ps_findings *f, int color);

/* Frees the strings of one finding and zeroes it. */
void ps_finding_clear(ps_finding *x);
/* Appends a copy of every finding of src (its waived flag not copied).
 * 0, or -1 on allocation failure with dst as it was. */
int ps_findings_append(ps_findings *dst, const ps_findings *src);
/* Keeps the findings about no architecture or one of mask (PS_ARCH_BIT()
 * set; 0 keeps all), in their order. */
void ps_findings_keep_arch(ps_findings *f, unsigned mask);

#endif /* PS_FINDINGS_H */
