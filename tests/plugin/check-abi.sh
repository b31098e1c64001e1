#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# check-abi.sh LIBNETCF NETCF_H UNINSTALLED_PC_DIR
#
# libnetcf.so.1 against netcf's ABI (spec §2.1), as TAP: the SONAME and file
# name, the version nodes, the exported symbols with their versions (the
# list below is netcf's, written down here independently of
# plugin/netcf/netcf.sym), the functions netcf.h declares, and a program
# built with `pkg-config --cflags --libs netcf` from the build tree: it
# must reference every function at netcf's version, as libvirt's
# interface driver does.
set -euo pipefail
lib=$1
header=$2
pcdir=$3

expected_symbols="ncf_change_begin@@NETCF_1.4.0
ncf_change_commit@@NETCF_1.4.0
ncf_change_rollback@@NETCF_1.4.0
ncf_close@@NETCF_1.0.0
ncf_define@@NETCF_1.0.0
ncf_error@@NETCF_1.0.0
ncf_if_down@@NETCF_1.0.0
ncf_if_free@@NETCF_1.0.0
ncf_if_mac_string@@NETCF_1.0.0
ncf_if_name@@NETCF_1.0.0
ncf_if_status@@NETCF_1.3.0
ncf_if_undefine@@NETCF_1.0.0
ncf_if_up@@NETCF_1.0.0
ncf_if_xml_desc@@NETCF_1.0.0
ncf_if_xml_state@@NETCF_1.2.0
ncf_init@@NETCF_1.0.0
ncf_list_interfaces@@NETCF_1.0.0
ncf_lookup_by_mac_string@@NETCF_1.0.0
ncf_lookup_by_name@@NETCF_1.0.0
ncf_num_of_interfaces@@NETCF_1.0.0"
expected_nodes="NETCF_1.0.0
NETCF_1.2.0
NETCF_1.3.0
NETCF_1.4.0"

n=0
failed=0
check() { # check NAME EXPECTED ACTUAL
    n=$((n + 1))
    if [ "$2" = "$3" ]; then
        echo "ok $n - $1"
    else
        echo "not ok $n - $1"
        diff <(printf '%s\n' "$2") <(printf '%s\n' "$3") | sed 's/^/# /' || true
        failed=$((failed + 1))
    fi
}

echo "1..7"
check "SONAME" "libnetcf.so.1" \
    "$(readelf -d -W "$lib" | sed -n 's/.*(SONAME).*\[\(.*\)\]/\1/p')"
check "file name" "libnetcf.so.1.4.0" "$(basename "$(readlink -f "$lib")")"

# version definitions, without the base entry (the SONAME itself)
check "version nodes" "$expected_nodes" \
    "$(readelf -V -W "$lib" | sed -n '/Version definition/,/^$/p' |
        grep -o 'Name: [^ ]*' | sed 's/Name: //' | grep -vx 'libnetcf.so.1' | sort)"

# defined dynamic symbols, without the version nodes' own ABS entries
exported=$(readelf --dyn-syms -W "$lib" |
    awk '$7 != "UND" && $7 != "ABS" && ($5 == "GLOBAL" || $5 == "WEAK") {print $8}' | sort)
check "exported symbols and versions" "$expected_symbols" "$exported"

declared=$(grep -oE '\bncf_[a-z_]+\(' "$header" | tr -d '(' | sort -u)
check "functions in netcf.h" "$(printf '%s\n' "$expected_symbols" | sed 's/@@.*//')" "$declared"

# a program built the way libvirt's build finds netcf
export PKG_CONFIG_PATH=$pcdir
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
version=$(pkg-config --modversion netcf)
pkg-config --atleast-version=0.1.8 netcf && atleast=yes || atleast=no
check "pkg-config netcf: version 0.2.8, >= 0.1.8 (libvirt's check)" "0.2.8 yes" "$version $atleast"

{
    echo '#include <netcf.h>'
    echo '#include <stdio.h>'
    echo 'int main(void) {'
    for f in $declared; do echo "    printf(\"%p\\n\", (void *)$f);"; done
    echo '    return 0; }'
} >"$tmp/user.c"
# shellcheck disable=SC2046 # pkg-config output is meant to be split
if ${CC:-cc} -Wall -Werror -o "$tmp/user" "$tmp/user.c" $(pkg-config --cflags --libs netcf) 2>"$tmp/cc.log"; then
    referenced=$(readelf --dyn-syms -W "$tmp/user" | awk '$7 == "UND" {print $8}' | grep '^ncf_' |
        sed 's/ (.*//' | sort)
else
    referenced="(the program did not build: $(head -c 2000 "$tmp/cc.log"))"
fi
check "a program built with pkg-config references netcf's versions" \
    "$(printf '%s\n' "$expected_symbols" | sed 's/@@/@/')" "$referenced"
[ $failed -eq 0 ]
