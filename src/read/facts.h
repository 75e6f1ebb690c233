/*
 * facts.h - the grammar of every fact the reader keeps from a package.
 *
 * A parser checks each value it keeps here, where it reads it; a value
 * that fails is a PS_F_UNSAFE_INPUT error naming the field and the line,
 * and the reader refuses the package (it leaves the plan, its value is
 * never rendered).
 */
#ifndef PS_FACTS_H
#define PS_FACTS_H

#include "util.h"

typedef enum ps_fact_kind {
    PS_FACT_VERSION,    /* 1-4 dot-separated decimal numbers, each 1-5 digits, <= 65535 */
    PS_FACT_KB,         /* KB followed by 6-8 digits (any case of "KB"; digits alone allowed) */
    PS_FACT_ARCH,       /* x86, amd64, x64, ia64, wow64, msil, arm, arm64, neutral (any case) */
    PS_FACT_LANGUAGE,   /* neutral, "*", or a tag: 2-8 letters, then -subtags of 1-8 alphanumerics */
    PS_FACT_TOKEN,      /* publicKeyToken: 16 hex digits */
    PS_FACT_NAME,       /* identity / component name: [A-Za-z0-9._-], 1-255, not starting with '.' or '-' */
    PS_FACT_IDENTIFIER, /* package identifier: [A-Za-z0-9._-], 1-64 */
    PS_FACT_LABEL,      /* release type, restart: printable ASCII (space to '~'), 1-64 */
    PS_FACT_DATE,       /* a real date YYYY-MM-DD (years 1980-2099) */
    PS_FACT_SLASH_DATE, /* a real date YYYY/MM/DD (pkgProperties Build Date) */
    PS_FACT_TIMESTAMP,  /* YYYY-MM-DD, optionally followed by 'T' or ' ' and [0-9:.Z+-]{1,32} */
    PS_FACT_GUID,       /* 8-4-4-4-12 hex digits */
    PS_FACT_DECIMAL,    /* 1-10 decimal digits */
    PS_FACT_SOURCE,     /* an unattend source location: printable ASCII without "%<>|&^!`, 1-260 */
    PS_FACT_TITLE       /* a WSUS title: printable ASCII (space to '~'), 1-255 */
} ps_fact_kind;

/* 1 when s has the grammar of kind; 0 otherwise (NULL is 0). */
int ps_fact_ok(ps_fact_kind kind, const char *s);

/* What the grammar of kind is, in words ("1 to 4 dot-separated numbers..."). */
const char *ps_fact_grammar(ps_fact_kind kind);

/*
 * Checks a value read from field (e.g. "assemblyIdentity/@version") at a
 * 1-based line.  NULL passes (an absent value is for the caller to judge).
 * Returns 0, or -1 with err set: PS_F_UNSAFE_INPUT, the line, and
 * "unsafe value in FIELD: \"VALUE\" is not GRAMMAR" with the value shown
 * through ps_esc_text and cut to 48 characters.
 */
int ps_fact_check(ps_fact_kind kind, const char *field, const char *value, unsigned line,
                  ps_err *err);

#endif /* PS_FACTS_H */
