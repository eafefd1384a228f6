"""Imports every feature's demo loaders (each registers with ``@demo_loader``)."""
from .demo import directory  # noqa: F401
from .renovation import demo as renovation_demo  # noqa: F401
from .voting import demo as voting_demo  # noqa: F401
from .tickets import demo as tickets_demo  # noqa: F401
from .meetings import demo as meetings_demo  # noqa: F401
from .directory import demo as directory_demo  # noqa: F401
from .spaces import demo as spaces_demo  # noqa: F401
