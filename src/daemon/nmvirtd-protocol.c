/*
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The request nmvirt sends to nmvirtd and its framing (nmvirtd-protocol.h).
 */
#include "config.h"

#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include <gio/gio.h>
#include <glib/gi18n.h>

#include "nmvirt-error.h"
#include "nmvirtd-protocol.h"

char *
nmvirtd_socket_path(void)
{
    const char *path = g_getenv("NMVIRT_SOCKET");

    if (path != NULL)
        return path[0] != '\0' ? g_strdup(path) : NULL;
    return g_build_filename(NMVIRT_RUNDIR, "nmvirtd.sock", NULL);
}

/* Sends or receives exactly @len bytes at @p. */
static gboolean
nmvirtd_transfer_all(int fd, char *p, gsize len, gboolean sending)
{
    while (len > 0) {
        ssize_t n = sending ? send(fd, p, len, MSG_NOSIGNAL) : recv(fd, p, len, 0);

        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return FALSE;
        p += n;
        len -= (gsize)n;
    }
    return TRUE;
}

gboolean
nmvirtd_write_all(int fd, const void *buf, gsize len)
{
    /* (sending only reads the buffer) */
    return nmvirtd_transfer_all(fd, (char *)buf, len, TRUE);
}

gboolean
nmvirtd_read_all(int fd, void *buf, gsize len)
{
    return nmvirtd_transfer_all(fd, buf, len, FALSE);
}

gboolean
nmvirtd_request_send(int sock, GVariant *request, const int *fds, GError **error)
{
    g_autoptr(GVariant) normal = g_variant_get_normal_form(request);
    guint32 len = (guint32)g_variant_get_size(normal);
    char control[CMSG_SPACE(sizeof(int) * NMVIRTD_REQUEST_N_FDS)] = { 0 };
    struct iovec iov = { .iov_base = &len, .iov_len = sizeof(len) };
    struct msghdr msg = {
        .msg_iov = &iov,
        .msg_iovlen = 1,
        .msg_control = control,
        .msg_controllen = sizeof(control),
    };
    struct cmsghdr *cmsg = CMSG_FIRSTHDR(&msg);
    ssize_t n;

    cmsg->cmsg_level = SOL_SOCKET;
    cmsg->cmsg_type = SCM_RIGHTS;
    cmsg->cmsg_len = CMSG_LEN(sizeof(int) * NMVIRTD_REQUEST_N_FDS);
    memcpy(CMSG_DATA(cmsg), fds, sizeof(int) * NMVIRTD_REQUEST_N_FDS);
    do
        n = sendmsg(sock, &msg, MSG_NOSIGNAL);
    while (n < 0 && errno == EINTR);
    if (n != (ssize_t)sizeof(len) || !nmvirtd_write_all(sock, g_variant_get_data(normal), len)) {
        int saved = errno;

        g_set_error(error, NMVIRT_ERROR, NMVIRT_ERROR_IO,
                    /* TRANSLATORS: %s is the system's reason */
                    _("cannot send the command to nmvirtd: %s"), g_strerror(saved));
        return FALSE;
    }
    return TRUE;
}

static void
nmvirtd_close_fds(int *fds, guint n)
{
    for (guint i = 0; i < n; i++) {
        if (fds[i] >= 0)
            close(fds[i]);
        fds[i] = -1;
    }
}

GVariant *
nmvirtd_request_receive(int sock, int *fds, GError **error)
{
    guint32 len = 0;
    char control[CMSG_SPACE(sizeof(int) * NMVIRTD_REQUEST_N_FDS)] = { 0 };
    struct iovec iov = { .iov_base = &len, .iov_len = sizeof(len) };
    struct msghdr msg = {
        .msg_iov = &iov,
        .msg_iovlen = 1,
        .msg_control = control,
        .msg_controllen = sizeof(control),
    };
    g_autofree char *data = NULL;
    g_autoptr(GBytes) bytes = NULL;
    GVariant *request;
    ssize_t n;
    guint n_fds = 0;

    for (guint i = 0; i < NMVIRTD_REQUEST_N_FDS; i++)
        fds[i] = -1;
    do
        n = recvmsg(sock, &msg, MSG_CMSG_CLOEXEC);
    while (n < 0 && errno == EINTR);
    for (struct cmsghdr *c = CMSG_FIRSTHDR(&msg); n > 0 && c != NULL; c = CMSG_NXTHDR(&msg, c)) {
        if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS) {
            n_fds = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
            memcpy(fds, CMSG_DATA(c), sizeof(int) * MIN(n_fds, NMVIRTD_REQUEST_N_FDS));
        }
    }
    if (n == 0) {
        g_set_error(error, G_IO_ERROR, G_IO_ERROR_CLOSED, _("closed without a request"));
        return NULL;
    }
    if (n != (ssize_t)sizeof(len) || (msg.msg_flags & MSG_CTRUNC) != 0 ||
        n_fds != NMVIRTD_REQUEST_N_FDS || len == 0 || len > NMVIRTD_REQUEST_MAX) {
        nmvirtd_close_fds(fds, MIN(n_fds, NMVIRTD_REQUEST_N_FDS));
        g_set_error(error, NMVIRT_ERROR, NMVIRT_ERROR_IO,
                    _("malformed request: not a length with %d descriptors"),
                    NMVIRTD_REQUEST_N_FDS);
        return NULL;
    }
    data = g_malloc(len);
    if (!nmvirtd_read_all(sock, data, len)) {
        nmvirtd_close_fds(fds, NMVIRTD_REQUEST_N_FDS);
        g_set_error(error, NMVIRT_ERROR, NMVIRT_ERROR_IO,
                    _("malformed request: shorter than its length"));
        return NULL;
    }
    bytes = g_bytes_new_take(g_steal_pointer(&data), len);
    request = g_variant_new_from_bytes(G_VARIANT_TYPE(NMVIRTD_REQUEST_TYPE), bytes, FALSE);
    g_variant_ref_sink(request);
    if (!g_variant_is_normal_form(request)) {
        g_variant_unref(request);
        nmvirtd_close_fds(fds, NMVIRTD_REQUEST_N_FDS);
        g_set_error(error, NMVIRT_ERROR, NMVIRT_ERROR_IO,
                    _("malformed request: not a valid message"));
        return NULL;
    }
    return request;
}
