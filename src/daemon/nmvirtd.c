/*
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * nmvirtd: runs nmvirt's verbs for the nmvirt command with NMClient's cache
 * already loaded, so that a command costs what its own calls to
 * NetworkManager cost, not a load of NetworkManager's whole state
 * (nmvirtd(8)). Listens on a UNIX socket of its user's alone, systemd's
 * (socket activation) or its own; exits after --timeout seconds without a
 * request, as libvirt's per-driver daemons do.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <locale.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>
#include <glib-unix.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>

#include "nmvirtd-client.h"
#include "nmvirtd-protocol.h"
#include "nmvirtd-request.h"

/* systemd's socket activation: the first passed descriptor */
#define NMVIRTD_LISTEN_FDS_START 3

typedef struct {
    GMainLoop *loop;
    int listen_fd;
    char *bound_path; /* the socket we made, removed at exit */
    guint idle_timeout_s;
    guint idle_id;
} Nmvirtd;

static void nmvirtd_arm_idle(Nmvirtd *self);

static gboolean
nmvirtd_idle_cb(gpointer user_data)
{
    Nmvirtd *self = user_data;

    self->idle_id = 0;
    if (nmvirtd_request_busy()) {
        nmvirtd_arm_idle(self);
        return G_SOURCE_REMOVE;
    }
    g_message("no request for %u s; exiting", self->idle_timeout_s);
    g_main_loop_quit(self->loop);
    return G_SOURCE_REMOVE;
}

static void
nmvirtd_arm_idle(Nmvirtd *self)
{
    g_clear_handle_id(&self->idle_id, g_source_remove);
    if (self->idle_timeout_s > 0)
        self->idle_id = g_timeout_add_seconds(self->idle_timeout_s, nmvirtd_idle_cb, self);
}

static gboolean
nmvirtd_accept_cb(int fd, GIOCondition condition, gpointer user_data)
{
    Nmvirtd *self = user_data;
    int sock = accept4(fd, NULL, NULL, SOCK_CLOEXEC);

    if (sock < 0) {
        if (errno != EAGAIN && errno != EINTR && errno != ECONNABORTED)
            g_warning("accept: %s", g_strerror(errno));
        return G_SOURCE_CONTINUE;
    }
    nmvirtd_request_handle(sock);
    nmvirtd_arm_idle(self);
    return G_SOURCE_CONTINUE;
}

static gboolean
nmvirtd_quit_cb(gpointer user_data)
{
    Nmvirtd *self = user_data;

    g_main_loop_quit(self->loop);
    return G_SOURCE_CONTINUE;
}

/* The descriptor systemd passed, -1 when not started that way. */
static int
nmvirtd_socket_from_systemd(GError **error)
{
    const char *pid = g_getenv("LISTEN_PID");
    const char *fds = g_getenv("LISTEN_FDS");
    int fd = NMVIRTD_LISTEN_FDS_START;
    struct stat st;

    if (pid == NULL || fds == NULL || strtol(pid, NULL, 10) != (long)getpid())
        return -1;
    g_unsetenv("LISTEN_PID");
    g_unsetenv("LISTEN_FDS");
    g_unsetenv("LISTEN_FDNAMES");
    if (strcmp(fds, "1") != 0 || fstat(fd, &st) < 0 || !S_ISSOCK(st.st_mode)) {
        g_set_error(error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                    _("systemd passed %s descriptors; nmvirtd takes one stream socket"), fds);
        return -2;
    }
    fcntl(fd, F_SETFD, FD_CLOEXEC);
    return fd;
}

/* Our own socket at @path, mode 0600; a stale one left by a daemon that
 * died is replaced, a live one is an error. */
static int
nmvirtd_socket_bind(const char *path, GError **error)
{
    struct sockaddr_un addr = { .sun_family = AF_UNIX };
    g_autofree char *dir = g_path_get_dirname(path);
    mode_t old_umask;
    GStatBuf st;
    int fd;
    int rc;

    if (strlen(path) >= sizeof(addr.sun_path)) {
        g_set_error(error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT, _("socket path %s is too long"),
                    path);
        return -1;
    }
    strcpy(addr.sun_path, path);
    if (g_mkdir_with_parents(dir, 0755) < 0) {
        int saved = errno;

        g_set_error(error, G_IO_ERROR, g_io_error_from_errno(saved), _("cannot create %s: %s"), dir,
                    g_strerror(saved));
        return -1;
    }
    fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    if (fd < 0) {
        g_set_error(error, G_IO_ERROR, G_IO_ERROR_FAILED, "socket: %s", g_strerror(errno));
        return -1;
    }
    if (connect(fd, (struct sockaddr *)&addr, sizeof(addr)) == 0 || errno == EAGAIN) {
        close(fd);
        g_set_error(error, G_IO_ERROR, G_IO_ERROR_EXISTS, _("another nmvirtd is listening on %s"),
                    path);
        return -1;
    }
    /* a socket nobody listens on: a daemon died; anything else stays */
    if (errno == ECONNREFUSED && g_lstat(path, &st) == 0 && S_ISSOCK(st.st_mode))
        g_unlink(path);
    close(fd);
    fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    old_umask = umask(0177);
    rc = bind(fd, (struct sockaddr *)&addr, sizeof(addr));
    umask(old_umask);
    if (rc < 0 || listen(fd, 16) < 0) {
        int saved = errno;

        close(fd);
        g_set_error(error, G_IO_ERROR, g_io_error_from_errno(saved), _("cannot listen on %s: %s"),
                    path, g_strerror(saved));
        return -1;
    }
    return fd;
}

