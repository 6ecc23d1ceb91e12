"""The commands docker-compose.yml and the Dockerfile run, run here for real.

No Docker engine runs on CI: the compose file is checked by reading, and each
command it gives a container is started as a process with production settings.
"""

import json
import os
import re
import secrets
import shlex
import subprocess
import sys
import tomllib
import urllib.request
from pathlib import Path

import pytest
import yaml

from tests.fixtures.mail import free_port
from tests.fixtures.worker import database_url_of_test_db, wait_until

PROJECT_DIR = Path(__file__).resolve().parent.parent
VENV_BIN = Path(sys.executable).parent
COMPOSE = yaml.safe_load((PROJECT_DIR / "docker-compose.yml").read_text())
APP_SERVICES = ["migrate", "web", "worker", "beat"]


def production_env(tmp_path, **extra) -> dict[str, str]:
    # The browser fixture relaxes async safety for the test process; production never does.
    inherited = {name: value for name, value in os.environ.items()
                 if name != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    return {
        **inherited,
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "SITE_URL": "https://book.example.com",
        "VAR_DIR": str(tmp_path),
        "DJANGO_SECURE_SSL_REDIRECT": "false",
        **extra,
    }


def compose_command(service: str) -> list[str]:
    command = COMPOSE["services"][service]["command"]
    if command[:2] == ["sh", "-c"]:
        command = shlex.split(command[2].replace("${WEB_CONCURRENCY:-3}", "1"))
    return [str(VENV_BIN / command[0]) if command[0] != "python" else sys.executable,
            *command[1:]]


def test_compose_runs_every_process_from_one_image_with_healthchecks():
    services = COMPOSE["services"]

    assert set(services) == {"postgres", "redis", *APP_SERVICES}
    assert {services[name]["image"] for name in APP_SERVICES} == {"salonbook:latest"}
    for name in ["postgres", "redis", "web", "worker"]:
        assert "healthcheck" in services[name], name
    for name in ["web", "worker", "beat"]:
        assert services[name]["depends_on"]["migrate"]["condition"] == \
            "service_completed_successfully"
    assert services["beat"]["deploy"]["replicas"] == 1


def test_compose_settings_come_from_the_environment():
    env = COMPOSE["services"]["web"]["environment"]

    assert env["DJANGO_SECRET_KEY"].startswith("${DJANGO_SECRET_KEY:?")
    assert env["SITE_URL"].startswith("${SITE_URL:?")
    assert env["DATABASE_URL"].startswith("postgres://")
    assert env["CELERY_BROKER_URL"].startswith("redis://")


def test_the_deploy_checks_pass_under_production_settings(tmp_path):
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=PROJECT_DIR, env=production_env(tmp_path, DJANGO_SECURE_SSL_REDIRECT="true"),
        capture_output=True, text=True, timeout=120)

    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize(("missing", "message"), [
    ("DJANGO_SECRET_KEY", "DJANGO_SECRET_KEY must be set"),
    ("SITE_URL", "SITE_URL must be set when DJANGO_DEBUG is off"),
])
def test_production_refuses_to_start_without_a_required_setting(tmp_path, missing, message):
    env = production_env(tmp_path)
    env.pop(missing)

    result = subprocess.run([sys.executable, "manage.py", "check"], cwd=PROJECT_DIR, env=env,
                            capture_output=True, text=True, timeout=120)

    assert result.returncode != 0
    assert message in result.stderr


def test_the_api_answers_a_browser_in_json_under_production_settings(tmp_path):
    # The browsable API's HTML pages (forms, a login link) are a development aid only.
    script = ("from django.test import Client; "
              "r = Client().get('/api/v1/business/', HTTP_ACCEPT='text/html,*/*;q=0.8'); "
              "print(r['Content-Type']); print(r.content.decode())")
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "--no-imports", "-c", script], cwd=PROJECT_DIR,
        env=production_env(tmp_path, DJANGO_ALLOWED_HOSTS="testserver"),
        capture_output=True, text=True, timeout=120)

    assert result.returncode == 0, result.stderr
    content_type, body = result.stdout.split("\n", 1)
    assert content_type == "application/json"
    assert json.loads(body)["error"]["code"] == "not_authenticated"


