// SPDX-License-Identifier: LGPL-2.1-or-later
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "hook.h"
#include "log.h"

#ifndef VERSION
#define VERSION "0"
#endif

static void print_usage(FILE *out)
{
	fprintf(out,
		"Usage: %s [OPTIONS] < OCI-STATE\n"
		"\n"
		"Run as an OCI hook (prestart or createRuntime): load the host kernel\n"
		"modules listed in the container's KERNEL_MODULES variable.\n"
		"\n"
		"Options:\n"
		"  --state STAGE     prestart, poststart or poststop; only prestart loads\n"
		"  --log FILE        also append log lines to FILE\n"
		"  --with-relabel    accepted for compatibility; has no effect\n"
		"  --debug           log debug lines, libkmod's included\n"
		"  -h, --help        show this help\n"
		"  --version         show the version\n",
		PROGRAM_NAME);
}

static bool stage_is_known(const char *stage)
{
	return strcmp(stage, "prestart") == 0 || strcmp(stage, "poststart") == 0 ||
	       strcmp(stage, "poststop") == 0;
}

enum { OPT_STATE = 256, OPT_LOG, OPT_WITH_RELABEL, OPT_DEBUG, OPT_VERSION };

static int parse_hook_options(int argc, char **argv, struct hook_options *opts)
{
	static const struct option options[] = {
		{ "state", required_argument, NULL, OPT_STATE },
		{ "log", required_argument, NULL, OPT_LOG },
		{ "with-relabel", no_argument, NULL, OPT_WITH_RELABEL },
		{ "debug", no_argument, NULL, OPT_DEBUG },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, OPT_VERSION },
		{ 0 },
	};
	int c;

	while ((c = getopt_long(argc, argv, "h", options, NULL)) != -1) {
		switch (c) {
		case OPT_STATE:
			if (!stage_is_known(optarg)) {
				fprintf(stderr, "%s: invalid --state '%s': use prestart, poststart or "
					"poststop\n", PROGRAM_NAME, optarg);
				return -1;
			}
			opts->stage = optarg;
			break;
		case OPT_LOG:
			opts->log_path = optarg;
			break;
		case OPT_WITH_RELABEL:
			break;
		case OPT_DEBUG:
			opts->debug = true;
			break;
		case 'h':
			print_usage(stdout);
			return 0;
		case OPT_VERSION:
			printf("%s %s\n", PROGRAM_NAME, VERSION);
			return 0;
		default:
			print_usage(stderr);
			return -1;
		}
	}

	if (optind < argc) {
		fprintf(stderr, "%s: unexpected argument '%s'\n", PROGRAM_NAME, argv[optind]);
		return -1;
	}
	return 1;
}

int main(int argc, char **argv)
{
	struct hook_options opts = { 0 };
	int r;

	r = parse_hook_options(argc, argv, &opts);
	if (r <= 0)
		return r == 0 ? HOOK_EXIT_OK : HOOK_EXIT_USAGE;

	r = log_open(opts.log_path, opts.debug);
	if (r < 0) {
		fprintf(stderr, "%s: cannot open log file '%s': %s\n", PROGRAM_NAME,
			opts.log_path, strerror(-r));
		return HOOK_EXIT_USAGE;
	}

	r = hook_run(&opts);
	log_close();
	return r;
}
