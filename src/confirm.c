// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * apply --confirm and porttune confirm, as Junos "commit confirmed": the
 * change reverts by itself unless confirmed in time. The pending record
 * lives in the state directory and is read and changed only under the
 * state lock; the reverting child is detached from the terminal, stays in
 * the network namespace it was forked in, and rolls back through the
 * ordinary transaction.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

#include "confirm.h"

#define PENDING CONFIRM_PENDING
#define LOG "confirm.log"
#define POLL_NS 100000000L	/* a confirm ends the child within this */
#define LOCK_TRIES 200		/* x 50 ms: a rollback or confirm holding it */

/* The record and the log live in the checked state directory and are
 * reached only through its descriptor (statedir.h). */
static FILE *open_at(const struct state *st, const char *name, int flags,
		     const char *mode)
{
	int fd = openat(st->dfd, name, flags | O_NOFOLLOW | O_CLOEXEC, 0600);
	FILE *f = fd < 0 ? NULL : fdopen(fd, mode);

	if (fd >= 0 && !f)
		close(fd);
	return f;
}

/* Open the state directory; 1 when it does not exist (no record). */
static int open_state(struct state *st, const char *dir, struct err *err)
{
	int rc = state_open(st, dir, false, err);

	if (!rc && st->dfd < 0) {
		state_close(st);
		return 1;
	}
	return rc;
}

