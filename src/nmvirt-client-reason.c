/*
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Words for NetworkManager's states and reasons (NMActiveConnectionState,
 * NMActiveConnectionStateReason, NMDeviceState, NMDeviceStateReason) and for
 * seconds, in the messages of start and stop.
 */
#include "config.h"

#include <glib/gi18n-lib.h>

#include "nmvirt-client-private.h"

/* Words for NMActiveConnectionStateReason, NMDeviceStateReason and
 * NMDeviceState; translated where they are used. */
static const char *const nmvirt_client_active_reasons[] = {
    [NM_ACTIVE_CONNECTION_STATE_REASON_UNKNOWN] = N_("NetworkManager did not say why"),
    [NM_ACTIVE_CONNECTION_STATE_REASON_NONE] = N_("NetworkManager gave no reason"),
    [NM_ACTIVE_CONNECTION_STATE_REASON_USER_DISCONNECTED] = N_("a user disconnected it"),
    [NM_ACTIVE_CONNECTION_STATE_REASON_DEVICE_DISCONNECTED] = N_("its device was disconnected"),
    [NM_ACTIVE_CONNECTION_STATE_REASON_SERVICE_STOPPED] = N_("the service providing it stopped"),
    [NM_ACTIVE_CONNECTION_STATE_REASON_IP_CONFIG_INVALID] = N_("its IP configuration was invalid"),
    [NM_ACTIVE_CONNECTION_STATE_REASON_CONNECT_TIMEOUT] = N_("the connection attempt timed out"),
    [NM_ACTIVE_CONNECTION_STATE_REASON_SERVICE_START_TIMEOUT] =
        N_("the service providing it did not start in time"),
    [NM_ACTIVE_CONNECTION_STATE_REASON_SERVICE_START_FAILED] =
        N_("the service providing it failed to start"),
    [NM_ACTIVE_CONNECTION_STATE_REASON_NO_SECRETS] = N_("secrets it needs were not provided"),
    [NM_ACTIVE_CONNECTION_STATE_REASON_LOGIN_FAILED] = N_("authentication failed"),
    [NM_ACTIVE_CONNECTION_STATE_REASON_CONNECTION_REMOVED] = N_("its profile was deleted"),
    [NM_ACTIVE_CONNECTION_STATE_REASON_DEPENDENCY_FAILED] =
        N_("a connection it depends on (its controller or parent) failed"),
    [NM_ACTIVE_CONNECTION_STATE_REASON_DEVICE_REALIZE_FAILED] =
        N_("its device could not be created"),
    [NM_ACTIVE_CONNECTION_STATE_REASON_DEVICE_REMOVED] = N_("its device disappeared"),
};

/* NONE, UNKNOWN and NOW_MANAGED explain nothing and stay NULL. */
static const char *const nmvirt_client_device_reasons[] = {
    [NM_DEVICE_STATE_REASON_NOW_UNMANAGED] = N_("NetworkManager stopped managing the device"),
    [NM_DEVICE_STATE_REASON_CONFIG_FAILED] = N_("the device could not be configured"),
    [NM_DEVICE_STATE_REASON_IP_CONFIG_UNAVAILABLE] =
        N_("no IP configuration could be obtained: no DHCP lease or router advertisement, or "
           "no address to configure"),
    [NM_DEVICE_STATE_REASON_IP_CONFIG_EXPIRED] = N_("the IP configuration expired"),
    [NM_DEVICE_STATE_REASON_DHCP_START_FAILED] = N_("the DHCP client could not be started"),
    [NM_DEVICE_STATE_REASON_DHCP_ERROR] = N_("the DHCP client reported an error"),
    [NM_DEVICE_STATE_REASON_DHCP_FAILED] = N_("the DHCP client failed"),
    [NM_DEVICE_STATE_REASON_FIRMWARE_MISSING] = N_("the device's firmware is missing"),
    [NM_DEVICE_STATE_REASON_REMOVED] = N_("the device was removed"),
    [NM_DEVICE_STATE_REASON_SLEEPING] = N_("NetworkManager is asleep"),
    [NM_DEVICE_STATE_REASON_CONNECTION_REMOVED] = N_("the profile was deleted"),
    [NM_DEVICE_STATE_REASON_USER_REQUESTED] = N_("a user requested it"),
    [NM_DEVICE_STATE_REASON_CARRIER] = N_("the link lost its carrier"),
    [NM_DEVICE_STATE_REASON_DEPENDENCY_FAILED] = N_("a dependency of the connection failed"),
    [NM_DEVICE_STATE_REASON_NEW_ACTIVATION] = N_("another profile was activated on the device"),
    [NM_DEVICE_STATE_REASON_PARENT_CHANGED] = N_("the parent device changed"),
    [NM_DEVICE_STATE_REASON_PARENT_MANAGED_CHANGED] =
        N_("NetworkManager stopped or started managing the parent device"),
    [NM_DEVICE_STATE_REASON_IP_ADDRESS_DUPLICATE] =
        N_("an IP address is already in use on the network"),
    [NM_DEVICE_STATE_REASON_IP_METHOD_UNSUPPORTED] =
        N_("the IP method is not supported for this device"),
};

