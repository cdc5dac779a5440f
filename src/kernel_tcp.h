/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef PORTTUNE_KERNEL_TCP_H
#define PORTTUNE_KERNEL_TCP_H

/*
 * TCP_TIMEWAIT_LEN (include/net/tcp.h): how long TIME_WAIT lasts. Compiled
 * into the kernel, no sysctl changes it, tcp_fin_timeout included (whose
 * default, TCP_FIN_TIMEOUT, is this same value). A plain number, so that
 * TCP_TIMEWAIT_TEXT can spell it inside string literals.
 */
#define TCP_TIMEWAIT_SECONDS 60
#define TCP_TIMEWAIT_MS (TCP_TIMEWAIT_SECONDS * 1000)

#define TCP_STR_(x) #x
#define TCP_STR(x) TCP_STR_(x)
#define TCP_TIMEWAIT_TEXT TCP_STR(TCP_TIMEWAIT_SECONDS) " s"	/* "60 s" */

#endif
