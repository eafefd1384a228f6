"""Imports every feature's models so SQLAlchemy's metadata is complete.

Each feature adds one line here when it gains models."""
from .directory import models as directory_models  # noqa: F401
from .auth import models as auth_models  # noqa: F401
from .audit import models as audit_models  # noqa: F401
from .notifications import models as notification_models  # noqa: F401
from .uploads import models as upload_models  # noqa: F401
from .renovation import models as renovation_models  # noqa: F401
from .renovation import models_household as renovation_household_models  # noqa: F401
from .tickets import models as ticket_models  # noqa: F401
from .tickets import stats as ticket_stats  # noqa: F401
from .open311 import models as open311_models  # noqa: F401
from .voting import models as voting_models  # noqa: F401
from .spaces import discussion_models as space_discussion_models, models as space_models  # noqa: F401,E501
from .meetings import models as meeting_models  # noqa: F401
from .search import models as search_models  # noqa: F401
from .meetings import calendar_models as meeting_calendar_models  # noqa: F401
from .follow import models as follow_models  # noqa: F401
from .spaces import progress as space_progress  # noqa: F401
from .renovation import timeline as renovation_timeline  # noqa: F401
from .meetings import phone_vote_models as meeting_phone_vote_models  # noqa: F401
from .siteplan import models as siteplan_models  # noqa: F401
