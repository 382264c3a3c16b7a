#!/bin/sh
# Builds the documentation domain of docs/ABLATIONS.md "A domain that
# pays carried" at $1: the HTML pages of Debian's python3.11-doc (the
# Python 3.11 manual, 530 pages, 50.7 MB), split by the MD5 of each
# page's path: two residues of five in $1/test (192 pages, 19.7 MB), the
# others in $1/train. SHIFT (0-4, default 0) moves the residues, for a
# second split of the same family. The pages' reST sources (_sources/)
# are left out: they are the same text as the pages.
#   sh docs/domain-pydoc.sh /tmp/py
#   dcar train -o /tmp/py/py.dcm /tmp/py/train
#   dcar create --model /tmp/py/py.dcm /tmp/py/py.dcar /tmp/py/test
set -eu
D=${1:?usage: domain-pydoc.sh DIR [SHIFT]}
S=${2:-0}
rm -rf "$D/test" "$D/train" "$D/deb"
mkdir -p "$D/test" "$D/train" "$D/deb"
(cd "$D/deb" && apt-get download python3.11-doc >/dev/null && dpkg-deb -x python3.11-doc_*.deb root)
cd "$D/deb/root/usr/share/doc/python3.11/html"
find . -name '*.html' -type f | LC_ALL=C sort |
  while read -r f; do
    h=$(printf %s "$f" | md5sum | cut -c1-2)
    if [ $(((0x$h % 5 + 5 - S) % 5)) -lt 2 ]; then dst=test; else dst=train; fi
    mkdir -p "$D/$dst/$(dirname "$f")"
    cp "$f" "$D/$dst/$f"
  done
rm -rf "$D/deb"
