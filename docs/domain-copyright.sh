#!/bin/sh
# Builds the second text domain of docs/ABLATIONS.md "Text domains on
# the version 8 model" at $1: the copyright files of the installed
# Debian packages (/usr/share/doc/PACKAGE/copyright), split by a hash of
# each package's *source* package (so that the binary packages of one
# source, which share a copyright file, stay on one side): $1/test and
# $1/train, one directory per package.
#   sh docs/domain-copyright.sh /tmp/cr
#   dcar train -o /tmp/cr/cr.dcm /tmp/cr/train
#   dcar create --model /tmp/cr/cr.dcm /tmp/cr/c.dcar /tmp/cr/test
set -eu
D=${1:?usage: domain-copyright.sh DIR}
rm -rf "$D/test" "$D/train"
mkdir -p "$D/test" "$D/train"
dpkg-query -W -f='${Package} ${source:Package}\n' | sort -u |
  while read -r p s; do
    f=/usr/share/doc/$p/copyright
    [ -f "$f" ] || continue
    [ -d "$D/test/$p" ] || [ -d "$D/train/$p" ] && continue
    h=$(printf %s "$s" | md5sum | cut -c1-2)
    if [ $((0x$h % 2)) = 0 ]; then dst=test; else dst=train; fi
    mkdir -p "$D/$dst/$p"
    cp -L "$f" "$D/$dst/$p/copyright"
  done
