// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * audit --all-netns: the single-namespace audit (audit_gather, audit_evaluate
 * and the renderers) run once inside every network namespace on the host.
 * Part of the audit command: it prints.
 */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "audit_netns.h"
#include "audit_render.h"
#include "cmd.h"
#include "netns_target.h"
#include "nic.h"

struct ns_entry {
	struct ns_ident id;
	char name[NAME_MAX + 1];	/* under /run/netns; "" when none */
	char path[PATH_MAX];		/* how to open it */
	pid_t *pids;
	size_t npids;
	char comm[32];
	bool initial;
	bool gone;			/* vanished before it was audited */
	enum severity worst;
	char summary[520];		/* the worst finding, or the error */
	long port_lo, port_hi, tcp_tw, tcp_inuse;
	char *out;			/* text details or Prometheus lines */
	json_object *json;
};

struct ns_list {
	struct ns_entry *v;
	size_t n;
};

static struct ns_entry *ns_find_or_add(struct ns_list *l,
				       const struct ns_ident *id)
{
	struct ns_entry *v;

	for (size_t i = 0; i < l->n; i++)
		if (l->v[i].id.dev == id->dev && l->v[i].id.ino == id->ino)
			return &l->v[i];
	v = realloc(l->v, (l->n + 1) * sizeof(*v));
	if (!v)
		abort();
	l->v = v;
	v[l->n] = (struct ns_entry){ .id = *id, .port_lo = UNSET,
				     .port_hi = UNSET, .tcp_tw = UNSET,
				     .tcp_inuse = UNSET };
	return &v[l->n++];
}

static void read_comm(pid_t pid, char *buf, size_t len)
{
	char path[64];
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "/proc/%d/comm", (int)pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return;
	n = read(fd, buf, len - 1);
	close(fd);
	if (n <= 0)
		return;
	buf[n] = '\0';
	buf[strcspn(buf, "\n")] = '\0';
}

/* /run/netns first, so a named namespace is opened by its name. */
static void find_named(struct ns_list *l)
{
	DIR *d = opendir("/run/netns");
	struct dirent *de;

	if (!d)
		return;
	while ((de = readdir(d))) {
		struct ns_entry *e;
		struct ns_ident id;
		struct stat st;

		if (de->d_name[0] == '.' ||
		    fstatat(dirfd(d), de->d_name, &st, 0))
			continue;
		/* an ip-netns name not (or no longer) bind-mounted is a
		 * plain empty file on the /run file system */
		if (!S_ISREG(st.st_mode) || st.st_size)
			continue;
		id = (struct ns_ident){ st.st_dev, st.st_ino };
		e = ns_find_or_add(l, &id);
		if (!e->name[0]) {
			snprintf(e->name, sizeof(e->name), "%s", de->d_name);
			snprintf(e->path, sizeof(e->path), "/run/netns/%s",
				 de->d_name);
		}
	}
	closedir(d);
}

static void find_processes(struct ns_list *l)
{
	DIR *d = opendir("/proc");
	struct dirent *de;

	if (!d)
		return;
	while ((de = readdir(d))) {
		char path[64];
		struct ns_entry *e;
		struct ns_ident id;
		struct stat st;
		pid_t *p;
		char *end;
		long pid = strtol(de->d_name, &end, 10);

		if (*end || pid <= 0)
			continue;
		snprintf(path, sizeof(path), "/proc/%ld/ns/net", pid);
		/* EACCES for processes we may not inspect: they are skipped */
		if (stat(path, &st))
			continue;
		id = (struct ns_ident){ st.st_dev, st.st_ino };
		e = ns_find_or_add(l, &id);
		p = realloc(e->pids, (e->npids + 1) * sizeof(*p));
		if (!p)
			abort();
		e->pids = p;
		e->pids[e->npids++] = (pid_t)pid;
		if (!e->path[0])
			snprintf(e->path, sizeof(e->path), "%s", path);
		if (!e->comm[0])
			read_comm((pid_t)pid, e->comm, sizeof(e->comm));
	}
	closedir(d);
}

static int by_pid(const void *a, const void *b)
{
	pid_t x = *(const pid_t *)a, y = *(const pid_t *)b;

	return (x > y) - (x < y);
}

static const char *ns_label(const struct ns_entry *e, char *buf, size_t len)
{
	if (e->name[0])
		snprintf(buf, len, "%s", e->name);
	else
		snprintf(buf, len, "net:[%lu]", (unsigned long)e->id.ino);
	return buf;
}

