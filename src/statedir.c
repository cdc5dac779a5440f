// SPDX-License-Identifier: GPL-2.0-or-later
/* The state directory: opened once, checked on the descriptor, used only
 * through it. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "irqcpu.h"
#include "statedir.h"

#define SNAPSHOT_MAX_BYTES (1 << 20)	/* far above any real snapshot */

/* porttune never changes its user: asked once, not per entry checked */
static uid_t me(void)
{
	static uid_t uid = (uid_t)-1;

	if (uid == (uid_t)-1)
		uid = geteuid();
	return uid;
}

/* Owned by us and writable by no one else: the rule for everything here. */
static int check_owner(const struct stat *s, const char *what,
		       const char *name, struct err *err)
{
	if (s->st_uid != me())
		return err_set(err, -EPERM, "%s%s: owned by uid %u, not by "
			       "this user (uid %u); not safe for porttune "
			       "state", what, name, (unsigned)s->st_uid,
			       (unsigned)me());
	if (s->st_mode & 022)
		return err_set(err, -EPERM, "%s%s: writable by %s (mode %04o); "
			       "not safe for porttune state (chmod go-w)",
			       what, name,
			       s->st_mode & 002 ? "anyone" : "its group",
			       (unsigned)(s->st_mode & 07777));
	return 0;
}

