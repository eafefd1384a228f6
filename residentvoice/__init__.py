"""ResidentVoice (居民之声): the application factory."""
import functools
import os

from flask import Flask, g, has_request_context
from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import TextClause
from werkzeug.routing import IntegerConverter

from . import config as config_module
from .extensions import babel, csrf, db, limiter, login_manager, migrate
from .web import request_writes

ROOT = config_module.ROOT


def create_app(config=None):
    """Build the app. ``config`` is a config class or a dict of overrides
    applied on top of the environment's class (tests use the dict)."""
    app = Flask(__name__, template_folder=str(ROOT / "templates"),
                instance_path=str(ROOT / "instance"))
    if isinstance(config, type):
        app.config.from_object(config)
    else:
        app.config.from_object(config_module.config_from_env())
        app.config.update(config or {})
    if app.config.get("REQUIRE_SECRET_KEY") and \
            app.config["SECRET_KEY"] in (None, "", config_module.DEV_SECRET_KEY):
        raise RuntimeError("Set SECRET_KEY in the environment: production refuses the "
                           "development key (sessions could be forged).")
    if not app.config.get("SQLALCHEMY_DATABASE_URI"):
        app.config["SQLALCHEMY_DATABASE_URI"] = config_module.database_url()
    app.config["SQLALCHEMY_DATABASE_URI"] = config_module.psycopg_url(app.config["SQLALCHEMY_DATABASE_URI"])
    _engine_options(app)
    app.config.setdefault("RATELIMIT_STORAGE_URI", app.config.get("REDIS_URL") or "memory://")
    # Redis gone: keep counting in memory (per worker) until it is back, rather
    # than answering 500 to every login.
    app.config.setdefault("RATELIMIT_IN_MEMORY_FALLBACK_ENABLED", True)
    app.config.setdefault("RATELIMIT_SWALLOW_ERRORS", True)
    if app.config.get("UPLOAD_FOLDER"):
        os.makedirs(app.config["UPLOAD_FOLDER"], exist_ok=True)

    register_extensions(app)
    register_features(app)
    register_errorhandlers(app)
    register_request_hooks(app)
    register_template_helpers(app)
    register_commands(app)
    trust_proxies(app)
    return app


def trust_proxies(app):
    """Behind ``PROXY_COUNT`` reverse proxies, take the client's address and
    scheme from their X-Forwarded-* headers (rate limits count per client, not
    per proxy; redirects keep https)."""
    count = int(app.config.get("PROXY_COUNT") or 0)
    if count:
        from werkzeug.middleware.proxy_fix import ProxyFix
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=count, x_proto=count, x_host=count)


def _engine_options(app):
    url = app.config["SQLALCHEMY_DATABASE_URI"]
    options = dict(app.config.get("SQLALCHEMY_ENGINE_OPTIONS") or {})
    if url.startswith("sqlite"):
        connect_args = options.setdefault("connect_args", {})
        connect_args.setdefault("timeout", 15)
    else:
        options.setdefault("pool_pre_ping", True)
    app.config["SQLALCHEMY_ENGINE_OPTIONS"] = options


@event.listens_for(Engine, "connect")
def _sqlite_on_connect(dbapi_connection, connection_record):
    """SQLite: WAL journal, a busy timeout, foreign keys, and transactions
    begun by SQLAlchemy (``_sqlite_begin``; SAVEPOINTs work, as the tests need)."""
    import sqlite3
    if not isinstance(dbapi_connection, sqlite3.Connection):
        return
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=15000")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


@event.listens_for(Engine, "begin")
def _sqlite_begin(conn):
    """SQLite (SQLAlchemy's pysqlite recipe): a request that may change data
    (``web.request_writes``) begins ``BEGIN IMMEDIATE``, taking the database's
    one write lock before it reads anything and holding it to its commit, so
    writing requests run one after another (others wait up to the busy
    timeout) and a check-then-write sees current data.  Reading requests and
    work outside a request begin deferred.  PostgreSQL: untouched (row locks
    guard its check-then-writes)."""
    if conn.dialect.name == "sqlite":
        writes = has_request_context() and request_writes()
        conn.exec_driver_sql("BEGIN IMMEDIATE" if writes else "BEGIN")


def register_extensions(app):
    from .i18n import select_locale, select_timezone
    db.init_app(app)
    migrate.init_app(app, db, directory=str(ROOT / "migrations"), render_as_batch=True)
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message_category = "info"
    from flask_babel import lazy_gettext
    login_manager.login_message = lazy_gettext("Please log in to see this page.")
    babel.init_app(app, locale_selector=select_locale, timezone_selector=select_timezone)
    csrf.init_app(app)
    limiter.init_app(app)

    from .auth.cookies import install as install_sessions
    install_sessions(app)

    # Import every feature's models so metadata is complete for create_all/migrations.
    from . import models_registry  # noqa: F401


# ``<int:…>`` only matches ids a database column can hold (32-bit INTEGER on
# PostgreSQL): a larger number is an unknown page (404), not a driver overflow
# (500). A partial, so the converters stay IntegerConverter instances.
DATABASE_ID = functools.partial(IntegerConverter, max=2**31 - 1)


def register_features(app):
    app.url_map.converters["int"] = DATABASE_ID
    from .blueprints import register
    register(app)


def register_errorhandlers(app):
    from . import web
    from .errors import register
    register(app)
    web.register(app)


def register_request_hooks(app):
    from .security import apply_security_headers

    @app.before_request
    def remember_request_start():
        g.locale_override = None

    @app.after_request
    def finish_unit_of_work(response):
        """One commit per request, here and nowhere else; 4xx/5xx roll back.
        A request that changed nothing has nothing to commit: its transaction
        ends when the session is removed at the end of the request."""
        if response.status_code < 400:
            if not _changed_anything(db.session()):
                return response
            try:
                db.session.commit()
            except Exception:
                db.session.rollback()
                raise
        else:
            db.session.rollback()
        return response

    @app.teardown_request
    def rollback_on_error(exc):
        if exc is not None:
            db.session.rollback()

    app.after_request(apply_security_headers)


@event.listens_for(Session, "after_flush")
def _note_flush(session, _flush_context):
    session.info["changed"] = True


@event.listens_for(Session, "do_orm_execute")
def _note_statement(state):
    """INSERT, UPDATE, DELETE (or any statement that is not a SELECT) run
    through the session change the transaction."""
    if state.is_select:
        return
    statement = state.statement
    if isinstance(statement, TextClause) and statement.text.lstrip()[:6].upper() == "SELECT":
        return
    state.session.info["changed"] = True


@event.listens_for(Session, "after_transaction_end")
def _forget_changes(session, transaction):
    if transaction.parent is None:
        session.info.pop("changed", None)


def _changed_anything(session):
    """Whether this transaction wrote (a flush, a statement other than a
    SELECT) or holds changes not flushed yet."""
    return bool(session.info.get("changed") or session.new or session.dirty
                or session.deleted)


def register_template_helpers(app):
    from .templating import register
    register(app)


def register_commands(app):
    from .commands import register
    register(app)