static char *memstream_text(void (*render)(FILE *, const struct audit_view *),
			    const struct audit_view *v)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *m = open_memstream(&buf, &len);

	if (!m)
		abort();
	render(m, v);
	if (fclose(m))
		abort();
	return buf;
}

static json_object *ns_json(const struct ns_entry *e)
{
	json_object *o = json_object_new_object();
	json_object *pids = json_object_new_array();

	for (size_t i = 0; i < e->npids; i++)
		json_object_array_add(pids, json_object_new_int(e->pids[i]));
	json_object_object_add(o, "inode", json_object_new_int64(
				       (int64_t)e->id.ino));
	json_object_object_add(o, "name", e->name[0]
			       ? json_object_new_string(e->name) : NULL);
	json_object_object_add(o, "pids", pids);
	json_object_object_add(o, "comm", e->comm[0]
			       ? json_object_new_string(e->comm) : NULL);
	json_object_object_add(o, "initial", json_object_new_boolean(e->initial));
	return o;
}

/* Inside the namespace: the single-namespace audit, kept rendered. */
static void audit_here(struct ns_entry *e, const struct all_netns_req *q)
{
	struct audit_input in = { .cfg = q->cfg };
	struct audit_view view;
	struct audit_report r;
	struct nic_state *nics = NULL;
	struct plan plan = { 0 };
	struct err err = { 0 };
	char who[300];

	ns_label(e, who, sizeof(who));
	e->initial = nst_self_is_initial();
	if (q->prof) {
		if (plan_build(q->prof, &plan, &err))
			pt_error("audit: %s: %s", who, err.msg);
		else
			in.drift = &plan;
	}
	if (audit_gather(&in, q->opts, &err))
		pt_error("audit: %s: %s", who, err.msg);
	audit_evaluate(&in, &r);
	view = (struct audit_view){ &in, &r, NULL, 0, q->opts->top,
				    q->opts->processes };
	if (q->fmt != FMT_PROMETHEUS &&
	    nic_survey(q->prof, &nics, &view.nnics, &err))
		pt_error("audit: %s: interfaces: %s", who, err.msg);
	view.nics = nics;
	e->worst = r.worst;
	for (size_t i = 0; i < r.n; i++)
		if (r.v[i].sev == r.worst) {
			snprintf(e->summary, sizeof(e->summary), "%s",
				 r.v[i].summary);
			break;
		}
	e->port_lo = in.port_lo;
	e->port_hi = in.port_hi;
	e->tcp_tw = in.tcp_tw;
	e->tcp_inuse = in.tcp_inuse;
	if (q->fmt == FMT_JSON) {
		e->json = audit_json(&view);
		json_object_object_add(e->json, "netns", ns_json(e));
	} else if (q->fmt == FMT_PROMETHEUS) {
		e->out = memstream_text(audit_print_prometheus, &view);
	} else if (r.worst != SEV_OK) {
		e->out = memstream_text(audit_print_text, &view);
	}
	free(nics);
	audit_report_free(&r);
	audit_input_free(&in);
	plan_free(&plan);
}

/* Enter e, audit it; the caller returns to where it started. */
static void audit_one(struct ns_entry *e, const struct all_netns_req *q)
{
	struct ns_ident now;
	struct err err = { 0 };
	char who[300];
	int fd = open(e->path, O_RDONLY | O_CLOEXEC);

	ns_label(e, who, sizeof(who));
	/* a process that exited (or a PID reused) since the scan */
	if (fd < 0 || nst_ident_fd(fd, &now) || now.dev != e->id.dev ||
	    now.ino != e->id.ino) {
		e->gone = true;
		if (fd >= 0)
			close(fd);
		return;
	}
	if (nst_enter(fd, who, &err)) {
		e->worst = SEV_UNKNOWN;
		snprintf(e->summary, sizeof(e->summary), "%s", err.msg);
		pt_error("audit: %s", err.msg);
	} else {
		audit_here(e, q);
	}
	close(fd);
	if (q->fmt == FMT_JSON && !e->json) {
		e->json = json_object_new_object();
		json_object_object_add(e->json, "status",
				       json_object_new_string(severity_name(e->worst)));
		json_object_object_add(e->json, "exit_code",
				       json_object_new_int(e->worst));
		json_object_object_add(e->json, "error",
				       json_object_new_string(e->summary));
		json_object_object_add(e->json, "netns", ns_json(e));
	}
}

