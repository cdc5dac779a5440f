/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef PORTTUNE_PROM_MERGE_H
#define PORTTUNE_PROM_MERGE_H

#include <stddef.h>
#include <stdio.h>

/*
 * Merge n Prometheus text documents into one: each metric family once (its
 * first HELP and TYPE, then the series of every document, in order), and
 * every series of document i labelled LABEL="values[i]" (escaped). Pure:
 * text in, text out.
 */
void prom_merge(FILE *f, const char *const *texts, const char *label,
		const char *const *values, size_t n);

#endif
