"""Server settings, read from ``CAJA_*`` environment variables (pydantic-settings).

Guard rails: production (``CAJA_ENV=production``) refuses the default secret key.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Literal
from urllib.parse import urlsplit

import platformdirs
from pydantic import Field, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

DEFAULT_SECRET_KEY = "change-me-caja-development-secret"  # noqa: S105 - a known placeholder
DEFAULT_STATIC_DIR = Path(__file__).parent / "static"

if TYPE_CHECKING:
    from caja_server.live import LiveTuning


def default_data_dir() -> Path:
    """Where ``caja-server`` keeps its SQLite database when none is configured: the per-user
    data directory (``$XDG_DATA_HOME/caja``, by default ``~/.local/share/caja``, on Linux;
    ``~/Library/Application Support/caja`` on macOS; ``%LOCALAPPDATA%\\caja`` on Windows)."""
    return Path(platformdirs.user_data_dir("caja", appauthor=False))


def default_database_url() -> str:
    """``sqlite:///<default_data_dir()>/caja.db``."""
    return f"sqlite:///{default_data_dir() / 'caja.db'}"


Environment = Literal["development", "production", "test"]
LogLevel = Literal["debug", "info", "warning", "error", "critical"]


class Settings(BaseSettings):
    """Everything the server can be configured with. Each field is ``CAJA_<FIELD>``."""

    model_config = SettingsConfigDict(
        env_prefix="CAJA_", env_file=None, extra="ignore", validate_default=True
    )

    env: Environment = "development"
    """``development`` (console logs), ``production`` (JSON logs, strict secrets) or ``test``."""
    database_url: str = Field(default_factory=default_database_url)
    """SQLAlchemy URL: ``sqlite:///path.db`` or ``postgresql+psycopg://user@host/db``. Unset:
    a SQLite file in the per-user data directory (:func:`default_data_dir`), which
    ``caja-server`` creates and migrates on its first start."""
    secret_key: str = DEFAULT_SECRET_KEY
    """Server secret. Production refuses the default."""
    public_url: str = "http://127.0.0.1:8000"
    """Where participants reach the server; join links and QR codes point here."""
    host: str = "127.0.0.1"
    port: int = Field(default=8000, ge=1, le=65535)
    strict_plugins: bool = False
    """Refuse to start when a plugin fails to load (tests use it)."""
    cookie_secure: bool | None = None
    """Mark the login cookie ``Secure``; defaults to True in production."""
    forwarded_allow_ips: str = "127.0.0.1"
    """Proxies whose ``X-Forwarded-*`` headers are trusted (comma-separated, or ``*``)."""
    log_level: LogLevel = "info"
    initial_password_file: Path | None = None
    """Production only: where the first start writes the generated password of the first
    admin (mode 600; never to the log). Default: ``initial-admin-password`` in the data
    directory. Setting ``CAJA_ADMIN_PASSWORD`` instead gives that account this password."""
    nickname_profanity_filter: bool = True
    """Refuse nicknames with English profanity (the word cloud's list, ``caja_core.text``)."""
    join_wrong_code_burst: int = Field(default=1000, ge=0, le=1_000_000)
    """Wrong join codes one client address may send before it must slow down (0: no
    limit). Right codes cost nothing: thousands of phones behind one venue address join
    freely; this is room for their typos. While it is used up, every join from that
    address gets 429, the right code too (docs/security.md: the guessing arithmetic)."""
    join_wrong_code_rate: float = Field(default=0.25, ge=0, le=1000)
    """Wrong join codes per second an address earns back (15 a minute)."""
    participant_write_burst: int = Field(default=30, ge=0, le=1_000_000)
    """Answers, entries and votes one participant may send at once (0: no limit)."""
    participant_write_rate: float = Field(default=2.0, ge=0, le=1000)
    """Answers, entries and votes per second one participant earns back after a burst."""
    session_max_participants: int = Field(default=20_000, ge=0, le=10_000_000)
    """Participants one session takes at most (0: no cap); a full session answers 409."""
    db_concurrency: int = Field(default=16, ge=1, le=200)
    """How many requests may work with the database at once. The rest wait without holding
    a worker thread, so a burst can never tie up every thread while the few requests holding
    a lock or connection wait for one (the deadlock ``docs/performance.md`` describes).
    Keep it below the database pool (``db_pool_size`` + overflow) and the threadpool (40)."""
    live_tick: float = Field(default=0.2, ge=0, le=5)
    """Seconds a session snapshot keeps being served after answers moved the version, so
    results are aggregated at most about this often during a burst (longer when aggregation
    itself is slow). 0 computes every new version at once (tests)."""
    live_shared_max_age: int = Field(default=1, ge=0, le=60)
    """``Cache-Control: public, max-age`` of the shared live document (seconds any HTTP
    cache, nginx or CloudFront, may answer it without asking)."""
    live_poll_interval_ms: int = Field(default=2000, ge=200, le=60_000)
    """How often phones poll their shared live document."""
    live_heartbeat_ms: int = Field(default=15_000, ge=1000, le=120_000)
    """How often phones fetch their personal document when nothing says it changed."""
    live_max_answer_batch: int = Field(default=256, ge=1, le=10_000)
    """Answers stored in one transaction at most (group commit)."""
    gc_freeze: bool = True
    """After start-up and the activity types' warm-up, hide everything loaded so far (code,
    plugins, the word cloud's model: about 200,000 objects) from Python's cyclic garbage
    collector (``gc.freeze()``). A full collection, which holds the whole process, then scans
    only what live sessions hold: about 130 ms less each time on the 2-core machine."""
    gc_threshold: int = Field(default=50_000, ge=0, le=10_000_000)
    """Net new objects between two young collections of Python's cyclic garbage collector
    (Python's default is 700; the older generations then follow every 20 of the younger
    ones instead of 10). A burst in a big room allocates fast: with Python's thresholds,
    10,000 phones made a full collection (60-100 ms holding the whole process) about
    every second. 0 keeps Python's thresholds."""
    auto_close_interval: float = Field(default=1.0, ge=0, le=60)
    """Seconds between two looks for activities whose deadline (``timeout_seconds`` after
    activation) has passed, which then close by themselves; 0 turns it off. A look is one
    indexed query when nothing is due."""
    db_pool_size: int = Field(default=20, ge=1, le=500)
    """Database connections kept per process (PostgreSQL also allows as many again briefly)."""
    release: str = Field(default="", max_length=100, pattern=r"^[A-Za-z0-9._+-]*$")
    """This release's name in the ``X-Caja-Release`` header (e.g. the image tag); by default
    the version and the built web app's hash (:mod:`caja_server.release`). When it changes,
    the open web apps reload themselves."""
    static_dir: Path = DEFAULT_STATIC_DIR
    """The built web UI (``index.html`` and ``assets/``); served when it exists."""
    static_url: str | None = None
    """Where the UI's assets are served from when not from this server (a CDN, with the UI
    built with that base URL); the Content-Security-Policy allows its origin."""

    media_backend: Literal["local", "s3"] = "local"
    """Where uploaded images are stored: ``local`` (``media_dir``, served by this server) or
    ``s3`` (``media_s3_bucket``; production serves it through CloudFront)."""
    media_dir: Path = Path("./media")
    """The directory of the local media store."""
    media_url: str = "/media"
    """Where stored images are served, without the trailing slash: a site path (this
    server serves ``/media/<name>`` from either store) or an https URL (the CDN's
    ``https://static.example.org/media``). Images are referred to by this URL."""
    media_max_bytes: int = Field(default=5 * 1024 * 1024, ge=1024, le=50 * 1024 * 1024)
    """The largest upload accepted (bytes), before and after re-encoding."""
    media_s3_bucket: str | None = None
    media_s3_prefix: str = "media/"
    """Key prefix of the images in the bucket (CloudFront maps ``/media/*`` to it)."""
    media_s3_region: str | None = None
    media_s3_endpoint_url: str | None = None
    """Another S3-compatible endpoint (tests, MinIO); credentials come from the usual AWS
    chain (the ECS task role in production)."""

    @field_validator("media_url")
    @classmethod
    def _media_url(cls, value: str) -> str:
        value = value.strip().rstrip("/")
        if not value.startswith(("/", "http://", "https://")):
            raise ValueError("must be a site path (/media) or an http(s) URL")
        return value

    @field_validator("public_url")
    @classmethod
    def _strip_slash(cls, value: str) -> str:
        value = value.strip().rstrip("/")
        if not value.startswith(("http://", "https://")):
            raise ValueError("must start with http:// or https://")
        return value

    @field_validator("static_url")
    @classmethod
    def _static_origin(cls, value: str | None) -> str | None:
        if value is None or not value.strip():
            return None
        parsed = urlsplit(value.strip())
        if parsed.scheme not in ("http", "https") or not parsed.netloc:
            raise ValueError("must be an http:// or https:// URL")
        return value.strip()

    @property
    def static_origin(self) -> str | None:
        """``scheme://host[:port]`` of :attr:`static_url`, for the CSP."""
        if self.static_url is None:
            return None
        parsed = urlsplit(self.static_url)
        return f"{parsed.scheme}://{parsed.netloc}"

    @field_validator("log_level", mode="before")
    @classmethod
    def _lower_level(cls, value: object) -> object:
        return value.lower() if isinstance(value, str) else value

    @model_validator(mode="after")
    def _production_guard(self) -> Settings:
        if self.media_backend == "s3" and not self.media_s3_bucket:
            raise ValueError("CAJA_MEDIA_S3_BUCKET must be set when CAJA_MEDIA_BACKEND=s3")
        if self.env == "production" and self.secret_key == DEFAULT_SECRET_KEY:
            raise ValueError(
                "CAJA_SECRET_KEY must be set to a secret value in production "
                "(CAJA_ENV=production refuses the default)"
            )
        if self.env == "production" and len(self.secret_key) < 16:
            raise ValueError("CAJA_SECRET_KEY must be at least 16 characters in production")
        return self

    @property
    def secure_cookies(self) -> bool:
        """Whether the login cookie carries ``Secure``."""
        if self.cookie_secure is not None:
            return self.cookie_secure
        return self.env == "production"

    def live_tuning(self) -> LiveTuning:
        """The live path's knobs in one object (:class:`~caja_server.live.LiveTuning`)."""
        from caja_server.live import LiveTuning

        return LiveTuning(
            tick=self.live_tick,
            shared_max_age=self.live_shared_max_age,
            poll_interval_ms=self.live_poll_interval_ms,
            heartbeat_ms=self.live_heartbeat_ms,
            max_answer_batch=self.live_max_answer_batch,
        )

    def join_url(self, join_code: str) -> str:
        """The URL a participant opens to join (what the QR code encodes)."""
        return f"{self.public_url}/join/{join_code}"
