#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# libnmvirt through GObject introspection (python3-gi), against the real
# NetworkManager of nmvirt-sandbox: define an ethernet interface with a
# static address, start it, read its live XML, stop it, bridge and unbridge
# it, undefine it, and check that errors arrive as GLib.Error in the nmvirt
# domain; then the interface-changed signal for a define and an undefine.
# TAP output.
#
# Run inside the sandbox with GI_TYPELIB_PATH=build/introspection and
# LD_LIBRARY_PATH=build/src, e.g.
#   src/sandbox/nmvirt-sandbox --ns --nics 2 -- \
#       env GI_TYPELIB_PATH=build/introspection LD_LIBRARY_PATH=build/src \
#       /usr/bin/python3 tests/integration/test-gi.py
import sys
import traceback

IFACE = "eth0"
ADDRESS = "198.51.100.7"
DOCUMENT = f"""<interface type='ethernet' name='{IFACE}'>
  <start mode='none'/>
  <protocol family='ipv4'>
    <ip address='{ADDRESS}' prefix='24'/>
  </protocol>
</interface>
"""
# not an interface document: the schema refuses it before anything is written
INVALID_DOCUMENT = "<interface type='ethernet'><mtu size='many'/></interface>"
ERROR_DOMAIN = "nmvirt-error-quark"

n_tests = 0
n_failed = 0


def check(description, condition, diagnostic=""):
    global n_tests, n_failed
    n_tests += 1
    if condition:
        print(f"ok {n_tests} - {description}")
    else:
        n_failed += 1
        print(f"not ok {n_tests} - {description}")
        for line in str(diagnostic).splitlines():
            print(f"# {line}")
    sys.stdout.flush()
    return condition


def step(description, function):
    """Runs function; a test that passes when it raises nothing.
    Returns (True, its result) or (False, None)."""
    try:
        result = function()
    except Exception:
        check(description, False, traceback.format_exc())
        return False, None
    check(description, True)
    return True, result


def is_active(client, name):
    # gboolean return plus an out argument: PyGObject gives (ret, active)
    # unless the return value is skipped
    result = client.is_active(name)
    return result[1] if isinstance(result, tuple) else result


def expect_error(description, function, code):
    try:
        function()
    except GLib.Error as error:
        check(description,
              error.domain == ERROR_DOMAIN and error.code == int(code),
              f"domain {error.domain!r} code {error.code}: {error.message}")
        return
    except Exception:
        check(description, False, traceback.format_exc())
        return
    check(description, False, "no error raised")


