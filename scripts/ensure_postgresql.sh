#!/bin/sh
# The PostgreSQL engine's tests start a throwaway server from Debian's postgresql
# package (scripts/pg_cluster.py); install it when missing and we may.
if ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || command -v initdb >/dev/null 2>&1; then
    exit 0
fi
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
    echo "installing Debian postgresql for the PostgreSQL engine's tests..."
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
    # The package starts a system-wide cluster; the tests use their own.
    if command -v pg_lsclusters >/dev/null 2>&1; then
        pg_lsclusters -h | while read -r version name _; do
            pg_ctlcluster "$version" "$name" stop 2>/dev/null || true
        done
    fi
else
    echo "PostgreSQL is not installed: the PostgreSQL engine's tests will be skipped."
    echo "Install it with: sudo apt-get install postgresql   (Debian/Ubuntu)"
fi
