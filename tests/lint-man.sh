#!/bin/sh
# Lint the man pages; any mandoc warning fails.
set -u
cd "$(dirname "$0")/.." || exit 1
out=$(mandoc -T lint -W warning man/porttune.8 man/porttune.ini.5 2>&1)
if [ -n "$out" ]; then
	echo "$out"
	exit 1
fi
echo "man pages: clean"
