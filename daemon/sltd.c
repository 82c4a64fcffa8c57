/* SPDX-License-Identifier: MIT */
/* sltd: the mail desk daemon (grows with the ingest and service issues). */
#include <stdio.h>

int
main(void)
{
	fprintf(stderr, "sltd: not built yet\n");
	return 1;
}
