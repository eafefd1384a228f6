"""Configuration classes, read from the environment (DESIGN §6)."""
import os
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def database_url(default_file="residentvoice.sqlite3"):
    url = os.environ.get("DATABASE_URL")
    if not url:
        instance = ROOT / "instance"
        instance.mkdir(exist_ok=True)
        return f"sqlite:///{instance / default_file}"
    return psycopg_url(url)


def psycopg_url(url):
    """A PostgreSQL URL for SQLAlchemy's psycopg 3 driver: Heroku-style
    ``postgres://`` and plain ``postgresql://`` name the old driver."""
    if url.startswith("postgres://"):
        url = "postgresql://" + url[len("postgres://"):]
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://"):]
    return url


DEV_SECRET_KEY = "dev-only-not-secret"


class BaseConfig:
    SECRET_KEY = os.environ.get("SECRET_KEY", DEV_SECRET_KEY)
    SQLALCHEMY_DATABASE_URI = None  # filled in by the subclasses
    SQLALCHEMY_RECORD_QUERIES = False
    REDIS_URL = os.environ.get("REDIS_URL")
    BABEL_DEFAULT_LOCALE = "zh_Hans"
    BABEL_DEFAULT_TIMEZONE = "Asia/Shanghai"
    BABEL_TRANSLATION_DIRECTORIES = str(ROOT / "translations")
    LANGUAGES = ("zh_Hans", "en")
    # Room for four photos; each file is then checked against its own limit, so an
    # oversized photo is answered beside its field with the form kept.
    MAX_CONTENT_LENGTH = 32 * 1024 * 1024
    # Several app servers share one folder (NFS, a mounted volume): set it for all.
    UPLOAD_FOLDER = os.environ.get("UPLOAD_FOLDER") or str(ROOT / "instance" / "uploads")
    # Reverse proxies in front that set X-Forwarded-For/-Proto/-Host (0: none, trust nothing).
    PROXY_COUNT = int(os.environ.get("PROXY_COUNT") or 0)
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = False
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    WTF_CSRF_TIME_LIMIT = None
    LOGIN_LIMIT_IP = "20 per minute"
    LOGIN_LIMIT_PHONE = "5 per minute"
    REGISTER_LIMIT_IP = "20 per minute"
    OPEN311_POST_LIMIT = os.environ.get("OPEN311_POST_LIMIT", "600 per minute")
    API_TOKEN_HOURS = 24
    INVITATION_DAYS = 60
    MAIL_SERVER = os.environ.get("MAIL_SERVER")  # host or host:port; unset = no email
    MAIL_PORT = os.environ.get("MAIL_PORT")
    MAIL_USERNAME = os.environ.get("MAIL_USERNAME")
    MAIL_PASSWORD = os.environ.get("MAIL_PASSWORD")
    MAIL_USE_TLS = os.environ.get("MAIL_USE_TLS", "")
    MAIL_FROM = os.environ.get("MAIL_FROM", "noreply@residentvoice.local")
    PUBLIC_URL = os.environ.get("PUBLIC_URL")  # base of links in emails
    DIGEST_HOUR = int(os.environ.get("DIGEST_HOUR", "7"))
    TESTING = False

    @classmethod
    def limiter_storage(cls):
        return cls.REDIS_URL or "memory://"


class DevelopmentConfig(BaseConfig):
    SQLALCHEMY_DATABASE_URI = None  # DATABASE_URL, read when the app is created


class TestingConfig(BaseConfig):
    TESTING = True
    SECRET_KEY = "testing"
    SQLALCHEMY_DATABASE_URI = "sqlite://"
    WTF_CSRF_ENABLED = False
    LOGIN_LIMIT_IP = "10000 per minute"
    LOGIN_LIMIT_PHONE = "10000 per minute"
    REGISTER_LIMIT_IP = "10000 per minute"
    UPLOAD_FOLDER = None  # a temporary folder per test session


class ProductionConfig(BaseConfig):
    REQUIRE_SECRET_KEY = True
    SQLALCHEMY_DATABASE_URI = None  # DATABASE_URL, read when the app is created
    SESSION_COOKIE_SECURE = True
    REMEMBER_COOKIE_SECURE = True
    PREFERRED_URL_SCHEME = "https"


CONFIGS = {
    "development": DevelopmentConfig,
    "testing": TestingConfig,
    "production": ProductionConfig,
}


def config_from_env():
    return CONFIGS[os.environ.get("RESIDENTVOICE_ENV", "development")]
