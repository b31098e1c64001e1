#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# Every source file that marks strings for translation is listed in
# po/POTFILES.in, the list is sorted, and every listed file exists.
set -eu
top=${1:-$(dirname "$0")/..}
cd "$top"
status=0
listed=$(grep -v '^#' po/POTFILES.in | sed '/^$/d')
if [ "$listed" != "$(printf '%s\n' "$listed" | LC_ALL=C sort)" ]; then
    echo "po/POTFILES.in is not sorted"; status=1
fi
for f in $listed; do
    [ -f "$f" ] || { echo "po/POTFILES.in lists missing file $f"; status=1; }
done
for f in $(grep -rlE '(^|[^A-Za-z0-9_])N?_\("' src plugin --include='*.c' | LC_ALL=C sort); do
    printf '%s\n' "$listed" | grep -qxF "$f" || { echo "$f uses _() but is not in po/POTFILES.in"; status=1; }
done
[ $status -eq 0 ] && echo "po/POTFILES.in is complete ($(printf '%s\n' "$listed" | wc -l) files)"
exit $status