int
main(int argc, char **argv)
{
    g_autoptr(GOptionContext) context = NULL;
    g_autoptr(GError) error = NULL;
    g_autofree char *socket_path = NULL;
    int timeout_s = 120;
    gboolean version = FALSE;
    const GOptionEntry entries[] = {
        { "socket", 0, 0, G_OPTION_ARG_FILENAME, &socket_path,
          N_("Listen on PATH (default: $NMVIRT_SOCKET, else " NMVIRT_RUNDIR "/nmvirtd.sock)"),
          N_("PATH") },
        { "timeout", 0, 0, G_OPTION_ARG_INT, &timeout_s,
          N_("Exit after SECONDS without a request; 0: never (default: 120)"), N_("SECONDS") },
        { "version", 0, 0, G_OPTION_ARG_NONE, &version, N_("Print the version and exit"), NULL },
        { NULL },
    };
    g_autoptr(GSource) accept_source = NULL;
    Nmvirtd self = { .listen_fd = -1 };

    /* stdin, stdout and stderr open (on /dev/null if not): a request
     * lends its own on these numbers, and nothing else may use them */
    for (int fd = 0; fd <= 2; fd++) {
        if (fcntl(fd, F_GETFD) < 0 && open("/dev/null", fd == 0 ? O_RDONLY : O_WRONLY) != fd)
            return 1;
    }
    setlocale(LC_ALL, "");
    bindtextdomain(GETTEXT_PACKAGE, LOCALEDIR);
    bind_textdomain_codeset(GETTEXT_PACKAGE, "UTF-8");
    textdomain(GETTEXT_PACKAGE);

    context = g_option_context_new(NULL);
    g_option_context_set_summary(
        context, _("Run nmvirt's commands with NetworkManager's state already loaded."));
    g_option_context_set_translation_domain(context, GETTEXT_PACKAGE);
    g_option_context_add_main_entries(context, entries, GETTEXT_PACKAGE);
    if (!g_option_context_parse(context, &argc, &argv, &error)) {
        g_printerr("nmvirtd: %s\n", error->message);
        return 1;
    }
    if (version) {
        g_print("nmvirtd %s\n", PACKAGE_VERSION);
        return 0;
    }
    if (timeout_s < 0) {
        g_printerr(_("nmvirtd: --timeout takes 0 or more seconds\n"));
        return 1;
    }
    self.idle_timeout_s = (guint)timeout_s;

    self.listen_fd = nmvirtd_socket_from_systemd(&error);
    if (self.listen_fd == -1) {
        if (socket_path == NULL)
            socket_path = nmvirtd_socket_path();
        if (socket_path == NULL) {
            g_printerr(_("nmvirtd: NMVIRT_SOCKET is empty and no --socket was given\n"));
            return 1;
        }
        self.listen_fd = nmvirtd_socket_bind(socket_path, &error);
        if (self.listen_fd >= 0)
            self.bound_path = g_strdup(socket_path);
    }
    if (self.listen_fd < 0) {
        g_printerr("nmvirtd: %s\n", error->message);
        return 1;
    }
    fcntl(self.listen_fd, F_SETFL, fcntl(self.listen_fd, F_GETFL) | O_NONBLOCK);

    /* every message of ours on stderr (GLib puts debug on stdout), which
     * is the journal under systemd */
    g_log_writer_default_set_use_stderr(TRUE);
    /* a command that goes away mid-verb is not a reason to die */
    signal(SIGPIPE, SIG_IGN);
    nmvirtd_request_init();
    self.loop = g_main_loop_new(NULL, FALSE);
    g_unix_signal_add(SIGTERM, nmvirtd_quit_cb, &self);
    g_unix_signal_add(SIGINT, nmvirtd_quit_cb, &self);
    /* a verb iterates the main context while it waits for NetworkManager:
     * a command arriving then is answered at once (declined), not left
     * waiting in the backlog until the verb ends */
    accept_source = g_unix_fd_source_new(self.listen_fd, G_IO_IN);
    g_source_set_callback(accept_source, G_SOURCE_FUNC(nmvirtd_accept_cb), &self, NULL);
    g_source_set_can_recurse(accept_source, TRUE);
    g_source_attach(accept_source, NULL);
    nmvirtd_client_start();
    nmvirtd_arm_idle(&self);
    g_message("listening on %s", self.bound_path != NULL ? self.bound_path : "systemd's socket");
    g_main_loop_run(self.loop);

    g_source_destroy(accept_source);
    nmvirtd_client_stop();
    if (self.bound_path != NULL)
        g_unlink(self.bound_path);
    close(self.listen_fd);
    g_free(self.bound_path);
    g_main_loop_unref(self.loop);
    return 0;
}
