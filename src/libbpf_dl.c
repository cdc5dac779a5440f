// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * libbpf, opened when a trace starts instead of loaded with every command:
 * libbpf, with the libelf and libz it needs, added about 0.15 ms to each
 * porttune start, and only --trace uses it. The libbpf functions that
 * trace.c and its skeleton call are defined here with libbpf's own
 * prototypes and forward to the library. porttune does not link libbpf,
 * so nothing else can bind to these names.
 */
#include <stddef.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "dlib.h"
#include "libbpf_dl.h"

#define LIBBPF_SONAME "libbpf.so.1"

#define LIBBPF_FUNCS(X) \
	X(bpf_object__open_skeleton) X(bpf_object__load_skeleton) \
	X(bpf_object__attach_skeleton) X(bpf_object__detach_skeleton) \
	X(bpf_object__destroy_skeleton) X(bpf_program__set_autoload) \
	X(bpf_program__attach_cgroup) X(bpf_link__destroy) X(bpf_map__fd) \
	X(bpf_map_get_next_key) X(bpf_map_lookup_and_delete_elem) \
	X(libbpf_set_print)

#define POINTER(name) __typeof__(name) *name;
static struct {
	LIBBPF_FUNCS(POINTER)
} lib;

#define ROW(name) { #name, (void **)&lib.name },
static const struct dlib_sym funcs[] = { LIBBPF_FUNCS(ROW) };

int libbpf_dl_open(struct err *e)
{
	static void *handle;

	return dlib_open(&handle, LIBBPF_SONAME, funcs,
			 sizeof(funcs) / sizeof(*funcs), "tracing", e);
}

int bpf_object__open_skeleton(struct bpf_object_skeleton *s,
			      const struct bpf_object_open_opts *opts)
{
	return lib.bpf_object__open_skeleton(s, opts);
}

int bpf_object__load_skeleton(struct bpf_object_skeleton *s)
{
	return lib.bpf_object__load_skeleton(s);
}

int bpf_object__attach_skeleton(struct bpf_object_skeleton *s)
{
	return lib.bpf_object__attach_skeleton(s);
}

void bpf_object__detach_skeleton(struct bpf_object_skeleton *s)
{
	lib.bpf_object__detach_skeleton(s);
}

void bpf_object__destroy_skeleton(struct bpf_object_skeleton *s)
{
	lib.bpf_object__destroy_skeleton(s);
}

int bpf_program__set_autoload(struct bpf_program *prog, bool autoload)
{
	return lib.bpf_program__set_autoload(prog, autoload);
}

struct bpf_link *bpf_program__attach_cgroup(const struct bpf_program *prog,
					    int cgroup_fd)
{
	return lib.bpf_program__attach_cgroup(prog, cgroup_fd);
}

int bpf_link__destroy(struct bpf_link *link)
{
	return lib.bpf_link__destroy(link);
}

int bpf_map__fd(const struct bpf_map *map)
{
	return lib.bpf_map__fd(map);
}

int bpf_map_get_next_key(int fd, const void *key, void *next_key)
{
	return lib.bpf_map_get_next_key(fd, key, next_key);
}

int bpf_map_lookup_and_delete_elem(int fd, const void *key, void *value)
{
	return lib.bpf_map_lookup_and_delete_elem(fd, key, value);
}

libbpf_print_fn_t libbpf_set_print(libbpf_print_fn_t fn)
{
	return lib.libbpf_set_print(fn);
}
