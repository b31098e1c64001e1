/*
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * One request of the nmvirt command (nmvirtd-protocol.h): who asks, whether
 * to run it, and running the verb as if in the command's own process: its
 * stdin, stdout and stderr on ours, its working directory for relative
 * file names, its locale for messages. The verbs are the command's own
 * (src/cli), given the daemon's client (nmvirt_cli_client_set_shared()).
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <locale.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <unistd.h>
#include <glib/gi18n.h>

#include "cli/nmvirt-cli.h"
#include "nmvirtd-client.h"
#include "nmvirtd-protocol.h"
#include "nmvirtd-request.h"

static const char *const nmvirtd_applied_env[] = { NMVIRTD_APPLIED_ENV };
static const char *const nmvirtd_forwarded_env[] = { NMVIRTD_FORWARDED_ENV };

static int nmvirtd_saved_fds[3] = { -1, -1, -1 };
static int nmvirtd_saved_cwd = -1;
static char *nmvirtd_saved_env[G_N_ELEMENTS(nmvirtd_applied_env)];
static gboolean nmvirtd_running;

/* Our debug and info messages by our own G_MESSAGES_DEBUG while a verb
 * has the command's in the environment. */
static gboolean
nmvirtd_request_would_drop(GLogLevelFlags level)
{
    g_auto(GStrv) domains = NULL;

    if ((level & (G_LOG_LEVEL_DEBUG | G_LOG_LEVEL_INFO)) == 0)
        return FALSE;
    /* (the last of the saved values) */
    if (nmvirtd_saved_env[G_N_ELEMENTS(nmvirtd_saved_env) - 1] == NULL)
        return TRUE;
    domains = g_strsplit_set(nmvirtd_saved_env[G_N_ELEMENTS(nmvirtd_saved_env) - 1], " ,", -1);
    return !g_strv_contains((const char *const *)domains, "all") &&
           !g_strv_contains((const char *const *)domains, G_LOG_DOMAIN);
}

/* nmvirtd's own messages go to its own stderr (the journal) even while a
 * verb has the command's; the library's, during a verb, to the command's,
 * as when it runs alone. */
static GLogWriterOutput
nmvirtd_request_log_writer(GLogLevelFlags level, const GLogField *fields, gsize n_fields,
                           gpointer user_data)
{
    g_autofree char *line = NULL;
    const char *domain = NULL;

    for (gsize i = 0; i < n_fields; i++) {
        if (g_str_equal(fields[i].key, "GLIB_DOMAIN"))
            domain = fields[i].value;
    }
    if (!nmvirtd_running || g_strcmp0(domain, G_LOG_DOMAIN) != 0 || nmvirtd_saved_fds[2] < 0)
        return g_log_writer_default(level, fields, n_fields, user_data);
    if (nmvirtd_request_would_drop(level))
        return G_LOG_WRITER_HANDLED;
    line = g_log_writer_format_fields(level, fields, n_fields, FALSE);
    if (write(nmvirtd_saved_fds[2], line, strlen(line)) < 0 ||
        write(nmvirtd_saved_fds[2], "\n", 1) < 0)
        return G_LOG_WRITER_UNHANDLED;
    return G_LOG_WRITER_HANDLED;
}

void
nmvirtd_request_init(void)
{
    g_log_set_writer_func(nmvirtd_request_log_writer, NULL, NULL);
    for (int i = 0; i < 3; i++)
        nmvirtd_saved_fds[i] = fcntl(i, F_DUPFD_CLOEXEC, 3);
    nmvirtd_saved_cwd = open(".", O_PATH | O_DIRECTORY | O_CLOEXEC);
    for (guint i = 0; i < G_N_ELEMENTS(nmvirtd_applied_env); i++)
        nmvirtd_saved_env[i] = g_strdup(g_getenv(nmvirtd_applied_env[i]));
}

gboolean
nmvirtd_request_busy(void)
{
    return nmvirtd_running;
}

