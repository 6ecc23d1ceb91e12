"""The gunicorn configuration of production (config/gunicorn.py): every way of starting web
uses it, and a kept-alive connection stays open longer than a client or proxy leaves it
idle, so that a request sent on it is never answered with a reset."""

import runpy
import shlex
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml

from tests.fixtures.mail import free_port
from tests.fixtures.worker import wait_until

PROJECT_DIR = Path(__file__).resolve().parents[2]
CONFIG = "config/gunicorn.py"


def web_commands() -> dict[str, list[str]]:
    compose = yaml.safe_load((PROJECT_DIR / "docker-compose.yml").read_text())
    procfile = dict(line.split(": ", 1) for line in
                    (PROJECT_DIR / "Procfile").read_text().splitlines() if line)
    [cmd] = [line for line in (PROJECT_DIR / "Dockerfile").read_text().splitlines()
             if line.startswith("CMD ")]
    return {"compose": compose["services"]["web"]["command"],
            "Procfile": shlex.split(procfile["web"]),
            "Dockerfile": yaml.safe_load(cmd.removeprefix("CMD "))}


@pytest.mark.parametrize("where", ["compose", "Procfile", "Dockerfile"])
def test_every_web_command_runs_gunicorn_with_the_production_config(where):
    command = web_commands()[where]

    assert command[:2] == ["gunicorn", "config.wsgi"]
    assert command[command.index("--config") + 1] == CONFIG


def test_the_config_runs_threads_and_outlasts_a_load_balancers_idle_timeout(monkeypatch):
    for name in ["WEB_CONCURRENCY", "WEB_THREADS", "GUNICORN_KEEPALIVE", "PORT"]:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("DATABASE_STATEMENT_TIMEOUT", "30s")  # the file sets it if missing

    config = runpy.run_path(str(PROJECT_DIR / CONFIG))

    assert config["worker_class"] == "gthread"
    assert config["threads"] >= 2
    assert config["keepalive"] > 60  # nginx upstream and AWS ALB idle timeouts
    assert config["graceful_timeout"] >= config["timeout"] > 0
    assert 0 < config["max_requests_jitter"] < config["max_requests"]
    assert config["bind"] == "0.0.0.0:8000"


def _request(sock: socket.socket) -> bytes:
    sock.sendall(b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: keep-alive\r\n\r\n")
    answer = b""
    while not answer.endswith(b"hello"):
        chunk = sock.recv(4096)
        if not chunk:
            break
        answer += chunk
    return answer


def _listening(port: int) -> bool:
    with socket.socket() as probe:
        return probe.connect_ex(("127.0.0.1", port)) == 0


def _second_request_after_idle(extra_args: list[str], idle: float) -> bytes:
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "tests.scale.hello_app:application", "--config",
         CONFIG, "--bind", f"127.0.0.1:{port}", "--workers", "1", "--log-level", "warning",
         *extra_args], cwd=PROJECT_DIR, env={"PATH": "/usr/bin:/bin", "GUNICORN_ACCESS_LOG": ""})
    try:
        wait_until(lambda: _listening(port), timeout=30, message="gunicorn did not start")
        with socket.create_connection(("127.0.0.1", port), timeout=5) as sock:
            assert _request(sock).startswith(b"HTTP/1.1 200")
            time.sleep(idle)
            try:
                return _request(sock)
            except ConnectionResetError:
                return b"reset"
    finally:
        server.terminate()
        server.wait(timeout=30)


def test_a_connection_left_idle_for_seconds_still_serves_the_next_request():
    # Given a client that keeps its connection and waits 3 s between requests (the desk
    # users of bench/locustfile.py wait 1 to 3 s)
    # When it sends its next request on the same connection
    answer = _second_request_after_idle([], idle=3)

    # Then gunicorn answers it
    assert answer.startswith(b"HTTP/1.1 200")


def test_gunicorns_default_keepalive_would_have_closed_that_connection():
    # The same client against gunicorn's default keep-alive of 2 s: the server has closed
    # the connection, and a client racing that close gets a reset (bench/load.md).
    answer = _second_request_after_idle(["--keep-alive", "2"], idle=3)

    assert not answer.startswith(b"HTTP/1.1 200")
