// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Libraries only some commands use, opened when one of them needs it
 * instead of loaded with every start (each costs the dynamic loader time,
 * and libnl-route-3 runs dozens of constructors).
 */
#include <dlfcn.h>
#include <errno.h>

#include "dlib.h"
#include "err.h"

int dlib_open(void **handle, const char *soname, const struct dlib_sym *syms,
	      size_t n, const char *why, struct err *e)
{
	if (*handle)
		return 0;
	*handle = dlopen(soname, RTLD_NOW | RTLD_LOCAL);
	if (!*handle)
		return err_set(e, -ENOENT, "%s needs %s: %s", why, soname,
			       dlerror());
	for (size_t i = 0; i < n; i++) {
		*syms[i].fn = dlsym(*handle, syms[i].name);
		if (!*syms[i].fn) {
			dlclose(*handle);
			*handle = NULL;
			return err_set(e, -ENOENT, "%s needs %s, which has no "
				       "%s", why, soname, syms[i].name);
		}
	}
	return 0;
}
