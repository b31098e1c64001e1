/*
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Kernel notifications about links and addresses (see nmvirt-link-watch.h):
 * an rtnetlink socket in the groups RTMGRP_LINK, RTMGRP_IPV4_IFADDR and
 * RTMGRP_IPV6_IFADDR, read without blocking from a GSource. Only names are
 * reported: what changed is read again by whoever listens, so a lost or
 * coalesced notification costs nothing but a re-read.
 */
#include "config.h"

#include <errno.h>
#include <linux/if_addr.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <glib-unix.h>
#include <glib/gi18n-lib.h>

#include "nmvirt-error.h"
#include "nmvirt-link-watch.h"

/* Room for bursts (a bridge with many ports going down at once); the
 * kernel caps it at net.core.rmem_max, and an overflow is reported. */
#define NMVIRT_LINK_WATCH_RCVBUF (1024 * 1024)
#define NMVIRT_LINK_WATCH_BUFFER 32768

struct _NmvirtLinkWatch {
    int fd;
    GSource *source;
    NmvirtLinkWatchFunc func;
    gpointer user_data;
};

/* Adds the name of link @ifindex to @names, once. */
static void
nmvirt_link_watch_add_index(GPtrArray *names, unsigned int ifindex)
{
    char name[IF_NAMESIZE] = { 0 };

    /* a link already deleted has no name any more */
    if (ifindex == 0 || if_indextoname(ifindex, name) == NULL)
        return;
    if (!g_ptr_array_find_with_equal_func(names, name, g_str_equal, NULL))
        g_ptr_array_add(names, g_strdup(name));
}

static void
nmvirt_link_watch_add_name(GPtrArray *names, const char *name, gsize length)
{
    g_autofree char *copy = g_strndup(name, length);

    if (copy[0] != '\0' && !g_ptr_array_find_with_equal_func(names, copy, g_str_equal, NULL))
        g_ptr_array_add(names, g_steal_pointer(&copy));
}

/* RTM_NEWLINK, RTM_DELLINK: the link's name and its controller's. */
static void
nmvirt_link_watch_parse_link(const struct nlmsghdr *header, GPtrArray *names)
{
    const struct ifinfomsg *message = NLMSG_DATA(header);
    const struct rtattr *attribute = IFLA_RTA(message);
    int length = IFLA_PAYLOAD(header);
    gboolean named = FALSE;

    if (header->nlmsg_len < NLMSG_LENGTH(sizeof(*message)))
        return;
    for (; RTA_OK(attribute, length); attribute = RTA_NEXT(attribute, length)) {
        if (attribute->rta_type == IFLA_IFNAME && RTA_PAYLOAD(attribute) > 0) {
            nmvirt_link_watch_add_name(names, RTA_DATA(attribute),
                                       strnlen(RTA_DATA(attribute), RTA_PAYLOAD(attribute)));
            named = TRUE;
        } else if (attribute->rta_type == IFLA_MASTER && RTA_PAYLOAD(attribute) >= 4) {
            guint32 master = 0;

            memcpy(&master, RTA_DATA(attribute), sizeof(master));
            nmvirt_link_watch_add_index(names, master);
        }
    }
    if (!named && message->ifi_index > 0)
        nmvirt_link_watch_add_index(names, (unsigned int)message->ifi_index);
}

/* RTM_NEWADDR, RTM_DELADDR: the name of the address's link. */
static void
nmvirt_link_watch_parse_address(const struct nlmsghdr *header, GPtrArray *names)
{
    const struct ifaddrmsg *message = NLMSG_DATA(header);

    if (header->nlmsg_len < NLMSG_LENGTH(sizeof(*message)))
        return;
    nmvirt_link_watch_add_index(names, message->ifa_index);
}

