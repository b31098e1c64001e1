/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Exit codes of every verb: 0 success, 1 an error was printed on stderr. */
#define NMVIRT_CLI_EXIT_OK    0
#define NMVIRT_CLI_EXIT_ERROR 1

/* Parses the options of one verb; --help prints and exits 0. On a usage
 * error prints it and returns FALSE. */
gboolean nmvirt_cli_parse_options(const char *verb, const char *parameters, const char *summary,
                                  const GOptionEntry *entries, int *argc, char ***argv);
void nmvirt_cli_print_error(const char *context, const GError *error);

int nmvirt_cli_validate(int argc, char **argv);
int nmvirt_cli_convert(int argc, char **argv);

G_END_DECLS
