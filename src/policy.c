// SPDX-License-Identifier: LGPL-2.1-or-later
#include "policy.h"

#include <errno.h>
#include <fnmatch.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "util.h"

/* Maximum line length. A longer line is an error, not silently cut. */
#define POLICY_LINE_MAX 4096
#define POLICY_WORDS_MAX (POLICY_LINE_MAX / 2)

struct line {
	struct policy *policy;
	struct policy_origin origin;
	char *words[POLICY_WORDS_MAX];
	size_t n_words;
};

void policy_init(struct policy *policy)
{
	*policy = (struct policy){
		.honor_blacklist = { .value = true },
		.max_modules = REQUEST_DEFAULT_MAX_NAMES,
	};
}

void policy_free(struct policy *policy)
{
	for (size_t i = 0; i < policy->n_rules; i++)
		free(policy->rules[i].pattern);
	free(policy->rules);
	for (size_t i = 0; i < policy->n_files; i++)
		free(policy->files[i]);
	free(policy->files);
	policy_init(policy);
}

static int line_error(struct line *line, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static int line_error(struct line *line, const char *fmt, ...)
{
	struct policy *policy = line->policy;
	char what[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);

	snprintf(policy->error, sizeof(policy->error), "invalid policy at %s:%u: %s",
		 line->origin.file, line->origin.line, what);
	policy->invalid = true;
	return -EINVAL;
}

static void escape_word(char *buf, size_t buflen, const char *word)
{
	escape_untrusted(buf, buflen, word, strlen(word), ESCAPED_MAX);
}

static bool is_module_pattern_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       strchr("_-*?[]!", c) != NULL;
}

/* Write '-' as '_' as request names are, except for ranges inside brackets. */
static void canonicalize_pattern(char *pattern)
{
	bool in_brackets = false;

	for (char *p = pattern; *p; p++) {
		if (*p == '[')
			in_brackets = true;
		else if (*p == ']')
			in_brackets = false;
		else if (*p == '-' && !in_brackets)
			*p = '_';
	}
}

/* A '[' without its ']' matches only a literal '[', which no module name has. */
static bool brackets_balanced(const char *pattern)
{
	bool open = false;

	for (const char *p = pattern; *p; p++) {
		if (*p == '[' && !open)
			open = true;
		else if (*p == ']' && open)
			open = false;
	}
	return !open;
}

/*
 * Reject patterns that could never match a module name, so that a typo in a
 * deny line fails loudly instead of admitting the module.
 */
static int check_module_pattern(struct line *line, const char *pattern)
{
	char shown[ESCAPED_BUFSZ];

	escape_word(shown, sizeof(shown), pattern);
	if (pattern[0] == '\0')
		return line_error(line, "empty module pattern");
	if (!brackets_balanced(pattern))
		return line_error(line, "invalid module pattern '%s': '[' without ']'", shown);

	for (const char *p = pattern; *p; p++) {
		if (is_module_pattern_char(*p))
			continue;
		return line_error(line, "invalid module pattern '%s': use letters, digits, "
				  "'_', '-' and the glob characters * ? [ ] !", shown);
	}
	return 0;
}

static int add_rule(struct line *line, enum policy_action action, const char *pattern)
{
	struct policy *policy = line->policy;
	struct policy_rule *rules;
	char *copy;

	if (strlen(pattern) > POLICY_PATTERN_MAX)
		return line_error(line, "pattern longer than %d characters", POLICY_PATTERN_MAX);

	copy = strdup(pattern);
	if (!copy)
		return -ENOMEM;
	rules = realloc(policy->rules, (policy->n_rules + 1) * sizeof(*rules));
	if (!rules) {
		free(copy);
		return -ENOMEM;
	}

	if (action != POLICY_TRUSTED_SIGNER)
		canonicalize_pattern(copy);
	rules[policy->n_rules++] = (struct policy_rule){
		.action = action, .pattern = copy, .origin = line->origin
	};
	policy->rules = rules;
	return 0;
}

