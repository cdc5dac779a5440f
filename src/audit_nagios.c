// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * audit as a Nagios/Icinga plugin: one status line naming the worst finding,
 * performance data in the monitoring-plugins form
 * 'label'=value[UOM];warn;crit;min;max, then the other non-OK findings.
 * Nagios 4 cuts plugin output at 8 KiB (MAX_PLUGIN_OUTPUT_LENGTH), so the
 * output is built in a buffer of that size and never exceeds it.
 */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "audit_render.h"
#include "trace.h"

#define NAGIOS_MAX 8192
/* room kept for the line that says how many findings were left out */
#define NAGIOS_TAIL 96

struct nbuf {
	char s[NAGIOS_MAX + 1];
	size_t n;
};

/* Append all of it or nothing, keeping `reserve` bytes free. */
static bool put(struct nbuf *b, size_t reserve, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static bool put(struct nbuf *b, size_t reserve, const char *fmt, ...)
{
	size_t room = NAGIOS_MAX - b->n;
	va_list ap;
	int len;

	va_start(ap, fmt);
	len = vsnprintf(b->s + b->n, room + 1, fmt, ap);
	va_end(ap);
	if (len < 0 || (size_t)len + reserve > room) {
		b->s[b->n] = '\0';
		return false;
	}
	b->n += len;
	return true;
}

/* '|' starts the performance data and a newline a new line: neither may
 * appear inside a summary. */
static const char *clean(const char *in, char *out, size_t len)
{
	size_t i;

	for (i = 0; in[i] && i + 1 < len; i++)
		out[i] = in[i] == '|' ? '/' : in[i] == '\n' ? ' ' : in[i];
	out[i] = '\0';
	return out;
}

/* The worst finding; among equals a destination, which names where ports
 * run out, wins. */
static const struct finding *headline(const struct audit_report *r)
{
	const struct finding *best = NULL;

	for (size_t i = 0; i < r->n; i++) {
		const struct finding *x = &r->v[i];

		if (!best || x->sev > best->sev ||
		    (x->sev == best->sev && !strcmp(x->check, "destination") &&
		     strcmp(best->check, "destination")))
			best = x;
	}
	return best;
}

static void perfdata(struct nbuf *b, const struct audit_input *in)
{
	const struct sd_dest *top[1];
	long cap = audit_capacity(in);

	put(b, 0, " |");
	/* sockstat's tw counts orphaned FIN_WAIT2 too: TIME_WAIT is the dump's */
	if (in->have_sd)
		put(b, 0, " 'time_wait'=%u;;;0", in->sd.tcp_state[SD_TIME_WAIT]);
	else if (in->tcp_tw != UNSET)
		put(b, 0, " 'timewait_minisockets'=%ld;;;0", in->tcp_tw);
	if (in->have_sd)
		put(b, 0, " 'established'=%u;;;0",
		    in->sd.tcp_state[SD_ESTABLISHED]);
	if (cap != UNSET)
		put(b, 0, " 'usable_ports'=%ld;;;0", cap);
	if (in->have_sd && cap > 0) {
		double pct = audit_top_dests(in, top, 1)
			     ? 100.0 * audit_occupied(in, top[0]) / cap : 0;

		put(b, 0, " 'worst_destination'=%.1f%%;%.0f;%.0f;0;100", pct,
		    100 * in->cfg.warn_ratio, 100 * in->cfg.crit_ratio);
	}
	if (in->attempt_fails != UNSET)
		put(b, 0, " 'failed_connects'=%lldc;;;0", in->attempt_fails);
	if (in->trace && in->trace->ok) {
		unsigned long long n = 0;

		for (size_t i = 0; i < in->trace->n[TRACE_CONNECT_FAIL]; i++)
			n += in->trace->v[TRACE_CONNECT_FAIL][i].count;
		/* what --trace saw fail in its window: exhaustion happening */
		put(b, 0, " 'traced_connect_failures'=%llu;;1;0", n);
	}
}

void audit_print_nagios(FILE *f, const struct audit_view *v)
{
	const struct audit_report *r = v->r;
	const struct finding *head = headline(r);
	struct nbuf *b = calloc(1, sizeof(*b));
	size_t omitted = 0;
	char text[sizeof(head->summary)];

	if (!b)
		return;
	put(b, 0, "PORTTUNE %s - %s", severity_name(r->worst),
	    head ? clean(head->summary, text, sizeof(text)) : "no findings");
	perfdata(b, v->in);
	put(b, 0, "\n");
	for (size_t i = 0; i < r->n; i++) {
		const struct finding *x = &r->v[i];

		if (x == head || x->sev == SEV_OK)
			continue;
		if (omitted || !put(b, NAGIOS_TAIL, "%s %s: %s\n",
				    severity_name(x->sev), x->check,
				    clean(x->summary, text, sizeof(text))))
			omitted++;
	}
	if (omitted)
		put(b, 0, "... %zu more finding%s: run porttune audit\n",
		    omitted, omitted == 1 ? "" : "s");
	fwrite(b->s, 1, b->n, f);
	free(b);
}
