"""The deployment files, run as written.

docs/deployment.md has an IT team copy deploy/env.example to /etc/workshops/env, fill it in,
run deploy/release.sh (which runs `flask db upgrade` and waits for /readyz) and start the
systemd units. Here the units' own ExecStart lines run the way systemd runs them: with only
the variables of the environment file and the unit's Environment= lines (a service inherits
nothing from a shell), from the unit's WorkingDirectory, the checkout standing in for
/srv/workshops/current. The environment file is the example's, with its placeholders filled
in for this machine (its database of this run, Redis with a queue name of its own, an SMTP
server of the test's). In front of the web unit runs nginx with deploy/nginx/workshops.conf as
written but for its addresses and certificate (this machine's ports, a self-signed one), so
requests come over TLS through the proxy's own headers, and TRUSTED_PROXIES=1 must make of
them what it promises.

A delegate books through the web unit; a consumer unit sends their confirmation; every log
line is JSON (LOG_FORMAT=json) and names no delegate; the web unit's ExecReload keeps it
serving; each unit stops on its own KillSignal within its TimeoutStopSec. The backup unit's
commands, systemd's escapes and all, write a dated archive and prune old ones.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import shlex
import shutil
import signal
import socket
import subprocess
import tarfile
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import redis
import requests
from huey import RedisHuey

from tests.conftest import Mailbox, make_workshop
from tests.live_server import (
    BIN,
    ROOT,
    delegate_fields,
    free_port,
    hidden_inputs,
    scratch_database,
    seed_workshop,
)

pytestmark = pytest.mark.slow

DEPLOY = ROOT / "deploy"
INSTALLED = "/srv/workshops/current"
REDIS_URL = "redis://127.0.0.1:6379/0"
PUBLIC = "https://workshops.example.org"
HOST = {"Host": "workshops.example.org"}
DELEGATE = 1


def read_environment_file(path: Path) -> dict[str, str]:
    """KEY=value lines as systemd's EnvironmentFile= reads them: comments and blank lines
    skipped, the value taken whole (spaces and <> included), surrounding quotes removed."""
    found = {}
    for raw in path.read_text().splitlines():
        line = raw.strip()
        if not line or line.startswith(("#", ";")):
            continue
        key, _, value = line.partition("=")
        value = value.strip()
        if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
            value = value[1:-1]
        found[key.strip()] = value
    return found


def unit_settings(unit: str) -> dict[str, list[str]]:
    """Each Key= of a unit file's sections, in order (a key may repeat, as Environment= does)."""
    settings: dict[str, list[str]] = {}
    for raw in (DEPLOY / "systemd" / unit).read_text().splitlines():
        line = raw.strip()
        if not line or line.startswith(("#", ";", "[")):
            continue
        key, _, value = line.partition("=")
        settings.setdefault(key.strip(), []).append(value.strip())
    return settings


def _installed(value: str) -> str:
    return value.replace(f"{INSTALLED}/.venv/bin/", f"{BIN}/").replace(INSTALLED, str(ROOT))


@contextlib.contextmanager
def running(unit: str, env: dict[str, str], log: Path) -> Iterator[subprocess.Popen]:
    """The unit's ExecStart, as systemd would start it; stopped with its KillSignal."""
    settings = unit_settings(unit)
    [command] = settings["ExecStart"]
    unit_env = dict(env)
    for assignment in settings.get("Environment", []):
        key, _, value = assignment.partition("=")
        # %C is systemd's cache root; CacheDirectory= makes the folder under it.
        unit_env[key] = value.replace("%C", str(log.parent / "cache"))
    with log.open("ab") as out:
        process = subprocess.Popen(shlex.split(_installed(command)), env=unit_env,
                                   cwd=_installed(settings["WorkingDirectory"][0]),
                                   stdout=out, stderr=subprocess.STDOUT,
                                   start_new_session=True)
    try:
        yield process
    finally:
        if process.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)


def stop(process: subprocess.Popen, unit: str) -> int:
    """Stop as systemd does: the unit's KillSignal (SIGTERM unless set), then wait at most its
    TimeoutStopSec. The exit status, or a failure if it outlived the timeout."""
    settings = unit_settings(unit)
    sent = getattr(signal, settings.get("KillSignal", ["SIGTERM"])[0])
    timeout = float(settings.get("TimeoutStopSec", ["90"])[0])
    process.send_signal(sent)
    try:
        return process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        pytest.fail(f"{unit} still running {timeout:.0f}s after {sent.name}")


