/* email.c - the rule for an e-mail address. */
#include "domain/email.h"

#include <ctype.h>
#include <string.h>

#include "domain/validate.h"

bool email_valid(const char *email)
{
	size_t n = email ? strlen(email) : 0;
	if (n < 3 || n > EMAIL_MAX_BYTES || !validate_utf8(email))
		return false;
	const char *at = strchr(email, '@');
	if (!at || at == email || strchr(at + 1, '@'))
		return false;
	const char *dot = strrchr(at + 1, '.');
	if (!dot || dot == at + 1 || dot[1] == '\0')
		return false;
	for (const unsigned char *p = (const unsigned char *)email; *p; p++)
		if (*p <= ' ' || *p == 0x7f)
			return false;
	return true;
}

void email_lower(const char *email, char *out)
{
	size_t n = strlen(email);
	if (n > EMAIL_MAX_BYTES)
		n = EMAIL_MAX_BYTES;
	for (size_t i = 0; i < n; i++)
		out[i] = (char)tolower((unsigned char)email[i]);
	out[n] = '\0';
}
