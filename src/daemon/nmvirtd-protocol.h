/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * How the nmvirt command hands a verb to nmvirtd, a long-lived process that
 * keeps NMClient's cache loaded (nmvirtd(8)). One request per connection
 * on a UNIX stream socket:
 *
 *   client → daemon  a 4-byte length, then a GVariant NMVIRTD_REQUEST_TYPE
 *                    (protocol version, the verb and its arguments, the
 *                    client's values of NMVIRTD_FORWARDED_ENV); with the
 *                    length go the client's stdin, stdout, stderr and
 *                    working directory as file descriptors (SCM_RIGHTS)
 *   daemon → client  NMVIRTD_REPLY_DECLINED (run the verb yourself), or
 *                    NMVIRTD_REPLY_ACCEPTED
 *   client → daemon  NMVIRTD_REPLY_GO, unless the answer took longer than
 *                    NMVIRTD_ANSWER_TIMEOUT_MS: then the client closes and
 *                    runs the verb itself, and the daemon, which reads no
 *                    GO, does not (a verb never runs twice)
 *   daemon → client  the verb's output on the client's own descriptors,
 *                    then NMVIRTD_REPLY_EXITED and the 4-byte exit status
 *
 * Both ends run as the same user on the same host: lengths and the status
 * are in native byte order.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define NMVIRTD_PROTOCOL_VERSION 1
#define NMVIRTD_REQUEST_TYPE     "(uasa{ss})"
/* more than any command line plus environment needs */
#define NMVIRTD_REQUEST_MAX   (256 * 1024)
#define NMVIRTD_REQUEST_N_FDS 4

#define NMVIRTD_REPLY_DECLINED 'D'
#define NMVIRTD_REPLY_ACCEPTED 'A'
#define NMVIRTD_REPLY_EXITED   'X'
#define NMVIRTD_REPLY_GO       'G'

/* A daemon whose verb blocks outside its main loop (it reads a pipe that
 * another nmvirt command is to fill) cannot answer: the command does not
 * wait for it longer than this. Loading NetworkManager's state may take
 * longer; the command then loads it itself. */
#define NMVIRTD_ANSWER_TIMEOUT_MS 3000

/* The environment the verbs read: the client sends its values; the daemon
 * applies the locale and GLib's debug setting for the verb (the command's
 * messages, in its language), and declines when nmvirt's own settings,
 * test hooks or the system bus differ from its own. */
#define NMVIRTD_APPLIED_ENV                                                                        \
    "LANGUAGE", "LC_ALL", "LC_MESSAGES", "LC_CTYPE", "LANG", "G_MESSAGES_DEBUG"
#define NMVIRTD_FORWARDED_ENV                                                                      \
    NMVIRTD_APPLIED_ENV, "NMVIRT_STATE_DIR", "NMVIRT_TEST_FAIL_AFTER_WRITES",                      \
        "NMVIRT_ROLLBACK_TIMER", "DBUS_SYSTEM_BUS_ADDRESS"

/* The socket: $NMVIRT_SOCKET when set (empty: no daemon), else
 * NMVIRT_RUNDIR/nmvirtd.sock. Returns NULL for "no daemon". */
char *nmvirtd_socket_path(void);

/* Sends one request with the descriptors @fds (NMVIRTD_REQUEST_N_FDS of them). */
gboolean nmvirtd_request_send(int sock, GVariant *request, const int *fds, GError **error);
/* Receives one request; @fds gets NMVIRTD_REQUEST_N_FDS descriptors the
 * caller owns. Returns NULL with @error on anything malformed. */
GVariant *nmvirtd_request_receive(int sock, int *fds, GError **error);

/* Writes or reads exactly @len bytes; FALSE on error or end of stream. */
gboolean nmvirtd_write_all(int fd, const void *buf, gsize len);
gboolean nmvirtd_read_all(int fd, void *buf, gsize len);

G_END_DECLS
