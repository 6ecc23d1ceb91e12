"""`make run`: its processes (Procfile.dev under honcho) serve what the demo loader prints.

The web process is started the way `make run` starts it, by honcho with Procfile.dev, on the
port named by WEB_PORT (8000 unless set) instead of 8000, which a developer may be using.
"""

import os
import re
import subprocess
import sys
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from honcho.environ import expand_processes, parse_procfile

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


def status_of(url: str) -> int | None:
    try:
        # Only http://127.0.0.1 addresses get here: the test checks them first.
        with urllib.request.urlopen(url, timeout=5) as reply:  # noqa: S310
            return reply.status
    except urllib.error.HTTPError as error:
        return error.code
    except (urllib.error.URLError, ConnectionError):
        return None


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
            wait_until(lambda: status_of(printed[0]), timeout=90, interval=0.2,
                       message=f"nothing answered on port {port}")
            statuses = {url: status_of(url) for url in printed}
        finally:
            honcho.terminate()  # honcho stops its processes, then exits
            honcho.wait(timeout=30)

    assert statuses == dict.fromkeys(printed, 200), log_path.read_text(errors="replace")