def main():
    client = None
    defined = False
    try:
        import gi
        gi.require_version("Nmvirt", "1.0")
        global GLib, Nmvirt
        from gi.repository import GLib, Nmvirt
    except Exception:
        check("import gi.repository.Nmvirt 1.0", False, traceback.format_exc())
        return
    check("import gi.repository.Nmvirt 1.0", True)

    ok, client = step("Nmvirt.Client.new(None)", lambda: Nmvirt.Client.new(None))
    if not ok:
        return
    check("the client is an Nmvirt.Client", isinstance(client, Nmvirt.Client))
    check("the NetworkManager client is running",
          client.get_nm_client().get_nm_running())

    try:
        ok, name = step("define() an ethernet document with a static address",
                        lambda: client.define(DOCUMENT, None))
        if not ok:
            return
        defined = True
        check("define() returns the interface name", name == IFACE, f"got {name!r}")
        check("has_interface() finds it", client.has_interface(IFACE))
        ok, names = step("list(ALL)", lambda: client.list(
            Nmvirt.ListFlags.ACTIVE | Nmvirt.ListFlags.INACTIVE))
        check("list(ALL) holds it", ok and IFACE in names, f"got {names!r}")
        check("defined, not active", not is_active(client, IFACE))
        ok, xml = step("get_xml(INACTIVE)",
                       lambda: client.get_xml(IFACE, Nmvirt.XmlFlags.INACTIVE))
        check("the configuration holds the address", ok and ADDRESS in xml, xml)

        ok, _ = step("start(eth0, 0, None)", lambda: client.start(IFACE, 0, None))
        check("active after start", ok and is_active(client, IFACE))
        ok, names = step("list(ACTIVE)", lambda: client.list(Nmvirt.ListFlags.ACTIVE))
        check("list(ACTIVE) holds it", ok and IFACE in names, f"got {names!r}")
        ok, xml = step("get_xml(NONE): the live state",
                       lambda: client.get_xml(IFACE, Nmvirt.XmlFlags.NONE))
        check("the live XML says state='up'", ok and "state='up'" in xml, xml)
        check(f"the live XML holds the address {ADDRESS}", ok and ADDRESS in xml, xml)
        ok, mac = step("get_mac()", lambda: client.get_mac(IFACE))
        check("eth0 has a MAC", ok and mac is not None and len(mac) == 17, f"got {mac!r}")
        if ok and mac:
            ok, names = step("lookup_by_mac()", lambda: client.lookup_by_mac(mac))
            check("lookup_by_mac() finds eth0", ok and IFACE in names, f"got {names!r}")

        ok, _ = step("stop()", lambda: client.stop(IFACE, None))
        check("not active after stop", ok and not is_active(client, IFACE))

        flags = Nmvirt.BridgeFlags.NO_STP | Nmvirt.BridgeFlags.NO_START
        ok, _ = step("bridge(eth0, br0, NO_STP | NO_START, 2.5, None)",
                     lambda: client.bridge(IFACE, "br0", flags, 2.5, None))
        check("bridged: br0 is an interface, eth0 no longer",
              ok and client.has_interface("br0") and not client.has_interface(IFACE))
        ok, xml = step("get_xml(br0, INACTIVE)",
                       lambda: client.get_xml("br0", Nmvirt.XmlFlags.INACTIVE))
        check("br0 holds eth0's address and the delay",
              ok and ADDRESS in xml and "delay='2.5'" in xml, xml)
        ok, port = step("unbridge(br0, NO_START, None)",
                        lambda: client.unbridge("br0", Nmvirt.BridgeFlags.NO_START, None))
        check("unbridge() returns the port's name", ok and port == IFACE, f"got {port!r}")
        check("unbridged: eth0 is an interface again, br0 gone",
              client.has_interface(IFACE) and not client.has_interface("br0"))

        ok, _ = step("undefine()", lambda: client.undefine(IFACE, None))
        defined = not ok
        check("undefined: has_interface() is false", ok and not client.has_interface(IFACE))

        # a transaction: what is defined inside it goes with the rollback
        ok, _ = step("change_begin(0, None)", lambda: client.change_begin(0, None))
        if ok:
            step("define() inside the transaction", lambda: client.define(DOCUMENT, None))
            ok, _ = step("change_rollback(None)", lambda: client.change_rollback(None))
            check("rolled back: the interface is gone again",
                  ok and not client.has_interface(IFACE))
        expect_error("change_commit() with no transaction open raises TRANSACTION",
                     lambda: client.change_commit(None), Nmvirt.Error.TRANSACTION)

        expect_error("an invalid document raises GLib.Error INVALID_XML in nmvirt-error-quark",
                     lambda: client.define(INVALID_DOCUMENT, None),
                     Nmvirt.Error.INVALID_XML)
        expect_error("get_xml() of an unknown interface raises NOT_FOUND",
                     lambda: client.get_xml("nosuch0", Nmvirt.XmlFlags.NONE),
                     Nmvirt.Error.NOT_FOUND)
        check("Nmvirt.Error.quark() is the domain",
              GLib.quark_to_string(Nmvirt.Error.quark()) == ERROR_DOMAIN,
              GLib.quark_to_string(Nmvirt.Error.quark()))
        check("the translator is there too: xml_validate()",
              Nmvirt.xml_validate(DOCUMENT))
    finally:
        if defined:
            try:
                client.undefine(IFACE, None)
            except Exception:
                pass


def monitor():
    """The interface-changed signal through introspection: the enum and a
    nullable string reach Python. Needs a client on the default context
    (new_async), which a GLib main loop iterates."""
    loop = GLib.MainLoop()
    made = {}

    def client_ready(source, result, *user_data):
        made["client"] = Nmvirt.Client.new_finish(result)
        loop.quit()

    Nmvirt.Client.new_async(None, client_ready)
    loop.run()
    client = made.get("client")
    if not check("Nmvirt.Client.new_async() gives a client", client is not None):
        return
    events = []
    ok, _ = step("monitor_start()", client.monitor_start)
    if not ok:
        return
    client.connect("interface-changed",
                   lambda _client, name, event, xml: events.append((name, event, xml)))

    def wait_for(event):
        deadline = GLib.get_monotonic_time() + 20 * 1000000
        context = GLib.MainContext.default()
        while GLib.get_monotonic_time() < deadline:
            found = [e for e in events if e[0] == IFACE and e[1] == event]
            if found:
                return found[0]
            context.iteration(True)
        return None

    # a timer keeps the loop from blocking for ever when no event comes
    timer = GLib.timeout_add(100, lambda: True)
    try:
        ok, _ = step("define() while monitoring", lambda: client.define(DOCUMENT, None))
        got = wait_for(Nmvirt.InterfaceEvent.DEFINED)
        check("interface-changed: (name, Nmvirt.InterfaceEvent.DEFINED, the XML)",
              got is not None and isinstance(got[1], Nmvirt.InterfaceEvent)
              and got[2] is not None and ADDRESS in got[2], f"events: {events!r}")
        ok, _ = step("undefine() while monitoring", lambda: client.undefine(IFACE, None))
        got = wait_for(Nmvirt.InterfaceEvent.UNDEFINED)
        check("UNDEFINED comes with None as the XML", got is not None and got[2] is None,
              f"events: {events!r}")
        client.monitor_stop()
    finally:
        GLib.source_remove(timer)


try:
    main()
    monitor()
except Exception:
    check("no unexpected exception", False, traceback.format_exc())
print(f"1..{n_tests}")
sys.exit(1 if n_failed else 0)
