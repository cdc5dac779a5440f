// SPDX-License-Identifier: GPL-2.0-or-later
/* libFuzzer: the /proc/net text parsers and /proc/irq's CPU lists; the
 * first byte picks one. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "counters.h"
#include "irqcpu.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct counters c = { 0 };
	struct err e = { 0 };
	char *text;

	if (!size)
		return 0;
	text = malloc(size);
	if (!text)
		abort();
	memcpy(text, data + 1, size - 1);
	text[size - 1] = '\0';
	switch (data[0] % 4) {
	case 0:		/* /proc/net/netstat, /proc/net/snmp */
		counters_parse_pairs(&c, text, &e);
		break;
	case 1:		/* /proc/net/sockstat{,6} */
		counters_parse_sockstat(&c, "sockstat", text, &e);
		break;
	case 2:		/* /proc/net/stat/nf_conntrack */
		counters_parse_ct_stat(&c, text, &e);
		break;
	case 3: {	/* /proc/irq/N/effective_affinity_list */
		cpu_set_t set;

		if (!cpulist_parse(text, &set) && !CPU_COUNT(&set))
			abort();
		break;
	}
	}
	counters_free(&c);
	free(text);
	return 0;
}