def _wait_for(check, seconds: float, what: str, log: Path) -> None:  # noqa: ANN001
    deadline = time.monotonic() + seconds
    while not check():
        if time.monotonic() > deadline:
            shown = log.read_text(errors="replace")[-3000:] if log.exists() else "(none)"
            pytest.fail(f"no {what} after {seconds:.0f}s; log:\n{shown}")
        time.sleep(0.2)


def _answers(url: str) -> bool:
    try:
        return requests.get(url, timeout=2).status_code == 200
    except requests.RequestException:
        return False


def nginx_binary() -> str:
    """Debian's nginx, or the binary scripts/system-deps.sh unpacked from its package."""
    for candidate in (shutil.which("nginx"), "/usr/sbin/nginx",
                      str(ROOT / ".cache/nginx/usr/sbin/nginx")):
        if candidate and Path(candidate).is_file():
            return candidate
    pytest.fail("no nginx binary: run scripts/system-deps.sh")


def _site(upstream: str, http: int, https: int, cert: Path, key: Path) -> str:
    """deploy/nginx/workshops.conf with this machine's addresses and certificate."""
    site = (DEPLOY / "nginx/workshops.conf").read_text()
    swaps = [
        # The web hosts: this one gunicorn in place of the first, none for the second.
        (r"server 10\.0\.0\.21:8000 ", f"server {upstream} "),
        (r"\n\s*server 10\.0\.0\.22:8000 [^\n]*", ""),
        (r"listen 80;", f"listen 127.0.0.1:{http};"),
        (r"listen 443 ssl([^;]*);", rf"listen 127.0.0.1:{https} ssl\1;"),
        (r"\n\s*listen \[::\]:\d+[^\n]*", ""),  # IPv6 may not be on this machine
        (r"/etc/letsencrypt/live/workshops\.example\.org/fullchain\.pem", str(cert)),
        (r"/etc/letsencrypt/live/workshops\.example\.org/privkey\.pem", str(key)),
    ]
    for pattern, replacement in swaps:
        site, count = re.subn(pattern, replacement, site)
        assert count, f"deploy/nginx/workshops.conf no longer has {pattern!r}"
    return site


@contextlib.contextmanager
def nginx_in_front(upstream: str, folder: Path) -> Iterator[tuple[int, int, Path]]:
    """nginx proxying to `upstream`: (its HTTP port, its HTTPS port, its certificate)."""
    folder.mkdir()
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
                    "-keyout", str(key), "-out", str(cert), "-subj", "/CN=workshops.example.org",
                    "-addext", "subjectAltName=DNS:workshops.example.org,IP:127.0.0.1"],
                   check=True, capture_output=True)
    http, https = free_port(), free_port()
    (folder / "site.conf").write_text(_site(upstream, http, https, cert, key))
    temp = " ".join(f"{kind}_temp_path {folder / kind};"
                    for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"))
    (folder / "nginx.conf").write_text(
        # As root nginx would hand its workers to "nobody", who cannot enter pytest's folders.
        ("user root;\n" if os.geteuid() == 0 else "")
        + f"daemon off;\npid {folder / 'nginx.pid'};\nerror_log {folder / 'error.log'};\n"
        # The http block's own access log, as Debian's nginx.conf sets one: left out, nginx
        # opens its built-in /var/log/nginx/access.log, absent where the binary was unpacked.
        f"events {{}}\nhttp {{\n  {temp}\n  access_log {folder / 'access.log'};\n"
        f"  include {folder / 'site.conf'};\n}}\n")
    # -e: from its first moment, not only once the configuration is read (the built-in path
    # is /var/log/nginx, which an unpacked binary may not have).
    command = [nginx_binary(), "-p", str(folder), "-c", str(folder / "nginx.conf"),
               "-e", str(folder / "error.log")]
    checked = subprocess.run([*command, "-t"], capture_output=True, text=True, check=False)
    assert checked.returncode == 0, checked.stderr
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                               start_new_session=True)
    try:
        _wait_for(lambda: _listening(https), 20, "nginx", folder / "error.log")
        yield http, https, cert
    finally:
        process.send_signal(signal.SIGQUIT)  # nginx's graceful shutdown
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)


def _listening(port: int) -> bool:
    with socket.socket() as probe:
        return probe.connect_ex(("127.0.0.1", port)) == 0


