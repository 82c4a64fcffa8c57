/* SPDX-License-Identifier: MIT */
/* Replays the seed corpus of the config fuzz target (tests/fuzz/fuzz-config.c,
 * tests/fuzz/corpus-config/) with its checks: every input that ever crashed it
 * stays a regression test here, built with gcc like the rest. */
#include "../fuzz/fuzz-config.c"
#include "../fuzz/replay.h"

int
main(int argc, char **argv)
{
	return fuzz_replay_main("config", argc, argv);
}
