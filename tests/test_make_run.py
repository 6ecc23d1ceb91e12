"""`make run`: its processes (Procfile.dev under honcho) serve what the demo loader prints.

The web process is started the way `make run` starts it, by honcho with Procfile.dev, on the
port named by WEB_PORT (8000 unless set) instead of 8000, which a developer may be using.
"""

import os
import re
import shlex
import smtplib
import subprocess
import sys
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from django.core.mail import EmailMultiAlternatives
from honcho.environ import expand_processes, parse_procfile

from scripts.mailcatcher import readable
from tests.fixtures.mail import free_port
from tests.fixtures.worker import SESSION_QUEUE, database_url_of_test_db, wait_until

PROJECT_DIR = Path(__file__).resolve().parent.parent
VENV_BIN = Path(sys.executable).parent
PROCFILE_DEV = parse_procfile((PROJECT_DIR / "Procfile.dev").read_text()).processes


def make_run_env(tmp_path, **extra) -> dict[str, str]:
    """The laptop defaults of the Makefile, with nothing left of this process's SITE_URL."""
    inherited = {name: value for name, value in os.environ.items()
                 if name not in {"SITE_URL", "WEB_PORT", "DJANGO_ALLOW_ASYNC_UNSAFE"}}
    # The demo queues its emails: on this session's queue and in tmp_path, never where a
    # developer's own `make run` worker would take them.
    return {**inherited, "DJANGO_DEBUG": "1", "VAR_DIR": str(tmp_path),
            "CELERY_TASK_DEFAULT_QUEUE": SESSION_QUEUE, **extra}


def status_of(url: str, timeout: float = 30) -> int | None:
    try:
        # Only http://127.0.0.1 addresses get here: the test checks them first.
        with urllib.request.urlopen(url, timeout=timeout) as reply:  # noqa: S310
            return reply.status
    except urllib.error.HTTPError as error:
        return error.code
    except OSError:  # refused, or timed out, while the server starts
        return None


def test_make_run_and_make_test_install_the_dev_and_test_extras():
    # -n prints the commands without running them; -B as on a fresh clone.
    env = {name: value for name, value in os.environ.items()
           if not name.startswith("MAKE") and name != "MFLAGS"}  # not a sub-make of `make test`
    planned = subprocess.run(["make", "-n", "-B", "install"], cwd=PROJECT_DIR, env=env,
                             capture_output=True, text=True, timeout=60, check=True).stdout

    assert '-c constraints.txt ".[dev,test]"' in planned


def test_the_web_process_listens_on_8000_under_honcho_by_default():
    # honcho gives each process a PORT (5000 for the first): the web line must not follow it.
    [web] = expand_processes({"web": PROCFILE_DEV["web"]}, port=5000)
    env = {name: value for name, value in os.environ.items() if name != "WEB_PORT"}

    command = subprocess.run(["sh", "-c", f"echo {web.cmd}"], env={**env, **web.env},
                             capture_output=True, text=True, check=True).stdout.split()

    assert web.env["PORT"] == "5000"
    assert command[-2:] == ["runserver", "127.0.0.1:8000"]


def test_the_printed_addresses_default_to_port_8000(tmp_path):
    result = subprocess.run(
        [sys.executable, "-c", "from config import settings; print(settings.SITE_URL)"],
        cwd=PROJECT_DIR, env=make_run_env(tmp_path), capture_output=True, text=True,
        timeout=120, check=True)

    assert result.stdout.strip() == "http://127.0.0.1:8000"


