/*
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The hooks of nmvirt-client.c into the monitor (nmvirt-client-monitor.c):
 * the signal is made with the class, and monitoring ends with the client.
 */
#pragma once

#include "nmvirt-client.h"

G_BEGIN_DECLS

/* Adds the "interface-changed" signal to the class of NmvirtClient. */
void nmvirt_client_monitor_class_init(GObjectClass *object_class);

/* Ends monitoring, if it runs; before the client lets go of libnm. */
void nmvirt_client_monitor_dispose(NmvirtClient *self);

G_END_DECLS