/* openat() a directory without following a link, make it if asked. */
static int open_dir(int at, const char *name, const char *shown,
		    const char *sub, bool create, int *fd, struct err *err)
{
	struct stat s;
	int rc;

	*fd = -1;
	if (create && mkdirat(at, name, 0700) && errno != EEXIST)
		return err_set(err, -errno, "%s%s: %s", shown, sub,
			       strerror(errno));
	*fd = openat(at, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (*fd < 0) {
		rc = -errno;
		if (rc == -ENOENT && !create)
			return 0;
		/* O_NOFOLLOW|O_DIRECTORY on a link: ENOTDIR (or ELOOP) */
		if (rc == -ELOOP || rc == -ENOTDIR)
			return err_set(err, -EPERM, "%s%s: %s; not safe for "
				       "porttune state", shown, sub,
				       !fstatat(at, name, &s, AT_SYMLINK_NOFOLLOW)
				       && S_ISLNK(s.st_mode)
				       ? "a symbolic link, not a directory"
				       : "not a directory");
		return err_set(err, rc, "%s%s: %s", shown, sub, strerror(-rc));
	}
	rc = fstat(*fd, &s) ? err_set(err, -errno, "%s%s: %s", shown, sub,
				      strerror(errno))
			    : check_owner(&s, shown, sub, err);
	/* snapshots hold system state: private, like /root */
	if (!rc && create && (s.st_mode & 077) && fchmod(*fd, 0700))
		rc = err_set(err, -errno, "%s%s: chmod: %s", shown, sub,
			     strerror(errno));
	if (rc) {
		close(*fd);
		*fd = -1;
	}
	return rc;
}

int state_open(struct state *st, const char *dir, bool create,
	       struct err *err)
{
	int rc;

	st->path = dir;
	st->dfd = st->sfd = -1;
	st->locked = st->entries_checked = false;
	memset(&st->seal, 0, sizeof(st->seal));
	rc = netns_self(&st->ns, err);
	if (rc)
		return rc;
	/* every message names DIR plus a short name: bound it once */
	if (strlen(dir) > PATH_MAX - 64)
		return err_set(err, -ENAMETOOLONG, "%.40s...: state directory "
			       "name too long", dir);
	rc = open_dir(AT_FDCWD, dir, dir, "", create, &st->dfd, err);
	if (!rc && st->dfd >= 0)
		rc = open_dir(st->dfd, "snapshots", dir, "/snapshots", create,
			      &st->sfd, err);
	if (rc)
		state_close(st);
	return rc;
}

void state_close(struct state *st)
{
	state_seal_wait(st, NULL);
	if (st->sfd >= 0)
		close(st->sfd);
	if (st->dfd >= 0)
		close(st->dfd);
	st->dfd = st->sfd = -1;
}

int state_lock(struct state *st, int *fd, struct err *err)
{
	struct stat s;
	int rc;

	*fd = openat(st->dfd, "lock", O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC,
		     0600);
	if (*fd < 0)
		return err_set(err, -errno, "%s/lock: %s", st->path,
			       strerror(errno));
	rc = fstat(*fd, &s) ? err_set(err, -errno, "%s/lock: %s", st->path,
				      strerror(errno))
			    : check_owner(&s, st->path, "/lock", err);
	if (!rc && flock(*fd, LOCK_EX | LOCK_NB))
		rc = errno == EWOULDBLOCK
			? err_set(err, -EBUSY, "%s/lock: another apply or "
				  "rollback is running", st->path)
			: err_set(err, -errno, "%s/lock: %s", st->path,
				  strerror(errno));
	if (rc) {
		close(*fd);
		*fd = -1;
	}
	st->locked = !rc;
	return rc;
}

bool state_busy(const struct state *st)
{
	int fd;
	bool busy;

	if (st->locked || st->dfd < 0)
		return false;
	fd = openat(st->dfd, "lock", O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return false;
	/* flock locks belong to open files: ours is a new one */
	busy = flock(fd, LOCK_SH | LOCK_NB) && errno == EWOULDBLOCK;
	close(fd);
	return busy;
}

/* A file under the state directory (sub: "/snapshots/NAME"): a regular
 * one, ours alone. */
static int check_file(const struct state *st, const struct stat *s,
		      const char *sub, struct err *err)
{
	if (!S_ISREG(s->st_mode))
		return err_set(err, -EPERM, "%s%s: not a regular file; not safe "
			       "for porttune state", st->path, sub);
	return check_owner(s, st->path, sub, err);
}

int state_check_entry(const struct state *st, int dirfd, const char *name,
		      off_t *size, struct err *err)
{
	char sub[300];
	struct stat s;

	snprintf(sub, sizeof(sub), "/snapshots/%s", name);
	if (size)
		*size = -1;
	if (fstatat(dirfd, name, &s, AT_SYMLINK_NOFOLLOW))
		return errno == ENOENT ? 0 : err_set(err, -errno, "%s%s: %s",
						     st->path, sub,
						     strerror(errno));
	if (size)
		*size = s.st_size;
	return check_file(st, &s, sub, err);
}

/* snapshots/NAME opened for reading once found safe; -ENOENT when absent. */
static int open_checked(const struct state *st, const char *name,
			struct stat *s, struct err *err)
{
	char sub[300];
	int fd, rc;

	if (st->sfd < 0)
		return -ENOENT;
	fd = openat(st->sfd, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK |
		    O_CLOEXEC);
	if (fd < 0)
		return errno == ENOENT ? -ENOENT
			: err_set(err, -errno, "%s/snapshots/%s: %s", st->path,
				  name, strerror(errno));
	snprintf(sub, sizeof(sub), "/snapshots/%s", name);
	rc = fstat(fd, s) ? err_set(err, -errno, "%s%s: %s", st->path, sub,
				    strerror(errno)) : 0;
	if (!rc)
		rc = check_file(st, s, sub, err);
	if (!rc && s->st_size > SNAPSHOT_MAX_BYTES)
		rc = err_set(err, -EFBIG, "%s%s: larger than %d bytes",
			     st->path, sub, SNAPSHOT_MAX_BYTES);
	if (rc) {
		close(fd);
		return rc;
	}
	return fd;
}

int state_read(const struct state *st, const char *name, char **text,
	       struct err *err)
{
	struct stat s;
	ssize_t n;
	size_t len = 0;
	char *buf;
	int fd, rc = 0;

	*text = NULL;
	fd = open_checked(st, name, &s, err);
	if (fd < 0)
		return fd;
	buf = malloc(s.st_size + 1);
	if (!buf)
		abort();
	while (len < (size_t)s.st_size &&
	       (n = read(fd, buf + len, s.st_size - len)) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			rc = err_set(err, -errno, "%s/snapshots/%s: %s",
				     st->path, name, strerror(errno));
			break;
		}
		len += n;
	}
	close(fd);
	if (rc) {
		free(buf);
		return rc;
	}
	buf[len] = '\0';
	if (strlen(buf) != len) {
		free(buf);
		return err_set(err, -EINVAL, "%s/snapshots/%s: binary file "
			       "(contains NUL)", st->path, name);
	}
	*text = buf;
	return 0;
}

int state_read_head(const struct state *st, const char *name, char *buf,
		    size_t len, struct err *err)
{
	struct stat s;
	ssize_t n;
	int fd = open_checked(st, name, &s, err);

	if (fd < 0)
		return fd;
	do
		n = pread(fd, buf, len - 1, 0);
	while (n < 0 && errno == EINTR);
	close(fd);
	if (n < 0)
		return err_set(err, -errno, "%s/snapshots/%s: %s", st->path,
			       name, strerror(errno));
	buf[n] = '\0';
	return 0;
}

/* ---- writing ---------------------------------------------------------- */

static int write_all(int fd, const char *s, size_t n)
{
	while (n) {
		ssize_t w = write(fd, s, n);

		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0)
			return -errno;
		s += w;
		n -= w;
	}
	return 0;
}