/* The first of nmvirt's own settings whose value differs from ours, or NULL. */
static const char *
nmvirtd_request_env_differs(GVariant *env)
{
    for (guint i = 0; i < G_N_ELEMENTS(nmvirtd_forwarded_env); i++) {
        const char *name = nmvirtd_forwarded_env[i];
        const char *theirs = NULL;
        gboolean applied = FALSE;

        for (guint j = 0; j < G_N_ELEMENTS(nmvirtd_applied_env); j++)
            applied = applied || g_str_equal(name, nmvirtd_applied_env[j]);
        if (applied)
            continue;
        g_variant_lookup(env, name, "&s", &theirs);
        if (g_strcmp0(theirs, g_getenv(name)) != 0)
            return name;
    }
    return NULL;
}

/* Whether process @pid sees the same network devices and files as we do:
 * its network and mount namespaces are ours. */
static gboolean
nmvirtd_request_same_namespaces(pid_t pid)
{
    static const char *const kinds[] = { "net", "mnt" };

    for (guint i = 0; i < G_N_ELEMENTS(kinds); i++) {
        g_autofree char *theirs_path = g_strdup_printf("/proc/%d/ns/%s", (int)pid, kinds[i]);
        g_autofree char *ours_path = g_strdup_printf("/proc/self/ns/%s", kinds[i]);
        struct stat theirs, ours;

        if (stat(theirs_path, &theirs) < 0 || stat(ours_path, &ours) < 0 ||
            theirs.st_ino != ours.st_ino || theirs.st_dev != ours.st_dev)
            return FALSE;
    }
    return TRUE;
}

/* The locale and GLib's debug variables as @env has them (@env NULL: ours again). No thread
 * of ours reads the environment meanwhile: GDBus's worker does not. */
static void
nmvirtd_request_set_locale(GVariant *env)
{
    for (guint i = 0; i < G_N_ELEMENTS(nmvirtd_applied_env); i++) {
        const char *value = nmvirtd_saved_env[i];

        if (env != NULL) {
            value = NULL;
            g_variant_lookup(env, nmvirtd_applied_env[i], "&s", &value);
        }
        if (value != NULL)
            g_setenv(nmvirtd_applied_env[i], value, TRUE);
        else
            g_unsetenv(nmvirtd_applied_env[i]);
    }
    setlocale(LC_ALL, "");
}

static void
nmvirtd_request_borrow_fds(const int *fds)
{
    fflush(stdout);
    fflush(stderr);
    for (int i = 0; i < 3; i++)
        dup2(fds[i], i);
    if (fchdir(fds[3]) < 0)
        g_warning("cannot enter the command's working directory: %s", g_strerror(errno));
}

static void
nmvirtd_request_return_fds(void)
{
    fflush(stdout);
    fflush(stderr);
    clearerr(stdout);
    clearerr(stderr);
    for (int i = 0; i < 3; i++)
        dup2(nmvirtd_saved_fds[i], i);
    if (fchdir(nmvirtd_saved_cwd) < 0)
        g_warning("cannot return to the working directory: %s", g_strerror(errno));
}

static int
nmvirtd_request_run(const char *const *args, GVariant *env, const int *fds,
                    const NmvirtCliVerb *verb)
{
    /* GOption reorders and drops pointers of the vector it parses */
    g_autofree char **argv = g_strdupv((char **)args);
    g_autofree char **run_argv = g_memdup2(argv, sizeof(char *) * (g_strv_length(argv) + 1));
    int status;

    nmvirtd_request_borrow_fds(fds);
    nmvirtd_request_set_locale(env);
    status = verb->run((int)g_strv_length(argv), run_argv);
    nmvirtd_request_set_locale(NULL);
    nmvirtd_request_return_fds();
    g_set_prgname("nmvirtd");
    for (guint i = 0; argv[i] != NULL; i++)
        g_free(argv[i]);
    return status;
}

