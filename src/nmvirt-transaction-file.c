/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>

#include "nmvirt-error.h"
#include "nmvirt-transaction-file.h"

#define NMVIRT_TRANSACTION_FILE_ENV     "NMVIRT_STATE_DIR"
#define NMVIRT_TRANSACTION_FILE_NAME    "transaction"
#define NMVIRT_TRANSACTION_FILE_LOCK    "transaction.lock"
#define NMVIRT_TRANSACTION_FILE_VERSION 1
/* version, id, boot id, NetworkManager's name, checkpoint, created,
 * deadline, timeout, pid, profiles (uuid, id, settings, storage, file
 * name, flags) */
#define NMVIRT_TRANSACTION_FILE_TYPE "(ussssxxuua(ssa{sa{sv}}usu))"
/* a journal of 500 profiles is about 1 MiB; anything far larger is not ours */
#define NMVIRT_TRANSACTION_FILE_MAX_BYTES (64 * 1024 * 1024)

NmvirtTransactionProfile *
nmvirt_transaction_profile_new(NMRemoteConnection *profile, GVariant *settings)
{
    NmvirtTransactionProfile *saved = g_new0(NmvirtTransactionProfile, 1);
    const char *filename = nm_remote_connection_get_filename(profile);

    saved->uuid = g_strdup(nm_connection_get_uuid(NM_CONNECTION(profile)));
    saved->id = g_strdup(nm_connection_get_id(NM_CONNECTION(profile)));
    saved->settings = g_variant_ref_sink(settings);
    saved->storage = nmvirt_journal_storage_of(profile);
    saved->filename = g_strdup(filename != NULL ? filename : "");
    saved->flags = nm_remote_connection_get_flags(profile);
    return saved;
}

void
nmvirt_transaction_profile_free(NmvirtTransactionProfile *profile)
{
    if (profile == NULL)
        return;
    g_free(profile->uuid);
    g_free(profile->id);
    g_clear_pointer(&profile->settings, g_variant_unref);
    g_free(profile->filename);
    g_free(profile);
}

NmvirtTransactionRecord *
nmvirt_transaction_record_new(void)
{
    NmvirtTransactionRecord *record = g_new0(NmvirtTransactionRecord, 1);

    record->profiles =
        g_ptr_array_new_with_free_func((GDestroyNotify)nmvirt_transaction_profile_free);
    return record;
}

void
nmvirt_transaction_record_free(NmvirtTransactionRecord *record)
{
    if (record == NULL)
        return;
    g_free(record->id);
    g_free(record->boot_id);
    g_free(record->nm_owner);
    g_free(record->checkpoint);
    g_ptr_array_unref(record->profiles);
    g_free(record);
}

char *
nmvirt_transaction_file_dir(void)
{
    const char *dir = g_getenv(NMVIRT_TRANSACTION_FILE_ENV);

    return g_strdup(dir != NULL && *dir != '\0' ? dir : NMVIRT_STATEDIR);
}

char *
nmvirt_transaction_file_path(void)
{
    g_autofree char *dir = nmvirt_transaction_file_dir();

    return g_build_filename(dir, NMVIRT_TRANSACTION_FILE_NAME, NULL);
}

/* The code for a failed system call. */
static int
nmvirt_transaction_file_errno_code(int saved_errno)
{
    return saved_errno == EACCES || saved_errno == EPERM ? NMVIRT_ERROR_PERMISSION_DENIED
                                                         : NMVIRT_ERROR_IO;
}

static gboolean
nmvirt_transaction_file_make_dir(const char *dir, GError **error)
{
    if (g_mkdir_with_parents(dir, 0700) != 0) {
        int saved_errno = errno;

        g_set_error(error, NMVIRT_ERROR, nmvirt_transaction_file_errno_code(saved_errno),
                    _("cannot create the transaction directory %1$s: %2$s"), dir,
                    g_strerror(saved_errno));
        return FALSE;
    }
    return TRUE;
}