static int parse_patterns(struct line *line, enum policy_action action)
{
	int r;

	if (line->n_words < 2)
		return line_error(line, "'%s' needs at least one pattern", line->words[0]);

	for (size_t i = 1; i < line->n_words; i++) {
		if (action != POLICY_TRUSTED_SIGNER) {
			r = check_module_pattern(line, line->words[i]);
			if (r < 0)
				return r;
		}
		r = add_rule(line, action, line->words[i]);
		if (r < 0)
			return r;
	}

	if (action == POLICY_ALLOW)
		line->policy->has_allow = true;
	if (action == POLICY_TRUSTED_SIGNER)
		line->policy->has_trusted_signer = true;
	return 0;
}

static int parse_one_value(struct line *line, const char *expected)
{
	if (line->n_words != 2)
		return line_error(line, "'%s' takes exactly one value: %s", line->words[0],
				  expected);
	return 0;
}

static int parse_choice(struct line *line, const char *on, const char *off,
			struct policy_flag *flag)
{
	char shown[ESCAPED_BUFSZ], expected[64];
	int r;

	snprintf(expected, sizeof(expected), "%s or %s", on, off);
	r = parse_one_value(line, expected);
	if (r < 0)
		return r;

	if (strcmp(line->words[1], on) == 0)
		flag->value = true;
	else if (strcmp(line->words[1], off) == 0)
		flag->value = false;
	else {
		escape_word(shown, sizeof(shown), line->words[1]);
		return line_error(line, "invalid value '%s' for '%s': use %s", shown,
				  line->words[0], expected);
	}
	flag->origin = line->origin;
	return 0;
}

static int parse_max_modules(struct line *line)
{
	const char *value;
	unsigned long n = 0;
	char shown[ESCAPED_BUFSZ];
	int r;

	r = parse_one_value(line, "a number");
	if (r < 0)
		return r;

	value = line->words[1];
	for (const char *p = value; *p && n <= POLICY_MAX_MODULES_LIMIT; p++) {
		if (*p < '0' || *p > '9') {
			n = 0;
			break;
		}
		n = n * 10 + (unsigned long)(*p - '0');
	}
	if (n < 1 || n > POLICY_MAX_MODULES_LIMIT) {
		escape_word(shown, sizeof(shown), value);
		return line_error(line, "invalid value '%s' for 'max-modules': use a number "
				  "from 1 to %d", shown, POLICY_MAX_MODULES_LIMIT);
	}

	line->policy->max_modules = n;
	return 0;
}

static int parse_directive(struct line *line)
{
	struct policy *policy = line->policy;
	const char *name = line->words[0];
	char shown[ESCAPED_BUFSZ];

	if (strcmp(name, "allow") == 0)
		return parse_patterns(line, POLICY_ALLOW);
	if (strcmp(name, "deny") == 0)
		return parse_patterns(line, POLICY_DENY);
	if (strcmp(name, "trusted-signer") == 0)
		return parse_patterns(line, POLICY_TRUSTED_SIGNER);
	if (strcmp(name, "blacklist") == 0)
		return parse_choice(line, "honor", "ignore", &policy->honor_blacklist);
	if (strcmp(name, "require-signature") == 0)
		return parse_choice(line, "yes", "no", &policy->require_signature);
	if (strcmp(name, "require-in-tree") == 0)
		return parse_choice(line, "yes", "no", &policy->require_in_tree);
	if (strcmp(name, "unload-on-stop") == 0)
		return parse_choice(line, "yes", "no", &policy->unload_on_stop);
	if (strcmp(name, "max-modules") == 0)
		return parse_max_modules(line);

	escape_word(shown, sizeof(shown), name);
	return line_error(line, "unknown directive '%s'", shown);
}

/*
 * Split text into words at spaces and tabs, in place. A double-quoted word
 * may contain spaces, as signer names do, and a word starting with '#'
 * begins a comment.
 */
static int split_words(struct line *line, char *text)
{
	char *p = text;

	line->n_words = 0;
	for (;;) {
		while (*p == ' ' || *p == '\t')
			p++;
		if (*p == '\0' || *p == '#')
			return 0;
		if (line->n_words == POLICY_WORDS_MAX)
			return line_error(line, "too many words");

		if (*p == '"') {
			char *end = strchr(p + 1, '"');

			if (!end)
				return line_error(line, "missing closing '\"'");
			if (end[1] != '\0' && end[1] != ' ' && end[1] != '\t')
				return line_error(line, "text right after a closing '\"'");
			*end = '\0';
			line->words[line->n_words++] = p + 1;
			p = end + 1;
			continue;
		}

		line->words[line->n_words++] = p;
		p += strcspn(p, " \t");
		if (*p)
			*p++ = '\0';
	}
}

