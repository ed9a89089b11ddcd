"""Flask extensions, created unbound and bound to an app in ``create_app``."""

from flask_wtf import CSRFProtect

csrf = CSRFProtect()
