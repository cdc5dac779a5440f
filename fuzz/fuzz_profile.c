// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * libFuzzer: the profile parser, includes too. Every include reads the same
 * input again, so nesting, fan-out and cycles are all reachable.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "profile.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *input;

static int loader(void *ctx, const char *path, char **canon, char **text,
		  struct err *e)
{
	(void)ctx;
	(void)e;
	*canon = strdup(path);
	*text = strdup(input);
	if (!*canon || !*text)
		abort();
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = malloc(size + 1);
	struct err e = { 0 };
	struct profile p;

	if (!text)
		abort();
	memcpy(text, data, size);
	text[size] = '\0';
	input = text;
	profile_parse(&p, "fuzz.ini", text, loader, NULL, &e);
	profile_free(&p);
	free(text);
	return 0;
}