static void
nmvirtd_request_serve(int sock, pid_t pid)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(GVariant) request = NULL;
    g_autoptr(GVariant) env = NULL;
    g_autofree const char **args = NULL;
    int fds[NMVIRTD_REQUEST_N_FDS];
    const NmvirtCliVerb *verb = NULL;
    const char *why = NULL;
    const char *differs = NULL;
    guint32 version = 0;
    char reply = NMVIRTD_REPLY_DECLINED;
    char go = 0;
    gboolean took_turn = FALSE;
    struct stat cwd;
    gint32 status;

    request = nmvirtd_request_receive(sock, fds, &error);
    if (request == NULL) {
        /* another nmvirtd checking whether we listen connects and closes */
        if (g_error_matches(error, G_IO_ERROR, G_IO_ERROR_CLOSED))
            g_debug("process %d connected and closed", (int)pid);
        else
            g_warning("request of process %d: %s", (int)pid, error->message);
        return;
    }
    g_variant_get(request, "(u^a&s@a{ss})", &version, &args, &env);
    if (version != NMVIRTD_PROTOCOL_VERSION)
        why = "another protocol version";
    else if (args[0] == NULL || (verb = nmvirt_cli_verb_find(args[0])) == NULL || !verb->forward)
        why = "not a verb nmvirtd runs";
    else if ((differs = nmvirtd_request_env_differs(env)) != NULL)
        why = "its environment differs from nmvirtd's in";
    else if (!nmvirtd_request_same_namespaces(pid))
        why = "it runs in another network or mount namespace";
    else if (fstat(fds[3], &cwd) < 0 || !S_ISDIR(cwd.st_mode))
        why = "its working directory is not one";
    else if (nmvirtd_running)
        why = "busy with another command";

    if (why == NULL) {
        NmvirtClient *client;

        /* from here on a request that comes while we wait is declined */
        nmvirtd_running = took_turn = TRUE;
        client = nmvirtd_client_get_current(&why);
        /* the shared one: nmvirt_cli_client_new() hands it to the verb */
        g_clear_object(&client);
    }
    if (why != NULL) {
        g_debug("declined '%s' of process %d: %s%s%s", args[0] != NULL ? args[0] : "", (int)pid,
                why, differs != NULL ? " " : "", differs != NULL ? differs : "");
    } else {
        reply = NMVIRTD_REPLY_ACCEPTED;
        /* a command that gave up waiting sends no GO and runs it itself */
        if (nmvirtd_write_all(sock, &reply, 1) && nmvirtd_read_all(sock, &go, 1) &&
            go == NMVIRTD_REPLY_GO) {
            status = nmvirtd_request_run(args, env, fds, verb);
            g_debug("ran '%s' of process %d: exit status %d", args[0], (int)pid, status);
            reply = NMVIRTD_REPLY_EXITED;
            if (nmvirtd_write_all(sock, &reply, 1))
                nmvirtd_write_all(sock, &status, sizeof(status));
        } else {
            g_debug("process %d did not wait for '%s'; it runs it itself", (int)pid, args[0]);
        }
    }
    if (reply == NMVIRTD_REPLY_DECLINED)
        nmvirtd_write_all(sock, &reply, 1);
    if (took_turn)
        nmvirtd_running = FALSE;
    for (guint i = 0; i < NMVIRTD_REQUEST_N_FDS; i++)
        close(fds[i]);
}

void
nmvirtd_request_handle(int sock)
{
    struct ucred cred = { 0 };
    socklen_t cred_len = sizeof(cred);
    /* the command sends at once: a peer that does not is not one */
    struct timeval timeout = { .tv_sec = 5 };

    if (getsockopt(sock, SOL_SOCKET, SO_PEERCRED, &cred, &cred_len) < 0 || cred.uid != geteuid()) {
        /* the socket is ours alone (0600); anybody else runs the verb
         * with their own rights */
        g_debug("refused a connection of uid %u", (guint)cred.uid);
        close(sock);
        return;
    }
    setsockopt(sock, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof(timeout));
    nmvirtd_request_serve(sock, cred.pid);
    close(sock);
}