@pytest.fixture()
def machine(tmp_path: Path) -> Iterator[dict[str, str]]:
    """The example environment file with this machine's values in place of its placeholders."""
    try:
        redis.Redis.from_url(REDIS_URL, socket_timeout=2).ping()
    except redis.RedisError as error:
        pytest.fail(f"Redis at {REDIS_URL} is part of the deployment and must answer: {error}")
    example = read_environment_file(DEPLOY / "env.example")
    port = free_port()
    shared = tmp_path / "shared"
    with scratch_database(os.environ.get("TEST_DATABASE", "sqlite"), tmp_path) as url:
        filled = {
            "DATABASE_URL": url, "REDIS_URL": REDIS_URL, "SECRET_KEY": uuid.uuid4().hex * 2,
            "PUBLIC_URL": PUBLIC,
            "INSTANCE_PATH": str(shared), "EVIDENCE_FOLDER": str(shared / "evidence"),
            "MAIL_SERVER": "127.0.0.1", "MAIL_USE_TLS": "0", "MAIL_USERNAME": "",
            "MAIL_PASSWORD": "", "WEB_BIND": f"127.0.0.1:{port}", "WEB_CONCURRENCY": "2",
            "WEB_THREADS": "2", "FORWARDED_ALLOW_IPS": "127.0.0.1"}
        assert set(filled) <= set(example), "fill in the example's settings, add none"
        env = {"PATH": os.environ["PATH"], "LANG": "C.UTF-8", **example, **filled,
               # The one addition: this run's queue keys, apart from every other run's.
               "HUEY_NAME": f"deploy-test-{uuid.uuid4().hex[:10]}"}
        try:
            yield env
        finally:
            RedisHuey(env["HUEY_NAME"], url=REDIS_URL).storage.flush_all()


def test_every_setting_the_example_names_is_read_and_documented() -> None:
    sources = [*ROOT.glob("workshops/**/*.py"), *ROOT.glob("packs/**/*.py"),
               *ROOT.glob("feedback/**/*.py"), *ROOT.glob("validation/**/*.py"),
               DEPLOY / "gunicorn.conf.py"]
    read = set()
    for source in sources:
        read |= set(re.findall(r"""(?:env|environ)\.get\(\s*["']([A-Z_]+)["']""",
                               source.read_text()))
    documented = set(re.findall(r"`([A-Z][A-Z_]+)`", (ROOT / "docs/deployment.md").read_text()))
    example = set(read_environment_file(DEPLOY / "env.example"))
    assert example - read == set(), "the example sets what nothing reads"
    assert example - documented == set(), "the example sets what the guide does not explain"
    # Every setting an operator may give is in the guide; these two are not settings.
    not_settings = {"BENCH_ENDPOINTS",  # the benchmarks' own endpoints, never deployed
                    "PGPASSWORD"}  # handed by the backup to pg_dump, not read from outside
    assert read - documented - not_settings == set(), "read from the environment, not documented"


