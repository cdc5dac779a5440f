// SPDX-License-Identifier: GPL-2.0-or-later
/* "Did you mean": the one spelling-distance helper every parser shares. */
#include <stdint.h>
#include <string.h>

#include "words.h"

static size_t lev(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b), row[64], prev, tmp;

	if (lb >= 64)
		return SIZE_MAX;
	for (size_t j = 0; j <= lb; j++)
		row[j] = j;
	for (size_t i = 1; i <= la; i++) {
		prev = row[0];
		row[0] = i;
		for (size_t j = 1; j <= lb; j++) {
			size_t best = prev + (a[i - 1] != b[j - 1]);

			if (row[j] + 1 < best)
				best = row[j] + 1;
			if (row[j - 1] + 1 < best)
				best = row[j - 1] + 1;
			tmp = row[j];
			row[j] = best;
			prev = tmp;
		}
	}
	return row[lb];
}

const char *nearest_word(const char *word, const char *const *cands,
			 size_t ncands)
{
	const char *best = NULL;
	size_t bestd = 3;

	for (size_t i = 0; i < ncands; i++) {
		size_t d = cands[i] ? lev(word, cands[i]) : SIZE_MAX;

		if (d < bestd) {
			bestd = d;
			best = cands[i];
		}
	}
	return best;
}
