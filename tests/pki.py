"""A throw-away certificate authority and a server certificate for 127.0.0.1/localhost.

Made with the ``openssl`` command (EC P-256 keys: ~10 ms each), so tests need no extra
Python package. The CA file is what a client passes as ``ca_file`` to verify the server.
"""

from __future__ import annotations

import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

SERVER_NAMES = ("127.0.0.1", "localhost")


@dataclass(frozen=True)
class ServerPki:
    """Paths of a test CA certificate and of a server certificate/key it signed."""

    ca_cert: Path
    cert: Path
    key: Path


def _openssl(*args: str | Path) -> None:
    result = subprocess.run(
        ["openssl", *map(str, args)], capture_output=True, text=True, check=False
    )
    if result.returncode != 0:
        raise RuntimeError(f"openssl {args[0]} failed: {result.stderr.strip()}")


def make_server_pki(directory: Path, *, days: int = 2) -> ServerPki:
    """Write ca.pem, server.pem and server.key into directory; return their paths."""
    if shutil.which("openssl") is None:
        raise RuntimeError("the openssl command is needed to make test certificates")
    ca_key, ca_cert = directory / "ca.key", directory / "ca.pem"
    key, csr, cert = directory / "server.key", directory / "server.csr", directory / "server.pem"
    ext = directory / "server.ext"
    ec = ("-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes")
    _openssl(
        "req", "-x509", *ec, "-keyout", ca_key, "-out", ca_cert, "-days", str(days),
        "-subj", "/CN=responder test CA",
        "-addext", "basicConstraints=critical,CA:TRUE",
        "-addext", "keyUsage=critical,keyCertSign,cRLSign",
    )  # fmt: skip
    _openssl(
        "req", "-new", *ec, "-keyout", key, "-out", csr, "-subj", f"/CN={SERVER_NAMES[0]}",
    )  # fmt: skip
    ext.write_text(
        "basicConstraints=critical,CA:FALSE\n"
        "keyUsage=critical,digitalSignature,keyEncipherment\n"
        "extendedKeyUsage=serverAuth\n"
        "subjectKeyIdentifier=hash\n"
        "authorityKeyIdentifier=keyid\n"
        f"subjectAltName=IP:{SERVER_NAMES[0]},DNS:{SERVER_NAMES[1]}\n"
    )
    _openssl(
        "x509", "-req", "-in", csr, "-CA", ca_cert, "-CAkey", ca_key, "-CAcreateserial",
        "-out", cert, "-days", str(days), "-extfile", ext,
    )  # fmt: skip
    for path in (ca_key, key):
        path.chmod(0o600)
    return ServerPki(ca_cert=ca_cert, cert=cert, key=key)
