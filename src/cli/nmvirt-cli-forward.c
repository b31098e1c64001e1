/*
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Handing a verb to nmvirtd (nmvirtd-protocol.h). A one-shot libnm program
 * spends most of its time loading NMClient's cache of NetworkManager's
 * whole state; nmvirtd keeps that cache and runs the verb with this
 * process's own stdin, stdout, stderr and working directory, so the output
 * and exit status are the same as if it ran here. No daemon, one that
 * declines (busy, NetworkManager restarting, another environment) or one
 * that runs as somebody else: the verb runs here, as before.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>
#include <glib/gi18n.h>

#include "daemon/nmvirtd-protocol.h"
#include "nmvirt-cli.h"

/* Whether the daemon could run this command as this process would: no
 * help (GOption prints it and exits the process), arguments and settings
 * in UTF-8 (as the request carries them), standard descriptors open, and
 * for define a regular file (a pipe could wait for another nmvirt command
 * that would then wait for the daemon). */
static gboolean
nmvirt_cli_forward_fits(int argc, char **argv)
{
    static const char *const forwarded_env[] = { NMVIRTD_FORWARDED_ENV };
    gboolean options = TRUE;
    const char *file = NULL;
    struct stat st;

    for (int i = 1; i < argc; i++) {
        if (!g_utf8_validate(argv[i], -1, NULL))
            return FALSE;
        if (options && g_str_equal(argv[i], "--")) {
            options = FALSE;
        } else if (options && g_str_has_prefix(argv[i], "--")) {
            if (g_str_has_prefix(argv[i], "--help"))
                return FALSE;
        } else if (options && argv[i][0] == '-' && argv[i][1] != '\0') {
            /* a group of short options: -h anywhere in it is help */
            if (strpbrk(argv[i] + 1, "h?") != NULL)
                return FALSE;
        } else {
            file = argv[i];
        }
    }
    for (guint i = 0; i < G_N_ELEMENTS(forwarded_env); i++) {
        const char *value = g_getenv(forwarded_env[i]);

        if (value != NULL && !g_utf8_validate(value, -1, NULL))
            return FALSE;
    }
    for (int fd = 0; fd <= 2; fd++) {
        if (fcntl(fd, F_GETFD) < 0)
            return FALSE;
    }
    if (g_str_equal(argv[0], "define") && file != NULL &&
        (stat(file, &st) < 0 || !S_ISREG(st.st_mode)))
        return FALSE;
    return TRUE;
}

/* Reads the daemon's first answer, waiting at most NMVIRTD_ANSWER_TIMEOUT_MS. */
static gboolean
nmvirt_cli_forward_answer(int sock, char *reply)
{
    struct pollfd pfd = { .fd = sock, .events = POLLIN };
    int n;

    do
        n = poll(&pfd, 1, NMVIRTD_ANSWER_TIMEOUT_MS);
    while (n < 0 && errno == EINTR);
    return n == 1 && nmvirtd_read_all(sock, reply, 1);
}

/* A connected socket to a daemon of this user (or root's, for root), or -1. */
static int
nmvirt_cli_forward_connect(void)
{
    g_autofree char *path = nmvirtd_socket_path();
    struct sockaddr_un addr = { .sun_family = AF_UNIX };
    struct ucred cred = { 0 };
    socklen_t cred_len = sizeof(cred);
    int sock;

    if (path == NULL || strlen(path) >= sizeof(addr.sun_path))
        return -1;
    strcpy(addr.sun_path, path);
    sock = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (sock < 0)
        return -1;
    if (connect(sock, (struct sockaddr *)&addr, sizeof(addr)) < 0 ||
        getsockopt(sock, SOL_SOCKET, SO_PEERCRED, &cred, &cred_len) < 0 || cred.uid != getuid()) {
        close(sock);
        return -1;
    }
    return sock;
}

static GVariant *
nmvirt_cli_forward_request(int argc, char **argv)
{
    static const char *const forwarded_env[] = { NMVIRTD_FORWARDED_ENV };
    GVariantBuilder env;

    g_variant_builder_init(&env, G_VARIANT_TYPE("a{ss}"));
    for (guint i = 0; i < G_N_ELEMENTS(forwarded_env); i++) {
        const char *value = g_getenv(forwarded_env[i]);

        if (value != NULL)
            g_variant_builder_add(&env, "{ss}", forwarded_env[i], value);
    }
    return g_variant_new("(u@as@a{ss})", NMVIRTD_PROTOCOL_VERSION,
                         g_variant_new_strv((const char *const *)argv, argc),
                         g_variant_builder_end(&env));
}

gboolean
nmvirt_cli_forward(int argc, char **argv, int *status)
{
    g_autoptr(GVariant) request = NULL;
    int fds[NMVIRTD_REQUEST_N_FDS] = { STDIN_FILENO, STDOUT_FILENO, STDERR_FILENO, -1 };
    char reply = 0;
    gint32 exit_status = 0;
    int sock;

    if (!nmvirt_cli_forward_fits(argc, argv))
        return FALSE;
    sock = nmvirt_cli_forward_connect();
    if (sock < 0)
        return FALSE;
    /* a descriptor the request would pass as another */
    if (sock <= STDERR_FILENO) {
        close(sock);
        return FALSE;
    }
    fds[3] = open(".", O_PATH | O_DIRECTORY | O_CLOEXEC);
    request = g_variant_ref_sink(nmvirt_cli_forward_request(argc, argv));
    if (fds[3] < 0 || !nmvirtd_request_send(sock, request, fds, NULL) ||
        !nmvirt_cli_forward_answer(sock, &reply) || reply != NMVIRTD_REPLY_ACCEPTED ||
        !nmvirtd_write_all(sock, &(char){ NMVIRTD_REPLY_GO }, 1)) {
        /* nothing has run, nor will: the verb runs here */
        if (fds[3] >= 0)
            close(fds[3]);
        close(sock);
        return FALSE;
    }
    close(fds[3]);
    if (!nmvirtd_read_all(sock, &reply, 1) || reply != NMVIRTD_REPLY_EXITED ||
        !nmvirtd_read_all(sock, &exit_status, sizeof(exit_status))) {
        /* it may have done part of the work: running it again here could
         * do that twice, so say so instead */
        g_printerr(_("error: nmvirtd ended before the command finished; see its log, and "
                     "check the interface's state before running the command again\n"));
        exit_status = NMVIRT_CLI_EXIT_ERROR;
    }
    close(sock);
    *status = exit_status;
    return TRUE;
}
