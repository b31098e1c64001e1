#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# live-docinfo.py REL=PATH...: what test-live.sh needs to know about each
# interface XML document, read once for all of them (starting a process is
# slow in the sandbox's VM). It reads the documents independently of nmvirt,
# so the test does not take nmvirt's own word for what to expect.
#
# Output, for each document, shell-friendly lines of space-separated words:
#   doc REL PATH
#   top NAME TYPE                  the top-level interface
#   profile ID NMTYPE               a profile nmvirt must create (nmcli's TYPE)
#   iface NAME TYPE CONTROLLER     every interface of the document (- for none)
#   bridge NAME STP PORT...        STP is on or off (no attribute: off)
#   bond NAME MODE MEMBER...       MODE as ip -d link prints it
#   vlan NAME TAG PARENT
#   mtu N
#   mac IFACE MAC
#   addr ADDRESS                   a static address of the top level
#   dhcp4 | auto6                  a lease (198.18.x) / SLAAC or DHCPv6 address
#   arpmon NAME
#   end
import ipaddress
import sys
import xml.etree.ElementTree as ET

NMTYPE = {'ethernet': '802-3-ethernet', 'bridge': 'bridge', 'bond': 'bond', 'vlan': 'vlan'}


def name_of(el):
    name = el.get('name')
    if name is None and el.get('type') == 'vlan':
        vlan = el.find('vlan')
        name = '%s.%s' % (vlan.find('interface').get('name'), vlan.get('tag'))
    return name


def walk(el, controller, out):
    name = name_of(el)
    kind = el.get('type')
    if controller is None:
        out.append('top %s %s' % (name, kind))
        out.append('profile %s %s' % (name, NMTYPE[kind]))
    else:
        out.append('profile %s-port-%s %s' % (controller, name, NMTYPE[kind]))
    out.append('iface %s %s %s' % (name, kind, controller or '-'))
    mac = el.find('mac')
    if mac is not None:
        out.append('mac %s %s' % (name, mac.get('address').lower()))
    if kind == 'bridge':
        br = el.find('bridge')
        ports = [name_of(p) for p in br.findall('interface')]
        out.append(' '.join(['bridge', name, br.get('stp', 'off')] + ports))
        for port in br.findall('interface'):
            walk(port, name, out)
    elif kind == 'bond':
        bond = el.find('bond')
        members = [name_of(m) for m in bond.findall('interface')]
        out.append(' '.join(['bond', name, bond.get('mode', 'balance-rr')] + members))
        if bond.find('arpmon') is not None:
            out.append('arpmon %s' % name)
        for member in bond.findall('interface'):
            walk(member, name, out)
    elif kind == 'vlan':
        vlan = el.find('vlan')
        out.append('vlan %s %s %s' % (name, vlan.get('tag'), vlan.find('interface').get('name')))


def main():
    for arg in sys.argv[1:]:
        rel, path = arg.split('=', 1)
        out = ['doc %s %s' % (rel, path)]
        try:
            root = ET.parse(path).getroot()
            walk(root, None, out)
            mtu = root.find('mtu')
            if mtu is not None and mtu.get('size') not in (None, '0'):
                out.append('mtu %s' % mtu.get('size'))
            for proto in root.findall('protocol'):
                family = proto.get('family')
                for ip in proto.findall('ip'):
                    out.append('addr %s' % ipaddress.ip_address(ip.get('address')).compressed)
                if family == 'ipv4' and proto.find('dhcp') is not None:
                    out.append('dhcp4')
                if family == 'ipv6' and (proto.find('dhcp') is not None or
                                         proto.find('autoconf') is not None):
                    out.append('auto6')
        except Exception as e:  # reported by the test as a failure of this document
            out.append('error %s' % str(e).replace('\n', ' '))
        out.append('end')
        print('\n'.join(out))


if __name__ == '__main__':
    main()
