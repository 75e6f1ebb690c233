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

/* What the facts of a package are merged from: each source NULL when it
 * was not read (or failed to parse). */
struct ps_mum;
struct ps_props;
struct ps_unattend;
typedef struct ps_fact_sources {
    const struct ps_mum *mum;           /* update.mum */
    const struct ps_props *props;       /* <name>-pkgProperties.txt */
    const struct ps_unattend *unattend; /* the unattend <name>.xml */
    const unsigned *digests;            /* the digests update.cat uses */
    const char *stack, *kernel;         /* highest ServicingStack / OS-Kernel delivered */
    const char *base;                   /* the file name */
    int refused;                        /* a read error or an unsafe member name */
} ps_fact_sources;

/* The facts of the file name alone: p->revision ("-vN"), p->name_arch
 * ("-x64") and p->name_os ("Windows6.1-", NULL when absent or out of memory). */
void ps_facts_of_name(ps_package *p, const char *base);

/*
 * Fills p from s, each fact from the first source that has it:
 * KB from update.mum, pkgProperties, then the file name (p->kb_source says
 * which); identity from update.mum, then the unattend .xml; arch from the
 * identity, pkgProperties, then the file name; OS from update.mum, the
 * file name, then pkgProperties "Applies to"; and p->readable.
 * Returns 0, or -1 on allocation failure.
 */
int ps_facts_fill(ps_package *p, const ps_fact_sources *s);

#endif /* PS_FACTS_H */
