"""Apps on their own database, for tests that cannot run inside the per-test
transaction: a database that goes away, backups, concurrent clients."""
import contextlib

from residentvoice import create_app
from residentvoice.extensions import db

from .. import databases
from ..factories import Factory


def private_config(url, **overrides):
    config = {
        "TESTING": False,  # answer as in production (no exception propagation)
        "SECRET_KEY": "testing",
        "SQLALCHEMY_DATABASE_URI": url,
        "WTF_CSRF_ENABLED": False,
        "LOGIN_LIMIT_IP": "10000 per minute",
        "LOGIN_LIMIT_PHONE": "10000 per minute",
        "REGISTER_LIMIT_IP": "10000 per minute",
        "SERVER_NAME": "localhost",
    }
    config.update(overrides)
    return config


@contextlib.contextmanager
def private_app(url, create=True, **overrides):
    """An app on ``url`` with the schema created; the engine is disposed after."""
    app = create_app(private_config(url, **overrides))
    if create:
        with app.app_context():
            db.create_all()
    try:
        yield app
    finally:
        with app.app_context():
            db.session.remove()
            db.engine.dispose()


@contextlib.contextmanager
def private_pg_database():
    """A fresh PostgreSQL database (dropped afterwards): ``(name, url)``."""
    name, url = databases.create_pg_database()
    try:
        yield name, url
    finally:
        databases.drop_pg_database(name)


def build_world(app):
    """``factory.world()`` committed in the app's own database."""
    with app.app_context():
        world = Factory(db).world()
        db.session.commit()
        ids = {name: getattr(value, "id", None) for name, value in vars(world).items()}
        phones = {name: value.phone for name, value in vars(world).items()
                  if hasattr(value, "phone")}
    return ids, phones, world.password


def login(client, phone, password):
    response = client.post("/login", data={"phone": phone, "password": password})
    assert response.status_code == 302, response.data[:300]
    return response