static int check_line_bytes(struct line *line, const char *text, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)text[i];

		if (c == '\0')
			return line_error(line, "contains a NUL byte");
		if ((c < 0x20 && c != '\t') || c == 0x7f)
			return line_error(line, "contains the control character 0x%02x", c);
	}
	return 0;
}

static int parse_line(struct line *line, const char *text, size_t len)
{
	char buf[POLICY_LINE_MAX + 1];
	int r;

	if (len > 0 && text[len - 1] == '\r')
		len--;
	if (len > POLICY_LINE_MAX)
		return line_error(line, "line longer than %d bytes", POLICY_LINE_MAX);
	r = check_line_bytes(line, text, len);
	if (r < 0)
		return r;

	memcpy(buf, text, len);
	buf[len] = '\0';
	r = split_words(line, buf);
	if (r < 0 || line->n_words == 0)
		return r;
	return parse_directive(line);
}

static const char *keep_file_name(struct policy *policy, const char *file)
{
	char **files = realloc(policy->files, (policy->n_files + 1) * sizeof(*files));
	char *copy;

	if (!files)
		return NULL;
	policy->files = files;
	copy = strdup(file);
	if (!copy)
		return NULL;
	files[policy->n_files++] = copy;
	return copy;
}

int policy_parse(struct policy *policy, const char *file, const char *text, size_t len)
{
	struct line line = { .policy = policy };
	const char *p = text, *end = text + len;
	int r;

	line.origin.file = keep_file_name(policy, file);
	if (!line.origin.file)
		return -ENOMEM;
	policy->present = true;

	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t n = (size_t)((nl ? nl : end) - p);

		line.origin.line++;
		r = parse_line(&line, p, n);
		if (r < 0)
			return r;
		p += n + 1;
	}
	return 0;
}

size_t policy_max_modules(const struct policy *policy)
{
	return policy->max_modules ? policy->max_modules : REQUEST_DEFAULT_MAX_NAMES;
}

static const char *action_name(enum policy_action action)
{
	switch (action) {
	case POLICY_ALLOW:
		return "allow";
	case POLICY_DENY:
		return "deny";
	case POLICY_TRUSTED_SIGNER:
		break;
	}
	return "trusted-signer";
}

void policy_rule_text(const struct policy_rule *rule, char *buf, size_t buflen)
{
	if (strchr(rule->pattern, ' '))
		snprintf(buf, buflen, "%s \"%s\"", action_name(rule->action), rule->pattern);
	else
		snprintf(buf, buflen, "%s %s", action_name(rule->action), rule->pattern);
}

static const struct policy_rule *find_rule(const struct policy *policy,
					   enum policy_action action, const char *subject)
{
	for (size_t i = 0; i < policy->n_rules; i++) {
		const struct policy_rule *rule = &policy->rules[i];

		if (rule->action == action && fnmatch(rule->pattern, subject, 0) == 0)
			return rule;
	}
	return NULL;
}

