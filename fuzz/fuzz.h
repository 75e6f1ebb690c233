/*
 * fuzz.h - the libFuzzer entry point, shared by the targets and the
 * corpus replay driver (replay.c).
 */
#ifndef PS_FUZZ_H
#define PS_FUZZ_H

#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Stops the run (a crash libFuzzer reports) when a parser breaks its
 * contract, e.g. success without the fields it promises. */
#define FUZZ_CHECK(cond)                                                        \
    do {                                                                        \
        if (!(cond))                                                            \
            __builtin_trap();                                                   \
    } while (0)

#endif