/* Reads what is queued; FALSE when notifications were lost. */
static gboolean
nmvirt_link_watch_read(NmvirtLinkWatch *watch, GPtrArray *names)
{
    /* aligned for struct nlmsghdr */
    g_autofree guint32 *buffer = g_new(guint32, NMVIRT_LINK_WATCH_BUFFER / sizeof(guint32));
    gboolean complete = TRUE;

    for (;;) {
        struct sockaddr_nl sender = { 0 };
        socklen_t sender_length = sizeof(sender);
        ssize_t received = recvfrom(watch->fd, buffer, NMVIRT_LINK_WATCH_BUFFER, MSG_DONTWAIT,
                                    (struct sockaddr *)&sender, &sender_length);
        int length;

        if (received < 0 && errno == EINTR)
            continue;
        if (received < 0 && errno == ENOBUFS) {
            complete = FALSE;
            continue;
        }
        if (received < 0) {
            if (errno != EAGAIN && errno != EWOULDBLOCK)
                g_debug("link watch: %s", g_strerror(errno));
            return complete;
        }
        /* only the kernel speaks in these groups; ignore anyone else */
        if (received == 0 || sender.nl_pid != 0)
            continue;
        length = (int)received;
        for (const struct nlmsghdr *header = (const struct nlmsghdr *)buffer;
             NLMSG_OK(header, length); header = NLMSG_NEXT(header, length)) {
            switch (header->nlmsg_type) {
            case RTM_NEWLINK:
            case RTM_DELLINK:
                nmvirt_link_watch_parse_link(header, names);
                break;
            case RTM_NEWADDR:
            case RTM_DELADDR:
                nmvirt_link_watch_parse_address(header, names);
                break;
            default:
                break;
            }
        }
    }
}

static gboolean
nmvirt_link_watch_ready_cb(gint fd, GIOCondition condition, gpointer user_data)
{
    NmvirtLinkWatch *watch = user_data;
    g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func(g_free);

    if (!nmvirt_link_watch_read(watch, names)) {
        watch->func(NULL, watch->user_data);
        return G_SOURCE_CONTINUE;
    }
    if (names->len == 0)
        return G_SOURCE_CONTINUE;
    g_ptr_array_add(names, NULL);
    watch->func((const char *const *)names->pdata, watch->user_data);
    return G_SOURCE_CONTINUE;
}

NmvirtLinkWatch *
nmvirt_link_watch_new(GMainContext *context, NmvirtLinkWatchFunc func, gpointer user_data,
                      GError **error)
{
    g_autoptr(NmvirtLinkWatch) watch = NULL;
    struct sockaddr_nl local = {
        .nl_family = AF_NETLINK,
        .nl_groups = RTMGRP_LINK | RTMGRP_IPV4_IFADDR | RTMGRP_IPV6_IFADDR,
    };
    int rcvbuf = NMVIRT_LINK_WATCH_RCVBUF;

    g_return_val_if_fail(func != NULL, NULL);
    g_return_val_if_fail(error == NULL || *error == NULL, NULL);

    watch = g_new0(NmvirtLinkWatch, 1);
    watch->func = func;
    watch->user_data = user_data;
    watch->fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC | SOCK_NONBLOCK, NETLINK_ROUTE);
    if (watch->fd < 0 || bind(watch->fd, (struct sockaddr *)&local, sizeof(local)) < 0) {
        int saved_errno = errno;

        g_set_error(error, NMVIRT_ERROR, NMVIRT_ERROR_IO,
                    _("cannot listen to the kernel's link notifications: %s"),
                    g_strerror(saved_errno));
        return NULL;
    }
    /* best effort: a smaller buffer only makes an overflow more likely */
    if (setsockopt(watch->fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof(rcvbuf)) < 0)
        g_debug("link watch: cannot enlarge the receive buffer: %s", g_strerror(errno));
    watch->source = g_unix_fd_source_new(watch->fd, G_IO_IN);
    g_source_set_callback(watch->source, G_SOURCE_FUNC(nmvirt_link_watch_ready_cb), watch, NULL);
    g_source_set_static_name(watch->source, "nmvirt link watch");
    g_source_attach(watch->source, context);
    return g_steal_pointer(&watch);
}

void
nmvirt_link_watch_free(NmvirtLinkWatch *watch)
{
    if (watch == NULL)
        return;
    if (watch->source != NULL) {
        g_source_destroy(watch->source);
        g_source_unref(watch->source);
    }
    if (watch->fd >= 0)
        close(watch->fd);
    g_free(watch);
}