/* Worst first; then named before unnamed, by name or inode. */
static int by_severity(const void *a, const void *b)
{
	const struct ns_entry *x = a, *y = b;

	if (x->worst != y->worst)
		return (int)y->worst - (int)x->worst;
	if (!x->name[0] != !y->name[0])
		return x->name[0] ? -1 : 1;
	if (x->name[0])
		return strcmp(x->name, y->name);
	return (x->id.ino > y->id.ino) - (x->id.ino < y->id.ino);
}

static const char *who_line(const struct ns_entry *e, char *buf, size_t len)
{
	char l[300];

	ns_label(e, l, sizeof(l));
	if (e->initial)
		snprintf(buf, len, "%s (initial)", l);
	else if (!e->name[0] && e->npids)
		snprintf(buf, len, "%s pid %d %s", l, (int)e->pids[0],
			 e->comm[0] ? e->comm : "?");
	else
		snprintf(buf, len, "%s", l);
	return buf;
}

static void print_text(FILE *f, const struct ns_list *l, enum severity worst)
{
	char who[400];

	fprintf(f, "%zu network namespace%s, worst %s\n\n", l->n,
		l->n == 1 ? "" : "s", severity_name(worst));
	fprintf(f, "%-8s  %-40s  %-11s  %6s  %6s  %s\n", "STATUS", "NETNS",
		"PORT RANGE", "TCP", "TW", "WORST FINDING");
	for (size_t i = 0; i < l->n; i++) {
		const struct ns_entry *e = &l->v[i];
		char range[32] = "-";

		if (e->port_lo != UNSET)
			snprintf(range, sizeof(range), "%ld-%ld", e->port_lo,
				 e->port_hi);
		fprintf(f, "%-8s  %-40s  %-11s  %6ld  %6ld",
			severity_name(e->worst),
			who_line(e, who, sizeof(who)), range, e->tcp_inuse,
			e->tcp_tw);
		if (e->worst != SEV_OK)
			fprintf(f, "  %s", e->summary);
		fputc('\n', f);
	}
	for (size_t i = 0; i < l->n; i++) {
		const struct ns_entry *e = &l->v[i];

		if (e->worst == SEV_OK || !e->out)
			continue;
		fprintf(f, "\n==== %s: %s ====\n", who_line(e, who, sizeof(who)),
			severity_name(e->worst));
		fputs(e->out, f);
	}
}

/* ---- Prometheus: one family per metric, a netns label on each series ---- */

struct family {
	char *name;
	char *head;		/* its HELP and TYPE lines */
	char *body;		/* the series of every namespace */
	size_t blen;
};

struct families {
	struct family *v;
	size_t n;
};

static struct family *family_of(struct families *fs, const char *name,
				size_t len)
{
	struct family *v;

	for (size_t i = 0; i < fs->n; i++)
		if (strlen(fs->v[i].name) == len &&
		    !strncmp(fs->v[i].name, name, len))
			return &fs->v[i];
	v = realloc(fs->v, (fs->n + 1) * sizeof(*v));
	if (!v)
		abort();
	fs->v = v;
	v[fs->n] = (struct family){ .name = strndup(name, len) };
	if (!v[fs->n].name)
		abort();
	return &v[fs->n++];
}

static void append(char **s, size_t *len, const char *add, size_t n)
{
	char *t = realloc(*s, *len + n + 1);

	if (!t)
		abort();
	memcpy(t + *len, add, n);
	*len += n;
	t[*len] = '\0';
	*s = t;
}

/* The label value, escaped as the text format wants. */
static void label_value(const char *in, char *out, size_t len)
{
	size_t o = 0;

	for (; *in && o + 3 < len; in++) {
		if (*in == '\\' || *in == '"') {
			out[o++] = '\\';
			out[o++] = *in;
		} else if (*in == '\n') {
			out[o++] = '\\';
			out[o++] = 'n';
		} else {
			out[o++] = *in;
		}
	}
	out[o] = '\0';
}

