#!/usr/bin/env bash
# Debian packages the tests need: chromium for the browser tests, poppler-utils to look at PDFs,
# fonts so pages render the same everywhere (CJK names too); postgresql-client for the backup tests (pg_dump,
# pg_restore: its major version must be at least the server's); openssl and nginx for the
# deployment test, which puts deploy/nginx/workshops.conf in front of gunicorn. Installed only
# where missing.
#
# nginx is unpacked from Debian's package into .cache/nginx rather than installed: the test
# needs the binary, and installing the package would also start a web server on port 80 on any
# machine that runs systemd.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
need=()
command -v chromium >/dev/null || need+=(chromium)
command -v pdftoppm >/dev/null || need+=(poppler-utils)
command -v pg_restore >/dev/null || need+=(postgresql-client)
command -v openssl >/dev/null || need+=(openssl)
[ -d /usr/share/fonts/truetype/dejavu ] || need+=(fonts-dejavu-core)
[ -d /usr/share/fonts/truetype/liberation ] || need+=(fonts-liberation)
# Chinese, Japanese and Korean names on packs and badges (DejaVu has no CJK glyphs): a small
# font that fontconfig falls back to.
[ -d /usr/share/fonts/truetype/wqy ] || need+=(fonts-wqy-microhei)
want_nginx=0
command -v nginx >/dev/null || [ -x /usr/sbin/nginx ] || [ -x "$root/.cache/nginx/usr/sbin/nginx" ] \
  || want_nginx=1
[ ${#need[@]} -eq 0 ] && [ "$want_nginx" -eq 0 ] && exit 0

sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
$sudo apt-get update -qq
if [ ${#need[@]} -gt 0 ]; then
  echo "Installing Debian packages: ${need[*]}"
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${need[@]}"
fi
if [ "$want_nginx" -eq 1 ]; then
  echo "Unpacking Debian's nginx into .cache/nginx"
  download="$(mktemp -d)"
  # apt fetches as its own unprivileged user where it can: let that user write here.
  $sudo chown _apt "$download" 2>/dev/null || chmod 777 "$download"
  (cd "$download" && apt-get download -qq nginx)
  mkdir -p "$root/.cache/nginx"
  dpkg-deb -x "$download"/nginx_*.deb "$root/.cache/nginx"
  rm -rf "$download"
  "$root/.cache/nginx/usr/sbin/nginx" -v
fi
