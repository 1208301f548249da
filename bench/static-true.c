// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * A program that does nothing, linked like oci-kmod-hook (static, without
 * PIE), so that 64 copies of it show what starting 64 such processes costs.
 */
int main(void)
{
	return 0;
}
