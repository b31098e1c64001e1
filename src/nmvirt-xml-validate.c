/*
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * RelaxNG validation against data/interface.rng, compiled into the library
 * as the GResource /org/nmvirt/interface.rng.
 *
 * Threads: libvirtd may parse documents from several threads at once. The
 * schema is compiled exactly once (g_once) and then only read; every call
 * makes its own xmlRelaxNGValidCtxt, which holds all mutable validation
 * state, and routes errors through that context's structured error
 * callback. Nothing here touches libxml2's global or thread-local error
 * handlers, so a caller's own handlers (libvirt installs some) are left
 * alone and concurrent calls cannot see each other's errors.
 */
#include "config.h"

#include <gio/gio.h>
#include <glib/gi18n-lib.h>

#include "nmvirt-resources.h"
#include "nmvirt-xml-private.h"
#include "nmvirt-xml-util.h"

#define NMVIRT_XML_SCHEMA_PATH "/org/nmvirt/interface.rng"

typedef struct {
    xmlRelaxNG *schema; /* NULL when it could not be compiled */
    char *error;        /* why not; kept for every later call */
} NmvirtXmlSchema;

/* What a validation reports. libxml2 stacks RelaxNG errors from the inside
 * out: the first one is the most precise ("Extra element miimon in
 * interleave") but often has no node; the ones after it say which element
 * failed. Keep the text of the first and the node of the first that has
 * one. */
typedef struct {
    char *message;
    xmlNode *node;
    int line;
} NmvirtXmlSchemaErrors;

static void
nmvirt_xml_schema_errors_clear(NmvirtXmlSchemaErrors *errors)
{
    g_clear_pointer(&errors->message, g_free);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC(NmvirtXmlSchemaErrors, nmvirt_xml_schema_errors_clear)

static void
nmvirt_xml_validate_error_cb(void *user_data, xmlError *xml_error)
{
    NmvirtXmlSchemaErrors *errors = user_data;

    if (xml_error == NULL || xml_error->level < XML_ERR_ERROR)
        return;
    if (errors->message == NULL) {
        errors->message = g_strdup(xml_error->message);
        errors->line = xml_error->line;
    }
    if (errors->node == NULL && xml_error->node != NULL)
        errors->node = xml_error->node;
}

static gpointer
nmvirt_xml_schema_load_cb(gpointer user_data)
{
    NmvirtXmlSchema *cache = g_new0(NmvirtXmlSchema, 1);
    g_autoptr(GBytes) bytes = NULL;
    g_autoptr(GError) error_local = NULL;
    g_auto(NmvirtXmlSchemaErrors) errors = { NULL };
    g_autoptr(xmlRelaxNGParserCtxt) parser = NULL;
    gsize size = 0;
    const char *data;

    nmvirt_xml_init();

    /* Look the data up in our own GResource rather than the global
     * registry: the tests link the internal static library, where the
     * registering constructor would not be pulled in unless something
     * refers to nmvirt_get_resource(). */
    bytes = g_resource_lookup_data(nmvirt_get_resource(), NMVIRT_XML_SCHEMA_PATH,
                                   G_RESOURCE_LOOKUP_FLAGS_NONE, &error_local);
    if (bytes == NULL) {
        cache->error = g_strdup(error_local->message);
        return cache;
    }
    data = g_bytes_get_data(bytes, &size);
    parser = xmlRelaxNGNewMemParserCtxt(data, (int)size);
    if (parser == NULL) {
        cache->error = g_strdup("out of memory");
        return cache;
    }
    xmlRelaxNGSetParserStructuredErrors(parser, nmvirt_xml_validate_error_cb, &errors);
    cache->schema = xmlRelaxNGParse(parser);
    if (cache->schema == NULL)
        cache->error = g_strdup(errors.message != NULL ? errors.message : "xmlRelaxNGParse failed");
    return cache;
}

gboolean
nmvirt_xml_schema_validate(xmlDoc *doc, char **detail, GError **error)
{
    static GOnce once = G_ONCE_INIT;
    const NmvirtXmlSchema *cache = g_once(&once, nmvirt_xml_schema_load_cb, NULL);
    g_autoptr(xmlRelaxNGValidCtxt) validator = NULL;
    g_auto(NmvirtXmlSchemaErrors) errors = { NULL };
    int rc;

    if (cache->schema == NULL) {
        g_set_error(error, NMVIRT_ERROR, NMVIRT_ERROR_INTERNAL,
                    _("the built-in interface schema %1$s cannot be loaded: %2$s"),
                    NMVIRT_XML_SCHEMA_PATH, cache->error);
        return FALSE;
    }
    validator = xmlRelaxNGNewValidCtxt(cache->schema);
    if (validator == NULL) {
        g_set_error(error, NMVIRT_ERROR, NMVIRT_ERROR_INTERNAL,
                    _("cannot create a RelaxNG validation context"));
        return FALSE;
    }
    xmlRelaxNGSetValidStructuredErrors(validator, nmvirt_xml_validate_error_cb, &errors);
    rc = xmlRelaxNGValidateDoc(validator, doc);
    if (rc == 0)
        return TRUE;
    if (rc < 0) {
        g_set_error(error, NMVIRT_ERROR, NMVIRT_ERROR_INTERNAL,
                    _("RelaxNG validation failed internally (code %d)"), rc);
        return FALSE;
    }
    if (errors.message != NULL) {
        nmvirt_xml_set_libxml_error(error, errors.node, errors.line, 0, errors.message);
        if (detail != NULL)
            *detail = g_strstrip(g_steal_pointer(&errors.message));
        return FALSE;
    }
    g_set_error(error, NMVIRT_ERROR, NMVIRT_ERROR_INVALID_XML,
                _("the document does not match the interface schema; expected a document valid "
                  "against interface.rng"));
    return FALSE;
}
