/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * netcf.h: the public API of netcf (libnetcf.so.1), as implemented by
 * nmvirt on top of NetworkManager. Names, values and signatures are
 * netcf's, so programs built against netcf (libvirt's interface driver,
 * ncftool) build and run unchanged. Everything the functions return
 * through a `char *` is allocated with malloc() and released by the
 * caller with free(); `const char *` results belong to the library.
 */
#ifndef NETCF_H_
#define NETCF_H_

#ifdef __cplusplus
extern "C" {
#endif

/* The library handle (one per program, usually). */
struct netcf;

/* One interface: holds a reference on the netcf it came from. */
struct netcf_if;

/* What ncf_error() returns: the outcome of the last call on a netcf.
 * Each value is also a macro of its own name, so that callers can test
 * with #ifdef which codes this header knows. */
typedef enum {
    NETCF_NOERROR = 0, /* the last call succeeded */
#define NETCF_NOERROR NETCF_NOERROR
    NETCF_EINTERNAL = 1, /* a bug, or an interface name that is too long */
#define NETCF_EINTERNAL NETCF_EINTERNAL
    NETCF_EOTHER = 2, /* any other failure; the details say what */
#define NETCF_EOTHER NETCF_EOTHER
    NETCF_ENOMEM = 3, /* out of memory */
#define NETCF_ENOMEM NETCF_ENOMEM
    NETCF_EXMLPARSER = 4, /* the XML is not well-formed */
#define NETCF_EXMLPARSER NETCF_EXMLPARSER
    NETCF_EXMLINVALID = 5, /* the XML is not a valid interface document */
#define NETCF_EXMLINVALID NETCF_EXMLINVALID
    NETCF_ENOENT = 6, /* something required is missing */
#define NETCF_ENOENT NETCF_ENOENT
    NETCF_EEXEC = 7, /* an external program failed */
#define NETCF_EEXEC NETCF_EEXEC
    NETCF_EINUSE = 8, /* ncf_close() while interface handles are alive */
#define NETCF_EINUSE NETCF_EINUSE
    NETCF_EXSLTFAILED = 9, /* an XSLT transformation failed */
#define NETCF_EXSLTFAILED NETCF_EXSLTFAILED
    NETCF_EFILE = 10, /* reading or writing a file failed */
#define NETCF_EFILE NETCF_EFILE
    NETCF_EIOCTL = 11, /* an ioctl failed */
#define NETCF_EIOCTL NETCF_EIOCTL
    NETCF_ENETLINK = 12, /* a netlink operation failed */
#define NETCF_ENETLINK NETCF_ENETLINK
    NETCF_EINVALIDOP = 13, /* not allowed now, e.g. a second transaction */
#define NETCF_EINVALIDOP NETCF_EINVALIDOP
} netcf_errcode_t;

/* Flags of ncf_num_of_interfaces(), ncf_list_interfaces() and
 * ncf_if_status(): bits. A filter of 0 matches no interface. */
typedef enum {
    NETCF_IFACE_INACTIVE = 1, /* interfaces that are down */
    NETCF_IFACE_ACTIVE = 2,   /* interfaces that are up */
} netcf_if_flag_t;

/* Makes a handle in *NETCF. ROOT must be NULL or "/" (nmvirt manages the
 * running NetworkManager, not files under a root directory). Returns 0;
 * -2 with *NETCF NULL when no handle could be made; -1 with *NETCF set
 * (read ncf_error(), then ncf_close() it) when ROOT is refused. Succeeds
 * when NetworkManager is not running: calls fail until it is. */
int ncf_init(struct netcf **netcf, const char *root);

/* Releases NETCF (NULL is fine). Fails with NETCF_EINUSE, and NETCF stays
 * usable, while interface handles made from it are not freed. */
int ncf_close(struct netcf *netcf);

/* The number of top-level interfaces (not bridge ports or bond members)
 * whose state matches FLAGS, or -1. */
int ncf_num_of_interfaces(struct netcf *netcf, unsigned int flags);

/* Stores up to MAXNAMES names of top-level interfaces matching FLAGS in
 * NAMES, sorted; returns how many, or -1. Each name is to be free()d. */
int ncf_list_interfaces(struct netcf *netcf, int maxnames, char **names, unsigned int flags);

/* The top-level interface NAME, or NULL. NULL with ncf_error() at
 * NETCF_NOERROR means there is no such interface (a port is none). */
struct netcf_if *ncf_lookup_by_name(struct netcf *netcf, const char *name);

/* Finds top-level interfaces with MAC address MAC (any case); stores up to
 * MAXIFACES handles in IFACES and returns how many there are in all
 * (possibly more than MAXIFACES), or -1. */
int ncf_lookup_by_mac_string(struct netcf *netcf, const char *mac, int maxifaces,
                             struct netcf_if **ifaces);

/* Creates or replaces the configuration of the interface XML describes,
 * taking over the interfaces it names; activates nothing. Returns its
 * handle, or NULL. */
struct netcf_if *ncf_define(struct netcf *netcf, const char *xml);

/* The interface's name (owned by the handle). */
const char *ncf_if_name(struct netcf_if *nif);

/* The interface's MAC address in lower case (owned by the handle, valid
 * until the next call of this function on NIF), or NULL: without an error
 * when the interface has none (a bridge that was never started). */
const char *ncf_if_mac_string(struct netcf_if *nif);

/* Removes the interface's configuration and that of its ports; changes no
 * runtime state. The handle still needs ncf_if_free(). */
int ncf_if_undefine(struct netcf_if *nif);

/* Brings the interface up (and its ports); fails when it does not become
 * active. Changes no configuration. */
int ncf_if_up(struct netcf_if *nif);

/* Takes the interface (and its ports) down. Changes no configuration. */
int ncf_if_down(struct netcf_if *nif);

/* The interface's configuration as interface XML, to be free()d; or NULL. */
char *ncf_if_xml_desc(struct netcf_if *nif);

/* The interface's live state as interface XML, to be free()d; or NULL. */
char *ncf_if_xml_state(struct netcf_if *nif);

/* Sets *FLAGS to NETCF_IFACE_ACTIVE or NETCF_IFACE_INACTIVE; 0 or -1. */
int ncf_if_status(struct netcf_if *nif, unsigned int *flags);

/* Host-wide transactions over the interface configuration. FLAGS must be
 * 0. A second begin, or commit/rollback without a begin, fails with
 * NETCF_EINVALIDOP. Rollback restores the configuration as it was at
 * begin; commit keeps the changes. */
int ncf_change_begin(struct netcf *netcf, unsigned int flags);
int ncf_change_commit(struct netcf *netcf, unsigned int flags);
int ncf_change_rollback(struct netcf *netcf, unsigned int flags);

/* Releases an interface handle (NULL is fine). */
void ncf_if_free(struct netcf_if *nif);

/* The error code of the last call on NETCF. *ERRMSG (if ERRMSG is not
 * NULL) gets a fixed text for the code, *DETAILS (if DETAILS is not NULL)
 * what went wrong, or NULL; both stay valid until the next call on NETCF. */
int ncf_error(struct netcf *netcf, const char **errmsg, const char **details);

#ifdef __cplusplus
}
#endif

#endif /* NETCF_H_ */
