#!/usr/bin/env bash
# The browser tests drive Debian's Chromium; Playwright's own browsers are never downloaded.
set -euo pipefail

chromium=/usr/bin/chromium
[[ -x $chromium ]] && exit 0

if [[ $(id -u) -ne 0 ]]; then
    echo "error: the browser tests need Debian's Chromium at $chromium." >&2
    echo "       Install it with: sudo apt-get install chromium" >&2
    exit 1
fi
if ! command -v apt-get >/dev/null; then
    echo "error: $chromium is missing and there is no apt-get to install Debian's chromium." >&2
    exit 1
fi

echo "Installing Debian's chromium (missing at $chromium) ..."
export DEBIAN_FRONTEND=noninteractive
apt-get update
apt-get install -y chromium
[[ -x $chromium ]] || { echo "error: apt-get installed chromium but $chromium is missing." >&2; exit 1; }
