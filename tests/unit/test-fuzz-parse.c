/* SPDX-License-Identifier: MIT */
/* Replays the seed corpus of the parse fuzz target (tests/fuzz/fuzz-parse.c,
 * tests/fuzz/corpus-parse/) with its checks: every input that ever crashed it
 * stays a regression test here, built with gcc like the rest. */
#include "../fuzz/fuzz-parse.c"
#include "../fuzz/replay.h"

int
main(int argc, char **argv)
{
	return fuzz_replay_main("parse", argc, argv);
}
