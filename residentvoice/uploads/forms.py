"""A form's photos kept when it is sent back (``services.keep``), as the
views use them: the boxes the form ticked come back as ``<field>_kept``
(``templates/macros/forms.html``: ``files_sent_back``)."""
from flask import g, request
from flask_login import current_user

from . import services


def kept_photos(field):
    """The photos kept for ``field`` that the form was sent with (its ticked boxes)."""
    return services.kept(current_user, request.form.getlist(f"{field}_kept"))


def keep_photos(field, kept, limit):
    """The form is shown again: ``kept`` with what ``field`` carried now kept
    too, up to ``limit`` in all (nothing more when the form was only opened)."""
    if request.method != "POST":
        return list(kept)
    return services.keep(current_user, request.files.getlist(field), kept, limit=limit,
                         refusal=g.get("refusal"))