@pytest.mark.django_db(transaction=True)
def test_make_run_serves_every_address_the_demo_loader_prints(tmp_path):
    port = free_port()
    env = make_run_env(tmp_path, WEB_PORT=str(port), DATABASE_URL=database_url_of_test_db())
    loaded = subprocess.run([sys.executable, "manage.py", "load_demo"], cwd=PROJECT_DIR,
                            env=env, capture_output=True, text=True, timeout=300)
    assert loaded.returncode == 0, loaded.stderr
    printed = sorted(set(re.findall(r"https?://\S+", loaded.stdout)))
    assert printed
    assert all(url.startswith(f"http://127.0.0.1:{port}/") for url in printed), printed

    log_path = tmp_path / "honcho.log"
    with log_path.open("wb") as log:
        honcho = subprocess.Popen([VENV_BIN / "honcho", "start", "-f", "Procfile.dev", "web"],
                                  cwd=PROJECT_DIR, env=env, stdout=log,
                                  stderr=subprocess.STDOUT)
        try:
            wait_until(lambda: status_of(printed[0], timeout=2), timeout=90, interval=0.2,
                       message=f"nothing answered on port {port}")
            statuses = {url: status_of(url) for url in printed}
        finally:
            honcho.terminate()  # honcho stops its processes, then exits
            honcho.wait(timeout=30)

    assert statuses == dict.fromkeys(printed, 200), log_path.read_text(errors="replace")


def test_the_worker_of_make_run_starts_without_warning_about_the_broker(tmp_path):
    env = make_run_env(tmp_path)
    for name in ["CELERY_BROKER_URL", "REDIS_URL"]:  # the laptop's own broker, in tmp_path
        env.pop(name, None)
    log_path = tmp_path / "worker.log"
    with log_path.open("wb") as log:
        worker = subprocess.Popen(shlex.split(PROCFILE_DEV["worker"]), cwd=PROJECT_DIR, env=env,
                                  stdout=log, stderr=subprocess.STDOUT)
        try:
            wait_until(lambda: b" ready." in log_path.read_bytes(), timeout=90,
                       message="the worker did not start")
        finally:
            worker.terminate()
            worker.wait(timeout=30)

    output = log_path.read_text(errors="replace")
    assert "filesystem://" in output
    assert "No hostname was supplied" not in output


def a_ukrainian_email() -> bytes:
    message = EmailMultiAlternatives(
        subject="Запис підтверджено: стрижка, 5 грудня", body="Дякуємо, Олено! До зустрічі.",
        from_email="Studio Kvitka <no-reply@localhost>", to=["olena@example.com"])
    message.attach_alternative("<p>Дякуємо, Олено!</p>", "text/html")
    message.attach("appointment.ics", "BEGIN:VCALENDAR\nEND:VCALENDAR\n", "text/calendar")
    return message.message().as_bytes()


def test_the_mail_catcher_prints_the_subject_and_text_body_decoded():
    raw = a_ukrainian_email()
    assert b"=?utf-8?" in raw  # what aiosmtpd's Debugging handler printed as it was

    printed = readable(raw)

    assert "Subject: Запис підтверджено: стрижка, 5 грудня" in printed
    assert "From: Studio Kvitka <no-reply@localhost>" in printed
    assert "Дякуємо, Олено! До зустрічі." in printed
    assert "<p>" not in printed
    assert "Attachments: appointment.ics" in printed
    assert "=?utf-8?" not in printed


def test_the_mail_process_of_make_run_prints_french_subjects_readably(tmp_path):
    port = free_port()
    command = shlex.split(PROCFILE_DEV["mail"].replace("127.0.0.1:1025", f"127.0.0.1:{port}"))
    log_path = tmp_path / "mail.log"
    with log_path.open("wb") as log:
        catcher = subprocess.Popen(command, cwd=PROJECT_DIR, stdout=log,
                                   stderr=subprocess.STDOUT)
        try:
            wait_until(lambda: connects(port), timeout=60, message="no mail catcher")
            with smtplib.SMTP("127.0.0.1", port, timeout=10) as smtp:
                smtp.sendmail("no-reply@localhost", ["claire@example.com"],
                              french_email())
            wait_until(lambda: b"end of email" in log_path.read_bytes(), timeout=30,
                       message="the mail catcher printed nothing")
        finally:
            catcher.terminate()
            catcher.wait(timeout=30)

    assert "Subject: C'est noté, Claire : soin éclat" in log_path.read_text()


def french_email() -> bytes:
    return EmailMultiAlternatives(
        subject="C'est noté, Claire : soin éclat", body="À très vite !",
        from_email="Atelier Lumière <no-reply@localhost>",
        to=["claire@example.com"]).message().as_bytes()


def connects(port: int) -> bool:
    try:
        with smtplib.SMTP("127.0.0.1", port, timeout=2):
            return True
    except OSError:
        return False
