/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef PORTTUNE_DLIB_H
#define PORTTUNE_DLIB_H

#include <stddef.h>

struct err;

/* A function of a library opened on first use: its name, where it goes. */
struct dlib_sym {
	const char *name;
	void **fn;
};

/*
 * Open SONAME once (*handle keeps it) and fill every syms[i].fn. 0, or
 * -ENOENT with "WHY needs SONAME: ..." when the library or one of the
 * functions is missing; then nothing is kept open and a later call tries
 * again.
 */
int dlib_open(void **handle, const char *soname, const struct dlib_sym *syms,
	      size_t n, const char *why, struct err *e);

#endif
