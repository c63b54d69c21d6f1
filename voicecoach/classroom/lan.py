"""LAN mode: a teacher's explicit choice to let the class's phones reach VoiceCoach.

Phones' browsers only allow the microphone on HTTPS pages, so LAN mode serves HTTPS with a
certificate this app generates (self-signed, for the machine's own addresses); its SHA-256
fingerprint is shown, so the teacher can check it against the one-time browser warning. Without
the setting nothing listens beyond 127.0.0.1."""

from __future__ import annotations

import ipaddress
import socket
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from sqlalchemy.orm import Session

from voicecoach.accounts import audit
from voicecoach.classroom.models import ClassroomSetting
from voicecoach.classroom.rounds import require_teacher
from voicecoach.store.models import User, utcnow

LAN_KEY = "lan_mode"
CERT_DAYS = 825  # the longest validity browsers accept for a server certificate


@dataclass(frozen=True)
class Certificate:
    cert_path: Path
    key_path: Path
    fingerprint: str  # "AB:CD:…", SHA-256 of the DER certificate


def lan_enabled(session: Session) -> bool:
    row = session.get(ClassroomSetting, LAN_KEY)
    return row is not None and row.value == "on"


def set_lan(session: Session, teacher: User, enabled: bool) -> None:
    require_teacher(teacher)
    row = session.get(ClassroomSetting, LAN_KEY) or ClassroomSetting(key=LAN_KEY, value="off")
    row.value, row.changed_by, row.changed_at = ("on" if enabled else "off"), teacher.id, utcnow()
    session.add(row)
    audit(session, teacher, "lan.on" if enabled else "lan.off", None, None)
    session.commit()


def lan_addresses() -> list[str]:
    """This machine's non-loopback IPv4 addresses (the route to the outside first)."""
    found: list[str] = []
    try:
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
            probe.connect(("192.0.2.1", 9))  # a documentation address: no packet is sent for UDP connect
            found.append(probe.getsockname()[0])
    except OSError:
        pass
    try:
        for info in socket.getaddrinfo(socket.gethostname(), None, socket.AF_INET):
            found.append(str(info[4][0]))
    except OSError:
        pass
    return [a for a in dict.fromkeys(found) if not ipaddress.ip_address(a).is_loopback and not ipaddress.ip_address(a).is_unspecified]


def fingerprint(cert: x509.Certificate) -> str:
    return ":".join(f"{b:02X}" for b in cert.fingerprint(hashes.SHA256()))


def ensure_certificate(folder: Path, addresses: list[str]) -> Certificate:
    """The app's certificate for `addresses`; made anew when missing, expiring within 30 days, or
    not covering an address the machine has now."""
    folder.mkdir(parents=True, exist_ok=True)
    cert_path, key_path = folder / "lan-cert.pem", folder / "lan-key.pem"
    if cert_path.exists() and key_path.exists():
        cert = x509.load_pem_x509_certificate(cert_path.read_bytes())
        covered = {str(ip) for ip in cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value.get_values_for_type(x509.IPAddress)}
        if set(addresses) <= covered and cert.not_valid_after_utc > datetime.now(UTC) + timedelta(days=30):
            return Certificate(cert_path, key_path, fingerprint(cert))
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "VoiceCoach in de klas")])
    now = datetime.now(UTC)
    alt_names: list[x509.GeneralName] = [x509.DNSName("localhost"), x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]
    alt_names += [x509.IPAddress(ipaddress.ip_address(a)) for a in addresses]
    cert = (
        x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
        .serial_number(x509.random_serial_number()).not_valid_before(now - timedelta(minutes=5))
        .not_valid_after(now + timedelta(days=CERT_DAYS))
        .add_extension(x509.SubjectAlternativeName(alt_names), critical=False)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(x509.ExtendedKeyUsage([x509.oid.ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
        .sign(key, hashes.SHA256())
    )
    key_path.touch(mode=0o600)
    key_path.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()))
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    return Certificate(cert_path, key_path, fingerprint(cert))


def lan_urls(addresses: list[str], port: int) -> list[str]:
    return [f"https://{address}:{port}" for address in addresses]


def join_base_url(session: Session, port: int, here: str) -> str:
    """Where phones reach this service: the first LAN address in LAN mode, else the address in use."""
    urls = lan_urls(lan_addresses(), port) if lan_enabled(session) else []
    return urls[0] if urls else here
