/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef PORTTUNE_LIBBPF_DL_H
#define PORTTUNE_LIBBPF_DL_H

struct err;

/*
 * Open libbpf (libbpf.so.1) for the libbpf functions trace.c and its
 * skeleton call, which libbpf_dl.c defines and forwards. 0, or -ENOENT
 * with a message when the library or one of them is missing; call it
 * before any of them.
 */
int libbpf_dl_open(struct err *e);

#endif
