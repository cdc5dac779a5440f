/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The CPUs that take a disk's interrupts (sysfs, /proc/irq). */
#ifndef PORTTUNE_IRQCPU_H
#define PORTTUNE_IRQCPU_H

#include <sched.h>
#include <sys/types.h>

/* A kernel CPU list ("0-3,8,10-11", a newline at most after it) into set:
 * 0, or -EINVAL for anything else, an empty list included. */
int cpulist_parse(const char *s, cpu_set_t *set);

/* More interrupts than this: a queue per CPU, whose completions come to
 * the CPU that submitted the I/O; nothing to steer. */
#define IRQCPU_MAX_IRQS 8

/*
 * The CPUs the interrupts of block device dev (st_dev of a file on it) are
 * delivered to: its sysfs entry (SYS/dev/block/MAJ:MIN) is followed up to
 * the device with MSI interrupts, each of which is looked up in
 * PROC/irq/N/effective_affinity_list. 0, or -errno: -ENOENT when there is
 * no such device (tmpfs, a device without MSI), -E2BIG past
 * IRQCPU_MAX_IRQS, -EINVAL for text that is not a CPU list.
 */
int disk_irq_cpus(dev_t dev, const char *sys, const char *proc,
		  cpu_set_t *out);

#endif
