/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef PORTTUNE_WORDS_H
#define PORTTUNE_WORDS_H

#include <stddef.h>

/* Levenshtein-nearest candidate within distance 2, or NULL. Pure. */
const char *nearest_word(const char *word, const char *const *cands,
			 size_t ncands);

#endif
