"""Development settings: the default of manage.py and ``make run``."""

from .base import *  # noqa: F401,F403
from .base import env_bool

DEBUG = env_bool("DEBUG", True)
