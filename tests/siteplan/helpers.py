import io

from PIL import Image
from werkzeug.datastructures import FileStorage

from residentvoice.siteplan import services


def plan_png(size=(400, 300)):
    out = io.BytesIO()
    Image.new("RGB", size, (235, 235, 225)).save(out, "PNG")
    return out.getvalue()


def upload(w, compound=None, size=(400, 300)):
    return services.upload_plan(w.secretary, compound or w.compound_a,
                                FileStorage(io.BytesIO(plan_png(size)), filename="plan.png"))
