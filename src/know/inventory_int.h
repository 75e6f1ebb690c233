/*
 * inventory_int.h - what the inventory's files share: the KB numbers
 * collected before sorting, the message helpers (inventory.c) and the
 * parsers of one machine's values (inventory_values.c).
 */
#ifndef PS_INVENTORY_INT_H
#define PS_INVENTORY_INT_H

#include "inventory.h"

#define EXCERPT_MAX 40u

/* What the KB numbers are collected in before sorting. */
typedef struct ps_inv_kbs {
    char **v;
    size_t n;
    size_t cap;
} ps_inv_kbs;

/* "out of memory" (PS_E_OOM) in err; returns -1. */
int ps_inv_oom(ps_err *err);
/* Printable ASCII of s[0..n) for a message, '?' for anything else,
 * shortened with "..." beyond EXCERPT_MAX characters. */
void ps_inv_excerpt(const char *s, size_t n, char *out, size_t outlen);
/* Adds s when it is a KB number; 0 when it is not one (and is skipped). */
int ps_inv_kb_add_if_kb(ps_inv_kbs *k, const char *s, unsigned line, ps_err *err);

/* systeminfo's values (inventory_values.c): 0, or -1 with err set. */
int ps_inv_os_version(const char *v, unsigned line, ps_inventory *inv, ps_err *err);
int ps_inv_os_name(const char *v, ps_inventory *inv, ps_err *err);
/* A Host Name or CSName (column names it in messages); "" keeps none. */
int ps_inv_host_name(const char *v, unsigned line, const char *column, ps_inventory *inv,
                     ps_err *err);
ps_arch ps_inv_system_type(const char *s);
int ps_inv_hotfixes(const char *s, unsigned line, ps_inv_kbs *k, ps_err *err);

#endif /* PS_INVENTORY_INT_H */