static const char *const nmvirt_client_device_states[] = {
    [NM_DEVICE_STATE_UNKNOWN] = N_("unknown"),
    [NM_DEVICE_STATE_UNMANAGED] = N_("unmanaged"),
    [NM_DEVICE_STATE_UNAVAILABLE] = N_("unavailable"),
    [NM_DEVICE_STATE_DISCONNECTED] = N_("disconnected"),
    [NM_DEVICE_STATE_PREPARE] = N_("preparing"),
    [NM_DEVICE_STATE_CONFIG] = N_("configuring"),
    [NM_DEVICE_STATE_NEED_AUTH] = N_("waiting for secrets"),
    [NM_DEVICE_STATE_IP_CONFIG] = N_("configuring IP"),
    [NM_DEVICE_STATE_IP_CHECK] = N_("checking IP"),
    [NM_DEVICE_STATE_SECONDARIES] = N_("waiting for secondary connections"),
    [NM_DEVICE_STATE_ACTIVATED] = N_("activated"),
    [NM_DEVICE_STATE_DEACTIVATING] = N_("deactivating"),
    [NM_DEVICE_STATE_FAILED] = N_("failed"),
};

static const char *const nmvirt_client_active_states[] = {
    [NM_ACTIVE_CONNECTION_STATE_UNKNOWN] = N_("unknown"),
    [NM_ACTIVE_CONNECTION_STATE_ACTIVATING] = N_("activating"),
    [NM_ACTIVE_CONNECTION_STATE_ACTIVATED] = N_("activated"),
    [NM_ACTIVE_CONNECTION_STATE_DEACTIVATING] = N_("deactivating"),
    [NM_ACTIVE_CONNECTION_STATE_DEACTIVATED] = N_("deactivated"),
};

/* The translated entry @value of @table, or NULL when it has none. */
static const char *
nmvirt_client_words(const char *const *table, guint len, guint value)
{
    if (value >= len || table[value] == NULL)
        return NULL;
    return _(table[value]);
}

#define NMVIRT_CLIENT_WORDS(table, value) nmvirt_client_words(table, G_N_ELEMENTS(table), value)

char *
nmvirt_client_active_reason_to_string(NMActiveConnectionStateReason reason)
{
    const char *words = NMVIRT_CLIENT_WORDS(nmvirt_client_active_reasons, reason);

    if (words != NULL)
        return g_strdup(words);
    /* TRANSLATORS: a reason code of NetworkManager that nmvirt has no words for */
    return g_strdup_printf(_("NetworkManager reason %u"), (guint)reason);
}

/* NULL for the reasons that explain nothing. */
char *
nmvirt_client_device_reason_to_string(NMDeviceStateReason reason)
{
    const char *words = NMVIRT_CLIENT_WORDS(nmvirt_client_device_reasons, reason);

    if (words != NULL)
        return g_strdup(words);
    if (reason == NM_DEVICE_STATE_REASON_NONE || reason == NM_DEVICE_STATE_REASON_UNKNOWN ||
        reason == NM_DEVICE_STATE_REASON_NOW_MANAGED)
        return NULL;
    return g_strdup_printf(_("NetworkManager reason %u"), (guint)reason);
}

const char *
nmvirt_client_device_state_to_string(NMDeviceState state)
{
    const char *words = NMVIRT_CLIENT_WORDS(nmvirt_client_device_states, state);

    return words != NULL ? words : _("unknown");
}

const char *
nmvirt_client_active_state_to_string(NMActiveConnectionState state)
{
    const char *words = NMVIRT_CLIENT_WORDS(nmvirt_client_active_states, state);

    return words != NULL ? words : _("unknown");
}

/* "90", "1.5": seconds for messages. */
char *
nmvirt_client_format_seconds(guint ms)
{
    if (ms % 1000 == 0)
        return g_strdup_printf("%u", ms / 1000);
    return g_strdup_printf("%.1f", ms / 1000.0);
}
