// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Sysctls that are not per network namespace. porttune acts on one
 * namespace; from inside a non-initial one, a key outside "net." (written
 * there, it changes the host: vm.swappiness) is refused unless asked for,
 * and a "net." key the kernel keeps host-wide is read-only there anyway
 * (net.core.rmem_max). The kernel's file mode decides which "net." keys
 * those are, not a list that goes stale.
 */
#include <errno.h>
#include <string.h>

#include "hostwide.h"
#include "netns_target.h"
#include "sysctl.h"

static bool per_netns_tree(const char *key)
{
	return !strncmp(key, "net.", 4);
}

static bool readonly_here(const char *key)
{
	return sysctl_probe(key, NULL) == -EACCES;
}

size_t hostwide_guard(struct plan *plan, bool allow)
{
	char ns[300];
	size_t n = 0, sysctls = 0;

	for (size_t i = 0; i < plan->n; i++)
		sysctls += plan->v[i].target == T_SYSCTL;
	/* which namespace this is costs system calls: only when it matters */
	if (!sysctls || nst_self_is_initial())
		return 0;
	nst_describe_self(ns, sizeof(ns));
	for (size_t i = 0; i < plan->n; i++) {
		struct change *c = &plan->v[i];

		if (c->target != T_SYSCTL)
			continue;
		if (per_netns_tree(c->key)) {
			if (c->status != CS_INVALID || !readonly_here(c->key))
				continue;
			plan_set_note(c, "%s: a host-wide setting, read-only "
				      "in this network namespace; porttune is "
				      "acting on network namespace %s: set it "
				      "from the initial namespace", c->key, ns);
			n++;
			continue;
		}
		/* a key this kernel lacks keeps its own message */
		if (c->status == CS_INVALID || c->status == CS_UNSUPPORTED)
			continue;
		n++;
		if (allow) {
			plan_add_warning(plan, "%s: host-wide setting: porttune "
					 "is acting on network namespace %s, "
					 "and writing it there changes the whole "
					 "host (--allow-host-wide)", c->key, ns);
			continue;
		}
		c->status = CS_INVALID;
		plan_set_note(c, "%s: host-wide setting; porttune is acting on "
			      "network namespace %s (--allow-host-wide "
			      "changes it for the whole host)", c->key, ns);
	}
	return n;
}
