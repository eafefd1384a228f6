from flask_babel import lazy_gettext as _l
from wtforms import DateField, SelectField, StringField
from wtforms.validators import Length, Optional

from ..forms import BaseForm, choices
from .services import KIND_LABELS


class SearchForm(BaseForm):
    """The search box and its filters, read from the query string."""

    class Meta:
        csrf = False

    q = StringField(_l("Words to find"), validators=[Optional(), Length(max=100)],
                    render_kw={"type": "search", "autocomplete": "off"})
    kind = SelectField(_l("What"), validators=[Optional()],
                       choices=choices([("", _l("Everything"))] + list(KIND_LABELS.items())))
    compound_id = SelectField(_l("Compound"), coerce=int, validators=[Optional()])
    state = SelectField(_l("State"), validators=[Optional()],
                        choices=choices([("", _l("Any")), ("active", _l("Still open or upcoming")),
                                         ("finished", _l("Finished"))]))
    since = DateField(_l("From"), validators=[Optional()])
    until = DateField(_l("To"), validators=[Optional()])
