/*
 * ids.c - identifiers and versions: architecture names, KB numbers and
 * their one order, dotted versions, and the two NULL-safe string orders.
 */
#include "util.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

const char *ps_arch_name(ps_arch arch)
{
    switch (arch) {
    case PS_ARCH_X86:
        return "x86";
    case PS_ARCH_X64:
        return "x64";
    case PS_ARCH_IA64:
        return "ia64";
    case PS_ARCH_NONE:
    case PS_ARCH__COUNT:
        break;
    }
    return NULL;
}

ps_arch ps_arch_parse(const char *name)
{
    if (name == NULL)
        return PS_ARCH_NONE;
    if (ps_streq_ci(name, "x86"))
        return PS_ARCH_X86;
    if (ps_streq_ci(name, "x64") || ps_streq_ci(name, "amd64"))
        return PS_ARCH_X64;
    if (ps_streq_ci(name, "ia64"))
        return PS_ARCH_IA64;
    return PS_ARCH_NONE;
}

int ps_kb_normalize_to(const char *s, char out[PS_KB_SIZE])
{
    const char *d;
    size_t n = 0;

    if (s == NULL)
        return -1;
    while (isspace((unsigned char)*s))
        s++;
    if (ps_has_prefix_ci(s, "kb"))
        s += 2;
    d = s;
    while (isdigit((unsigned char)d[n]))
        n++;
    if (n < 4 || n > 8)
        return -1;
    for (const char *t = d + n; *t; t++)
        if (!isspace((unsigned char)*t))
            return -1;
    snprintf(out, PS_KB_SIZE, "KB%.*s", (int)n, d);
    return 0;
}

char *ps_kb_normalize(const char *s)
{
    char kb[PS_KB_SIZE];

    return ps_kb_normalize_to(s, kb) == 0 ? ps_strdup(kb) : NULL;
}

/* The number of "KB4474419" (its first run of digits). */
static unsigned long kb_number(const char *kb)
{
    unsigned long n = 0;

    while (*kb && (*kb < '0' || *kb > '9'))
        kb++;
    while (*kb >= '0' && *kb <= '9' && n < 100000000ul)
        n = n * 10 + (unsigned long)(*kb++ - '0');
    return n;
}

int ps_kb_cmp(const char *a, const char *b)
{
    unsigned long x, y;
    size_t la, lb;

    if (a == NULL || b == NULL)
        return (a != NULL) - (b != NULL);
    x = kb_number(a);
    y = kb_number(b);
    if (x != y)
        return x < y ? -1 : 1;
    la = strlen(a);
    lb = strlen(b);
    if (la != lb)
        return la < lb ? -1 : 1;
    return strcmp(a, b);
}

int ps_version_cmp(const char *a, const char *b)
{
    if (a == NULL || b == NULL)
        return (a != NULL) - (b != NULL);
    while (*a || *b) {
        unsigned long long x = 0, y = 0;

        while (*a >= '0' && *a <= '9')
            x = x * 10 + (unsigned)(*a++ - '0');
        while (*b >= '0' && *b <= '9')
            y = y * 10 + (unsigned)(*b++ - '0');
        if (x != y)
            return x < y ? -1 : 1;
        if (*a == '.')
            a++;
        else if (*a)
            return *b ? strcmp(a, b) : 1;
        if (*b == '.')
            b++;
        else if (*b)
            return -1;
    }
    return 0;
}

int ps_strcmp_null_first(const char *a, const char *b)
{
    if (a == NULL || b == NULL)
        return (a != NULL) - (b != NULL);
    return strcmp(a, b);
}

int ps_strcmp_null_last(const char *a, const char *b)
{
    if (a == NULL || b == NULL)
        return (a == NULL) - (b == NULL);
    return strcmp(a, b);
}
