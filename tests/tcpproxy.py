"""A small TCP proxy on 127.0.0.1 for fault tests: pass, stall or drop traffic on demand.

``TcpProxy(target_port)`` listens on a free loopback port and forwards every connection to
``127.0.0.1:target_port`` with two threads per connection. ``stall()`` stops forwarding in
both directions (the sockets stay open: a NAT box or a dead link looks like this);
``resume()`` forwards what was held back and carries on; ``stall_on(b"APPEND")`` stalls
the moment the client sends those bytes (``from_server=True``: the server), before they are
forwarded — a pass hangs exactly there, repeatably; ``drop()`` closes every open
connection at once (RST) — new ones still connect; ``refuse()``/``accept()`` make new
connections fail or work; ``bytes_from_server`` counts the bytes the server sent (what a client
fetched). Only threads and sockets, no dependencies.
"""

from __future__ import annotations

import contextlib
import select
import socket
import struct
import threading
from types import TracebackType

HOST = "127.0.0.1"


class TcpProxy:
    """Forwards 127.0.0.1:<port> to 127.0.0.1:<target_port>, with faults on demand."""

    def __init__(self, target_port: int) -> None:
        self.target_port = target_port
        self._listener = socket.socket()
        self._listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._listener.bind((HOST, 0))
        self._listener.listen(64)
        self.port = int(self._listener.getsockname()[1])
        self._flowing = threading.Event()
        self._flowing.set()
        self._refusing = False
        self._trigger: tuple[bytes, bool] | None = None
        self._closed = False
        self._lock = threading.Lock()
        self._pairs: list[tuple[socket.socket, socket.socket]] = []
        self.connections = 0  # accepted so far
        self.bytes_from_server = 0  # bytes forwarded from the server to clients so far
        self._thread = threading.Thread(target=self._accept_loop, daemon=True, name="proxy")
        self._thread.start()

    # -- faults ---------------------------------------------------------------------------

    def stall(self) -> None:
        """Hold all traffic (both directions) until resume(); connections stay open."""
        self._flowing.clear()

    def resume(self) -> None:
        self._flowing.set()

    def stall_on(self, pattern: bytes, *, from_server: bool = False) -> None:
        """Stall everything as soon as the client (or server) sends pattern; the bytes that
        hold it are held back too."""
        self._trigger = (pattern, not from_server)

    @property
    def stalled(self) -> bool:
        return not self._flowing.is_set()

    def drop(self) -> None:
        """Reset every open connection now."""
        with self._lock:
            pairs, self._pairs = self._pairs, []
        for a, b in pairs:
            for sock in (a, b):
                _reset(sock)

    def refuse(self) -> None:
        """New connections are accepted and reset at once (the server seems down)."""
        self._refusing = True

    def accept(self) -> None:
        self._refusing = False

    @property
    def open_connections(self) -> int:
        with self._lock:
            return len(self._pairs)

    def close(self) -> None:
        self._closed = True
        self._flowing.set()
        with contextlib.suppress(OSError):
            self._listener.close()
        self.drop()

    def __enter__(self) -> TcpProxy:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    # -- plumbing -------------------------------------------------------------------------

    def _accept_loop(self) -> None:
        while not self._closed:
            try:
                client, _addr = self._listener.accept()
            except OSError:
                return
            self.connections += 1
            if self._refusing:
                _reset(client)
                continue
            try:
                upstream = socket.create_connection((HOST, self.target_port), timeout=5)
                upstream.settimeout(None)
            except OSError:
                _reset(client)
                continue
            with self._lock:
                self._pairs.append((client, upstream))
            for src, dst in ((client, upstream), (upstream, client)):
                threading.Thread(
                    target=self._pump,
                    args=(src, dst, client, upstream, src is client),
                    daemon=True,
                ).start()

    def _pump(
        self,
        src: socket.socket,
        dst: socket.socket,
        a: socket.socket,
        b: socket.socket,
        from_client: bool,
    ) -> None:
        try:
            while not self._closed:
                readable, _, _ = select.select([src], [], [], 0.1)
                if not readable:
                    continue
                self._flowing.wait()  # stalled: leave the bytes in the kernel's buffer
                data = src.recv(65536)
                if not data:
                    break
                trigger = self._trigger
                if trigger is not None and trigger[1] == from_client and trigger[0] in data:
                    self._trigger = None
                    self._flowing.clear()
                    self._flowing.wait()
                dst.sendall(data)
                if not from_client:
                    self.bytes_from_server += len(data)
        except (OSError, ValueError):
            pass
        finally:
            with self._lock:
                if (a, b) in self._pairs:
                    self._pairs.remove((a, b))
            for sock in (a, b):
                with contextlib.suppress(OSError):
                    sock.shutdown(socket.SHUT_RDWR)
                with contextlib.suppress(OSError):
                    sock.close()


def _reset(sock: socket.socket) -> None:
    """Close with RST rather than FIN (SO_LINGER 0), as a cut cable or a reboot does."""
    with contextlib.suppress(OSError):
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    with contextlib.suppress(OSError):
        sock.close()
