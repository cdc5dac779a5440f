/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef PORTTUNE_HOSTWIDE_H
#define PORTTUNE_HOSTWIDE_H

#include <stdbool.h>

#include "plan.h"

/*
 * In a non-initial network namespace, mark the plan's host-wide sysctls
 * (outside "net.", and "net." keys the kernel makes read-only there)
 * CS_INVALID with the reason; with allow, the keys outside "net." stay
 * and get a warning instead. In the initial namespace: nothing. Returns
 * how many settings are host-wide.
 */
size_t hostwide_guard(struct plan *plan, bool allow);

#endif