/*
 * The spare (SPARE_NAME) renamed to tmp and open for writing from its
 * start, or -1: none there, or not fit to be overwritten (only a regular
 * file of ours, mode 0600 as porttune makes them, that no other name links
 * to is; anything else loses the name, as the generation it was would
 * have).
 */
static int take_spare(const struct state *st, const char *tmp)
{
	struct stat s;
	int fd;

	if (renameat2(st->sfd, SPARE_NAME, st->sfd, tmp, RENAME_NOREPLACE))
		return -1;
	/* O_NONBLOCK: a FIFO there fails at once instead of waiting */
	fd = openat(st->sfd, tmp, O_WRONLY | O_NOFOLLOW | O_NONBLOCK |
		    O_CLOEXEC);
	if (fd >= 0 && !fstat(fd, &s) && S_ISREG(s.st_mode) &&
	    s.st_uid == me() && (s.st_mode & 07777) == 0600 &&
	    s.st_nlink == 1)
		return fd;
	if (fd >= 0)
		close(fd);
	unlinkat(st->sfd, tmp, 0);
	return -1;
}

int state_write_tmp(const struct state *st, const char *text, bool spare,
		    char *tmp, size_t tmplen, int *fd, struct err *err)
{
	size_t len = strlen(text);
	bool reused = false;
	int rc;

	*fd = -1;
	for (unsigned i = 0; *fd < 0 && i < 100; i++) {
		snprintf(tmp, tmplen, ".tmp-%ld-%u", (long)getpid(), i);
		if (spare && !reused && (*fd = take_spare(st, tmp)) >= 0) {
			reused = true;
			break;
		}
		*fd = openat(st->sfd, tmp, O_WRONLY | O_CREAT | O_EXCL |
			     O_NOFOLLOW | O_CLOEXEC, 0600);
		if (*fd < 0 && errno != EEXIST)
			break;
	}
	if (*fd < 0)
		return err_set(err, -errno, "%s/snapshots: %s", st->path,
			       strerror(errno));
	rc = write_all(*fd, text, len);
	/* a longer spare's tail goes */
	if (!rc && reused && ftruncate(*fd, (off_t)len))
		rc = -errno;
	if (rc) {
		close(*fd);
		*fd = -1;
		unlinkat(st->sfd, tmp, 0);
		return err_set(err, rc, "%s/snapshots: writing snapshot: %s",
			       st->path, strerror(-rc));
	}
	return 0;
}

/* The synced temporary file (sync_rc: its fsync) becomes NAME, or goes. */
int state_commit_tmp(const struct state *st, const char *tmp, int fd,
		     int sync_rc, const char *name, struct err *err)
{
	int rc = sync_rc;

	if (close(fd) && !rc)
		rc = -errno;
	if (!rc && renameat(st->sfd, tmp, st->sfd, name))
		rc = -errno;
	if (rc) {
		unlinkat(st->sfd, tmp, 0);
		return err_set(err, rc, "%s/snapshots/%s: writing snapshot: %s",
			       st->path, name, strerror(-rc));
	}
	return 0;
}

/* NAME under snapshots/ replaced atomically: temporary file, fsync, rename.
 * The directory is synced by the seal that follows (state_seal). */
int state_write(const struct state *st, const char *name, const char *text,
		struct err *err)
{
	char tmp[64];
	int fd, rc = state_write_tmp(st, text, false, tmp, sizeof(tmp), &fd,
				     err);

	if (rc)
		return rc;
	return state_commit_tmp(st, tmp, fd, fsync(fd) ? -errno : 0, name,
				err);
}

/* ---- sealing ---------------------------------------------------------- */

static void *seal_run(void *arg)
{
	struct state *st = arg;
	struct state_seal *s = &st->seal;

	s->rc = 0;
	if (fsync(s->fd))
		s->step = "fsync";
	else if (linkat(st->sfd, s->staged, st->sfd, s->name, 0))
		s->step = "link";
	else if (fsync(st->sfd))
		s->step = "fsync of the directory";
	else
		s->step = NULL;
	if (s->step)
		s->rc = -errno;
	close(s->fd);
	s->fd = -1;
	/* the first becomes the spare: its blocks stay allocated for the
	 * next snapshot, which neither allocates nor discards any */
	for (size_t i = 0; !s->step && i < s->ndrop; i++)
		if (i || renameat(st->sfd, s->drop[i], st->sfd, SPARE_NAME))
			unlinkat(st->sfd, s->drop[i], 0);
	return NULL;
}

