"""The embedded default database: ArcadeDB with its Bolt plugin, in a child process.

vsgraph always talks Bolt + Cypher through the `neo4j` driver. When no external Neo4j
is configured, this module runs ArcadeDB (from PyPI, with its own JRE) in a child
process bound to 127.0.0.1, so the API process never hosts a JVM and a crash of either
side leaves the other able to recover:

- the data lives under `data_dir/arcadedb`; the root password is generated once and
  kept in `data_dir/password` (mode 0600);
- the database is created once (creating it again is a no-op);
- `start()` waits for the first Bolt answer and fails with the log's tail on time-out;
- `stop()` asks for a clean shutdown (SIGTERM), killing only if that hangs;
- after a hard kill, the next start replays ArcadeDB's write-ahead log: committed
  transactions survive;
- `watch()` is a watchdog: it restarts the child when it dies (a crash, the OOM killer,
  a `kill -9`), a bounded number of times, logging each restart, and reports when it
  gives up.

Run as `python -m graph.db.embedded DATA_DIR BOLT_PORT HTTP_PORT DATABASE` it is the child.
"""

from __future__ import annotations

import asyncio
import logging
import os
import secrets
import signal
import socket
import subprocess
import sys
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType

from graph.db.store import Connection, GraphStore
from graph.errors import StoreUnavailable

USER = "root"
BOLT_PLUGIN = "Bolt:com.arcadedb.bolt.BoltProtocolPlugin"
LOG_NAME = "embedded.log"

log = logging.getLogger(__name__)


