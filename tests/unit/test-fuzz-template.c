/* SPDX-License-Identifier: MIT */
/* Replays the seed corpus of the template fuzz target (tests/fuzz/fuzz-template.c,
 * tests/fuzz/corpus-template/) with its checks: every input that ever crashed it
 * stays a regression test here, built with gcc like the rest. */
#define FUZZ_REPLAY 1 /* leak checks stay on (tests/run.sh, SANITIZE=1) */
#include "../fuzz/fuzz-template.c"
#include "../fuzz/replay.h"

int
main(int argc, char **argv)
{
	return fuzz_replay_main("template", argc, argv);
}
