// SPDX-License-Identifier: GPL-2.0-or-later
/* Which network namespace we run in, so snapshots stay with theirs. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "netns.h"

/* PROC_NET_INIT_INO: init_net's fixed inode on recent kernels
 * (include/linux/proc_ns.h); older ones number it at boot, so PID 1 is
 * asked too, but only when it is the host's init: in the initial PID
 * namespace (PROC_PID_INIT_INO, fixed since 3.8), not a container's. */
#define NET_INIT_INO 0xEFFFFFF9ULL
#define PID_INIT_INO 0xEFFFFFFCULL

static bool pid1_is_host_init(void)
{
	struct stat st;

	return !stat("/proc/self/ns/pid", &st) && st.st_ino == PID_INIT_INO;
}

/*
 * Before init_net had its fixed inode (6.18), and where /proc/1/ns/net is
 * unreadable (some sandboxes): the host-wide net.core buffer limits are
 * writable only in the initial namespace.
 */
static bool buffer_limits_writable(void)
{
	struct stat st;

	return !stat("/proc/sys/net/core/rmem_max", &st) && (st.st_mode & 0222);
}

static bool is_initial(const struct stat *self)
{
	struct stat init;

	return self->st_ino == NET_INIT_INO ||
	       (pid1_is_host_init() && !stat("/proc/1/ns/net", &init) &&
		init.st_dev == self->st_dev && init.st_ino == self->st_ino) ||
	       buffer_limits_writable();
}

/* Without the name: audit --all-netns asks in every namespace, and finding
 * a name stats every entry of /run/netns. */
bool netns_self_initial(void)
{
	struct stat st;

	return !stat("/proc/self/ns/net", &st) && is_initial(&st);
}

static void read_boot_id(char *buf, size_t len)
{
	int fd = open("/proc/sys/kernel/random/boot_id", O_RDONLY | O_CLOEXEC);
	ssize_t n = fd < 0 ? -1 : read(fd, buf, len - 1);

	if (fd >= 0)
		close(fd);
	buf[n > 0 ? n : 0] = '\0';
	buf[strcspn(buf, "\n")] = '\0';
}

/* Names exist only as bind mounts under /run/netns (ip-netns(8)). */
static void find_name(const struct stat *self, char *buf, size_t len)
{
	DIR *d = opendir("/run/netns");
	struct dirent *de;
	struct stat st;

	buf[0] = '\0';
	if (!d)
		return;
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.' ||
		    fstatat(dirfd(d), de->d_name, &st, 0) ||
		    st.st_dev != self->st_dev || st.st_ino != self->st_ino)
			continue;
		snprintf(buf, len, "%s", de->d_name);
		break;
	}
	closedir(d);
}

int netns_self(struct netns_id *id, struct err *err)
{
	struct stat st;

	memset(id, 0, sizeof(*id));
	if (stat("/proc/self/ns/net", &st))
		return err_set(err, -errno, "/proc/self/ns/net: %s",
			       strerror(errno));
	id->dev = st.st_dev;
	id->ino = st.st_ino;
	id->initial = is_initial(&st);
	read_boot_id(id->boot_id, sizeof(id->boot_id));
	find_name(&st, id->name, sizeof(id->name));
	return 0;
}

bool netns_same(const struct netns_id *a, const struct netns_id *b)
{
	if (a->initial || b->initial)
		return a->initial && b->initial;
	return a->dev == b->dev && a->ino == b->ino && a->boot_id[0] &&
	       !strcmp(a->boot_id, b->boot_id);
}

void netns_describe(const struct netns_id *id, char *buf, size_t len)
{
	if (!id->ino)
		snprintf(buf, len, "unknown (not recorded)");
	else if (id->name[0])
		snprintf(buf, len, "%s (net:[%llu])", id->name, id->ino);
	else if (id->initial)
		snprintf(buf, len, "the host's (net:[%llu])", id->ino);
	else
		snprintf(buf, len, "net:[%llu]", id->ino);
}
