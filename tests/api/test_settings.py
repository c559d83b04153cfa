"""Settings guard rails and the CAJA_ environment prefix."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import ValidationError

from caja_server.settings import DEFAULT_SECRET_KEY, Settings


def test_production_refuses_the_default_secret_key(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CAJA_SECRET_KEY", raising=False)
    monkeypatch.setenv("CAJA_ENV", "production")
    with pytest.raises(ValidationError, match="CAJA_SECRET_KEY"):
        Settings()
    with pytest.raises(ValidationError, match="at least 16"):
        Settings(secret_key="short")
    ok = Settings(secret_key="a-long-enough-production-secret")
    assert ok.secure_cookies is True


def test_development_accepts_the_default_and_reads_caja_variables(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("CAJA_DATABASE_URL", "postgresql+psycopg://u@db/caja")
    monkeypatch.setenv("CAJA_PUBLIC_URL", "https://caja.example.org/")
    monkeypatch.setenv("CAJA_PORT", "9000")
    monkeypatch.setenv("CAJA_STRICT_PLUGINS", "1")
    monkeypatch.setenv("CAJA_LOG_LEVEL", "DEBUG")
    for name in ("CAJA_ENV", "CAJA_SECRET_KEY", "CAJA_COOKIE_SECURE"):
        monkeypatch.delenv(name, raising=False)
    settings = Settings()
    assert settings.env == "development"
    assert settings.secret_key == DEFAULT_SECRET_KEY
    assert settings.database_url == "postgresql+psycopg://u@db/caja"
    assert settings.public_url == "https://caja.example.org"
    assert settings.join_url("K7PX3M") == "https://caja.example.org/join/K7PX3M"
    assert settings.port == 9000
    assert settings.strict_plugins is True
    assert settings.log_level == "debug"
    assert settings.secure_cookies is False


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("env", "staging"),
        ("port", "0"),
        ("public_url", "caja.example"),
        ("log_level", "loud"),
        ("static_url", "cdn.example/assets"),
    ],
)
def test_bad_values_are_refused(field: str, value: str) -> None:
    with pytest.raises(ValidationError):
        Settings(**{field: value})  # type: ignore[arg-type]


def test_without_a_database_url_the_database_is_in_the_per_user_data_directory(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.delenv("CAJA_DATABASE_URL", raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))
    settings = Settings()
    assert settings.database_url == f"sqlite:///{tmp_path / 'caja' / 'caja.db'}"
    assert "database_url" not in settings.model_fields_set  # what caja-server migrates itself
