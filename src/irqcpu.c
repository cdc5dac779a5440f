// SPDX-License-Identifier: GPL-2.0-or-later
/* The CPUs that take a disk's interrupts, so the snapshot's seal can run
 * there and the changes elsewhere (statedir.c). */
#include <dirent.h>
#include <stdbool.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "irqcpu.h"

static bool digit(char c)
{
	return c >= '0' && c <= '9';
}

int cpulist_parse(const char *s, cpu_set_t *set)
{
	CPU_ZERO(set);
	while (*s && *s != '\n') {
		unsigned long a, b;
		char *end;

		if (!digit(*s))
			return -EINVAL;
		a = b = strtoul(s, &end, 10);
		if (*end == '-') {
			if (!digit(end[1]))
				return -EINVAL;
			b = strtoul(end + 1, &end, 10);
		}
		if (a > b || b >= CPU_SETSIZE)
			return -EINVAL;
		for (unsigned long c = a; c <= b; c++)
			CPU_SET(c, set);
		s = end;
		if (*s == ',' && digit(s[1]))
			s++;
		else if (*s && !(s[0] == '\n' && !s[1]))
			return -EINVAL;
	}
	return CPU_COUNT(set) ? 0 : -EINVAL;
}

/* The CPUs of interrupt irq, added to out. */
static int irq_cpus(const char *proc, const char *irq, cpu_set_t *out)
{
	char path[PATH_MAX], buf[256];
	cpu_set_t one;
	ssize_t n;
	int fd, rc;

	snprintf(path, sizeof(path), "%s/irq/%s/effective_affinity_list",
		 proc, irq);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = read(fd, buf, sizeof(buf) - 1);
	rc = n < 0 ? -errno : 0;
	close(fd);
	if (rc)
		return rc;
	buf[n] = '\0';
	rc = cpulist_parse(buf, &one);
	if (!rc)
		CPU_OR(out, out, &one);
	return rc;
}

int disk_irq_cpus(dev_t dev, const char *sys, const char *proc,
		  cpu_set_t *out)
{
	char link[PATH_MAX], path[PATH_MAX], *p, *rest;
	size_t root, nirq = 0;
	struct dirent *de;
	ssize_t n;
	DIR *d = NULL;
	int rc = 0;

	CPU_ZERO(out);
	snprintf(path, sizeof(path), "%s/dev/block/%u:%u", sys, major(dev),
		 minor(dev));
	n = readlink(path, link, sizeof(link) - 1);
	if (n < 0)
		return -errno;
	link[n] = '\0';
	/* the link is relative to SYS/dev/block: resolve its leading ".."s
	 * by hand, realpath() would look at every component */
	snprintf(path, sizeof(path), "%s/dev/block", sys);
	root = strlen(sys);
	for (rest = link; !strncmp(rest, "../", 3); rest += 3) {
		p = strrchr(path, '/');
		if (!p || (size_t)(p - path) < root)
			return -ENOENT;
		*p = '\0';
	}
	if (strstr(rest, "..") || strlen(path) + 1 + strlen(rest) >= sizeof(path))
		return -ENOENT;
	strcat(strcat(path, "/"), rest);
	/* up from the partition to the device that has the interrupts */
	while (!d) {
		size_t len;

		p = strrchr(path, '/');
		if (!p || (size_t)(p - path) <= root)
			return -ENOENT;
		*p = '\0';
		len = strlen(path);
		if (len + sizeof("/msi_irqs") > sizeof(path))
			return -ENOENT;
		memcpy(path + len, "/msi_irqs", sizeof("/msi_irqs"));
		d = opendir(path);
		path[len] = '\0';
	}
	while (!rc && (de = readdir(d))) {
		if (!digit(de->d_name[0]))
			continue;
		rc = ++nirq > IRQCPU_MAX_IRQS ? -E2BIG
					       : irq_cpus(proc, de->d_name, out);
	}
	closedir(d);
	if (!rc && !CPU_COUNT(out))
		rc = -ENOENT;
	return rc;
}
