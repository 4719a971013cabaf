#!/bin/sh
# Browser tests drive Debian's chromium; install it when missing and we may.
if command -v chromium >/dev/null 2>&1 || [ -x /usr/bin/chromium ]; then
    exit 0
fi
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
    echo "installing Debian chromium for the browser tests..."
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-dejavu-core >/dev/null
else
    echo "chromium is not installed: browser tests will be skipped."
    echo "Install it with: sudo apt-get install chromium   (Debian/Ubuntu)"
fi