int
nmvirt_transaction_file_lock(GError **error)
{
    g_autofree char *dir = nmvirt_transaction_file_dir();
    g_autofree char *path = g_build_filename(dir, NMVIRT_TRANSACTION_FILE_LOCK, NULL);
    int fd = -1;

    if (!nmvirt_transaction_file_make_dir(dir, error))
        return -1;
    fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
    if (fd < 0) {
        int saved_errno = errno;

        g_set_error(error, NMVIRT_ERROR, nmvirt_transaction_file_errno_code(saved_errno),
                    _("cannot open the transaction lock %1$s: %2$s"), path,
                    g_strerror(saved_errno));
        return -1;
    }
    if (flock(fd, LOCK_EX | LOCK_NB) != 0) {
        int saved_errno = errno;

        close(fd);
        if (saved_errno != EWOULDBLOCK)
            g_set_error(error, NMVIRT_ERROR, nmvirt_transaction_file_errno_code(saved_errno),
                        _("cannot take the transaction lock %1$s: %2$s"), path,
                        g_strerror(saved_errno));
        return -1;
    }
    return fd;
}

static GVariant *
nmvirt_transaction_file_serialize(NmvirtTransactionRecord *record)
{
    GVariantBuilder profiles;

    g_variant_builder_init(&profiles, G_VARIANT_TYPE("a(ssa{sa{sv}}usu)"));
    for (guint i = 0; i < record->profiles->len; i++) {
        NmvirtTransactionProfile *profile = g_ptr_array_index(record->profiles, i);

        g_variant_builder_add(&profiles, "(ss@a{sa{sv}}usu)", profile->uuid,
                              profile->id != NULL ? profile->id : "", profile->settings,
                              (guint32)profile->storage, profile->filename, profile->flags);
    }
    return g_variant_ref_sink(
        g_variant_new(NMVIRT_TRANSACTION_FILE_TYPE, (guint32)NMVIRT_TRANSACTION_FILE_VERSION,
                      record->id, record->boot_id != NULL ? record->boot_id : "",
                      record->nm_owner != NULL ? record->nm_owner : "",
                      record->checkpoint != NULL ? record->checkpoint : "", record->created_us,
                      record->deadline_us, record->timeout_s, record->pid, &profiles));
}

static NmvirtTransactionRecord *
nmvirt_transaction_file_deserialize(GVariant *variant)
{
    g_autoptr(NmvirtTransactionRecord) record = nmvirt_transaction_record_new();
    g_autoptr(GVariantIter) profiles = NULL;
    const char *uuid = NULL;
    const char *id = NULL;
    GVariant *settings = NULL;
    guint32 version = 0;
    guint32 storage = 0;
    const char *filename = NULL;
    guint32 flags = 0;

    g_variant_get(variant, NMVIRT_TRANSACTION_FILE_TYPE, &version, &record->id, &record->boot_id,
                  &record->nm_owner, &record->checkpoint, &record->created_us, &record->deadline_us,
                  &record->timeout_s, &record->pid, &profiles);
    if (version != NMVIRT_TRANSACTION_FILE_VERSION || *record->id == '\0')
        return NULL;
    if (*record->checkpoint == '\0')
        g_clear_pointer(&record->checkpoint, g_free);
    while (g_variant_iter_next(profiles, "(&s&s@a{sa{sv}}u&su)", &uuid, &id, &settings, &storage,
                               &filename, &flags)) {
        NmvirtTransactionProfile *profile = g_new0(NmvirtTransactionProfile, 1);

        profile->uuid = g_strdup(uuid);
        profile->id = g_strdup(id);
        profile->settings = settings;
        profile->storage = storage == NMVIRT_JOURNAL_STORAGE_MEMORY ? NMVIRT_JOURNAL_STORAGE_MEMORY
                                                                    : NMVIRT_JOURNAL_STORAGE_DISK;
        profile->filename = g_strdup(filename);
        profile->flags = flags;
        g_ptr_array_add(record->profiles, profile);
    }
    return g_steal_pointer(&record);
}