void confirm_time(long long t, char *buf, size_t len)
{
	time_t tt = (time_t)t;
	struct tm tm;

	gmtime_r(&tt, &tm);
	strftime(buf, len, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

static void read_line(const char *path, char *buf, size_t len)
{
	FILE *f = fopen(path, "re");

	buf[0] = '\0';
	if (f) {
		if (fgets(buf, (int)len, f))
			buf[strcspn(buf, "\n")] = '\0';
		fclose(f);
	}
}

static void boot_id(char *buf, size_t len)
{
	read_line("/proc/sys/kernel/random/boot_id", buf, len);
}

static void netns_of_self(char *buf, size_t len)
{
	ssize_t n = readlink("/proc/self/ns/net", buf, len - 1);

	buf[n > 0 ? n : 0] = '\0';
}

static int write_rec(const struct state *st, const struct confirm_rec *r,
		     struct err *err)
{
	const char *tmp = PENDING ".tmp";
	FILE *f = open_at(st, tmp, O_WRONLY | O_CREAT | O_TRUNC, "w");
	int rc = 0;

	if (!f)
		return err_set(err, -errno, "%s/%s: %s", st->path, tmp,
			       strerror(errno));
	fprintf(f, "state=%s\nsnapshot=%u\ndeadline=%lld\npid=%ld\ntoken=%s\n"
		"boot_id=%s\nnetns=%s\ncreated=%s\nprofile=%s\n", r->state,
		r->snapshot, r->deadline, r->pid, r->token, r->boot_id,
		r->netns, r->created, r->profile);
	if (fflush(f) || fsync(fileno(f)))
		rc = err_set(err, -errno, "%s/%s: %s", st->path, tmp,
			     strerror(errno));
	if (fclose(f) && !rc)
		rc = err_set(err, -errno, "%s/%s: %s", st->path, tmp,
			     strerror(errno));
	if (!rc && renameat(st->dfd, tmp, st->dfd, PENDING))
		rc = err_set(err, -errno, "%s/" PENDING ": %s", st->path,
			     strerror(errno));
	if (rc)
		unlinkat(st->dfd, tmp, 0);
	return rc;
}

/* 1: no record; 0: read (stale or not). */
static int read_rec(const struct state *st, struct confirm_rec *r,
		    struct err *err)
{
	char line[1024];
	FILE *f;

	memset(r, 0, sizeof(*r));
	f = open_at(st, PENDING, O_RDONLY, "r");
	if (!f)
		return errno == ENOENT ? 1 : err_set(err, -errno, "%s/"
						     PENDING ": %s", st->path,
						     strerror(errno));
	while (fgets(line, sizeof(line), f)) {
		char *v = strchr(line, '=');

		if (!v)
			continue;
		*v++ = '\0';
		v[strcspn(v, "\n")] = '\0';
#define STR(k) if (!strcmp(line, #k)) snprintf(r->k, sizeof(r->k), "%s", v)
		STR(state); STR(token); STR(boot_id); STR(netns);
		STR(created); STR(profile);
#undef STR
		if (!strcmp(line, "snapshot"))
			r->snapshot = (unsigned)strtoul(v, NULL, 10);
		else if (!strcmp(line, "deadline"))
			r->deadline = strtoll(v, NULL, 10);
		else if (!strcmp(line, "pid"))
			r->pid = strtol(v, NULL, 10);
	}
	fclose(f);
	return 0;
}

/* The owner died (or the host rebooted): nothing will revert it. */
static bool stale(const struct confirm_rec *r)
{
	char id[40];

	boot_id(id, sizeof(id));
	if (strcmp(id, r->boot_id))
		return true;
	return r->pid <= 0 || (kill((pid_t)r->pid, 0) && errno == ESRCH);
}

static int lock_retry(struct state *st, int *fd, int tries, struct err *err)
{
	int rc;

	while ((rc = state_lock(st, fd, err)) == -EBUSY && --tries > 0) {
		struct timespec ts = { 0, 50000000L };

		nanosleep(&ts, NULL);
	}
	return rc;
}

static int read_locked(const struct state *st, struct confirm_rec *r,
		       struct err *err)
{
	int rc = read_rec(st, r, err);

	if (rc || !stale(r))
		return rc;
	unlinkat(st->dfd, PENDING, 0);
	return 1;
}

int confirm_read(const char *state_dir, struct confirm_rec *r, struct err *err)
{
	struct state st;
	int fd, rc = open_state(&st, state_dir, err);

	/* audit and snapshots list only look: no lock, no state dir made */
	if (rc)
		return rc;
	if (faccessat(st.dfd, PENDING, F_OK, AT_SYMLINK_NOFOLLOW)) {
		state_close(&st);
		return 1;
	}
	rc = lock_retry(&st, &fd, 20, err);
	if (rc == -EBUSY)	/* apply/rollback running: look without it */
		rc = read_rec(&st, r, err) ? 1 : stale(r) ? 1 : 0;
	else if (!rc) {
		rc = read_locked(&st, r, err);
		close(fd);
	}
	state_close(&st);
	return rc;
}

static void token(char *buf, size_t len)
{
	unsigned char b[16] = { 0 };

	if (getrandom(b, sizeof(b), 0) != sizeof(b)) {
		struct timespec ts;

		clock_gettime(CLOCK_REALTIME, &ts);
		memcpy(b, &ts, sizeof(ts) < sizeof(b) ? sizeof(ts) : sizeof(b));
	}
	for (size_t i = 0; i < sizeof(b) && 2 * i + 2 < len; i++)
		snprintf(buf + 2 * i, 3, "%02x", b[i]);
}

static void busy(const struct confirm_rec *r, struct err *err)
{
	char when[32];

	confirm_time(r->deadline, when, sizeof(when));
	if (!strcmp(r->state, "reserved"))
		err_set(err, -EBUSY, "an apply --confirm is running (pid %ld)",
			r->pid);
	else
		err_set(err, -EBUSY, "snapshot %u awaits confirmation (rolled "
			"back at %s unless porttune confirm runs first); "
			"refusing another apply until then", r->snapshot, when);
}

int confirm_guard(const struct state *st, bool reserve, const char *profile,
		  struct err *err)
{
	struct confirm_rec r;
	int rc = read_locked(st, &r, err);

	if (!rc) {
		busy(&r, err);
		return -EBUSY;
	}
	if (rc != 1 || !reserve)
		return rc == 1 ? 0 : rc;
	memset(&r, 0, sizeof(r));
	snprintf(r.state, sizeof(r.state), "reserved");
	r.pid = getpid();
	token(r.token, sizeof(r.token));
	boot_id(r.boot_id, sizeof(r.boot_id));
	netns_of_self(r.netns, sizeof(r.netns));
	snprintf(r.profile, sizeof(r.profile), "%s", profile);
	return write_rec(st, &r, err);
}

void confirm_release(const char *state_dir)
{
	struct confirm_rec r;
	struct state st;
	int fd;

	if (open_state(&st, state_dir, NULL))
		return;
	if (!state_lock(&st, &fd, NULL)) {
		if (!read_rec(&st, &r, NULL) && r.pid == getpid() &&
		    !strcmp(r.state, "reserved"))
			unlinkat(st.dfd, PENDING, 0);
		close(fd);
	}
	state_close(&st);
}

__attribute__((format(printf, 2, 3)))
static void log_outcome(const struct state *st, const char *fmt, ...)
{
	char now[32];
	va_list ap;
	FILE *f = open_at(st, LOG, O_WRONLY | O_APPEND | O_CREAT, "a");

	if (!f)
		return;
	confirm_time(time(NULL), now, sizeof(now));
	fprintf(f, "%s ", now);
	va_start(ap, fmt);
	vfprintf(f, fmt, ap);
	va_end(ap);
	fputc('\n', f);
	fclose(f);
}

void confirm_last_outcome(const char *state_dir, char *buf, size_t len)
{
	char line[512];
	struct state st;
	FILE *f;

	buf[0] = '\0';
	if (open_state(&st, state_dir, NULL))
		return;
	f = open_at(&st, LOG, O_RDONLY, "r");
	while (f && fgets(line, sizeof(line), f))
		snprintf(buf, len, "%.*s", (int)strcspn(line, "\n"), line);
	if (f)
		fclose(f);
	state_close(&st);
}

/* Whether the record still names this child's change. */
static bool still_mine(const struct state *st, const char *tok)
{
	struct confirm_rec r;

	return !read_rec(st, &r, NULL) && !strcmp(r.token, tok);
}

/* Remove the record if it is still the one with this token. */
static void confirm_drop(struct state *st, const char *tok)
{
	int fd;

	if (lock_retry(st, &fd, LOCK_TRIES, NULL))
		return;
	if (still_mine(st, tok))
		unlinkat(st->dfd, PENDING, 0);
	close(fd);
}

/* The deadline passed: claim the record, roll back, drop the record. */
static void revert(struct state *st, const char *dir, const char *tok,
		   unsigned id)
{
	struct confirm_rec r;
	struct txn t = { .state_dir = dir, .command = "rollback" };
	struct err e = { 0 };
	char which[16];
	enum txn_stage stage;
	int fd;

	if (lock_retry(st, &fd, LOCK_TRIES, &e)) {
		log_outcome(st, "could not roll back snapshot %u: %s", id,
			    e.msg);
		return;
	}
	if (read_rec(st, &r, NULL) || strcmp(r.token, tok)) {
		close(fd);	/* confirmed just in time */
		return;
	}
	/* from here `confirm` says "too late" and apply stays refused */
	snprintf(r.state, sizeof(r.state), "reverting");
	r.pid = getpid();
	write_rec(st, &r, NULL);
	close(fd);
	snprintf(which, sizeof(which), "%u", id);
	t.snapshot = which;
	t.profile_path = which;
	stage = txn_run(&t, &e);
	if (stage == TXN_OK)
		log_outcome(st, "not confirmed in time: rolled back snapshot "
			    "%u", id);
	else
		log_outcome(st, "not confirmed in time: rolling back "
			    "snapshot %u FAILED: %s", id, e.msg);
	txn_free(&t);
	confirm_drop(st, tok);
}

static void detach(void)
{
	int fd = open("/dev/null", O_RDWR | O_CLOEXEC);

	setsid();		/* no controlling terminal: no SIGHUP from it */
	signal(SIGHUP, SIG_IGN);
	signal(SIGINT, SIG_IGN);
	signal(SIGPIPE, SIG_IGN);
	if (fd >= 0) {
		dup2(fd, 0);
		dup2(fd, 1);
		dup2(fd, 2);
	}
	close_range(3, ~0U, 0);
	if (chdir("/"))		/* do not pin a mount */
		return;
}

static void child(const char *dir, const char *tok, unsigned id,
		  const struct timespec *deadline)
{
	struct timespec now, step;
	struct state st;

	/* detach() closed every descriptor: open the directory again */
	if (open_state(&st, dir, NULL))
		return;
	for (;;) {
		long long left;

		if (!still_mine(&st, tok)) {
			state_close(&st);
			return;		/* confirmed, or the state dir is gone */
		}
		clock_gettime(CLOCK_MONOTONIC, &now);
		left = (deadline->tv_sec - now.tv_sec) * 1000000000LL +
		       (deadline->tv_nsec - now.tv_nsec);
		if (left <= 0)
			break;
		if (left > POLL_NS)
			left = POLL_NS;
		step = (struct timespec){ 0, (long)left };
		nanosleep(&step, NULL);
	}
	revert(&st, dir, tok, id);
	state_close(&st);
}

int confirm_start(struct txn *t, struct err *err)
{
	struct confirm_rec r = { 0 };
	struct timespec deadline;
	const char *dir = t->state_dir;
	unsigned id = t->snap.id;
	struct state st;
	pid_t pid;
	int fd, rc;

	clock_gettime(CLOCK_MONOTONIC, &deadline);
	deadline.tv_sec += t->confirm_secs;
	snprintf(r.state, sizeof(r.state), "waiting");
	r.snapshot = id;
	r.deadline = (long long)time(NULL) + t->confirm_secs;
	r.pid = getpid();
	token(r.token, sizeof(r.token));
	boot_id(r.boot_id, sizeof(r.boot_id));
	netns_of_self(r.netns, sizeof(r.netns));
	snprintf(r.created, sizeof(r.created), "%s", t->snap.created);
	snprintf(r.profile, sizeof(r.profile), "%s", t->profile_path);
	rc = state_open(&st, dir, true, err);
	if (rc)
		return rc;
	rc = lock_retry(&st, &fd, LOCK_TRIES, err);
	if (!rc) {
		rc = write_rec(&st, &r, err);
		close(fd);
	}
	if (rc) {
		state_close(&st);
		return rc;
	}
	fflush(stdout);
	fflush(stderr);
	pid = fork();
	if (pid < 0) {
		rc = err_set(err, -errno, "fork: %s", strerror(errno));
		confirm_drop(&st, r.token);
		state_close(&st);
		return rc;
	}
	if (pid == 0) {
		char tok[sizeof(r.token)], sdir[PATH_MAX];

		/* keep only what the child needs; t goes with the apply */
		snprintf(tok, sizeof(tok), "%s", r.token);
		/* the child leaves the working directory: make it absolute */
		if (!realpath(dir, sdir))
			snprintf(sdir, sizeof(sdir), "%s", dir);
		txn_free(t);
		state_close(&st);
		detach();
		child(sdir, tok, id, &deadline);
		return 1;
	}
	/* the child owns the record now: a confirm or apply checks it is
	 * alive */
	if (!lock_retry(&st, &fd, LOCK_TRIES, NULL)) {
		struct confirm_rec cur;

		if (!read_rec(&st, &cur, NULL) && !strcmp(cur.token, r.token) &&
		    !strcmp(cur.state, "waiting")) {
			r.pid = pid;
			write_rec(&st, &r, NULL);
		}
		close(fd);
	}
	state_close(&st);
	t->confirm_deadline = r.deadline;
	return 0;
}

int confirm_cancel(const char *state_dir, struct confirm_rec *r,
		   struct err *err)
{
	struct state st;
	int fd, rc = open_state(&st, state_dir, err);

	if (rc)
		return rc;
	rc = lock_retry(&st, &fd, 20, err);
	if (rc) {
		state_close(&st);
		return rc;
	}
	rc = read_locked(&st, r, err);
	if (!rc && strcmp(r->state, "waiting")) {
		rc = err_set(err, -EALREADY, !strcmp(r->state, "reverting")
			     ? "too late: snapshot %u is being rolled back"
			     : "the apply of snapshot %u is still running",
			     r->snapshot);
	} else if (!rc && unlinkat(st.dfd, PENDING, 0)) {
		rc = err_set(err, -errno, "%s/" PENDING ": %s", state_dir,
			     strerror(errno));
	}
	close(fd);
	state_close(&st);
	return rc;
}
