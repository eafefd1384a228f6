"""Configuration from the environment (DESIGN §6)."""
import pytest

from residentvoice import create_app
from residentvoice.config import ProductionConfig


def test_production_refuses_the_development_secret_key(monkeypatch):
    monkeypatch.setattr(ProductionConfig, "SECRET_KEY", "dev-only-not-secret")
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        create_app(ProductionConfig)


def test_database_url_postgres_scheme_uses_psycopg3(monkeypatch, tmp_path):
    monkeypatch.setenv("DATABASE_URL", "postgres://u:p@db.example/rv")
    app = create_app({"UPLOAD_FOLDER": str(tmp_path)})
    assert app.config["SQLALCHEMY_DATABASE_URI"] == "postgresql+psycopg://u:p@db.example/rv"


def test_default_database_is_a_sqlite_file_under_instance(monkeypatch, tmp_path):
    monkeypatch.delenv("DATABASE_URL", raising=False)
    app = create_app({"UPLOAD_FOLDER": str(tmp_path)})
    uri = app.config["SQLALCHEMY_DATABASE_URI"]
    assert uri.startswith("sqlite:///") and uri.endswith("instance/residentvoice.sqlite3")
