/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <stdio.h>
#include <gio/gio.h>

#include "nmvirt-client.h"

G_BEGIN_DECLS

/* Exit codes of every verb: 0 success, 1 an error was printed on stderr. */
#define NMVIRT_CLI_EXIT_OK    0
#define NMVIRT_CLI_EXIT_ERROR 1

/* nmvirt-cli-verbs.c: the verbs; @forward: nmvirtd may run it */
typedef struct {
    const char *name;
    const char *summary; /* N_() */
    int (*run)(int argc, char **argv);
    gboolean forward;
} NmvirtCliVerb;

const NmvirtCliVerb *nmvirt_cli_verb_find(const char *name);
void nmvirt_cli_usage(FILE *stream);

/* nmvirt-cli-forward.c: TRUE when nmvirtd ran the verb (argv[0]) and
 * *@status is its exit status; FALSE when there is no daemon or it
 * declined, and the verb is to run here. */
gboolean nmvirt_cli_forward(int argc, char **argv, int *status);

/* Parses the options of one verb; --help prints and exits 0. On a usage
 * error prints it and returns FALSE. */
gboolean nmvirt_cli_parse_options(const char *verb, const char *parameters, const char *summary,
                                  const GOptionEntry *entries, int *argc, char ***argv);
void nmvirt_cli_print_error(const char *context, const GError *error);

/* nmvirt-cli-client.c: what the verbs that talk to NetworkManager share */
/* A client on the default main context; when NetworkManager cannot be
 * reached, prints that and returns NULL. Inside nmvirtd, a reference on
 * the daemon's long-lived client (nmvirt_cli_client_set_shared()). */
NmvirtClient *nmvirt_cli_client_new(void);
void nmvirt_cli_client_set_shared(NmvirtClient *client);
gboolean nmvirt_cli_client_is_shared(void);
/* A GAsyncReadyCallback storing a reference on the result in *user_data,
 * and the loop that iterates the default context until it is there. */
void nmvirt_cli_client_result_cb(GObject *source, GAsyncResult *result, gpointer user_data);
void nmvirt_cli_client_wait(GAsyncResult **result);
gboolean nmvirt_cli_is_mac(const char *text);
void nmvirt_cli_sort_names(GStrv names);
/* The one interface @mac names; an error when none or several do. */
char *nmvirt_cli_client_lookup_mac(NmvirtClient *client, const char *mac, GError **error);
/* An interface argument, a name or a MAC, as an interface name. */
char *nmvirt_cli_client_resolve(NmvirtClient *client, const char *iface, GError **error);
/* argv[1] when it is the only argument; otherwise prints a usage error
 * naming @what (e.g. "an interface") and returns NULL. */
/* The one interface argument of @verb (a name or a MAC), a client, and the
 * interface's name; on any error prints it and returns NULL. */
char *nmvirt_cli_client_open(const char *verb, int argc, char **argv, NmvirtClient **client);
const char *nmvirt_cli_one_argument(const char *verb, const char *what, int argc, char **argv);

int nmvirt_cli_validate(int argc, char **argv);
int nmvirt_cli_convert(int argc, char **argv);
/* nmvirt-cli-iface.c */
int nmvirt_cli_list(int argc, char **argv);
int nmvirt_cli_dumpxml(int argc, char **argv);
int nmvirt_cli_mac(int argc, char **argv);
int nmvirt_cli_name(int argc, char **argv);
/* nmvirt-cli-define.c */
int nmvirt_cli_define(int argc, char **argv);
int nmvirt_cli_undefine(int argc, char **argv);
int nmvirt_cli_edit(int argc, char **argv);
/* nmvirt-cli-start.c */
int nmvirt_cli_start(int argc, char **argv);
int nmvirt_cli_stop(int argc, char **argv);
/* nmvirt-cli-monitor.c */
int nmvirt_cli_monitor(int argc, char **argv);
/* nmvirt-cli-bridge.c */
int nmvirt_cli_bridge(int argc, char **argv);
int nmvirt_cli_unbridge(int argc, char **argv);
/* nmvirt-cli-transaction.c */
int nmvirt_cli_begin(int argc, char **argv);
int nmvirt_cli_commit(int argc, char **argv);
int nmvirt_cli_rollback(int argc, char **argv);

G_END_DECLS
