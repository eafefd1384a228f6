from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField
from wtforms import HiddenField, SelectField

from ..forms import BaseForm


class PlanUploadForm(BaseForm):
    picture = FileField(_l("Picture of the site plan (JPEG or PNG)"),
                        render_kw={"accept": "image/*"})


class MarkForm(BaseForm):
    target = SelectField(_l("Building or space"), validate_choice=False)
    x = HiddenField()
    y = HiddenField()