static void merge_prometheus(struct families *fs, const char *text,
			     const char *netns)
{
	struct family *cur = NULL;
	char lv[700], lab[800];

	label_value(netns, lv, sizeof(lv));
	while (*text) {
		const char *eol = strchr(text, '\n');
		size_t n = eol ? (size_t)(eol - text) : strlen(text);

		if (!strncmp(text, "# HELP ", 7) || !strncmp(text, "# TYPE ", 7)) {
			const char *name = text + 7;
			size_t nl = strcspn(name, " \n");
			size_t hl = 0;

			cur = family_of(fs, name, nl);
			if (cur->head)
				hl = strlen(cur->head);
			/* the first namespace's HELP/TYPE stand for all */
			if (!cur->head || !strstr(cur->head, text[2] == 'H'
						  ? "# HELP " : "# TYPE ")) {
				append(&cur->head, &hl, text, n);
				append(&cur->head, &hl, "\n", 1);
			}
		} else if (n && text[0] != '#') {
			size_t nl = strcspn(text, "{ ");
			const char *rest = text + nl;
			int k;

			if (!cur)	/* a series without a header: its own */
				cur = family_of(fs, text, nl);
			append(&cur->body, &cur->blen, text, nl);
			if (*rest == '{')
				k = snprintf(lab, sizeof(lab), "{netns=\"%s\",",
					     lv), rest++;
			else
				k = snprintf(lab, sizeof(lab), "{netns=\"%s\"}",
					     lv);
			append(&cur->body, &cur->blen, lab, (size_t)k);
			append(&cur->body, &cur->blen, rest,
			       n - (size_t)(rest - text));
			append(&cur->body, &cur->blen, "\n", 1);
		}
		text += n + (eol ? 1 : 0);
	}
}

static void print_prometheus(FILE *f, const struct ns_list *l)
{
	struct families fs = { 0 };
	char who[300];

	for (size_t i = 0; i < l->n; i++)
		if (l->v[i].out)
			merge_prometheus(&fs, l->v[i].out,
					 ns_label(&l->v[i], who, sizeof(who)));
	for (size_t i = 0; i < fs.n; i++) {
		if (fs.v[i].head)
			fputs(fs.v[i].head, f);
		if (fs.v[i].body)
			fputs(fs.v[i].body, f);
		free(fs.v[i].name);
		free(fs.v[i].head);
		free(fs.v[i].body);
	}
	free(fs.v);
}

static void print_json(FILE *f, const struct ns_list *l, enum severity worst)
{
	json_object *o = json_object_new_object();
	json_object *a = json_object_new_array();

	for (size_t i = 0; i < l->n; i++) {
		json_object_array_add(a, l->v[i].json);
		l->v[i].json = NULL;
	}
	json_object_object_add(o, "status",
			       json_object_new_string(severity_name(worst)));
	json_object_object_add(o, "exit_code", json_object_new_int(worst));
	json_object_object_add(o, "namespaces", a);
	json_emit(f, o);
}

int audit_all_netns(FILE *f, const struct all_netns_req *q)
{
	struct ns_list l = { 0 };
	enum severity worst = SEV_OK;
	struct err err = { 0 };
	size_t kept = 0;
	int home = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);

	if (home < 0) {
		pt_error("audit: --all-netns: /proc/thread-self/ns/net: %s",
			 strerror(errno));
		return SEV_UNKNOWN;
	}
	find_named(&l);
	find_processes(&l);
	for (size_t i = 0; i < l.n; i++) {
		qsort(l.v[i].pids, l.v[i].npids, sizeof(pid_t), by_pid);
		audit_one(&l.v[i], q);
		/* back home between namespaces: each path is opened from the
		 * namespace porttune started in */
		if (nst_enter(home, "(the one porttune started in)", &err)) {
			pt_error("audit: --all-netns: %s", err.msg);
			worst = SEV_UNKNOWN;
			while (++i < l.n)
				l.v[i].gone = true;
			break;
		}
	}
	close(home);
	for (size_t i = 0; i < l.n; i++) {
		if (l.v[i].gone) {
			free(l.v[i].pids);
			free(l.v[i].out);
			continue;
		}
		l.v[kept++] = l.v[i];
	}
	l.n = kept;
	qsort(l.v, l.n, sizeof(*l.v), by_severity);
	for (size_t i = 0; i < l.n; i++)
		if (l.v[i].worst > worst)
			worst = l.v[i].worst;
	if (q->fmt == FMT_JSON)
		print_json(f, &l, worst);
	else if (q->fmt == FMT_PROMETHEUS)
		print_prometheus(f, &l);
	else
		print_text(f, &l, worst);
	for (size_t i = 0; i < l.n; i++) {
		free(l.v[i].pids);
		free(l.v[i].out);
		if (l.v[i].json)
			json_object_put(l.v[i].json);
	}
	free(l.v);
	return worst;
}
