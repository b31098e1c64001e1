/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include <glib/gi18n-lib.h>

#include "nmvirt-error.h"
#include "nmvirt-keyfile.h"

char *
nmvirt_keyfile_to_data(NMConnection *connection, GError **error)
{
    g_autoptr(GKeyFile) keyfile =
        nm_keyfile_write(connection, NM_KEYFILE_HANDLER_FLAGS_NONE, NULL, NULL, error);

    if (keyfile == NULL) {
        nmvirt_error_convert(error);
        return NULL;
    }
    return g_key_file_to_data(keyfile, NULL, error);
}

/* The file name NetworkManager's keyfile plugin would pick: the id, with
 * '/' (not allowed in a file name) and leading dots replaced. */
static char *
nmvirt_keyfile_file_name(NMConnection *connection)
{
    g_autofree char *name = g_strdup(nm_connection_get_id(connection));

    if (name == NULL || *name == '\0') {
        g_free(name);
        name = g_strdup(nm_connection_get_uuid(connection));
    }
    g_strdelimit(name, "/", '_');
    if (name[0] == '.')
        name[0] = '_';
    return g_strconcat(name, ".nmconnection", NULL);
}

char *
nmvirt_keyfile_write(NMConnection *connection, const char *dir, GError **error)
{
    g_autofree char *data = nmvirt_keyfile_to_data(connection, error);
    g_autofree char *file_name = NULL;
    g_autofree char *path = NULL;
    g_autoptr(GError) local_error = NULL;

    if (data == NULL)
        return NULL;
    file_name = nmvirt_keyfile_file_name(connection);
    path = g_build_filename(dir, file_name, NULL);
    /* A new file renamed over the old one: on any failure the old keyfile
     * is still there, whole. NetworkManager ignores keyfiles that others
     * can read: 0600. */
    if (!g_file_set_contents_full(path, data, -1, G_FILE_SET_CONTENTS_CONSISTENT, 0600,
                                  &local_error)) {
        g_set_error(error, NMVIRT_ERROR, NMVIRT_ERROR_IO, _("cannot write keyfile '%1$s': %2$s"),
                    path, local_error->message);
        return NULL;
    }
    return g_steal_pointer(&path);
}

/* nm_keyfile_read() neither verifies nor fills in the uuid the way the
 * daemon's plugin does, so say precisely what is missing. */
static gboolean
nmvirt_keyfile_check_required(GKeyFile *keyfile, const char *path, GError **error)
{
    static const char *const required[] = { "uuid", "type" };

    if (!g_key_file_has_group(keyfile, "connection")) {
        g_set_error(error, NMVIRT_ERROR, NMVIRT_ERROR_INVALID_PROFILE,
                    _("keyfile '%s' has no [connection] group; it is not a NetworkManager "
                      "profile"),
                    path);
        return FALSE;
    }
    for (guint i = 0; i < G_N_ELEMENTS(required); i++) {
        g_autofree char *value = g_key_file_get_string(keyfile, "connection", required[i], NULL);
        if (value == NULL || *value == '\0') {
            g_set_error(error, NMVIRT_ERROR, NMVIRT_ERROR_INVALID_PROFILE,
                        _("keyfile '%1$s' lacks connection.%2$s, which every profile needs"), path,
                        required[i]);
            return FALSE;
        }
    }
    return TRUE;
}

NMConnection *
nmvirt_keyfile_read(const char *path, GError **error)
{
    g_autoptr(GKeyFile) keyfile = g_key_file_new();
    g_autoptr(GError) local_error = NULL;
    g_autofree char *base_dir = g_path_get_dirname(path);
    g_autoptr(NMConnection) connection = NULL;

    if (!g_key_file_load_from_file(keyfile, path, G_KEY_FILE_NONE, &local_error)) {
        g_set_error(error, NMVIRT_ERROR,
                    g_error_matches(local_error, G_FILE_ERROR, G_FILE_ERROR_NOENT)
                        ? NMVIRT_ERROR_NOT_FOUND
                        : NMVIRT_ERROR_INVALID_PROFILE,
                    _("cannot read keyfile '%1$s': %2$s"), path, local_error->message);
        return NULL;
    }
    if (!nmvirt_keyfile_check_required(keyfile, path, error))
        return NULL;
    connection =
        nm_keyfile_read(keyfile, base_dir, NM_KEYFILE_HANDLER_FLAGS_NONE, NULL, NULL, &local_error);
    if (connection == NULL || !nm_connection_normalize(connection, NULL, NULL, &local_error)) {
        g_set_error(error, NMVIRT_ERROR, NMVIRT_ERROR_INVALID_PROFILE,
                    _("keyfile '%1$s' is not a valid profile: %2$s"), path, local_error->message);
        return NULL;
    }
    return g_steal_pointer(&connection);
}
