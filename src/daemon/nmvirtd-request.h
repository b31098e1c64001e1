/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Remembers the daemon's own stdin, stdout, stderr, working directory and
 * locale, which each request borrows from its client and gives back. */
void nmvirtd_request_init(void);

/* Serves (or declines) the one request on the accepted socket @sock and
 * closes it. */
void nmvirtd_request_handle(int sock);

/* TRUE while a verb runs: a request arriving then (the verb iterates the
 * main context) is declined. */
gboolean nmvirtd_request_busy(void);

G_END_DECLS
