"""Flask extensions, created unbound and bound to an app in ``create_app``."""

from flask_login import LoginManager
from flask_wtf import CSRFProtect

csrf = CSRFProtect()
login_manager = LoginManager()
