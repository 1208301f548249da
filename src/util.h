/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdlib.h>
#include <unistd.h>

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* Cleanup attributes for owned resources, so an early return frees them. */
static inline void freep(void *p)
{
	free(*(void **)p);
}

static inline void closep(int *fd)
{
	if (*fd >= 0)
		close(*fd);
}

#define _cleanup_(f) __attribute__((cleanup(f)))
#define _cleanup_free_ _cleanup_(freep)
#define _cleanup_close_ _cleanup_(closep)

/* Move ownership out of a cleanup variable. */
#define TAKE_PTR(p)                                                                \
	({                                                                         \
		__typeof__(p) _p = (p);                                            \
		(p) = NULL;                                                        \
		_p;                                                                \
	})

#define TAKE_FD(fd)                                                                \
	({                                                                         \
		int _fd = (fd);                                                    \
		(fd) = -1;                                                         \
		_fd;                                                               \
	})

/*
 * Copy untrusted bytes into dst as printable ASCII: control, non-ASCII and
 * quote bytes become \xNN, and input beyond max_input bytes is cut and marked
 * with "...". dst always ends with a NUL. Returns dst.
 */
char *escape_untrusted(char *dst, size_t dstlen, const char *src, size_t srclen,
		       size_t max_input);

/* Length-bounded buffer of untrusted text, sized for one log field. */
#define ESCAPED_MAX 64
#define ESCAPED_BUFSZ (ESCAPED_MAX * 4 + 4)

/* Milliseconds on CLOCK_MONOTONIC, for deadlines. */
long long monotonic_ms(void);

/*
 * Read fd to end of file into a NUL-terminated heap buffer. Fails with -EFBIG
 * when the data exceeds max_size, and with -ETIMEDOUT when timeout_ms passes
 * before end of file (a negative timeout waits forever).
 */
int read_all(int fd, size_t max_size, int timeout_ms, char **ret, size_t *ret_len);

/* Read a small sysfs or procfs file into buf, trimmed of trailing newlines and spaces. */
int read_small_file(const char *path, char *buf, size_t buflen);

/* Replace '-' with '_', as the kernel does for module names. */
void module_name_canonicalize(char *name);
