/*
 * csv.h - RFC 4180 records over text in memory: quoted fields, doubled
 * quotes, commas and line breaks inside quotes, CRLF or LF line ends.
 * Each record knows the line it starts on; the caller gives the cap on
 * fields per record (and the storage for their offsets).  No knowledge of
 * what the columns mean.
 */
#ifndef PS_CSV_H
#define PS_CSV_H

#include "util.h"

typedef struct ps_csv {
    const char *p;       /* next byte to read */
    const char *end;
    unsigned line;       /* line of p */
    unsigned rec_line;   /* line where the current record starts */
    ps_buf rec;          /* the fields of the current record, each NUL-terminated */
    size_t *off;         /* offsets of the fields in rec (max_fields of them) */
    size_t max_fields;
    size_t n;            /* fields in the current record */
} ps_csv;

/* A reader over [p, end), whose first line is line; off holds max_fields
 * offsets.  Nothing is allocated until the first record. */
void ps_csv_init(ps_csv *c, const char *p, const char *end, unsigned line, size_t *off,
                 size_t max_fields);
/* The next record that is not a blank line: 1, 0 at the end of the text,
 * -1 with err set (a quote not closed, text after a closing quote, more
 * than max_fields fields, out of memory), at the line where it is. */
int ps_csv_next(ps_csv *c, ps_err *err);
/* Field i (< c->n) of the current record. */
const char *ps_csv_field(const ps_csv *c, size_t i);
/* Index of the first field of the current record that equals name, case
 * blind and without surrounding blanks and CRs, or -1. */
long ps_csv_column(const ps_csv *c, const char *name);
void ps_csv_free(ps_csv *c);

/* s[0..*n) without leading and trailing blanks (space, tab) and CRs. */
const char *ps_csv_trim(const char *s, size_t *n);
/* 1 when field equals name, case blind (ASCII), without surrounding blanks and CRs. */
int ps_csv_field_is(const char *field, const char *name);

#endif /* PS_CSV_H */
