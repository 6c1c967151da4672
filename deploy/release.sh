#!/usr/bin/env bash
# Release the code this script sits in on this host:
#   sudo /srv/workshops/releases/<name>/deploy/release.sh [--skip-migrations]
# 1. a venv in the release, with the suite installed into it (pip, editable like `make`);
# 2. `flask db upgrade` (once per release: pass --skip-migrations on every host but the first);
# 3. point /srv/workshops/current at the release (atomically) and restart the units;
# 4. wait until /readyz answers 200, or fail loudly (roll back by running the previous
#    release's release.sh with --skip-migrations).
set -euo pipefail

migrate=1
[ "${1:-}" = "--skip-migrations" ] && migrate=0
release="$(cd "$(dirname "$0")/.." && pwd)"
base=/srv/workshops
user=workshops
env_file=/etc/workshops/env

[ "$(id -u)" -eq 0 ] || { echo "run as root (it installs units and restarts services)" >&2; exit 1; }
[ -r "$env_file" ] || { echo "missing $env_file (see deploy/env.example)" >&2; exit 1; }

echo "==> Installing $release into its venv"
python3 -m venv "$release/.venv"
"$release/.venv/bin/pip" install --quiet --upgrade pip
"$release/.venv/bin/pip" install --quiet --require-virtualenv -e "$release"

as_service_user() {
  # systemd-run reads the env file exactly as the units do (values may hold spaces and <>).
  systemd-run --quiet --wait --pipe --collect --uid="$user" --gid="$user" \
    -p EnvironmentFile="$env_file" -p WorkingDirectory="$release" "$@"
}

if [ "$migrate" -eq 1 ]; then
  echo "==> Upgrading the database schema"
  as_service_user "$release/.venv/bin/flask" --app wsgi db upgrade
fi

echo "==> Installing the systemd units"
install -m 0644 "$release"/deploy/systemd/workshops-*.service \
  "$release"/deploy/systemd/workshops-*.timer /etc/systemd/system/
systemctl daemon-reload

echo "==> Switching $base/current to $release"
ln -sfn "$release" "$base/current.new"
mv -T "$base/current.new" "$base/current"

echo "==> Restarting"
if systemctl is-enabled --quiet workshops-web.service; then
  systemctl restart workshops-web.service
fi
# Every consumer instance enabled on this host (workshops-worker@1, @2, ...).
mapfile -t workers < <(systemctl list-units --all --plain --no-legend \
  'workshops-worker@*.service' | awk '{print $1}')
[ ${#workers[@]} -eq 0 ] || systemctl restart "${workers[@]}"

if systemctl is-enabled --quiet workshops-web.service; then
  bind="$(grep -E '^WEB_BIND=' "$env_file" | cut -d= -f2- || true)"
  port="${bind##*:}"
  echo "==> Waiting for http://127.0.0.1:${port:-8000}/readyz"
  for _ in $(seq 60); do
    if curl -fsS "http://127.0.0.1:${port:-8000}/readyz" >/dev/null 2>&1; then
      echo "Released $(basename "$release"): ready."
      exit 0
    fi
    sleep 1
  done
  curl -sS "http://127.0.0.1:${port:-8000}/readyz" || true
  echo "NOT READY after 60s: see journalctl -u workshops-web" >&2
  exit 1
fi
echo "Released $(basename "$release") (no web server on this host)."