NmvirtTransactionRecord *
nmvirt_transaction_file_load(GError **error)
{
    g_autofree char *path = nmvirt_transaction_file_path();
    g_autoptr(GError) local_error = NULL;
    g_autoptr(GMappedFile) mapped = g_mapped_file_new(path, FALSE, &local_error);
    g_autoptr(GBytes) bytes = NULL;
    g_autoptr(GVariant) variant = NULL;
    NmvirtTransactionRecord *record = NULL;

    if (mapped == NULL) {
        if (g_error_matches(local_error, G_FILE_ERROR, G_FILE_ERROR_NOENT))
            return NULL;
        g_set_error(error, NMVIRT_ERROR,
                    g_error_matches(local_error, G_FILE_ERROR, G_FILE_ERROR_ACCES)
                        ? NMVIRT_ERROR_PERMISSION_DENIED
                        : NMVIRT_ERROR_IO,
                    _("cannot read the transaction journal: %s"), local_error->message);
        return NULL;
    }
    if (g_mapped_file_get_length(mapped) > NMVIRT_TRANSACTION_FILE_MAX_BYTES) {
        g_set_error(error, NMVIRT_ERROR, NMVIRT_ERROR_IO,
                    _("the transaction journal %s is too large to be one of nmvirt's"), path);
        return NULL;
    }
    /* a copy: the file is replaced (not rewritten) by the next save, but
     * the record must not depend on the mapping */
    bytes = g_bytes_new(g_mapped_file_get_contents(mapped), g_mapped_file_get_length(mapped));
    variant = g_variant_ref_sink(
        g_variant_new_from_bytes(G_VARIANT_TYPE(NMVIRT_TRANSACTION_FILE_TYPE), bytes, FALSE));
    /* untrusted data: every accessor is safe on it, but only the normal
     * form is what we wrote */
    if (g_variant_is_normal_form(variant))
        record = nmvirt_transaction_file_deserialize(variant);
    if (record == NULL)
        g_set_error(error, NMVIRT_ERROR, NMVIRT_ERROR_IO,
                    _("the transaction journal %s is damaged or of another version; remove it "
                      "to close the transaction without a rollback"),
                    path);
    return record;
}

gboolean
nmvirt_transaction_file_save(NmvirtTransactionRecord *record, GError **error)
{
    g_autofree char *dir = nmvirt_transaction_file_dir();
    g_autofree char *path = nmvirt_transaction_file_path();
    g_autoptr(GVariant) variant = nmvirt_transaction_file_serialize(record);
    g_autoptr(GError) local_error = NULL;

    if (!nmvirt_transaction_file_make_dir(dir, error))
        return FALSE;
    if (!g_file_set_contents_full(path, g_variant_get_data(variant), g_variant_get_size(variant),
                                  G_FILE_SET_CONTENTS_CONSISTENT, 0600, &local_error)) {
        g_set_error(error, NMVIRT_ERROR, NMVIRT_ERROR_IO,
                    _("cannot write the transaction journal: %s"), local_error->message);
        return FALSE;
    }
    return TRUE;
}

gboolean
nmvirt_transaction_file_remove(GError **error)
{
    g_autofree char *path = nmvirt_transaction_file_path();

    if (g_unlink(path) != 0 && errno != ENOENT) {
        int saved_errno = errno;

        g_set_error(error, NMVIRT_ERROR, nmvirt_transaction_file_errno_code(saved_errno),
                    _("cannot remove the transaction journal %1$s: %2$s"), path,
                    g_strerror(saved_errno));
        return FALSE;
    }
    return TRUE;
}

char *
nmvirt_transaction_file_boot_id(void)
{
    g_autofree char *contents = NULL;

    if (!g_file_get_contents("/proc/sys/kernel/random/boot_id", &contents, NULL, NULL))
        return g_strdup("");
    return g_strdup(g_strstrip(contents));
}

gboolean
nmvirt_transaction_record_expired(NmvirtTransactionRecord *record)
{
    return record->deadline_us != 0 && g_get_real_time() >= record->deadline_us;
}

char *
nmvirt_transaction_record_format_created(NmvirtTransactionRecord *record)
{
    g_autoptr(GDateTime) created =
        g_date_time_new_from_unix_local(record->created_us / G_USEC_PER_SEC);

    if (created == NULL)
        return g_strdup("?");
    return g_date_time_format(created, "%Y-%m-%d %H:%M:%S");
}
