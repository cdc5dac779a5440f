// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * libFuzzer: the snapshot reader (what `snapshots list` and `rollback latest`
 * decide from), the key listing that spares apply the baseline, and the
 * writer's round trip: a value it renders must read back as it was, long
 * lists on continuation lines included, and the key listing must
 * understand what the writer wrote.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "plan.h"
#include "profile.h"
#include "snapshot.h"
#include "snapshot_keys.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void roundtrip(const char *value)
{
	struct change c = {
		.target = T_SYSCTL, .key = "net.ipv4.ip_local_reserved_ports",
		.before = (char *)value, .status = CS_PENDING,
	};
	struct plan plan = { .v = &c, .n = 1 };
	struct snap_meta m = { .id = 7, .command = "apply" };
	struct snap_info si;
	struct err e = { 0 };
	struct profile p;
	char *text = NULL;
	uint64_t d;

	if (snapshot_render(&plan, &m, &text, &e))
		return;
	if (snapshot_parse(text, 7, &si) && value[0])
		abort();	/* the writer made a snapshot the reader refuses */
	if (!snapshot_keys_within(text, text))
		abort();	/* ... or one the key listing does not follow */
	if (!snapshot_head_digest(text, &d) ||
	    d != snapshot_digest(&plan, &m.ns))
		abort();	/* ... or one whose head lacks its digest */
	profile_parse_as(&p, PROFILE_SNAPSHOT, "snapshot", text, NULL, NULL,
			 NULL);
	/* port lists are stored exactly (other values may be normalised) */
	if (!value[strspn(value, "0123456789,-")] &&
	    (p.nerrors || p.nsysctl != 1 || strcmp(p.sysctl[0].value, value)))
		abort();
	profile_free(&p);
	free(text);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = malloc(size + 1);
	struct snap_info si;
	uint64_t d;

	if (!text)
		abort();
	memcpy(text, data, size);
	text[size] = '\0';
	snapshot_parse(text, 1, &si);
	snapshot_keys_within(text, text);
	snapshot_head_digest(text, &d);
	if (size < 4096 && !strchr(text, '\n'))
		roundtrip(text);
	free(text);
	return 0;
}
