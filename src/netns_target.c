// SPDX-License-Identifier: GPL-2.0-or-later
/* --netns: find, check and enter a network namespace; tell the initial one. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <linux/nsfs.h>

#include "netns.h"
#include "netns_target.h"

#define RUN_NETNS "/run/netns"
#define SELF_NS "/proc/thread-self/ns/net"

static bool all_digits(const char *s)
{
	if (!*s)
		return false;
	for (; *s; s++)
		if (*s < '0' || *s > '9')
			return false;
	return true;
}

/* The file SPEC means, and how to say what was not found. */
static int spec_path(const char *spec, char *path, size_t len,
		     const char **kind, struct err *err)
{
	if (!*spec)
		return err_set(err, -EINVAL, "--netns: empty argument");
	if (strchr(spec, '/')) {
		*kind = "path";
		snprintf(path, len, "%s", spec);
	} else if (all_digits(spec)) {
		*kind = "pid";
		snprintf(path, len, "/proc/%s/ns/net", spec);
	} else {
		if (!strcmp(spec, ".") || !strcmp(spec, ".."))
			return err_set(err, -EINVAL, "--netns: '%s' is not a "
				       "namespace name", spec);
		*kind = "name";
		snprintf(path, len, RUN_NETNS "/%s", spec);
	}
	return 0;
}

int nst_open(const char *spec, int *fd, struct err *err)
{
	char path[4096];
	const char *kind = NULL;
	int rc = spec_path(spec, path, sizeof(path), &kind, err), e, type;

	if (rc)
		return rc;
	*fd = open(path, O_RDONLY | O_CLOEXEC);
	if (*fd < 0) {
		e = errno;
		if (e == ENOENT && !strcmp(kind, "name"))
			return err_set(err, -e, "--netns %s: no network namespace "
				       "of that name (ip netns list shows them; "
				       "none under " RUN_NETNS "/%s)", spec, spec);
		if (e == ENOENT && !strcmp(kind, "pid"))
			return err_set(err, -e, "--netns %s: no process with "
				       "that PID", spec);
		if (e == EACCES || e == EPERM)
			return err_set(err, -e, "--netns %s: %s: permission "
				       "denied (needs root)", spec, path);
		return err_set(err, -e, "--netns %s: %s: %s", spec, path,
			       strerror(e));
	}
	/* NS_GET_NSTYPE (Linux 4.11): ENOTTY on anything but an nsfs file */
	type = ioctl(*fd, NS_GET_NSTYPE);
	if (type < 0 || type != CLONE_NEWNET) {
		e = type < 0 ? errno : 0;
		close(*fd);
		*fd = -1;
		if (type >= 0)
			return err_set(err, -EINVAL, "--netns %s: %s is a "
				       "namespace, but not a network namespace",
				       spec, path);
		return err_set(err, -EINVAL, "--netns %s: %s is not a "
			       "namespace file%s", spec, path,
			       e == ENOTTY ? "" : " (NS_GET_NSTYPE failed)");
	}
	return 0;
}

int nst_enter(int fd, const char *what, struct err *err)
{
	if (!setns(fd, CLONE_NEWNET))
		return 0;
	if (errno == EPERM)
		return err_set(err, -EPERM, "--netns %s: entering it: "
			       "permission denied (needs CAP_SYS_ADMIN)", what);
	return err_set(err, -errno, "--netns %s: entering it: %s", what,
		       strerror(errno));
}

int nst_ident_fd(int fd, struct ns_ident *id)
{
	struct stat st;

	if (fstat(fd, &st))
		return -errno;
	*id = (struct ns_ident){ st.st_dev, st.st_ino };
	return 0;
}

int nst_ident_self(struct ns_ident *id)
{
	struct stat st;

	if (stat(SELF_NS, &st))
		return -errno;
	*id = (struct ns_ident){ st.st_dev, st.st_ino };
	return 0;
}

bool nst_name(const struct ns_ident *id, char *buf, size_t len)
{
	DIR *d = opendir(RUN_NETNS);
	struct dirent *de;
	bool found = false;

	if (!d)
		return false;
	while (!found && (de = readdir(d))) {
		struct stat st;

		if (de->d_name[0] == '.' ||
		    fstatat(dirfd(d), de->d_name, &st, 0) ||
		    st.st_dev != id->dev || st.st_ino != id->ino)
			continue;
		snprintf(buf, len, "%s", de->d_name);
		found = true;
	}
	closedir(d);
	return found;
}

const char *nst_describe_self(char *buf, size_t len)
{
	struct ns_ident id;

	if (nst_ident_self(&id)) {
		snprintf(buf, len, "(unknown)");
		return buf;
	}
	if (!nst_name(&id, buf, len))
		snprintf(buf, len, "net:[%lu]", (unsigned long)id.ino);
	return buf;
}

/*
 * No file says "initial": /proc/1/ns/net is unreadable in some sandboxes
 * and is a container's own namespace inside a container. So: the fixed
 * inode on 6.18+; before that, the kernel's own behaviour: the host-wide
 * net.core buffer limits are writable only in the initial namespace
 * (read-only or absent elsewhere). Unknown counts as "not initial".
 */
bool nst_self_is_initial(void)
{
	return netns_self_initial();
}
