// SPDX-License-Identifier: GPL-2.0-or-later
/* Reports written atomically to a file: temporary file, fsync, rename. */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "outfile.h"

static void release(struct outfile *o)
{
	free(o->path);
	free(o->tmp);
	o->path = o->tmp = NULL;
	o->f = NULL;
}

int outfile_open(struct outfile *o, const char *path, struct err *e)
{
	char *copy = strdup(path);
	int fd;

	*o = (struct outfile){ 0 };
	o->path = strdup(path);
	/* hidden and without the .prom suffix: the textfile collector reads
	 * only *.prom, so it never picks up the file while it is written */
	if (!copy || !o->path || asprintf(&o->tmp, "%s/.%s.XXXXXX",
					  dirname(copy),
					  strrchr(path, '/') ? strrchr(path, '/') + 1
							     : path) < 0) {
		free(copy);
		o->tmp = NULL;
		release(o);
		return err_set(e, -ENOMEM, "%s: out of memory", path);
	}
	free(copy);
	fd = mkstemp(o->tmp);
	if (fd < 0) {
		int rc = err_set(e, -errno, "%s: %s", o->tmp, strerror(errno));

		release(o);
		return rc;
	}
	/* mkstemp makes 0600; a report is for whoever may read the directory */
	fchmod(fd, 0644);
	o->f = fdopen(fd, "w");
	if (!o->f) {
		int rc = err_set(e, -errno, "%s: %s", o->tmp, strerror(errno));

		close(fd);
		unlink(o->tmp);
		release(o);
		return rc;
	}
	return 0;
}

int outfile_commit(struct outfile *o, struct err *e)
{
	int rc = 0;

	errno = 0;
	if (fflush(o->f) || ferror(o->f) || fsync(fileno(o->f)))
		rc = err_set(e, errno ? -errno : -EIO, "%s: write: %s", o->tmp,
			     strerror(errno ? errno : EIO));
	if (fclose(o->f) && !rc)
		rc = err_set(e, -errno, "%s: close: %s", o->tmp, strerror(errno));
	o->f = NULL;
	if (!rc && rename(o->tmp, o->path))
		rc = err_set(e, -errno, "%s: rename: %s", o->path,
			     strerror(errno));
	if (rc)
		unlink(o->tmp);
	release(o);
	return rc;
}

void outfile_abort(struct outfile *o)
{
	if (o->f)
		fclose(o->f);
	if (o->tmp)
		unlink(o->tmp);
	release(o);
}