def free_port() -> int:
    """A loopback TCP port nobody listens on right now (for tests and benchmarks)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def password_for(data_dir: Path) -> str:
    """The embedded root password: generated on first use, readable by the owner only."""
    data_dir.mkdir(parents=True, exist_ok=True)
    path = data_dir / "password"
    if not path.exists():
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(secrets.token_urlsafe(24))
    return path.read_text().strip()


@dataclass(frozen=True)
class EmbeddedConfig:
    """Where the embedded database keeps its files and which loopback ports it uses."""

    data_dir: Path
    bolt_port: int
    http_port: int
    database: str

    def connection(self) -> Connection:
        """How to reach the embedded database over Bolt."""
        return Connection(
            f"bolt://127.0.0.1:{self.bolt_port}", USER, password_for(self.data_dir), self.database
        )


class EmbeddedDatabase:
    """A running embedded database child process; use `start()` or `async with`."""

    def __init__(self, config: EmbeddedConfig) -> None:
        self.config = config
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def log_path(self) -> Path:
        """Where the child's output goes."""
        return self.config.data_dir / LOG_NAME

    def spawn(self) -> None:
        """Start the child process (returns at once; see `start` to wait for it)."""
        password_for(self.config.data_dir)
        log = open(self.log_path, "ab")  # noqa: SIM115 - handed to the child, closed below
        try:
            self.process = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "graph.db.embedded",
                    str(self.config.data_dir.resolve()),
                    str(self.config.bolt_port),
                    str(self.config.http_port),
                    self.config.database,
                ],
                # ArcadeDB writes its own log/ folder into the working directory.
                cwd=self.config.data_dir,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                # Its own process group: Ctrl-C in a terminal reaches the parent, which
                # then stops the child cleanly instead of both dying mid-write.
                start_new_session=True,
            )
        finally:
            log.close()

    async def start(self, timeout: float = 120.0) -> Connection:
        """Start the child and wait until it answers over Bolt."""
        self.spawn()
        connection = self.config.connection()
        try:
            store = await asyncio.wait_for(self._first_answer(connection, timeout), timeout)
        except (TimeoutError, StoreUnavailable) as error:
            self.stop()
            raise StoreUnavailable(
                f"the embedded database did not start within {timeout:.0f} s "
                f"({error or 'time-out'}); last lines of {self.log_path}:\n{self.log_tail()}"
            ) from None
        except BaseException:
            self.stop()
            raise
        await store.close()
        return connection

    async def _first_answer(self, connection: Connection, timeout: float) -> GraphStore:
        while True:
            if self.process is not None and self.process.poll() is not None:
                raise StoreUnavailable(f"the child process exited with {self.process.returncode}")
            try:
                return await GraphStore.open(connection, ready_timeout=1.0)
            except StoreUnavailable:
                await asyncio.sleep(0.2)

    def alive(self) -> bool:
        """Whether the child process is running."""
        return self.process is not None and self.process.poll() is None

    def stop(self, timeout: float = 30.0) -> None:
        """Shut the child down cleanly; kill it if it does not stop within `timeout`."""
        if self.process is None or self.process.poll() is not None:
            return
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()

    def kill(self) -> None:
        """Kill the child without a clean shutdown (as a crash would)."""
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait()

    def exit_description(self) -> str:
        """How the child ended, e.g. "was killed by SIGKILL" or "exited with code 1"."""
        code = None if self.process is None else self.process.poll()
        if code is None:
            return "is running" if self.process is not None else "was never started"
        if code < 0:
            try:
                return f"was killed by {signal.Signals(-code).name}"
            except ValueError:
                return f"was killed by signal {-code}"
        return f"exited with code {code}"

    async def watch(
        self,
        max_restarts: int,
        *,
        interval: float = 0.5,
        on_give_up: Callable[[str], None] | None = None,
    ) -> None:
        """Restart the child whenever it dies, at most `max_restarts` times in all; then
        log why, call `on_give_up(reason)` and return. Runs until cancelled: cancel it
        before `stop()`, or it restarts what `stop()` stopped."""
        restarts = 0
        while True:
            await asyncio.sleep(interval)
            if self.alive():
                continue
            ended = self.exit_description()
            if restarts >= max_restarts:
                reason = (
                    f"the embedded database {ended} after {restarts} restart(s); not "
                    f"restarting it again. Last lines of {self.log_path}:\n{self.log_tail()}"
                )
                log.error("%s", reason)
                if on_give_up is not None:
                    on_give_up(reason)
                return
            restarts += 1
            log.warning(
                "The embedded database %s; restarting it (restart %d of %d)",
                ended,
                restarts,
                max_restarts,
            )
            try:
                # The same ports and files: ArcadeDB replays its write-ahead log, so every
                # committed transaction is there again; clients reconnect by themselves.
                await self.start()
            except StoreUnavailable as error:
                log.error("The embedded database did not come back: %s", error)
                continue
            log.warning("The embedded database is back on bolt port %d", self.config.bolt_port)

    def log_tail(self, lines: int = 15) -> str:
        """The last lines the child wrote."""
        try:
            text = self.log_path.read_text(errors="replace")
        except FileNotFoundError:
            return "(no log)"
        return "\n".join(text.splitlines()[-lines:])

    async def __aenter__(self) -> Connection:
        return await self.start()

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()


def _stop_when_orphaned(stopping: threading.Event) -> None:
    """Stop cleanly if the parent dies without stopping us (a crash, a SIGKILL): a
    database left running would hold its ports and files for the next start."""
    parent = os.getppid()
    while not stopping.wait(1.0):
        if os.getppid() != parent:
            stopping.set()


def _serve(data_dir: Path, bolt_port: int, http_port: int, database: str) -> None:
    """Run the server in this process until SIGTERM or SIGINT."""
    import arcadedb_embedded  # the JVM starts here, in the child only

    server = arcadedb_embedded.ArcadeDBServer(
        str(data_dir / "arcadedb"),
        password_for(data_dir),
        config={
            "server_plugins": BOLT_PLUGIN,
            "bolt_port": bolt_port,
            "http_port": http_port,
            "host": "127.0.0.1",
        },
    )
    stopping = threading.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: stopping.set())
    threading.Thread(target=_stop_when_orphaned, args=(stopping,), daemon=True).start()
    server.start()
    server.create_database(database)  # opens it, creating it the first time
    print(f"vsgraph embedded database ready on bolt://127.0.0.1:{bolt_port}", flush=True)
    stopping.wait()
    server.stop()


if __name__ == "__main__":
    directory, bolt, http, name = sys.argv[1:5]
    _serve(Path(directory), int(bolt), int(http), name)