/*
 * The seal's stack: bss, of which it touches a few pages, not an 8 MiB
 * mapping made, protected and, as the thread exits, discarded, each a TLB
 * flush on the other CPU. One seal at a time uses it (the main thread
 * starts and joins them all); another, were it ever started meanwhile,
 * gets a stack of its own.
 */
static char seal_stack[128 * 1024] __attribute__((aligned(4096)));
static bool seal_stack_used;

static void drop_free(struct state_seal *s)
{
	for (size_t i = 0; i < s->ndrop; i++)
		free(s->drop[i]);
	free(s->drop);
	s->drop = NULL;
	s->ndrop = 0;
}

/*
 * The seal's CPUs. Where the state directory's disk delivers its
 * interrupts to some of the CPUs allowed to this process and not to
 * others, the seal runs on the former and this thread on the latter until
 * the seal is joined: the disk's completions then interrupt the seal, not
 * the changes (on a VM whose disk interrupts one vCPU, a quarter of a
 * millisecond per NIC apply). Otherwise: the allowed CPUs but the one this
 * thread is on, when there are any. Its I/O submissions and completions
 * then cost another CPU, not the one sending the changes; where it shares
 * the CPU (false: one CPU only) it runs each time that thread yields.
 */
static bool elsewhere(struct state *st, pthread_attr_t *attr)
{
	struct state_seal *s = &st->seal;
	cpu_set_t set, irq, rest;
	int cpu = sched_getcpu();
	struct stat sb;

	if (cpu < 0 || cpu >= CPU_SETSIZE ||
	    sched_getaffinity(0, sizeof(set), &set))
		return false;
	if (!fstat(st->sfd, &sb) &&
	    !disk_irq_cpus(sb.st_dev, "/sys", "/proc", &irq)) {
		CPU_AND(&irq, &irq, &set);
		CPU_XOR(&rest, &set, &irq);
		if (CPU_COUNT(&irq) && CPU_COUNT(&rest) &&
		    !pthread_attr_setaffinity_np(attr, sizeof(irq), &irq) &&
		    !sched_setaffinity(0, sizeof(rest), &rest)) {
			s->was = set;
			s->moved = true;
			return true;
		}
	}
	CPU_CLR(cpu, &set);
	return CPU_COUNT(&set) > 0 &&
	       !pthread_attr_setaffinity_np(attr, sizeof(set), &set);
}

int state_seal(struct state *st, int fd, const char *staged, const char *name,
	       char **drop, size_t ndrop, struct err *err)
{
	struct state_seal *s = &st->seal;
	pthread_attr_t attr;
	sigset_t all, old;
	bool apart = false;
	int rc = state_seal_wait(st, err);

	s->drop = drop;
	s->ndrop = ndrop;
	if (rc) {
		drop_free(s);
		close(fd);
		return rc;
	}
	s->fd = fd;
	snprintf(s->staged, sizeof(s->staged), "%s", staged);
	snprintf(s->name, sizeof(s->name), "%s", name);
	s->open = true;
	/* signals stay with the main thread, which owns every exit path */
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	if (!pthread_attr_init(&attr)) {
		apart = elsewhere(st, &attr);
		s->own_stack = !seal_stack_used &&
			!pthread_attr_setstack(&attr, seal_stack,
					       sizeof(seal_stack));
		s->running = !pthread_create(&s->thread, &attr, seal_run, st);
		s->own_stack &= s->running;
		seal_stack_used |= s->own_stack;
		pthread_attr_destroy(&attr);
	}
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	/* on this CPU, it starts its fsync at once (the disk works while
	 * this thread goes on) instead of waiting for this one's time slice
	 * to end */
	if (s->running) {
		if (!apart)
			sched_yield();
		return 0;
	}
	/* no thread: sealed before anything goes on */
	seal_run(st);
	return state_seal_wait(st, err);
}

int state_seal_wait(struct state *st, struct err *err)
{
	struct state_seal *s = &st->seal;

	if (s->running)
		pthread_join(s->thread, NULL);
	if (s->own_stack)	/* set only for a thread started on it */
		seal_stack_used = s->own_stack = false;
	if (s->moved)
		sched_setaffinity(0, sizeof(s->was), &s->was);
	s->moved = false;
	s->running = false;
	drop_free(s);
	if (!s->open)
		return 0;
	s->open = false;
	if (!s->rc)
		return 0;
	return err_set(err, s->rc, "%s/snapshots/%s: %s: %s", st->path,
		       s->name, s->step, strerror(-s->rc));
}
