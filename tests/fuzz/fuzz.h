/* fuzz: the entry point every driver defines, as libFuzzer calls it (and
 * replay_main.c, which replays a corpus without libFuzzer). */
#ifndef FC_FUZZ_H
#define FC_FUZZ_H

#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#endif