static void verdict_set(struct policy_verdict *verdict, bool admitted,
			const struct policy_rule *rule, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static void verdict_set(struct policy_verdict *verdict, bool admitted,
			const struct policy_rule *rule, const char *fmt, ...)
{
	va_list ap;

	verdict->admitted = admitted;
	verdict->rule = rule;
	va_start(ap, fmt);
	vsnprintf(verdict->reason, sizeof(verdict->reason), fmt, ap);
	va_end(ap);
}

static void verdict_by_rule(struct policy_verdict *verdict, const struct policy_rule *rule)
{
	char text[POLICY_PATTERN_MAX + 32];
	bool admitted = rule->action != POLICY_DENY;

	policy_rule_text(rule, text, sizeof(text));
	verdict_set(verdict, admitted, rule, "%s by policy rule '%s' at %s:%u",
		    admitted ? "allowed" : "denied", text, rule->origin.file, rule->origin.line);
}

void policy_check_name(const struct policy *policy, const char *module, bool requested,
		       struct policy_verdict *verdict)
{
	const struct policy_rule *rule;

	if (policy->invalid) {
		verdict_set(verdict, false, NULL, "%s", policy->error);
		return;
	}
	if (!policy->present) {
		verdict_set(verdict, true, NULL, "allowed: there is no policy file");
		return;
	}

	rule = find_rule(policy, POLICY_DENY, module);
	if (rule) {
		verdict_by_rule(verdict, rule);
		return;
	}

	if (!requested || !policy->has_allow) {
		verdict_set(verdict, true, NULL, "allowed: no deny rule matches%s",
			    requested ? " and the policy has no allow rule" : "");
		return;
	}

	rule = find_rule(policy, POLICY_ALLOW, module);
	if (rule)
		verdict_by_rule(verdict, rule);
	else
		verdict_set(verdict, false, NULL, "not allowed: no allow rule in the policy "
			    "matches it");
}

static void flag_reason(char *buf, size_t buflen, const char *directive,
			const struct policy_flag *flag)
{
	if (flag->origin.file)
		snprintf(buf, buflen, "policy rule '%s' at %s:%u", directive, flag->origin.file,
			 flag->origin.line);
	else
		snprintf(buf, buflen, "the policy's default '%s'", directive);
}

static bool check_signer(const struct policy *policy, const struct module_facts *facts,
			 struct policy_verdict *verdict)
{
	char rule[256], shown[ESCAPED_BUFSZ];

	if (!facts->signed_file && policy->require_signature.value) {
		flag_reason(rule, sizeof(rule), "require-signature yes",
			    &policy->require_signature);
		verdict_set(verdict, false, NULL, "the module file has no signature (%s)", rule);
		return false;
	}
	if (!policy->has_trusted_signer)
		return true;

	/* An unsigned module has no signer, so no trusted-signer rule can match it. */
	if (!facts->signed_file) {
		verdict_set(verdict, false, NULL, "the module file has no signature, and the "
			    "policy limits modules to trusted-signer patterns");
		return false;
	}
	if (find_rule(policy, POLICY_TRUSTED_SIGNER, facts->signer))
		return true;

	escape_word(shown, sizeof(shown), facts->signer);
	verdict_set(verdict, false, NULL, "its signer '%s' matches no trusted-signer rule",
		    shown);
	return false;
}

static bool check_in_tree(const struct policy *policy, const struct module_facts *facts,
			  struct policy_verdict *verdict)
{
	char rule[256];

	if (!policy->require_in_tree.value || (facts->in_tree && !facts->staging))
		return true;

	flag_reason(rule, sizeof(rule), "require-in-tree yes", &policy->require_in_tree);
	verdict_set(verdict, false, NULL, "the module is %s (%s)",
		    facts->staging ? "from the kernel's staging tree"
				   : "built outside the kernel tree",
		    rule);
	return false;
}

bool policy_needs_file_facts(const struct policy *policy)
{
	return policy->require_signature.value || policy->require_in_tree.value ||
	       policy->has_trusted_signer;
}

void policy_check_module(const struct policy *policy, const char *module, bool requested,
			 const struct module_facts *facts, struct policy_verdict *verdict)
{
	policy_check_name(policy, module, requested, verdict);
	if (!verdict->admitted || !policy->present)
		return;

	if (policy->honor_blacklist.value && facts->blacklisted) {
		verdict_set(verdict, false, NULL, "blacklisted in modprobe.d, and the policy "
			    "honors the host blacklist ('blacklist ignore' turns this off)");
		return;
	}

	/* A module provided only by an install command has no file to verify. */
	if (facts->known && !facts->has_file)
		return;
	if (!facts->known && policy_needs_file_facts(policy)) {
		verdict_set(verdict, false, NULL, "its signature and origin could not be read, "
			    "and the policy requires them");
		return;
	}

	if (!check_signer(policy, facts, verdict))
		return;
	check_in_tree(policy, facts, verdict);
}