def test_release_then_units_serve_book_mail_reload_and_stop(machine: dict[str, str],
                                                            mailbox: Mailbox, smtp_server,
                                                            tmp_path: Path) -> None:
    env = {**machine, "MAIL_PORT": str(smtp_server.port)}
    # deploy/release.sh, as the service user: the schema first.
    upgrade = subprocess.run([f"{BIN}/flask", "--app", "wsgi", "db", "upgrade"], env=env,
                             cwd=ROOT, capture_output=True, text=True, timeout=180, check=False)
    assert upgrade.returncode == 0, upgrade.stdout + upgrade.stderr
    workshop = seed_workshop(env["DATABASE_URL"], make_workshop, capacity=20)
    base = f"http://{env['WEB_BIND']}"
    web_log, worker_log = tmp_path / "web.log", tmp_path / "worker.log"

    with running("workshops-web.service", env, web_log) as web, \
            nginx_in_front(env["WEB_BIND"], tmp_path / "nginx") as (http, https, cert):
        # release.sh waits up to 60 seconds for readiness, asking gunicorn itself.
        _wait_for(lambda: _answers(base + "/readyz"), 60, "/readyz 200", web_log)
        front = f"https://127.0.0.1:{https}"
        plain = requests.get(f"http://127.0.0.1:{http}{workshop.book_path}", headers=HOST,
                             allow_redirects=False, timeout=10)
        assert plain.status_code == 301
        assert plain.headers["Location"] == PUBLIC + workshop.book_path

        # A delegate books over TLS through nginx. The session cookie is Secure, and the CSRF
        # check over HTTPS wants the form's own page as the referrer, which a browser sends
        # (Referrer-Policy: same-origin): here the public address has nginx's port in it.
        form = requests.get(front + workshop.book_path, headers=HOST, verify=cert, timeout=10)
        assert form.status_code == 200
        assert form.headers["Strict-Transport-Security"].startswith("max-age=")
        cookie = form.headers["Set-Cookie"]
        assert "Secure" in cookie and "HttpOnly" in cookie
        posted = requests.post(
            front + workshop.book_path, verify=cert, timeout=10, allow_redirects=False,
            data={**delegate_fields(DELEGATE), **hidden_inputs(form.text)},
            headers={**HOST, "Cookie": cookie.split(";", 1)[0],
                     "Referer": f"{PUBLIC}:{https}{workshop.book_path}"})
        assert posted.status_code == 303, posted.text[:500]
        assert re.fullmatch(r"/booking/[\w-]+/confirmed", posted.headers["Location"])

        # A consumer unit sends the confirmation.
        with running("workshops-worker@.service", env, worker_log) as worker:
            _wait_for(lambda: mailbox.to(delegate_fields(DELEGATE)["email"]), 60,
                      "confirmation email", worker_log)
            [confirmation] = mailbox.to(delegate_fields(DELEGATE)["email"])
            assert str(confirmation["Subject"]).startswith("Place confirmed")
            # Its links lead back to the address the delegate booked on, through nginx.
            assert f"{PUBLIC}:{https}/booking/" in confirmation.get_body(
                ("plain",)).get_content()
            assert stop(worker, "workshops-worker@.service") == 0

        # ExecReload: fresh workers on the current code, and no gap in service.
        [reload] = unit_settings("workshops-web.service")["ExecReload"]
        assert reload == "/bin/kill -HUP $MAINPID"
        web.send_signal(signal.SIGHUP)
        _wait_for(lambda: "Handling signal: hup" in web_log.read_text(), 20, "the reload",
                  web_log)
        _wait_for(lambda: _answers(base + "/readyz"), 30, "/readyz after the reload", web_log)
        assert stop(web, "workshops-web.service") == 0

    for log in (web_log, worker_log):
        lines = [line for line in log.read_text().splitlines() if line.strip()]
        assert lines, f"{log.name} is empty"
        for line in lines:
            try:
                json.loads(line)
            except ValueError:
                pytest.fail(f"{log.name}: a line that is not JSON: {line!r}")
        text = log.read_text()
        for secret in (delegate_fields(DELEGATE)["email"], delegate_fields(DELEGATE)["name"]):
            assert secret not in text, f"{log.name} names the delegate: {secret}"


def _systemd_command(line: str, variables: dict[str, str]) -> str:
    """An Exec line as systemd hands it on: ${VAR} from the unit's environment, then its
    escapes ($$ for the shell's $, %% for a literal %)."""
    line = re.sub(r"\$\{(\w+)\}", lambda m: variables[m.group(1)], line)
    return line.replace("$$", "$").replace("%%", "%")


def test_the_backup_unit_writes_a_dated_archive_and_prunes_old_ones(machine: dict[str, str],
                                                                    tmp_path: Path) -> None:
    settings = unit_settings("workshops-backup.service")
    backups = tmp_path / "backups"
    backups.mkdir()
    env = dict(machine)
    for assignment in settings.get("Environment", []):
        key, _, value = assignment.partition("=")
        env[key] = value
    upgrade = subprocess.run([f"{BIN}/flask", "--app", "wsgi", "db", "upgrade"], env=env,
                             cwd=ROOT, capture_output=True, text=True, timeout=180, check=False)
    assert upgrade.returncode == 0, upgrade.stderr
    stale = backups / "workshops-20000101T021500Z.tar.gz"
    stale.write_bytes(b"an old backup")
    old = time.time() - (int(env["BACKUP_KEEP_DAYS"]) + 2) * 86400
    os.utime(stale, (old, old))

    for key in ("ExecStart", "ExecStartPost"):
        [line] = settings[key]
        command = _installed(_systemd_command(line, env)).replace("/var/backups/workshops",
                                                                  str(backups))
        done = subprocess.run(shlex.split(command), env=env,
                              cwd=_installed(settings["WorkingDirectory"][0]),
                              capture_output=True, text=True, timeout=120, check=False)
        assert done.returncode == 0, f"{key}: {done.stdout}{done.stderr}"

    [archive] = backups.iterdir()
    assert re.fullmatch(r"workshops-\d{8}T\d{6}Z\.tar\.gz", archive.name), archive.name
    assert not stale.exists(), "a backup older than BACKUP_KEEP_DAYS is pruned"
    with tarfile.open(archive) as opened:
        assert "manifest.json" in opened.getnames()
