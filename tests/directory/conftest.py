import pytest
from flask_babel import force_locale


@pytest.fixture
def english(app, db):
    """Service messages in English, whatever the default locale."""
    with force_locale("en"):
        yield
