// SPDX-License-Identifier: LGPL-2.1-or-later
#include "util.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

char *escape_untrusted(char *dst, size_t dstlen, const char *src, size_t srclen,
		       size_t max_input)
{
	size_t n = srclen < max_input ? srclen : max_input;
	size_t o = 0;

	if (dstlen == 0)
		return dst;

	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)src[i];

		if (o + 5 >= dstlen)
			break;
		if (c < 0x20 || c >= 0x7f || c == '\'' || c == '"' || c == '\\')
			o += (size_t)snprintf(dst + o, dstlen - o, "\\x%02x", c);
		else
			dst[o++] = (char)c;
	}

	if (srclen > n && o + 4 <= dstlen) {
		memcpy(dst + o, "...", 3);
		o += 3;
	}

	dst[o] = '\0';
	return dst;
}

long long monotonic_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int wait_readable(int fd, long long deadline)
{
	struct pollfd pfd = { .fd = fd, .events = POLLIN };
	int timeout = -1;
	int r;

	if (deadline >= 0) {
		long long left = deadline - monotonic_ms();

		if (left <= 0)
			return -ETIMEDOUT;
		timeout = left > 60000 ? 60000 : (int)left;
	}

	r = poll(&pfd, 1, timeout);
	if (r < 0)
		return errno == EINTR ? 0 : -errno;
	if (r == 0 && deadline >= 0 && monotonic_ms() >= deadline)
		return -ETIMEDOUT;
	return 0;
}

int read_all(int fd, size_t max_size, int timeout_ms, char **ret, size_t *ret_len)
{
	long long deadline = timeout_ms < 0 ? -1 : monotonic_ms() + timeout_ms;
	size_t cap = 4096, len = 0;
	_cleanup_free_ char *buf = malloc(cap);

	if (!buf)
		return -ENOMEM;

	for (;;) {
		ssize_t n;
		int r;

		if (len + 1 >= cap) {
			/* One byte past max_size is enough to detect an oversized input. */
			size_t want = cap * 2 < max_size + 2 ? cap * 2 : max_size + 2;
			char *bigger = realloc(buf, want);

			if (!bigger)
				return -ENOMEM;
			buf = bigger;
			cap = want;
		}

		/* Without a deadline, poll only when a non-blocking read finds nothing. */
		if (deadline >= 0) {
			r = wait_readable(fd, deadline);
			if (r < 0)
				return r;
		}

		n = read(fd, buf + len, cap - len - 1);
		if (n < 0 && errno == EAGAIN && deadline < 0) {
			r = wait_readable(fd, deadline);
			if (r < 0)
				return r;
			continue;
		}
		if (n < 0) {
			if (errno == EINTR || errno == EAGAIN)
				continue;
			return -errno;
		}
		if (n == 0)
			break;

		len += (size_t)n;
		if (len > max_size)
			return -EFBIG;
	}

	buf[len] = '\0';
	*ret = TAKE_PTR(buf);
	*ret_len = len;
	return 0;
}

int read_small_file(const char *path, char *buf, size_t buflen)
{
	_cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	ssize_t n;

	if (fd < 0)
		return -errno;

	n = read(fd, buf, buflen - 1);
	if (n < 0)
		return -errno;

	while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == ' '))
		n--;
	buf[n] = '\0';
	return 0;
}

void module_name_canonicalize(char *name)
{
	for (; *name; name++)
		if (*name == '-')
			*name = '_';
}
