/*
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The inside of libnetcf.so.1: the handles, the call scope every entry
 * point runs in, and the error state. Every ncf_* function is a thin layer
 * over NmvirtClient (libnmvirt's public API); what an interface is, when it
 * is active, what define does, all of that is decided there.
 *
 * Files: netcf-handle.c (init, close, the call scope, interface handles),
 * netcf-error.c (ncf_error, NMVIRT_ERROR → NETCF_E*), netcf-list.c (num,
 * list, lookups, define), netcf-if.c (ncf_if_*), netcf-change.c
 * (transactions).
 */
#pragma once

#include <nmvirt.h>

#include "netcf.h"

G_BEGIN_DECLS

/* Threads: libvirt calls with one struct netcf from several threads (one
 * at a time, under its driver lock, but nothing here relies on that).
 * Every call holds @lock, and while it talks to NetworkManager it owns the
 * client's private main context (acquired and thread-default), whichever
 * thread it runs in. */
struct netcf {
    GMutex lock;
    NmvirtClient *client;  /* NULL while the system bus cannot be reached */
    GMainContext *context; /* the client's private context, while there is a client */
    netcf_errcode_t errcode;
    char *details;       /* what went wrong in the last call, or NULL */
    guint n_handles;     /* struct netcf_if alive: ncf_close() refuses until 0 */
    guint up_timeout_ms; /* how long ncf_if_up() waits for the interface */
};

/* Overrides how long ncf_if_up() waits, in seconds (1 to 3600; default
 * NMVIRT_CLIENT_START_TIMEOUT_MS). Read by ncf_init(). */
#define NCF_UP_TIMEOUT_ENV "NMVIRT_NETCF_UP_TIMEOUT"

struct netcf_if {
    struct netcf *ncf;
    char *name;
    char *mac; /* the last ncf_if_mac_string() result */
};

/* One API call: holds the lock and resets the error state; ncf_call_client()
 * then gives the client, with its context owned by this thread. */
typedef struct {
    struct netcf *ncf;
    gboolean pushed; /* the client's context is acquired and thread-default */
} NcfCall;

void ncf_call_begin(NcfCall *call, struct netcf *ncf);
void ncf_call_end(NcfCall *call);
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC(NcfCall, ncf_call_end)

/* The client, with its context owned by the calling thread; made first
 * when there is none yet (the system bus was away); caught up with
 * NetworkManager (nmvirt_client_catch_up()). NULL with the error set on
 * failure. (transfer none) */
NmvirtClient *ncf_call_client(NcfCall *call);
/* The same without the catch-up, for the calls whose nmvirt call catches
 * up itself: define, undefine and the transactions. */
NmvirtClient *ncf_call_writer(NcfCall *call);

/* A new handle for interface @name of @ncf (called inside a call). */
struct netcf_if *ncf_if_new(struct netcf *ncf, const char *name);

/* netcf-error.c ----------------------------------------------------------------- */

/* Records a failure of the current call: @code and @details (copied). */
void ncf_set_error(struct netcf *ncf, netcf_errcode_t code, const char *details);

/* Records @error (nmvirt's, or another domain's) with its netcf code. */
void ncf_set_gerror(struct netcf *ncf, const GError *error);

/* Clears the error state: a call begins. */
void ncf_clear_error(struct netcf *ncf);

/* A malloc()ed copy of @text for the caller to free(), or NULL with
 * NETCF_ENOMEM recorded. */
char *ncf_strdup(struct netcf *ncf, const char *text);

G_END_DECLS
