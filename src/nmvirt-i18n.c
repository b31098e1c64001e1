/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include <glib/gi18n-lib.h>

/* The library runs inside other processes (libvirtd, nmcli-like tools): it
 * binds its own text domain once and never touches the process locale. */
__attribute__((constructor)) static void
nmvirt_i18n_init(void)
{
    bindtextdomain(GETTEXT_PACKAGE, LOCALEDIR);
    bind_textdomain_codeset(GETTEXT_PACKAGE, "UTF-8");
}
