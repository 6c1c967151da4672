#!/usr/bin/env bash
# Debian packages the tests need: chromium for the browser tests, poppler-utils to look at PDFs,
# fonts so pages render the same everywhere; postgresql-client for the backup tests (pg_dump,
# pg_restore: its major version must be at least the server's). Installed only where missing.
set -euo pipefail
need=()
command -v chromium >/dev/null || need+=(chromium)
command -v pdftoppm >/dev/null || need+=(poppler-utils)
command -v pg_restore >/dev/null || need+=(postgresql-client)
[ -d /usr/share/fonts/truetype/dejavu ] || need+=(fonts-dejavu-core)
[ -d /usr/share/fonts/truetype/liberation ] || need+=(fonts-liberation)
[ ${#need[@]} -eq 0 ] && exit 0
echo "Installing Debian packages: ${need[*]}"
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${need[@]}"
