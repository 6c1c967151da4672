#!/usr/bin/env bash
# Serve the demo: upgrade the database, load the demo data into an empty one, then run the web
# server, the queue consumer and a local mail catcher together; Ctrl-C stops all three.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=.venv/bin
mkdir -p instance/mail/cur instance/mail/new instance/mail/tmp  # a Maildir
# The demo replays spring 2010, so its workshops can be booked; DEMO_NOW= turns this off.
export DEMO_NOW="${DEMO_NOW-2010-02-22T10:00:00+00:00}" DEMO_ANCHOR="${DEMO_ANCHOR:-$(date +%s)}"
# Links in mail the queue sends and the address printed in packs must name this server: with
# PORT set and PUBLIC_URL not, they pointed at port 5000.
export PUBLIC_URL="${PUBLIC_URL:-http://127.0.0.1:${PORT:-5000}}"
# The demo's programme team writes from, and is reached at, the demo's own domain: the built-in
# default (workshops@localhost) had appeared on the public library and on every email.
export MAIL_DEFAULT_SENDER="${MAIL_DEFAULT_SENDER:-Knowledge workshops <programme@workshops.example>}"
if [ -z "${MAIL_SERVER:-}" ]; then
  # Mail goes to a real SMTP server on this machine and lands in instance/mail as files.
  export MAIL_SERVER=127.0.0.1 MAIL_PORT="${MAIL_PORT:-8025}"
  $BIN/python -m aiosmtpd -n -l "127.0.0.1:${MAIL_PORT}" -c aiosmtpd.handlers.Mailbox instance/mail &
  pids=($!)
else
  pids=()
fi
$BIN/flask --app wsgi db upgrade
$BIN/flask --app wsgi demo --if-empty
$BIN/flask --app wsgi worker &
pids+=($!)
trap 'kill "${pids[@]}" 2>/dev/null; wait' EXIT INT TERM
echo "Serving on http://127.0.0.1:${PORT:-5000} (mail lands in instance/mail/new)"
$BIN/gunicorn --bind "127.0.0.1:${PORT:-5000}" --workers 2 --threads 4 \
  --access-logfile - wsgi:app
