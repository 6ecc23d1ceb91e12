"""A streaming replica of the local PostgreSQL for the tests: a second cluster in a
temporary folder, copied with `pg_basebackup -R` from 127.0.0.1 and started with pg_ctl
on a free port, as the postgres user. It streams the whole primary, so the test database
and whatever the tests commit there arrive on it.

The primary must accept replication connections from 127.0.0.1 (`.ci/run` adds the
pg_hba.conf line: host replication all 127.0.0.1/32 trust).
"""

import os
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

import psycopg

from tests.fixtures.mail import free_port
from tests.fixtures.worker import wait_until

# Settings a hot standby must have at least as high as its primary's.
COPIED_SETTINGS = ["max_connections", "max_worker_processes", "max_wal_senders",
                   "max_prepared_transactions", "max_locks_per_transaction"]


def _as_postgres(command: list[str], **kwargs) -> subprocess.CompletedProcess:
    if os.geteuid() == 0:
        command = ["runuser", "-u", "postgres", "--", *command]
    return subprocess.run(command, capture_output=True, text=True, check=False, **kwargs)


@dataclass
class Standby:
    primary: dict  # host, port, user of the primary
    port: int
    folder: Path

    @property
    def data(self) -> Path:
        return self.folder / "data"

    def connect(self) -> psycopg.Connection:
        return psycopg.connect(host="127.0.0.1", port=self.port, user=self.primary["user"],
                               dbname="postgres", autocommit=True)

    def query(self, sql: str, params=()):
        with self.connect() as conn:
            return conn.execute(sql, params).fetchone()

    def primary_query(self, sql: str, params=()):
        with psycopg.connect(dbname="postgres", autocommit=True, **self.primary) as conn:
            return conn.execute(sql, params).fetchone()

    def streaming(self) -> bool:
        try:
            row = self.query("SELECT status FROM pg_stat_wal_receiver")
        except psycopg.OperationalError:
            return False
        return row is not None and row[0] == "streaming"

    def catch_up(self, timeout: float = 30) -> None:
        """Wait until the replica has replayed everything the primary wrote so far."""
        [target] = self.primary_query("SELECT pg_current_wal_lsn()")
        wait_until(lambda: self.query("SELECT pg_last_wal_replay_lsn() >= %s::pg_lsn",
                                      [str(target)])[0],
                   timeout=timeout, interval=0.05, message="the replica did not catch up")

    def pause_replay(self) -> None:
        self.query("SELECT pg_wal_replay_pause()")
        wait_until(lambda: self.query("SELECT pg_get_wal_replay_pause_state()")[0] == "paused",
                   timeout=10, message="replay did not pause")

    def resume_replay(self) -> None:
        self.query("SELECT pg_wal_replay_resume()")

    def received_unreplayed(self, timeout: float = 30) -> None:
        """Wait until WAL the primary wrote so far has arrived but is not replayed."""
        [target] = self.primary_query("SELECT pg_current_wal_lsn()")
        wait_until(lambda: self.query(
            "SELECT pg_last_wal_receive_lsn() >= %s::pg_lsn "
            "AND pg_last_wal_receive_lsn() > pg_last_wal_replay_lsn()", [str(target)])[0],
            timeout=timeout, interval=0.05, message="the replica did not receive the WAL")

    def start(self) -> None:
        major = int(self.primary_query("SHOW server_version_num")[0]) // 10000
        bindir = Path(f"/usr/lib/postgresql/{major}/bin")
        if not bindir.is_dir():  # not Debian's layout: from PATH
            bindir = Path(shutil.which("pg_basebackup") or "pg_basebackup").parent
        copied = {name: self.primary_query(f"SHOW {name}")[0] for name in COPIED_SETTINGS}
        os.chmod(self.folder, 0o700)
        if os.geteuid() == 0:
            shutil.chown(self.folder, "postgres", "postgres")
        backup = _as_postgres([
            str(bindir / "pg_basebackup"), "-h", self.primary["host"],
            "-p", str(self.primary["port"]), "-U", self.primary["user"], "-D", str(self.data),
            "-R", "-X", "stream", "-c", "fast", "--no-sync", "-w"], timeout=300)
        if backup.returncode != 0:
            raise RuntimeError(
                "pg_basebackup failed (does pg_hba.conf allow 'host replication all "
                f"127.0.0.1/32'? .ci/run adds it):\n{backup.stderr}")
        settings = {
            "port": self.port, "listen_addresses": "'127.0.0.1'",
            "unix_socket_directories": f"'{self.folder}'", "hot_standby": "on",
            "hot_standby_feedback": "on", "cluster_name": "'salonbook-test-replica'",
            "wal_receiver_status_interval": "'1s'", "fsync": "off",
            "shared_buffers": "'32MB'", **copied,
        }
        config = "".join(f"{name} = {value}\n" for name, value in settings.items())
        for name, text in [("postgresql.conf", config),
                           ("pg_hba.conf", "local all all trust\n"
                                           "host all all 127.0.0.1/32 trust\n"),
                           ("pg_ident.conf", "")]:
            _as_postgres(["sh", "-c", f"cat > {self.data / name}"], input=text, timeout=30)
        started = _as_postgres([str(bindir / "pg_ctl"), "-D", str(self.data), "-l",
                                str(self.folder / "replica.log"), "-w", "-t", "60", "start"],
                               timeout=120)
        if started.returncode != 0:
            log = (self.folder / "replica.log")
            raise RuntimeError(f"the replica did not start:\n{started.stderr}\n"
                               f"{log.read_text() if log.exists() else ''}")
        self._pg_ctl = bindir / "pg_ctl"
        wait_until(self.streaming, timeout=60, interval=0.1,
                   message="the replica did not start streaming")

    def stop(self) -> None:
        if getattr(self, "_pg_ctl", None):
            _as_postgres([str(self._pg_ctl), "-D", str(self.data), "-m", "immediate", "stop"],
                         timeout=60)
        shutil.rmtree(self.folder, ignore_errors=True)


def start_standby(primary: dict) -> Standby:
    standby = Standby(primary=primary, port=free_port(),
                      folder=Path(tempfile.mkdtemp(prefix="salonbook-replica-")))
    try:
        standby.start()
    except BaseException:
        standby.stop()
        raise
    return standby