def test_a_site_url_without_its_scheme_is_refused(tmp_path):
    env = production_env(tmp_path, SITE_URL="book.example.com")

    result = subprocess.run([sys.executable, "manage.py", "check"], cwd=PROJECT_DIR, env=env,
                            capture_output=True, text=True, timeout=120)

    assert result.returncode != 0
    assert "SITE_URL must start with http:// or https://" in result.stderr


def image_build_steps() -> list[list[str]]:
    """The commands of the Dockerfile's RUN instructions, one list of words per command."""
    text = (PROJECT_DIR / "Dockerfile").read_text().replace("\\\n", " ")
    runs = [line.removeprefix("RUN ") for line in text.splitlines() if line.startswith("RUN ")]
    return [shlex.split(step) for run in runs for step in run.split("&&")]


def test_the_image_build_steps_compile_translations_and_collect_static(tmp_path):
    [collect_step] = [step for step in image_build_steps() if "collectstatic" in step]
    count = next(index for index, word in enumerate(collect_step) if "=" not in word)
    assignments, command = collect_step[:count], collect_step[count:]
    env = production_env(tmp_path)
    for name in ["DJANGO_SECRET_KEY", "SITE_URL"]:  # the build has only what the step gives
        env.pop(name)
    env.update(assignment.split("=", 1) for assignment in assignments)

    assert command[0] == "python"
    collect = subprocess.run([sys.executable, *command[1:]], cwd=PROJECT_DIR, env=env,
                             capture_output=True, text=True, timeout=300)

    assert collect.returncode == 0, collect.stderr
    assert (tmp_path / "static" / "staticfiles.json").exists()
    assert list((tmp_path / "static" / "css").glob("app.*.css"))
    assert ["pybabel", "compile", "-d", "locale", "-D", "django"] in image_build_steps()


def test_the_image_installs_the_runtime_dependencies_without_development_tools():
    project = tomllib.loads((PROJECT_DIR / "pyproject.toml").read_text())["project"]
    names = {extra: {re.split(r"[=<>\[ ]", requirement)[0].lower() for requirement in listed}
             for extra, listed in [("runtime", project["dependencies"]),
                                   *project["optional-dependencies"].items()]}
    [install] = [step for step in image_build_steps() if step[1:3] == ["install", "--no-cache-dir"]]

    assert install[-1] == "."  # no extra
    assert not names["runtime"] & {"honcho", "aiosmtpd"}
    assert {"honcho", "aiosmtpd"} <= names["dev"]
    assert "aiosmtpd" in names["test"]  # the tests' SMTP server


@pytest.mark.django_db(transaction=True)
def test_the_web_command_serves_the_health_check_with_production_settings(tmp_path):
    port = free_port()
    command = [arg.replace("0.0.0.0:8000", f"127.0.0.1:{port}") for arg in
               compose_command("web")]
    env = production_env(tmp_path, DATABASE_URL=database_url_of_test_db())
    server = subprocess.Popen(command, cwd=PROJECT_DIR, env=env, stdout=subprocess.PIPE,
                              stderr=subprocess.STDOUT)

    def health():
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/health/", timeout=2) as reply:
                return reply.status, reply.read()
        # Refused while gunicorn binds, or timed out while its worker still imports Django.
        except OSError:
            return None

    try:
        status, body = wait_until(health, timeout=60, interval=0.2,
                                  message="gunicorn did not answer /health/")
    finally:
        server.terminate()
        server.wait(timeout=30)
    assert status == 200
    assert body == b'{"database": "ok", "broker": "ok"}'


def test_the_beat_command_starts_the_scheduler(tmp_path):
    command = compose_command("beat")
    command[-1] = f"--schedule={tmp_path / 'schedule'}"
    log_path = tmp_path / "beat.log"
    with log_path.open("wb") as log:
        beat = subprocess.Popen(command, cwd=PROJECT_DIR, env=production_env(tmp_path),
                                stdout=log, stderr=subprocess.STDOUT)
        try:
            wait_until(lambda: b"beat: Starting..." in log_path.read_bytes(), timeout=60,
                       message="beat did not start")
        finally:
            beat.terminate()
            beat.wait(timeout=30)
